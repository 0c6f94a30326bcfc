"""One solution notebook -> one exercise notebook, and the worked solution of an exercise.

The generator is a pure function of the solution notebook (no dates, no paths of
this machine, no random ids), so building twice gives byte-identical files and
``mlkit exercises check`` can detect drift by building in memory and comparing.
"""

from __future__ import annotations

import copy
import re
import textwrap
from pathlib import Path

from mlkit.course.authoring.markers import Region, split_regions
from mlkit.course.authoring.stubs import stub_region
from mlkit.errors import InputError

SOLUTION_TAG = "solution"
SOLUTION_ONLY_TAG = "solution-only"
ANSWER_TAG = "answer"
EXERCISE_TAG_PREFIX = "ex:"
EXERCISE_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
HEADER_ID = "mlkit-generated"
MARKDOWN_PROMPT = "**Your answer:** _double-click this cell and replace this line with your answer, in a few sentences._"


def header_text(unit: str, source: str) -> str:
    """The first cell of every exercise notebook.

    Learners are told to work in their own copy because the kit's file changes
    when the kit is updated (and ``git pull`` would conflict with their edits);
    contributors are told the file is generated because, as the scikit-learn MOOC
    found, people otherwise edit the generated copy and the change is lost at the
    next build.
    """
    return (
        "> **This notebook is generated. Do not work in it.**\n"
        ">\n"
        f"> *Learners:* open your own copy, `{Path(source).stem}-exercises.ipynb`, in your workspace\n"
        f"> (`make lab` opens JupyterLab there; `mlkit work {unit}` makes the copy). The kit never\n"
        "> overwrites your copy.\n"
        ">\n"
        f"> *Contributors:* edit `{source}` and run `mlkit exercises build`."
    )


def where(label: str, index: int, cell) -> str:
    """How error messages name a cell: notebook, 1-based position and id."""
    return f"{label}, cell {index + 1} (id {cell.get('id', '?')!r})"


def unit_of(nb, label: str) -> str:
    """The unit id a solution notebook declares in its metadata (``{"mlkit": {"unit": ...}}``).

    Required because the learner's ``mlkit work UNIT`` and the checks find an
    exercise notebook by its unit, not by its file name.
    """
    unit = nb.metadata.get("mlkit", {}).get("unit")
    if not isinstance(unit, str) or not unit:
        raise InputError(
            f'{label}: the notebook metadata lacks {{"mlkit": {{"unit": "<unit id>"}}}}; '
            "add it (Edit > Notebook metadata in JupyterLab) with the unit id from the catalogue"
        )
    return unit


def tags_of(cell) -> list[str]:
    """The cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_ids_of(cell, label: str = "", index: int = 0) -> list[str]:
    """Exercise ids named by the cell's ``ex:<id>`` tags."""
    ids = []
    for tag in tags_of(cell):
        if tag.startswith(EXERCISE_TAG_PREFIX):
            exercise_id = tag[len(EXERCISE_TAG_PREFIX):]
            if not EXERCISE_ID.fullmatch(exercise_id):
                raise InputError(
                    f"{where(label, index, cell)}: tag {tag!r} does not name an exercise; "
                    "expected ex:<id> with an id of lowercase letters, digits, '-' or '_'"
                )
            ids.append(exercise_id)
    return ids


def stub_source(source: str, place: str, whole_cell: bool = False) -> str:
    """A code cell's source with every solution region replaced by its stub.

    ``whole_cell`` treats an unmarked cell as one region (a code cell tagged
    ``solution``, as nbgrader allows).
    """
    segments = split_regions(source, place)
    if whole_cell and not any(isinstance(s, Region) for s in segments):
        segments = [Region(indent="", lines=tuple(source.splitlines(keepends=True)), first_line=1)]
    parts = [stub_region(s.code, s.indent, place) if isinstance(s, Region) else s for s in segments]
    return "".join(parts).rstrip("\n")


