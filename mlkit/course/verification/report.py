"""Verify every exercise of a solution notebook, and of all of them: the harness's report.

For each exercise: how many equivalent forms of the right answer the check accepted of those
generated, and how many non-equivalent mutants of the solution it refused. The targets
(:data:`TARGET_VARIANTS`, :data:`TARGET_KILLED_OVERALL`, :data:`TARGET_KILLED_EACH`) are what a
check must reach; ``verification.toml`` beside the checks lists, each with its reason, the
forms a check may rightly refuse and the mutants that are equivalent though the battery cannot
show it.
"""

from __future__ import annotations

import contextlib
import io
import tomllib
import warnings
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlkit.course.authoring.markers import Region, split_regions
from mlkit.course.verification.capture import Call, ExerciseRun, run_exercise, run_solution
from mlkit.course.verification.mutants import Mutant, mutants
from mlkit.course.verification.sameness import MutantTimeout, same_function, same_value, time_limit  # noqa: F401 - MutantTimeout re-exported
from mlkit.course.verification.variants import ROUNDED, ROUNDED_FRAME, function_variants, says_rounded, variants

TARGET_VARIANTS = 1.0
TARGET_KILLED_OVERALL = 0.95
TARGET_KILLED_EACH = 0.85
MUTANT_SECONDS = 5
EXEMPTIONS_FILE = Path(__file__).resolve().parents[1] / "checks" / "verification.toml"


@dataclass
class ExerciseReport:
    """The harness's findings for one exercise."""

    exercise: str
    variants_generated: int = 0
    variants_accepted: int = 0
    variants_exempt: int = 0
    refused_variants: list[dict] = field(default_factory=list)
    mutants_generated: int = 0
    mutants_equivalent: int = 0
    mutants_killed: int = 0
    survivors: list[dict] = field(default_factory=list)
    problem: str = ""  # the solution itself did not pass, or could not be run
    seconds: float = 0.0  # how long verifying it took (not a result: it varies with the machine)

    @property
    def non_equivalent(self) -> int:
        return self.mutants_generated - self.mutants_equivalent

    @property
    def variant_rate(self) -> float:
        return self.variants_accepted / self.variants_generated if self.variants_generated else 1.0

    @property
    def kill_rate(self) -> float:
        return self.mutants_killed / self.non_equivalent if self.non_equivalent else 1.0

    @property
    def meets_targets(self) -> bool:
        return not self.problem and self.variant_rate >= TARGET_VARIANTS and self.kill_rate >= TARGET_KILLED_EACH

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(variant_rate=round(self.variant_rate, 4), kill_rate=round(self.kill_rate, 4),
                    non_equivalent=self.non_equivalent, meets_targets=self.meets_targets)
        return data


def load_exemptions(path: Path = EXEMPTIONS_FILE) -> dict[str, dict]:
    """``{exercise id: {"refuse_variants": {kind: reason}, "equivalent_mutants": [...]}}``."""
    if not path.is_file():
        return {}
    with open(path, "rb") as handle:
        return tomllib.load(handle).get("exercises", {})


def verify_notebook(path: Path, max_mutants: int = 40, exemptions: dict | None = None) -> list[ExerciseReport]:
    """Verify each exercise of one solution notebook, in notebook order."""
    import tempfile

    exemptions = load_exemptions() if exemptions is None else exemptions
    with tempfile.TemporaryDirectory(prefix="mlkit-verify-") as folder:
        try:
            runs = run_solution(Path(path), Path(folder))
        except Exception as error:  # noqa: BLE001 - reported, not raised: one notebook must not stop the rest
            return [ExerciseReport(exercise=Path(path).name, problem=f"the solution notebook raised {type(error).__name__}: {error}")]
        reports = []
        for run in runs.values():
            exercise_id = run.calls[0].exercise.id if run.calls else f"{Path(path).stem}.{run.name}"
            reports.append(verify_exercise(run, exercise_id, max_mutants, exemptions.get(exercise_id, {})))
    return reports


