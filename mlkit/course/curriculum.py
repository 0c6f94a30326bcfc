"""The curriculum catalogue: every unit of the kit, read from ``data/curriculum.toml``.

The catalogue is the one place that names notebooks. The start page, the
``mlkit curriculum`` command, the readiness learning path, the workshop planner
and the tests all read it through this module.

Examples
--------
>>> from mlkit.course import curriculum
>>> unit = curriculum.get_unit("classification")
>>> unit.area
'methods'
>>> unit.lesson
'notebooks/14_classification.ipynb'
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from mlkit.paths import data_dir, repo_root

START_PAGE = "notebooks/00_start_here.ipynb"
ROLES = ("ml-engineer", "data-scientist", "data-engineer", "software-engineer")
STATUSES = ("available", "planned")


class CatalogueError(ValueError):
    """The catalogue file breaks one of its rules."""


class UnknownUnitError(KeyError):
    """A unit id that is not in the catalogue."""

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return str(self.args[0])


@dataclass(frozen=True)
class Unit:
    """One unit of the curriculum, as listed in the catalogue.

    ``topics`` (optional in the file, default ``()``) are short names of what the lesson
    teaches; each one's words appear in a ``##``/``###`` heading of the lesson, and the
    readiness questions route to a unit through them (:mod:`mlkit.readiness.routing`).
    """

    id: str
    number: int
    title: str
    area: str
    status: str
    lesson: str
    exercises: str
    solutions: str
    prerequisites: tuple[str, ...]
    objectives: tuple[str, ...]
    minutes: int
    roles: tuple[str, ...]
    topics: tuple[str, ...] = ()
    area_title: str = field(default="", compare=False)

    @property
    def available(self) -> bool:
        """True when the unit's notebooks exist and it can be studied."""
        return self.status == "available"

    @property
    def notebooks(self) -> tuple[str, ...]:
        """The repository paths of the unit's notebooks (lesson first)."""
        return tuple(p for p in (self.lesson, self.exercises, self.solutions) if p)

    def to_dict(self) -> dict:
        """A JSON-friendly dictionary of the unit's fields."""
        data = asdict(self)
        for key in ("prerequisites", "objectives", "roles", "topics"):
            data[key] = list(data[key])
        return data


@lru_cache(maxsize=4)
def _read(path: Path) -> tuple[dict[str, str], tuple[Unit, ...]]:
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    areas = dict(raw.get("areas", {}))
    units = tuple(_unit_from_row(row, areas, path) for row in raw.get("units", []))
    return areas, units


OPTIONAL_FIELDS = ("topics",)


