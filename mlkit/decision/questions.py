"""Beyond the money: the guide's five questions as a short self-rating.

The guide asks five questions a cash-flow model cannot answer. The workbook lets a
person rate each from 1 (a clear no) to 5 (a clear yes) and shows the ratings *beside*
the numbers; they are never folded into the NPV, because their weight is the person's
to judge.

Examples
--------
>>> s = summarise_ratings({"peer_outcomes": 4, "programme_fit": 2, "loan_risk": 3})
>>> s.answered, s.weakest
(3, ('programme_fit',))
>>> s.text
'3 of 5 questions rated (average 3.0 of 5); weakest: programme fit (2 of 5). These ratings sit beside the numbers; they are not part of the NPV.'
"""

from __future__ import annotations

from dataclasses import dataclass

from mlkit.errors import InputError


@dataclass(frozen=True)
class Question:
    """One of the guide's questions: an id, a short label and the question itself."""

    id: str
    label: str
    prompt: str


QUESTIONS: tuple[Question, ...] = (
    Question("peer_outcomes", "peer outcomes",
             "Do graduates of this programme land the roles you want? Ask for its outcomes report and talk to alumni."),
    Question("programme_fit", "programme fit",
             "Are you ready for its courses (mathematics, programming, data), and likely to finish it?"),
    Question("flexibility", "flexibility",
             "Does its format (online, hybrid or in person) and schedule fit your life?"),
    Question("part_time", "part-time",
             "Could you study part-time and keep earning, or is full-time the better path for you?"),
    Question("loan_risk", "loan risk",
             "Could you carry the loan payments if you did not land the role you want?"),
)
SCALE = {1: "a clear no", 2: "rather not", 3: "unsure", 4: "rather yes", 5: "a clear yes"}
#: A readiness prior's programme fit in words, as a starting rating.
FIT_RATINGS = {"weak": 2, "fair": 3, "good": 4}


def question_ids() -> tuple[str, ...]:
    return tuple(q.id for q in QUESTIONS)


def check_ratings(ratings: dict) -> dict[str, int]:
    """Validate ``{question id: 1..5 or None}``; returns the rated ones."""
    if not isinstance(ratings, dict):
        raise InputError(f"ratings = {ratings!r}: expected a mapping of question id to a rating 1-5")
    out = {}
    for key, value in ratings.items():
        if key not in question_ids():
            raise InputError(f"ratings.{key}: unknown question; questions: {', '.join(question_ids())}")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise InputError(f"ratings.{key} = {value!r}: expected a whole number from 1 (a clear no) to 5 (a clear yes), or nothing")
        out[key] = value
    return out


@dataclass(frozen=True)
class RatingsSummary:
    """What the ratings say, in numbers and in words."""

    ratings: dict[str, int]
    answered: int
    mean: float | None
    weakest: tuple[str, ...]
    text: str


def summarise_ratings(ratings: dict) -> RatingsSummary:
    """Count, average and the weakest answers (rated 1 or 2, else the lowest), with a sentence."""
    rated = check_ratings(ratings)
    labels = {q.id: q.label for q in QUESTIONS}
    if not rated:
        return RatingsSummary({}, 0, None, (), "None of the five questions rated yet; they sit beside the numbers, not in the NPV.")
    mean = sum(rated.values()) / len(rated)
    low = min(rated.values())
    weakest = tuple(k for k in question_ids() if rated.get(k) == low) if low <= 3 else ()
    text = f"{len(rated)} of {len(QUESTIONS)} questions rated (average {mean:.1f} of 5)"
    if weakest:
        text += "; weakest: " + ", ".join(f"{labels[k]} ({low} of 5)" for k in weakest)
    text += ". These ratings sit beside the numbers; they are not part of the NPV."
    return RatingsSummary(rated, len(rated), mean, weakest, text)


def rating_from_prior(prior) -> int | None:
    """A starting programme-fit rating from a readiness prior (``None`` without one)."""
    if prior is None:
        return None
    return FIT_RATINGS.get(getattr(prior, "programme_fit", None))
