"""The answers file: one person's self-ratings and answers, as JSON.

The same format serves a saved quiz attempt (the notebook and ``mlkit
readiness`` write one per attempt), a file handed to ``mlkit readiness
--answers FILE.json``, and each file of a cohort folder. Version 1::

    {
      "format": "mlkit-readiness-answers",
      "version": 1,
      "person": "Sam",                                  # optional, free text
      "started": "2026-11-20T09:00:00+00:00",           # optional, ISO 8601
      "finished": "2026-11-20T09:31:00+00:00",          # optional; null while in progress
      "ratings": {"calculus": {"experience": 1, "comfort": 2}, ...},
      "answers": {"la-01": 12, "la-02": "a", "ps-07": null, ...}
    }

- ``ratings``: per area id, ``experience`` and ``comfort`` as whole numbers
  0-3 (the positions on the scales in the question bank: 0 = not yet / lost,
  3 = a lot / at ease).
- ``answers``: per question id, a letter (``"a"``-``"e"``) for a
  multiple-choice question, a number for a numeric one, or ``null`` for
  "I don't know". A question left out has not been answered yet.
- A saved attempt also carries ``id`` (the attempt's name) and ``position``
  (the quiz step it stopped at); other keys are refused, so a misspelt field
  is reported instead of silently ignored.

:func:`load_answers` checks every field against the question bank and raises
:class:`mlkit.errors.InputError` naming the file, the field and what is
expected.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mlkit.errors import InputError
from mlkit.files import write_atomic
from mlkit.readiness.bank import RATING_DIMENSIONS, RATING_LEVELS, Bank, load_bank

FORMAT = "mlkit-readiness-answers"
VERSION = 1
KNOWN_KEYS = ("format", "version", "person", "started", "finished", "ratings", "answers", "id", "position")


def readiness_dir() -> Path:
    """``<user data folder>/readiness``: saved attempts and the latest prior."""
    from mlkit.paths import user_data_dir

    return user_data_dir() / "readiness"


@dataclass
class Answers:
    """One person's self-ratings and answers (the content of an answers file).

    ``answers`` maps question ids to a letter, a number or ``None`` (don't
    know); ``ratings`` maps area ids to ``{"experience": 0-3, "comfort": 0-3}``.
    """

    answers: dict[str, str | float | None] = field(default_factory=dict)
    ratings: dict[str, dict[str, int]] = field(default_factory=dict)
    person: str = ""
    started: str | None = None
    finished: str | None = None
    id: str = ""
    position: int = 0

    def to_dict(self) -> dict:
        """The answers file's JSON object (keys in a stable order)."""
        data = {"format": FORMAT, "version": VERSION}
        if self.id:
            data["id"] = self.id
        data.update(
            person=self.person,
            started=self.started,
            finished=self.finished,
            position=self.position,
            ratings={a: dict(r) for a, r in self.ratings.items()},
            answers=dict(self.answers),
        )
        return data


def parse_answers(data, source: str = "answers", bank: Bank | None = None) -> Answers:
    """Check a decoded answers object against the format and the bank.

    ``source`` names the file in error messages.
    """
    bank = bank or load_bank()

    def fail(where: str, got, expected: str):
        raise InputError(f"{source}: field {where!r} is {got!r}; expected {expected}")

    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object with 'format', 'version', 'ratings' and 'answers', got {type(data).__name__}")
    if data.get("format") != FORMAT:
        fail("format", data.get("format"), f"{FORMAT!r}")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        fail("version", version, f"{VERSION} (the only version this kit reads)")
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise InputError(f"{source}: unknown field(s) {', '.join(map(repr, unknown))}; known fields: {', '.join(KNOWN_KEYS)}")
    person = data.get("person", "") or ""
    if not isinstance(person, str):
        fail("person", person, "a text or null")
    stamps = {key: _timestamp(data.get(key), key, fail) for key in ("started", "finished")}
    position = data.get("position", 0)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        fail("position", position, "a whole number >= 0")
    return Answers(
        answers=_parse_question_answers(data.get("answers", {}), bank, fail),
        ratings=_parse_ratings(data.get("ratings", {}), bank, fail),
        person=person,
        started=stamps["started"],
        finished=stamps["finished"],
        id=str(data.get("id", "") or ""),
        position=position,
    )


def _timestamp(value, key: str, fail) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        fail(key, value, "an ISO 8601 date and time such as '2026-11-20T09:00:00+00:00', or null")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        fail(key, value, "an ISO 8601 date and time such as '2026-11-20T09:00:00+00:00', or null")
    return value


def _parse_question_answers(raw, bank: Bank, fail) -> dict:
    if not isinstance(raw, dict):
        fail("answers", raw, "an object mapping question ids to answers")
    parsed: dict[str, str | float | None] = {}
    for qid, given in raw.items():
        where = f"answers.{qid}"
        if not bank.has_question(qid):
            fail("answers", qid, f"question ids from the bank (for example 'la-01'); {qid!r} is not one")
        question = bank.question(qid)
        if given is None:
            parsed[qid] = None
        elif question.kind == "choice":
            if not isinstance(given, str) or given.lower() not in question.letters:
                fail(where, given, f"one of the letters {', '.join(question.letters)}, or null for don't know")
            parsed[qid] = given.lower()
        else:
            if isinstance(given, bool) or not isinstance(given, (int, float)) or not math.isfinite(given):
                fail(where, given, "a number, or null for don't know")
            parsed[qid] = float(given)
    return parsed


def _parse_ratings(raw, bank: Bank, fail) -> dict:
    if not isinstance(raw, dict):
        fail("ratings", raw, "an object mapping area ids to {'experience': 0-3, 'comfort': 0-3}")
    parsed: dict[str, dict[str, int]] = {}
    for area_id, pair in raw.items():
        if area_id not in {a.id for a in bank.areas}:
            fail("ratings", area_id, f"area ids: {', '.join(a.id for a in bank.areas)}")
        if not isinstance(pair, dict):
            fail(f"ratings.{area_id}", pair, "an object {'experience': 0-3, 'comfort': 0-3}")
        extra = sorted(set(pair) - set(RATING_DIMENSIONS))
        if extra:
            fail(f"ratings.{area_id}", extra[0], f"only the keys {', '.join(RATING_DIMENSIONS)}")
        for dimension, level in pair.items():
            if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level < RATING_LEVELS:
                fail(f"ratings.{area_id}.{dimension}", level, f"a whole number from 0 to {RATING_LEVELS - 1}")
        parsed[area_id] = dict(pair)
    return parsed


def load_answers(path: Path | str, bank: Bank | None = None) -> Answers:
    """Read and check an answers file.

    Raises
    ------
    InputError
        When the file is missing, is not JSON, or a field is not what the format
        expects; the message names the file and the field.

    Examples
    --------
    >>> from mlkit.readiness import load_answers, sample_answers_path
    >>> sample = load_answers(sample_answers_path())
    >>> sample.person, sample.answers["la-01"]
    ('Sam (a sample person)', 12.0)
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such answers file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; expected an answers file (.json)") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not a UTF-8 text file; expected JSON") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    return parse_answers(data, source=str(path), bank=bank)


def write_answers(answers: Answers, path: Path) -> None:
    """Write an answers file atomically: a reader sees the old or the new file, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(answers.to_dict(), indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text)