def _unit_from_row(row: dict, areas: dict[str, str], path: Path) -> Unit:
    names = {f for f in Unit.__dataclass_fields__ if f != "area_title"}
    missing = sorted(names - set(row) - set(OPTIONAL_FIELDS))
    unit_id = row.get("id", "<no id>")
    if missing:
        raise CatalogueError(f"{path.name}: unit {unit_id!r} lacks the field(s) {', '.join(missing)}")
    extra = sorted(set(row) - names)
    if extra:
        raise CatalogueError(f"{path.name}: unit {unit_id!r} has unknown field(s) {', '.join(extra)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}
    return Unit(**values, area_title=areas.get(row["area"], row["area"]))


def catalogue_path() -> Path:
    """Path of the catalogue file shipped with the package."""
    return data_dir() / "curriculum.toml"


def areas(path: Path | None = None) -> dict[str, str]:
    """Area ids and their titles, in curriculum order."""
    return dict(_read(path or catalogue_path())[0])


def units(path: Path | None = None) -> list[Unit]:
    """All units in curriculum order (by number)."""
    return sorted(_read(path or catalogue_path())[1], key=lambda u: u.number)


def get_unit(unit_id: str, path: Path | None = None) -> Unit:
    """The unit with this id; raises :class:`UnknownUnitError` naming the known ids."""
    for unit in units(path):
        if unit.id == unit_id:
            return unit
    known = ", ".join(u.id for u in units(path))
    raise UnknownUnitError(f"unknown unit {unit_id!r}; the catalogue has: {known}")


def study_order(unit_ids: list[str] | None = None, path: Path | None = None) -> list[Unit]:
    """Units in an order where every prerequisite comes first.

    With ``unit_ids``, only those units are returned (their prerequisites are
    not added); ties keep curriculum order.
    """
    all_units = {u.id: u for u in units(path)}
    wanted = list(all_units) if unit_ids is None else list(dict.fromkeys(unit_ids))
    for unit_id in wanted:
        if unit_id not in all_units:
            get_unit(unit_id, path)  # raises with the list of known ids
    ordered: list[Unit] = []
    done: set[str] = set()

    def visit(unit_id: str) -> None:
        if unit_id in done:
            return
        done.add(unit_id)
        for pre in sorted(all_units[unit_id].prerequisites, key=lambda p: all_units[p].number):
            visit(pre)
        if unit_id in wanted:
            ordered.append(all_units[unit_id])

    for unit_id in sorted(wanted, key=lambda i: all_units[i].number):
        visit(unit_id)
    return ordered


def validate(path: Path | None = None, root: Path | None = None) -> list[str]:
    """Check the catalogue's rules; return a list of problems (empty when valid).

    Rules: ids unique; areas, statuses and roles known; 3-6 objectives; topics distinct;
    positive minutes; prerequisites exist and form no cycle; every notebook of
    an available unit exists under the repository ``root`` (checked only when a
    repository is present).
    """
    area_ids = areas(path)
    all_units = units(path)
    problems: list[str] = []
    seen: set[str] = set()
    for unit in all_units:
        problems += _unit_problems(unit, area_ids, seen)
        seen.add(unit.id)
    ids = {u.id for u in all_units}
    for unit in all_units:
        problems += [f"{unit.id}: prerequisite {p!r} is not a unit" for p in unit.prerequisites if p not in ids]
    if not problems:
        problems += _cycle_problems(all_units)
    root = root or repo_root()
    if root is not None:
        for unit in all_units:
            if unit.available:
                problems += [f"{unit.id}: {p} does not exist" for p in unit.notebooks if not (root / p).is_file()]
    return problems


def _unit_problems(unit: Unit, area_ids: dict[str, str], seen: set[str]) -> list[str]:
    problems = []
    if unit.id in seen:
        problems.append(f"{unit.id}: id is used twice")
    if unit.area not in area_ids:
        problems.append(f"{unit.id}: area {unit.area!r} is not one of {sorted(area_ids)}")
    if unit.status not in STATUSES:
        problems.append(f"{unit.id}: status {unit.status!r} is not one of {STATUSES}")
    if not 3 <= len(unit.objectives) <= 6:
        problems.append(f"{unit.id}: has {len(unit.objectives)} objectives; 3-6 expected")
    if not (isinstance(unit.minutes, int) and unit.minutes > 0):
        problems.append(f"{unit.id}: minutes must be a positive whole number, got {unit.minutes!r}")
    problems += [f"{unit.id}: role {r!r} is not one of {ROLES}" for r in unit.roles if r not in ROLES]
    if not unit.roles:
        problems.append(f"{unit.id}: lists no roles")
    if not unit.lesson.startswith("notebooks/"):
        problems.append(f"{unit.id}: lesson must be under notebooks/")
    if bool(unit.exercises) != bool(unit.solutions):
        problems.append(f"{unit.id}: exercises and solutions come as a pair")
    problems += _topic_problems(unit)
    return problems


def _topic_problems(unit: Unit) -> list[str]:
    """Topics must be distinct, non-empty strings (their words are matched against the lesson's headings)."""
    problems = [f"{unit.id}: topic {t!r} is not a non-empty string" for t in unit.topics if not (isinstance(t, str) and t.strip())]
    names = [t.strip().lower() for t in unit.topics if isinstance(t, str)]
    problems += [f"{unit.id}: topic {t!r} is listed twice" for t in sorted(set(names)) if names.count(t) > 1]
    return problems


def _cycle_problems(all_units: list[Unit]) -> list[str]:
    graph = {u.id: u.prerequisites for u in all_units}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def walk(node: str, trail: list[str]) -> list[str]:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):] + [nxt]
                return [f"prerequisite cycle: {' -> '.join(cycle)}"]
            if state.get(nxt) is None:
                found = walk(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = 2
        return []

    for node in graph:
        if node not in state:
            found = walk(node, [node])
            if found:
                return found
    return []


def table(path: Path | None = None):
    """The catalogue as a pandas DataFrame, one row per unit (imports pandas)."""
    import pandas as pd

    rows = [
        {
            "#": u.number,
            "unit": u.title,
            "id": u.id,
            "area": u.area_title,
            "minutes": u.minutes,
            "status": u.status,
            "prerequisites": ", ".join(u.prerequisites),
        }
        for u in units(path)
    ]
    return pd.DataFrame(rows).set_index("#")


def markdown_table(
    selected: list[Unit] | None = None, link_prefix: str = "", link: Callable[[str], str] | None = None
) -> str:
    """Units (default: all) as a Markdown table; available lessons are linked.

    ``link_prefix`` is put before each notebook path (``"../"`` from a notebook in
    ``notebooks/``); ``link``, when given, maps a lesson's kit path (``notebooks/…``) to
    the link instead, e.g. :func:`mlkit.course.workspace.lesson_copy_name` for a page in
    the learner's workspace, where the lessons are the learner's copies.
    """
    lines = ["| # | unit | area | minutes | status |", "|---|---|---|---|---|"]
    for u in units() if selected is None else selected:
        target = link(u.lesson) if link is not None else f"{link_prefix}{u.lesson}"
        title = f"[{u.title}]({target})" if u.available else u.title
        lines.append(f"| {u.number:02d} | {title} | {u.area_title} | {u.minutes} | {u.status} |")
    return "\n".join(lines)
