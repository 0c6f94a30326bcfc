"""The learner's progress: per unit of the catalogue, how many exercises were attempted and passed.

Attempts come from :mod:`mlkit.course.attempt_store` (every check records one); this module
counts them against each unit's exercises. It also re-exports the store's functions, so a
notebook needs one import: ``from mlkit.course import progress``.

Examples
--------
>>> import tempfile, pathlib
>>> store = pathlib.Path(tempfile.mkdtemp()) / "progress.sqlite3"
>>> record_attempt("classification.split", "classification", "passed", path=store)
>>> row = next(p for p in summary(path=store) if p.unit == "classification")
>>> row.passed, row.exercises > 1
(1, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlkit.course.attempt_store import (  # the store's names, so one import serves a notebook
    BUSY_TIMEOUT_MS,
    FILE_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    STATUSES,
    Attempt,
    ProgressStoreError,
    attempts,
    connect,
    now,
    record_attempt,
    store_path,
)

__all__ = [
    "BUSY_TIMEOUT_MS",
    "FILE_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "now",
    "STATUSES",
    "Attempt",
    "ProgressStoreError",
    "UnitProgress",
    "attempts",
    "connect",
    "record_attempt",
    "store_path",
    "summary",
    "table",
]


@dataclass(frozen=True)
class UnitProgress:
    """How far a learner is in one unit."""

    unit: str
    title: str
    exercises: int
    attempted: int
    passed: int
    last_attempt: str

    @property
    def percent(self) -> int:
        """Share of the unit's exercises passed, in whole percent."""
        return round(100 * self.passed / self.exercises) if self.exercises else 0


def summary(*, path: Path | None = None, units: list | None = None) -> list[UnitProgress]:
    """Progress per unit of the catalogue that has exercises, in curriculum order.

    An exercise counts as attempted once any answer was checked (a stub
    reporting "not attempted" does not count) and as passed once a check passed.
    """
    from mlkit.course import curriculum

    recorded = attempts(path=path)
    result = []
    for unit in units if units is not None else curriculum.units():
        names = _exercise_ids(unit.id)
        if not names and not (unit.available and unit.solutions):
            continue
        mine = [a for a in recorded if a.unit == unit.id]
        attempted = {a.exercise for a in mine if a.status != "not_attempted"}
        passed = {a.exercise for a in mine if a.status == "passed"}
        if names:
            attempted &= names
            passed &= names
        result.append(
            UnitProgress(
                unit=unit.id,
                title=unit.title,
                exercises=len(names),
                attempted=len(attempted),
                passed=len(passed),
                last_attempt=max((a.created_at for a in mine), default=""),
            )
        )
    return result


def _exercise_ids(unit_id: str) -> set[str]:
    from mlkit.course.checks.registry import unit_exercises

    found = unit_exercises(unit_id)
    return {e.id for e in found} if found is not None else set()


def table(*, path: Path | None = None):
    """Progress per unit as a pandas DataFrame (for notebooks; imports pandas)."""
    import pandas as pd

    rows = [
        {
            "unit": p.unit,
            "title": p.title,
            "exercises": p.exercises,
            "attempted": p.attempted,
            "passed": p.passed,
            "percent": p.percent,
            "last attempt": p.last_attempt,
        }
        for p in summary(path=path)
    ]
    columns = ["unit", "title", "exercises", "attempted", "passed", "percent", "last attempt"]
    return pd.DataFrame(rows, columns=columns).set_index("unit")
