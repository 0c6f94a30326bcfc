"""The learning path: introductory courses to take first, then the kit's units in prerequisite order, and why.

How the path is made, area by area (levels and their words from :mod:`mlkit.readiness.levels`):

- **course** (introductory course first): the area's introductory course
  (:mod:`mlkit.readiness.courses`, with its hours) goes before any of the kit's
  units (courses in the order the kit's units build on them: Python first,
  linear algebra before calculus); then every unit that teaches the area and the unit of each question
  missed, priority ``learn``.
- **learn** (new to the person): every unit that teaches the area and the unit
  of each question missed; priority ``learn``.
- **refresh**: the unit that teaches each question missed (or the area's units
  when every answer was right and the self-rating pulled the score down);
  priority ``refresh``.
- **ready**: the unit that teaches each question missed; priority ``review``.
- An area the programme teaches itself (ML concepts) gives priority
  ``head start`` whatever its level.

The unit that teaches a question is the first of its ``units`` in the bank;
the others build on it later (PCA on eigenvalues, say) and are not proposed.
"Missed" means wrong, "I don't know" or not answered. A unit chosen for several
reasons keeps the most urgent priority (learn, refresh, review, head start) and
lists every reason. A chosen unit's prerequisites from the curriculum catalogue
join the path (reason "needed before ...") unless the area that teaches them is
ready, so calculus never comes without the linear algebra it builds on. The
units come in prerequisite order (:func:`mlkit.course.curriculum.study_order`),
each with its time from the catalogue.

A unit the catalogue lists as ``planned`` (its lesson is still being written)
stays in the path when it is the one that teaches a missed question, with
``available`` false: the reports show it as "coming" without a link, so the
learner sees what to study and that the lesson is not there yet.

Examples
--------
>>> from mlkit.readiness import learning_path, load_answers, sample_answers_path, score
>>> path = learning_path(score(load_answers(sample_answers_path())))
>>> [c.area for c in path.courses]
['calculus']
>>> [(s.unit, s.priority) for s in path.steps][:3]
[('python-numpy', 'review'), ('linear-algebra', 'refresh'), ('matrix-decompositions', 'refresh')]
"""

from __future__ import annotations

from dataclasses import dataclass

from mlkit.course import curriculum
from mlkit.readiness.bank import Bank, load_bank
from mlkit.readiness.courses import IntroCourse, course_for
from mlkit.readiness.levels import PRIORITIES
from mlkit.readiness.scoring import Result

STATUS_WORDS = {"wrong": "answered wrongly", "dont-know": "answered I don't know", "unanswered": "not answered"}
LEVEL_PRIORITY = {"course": "learn", "learn": "learn", "refresh": "refresh", "ready": "review"}


@dataclass(frozen=True)
class PathStep:
    """One unit of the path: what it is, how long it takes, how urgent it is and why it is there.

    ``available`` is false for a unit whose lesson is still being written (catalogue status
    ``planned``): reports show it as coming, without a link.
    """

    unit: str
    title: str
    area_title: str
    minutes: int
    lesson: str
    priority: str
    reasons: tuple[str, ...]
    questions: tuple[str, ...]
    available: bool = True

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
            "available": self.available,
        }


@dataclass(frozen=True)
class LearningPath:
    """Introductory courses to take first, then the kit's units in prerequisite order; empty when nothing needs study.

    ``minutes`` and ``hours`` count the kit's units; ``course_hours`` the
    introductory courses, as a (low, high) range.
    """

    steps: tuple[PathStep, ...]
    courses: tuple[IntroCourse, ...] = ()

    @property
    def course_hours(self) -> tuple[int, int]:
        """The introductory courses' study time in hours, (low, high); (0, 0) when there are none."""
        return (sum(c.hours[0] for c in self.courses), sum(c.hours[1] for c in self.courses))

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
        return {
            "courses": [c.to_dict() for c in self.courses],
            "course_hours": list(self.course_hours),
            "hours": round(self.hours, 2),
            "steps": [s.to_dict() for s in self.steps],
        }


def learning_path(result: Result, bank: Bank | None = None) -> LearningPath:
    """The courses and units ``result`` points to, units in prerequisite order, each with its reasons.

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
        priority = LEVEL_PRIORITY[area_score.level] if area.prerequisite else "head start"
        missed = [o for o in result.outcomes if o.area == area.id and not o.right]
        if area_score.level in ("course", "learn") or (area_score.level == "refresh" and not missed):
            reason = f"{area.title}: score {area_score.score:.0f}/100 ({area_score.level_words})"
            for unit_id in area.units:
                add(unit_id, priority, reason)
        for outcome in missed:
            question = bank.question(outcome.question_id)
            reason = f"{question.id} ({question.topic}): {STATUS_WORDS[outcome.status]}"
            add(question.units[0], priority, reason, question.id)
    _add_prerequisites(chosen, add, _ready_units(result, bank))

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
                available=unit.available,
            )
        )
    return LearningPath(tuple(steps), _courses(result, bank))


def _courses(result: Result, bank: Bank) -> tuple[IntroCourse, ...]:
    """Introductory courses for the areas at ``course``, in the order the kit builds on them (Python first)."""
    order = [u.id for u in curriculum.study_order()]
    needed = [a.area for a in result.areas if a.prerequisite and a.level == "course"]
    needed.sort(key=lambda area_id: min(order.index(u) for u in bank.area(area_id).units))
    return tuple(course_for(area_id) for area_id in needed)


def _ready_units(result: Result, bank: Bank) -> set[str]:
    """Units taught by an area the result shows ready (their prerequisites need no study)."""
    return {u for a in result.areas if a.level == "ready" for u in bank.area(a.area).units}


def _add_prerequisites(chosen: dict[str, dict], add, known: set[str]) -> None:
    """Add each chosen unit's missing prerequisites (recursively) unless a ready area teaches them."""
    todo = list(chosen)
    while todo:
        unit = curriculum.get_unit(todo.pop())
        for pre in unit.prerequisites:
            if pre in chosen or pre in known:
                continue
            add(pre, chosen[unit.id]["priority"], f"needed before {unit.title}")
            todo.append(pre)
