"""Scores per area and an overall level, from answers and self-ratings.

The method, for each area:

1. **Knowledge** ``K`` (0-1): the difficulty-weighted share of the area's
   questions answered right. A question's weight is its difficulty (1 basic,
   2 intermediate, 3 advanced); a wrong answer, "I don't know" and an
   unanswered (skipped) question all earn exactly 0: guessing is never
   penalised more than admitting not knowing, and never less.
2. **Self-rating** ``S`` (0-1): ``(experience + comfort) / 6``, each rated 0-3
   (with only one of the two given, that one divided by 3).
3. **Area score** (0-100): ``100 × min(K, 0.8·K + 0.2·S)``; when the area has
   no self-rating, ``100 × K``. A self-rating can lower a score (someone who
   says they would be lost is told to go over the area again) but never lift it
   above what the answers show: confidence is not knowledge.
4. **Basics** ``B`` (0-1): the share of the area's basic (difficulty 1)
   questions answered right.
5. **Level** (words in :mod:`mlkit.readiness.levels`): ``ready`` from 70;
   ``course`` (introductory course first) below 40 unless every basic question
   was answered right; otherwise ``refresh`` when the person rated their
   experience above "not yet", else ``learn``.

Overall, over the *prerequisite* areas only (mathematics, Python, data; the
programme itself teaches ML concepts, so they are a head start, not a gate):

- every prerequisite area ``ready`` -> ``ready``;
- any area at ``course``, or any score below 40 (the basics alone, say) ->
  ``not-ready`` ("Not ready yet: ...");
- otherwise -> ``nearly`` ("Nearly ready: ...").

Examples
--------
>>> from mlkit.readiness import load_answers, sample_answers_path, score
>>> result = score(load_answers(sample_answers_path()))
>>> result.area("python").level
'ready'
>>> result.level
'not-ready'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from mlkit.readiness.answers import Answers
from mlkit.readiness.bank import RATING_LEVELS, Bank, load_bank
from mlkit.readiness.levels import AREA_LEVELS, area_words, overall_words

KNOWLEDGE_WEIGHT = 0.8
SELF_RATING_WEIGHT = 0.2
READY_FROM = 70.0
REFRESH_FROM = 40.0
BASICS_FROM = 1.0  # every basic question right: what an introductory course would teach is there
LEVELS = AREA_LEVELS


@dataclass(frozen=True)
class Outcome:
    """What happened to one question: ``status`` is right, wrong, dont-know or unanswered."""

    question_id: str
    area: str
    difficulty: int
    topic: str
    given: str | float | None
    status: str

    @property
    def right(self) -> bool:
        return self.status == "right"


@dataclass(frozen=True)
class AreaScore:
    """An area's scores: ``knowledge`` and ``self_rating`` in 0-1, ``score`` in 0-100."""

    area: str
    title: str
    prerequisite: bool
    knowledge: float
    self_rating: float | None
    score: float
    level: str
    right: int
    questions: int
    answered: int
    basics: float = 0.0

    @property
    def level_words(self) -> str:
        """The level in plain words ("introductory course first"; "good head start" for a non-prerequisite area)."""
        return area_words(self.level, self.prerequisite)


@dataclass(frozen=True)
class Result:
    """The scored self-assessment: per-area scores, the overall level and its sentence.

    ``level`` is ``ready``, ``nearly`` or ``not-ready`` (:data:`mlkit.readiness.levels.OVERALL_LEVELS`);
    ``level_words`` says it in the kit's words and ``summary`` in a sentence. ``outcomes`` holds every question's outcome, in bank order.
    """

    areas: tuple[AreaScore, ...]
    outcomes: tuple[Outcome, ...]
    level: str
    summary: str
    answered: int
    questions: int
    person: str = ""
    finished: str | None = None

    @property
    def level_words(self) -> str:
        """The overall level in the kit's words ("not ready yet", "nearly ready", "ready")."""
        return overall_words(self.level)

    @property
    def complete(self) -> bool:
        """True when every question has an answer (a "don't know" counts as one)."""
        return self.answered == self.questions

    def area(self, area_id: str) -> AreaScore:
        """The score of one area."""
        for area in self.areas:
            if area.area == area_id:
                return area
        raise KeyError(f"no area {area_id!r}; the result has: {', '.join(a.area for a in self.areas)}")

    def areas_at(self, level: str, prerequisite_only: bool = True) -> list[AreaScore]:
        """Areas at one level (by default only prerequisite areas)."""
        return [a for a in self.areas if a.level == level and (a.prerequisite or not prerequisite_only)]

    def to_dict(self) -> dict:
        """A JSON-friendly dictionary (scores rounded to 0.1)."""
        data = asdict(self)
        for area in data["areas"]:
            area["score"] = round(area["score"], 1)
            area["knowledge"] = round(area["knowledge"], 4)
            area["self_rating"] = None if area["self_rating"] is None else round(area["self_rating"], 4)
        return data


