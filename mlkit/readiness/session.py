"""A quiz in progress: its steps, the answers saved as they are given, resuming and history.

The quiz asks the areas in the bank's order; in each area, first the two
self-ratings, then the questions from easiest to hardest. Every answer is
written at once (atomically) to the attempt's file, an answers file (see
:mod:`mlkit.readiness.answers`) under ``<user data folder>/readiness/attempts/``,
together with the step the person is on. A new :class:`QuizSession` — after a
kernel restart, or in a terminal the next day — opens the latest unfinished
attempt and carries on from that step. A finished attempt is never changed:
retaking starts a new file, so the history of attempts shows progress over time.

The choices of every multiple-choice question are shown in an order shuffled
per attempt, deterministically from the attempt's id and the question's id
(:func:`display_order`): resuming shows the same order, another attempt another
one, so "always a" or "always the first" scores at chance. What is stored is
always the bank's letter, so an answer means the same choice whatever order it
was shown in. Every question also offers "I don't know" (stored as ``null``),
which scores exactly like a wrong answer.

Both the notebook widget and ``mlkit readiness`` drive the quiz through this
class; they only display steps and pass on what the person typed or clicked
(:func:`parse_response` turns typed text into an answer).

Examples
--------
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> quiz = QuizSession.open(folder)
>>> quiz.current.key
'rating:linear-algebra:experience'
>>> quiz.record(2)
>>> QuizSession.open(folder).position  # a new session resumes the saved attempt
1
"""

from __future__ import annotations

import copy
import hashlib
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from mlkit.errors import InputError
from mlkit.readiness.answers import Answers, load_answers, readiness_dir, write_answers
from mlkit.readiness.bank import LETTERS, RATING_DIMENSIONS, Area, Bank, Question, load_bank
from mlkit.readiness.scoring import Result, score

ATTEMPTS = "attempts"
DONT_KNOW = "?"
DONT_KNOW_LABEL = "I don't know"


@dataclass(frozen=True)
class Step:
    """One screen of the quiz: a self-rating or a question.

    ``number`` counts steps within the area from 1; ``area_steps`` is how many
    the area has. ``choices`` are in the order shown; ``order[i]`` is the bank's
    index of the ``i``-th shown choice (the identity for self-ratings).
    """

    kind: str
    key: str
    area: Area
    prompt: str
    choices: tuple[str, ...]
    number: int
    area_steps: int
    question: Question | None = None
    dimension: str = ""
    order: tuple[int, ...] = ()

    @property
    def letters(self) -> tuple[str, ...]:
        """The letters shown before the choices, ``("a", "b", ...)``."""
        return tuple(LETTERS[: len(self.choices)])

    def stored(self, shown: str) -> str:
        """The bank's letter of the choice shown as ``shown`` (the letter an answer is saved as)."""
        return LETTERS[self.order[self.letters.index(shown)]] if self.order else shown

    def shown(self, stored: str) -> str:
        """The letter under which the bank's choice ``stored`` is shown in this attempt."""
        return self.letters[self.order.index(LETTERS.index(stored))] if self.order else stored

    @property
    def numeric(self) -> bool:
        return self.question is not None and self.question.kind == "numeric"

    @property
    def accepts(self) -> str:
        """What a person may type, in words."""
        if self.numeric:
            what = "a number"
        else:
            letters = self.letters
            what = f"{', '.join(letters[:-1])} or {letters[-1]}"
        return what + (f"; {DONT_KNOW} for don't know" if self.kind == "question" else "")


def display_order(question: Question, attempt: str) -> tuple[int, ...]:
    """The order in which ``question``'s choices are shown in attempt ``attempt``: bank indices.

    Deterministic (a hash of the attempt and question ids seeds the shuffle), so
    resuming an attempt shows the same order; ``attempt=""`` keeps the bank's order.
    """
    order = list(range(len(question.choices)))
    if attempt:
        seed = int.from_bytes(hashlib.sha256(f"{attempt}/{question.id}".encode()).digest()[:8], "big")
        random.Random(seed).shuffle(order)
    return tuple(order)


