"""Reading what a learner handed in: is it a notebook of this unit, and in a form the grader can run.

:func:`check_notebook` is the only way a submitted file becomes a notebook for
:mod:`mlkit.grading.batch`; everything that makes a file invalid is said here.

The steps, each bounded so that one file cannot stop the run:

1. the file is opened without following a symbolic link, must be a regular file
   and at most :data:`FILE_SIZE_CAP` bytes, and is read once;
2. its JSON nesting depth is measured by a flat scan (no recursion) and must be
   at most :data:`MAX_DEPTH`, so that ``json.loads`` and everything after it
   never meet a ``RecursionError``;
3. at most :data:`MAX_CELLS` cells; stored outputs are removed (they play no
   part in grading), and only then is the rest held to :data:`NOTEBOOK_SIZE_CAP`
   (the learner's own source);
4. nbformat 3 and every 4.x minor version are upgraded to the current 4.x,
   cell ids are added where missing or repaired where invalid or repeated, and
   the result is validated.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

NOTEBOOK_SIZE_CAP = 50 * 1024 * 1024  # bytes of notebook JSON once stored outputs are removed
FILE_SIZE_CAP = 256 * 1024 * 1024  # bytes of the file as handed in, outputs included
MAX_DEPTH = 100  # nesting of JSON arrays and objects; real notebooks stay below 20
MAX_CELLS = 10_000  # cells in one notebook; an exercise notebook has well under 200

_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
_MB = 1024 * 1024


class Refused(Exception):
    """A submitted file the grader will not run; the message says why, for the gradebook."""


def json_depth(data: bytes) -> int:
    """The deepest nesting of ``[``/``{`` in JSON text, counted without recursion.

    Brackets inside JSON strings are skipped. Text that is not valid JSON gets
    some count as well; :func:`json.loads` rejects it afterwards.
    """
    depth = deepest = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _read(path: Path) -> bytes:
    """The file's bytes, read once; a symbolic link, a special file or a huge file is refused."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if Path(path).is_symlink():
            raise Refused("the file is a symbolic link; hand in the notebook itself") from None
        raise Refused(f"the file cannot be read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused("this is not a regular file")
        if info.st_size > FILE_SIZE_CAP:
            raise Refused(f"the file is {info.st_size // _MB} MB; the grader reads files up to {FILE_SIZE_CAP // _MB} MB")
        data = handle.read(FILE_SIZE_CAP + 1)
    if len(data) > FILE_SIZE_CAP:  # it grew while being read
        raise Refused(f"the file is over {FILE_SIZE_CAP // _MB} MB; the grader reads files up to {FILE_SIZE_CAP // _MB} MB")
    return data


def _parse(data: bytes) -> dict:
    """The notebook's JSON object; raises :class:`Refused` for anything else."""
    if not data.strip():
        raise Refused("the file is empty")
    depth = json_depth(data)
    if depth > MAX_DEPTH:
        raise Refused(f"the JSON is nested {depth} levels deep; a notebook has at most {MAX_DEPTH}")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Refused("the file is not text (UTF-8)") from None
    except json.JSONDecodeError as error:
        raise Refused(f"the file is not valid notebook JSON (line {error.lineno}: {error.msg})") from None
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        raise Refused(f"the file is not valid notebook JSON ({str(error)[:200]})") from None
    if not isinstance(raw, dict) or "nbformat" not in raw or ("cells" not in raw and "worksheets" not in raw):
        raise Refused("the file is JSON but not a Jupyter notebook (no cells or nbformat)")
    return raw


def _code_cells(raw: dict):
    """Every code cell of a version 4 (``cells``) or version 3 (``worksheets``) notebook."""
    sheets = raw.get("worksheets") if raw.get("nbformat") == 3 else [raw]
    for sheet in sheets if isinstance(sheets, list) else []:
        cells = sheet.get("cells") if isinstance(sheet, dict) else None
        for cell in cells if isinstance(cells, list) else []:
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                yield cell


def _count_cells(raw: dict) -> int:
    sheets = raw.get("worksheets") if raw.get("nbformat") == 3 else [raw]
    sheets = sheets if isinstance(sheets, list) else []
    return sum(len(s["cells"]) for s in sheets if isinstance(s, dict) and isinstance(s.get("cells"), list))


def strip_outputs(raw: dict) -> dict:
    """``raw`` with every code cell's stored outputs and execution count removed (changed in place)."""
    for cell in _code_cells(raw):
        if "outputs" in cell:
            cell["outputs"] = []
        if "execution_count" in cell:
            cell["execution_count"] = None
        cell.pop("prompt_number", None)
    return raw


def _upgrade(raw: dict):
    """A current-version (4.x) NotebookNode made from any 3.x or 4.x notebook dict, with valid cell ids."""
    import nbformat

    version = raw.get("nbformat")
    if version not in (3, 4):
        raise Refused(f"the notebook format version is {version!r}; the grader reads versions 3 and 4")
    if version == 4 and not isinstance(raw.get("nbformat_minor"), int):
        raw["nbformat_minor"] = 0
    nb = nbformat.convert(nbformat.versions[version].to_notebook_json(raw), 4)  # as nbformat.reads does
    nb.nbformat_minor = nbformat.v4.nbformat_minor  # a later 4.x is read as the newest one nbformat knows
    _repair_ids(nb)
    return nb


def _repair_ids(nb) -> None:
    """Give each cell a valid, distinct id; an id already valid and unique is kept."""
    seen: set[str] = set()
    for index, cell in enumerate(nb.get("cells") or []):
        if not isinstance(cell, dict):
            continue
        given = cell.get("id")
        if not (isinstance(given, str) and _CELL_ID.match(given)) or given in seen:
            given = f"cell-{index}"
            while given in seen:
                given += "-x"
            cell["id"] = given
        seen.add(given)


def _first_line(error: Exception) -> str:
    """The first line of an error's message (at most 200 characters), or its type's name."""
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


def _valid(nb) -> None:
    import nbformat

    try:
        nbformat.validate(nb)
    except Exception as error:
        raise Refused(f"the notebook does not follow the notebook format ({_first_line(error)})") from None


def read_notebook(path: Path):
    """The submitted notebook at ``path``, outputs removed, upgraded to nbformat 4 and validated.

    Raises
    ------
    Refused
        With a one-line reason for the gradebook: symbolic link, not a regular
        file, too large, too deeply nested, not UTF-8, not JSON, not a
        notebook, not a version 3 or 4 notebook, invalid after upgrade.
    """
    data = _read(Path(path))
    raw = _parse(data)
    del data
    cells = _count_cells(raw)
    if cells > MAX_CELLS:
        raise Refused(f"the notebook has {cells} cells; the grader reads notebooks of up to {MAX_CELLS}")
    strip_outputs(raw)
    try:
        size = len(json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    except UnicodeEncodeError:
        raise Refused("the notebook holds text that is not valid Unicode (an unpaired surrogate such as \\ud800)") from None
    if size > NOTEBOOK_SIZE_CAP:
        raise Refused(
            f"the notebook is {size // _MB} MB without its outputs; "
            f"the grader reads notebooks up to {NOTEBOOK_SIZE_CAP // _MB} MB"
        )
    try:
        nb = _upgrade(raw)
    except Refused:
        raise
    except Exception as error:
        raise Refused(f"the notebook cannot be upgraded to the current notebook format ({_first_line(error)})") from None
    _valid(nb)
    return nb


def check_notebook(path: Path, unit: str):
    """Read a submitted notebook; returns ``(notebook, "")`` or ``(None, why it is invalid)``.

    ``notebook`` is an nbformat 4 NotebookNode without stored outputs; ``unit``
    is the unit being graded (a notebook marked as another unit's is refused).
    Never raises for anything in the file: every problem is the returned reason.
    """
    try:
        nb = read_notebook(path)
    except Refused as refused:
        return None, str(refused)
    except RecursionError:
        return None, "the notebook's JSON is nested too deeply to read"
    except MemoryError:
        return None, "the notebook is too large to read"
    except Exception as error:  # a file nothing above foresaw stays one learner's problem
        return None, f"the notebook cannot be read ({type(error).__name__}: {str(error)[:200]})"
    meta = nb.metadata.get("mlkit")
    other = meta.get("unit") if isinstance(meta, dict) else None
    if other and other != unit:
        return None, f"this is the notebook of unit {str(other)[:80]!r}, not {unit!r}"
    return nb, ""
