"""Run a solution notebook in this process and capture what each exercise's check received.

Cells run in order in one namespace, as in a kernel (the solution notebooks use no IPython
syntax). While they run, :meth:`Exercise.check` is replaced by a recorder: it evaluates the
answer without writing to the learner's progress store and keeps the objects it was given, so
the harness can offer the check other forms of them and compare mutants with them. A learner's
function passed to a check is wrapped so that the calls the check makes to it are kept too.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from mlkit.course.checks.core import Exercise, Outcome

TAG_PREFIX = "ex:"


@dataclass
class Call:
    """One call of ``ex.NAME.check(...)``: the exercise, the objects given and the outcome."""

    exercise: Exercise
    args: tuple
    kwargs: dict
    outcome: Outcome


@dataclass
class ExerciseRun:
    """What running one exercise's cells gave."""

    name: str
    before: dict  # the namespace before the exercise's first cell
    cells: list[str] = field(default_factory=list)  # the exercise's code cells, in order
    calls: list[Call] = field(default_factory=list)
    function_calls: dict[str, list[tuple[tuple, dict]]] = field(default_factory=dict)  # learner function -> calls
    folder: str = "."  # where the cells run: files they write land there, never in the kit


class Recorder:
    """Replaces :meth:`Exercise.check` while cells run; see the module's docstring."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.function_calls: dict[str, list[tuple[tuple, dict]]] = {}

    def wrap(self, value: Any, label: str) -> Any:
        if not isinstance(value, types.FunctionType):
            return value
        seen = self.function_calls.setdefault(label, [])

        @functools.wraps(value)
        def recorded(*args, **kwargs):
            if len(seen) < 50:
                seen.append((copy.deepcopy(args), copy.deepcopy(kwargs)))
            return value(*args, **kwargs)

        return recorded

    def check(self, exercise: Exercise, *args, **kwargs) -> Outcome:
        wrapped = tuple(self.wrap(a, f"{exercise.name}:{i}") for i, a in enumerate(args))
        named = {k: self.wrap(v, f"{exercise.name}:{k}") for k, v in kwargs.items()}
        outcome = exercise.evaluate(*wrapped, **named)
        self.calls.append(Call(exercise, args, kwargs, outcome))
        return outcome


@contextlib.contextmanager
def recording() -> "contextlib.Generator[Recorder, None, None]":
    """Patch :meth:`Exercise.check` with a :class:`Recorder` for the duration of the block."""
    recorder = Recorder()
    original = Exercise.check
    Exercise.check = lambda self, *a, **k: recorder.check(self, *a, **k)  # type: ignore[method-assign]
    try:
        yield recorder
    finally:
        Exercise.check = original  # type: ignore[method-assign]


def snapshot(namespace: dict) -> dict:
    """A copy of a namespace whose data can be changed without changing the original.

    Modules, functions, classes and objects that cannot be copied are shared.
    """
    copied = {}
    for key, value in namespace.items():
        if isinstance(value, (types.ModuleType, types.FunctionType, type)) or key.startswith("__"):
            copied[key] = value
            continue
        try:
            copied[key] = copy.deepcopy(value)
        except Exception:
            copied[key] = value
    return copied


def run_cell(source: str, namespace: dict, label: str) -> None:
    """Execute one cell's code, its printed output and warnings swallowed."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, label, "exec"), namespace)


def exercise_of(cell) -> str | None:
    tags = cell.get("metadata", {}).get("tags", [])
    names = [t[len(TAG_PREFIX) :] for t in tags if t.startswith(TAG_PREFIX)]
    return names[0] if names else None


def code_cells(path: Path) -> list[tuple[str | None, str]]:
    """(exercise name or None, source) for each code cell of a solution notebook, in order.

    Read as JSON: nbformat's validation costs seconds at import and is not needed here.
    """
    import json

    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return [(exercise_of(c), "".join(c["source"])) for c in cells if c["cell_type"] == "code"]


def run_solution(path: Path, folder: Path, on_cell: Callable[[int], None] | None = None) -> dict[str, ExerciseRun]:
    """Run a solution notebook top to bottom in ``folder``; the runs of its exercises, by name.

    Files the cells write land in ``folder`` (the kit's own folders are never written).
    Raises whatever a cell raises: a solution notebook must run.
    """
    import matplotlib

    matplotlib.use("Agg")
    path = Path(path).resolve()
    runs: dict[str, ExerciseRun] = {}
    namespace: dict = {"__name__": "__main__"}
    with recording() as recorder, contextlib.chdir(folder):
        for index, (name, source) in enumerate(code_cells(path)):
            if name and name not in runs:
                runs[name] = ExerciseRun(name, snapshot(namespace), folder=str(folder))
            if name:
                runs[name].cells.append(source)
            before = len(recorder.calls)
            run_cell(source, namespace, f"<{Path(path).name} cell {index}>")
            if name:
                runs[name].calls += recorder.calls[before:]
            if on_cell:
                on_cell(index)
        for run in runs.values():
            run.function_calls = {k: v for k, v in recorder.function_calls.items() if k.split(":")[0] == run.name}
    _close_figures()
    return runs


def run_exercise(run: ExerciseRun, cells: list[str], label: str) -> tuple[list[Call], dict]:
    """Run an exercise's cells (possibly mutated) from the namespace before it.

    Returns the checks' calls and the namespace after; an exception from the cells
    propagates (the caller decides what it means).
    """
    namespace = snapshot(run.before)
    with recording() as recorder, contextlib.chdir(run.folder):
        try:
            for number, source in enumerate(cells):
                run_cell(source, namespace, f"<{label} cell {number}>")
        finally:
            _close_figures()
    return recorder.calls, namespace


def _close_figures() -> None:
    import matplotlib.pyplot as plt

    plt.close("all")