def level_of(area_score: float, basics: float = 1.0, studied: bool = True) -> str:
    """An area's level from its score (0-100), its basics share (0-1) and whether it was studied before.

    ``ready`` from 70; below 40 unless every basic question was right (``basics`` 1),
    ``course``; otherwise ``refresh`` when ``studied`` else ``learn``.
    """
    if area_score >= READY_FROM:
        return "ready"
    if area_score < REFRESH_FROM and basics < BASICS_FROM - 1e-9:
        return "course"
    return "refresh" if studied else "learn"


def score(answers: Answers, bank: Bank | None = None) -> Result:
    """Score an answers set: see the module's docstring for the method.

    Parameters
    ----------
    answers:
        Checked answers (from :func:`mlkit.readiness.load_answers` or a quiz session).
    bank:
        The question bank (default: the shipped one).
    """
    bank = bank or load_bank()
    outcomes = tuple(_outcome(q, answers) for q in bank.questions)
    areas = tuple(_area_score(area, bank, outcomes, answers) for area in bank.areas)
    level, summary = _overall(areas)
    answered = sum(o.status != "unanswered" for o in outcomes)
    return Result(areas, outcomes, level, summary, answered, len(outcomes), answers.person, answers.finished)


def _outcome(question, answers: Answers) -> Outcome:
    if question.id not in answers.answers:
        status, given = "unanswered", None
    else:
        given = answers.answers[question.id]
        status = "dont-know" if given is None else "right" if question.is_correct(given) else "wrong"
    return Outcome(question.id, question.area, question.difficulty, question.topic, given, status)


def _area_score(area, bank: Bank, outcomes: tuple[Outcome, ...], answers: Answers) -> AreaScore:
    mine = [o for o in outcomes if o.area == area.id]
    total = sum(o.difficulty for o in mine)
    knowledge = sum(o.difficulty for o in mine if o.right) / total if total else 0.0
    basic = [o for o in mine if o.difficulty == 1]
    basics = sum(o.right for o in basic) / len(basic) if basic else knowledge
    rating = answers.ratings.get(area.id, {})
    if rating:
        top = (RATING_LEVELS - 1) * len(rating)
        self_rating = sum(rating.values()) / top
        value = 100 * min(knowledge, KNOWLEDGE_WEIGHT * knowledge + SELF_RATING_WEIGHT * self_rating)
    else:
        self_rating, value = None, 100 * knowledge
    studied = rating.get("experience", 0) > 0
    return AreaScore(
        area=area.id,
        title=area.title,
        prerequisite=area.prerequisite,
        knowledge=knowledge,
        self_rating=self_rating,
        score=value,
        level=level_of(value, basics, studied),
        right=sum(o.right for o in mine),
        questions=len(mine),
        answered=sum(o.status != "unanswered" for o in mine),
        basics=basics,
    )


def _overall(areas: tuple[AreaScore, ...]) -> tuple[str, str]:
    gate = [a for a in areas if a.prerequisite]
    course = [a.title for a in gate if a.level == "course"]
    in_kit = _in_kit(gate)
    if course:
        summary = f"Not ready yet: take an introductory course first in {_join(course)}"
        if in_kit:
            summary += f"; then, with the kit's units, {in_kit}"
        return "not-ready", summary + "."
    if any(a.score < REFRESH_FROM for a in gate):
        return "not-ready", f"Not ready yet: {in_kit} with the kit's units before a master's core courses."
    if in_kit:
        return "nearly", f"Nearly ready: {in_kit} with the kit's units before a master's core courses."
    return "ready", "Ready for a master's core courses."


def _in_kit(gate: list[AreaScore]) -> str:
    """``"learn A, B and refresh C"``: the areas the kit's units cover, grouped by word ("" when none)."""
    groups = [f"{word} {_join([a.title for a in gate if a.level == word])}" for word in ("learn", "refresh")]
    return " and ".join(g for g, word in zip(groups, ("learn", "refresh")) if any(a.level == word for a in gate))


def _join(titles: list[str]) -> str:
    return ", ".join(titles)
