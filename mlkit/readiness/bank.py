"""The question bank: areas, self-rating scales and questions, read from ``data/readiness_questions.toml``.

Every question follows one small protocol (:class:`Question`): an id, an area,
a difficulty that is also its weight, the text (and optional code), either
lettered choices with one correct letter or a numeric answer with a tolerance,
an explanation, and the curriculum units that teach it. :func:`load_bank`
checks the file's rules once, at the boundary, and raises
:class:`mlkit.errors.InputError` naming the question and field that break them.

Examples
--------
>>> from mlkit.readiness.bank import load_bank
>>> bank = load_bank()
>>> [a.id for a in bank.areas][:2]
['linear-algebra', 'calculus']
>>> q = bank.question("la-01")
>>> q.kind, q.answer, q.is_correct(12)
('numeric', 12.0, True)
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mlkit.errors import InputError
from mlkit.paths import data_dir

BANK_FILE = "readiness_questions.toml"
DIFFICULTIES = (1, 2, 3)
LETTERS = "abcde"
LANGUAGES = ("python", "sql")
RATING_DIMENSIONS = ("experience", "comfort")
RATING_LEVELS = 4  # every self-rating scale has choices 0..3
KEY_SLACK = 2  # how many more right answers than chance one always-the-same letter may collect


@dataclass(frozen=True)
class Area:
    """One area of the self-assessment (for example linear algebra).

    ``prerequisite`` is true when a master's expects the area on entry; only
    those areas decide the overall level. ``units`` are the curriculum units
    that teach the area as a whole.
    """

    id: str
    title: str
    subject: str
    prerequisite: bool
    units: tuple[str, ...]


@dataclass(frozen=True)
class RatingScale:
    """A self-rating question asked in every area (``experience`` or ``comfort``)."""

    dimension: str
    prompt: str
    choices: tuple[str, ...]

    def prompt_for(self, area: Area) -> str:
        """The prompt with the area's subject filled in."""
        return self.prompt.format(subject=area.subject)


@dataclass(frozen=True)
class Question:
    """One question of the bank.

    A multiple-choice question has ``choices`` and a ``correct`` letter; a
    numeric one has ``answer`` and ``tolerance`` (right when
    ``abs(given - answer) <= tolerance``). ``topic_key`` names the topic as the
    first unit lists it in its catalogue ``topics`` (see :mod:`mlkit.readiness.routing`).
    """

    id: str
    area: str
    difficulty: int
    topic: str
    text: str
    explanation: str
    units: tuple[str, ...]
    choices: tuple[str, ...] = ()
    correct: str = ""
    answer: float | None = None
    tolerance: float = 0.0
    code: str = ""
    language: str = ""
    setup: str = ""
    runnable: bool = False
    topic_key: str = ""

    @property
    def kind(self) -> str:
        """``"choice"`` or ``"numeric"``."""
        return "choice" if self.choices else "numeric"

    @property
    def weight(self) -> int:
        """The question's weight in its area's score: its difficulty (1, 2 or 3)."""
        return self.difficulty

    @property
    def letters(self) -> tuple[str, ...]:
        """The letters of the choices, ``("a", "b", ...)``; empty for numeric questions."""
        return tuple(LETTERS[: len(self.choices)])

    @property
    def correct_text(self) -> str:
        """The right answer as a person reads it: the choice's text without its letter (the quiz
        shows choices in another order at every attempt, so a letter would point at the wrong one)."""
        if self.kind == "choice":
            return self.choices[LETTERS.index(self.correct)]
        return f"{self.answer:g}" + (f" (± {self.tolerance:g})" if self.tolerance else "")

    def is_correct(self, given) -> bool:
        """True when ``given`` (a letter, or a number) is a right answer; ``None`` (don't know) is not."""
        if given is None:
            return False
        if self.kind == "choice":
            return str(given).lower() == self.correct
        return abs(float(given) - self.answer) <= self.tolerance + 1e-12


