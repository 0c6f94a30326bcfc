"""The words the self-assessment uses for levels, defined once.

Every place that shows a level — the terminal report, ``--history``, the quiz
widget, the chart, the learning path, the cohort summary — takes its words
from here, so a learner meets one vocabulary everywhere.

An **area** (one of the six) is at one of four levels, from furthest to
nearest (``AREA_LEVELS``):

- ``course`` — "introductory course first": the basic questions were missed
  and the area score is below 40; the kit's units assume more than that;
- ``learn`` — "learn": the basics are there (or the score is 40-70) and the
  area is new to the person (self-rated experience "not yet", or not rated);
- ``refresh`` — "refresh": the same distance from ready as ``learn``, for an
  area the person has studied before;
- ``ready`` — "ready": a score of 70 or more.

``learn`` and ``refresh`` are one rank (:data:`AREA_RANK`): the self-rated
experience only chooses the word, never the distance. Areas a master's teaches
itself (ML concepts) are never a gate; their levels read as head-start words
(:data:`HEAD_START_WORDS`).

The whole result is at one of three levels (``OVERALL_LEVELS``): ``ready``,
``nearly`` ("nearly ready": some area to learn or refresh in the kit) or
``not-ready`` ("not ready yet": some area needs an introductory course
first).

A unit on the learning path carries a priority (``PRIORITIES``): ``learn``,
``refresh``, ``review`` (a missed question in a ready area) or ``head start``.

Examples
--------
>>> from mlkit.readiness.levels import AREA_WORDS, OVERALL_WORDS
>>> AREA_WORDS["course"], OVERALL_WORDS["not-ready"]
('introductory course first', 'not ready yet')
"""

from __future__ import annotations

AREA_LEVELS = ("course", "learn", "refresh", "ready")
AREA_RANK = {"course": 0, "learn": 1, "refresh": 1, "ready": 2}
AREA_WORDS = {
    "course": "introductory course first",
    "learn": "learn",
    "refresh": "refresh",
    "ready": "ready",
}
HEAD_START_WORDS = {  # areas a master's teaches itself
    "course": "new to you; taught in a master's",
    "learn": "some head start",
    "refresh": "some head start",
    "ready": "good head start",
}
OVERALL_LEVELS = ("not-ready", "nearly", "ready")
OVERALL_WORDS = {"not-ready": "not ready yet", "nearly": "nearly ready", "ready": "ready"}
PRIORITIES = ("learn", "refresh", "review", "head start")


def area_words(level: str, prerequisite: bool = True) -> str:
    """The words shown for an area's level (head-start words for an area a master's teaches).

    Raises ``KeyError`` for a level not in :data:`AREA_LEVELS`.
    """
    return (AREA_WORDS if prerequisite else HEAD_START_WORDS)[level]


def overall_words(level: str) -> str:
    """The words shown for the overall level (``ready``, ``nearly`` or ``not-ready``)."""
    return OVERALL_WORDS[level]


def vocabulary() -> frozenset[str]:
    """Every level word and priority the self-assessment may show."""
    return frozenset([*AREA_WORDS.values(), *HEAD_START_WORDS.values(), *OVERALL_WORDS.values(), *PRIORITIES])
