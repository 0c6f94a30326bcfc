"""The learning path: which curriculum units to study, in what order, and why.

How units are chosen, area by area (levels from :mod:`mlkit.readiness.scoring`):

- **foundations** (score below 40): every unit that teaches the area, plus the
  unit that teaches each question missed; priority ``first``.
- **refresh** (40-70): the unit that teaches each question missed (or the
  area's units when every answer was right and the self-rating pulled the score
  down); priority ``refresh``.
- **ready** (70 and above): the unit that teaches each question missed;
  priority ``review``.

The unit that teaches a question is the first of its ``units`` in the bank;
the others build on it later (PCA on eigenvalues, say) and are not proposed.
- An area the programme teaches itself (ML concepts) gives priority
  ``head start`` whatever its level.

"Missed" means wrong, "don't know" or not answered. A unit chosen for several
reasons keeps the most urgent priority (first, refresh, review, head start) and
lists every reason. The units come in prerequisite order
(:func:`mlkit.course.curriculum.study_order`), each with its time from the catalogue.

Examples
--------
>>> from mlkit.readiness import learning_path, load_answers, sample_answers_path, score
>>> path = learning_path(score(load_answers(sample_answers_path())))
>>> [(s.unit, s.priority) for s in path.steps][:3]
[('python-numpy', 'review'), ('linear-algebra', 'refresh'), ('probability-statistics', 'refresh')]
"""

from __future__ import annotations

from dataclasses import dataclass

from mlkit.course import curriculum
from mlkit.readiness.bank import Bank, load_bank
from mlkit.readiness.scoring import Result

PRIORITIES = ("first", "refresh", "review", "head start")
STATUS_WORDS = {"wrong": "answered wrongly", "dont-know": "answered don't know", "unanswered": "not answered"}


@dataclass(frozen=True)
class PathStep:
    """One unit of the path: what it is, how long it takes, how urgent it is and why it is there."""

    unit: str
    title: str
    area_title: str
    minutes: int
    lesson: str
    priority: str
    reasons: tuple[str, ...]
    questions: tuple[str, ...]

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def to_dict(self) -> dict:
        return {
            "unit": self.unit,
            "title": self.title,
            "area": self.area_title,
            "minutes": self.minutes,
            "hours": round(self.hours, 2),
            "lesson": self.lesson,
            "priority": self.priority,
            "reasons": list(self.reasons),
            "questions": list(self.questions),
        }


@dataclass(frozen=True)
class LearningPath:
    """The units to study in prerequisite order; empty when nothing needs study."""

    steps: tuple[PathStep, ...]

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.steps)

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def units(self) -> list[str]:
        return [s.unit for s in self.steps]

    def to_dict(self) -> dict:
        return {"hours": round(self.hours, 2), "steps": [s.to_dict() for s in self.steps]}


def learning_path(result: Result, bank: Bank | None = None) -> LearningPath:
    """The units ``result`` points to, in prerequisite order, each with its reasons.

    See the module's docstring for the rules.
    """
    bank = bank or load_bank()
    chosen: dict[str, dict] = {}

    def add(unit_id: str, priority: str, reason: str, question_id: str | None = None) -> None:
        entry = chosen.setdefault(unit_id, {"priority": priority, "reasons": [], "questions": []})
        if PRIORITIES.index(priority) < PRIORITIES.index(entry["priority"]):
            entry["priority"] = priority
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)
        if question_id and question_id not in entry["questions"]:
            entry["questions"].append(question_id)

    for area_score in result.areas:
        area = bank.area(area_score.area)
        priority = _priority(area_score.level, area.prerequisite)
        missed = [o for o in result.outcomes if o.area == area.id and not o.right]
        if area_score.level == "foundations" or (area_score.level == "refresh" and not missed):
            reason = f"{area.title}: score {area_score.score:.0f}/100 ({area_score.level_words})"
            for unit_id in area.units:
                add(unit_id, priority, reason)
        for outcome in missed:
            question = bank.question(outcome.question_id)
            reason = f"{question.id} ({question.topic}): {STATUS_WORDS[outcome.status]}"
            add(question.units[0], priority, reason, question.id)

    steps = []
    for unit in curriculum.study_order(list(chosen)):
        entry = chosen[unit.id]
        steps.append(
            PathStep(
                unit=unit.id,
                title=unit.title,
                area_title=unit.area_title,
                minutes=unit.minutes,
                lesson=unit.lesson,
                priority=entry["priority"],
                reasons=tuple(entry["reasons"]),
                questions=tuple(entry["questions"]),
            )
        )
    return LearningPath(tuple(steps))


def _priority(level: str, prerequisite: bool) -> str:
    if not prerequisite:
        return "head start"
    return {"foundations": "first", "refresh": "refresh", "ready": "review"}[level]