def quiz_steps(bank: Bank | None = None, attempt: str = "") -> list[Step]:
    """Every step of the quiz, in order, with choices shown in ``attempt``'s order (:func:`display_order`)."""
    bank = bank or load_bank()
    steps: list[Step] = []
    for area in bank.areas:
        questions = bank.questions_in(area.id)
        size = len(RATING_DIMENSIONS) + len(questions)
        for i, dimension in enumerate(RATING_DIMENSIONS):
            scale = bank.rating(dimension)
            steps.append(
                Step("rating", f"rating:{area.id}:{dimension}", area, scale.prompt_for(area), scale.choices, i + 1, size, dimension=dimension)
            )
        for i, question in enumerate(questions, start=len(RATING_DIMENSIONS) + 1):
            order = display_order(question, attempt)
            shown = tuple(question.choices[j] for j in order)
            steps.append(Step("question", f"question:{question.id}", area, question.text, shown, i, size, question=question, order=order))
    return steps


def parse_response(step: Step, text: str):
    """Turn what a person typed into the answer to record for ``step``.

    A letter for choices and self-ratings (case does not matter; a question's
    letter is the one shown and is returned as the bank's letter), a number for
    numeric questions (a decimal comma and a fraction such as ``1/3`` are
    accepted), ``?`` for "don't know" on questions. Raises :class:`InputError`
    saying what is expected.

    Examples
    --------
    >>> step = quiz_steps()[0]
    >>> parse_response(step, "C")
    2
    """
    text = text.strip()
    if step.kind == "question" and text == DONT_KNOW:
        return None
    if step.numeric:
        number = _number(text)
        if number is None:
            raise InputError(f"{text!r} is not a number; type {step.accepts}")
        return number
    letter = text.lower()
    if letter not in step.letters:
        raise InputError(f"{text!r} is not one of the choices; type {step.accepts}")
    return step.letters.index(letter) if step.kind == "rating" else step.stored(letter)


