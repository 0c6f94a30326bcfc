"""Introductory courses to take before the kit's units, with realistic hours (``data/readiness_courses.toml``).

An area at the level ``course`` ("introductory course first") needs more than
the kit's 90-minute units: the path names the kind of course and its study
time, from the course's usual size in ECTS credits and the hours one credit
stands for (source and year in the data file).

Examples
--------
>>> from mlkit.readiness.courses import course_for
>>> course = course_for("python")
>>> course.kind, course.hours
('an introductory Python programming course', (125, 150))
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from mlkit.errors import InputError
from mlkit.paths import data_dir

COURSES_FILE = "readiness_courses.toml"


@dataclass(frozen=True)
class IntroCourse:
    """An introductory course for one area: its kind, size in ECTS credits and study hours (low, high)."""

    area: str
    kind: str
    credits: float
    hours: tuple[int, int]
    basis: str

    def to_dict(self) -> dict:
        return {"area": self.area, "kind": self.kind, "credits": self.credits, "hours": list(self.hours), "basis": self.basis}


@lru_cache(maxsize=1)
def intro_courses() -> dict[str, IntroCourse]:
    """Every area's introductory course, by area id.

    Raises
    ------
    InputError
        When the data file lacks a field or a figure is not a positive number.
    """
    path = data_dir() / COURSES_FILE
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    low, high = raw["hours_per_credit"]
    basis = f"{low}-{high} hours per ECTS credit ({raw['source']}, {raw['year']})"
    courses = {}
    for row in raw["courses"]:
        credits = row.get("credits")
        if isinstance(credits, bool) or not isinstance(credits, (int, float)) or credits <= 0:
            raise InputError(f"{path.name}: course for {row.get('area')!r} has credits {credits!r}; expected a number > 0")
        hours = (round(credits * low), round(credits * high))
        courses[row["area"]] = IntroCourse(row["area"], row["kind"], credits, hours, basis)
    return courses


def course_for(area_id: str) -> IntroCourse:
    """The introductory course for ``area_id``; raises :class:`InputError` naming the areas that have one."""
    courses = intro_courses()
    if area_id not in courses:
        raise InputError(f"no introductory course for area {area_id!r}; {COURSES_FILE} has: {', '.join(courses)}")
    return courses[area_id]
