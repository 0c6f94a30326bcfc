"""What an assignment grades: the kit's own check calls, read from the kit's exercise notebook.

The grader never trusts the learner's notebook to say what is checked: a
learner may delete or edit the check cells, redefine ``ex`` or write a function
called ``check``. Instead, the check cells of the kit's generated exercise
notebook (cells tagged ``ex:<id>`` that call ``ex.<id>.check(...)``) give, for
each exercise, the expressions whose values the check receives
(``X_train, X_test, y_train, y_test``). Only those expressions are evaluated in
the learner's kernel, after their notebook has run.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from mlkit.errors import InputError


@dataclass(frozen=True)
class CheckCall:
    """One exercise's check, as the kit's notebook calls it."""

    exercise: str
    args: tuple[str, ...] = ()
    kwargs: tuple[tuple[str, str], ...] = ()
    points: int = 1

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "args": list(self.args), "kwargs": dict(self.kwargs), "points": self.points}


@dataclass(frozen=True)
class Assignment:
    """A unit to grade: its id, the kit's exercise notebook and its check calls in order."""

    unit: str
    notebook: Path
    calls: tuple[CheckCall, ...] = field(default=())

    @property
    def exercises(self) -> list[str]:
        return [c.exercise for c in self.calls]

    @property
    def max_points(self) -> int:
        return sum(c.points for c in self.calls)


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def check_calls(nb: dict) -> list[CheckCall]:
    """Every ``ex.<name>.check(...)`` call in the ``ex:`` cells of a notebook, first one per exercise.

    Lines starting with ``%`` or ``!`` (IPython magics) are ignored.
    """
    found: dict[str, CheckCall] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code" or not any(t.startswith("ex:") for t in _tags(cell)):
            continue
        code = "\n".join(line for line in _source(cell).splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            name = _checked_exercise(node)
            if name and name not in found:
                found[name] = CheckCall(
                    name,
                    tuple(ast.unparse(a) for a in node.args),
                    tuple((k.arg, ast.unparse(k.value)) for k in node.keywords if k.arg),
                )
    return list(found.values())


def _checked_exercise(node: ast.AST) -> str | None:
    """``"split"`` for a call ``ex.split.check(...)``, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check"):
        return None
    target = node.func.value
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "ex":
        return target.attr
    return None


def load(unit_id: str, root: Path | None = None) -> Assignment:
    """The assignment of a unit: its exercise notebook from the catalogue and the kit's check calls.

    Raises :class:`~mlkit.errors.InputError` when the unit is unknown, has no
    exercises or checks, or its exercise notebook is not in this checkout.
    """
    from mlkit.course import curriculum
    from mlkit.course.checks.registry import unit_exercises
    from mlkit.paths import repo_root

    try:
        unit = curriculum.get_unit(unit_id)
    except curriculum.UnknownUnitError as error:
        raise InputError(f"--assignment: {error}") from None
    if not unit.exercises:
        raise InputError(f"--assignment: unit {unit_id!r} has no exercise notebook to grade")
    root = root or repo_root()
    if root is None:
        raise InputError("grading needs the kit's exercise notebooks: run it from a checkout of the kit's repository")
    path = root / unit.exercises
    if not path.is_file():
        raise InputError(f"--assignment: the exercise notebook of unit {unit_id!r} ({unit.exercises}) does not exist yet")
    exercise_set = unit_exercises(unit_id)
    if exercise_set is None:
        raise InputError(f"--assignment: unit {unit_id!r} has no checks (mlkit/course/checks/units/) to grade with")
    calls = [c for c in check_calls(json.loads(path.read_text(encoding="utf-8"))) if c.exercise in exercise_set]
    if not calls:
        raise InputError(f"--assignment: {unit.exercises} has no check cells (ex.<name>.check(...)) to grade")
    return Assignment(unit_id, path, tuple(calls))
