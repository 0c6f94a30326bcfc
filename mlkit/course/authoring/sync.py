"""The ``solutions/`` and ``exercises/`` folders of a kit: build one from the other, check they agree.

Every function takes the kit's ``root`` folder, so tests work on a temporary copy
of the layout and never touch the real repository.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mlkit.course.authoring.generate import (
    ANSWER_TAG,
    MARKDOWN_PROMPT,
    SOLUTION_ONLY_TAG,
    SOLUTION_TAG,
    exercise_notebook,
    tags_of,
)
from mlkit.course.authoring.markers import has_markers
from mlkit.errors import InputError

SOLUTIONS = "solutions"
EXERCISES = "exercises"


@dataclass(frozen=True)
class Built:
    """What :func:`build` did to one exercise notebook."""

    path: Path  # the exercise notebook
    action: str  # "updated", "unchanged" or "removed"


def solution_paths(root: Path) -> list[Path]:
    """Every solution notebook of the kit, sorted."""
    return sorted((Path(root) / SOLUTIONS).glob("*.ipynb"))


def exercise_path(root: Path, solution: Path) -> Path:
    """Where the exercise generated from ``solution`` lives: same file name under ``exercises/``."""
    return Path(root) / EXERCISES / Path(solution).name


def relative(root: Path, path: Path) -> str:
    """``path`` as a repository path (``solutions/x.ipynb``): what messages and metadata show."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def expected_text(root: Path, solution: Path) -> str:
    """The exact text the exercise generated from ``solution`` must have."""
    from mlkit.course.notebook_store import dumps, read

    return dumps(exercise_notebook(read(solution), relative(root, solution)))


def solution_for(root: Path, path: Path) -> Path:
    """The solution notebook a command-line path refers to (a solution, or its exercise)."""
    root = Path(root).resolve()
    path = Path(path).resolve()
    if path.parent == root / EXERCISES:
        path = root / SOLUTIONS / path.name
    if path.parent != root / SOLUTIONS or path.suffix != ".ipynb":
        raise InputError(f"{path}: not a notebook of {root / SOLUTIONS}; exercises are built from solutions/NN_name.ipynb")
    if not path.is_file():
        raise InputError(f"no solution notebook {relative(root, path)}")
    return path


def build(root: Path, paths: list[Path] | None = None) -> list[Built]:
    """Generate the exercise notebook of each solution (all of them by default).

    Files are written only when their text changes, so a build that changes
    nothing leaves timestamps (and editors with the file open) alone. A full build
    also removes generated exercises whose solution is gone, so deleting a
    solution and building is enough; a file not marked as generated is never
    removed (``check`` reports it instead).
    """
    from mlkit.course.notebook_store import write

    root = Path(root)
    sources = [solution_for(root, p) for p in paths] if paths else solution_paths(root)
    # Generate everything before writing anything: one broken solution must not
    # leave the folder half rebuilt.
    texts = {s: expected_text(root, s) for s in sources}
    done: list[Built] = []
    for source, text in texts.items():
        target = exercise_path(root, source)
        changed = write(json.loads(text), target)
        done.append(Built(target, "updated" if changed else "unchanged"))
    if not paths:
        for stale in _orphan_exercises(root):
            if _generated_from(stale):
                stale.unlink()
                done.append(Built(stale, "removed"))
    return done


def check(root: Path) -> list[str]:
    """Problems of the ``exercises/`` folder, one line each naming the notebook (empty when in sync).

    Reported: an exercise missing, out of date or without a solution source, a
    solution that cannot be built, and anything of a solution in an exercise
    (markers, solution or solution-only cells, outputs). Leaks are looked for in
    the files themselves, not only by comparing with a fresh build, so a file
    edited by hand is explained, not just called "out of date".
    """
    root = Path(root)
    found: list[str] = []
    for source in solution_paths(root):
        target = exercise_path(root, source)
        name, source_name = relative(root, target), relative(root, source)
        try:
            text = expected_text(root, source)
        except InputError as error:
            message = str(error)
            found.append(message if message.startswith(source_name) else f"{source_name}: {message}")
            continue
        if not target.is_file():
            found.append(f"{name}: missing; run `mlkit exercises build` to generate it from {source_name}")
            continue
        leaks = leaks_in(target)
        found += [f"{name}: {leak}" for leak in leaks]
        if not leaks and target.read_text(encoding="utf-8") != text:
            found.append(f"{name}: out of date with {source_name}; run `mlkit exercises build`")
    for orphan in _orphan_exercises(root):
        name = relative(root, orphan)
        found.append(f"{name}: has no solution source {SOLUTIONS}/{orphan.name}; exercises are generated from solutions")
        found += [f"{name}: {leak}" for leak in leaks_in(orphan)]
    return found


def leaks_in(path: Path) -> list[str]:
    """Ways an exercise notebook shows part of its solution (or was not generated)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [f"cannot be read as a notebook ({error})"]
    found: list[str] = []
    if not _generated_from(path):
        found.append('is not marked as generated (notebook metadata {"mlkit": {"generated_from": ...}})')
    for index, cell in enumerate(nb.get("cells", [])):
        place = f"cell {index + 1} (id {cell.get('id', '?')!r})"
        source = "".join(cell.get("source", ""))
        tags = tags_of(cell)
        if has_markers(source):
            found.append(f"{place} contains a solution marker")
        for tag in (SOLUTION_TAG, SOLUTION_ONLY_TAG):
            if tag in tags:
                found.append(f"{place} is a {tag!r} cell")
        if ANSWER_TAG in tags and source != MARKDOWN_PROMPT:
            found.append(f"{place} is an answer cell with text other than the prompt")
        if cell.get("outputs") or cell.get("execution_count") is not None:
            found.append(f"{place} has outputs; exercises are stored without outputs")
    return found


def _orphan_exercises(root: Path) -> list[Path]:
    return [p for p in sorted((root / EXERCISES).glob("*.ipynb")) if not (root / SOLUTIONS / p.name).is_file()]


def _generated_from(path: Path) -> str | None:
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return nb.get("metadata", {}).get("mlkit", {}).get("generated_from")
