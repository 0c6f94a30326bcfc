"""A cohort summary: one row per answers file in a folder, for an instructor preparing a workshop.

Every ``*.json`` file in the folder is read as an answers file
(:mod:`mlkit.readiness.answers`). A file that cannot be read becomes a row
with ``status = error`` and the reason in ``error``; it never stops the others.

CSV columns: ``file, person, status`` (finished, in progress or error),
``answered, questions``, one ``score_<area>`` column per area (0-100, one
decimal), ``level`` (the overall level's words: ready, nearly ready, not ready yet), ``take_first`` (areas
needing an introductory course first) and ``refresh`` (areas to learn or refresh with the kit's
units; area titles joined by "; "), ``path_units`` (unit ids in study
order, joined by "; "), ``path_hours``, ``completion_prior`` and ``error``.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mlkit.errors import InputError
from mlkit.readiness.answers import load_answers
from mlkit.readiness.bank import Bank, load_bank
from mlkit.readiness.path import learning_path
from mlkit.readiness.prior import suggest_prior
from mlkit.readiness.scoring import score


@dataclass(frozen=True)
class CohortRow:
    """One person's summary (or the reason their file could not be read)."""

    file: str
    status: str
    person: str = ""
    answered: int = 0
    questions: int = 0
    scores: dict[str, float] = field(default_factory=dict)
    level: str = ""
    take_first: tuple[str, ...] = ()
    refresh: tuple[str, ...] = ()
    path_units: tuple[str, ...] = ()
    path_hours: float = 0.0
    completion_prior: float | None = None
    error: str = ""


def answer_files(folder: Path | str) -> list[Path]:
    """The ``*.json`` files of ``folder``, sorted; raises :class:`InputError` when there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder of answer files")
    files = sorted(p for p in folder.glob("*.json") if p.is_file())
    if not files:
        raise InputError(f"{folder}: holds no answer files (*.json)")
    return files


def cohort_summary(folder: Path | str, bank: Bank | None = None) -> list[CohortRow]:
    """Summarise every answers file of ``folder`` (see the module's docstring)."""
    bank = bank or load_bank()
    rows = []
    for path in answer_files(folder):
        try:
            answers = load_answers(path, bank)
        except InputError as error:
            rows.append(CohortRow(file=path.name, status="error", error=str(error).replace(str(path), path.name)))
            continue
        result = score(answers, bank)
        path_ = learning_path(result, bank)
        rows.append(
            CohortRow(
                file=path.name,
                status="finished" if answers.finished else "in progress",
                person=answers.person,
                answered=result.answered,
                questions=result.questions,
                scores={a.area: round(a.score, 1) for a in result.areas},
                level=result.level_words,
                take_first=tuple(a.title for a in result.areas_at("course")),
                refresh=tuple(a.title for a in result.areas if a.prerequisite and a.level in ("learn", "refresh")),
                path_units=tuple(path_.units),
                path_hours=round(path_.hours, 1),
                completion_prior=suggest_prior(result).completion_probability,
            )
        )
    return rows


def csv_columns(bank: Bank | None = None) -> list[str]:
    """The cohort CSV's header."""
    bank = bank or load_bank()
    return [
        "file", "person", "status", "answered", "questions",
        *[f"score_{a.id}" for a in bank.areas],
        "level", "take_first", "refresh", "path_units", "path_hours", "completion_prior", "error",
    ]  # fmt: skip


def cohort_csv(rows: list[CohortRow], bank: Bank | None = None) -> str:
    """The cohort summary as CSV text."""
    bank = bank or load_bank()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_columns(bank))
    for row in rows:
        ok = row.status != "error"
        writer.writerow(
            [
                row.file, row.person, row.status,
                row.answered if ok else "", row.questions if ok else "",
                *[row.scores.get(a.id, "") for a in bank.areas],
                row.level, "; ".join(row.take_first), "; ".join(row.refresh), "; ".join(row.path_units),
                row.path_hours if ok else "", "" if row.completion_prior is None else row.completion_prior, row.error,
            ]
        )  # fmt: skip
    return buffer.getvalue()


def unit_demand(rows: list[CohortRow]) -> list[tuple[str, int]]:
    """How many people's paths include each unit, most needed first (ties by unit id)."""
    counts = Counter(unit for row in rows for unit in row.path_units)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def area_means(rows: list[CohortRow], bank: Bank | None = None) -> dict[str, float]:
    """The mean score per area over the readable files."""
    bank = bank or load_bank()
    readable = [r for r in rows if r.status != "error"]
    return {a.id: round(sum(r.scores[a.id] for r in readable) / len(readable), 1) for a in bank.areas} if readable else {}