@dataclass(frozen=True)
class Bank:
    """The whole question bank: areas in quiz order, self-rating scales, questions."""

    version: int
    areas: tuple[Area, ...]
    ratings: tuple[RatingScale, ...]
    questions: tuple[Question, ...]

    def area(self, area_id: str) -> Area:
        """The area with this id; raises :class:`InputError` listing the known ones."""
        for area in self.areas:
            if area.id == area_id:
                return area
        raise InputError(f"unknown area {area_id!r}; the bank has: {', '.join(a.id for a in self.areas)}")

    def question(self, question_id: str) -> Question:
        """The question with this id; raises :class:`InputError` when there is none."""
        found = self._by_id().get(question_id)
        if found is None:
            raise InputError(f"unknown question id {question_id!r}; ids look like 'la-01' ({len(self.questions)} questions)")
        return found

    def has_question(self, question_id: str) -> bool:
        """True when the bank has a question with this id."""
        return question_id in self._by_id()

    def questions_in(self, area_id: str) -> list[Question]:
        """The area's questions in quiz order: easiest first, then by id."""
        return sorted((q for q in self.questions if q.area == area_id), key=lambda q: (q.difficulty, q.id))

    def rating(self, dimension: str) -> RatingScale:
        """The self-rating scale ``experience`` or ``comfort``."""
        for scale in self.ratings:
            if scale.dimension == dimension:
                return scale
        raise InputError(f"unknown self-rating {dimension!r}; expected one of {', '.join(RATING_DIMENSIONS)}")

    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


def bank_path() -> Path:
    """Path of the question bank shipped with the package."""
    return data_dir() / BANK_FILE


def load_bank(path: Path | None = None) -> Bank:
    """Read and validate the question bank (the shipped one by default).

    Raises
    ------
    InputError
        When the file breaks a rule; the message names the file, the question
        or area and the field.
    """
    return _load(Path(path) if path else bank_path())


@lru_cache(maxsize=4)
def _load(path: Path) -> Bank:
    try:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"question bank {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"question bank {path.name} is not valid TOML: {error}") from None
    bank = _build(raw, path.name)
    problems = validate(bank)
    if problems:
        raise InputError(f"question bank {path.name} breaks its rules:\n  " + "\n  ".join(problems))
    return bank


