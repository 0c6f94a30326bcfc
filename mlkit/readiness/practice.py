"""Exercises completed since a self-assessment, per area, from the progress store.

An exercise counts once, in the area whose units (``units`` of the area in
the question bank) contain the exercise's unit, when a check of it passed
after the assessment was finished. Exercises of units outside every area (for
example neural networks) count in ``other``. The progress store
(:mod:`mlkit.course.attempt_store`) is only read, through its public :func:`attempts`;
when it does not exist yet nothing is created and every count is zero.

Examples
--------
>>> import tempfile, pathlib
>>> from mlkit.course import attempt_store
>>> store = pathlib.Path(tempfile.mkdtemp()) / "progress.sqlite3"
>>> attempt_store.record_attempt("pandas.groupby", "pandas", "passed", when="2026-11-21T10:00:00+00:00", path=store)
>>> counts = exercises_since("2026-11-20T09:00:00+00:00", store=store)
>>> counts.per_area["data-sql"], counts.total
(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mlkit.readiness.bank import Bank, load_bank


@dataclass(frozen=True)
class PracticeSince:
    """Exercises passed since ``since``: per area id, in ``other`` areas, and in all."""

    since: str | None
    per_area: dict[str, int] = field(default_factory=dict)
    other: int = 0
    note: str = ""

    @property
    def total(self) -> int:
        return sum(self.per_area.values()) + self.other


def exercises_since(since: str | None, bank: Bank | None = None, store: Path | None = None) -> PracticeSince:
    """Count exercises passed after ``since`` (an ISO 8601 time), per area.

    ``store`` defaults to the learner's progress store. Never raises for a
    missing or unreadable store: the counts are zero and ``note`` says why.
    """
    bank = bank or load_bank()
    zero = {a.id: 0 for a in bank.areas}
    if since is None:
        return PracticeSince(None, zero, note="no finished self-assessment yet")
    from mlkit.course import attempt_store

    path = Path(store) if store else attempt_store.store_path()
    if not path.is_file():
        return PracticeSince(since, zero, note="no exercise checked yet")
    try:
        recorded = attempt_store.attempts(path=path)
    except attempt_store.ProgressStoreError as error:
        return PracticeSince(since, zero, note=f"progress store not readable: {error}")
    start = _time(since)
    passed: dict[str, str] = {}
    for attempt in recorded:
        if attempt.status == "passed" and _time(attempt.created_at) > start:
            passed.setdefault(attempt.exercise, attempt.unit)
    area_of = {unit: area.id for area in reversed(bank.areas) for unit in area.units}
    counts, other = dict(zero), 0
    for unit in passed.values():
        if unit in area_of:
            counts[area_of[unit]] += 1
        else:
            other += 1
    return PracticeSince(since, counts, other)


def _time(text: str) -> datetime:
    stamp = datetime.fromisoformat(text)
    return stamp if stamp.tzinfo else stamp.astimezone()