def exercise_notebook(solution_nb, label: str):
    """The exercise notebook generated from ``solution_nb`` (not modified), normalised.

    ``label`` is the solution's repository path (``solutions/NN_slug.ipynb``), used
    in messages and recorded as ``generated_from``.
    """
    from nbformat import v4

    from mlkit.course.notebook_store import normalise

    unit = unit_of(solution_nb, label)
    nb = copy.deepcopy(solution_nb)
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = tags_of(cell)
        exercise_ids_of(cell, label, index)  # validates the ex: tags
        if SOLUTION_ONLY_TAG in tags:
            continue  # explanations of why the solution is right
        kept_tags = [t for t in tags if t not in (SOLUTION_TAG, SOLUTION_ONLY_TAG)]
        if cell.cell_type == "markdown" and SOLUTION_TAG in tags:
            cell.source = MARKDOWN_PROMPT
            cell.pop("attachments", None)  # pictures in an answer are part of the answer
            kept_tags.append(ANSWER_TAG)
        elif cell.cell_type == "code":
            cell.source = stub_source(cell.source, where(label, index, cell), whole_cell=SOLUTION_TAG in tags)
        if kept_tags:
            cell.metadata["tags"] = kept_tags
        else:
            cell.metadata.pop("tags", None)
        cells.append(cell)
    header = v4.new_markdown_cell(header_text(unit, label), id=HEADER_ID)
    nb.cells = [header, *cells]
    nb.metadata["mlkit"] = {**solution_nb.metadata.get("mlkit", {}), "unit": unit, "generated_from": label}
    return normalise(nb, keep_outputs=False)


def solution_parts(solution_notebook_path: str | Path, exercise_id: str) -> tuple[str, str]:
    """The worked solution of one exercise as (code, explanation in Markdown).

    The code is the code inside the solution regions of the cells tagged
    ``ex:<exercise_id>`` (dedented, markers removed) followed, in notebook order,
    by the text of its ``solution`` and ``solution-only`` markdown cells. Only the
    regions are shown, not the surrounding code, because the learner already has
    that in their notebook.

    Raises :class:`mlkit.errors.InputError` for an unknown exercise id (listing the
    known ones) or an exercise without any solution.

    Examples
    --------
    >>> from mlkit.course.authoring import solution_text
    >>> print(solution_text("solutions/14_classification.ipynb", "split"))  # doctest: +SKIP
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    """
    from mlkit.course.notebook_store import read

    path = Path(solution_notebook_path)
    if not path.is_file():
        raise InputError(f"no solution notebook at {path}")
    nb = read(path)
    label = str(path)
    code: list[str] = []
    text: list[str] = []
    known: list[str] = []
    found = False
    for index, cell in enumerate(nb.cells):
        ids = exercise_ids_of(cell, label, index)
        known += [i for i in ids if i not in known]
        if exercise_id not in ids:
            continue
        found = True
        tags = tags_of(cell)
        if cell.cell_type == "code":
            segments = split_regions(cell.source, where(label, index, cell))
            regions = [s for s in segments if isinstance(s, Region)]
            if regions:
                code += [textwrap.dedent(r.code).strip("\n") for r in regions]
            elif SOLUTION_TAG in tags and cell.source.strip():
                code.append(cell.source.strip("\n"))
        elif cell.cell_type == "markdown" and (SOLUTION_TAG in tags or SOLUTION_ONLY_TAG in tags):
            text.append(cell.source.strip("\n"))
    if not found:
        listed = ", ".join(known) if known else "none (no cell has an ex:<id> tag)"
        raise InputError(f"{path}: no exercise {exercise_id!r}; its exercises are: {listed}")
    if not code and not text:
        raise InputError(f"{path}: exercise {exercise_id!r} has no solution region and no solution cell")
    return "\n\n".join(code), "\n\n".join(text)


def solution_text(solution_notebook_path: str | Path, exercise_id: str) -> str:
    """The worked solution of one exercise as plain text: its code, then its explanation.

    See :func:`solution_parts` for what each part holds and the errors raised.

    Examples
    --------
    >>> from mlkit.course.authoring import solution_text
    >>> print(solution_text("solutions/14_classification.ipynb", "split"))  # doctest: +SKIP
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    """
    code, text = solution_parts(solution_notebook_path, exercise_id)
    return "\n\n".join(p for p in (code, text) if p) + "\n"