def verify_exercise(run: ExerciseRun, exercise_id: str, max_mutants: int, exempt: dict) -> ExerciseReport:
    """Offer the check the equivalent forms of the solution's answer, then the mutants."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _verify_exercise(run, exercise_id, max_mutants, exempt)


def _verify_exercise(run: ExerciseRun, exercise_id: str, max_mutants: int, exempt: dict) -> ExerciseReport:
    import time

    started = time.perf_counter()
    report = ExerciseReport(exercise=exercise_id)
    try:
        _fill(run, report, max_mutants, exempt)
    finally:
        report.seconds = round(time.perf_counter() - started, 2)
    return report


def _fill(run: ExerciseRun, report: ExerciseReport, max_mutants: int, exempt: dict) -> None:
    if not run.calls:
        report.problem = "no check was called in the exercise's cells"
        return
    failed = [c for c in run.calls if not c.outcome.passed]
    if failed:
        report.problem = f"the solution does not pass its own check: {failed[0].outcome}"
        return
    _check_variants(run, report, exempt.get("refuse_variants", {}))
    _check_mutants(run, report, max_mutants, exempt.get("equivalent_mutants", []))


# --- equivalent forms -------------------------------------------------------------------


def _check_variants(run: ExerciseRun, report: ExerciseReport, exempt: dict[str, str]) -> None:
    for call in run.calls:
        positions = [*range(len(call.args)), *call.kwargs]
        for position in positions:
            value = call.args[position] if isinstance(position, int) else call.kwargs[position]
            for kind, variant in _forms(run, call, position, value):
                if kind in exempt:
                    report.variants_exempt += 1
                    continue
                report.variants_generated += 1
                outcome = call.exercise.evaluate(*_with(call.args, position, variant), **_with_kw(call.kwargs, position, variant))
                rounded_and_told = kind.endswith((ROUNDED, ROUNDED_FRAME)) and outcome.status == "incorrect" and says_rounded(outcome.message)
                if outcome.passed or rounded_and_told:
                    report.variants_accepted += 1
                else:
                    report.refused_variants.append(
                        {"argument": str(position), "form": kind, "status": outcome.status, "message": outcome.message}
                    )


def _forms(run: ExerciseRun, call: Call, position, value) -> list[tuple[str, Any]]:
    if isinstance(value, types.FunctionType):
        recorded = run.function_calls.get(f"{call.exercise.name}:{position}", [])
        for args, kwargs in recorded:
            try:
                sample = value(*args, **kwargs)
            except Exception:  # noqa: BLE001
                continue
            return function_variants(value, sample)
        return []
    return variants(value)


def _with(args: tuple, position, value) -> tuple:
    return args[:position] + (value,) + args[position + 1 :] if isinstance(position, int) else args


def _with_kw(kwargs: dict, position, value) -> dict:
    return {**kwargs, position: value} if not isinstance(position, int) else kwargs


# --- mutants -----------------------------------------------------------------------------


def _all_mutants(run: ExerciseRun) -> list[tuple[int, int, Mutant]]:
    """(cell, region, mutant) for every region of the exercise's cells."""
    found = []
    known = frozenset(run.before)
    for cell_index, source in enumerate(run.cells):
        segments = split_regions(source, f"{run.name} cell {cell_index}")
        for segment_index, segment in enumerate(segments):
            if isinstance(segment, Region):
                found += [(cell_index, segment_index, m) for m in mutants(segment.code, segment.indent, known)]
    return found


def _spread(items: list, most: int) -> list:
    """At most ``most`` items, spread evenly over the list (deterministic)."""
    if len(items) <= most:
        return items
    step = len(items) / most
    return [items[int(i * step)] for i in range(most)]


def _mutated_cells(run: ExerciseRun, cell_index: int, segment_index: int, mutant: Mutant) -> list[str]:
    segments = split_regions(run.cells[cell_index], run.name)
    text = "".join(mutant.code if i == segment_index else (s.code if isinstance(s, Region) else s) for i, s in enumerate(segments))
    return [text if i == cell_index else _plain(c) for i, c in enumerate(run.cells)]


def _plain(source: str) -> str:
    """A cell's code with its markers removed (they are comments, but keep the code tidy)."""
    return "".join(s.code if isinstance(s, Region) else s for s in split_regions(source, "cell"))


def _check_mutants(run: ExerciseRun, report: ExerciseReport, max_mutants: int, exempt: list[dict]) -> None:
    import time

    chosen = _spread(_all_mutants(run), max_mutants)
    started = time.perf_counter()
    run_exercise(run, [_plain(c) for c in run.cells], run.name)  # the solution itself, timed
    limit = max(MUTANT_SECONDS, int(10 * (time.perf_counter() - started)) + 1)
    for cell_index, segment_index, mutant in chosen:
        report.mutants_generated += 1
        if any(_matches(mutant, e) for e in exempt):
            report.mutants_equivalent += 1
            continue
        verdict, where = _judge(run, _mutated_cells(run, cell_index, segment_index, mutant), limit)
        if verdict == "killed":
            report.mutants_killed += 1
        elif verdict == "equivalent":
            report.mutants_equivalent += 1
        else:
            report.survivors.append(
                {"operator": mutant.operator, "line": mutant.line, "change": mutant.description, "differs_on": where}
            )