def _number(text: str) -> float | None:
    cleaned = text.replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        if cleaned.count("/") == 1:
            top, bottom = cleaned.split("/")
            return float(top) / float(bottom)
        value = float(cleaned)
    except (ValueError, ZeroDivisionError):
        return None
    return value if value == value and abs(value) != float("inf") else None


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class QuizSession:
    """One attempt at the quiz, saved after every answer.

    Use :meth:`open` (resume the latest unfinished attempt, or start one),
    :meth:`start` (always a new attempt) or :meth:`resume`.
    """

    def __init__(self, answers: Answers, folder: Path, bank: Bank | None = None, clock: Callable[[], datetime] = _utc_now):
        self.bank = bank or load_bank()
        self.steps = quiz_steps(self.bank, answers.id)
        self.answers = answers
        self.folder = Path(folder)
        self.clock = clock
        self.answers.position = min(self.answers.position, len(self.steps))

    # -- opening -----------------------------------------------------------------

    @classmethod
    def start(cls, folder: Path | str | None = None, bank: Bank | None = None, clock=_utc_now, person: str = "") -> QuizSession:
        """A new attempt. Nothing is written until the first answer."""
        started = clock()
        attempt = f"{started:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        answers = Answers(person=person, started=started.isoformat(timespec="seconds"), id=attempt)
        return cls(answers, Path(folder) if folder else readiness_dir(), bank, clock)

    @classmethod
    def resume(cls, folder: Path | str | None = None, bank: Bank | None = None, clock=_utc_now) -> QuizSession | None:
        """The latest unfinished attempt, or ``None`` when there is none."""
        folder = Path(folder) if folder else readiness_dir()
        unfinished = [a for a in attempts(folder, bank) if a.finished is None]
        return cls(unfinished[-1], folder, bank, clock) if unfinished else None

    @classmethod
    def open(cls, folder: Path | str | None = None, bank: Bank | None = None, clock=_utc_now) -> QuizSession:
        """Resume the latest unfinished attempt, or start a new one."""
        return cls.resume(folder, bank, clock) or cls.start(folder, bank, clock)

    # -- where we are -------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The attempt's file."""
        return self.folder / ATTEMPTS / f"{self.answers.id}.json"

    @property
    def position(self) -> int:
        """Index of the current step; ``len(steps)`` once every step is done."""
        return self.answers.position

    @property
    def current(self) -> Step | None:
        """The step to show, or ``None`` when the quiz is finished."""
        return None if self.finished or self.position >= len(self.steps) else self.steps[self.position]

    @property
    def finished(self) -> bool:
        return self.answers.finished is not None

    @property
    def resumed(self) -> bool:
        """True when this attempt already had answers when it was opened."""
        return self.path.is_file()

    def done(self) -> int:
        """How many steps have an answer."""
        return sum(self.has_answer(step) for step in self.steps)

    def has_answer(self, step: Step) -> bool:
        if step.kind == "rating":
            return step.dimension in self.answers.ratings.get(step.area.id, {})
        return step.question.id in self.answers.answers

    def answer_for(self, step: Step):
        """The recorded answer of ``step`` (``None`` when there is none or it is "don't know")."""
        if step.kind == "rating":
            return self.answers.ratings.get(step.area.id, {}).get(step.dimension)
        return self.answers.answers.get(step.question.id)

    # -- changing it ----------------------------------------------------------------

    def record(self, value) -> None:
        """Record the answer to the current step, move to the next step and save.

        ``value``: a self-rating 0-3, a choice letter (the bank's letter, as
        :meth:`Step.stored` gives it), a number, or ``None`` for "don't know"
        (questions only); :func:`parse_response` makes one from text.
        Recording the last step finishes the attempt (see :meth:`finish`). When the answers
        file cannot be written (:class:`OSError`), nothing is recorded and the error is raised.
        """
        step = self.current
        if step is None:
            raise InputError("this attempt is finished; start a new one to retake the quiz")
        self._check(step, value)
        before = copy.deepcopy(self.answers)
        if step.kind == "rating":
            self.answers.ratings.setdefault(step.area.id, {})[step.dimension] = int(value)
        else:
            self.answers.answers[step.question.id] = None if value is None else float(value) if step.numeric else value
        self.answers.position = self.position + 1
        try:
            if self.position >= len(self.steps):
                self.finish()
            else:
                self.save()
        except OSError:
            self.answers = before  # not saved, so not recorded: the learner stays on this step
            raise

    def back(self) -> None:
        """Go back one step (answers are kept); saved, so a restart resumes there."""
        if self.finished:
            raise InputError("this attempt is finished; start a new one to retake the quiz")
        if self.position > 0:
            self.answers.position = self.position - 1
            if self.path.is_file() or self.done():
                try:
                    self.save()
                except OSError:
                    self.answers.position += 1  # not saved: stay where the saved file says
                    raise

    def finish(self) -> Result:
        """Mark the attempt finished, save it and save the prior for the decision workbook."""
        from mlkit.readiness.prior import save_prior, suggest_prior

        if not self.finished:
            self.answers.finished = self.clock().isoformat(timespec="seconds")
            self.answers.position = len(self.steps)
            self.save()
        result = self.result()
        save_prior(suggest_prior(result, attempt=self.answers.id), self.folder)
        return result

    def result(self) -> Result:
        """The attempt scored (unanswered questions count as missed)."""
        return score(self.answers, self.bank)

    def save(self) -> None:
        """Write the attempt's file atomically."""
        write_answers(self.answers, self.path)

    def _check(self, step: Step, value) -> None:
        if step.kind == "rating":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(step.choices):
                raise InputError(f"a self-rating is a whole number from 0 to {len(step.choices) - 1}, got {value!r}")
        elif value is None:
            return
        elif step.numeric:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                raise InputError(f"{step.question.id} expects a number, got {value!r}")
        elif value not in step.letters:
            raise InputError(f"{step.question.id} expects one of {', '.join(step.letters)}, got {value!r}")


@dataclass(frozen=True)
class Attempt:
    """A finished attempt and its result, for the history."""

    id: str
    started: str | None
    finished: str
    result: Result


def attempts(folder: Path | str | None = None, bank: Bank | None = None, problems: list[str] | None = None) -> list[Answers]:
    """Every saved attempt, oldest first.

    A damaged file is skipped (and described in ``problems`` when a list is
    given), so one bad file never stops the quiz.
    """
    folder = Path(folder) if folder else readiness_dir()
    found = []
    for path in sorted((folder / ATTEMPTS).glob("*.json")):
        try:
            answers = load_answers(path, bank)
        except InputError as error:
            if problems is not None:
                problems.append(str(error))
            continue
        answers.id = answers.id or path.stem
        found.append(answers)
    return sorted(found, key=lambda a: (a.started or "", a.id))


def history(folder: Path | str | None = None, bank: Bank | None = None) -> list[Attempt]:
    """Finished attempts with their results, oldest first: progress over time."""
    return [
        Attempt(a.id, a.started, a.finished, score(a, bank))
        for a in sorted(attempts(folder, bank), key=lambda a: a.finished or "")
        if a.finished is not None
    ]


def latest_result(folder: Path | str | None = None, bank: Bank | None = None) -> Attempt | None:
    """The most recently finished attempt, or ``None``."""
    done = history(folder, bank)
    return done[-1] if done else None