def _build(raw: dict, name: str) -> Bank:
    def need(table: dict, key: str, kind, where: str):
        if key not in table:
            raise InputError(f"{name}: {where} lacks the field {key!r}")
        value = table[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise InputError(f"{name}: {where} field {key!r} is {value!r}; expected {getattr(kind, '__name__', kind)}")
        return value

    version = need(raw, "version", int, "the file")
    areas = []
    for i, row in enumerate(raw.get("areas", [])):
        where = f"area {row.get('id', i)!r}"
        areas.append(
            Area(
                id=need(row, "id", str, where),
                title=need(row, "title", str, where),
                subject=need(row, "subject", str, where),
                prerequisite=need(row, "prerequisite", bool, where),
                units=tuple(need(row, "units", list, where)),
            )
        )
    ratings = []
    scales = raw.get("self_rating", {})
    for dimension in RATING_DIMENSIONS:
        row = scales.get(dimension)
        if row is None:
            raise InputError(f"{name}: [self_rating.{dimension}] is missing")
        where = f"self_rating.{dimension}"
        ratings.append(RatingScale(dimension, need(row, "prompt", str, where), tuple(need(row, "choices", list, where))))
    known = {f for f in Question.__dataclass_fields__}
    questions = []
    for i, row in enumerate(raw.get("questions", [])):
        where = f"question {row.get('id', f'#{i + 1}')!r}"
        extra = sorted(set(row) - known)
        if extra:
            raise InputError(f"{name}: {where} has unknown field(s) {', '.join(extra)}; known: {', '.join(sorted(known))}")
        for key in ("id", "area", "topic", "text", "explanation"):
            need(row, key, str, where)
        need(row, "difficulty", int, where)
        need(row, "units", list, where)
        if "topic_key" in row:
            need(row, "topic_key", str, where)
        values = dict(row)
        values["units"] = tuple(row["units"])
        values["choices"] = tuple(row.get("choices", ()))
        if "answer" in row:
            values["answer"] = float(need(row, "answer", (int, float), where))
            values["tolerance"] = float(need(row, "tolerance", (int, float), where))
        values["code"] = row.get("code", "").strip("\n")
        values["setup"] = row.get("setup", "").strip("\n")
        questions.append(Question(**values))
    return Bank(version=version, areas=tuple(areas), ratings=tuple(ratings), questions=tuple(questions))


def validate(bank: Bank, unit_ids: set[str] | None = None) -> list[str]:
    """The bank's rule violations (empty when valid).

    Rules: area and question ids unique; each question's area exists; difficulty
    1-3; a choice question has 2-5 distinct choices and a ``correct`` letter among
    them and no numeric answer; a numeric question has a finite answer and a
    tolerance >= 0 and no choices; every unit (of questions and areas) is in the
    curriculum catalogue; every area has questions of at least two difficulties;
    code has a known language; self-rating scales have four choices; the answer
    key is balanced over letters (see :func:`key_balance_problems`).
    """
    if unit_ids is None:
        from mlkit.course import curriculum

        unit_ids = {u.id for u in curriculum.units()}
    problems: list[str] = []
    area_ids = [a.id for a in bank.areas]
    problems += [f"area id {a!r} is used twice" for a in sorted(set(area_ids)) if area_ids.count(a) > 1]
    for area in bank.areas:
        problems += [f"area {area.id}: unit {u!r} is not in the curriculum catalogue" for u in area.units if u not in unit_ids]
        if not area.units:
            problems.append(f"area {area.id}: lists no units")
        if len({q.difficulty for q in bank.questions if q.area == area.id}) < 2:
            problems.append(f"area {area.id}: needs questions of at least two difficulties")
    for scale in bank.ratings:
        if len(scale.choices) != RATING_LEVELS:
            problems.append(f"self_rating.{scale.dimension}: has {len(scale.choices)} choices; {RATING_LEVELS} expected")
        if "{subject}" not in scale.prompt:
            problems.append(f"self_rating.{scale.dimension}: prompt lacks the {{subject}} placeholder")
    seen: set[str] = set()
    for q in bank.questions:
        problems += [f"{q.id}: {p}" for p in _question_problems(q, set(area_ids), unit_ids)]
        if q.id in seen:
            problems.append(f"{q.id}: id is used twice")
        seen.add(q.id)
    return problems + key_balance_problems(bank.questions)


def key_balance_problems(questions) -> list[str]:
    """Letters that would score above chance if always chosen (empty when the key is balanced).

    Always answering letter ``L`` gets, by chance, ``sum(1 / number of choices)`` over
    the questions that have an ``L``; the key may give at most :data:`KEY_SLACK`
    more than that, so the right answers' positions are spread over the letters.
    """
    choice = [q for q in questions if q.choices]
    problems = []
    for letter in LETTERS:
        having = [q for q in choice if letter in q.letters]
        chance = sum(1 / len(q.choices) for q in having)
        right = sum(q.correct == letter for q in having)
        if right > chance + KEY_SLACK:
            problems.append(
                f"answer key: {right} right answers are {letter!r}, chance is {chance:.1f}; "
                f"move the right choice of some questions to other letters"
            )
    return problems


def _question_problems(q: Question, area_ids: set[str], unit_ids: set[str]) -> list[str]:
    problems = []
    if q.area not in area_ids:
        problems.append(f"area {q.area!r} is not one of {sorted(area_ids)}")
    if q.difficulty not in DIFFICULTIES:
        problems.append(f"difficulty must be one of {DIFFICULTIES}, got {q.difficulty!r}")
    if not q.units:
        problems.append("lists no units")
    problems += [f"unit {u!r} is not in the curriculum catalogue" for u in q.units if u not in unit_ids]
    if q.choices:
        if q.answer is not None:
            problems.append("has both choices and a numeric answer; give one")
        if not 2 <= len(q.choices) <= len(LETTERS):
            problems.append(f"has {len(q.choices)} choices; 2-{len(LETTERS)} expected")
        if len(set(q.choices)) != len(q.choices):
            problems.append("has the same choice twice")
        if q.correct not in q.letters:
            problems.append(f"correct is {q.correct!r}; expected one of the choice letters {', '.join(q.letters)}")
    elif q.answer is None:
        problems.append("has neither choices nor a numeric answer")
    else:
        if not math.isfinite(q.answer):
            problems.append(f"answer must be a finite number, got {q.answer!r}")
        if not (math.isfinite(q.tolerance) and q.tolerance >= 0):
            problems.append(f"tolerance must be a number >= 0, got {q.tolerance!r}")
        if q.correct:
            problems.append("a numeric question has no 'correct' letter")
    if q.code and q.language not in LANGUAGES:
        problems.append(f"language must be one of {LANGUAGES} when there is code, got {q.language!r}")
    if q.setup and q.language != "sql":
        problems.append("only SQL questions have a setup")
    if q.runnable and not q.code:
        problems.append("is runnable but has no code")
    return problems