def _matches(mutant: Mutant, exemption: dict) -> bool:
    return exemption.get("change") == mutant.description and exemption.get("line", mutant.line) == mutant.line


def _judge(run: ExerciseRun, cells: list[str], seconds: int) -> tuple[str, str]:
    """"killed", "equivalent" or "survived" (with where it differs from the solution).

    A mutant that runs ten times longer than the solution (and at least ``MUTANT_SECONDS``)
    is stopped and counted as refused: a learner would have interrupted it.
    """
    try:
        with time_limit(seconds):
            calls, _ = run_exercise(run, cells, run.name)
    except Exception:  # noqa: BLE001 - a mutant that crashes or hangs never reaches a "Correct"
        return "killed", ""
    mine = [c for c in calls if c.exercise.name == run.name]
    if not mine or any(not c.outcome.passed for c in mine):
        return "killed", ""
    if len(mine) != len(run.calls):
        return "survived", "a different number of checks"
    for solution_call, mutant_call in zip(run.calls, mine):
        same, where = _same_answers(run, solution_call, mutant_call)
        if not same:
            return "survived", where
    return "equivalent", ""


def _same_answers(run: ExerciseRun, solution: Call, mutant: Call) -> tuple[bool, str]:
    if len(solution.args) != len(mutant.args) or solution.kwargs.keys() != mutant.kwargs.keys():
        return False, "the arguments given to the check"
    pairs = [*zip(range(len(solution.args)), solution.args, mutant.args), *((k, solution.kwargs[k], mutant.kwargs[k]) for k in solution.kwargs)]
    for position, mine, theirs in pairs:
        if isinstance(mine, types.FunctionType) and isinstance(theirs, types.FunctionType):
            recorded = run.function_calls.get(f"{solution.exercise.name}:{position}", [])
            same, where = same_function(mine, theirs, recorded)
            if not same:
                return False, f"argument {position}: {where}"
        elif not same_value(mine, theirs, training_data(run.before)):
            return False, f"argument {position}: the check's input"
    return True, ""


def training_data(namespace: dict) -> tuple | None:
    """(X, y) to compare two estimators on: the exercise's training split, else its X and y."""
    for x_name, y_name in (("X_train", "y_train"), ("X", "y")):
        X, y = namespace.get(x_name), namespace.get(y_name)
        if X is not None and y is not None and hasattr(X, "__len__") and hasattr(y, "__len__") and len(X) == len(y):
            return X, y
    return None


# --- the whole kit -----------------------------------------------------------------------


def summary(reports: list[ExerciseReport]) -> dict:
    """Totals over exercises, and whether the targets are met."""
    generated = sum(r.variants_generated for r in reports)
    accepted = sum(r.variants_accepted for r in reports)
    non_equivalent = sum(r.non_equivalent for r in reports)
    killed = sum(r.mutants_killed for r in reports)
    overall_kill = killed / non_equivalent if non_equivalent else 1.0
    return {
        "exercises": len(reports),
        "variants_generated": generated,
        "variants_accepted": accepted,
        "variant_rate": round(accepted / generated if generated else 1.0, 4),
        "mutants_non_equivalent": non_equivalent,
        "mutants_killed": killed,
        "kill_rate": round(overall_kill, 4),
        "exercises_meeting_targets": sum(r.meets_targets for r in reports),
        "meets_targets": all(r.meets_targets for r in reports) and overall_kill >= TARGET_KILLED_OVERALL,
        "targets": {"variants": TARGET_VARIANTS, "killed_overall": TARGET_KILLED_OVERALL, "killed_each": TARGET_KILLED_EACH},
    }


def summary_of_dicts(reports: list[dict]) -> dict:
    """:func:`summary` of reports given as dicts (as :func:`verify_all` returns them)."""
    fields = ExerciseReport.__dataclass_fields__
    return summary([ExerciseReport(**{k: v for k, v in r.items() if k in fields}) for r in reports])


def _verify_one(args: tuple[str, int]) -> list[dict]:
    from mlkit.course.notebook_store import deterministic_env
    import os

    os.environ.update(deterministic_env())
    path, max_mutants = args
    return [r.to_dict() for r in verify_notebook(Path(path), max_mutants)]


def verify_all(paths: list[Path], jobs: int = 2, max_mutants: int = 40) -> list[dict]:
    """Reports (as dicts) for every exercise of ``paths``, each notebook in a fresh process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    work = [(str(p), max_mutants) for p in paths]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context, max_tasks_per_child=1) as pool:
        return [report for reports in pool.map(_verify_one, work) for report in reports]
