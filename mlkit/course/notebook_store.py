"""How notebooks are stored in the repository: executed, normalised, comparable.

Lessons (``notebooks/``) and solutions (``solutions/``) are committed with
their outputs, so the test suite can compare a fresh run with them (``nbval``):
a changed result fails. Exercises (``exercises/``) are committed without
outputs. Normalising keeps diffs small and runs reproducible: fixed kernel
metadata, no timings or widget state, sequential execution counts, stable
cell ids.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mlkit.files import write_atomic

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KEPT_NOTEBOOK_METADATA = ("kernelspec", "language_info", "mlkit")
KEPT_CELL_METADATA = ("tags", "mlkit", "editable", "deletable", "jupyter")
EXECUTED_FOLDERS = ("notebooks", "solutions")
CLEARED_FOLDERS = ("exercises",)
MACHINE_PATH = re.compile(r"(/root/|/home/[^/\s\"]+/|/Users/[^/\s\"]+/|site-packages|/tmp/[\w.-]+/|[A-Z]:\\\\Users)")


def deterministic_env() -> dict[str, str]:
    """Environment settings under which notebook runs repeat exactly.

    One thread per numerical library (results and timings do not depend on the
    machine's cores) and a fixed hash seed. Used by the test suite and by
    :func:`execute`.
    """
    return {
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def notebook_paths(root: Path, folders: tuple[str, ...] = EXECUTED_FOLDERS + CLEARED_FOLDERS) -> list[Path]:
    """Every committed notebook under the given folders of ``root``, sorted."""
    found: list[Path] = []
    for folder in folders:
        found += sorted((root / folder).glob("*.ipynb"))
    return found


def expects_outputs(path: Path) -> bool:
    """True for notebooks stored executed (lessons, solutions)."""
    return path.parent.name in EXECUTED_FOLDERS


def read(path: Path):
    """Read a notebook (nbformat 4)."""
    import nbformat

    return nbformat.read(str(path), as_version=4)


def dumps(nb) -> str:
    """The notebook as the exact text the kit stores (stable key order, one-space indent)."""
    import nbformat

    return json.dumps(nbformat.from_dict(nb), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(nb, path: Path) -> bool:
    """Write ``nb`` atomically; returns False (and writes nothing) when unchanged."""
    text = dumps(nb)
    path = Path(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    return write_atomic(path, text)


def normalise(nb, keep_outputs: bool = True):
    """Strip volatile metadata, fix the kernel, number cells and give them stable ids."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in KEPT_NOTEBOOK_METADATA}
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    used: set[str] = set()
    count = 0
    for index, cell in enumerate(nb.cells):
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEPT_CELL_METADATA}
        cell_id = cell.get("id")
        if not cell_id or cell_id in used or not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", cell_id):
            cell_id = f"cell-{index:03d}"
            while cell_id in used:
                cell_id += "x"
        cell.id = cell_id
        used.add(cell_id)
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        if not keep_outputs:
            cell.outputs, cell.execution_count = [], None
            continue
        if cell.execution_count is not None:
            count += 1
            cell.execution_count = count
        for output in cell.outputs:
            if "execution_count" in output:
                output["execution_count"] = cell.execution_count
    return nb


def execute(path: Path, timeout: int = 300):
    """Run a notebook top to bottom in a fresh kernel, in its own folder."""
    from nbclient import NotebookClient

    nb = read(path)
    with tempfile.TemporaryDirectory(prefix="mlkit-home-") as home:
        env = {**os.environ, **deterministic_env(), "MLKIT_HOME": home}
        env.pop("MPLBACKEND", None)
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(Path(path).parent)}}
        )
        client.execute(env=env, stderr=subprocess.DEVNULL)  # kernel start-up chatter, not cell output
    return nb


def run_and_store(path: Path) -> tuple[Path, bool]:
    """Execute (or clear) one notebook, normalise it and write it back; returns (path, changed)."""
    path = Path(path)
    if expects_outputs(path):
        nb = normalise(execute(path))
    else:
        nb = normalise(read(path), keep_outputs=False)
    return path, write(nb, path)


def run_and_store_all(paths: list[Path], jobs: int = 2):
    """:func:`run_and_store` over many notebooks, ``jobs`` at a time; yields (path, changed)."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield run_and_store(path)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(run_and_store, paths)


def problems(path: Path, root: Path | None = None) -> list[str]:
    """Ways a committed notebook breaks the storage rules (empty when it is fine)."""
    path = Path(path)
    nb = read(path)
    found: list[str] = []
    if dumps(normalise(read(path), keep_outputs=expects_outputs(path))) != path.read_text(encoding="utf-8"):
        found.append("is not normalised")
    code = [c for c in nb.cells if c.cell_type == "code"]
    if expects_outputs(path):
        unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count is None and c.source.strip()]
        if unrun:
            found.append(f"has code cells that were never run (cells {unrun[:5]}); stored outputs are compared")
        errors = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.outputs)]
        if errors:
            found.append(f"has stored errors in cells {errors[:5]}")
    elif any(c.outputs or c.execution_count is not None for c in code):
        found.append("carries outputs; exercise notebooks are stored without outputs")
    text = json.dumps([c.get("outputs", []) for c in nb.cells]) + json.dumps([c.source for c in nb.cells])
    prefixes = [str(root.resolve())] if root else []
    hits = [p for p in prefixes if p in text] + MACHINE_PATH.findall(text)
    if hits:
        found.append(f"mentions a machine-specific path ({hits[0]!r})")
    return [f"{path}: {p}" for p in found]
