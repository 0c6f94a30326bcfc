"""The learner's progress: per unit of the catalogue, lessons opened and exercises passed, and what next.

Attempts come from :mod:`mlkit.course.attempt_store` (every check records one, every lesson
records its opening); this module counts them against each unit's exercises. :func:`dashboard`
gathers the whole view the start page and ``mlkit progress`` show (per unit, the readiness
result, the one next step); :func:`unit_detail` is the per-exercise view of one unit. Times are
stored in UTC and shown in the learner's local time by :func:`local_time`. The module also
re-exports the store's functions, so a notebook needs one import: ``from mlkit.course import progress``.

Examples
--------
>>> import tempfile, pathlib
>>> store = pathlib.Path(tempfile.mkdtemp()) / "progress.sqlite3"
>>> record_attempt("classification.split", "classification", "passed", path=store)
>>> row = next(p for p in summary(path=store) if p.unit == "classification")
>>> row.passed, row.exercises > 1
(1, True)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path

from mlkit.course.attempt_store import (  # the store's names, so one import serves a notebook
    BUSY_TIMEOUT_MS,
    FILE_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    STATUSES,
    Attempt,
    Opening,
    ProgressStoreError,
    attempts,
    connect,
    now,
    openings,
    record_attempt,
    record_opening,
    store_path,
)
from mlkit.errors import InputError

__all__ = [
    "BUSY_TIMEOUT_MS",
    "FILE_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "now",
    "STATUSES",
    "Attempt",
    "Dashboard",
    "ExerciseStatus",
    "NextStep",
    "Opening",
    "ProgressStoreError",
    "ReadinessStatus",
    "UnitProgress",
    "UnitStatus",
    "attempts",
    "connect",
    "dashboard",
    "find_unit",
    "lesson_unit",
    "local_time",
    "next_step",
    "openings",
    "record_attempt",
    "record_lesson_opened",
    "record_opening",
    "store_path",
    "summary",
    "table",
    "unit_detail",
]


@dataclass(frozen=True)
class UnitProgress:
    """How far a learner is in one unit."""

    unit: str
    title: str
    exercises: int
    attempted: int
    passed: int
    last_attempt: str

    @property
    def percent(self) -> int:
        """Share of the unit's exercises passed, in whole percent."""
        return round(100 * self.passed / self.exercises) if self.exercises else 0


def summary(*, path: Path | None = None, units: list | None = None) -> list[UnitProgress]:
    """Progress per unit of the catalogue that has exercises, in curriculum order.

    An exercise counts as attempted once any answer was checked (a stub
    reporting "not attempted" does not count) and as passed once a check passed.
    """
    from mlkit.course import curriculum

    recorded = attempts(path=path)
    result = []
    for unit in units if units is not None else curriculum.units():
        names = _exercise_ids(unit.id)
        if not names and not (unit.available and unit.solutions):
            continue
        mine = [a for a in recorded if a.unit == unit.id]
        attempted = {a.exercise for a in mine if a.status != "not_attempted"}
        passed = {a.exercise for a in mine if a.status == "passed"}
        if names:
            attempted &= names
            passed &= names
        result.append(
            UnitProgress(
                unit=unit.id,
                title=unit.title,
                exercises=len(names),
                attempted=len(attempted),
                passed=len(passed),
                last_attempt=max((a.created_at for a in mine), default=""),
            )
        )
    return result


def _exercise_ids(unit_id: str) -> set[str]:
    from mlkit.course.checks.registry import unit_exercises

    found = unit_exercises(unit_id)
    return {e.id for e in found} if found is not None else set()


def table(*, path: Path | None = None, now: datetime | None = None, tz: tzinfo | None = None):
    """Progress per unit with exercises as a pandas DataFrame, for notebooks (imports pandas).

    Indexed by the unit's number (``"11"``); columns ``unit`` (its title), ``lesson``
    (opened or not), ``passed``, ``tried`` and ``exercises`` (counts), ``last activity``
    (local time, see :func:`local_time`; ``"-"`` when none). ``now`` and ``tz`` as in
    :func:`dashboard`.
    """
    import pandas as pd

    recorded, opened = _recorded(Path(path or store_path()))
    rows = [_unit_status(unit, recorded, opened, now, tz) for unit in _catalogue()]
    columns = ["#", "unit", "lesson", "passed", "tried", "exercises", "last activity"]
    data = [
        [f"{r.number:02d}", r.title, "opened" if r.lesson_openings else "not yet", r.passed, r.attempted, r.exercises,
         r.last_seen or "-"]
        for r in rows
        if r.exercises
    ]
    return pd.DataFrame(data, columns=columns).set_index("#")


# --- the dashboard: per unit, the readiness result and the one next step ----------------------

PASSED = "passed"
TRIED = "tried, not passed"
NOT_TRIED = "not tried"
CAPSTONE = "capstone"  # the unit suggested once every other unit's exercises are passed
READINESS = "readiness"  # the unit of the readiness self-assessment
DECISION = "decision"  # the unit that closes the course
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NEXT_STEP_KINDS = ("readiness", "course", "copies", "lesson", "exercise", "capstone", "done")


def local_time(when: str, *, now: datetime | None = None, tz: tzinfo | None = None) -> str:
    """A stored UTC time as a person reads it, in local time: ``today 14:05``, ``yesterday 09:30``, ``3 Nov``.

    Parameters
    ----------
    when:
        ISO 8601 text as the store keeps it (UTC; a time without a zone is read as UTC).
        Empty text gives ``""``; text that is not a time is returned unchanged.
    now:
        The present moment (default: the clock); "today" and "yesterday" are counted from it.
    tz:
        The time zone to show (default: the computer's, which ``TZ`` sets).

    Examples
    --------
    >>> from datetime import timezone
    >>> at = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
    >>> local_time("2026-11-30T14:05:00+00:00", now=at, tz=timezone.utc)
    'today 14:05'
    >>> local_time("2026-11-03T14:05:00+00:00", now=at, tz=timezone.utc), local_time("2025-01-09T08:00:00", now=at, tz=timezone.utc)
    ('3 Nov', '9 Jan 2025')
    """
    if not when:
        return ""
    try:
        moment = _aware(datetime.fromisoformat(when)).astimezone(tz)
    except ValueError:
        return when
    today = _aware(now or datetime.now(timezone.utc)).astimezone(tz).date()
    if moment.date() == today:
        return f"today {moment:%H:%M}"
    if moment.date() == today - timedelta(days=1):
        return f"yesterday {moment:%H:%M}"
    day = f"{moment.day} {MONTHS[moment.month - 1]}"
    return day if moment.year == today.year else f"{day} {moment.year}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class ExerciseStatus:
    """Where a learner stands on one exercise.

    ``status`` is one of :data:`PASSED`, :data:`TRIED` or :data:`NOT_TRIED`; ``attempts`` counts
    checked answers (a check of the untouched stub is not an attempt); ``last_attempt`` is UTC
    ISO 8601 (empty when never tried) and ``last_seen`` the same moment in local time.
    """

    id: str
    name: str
    title: str
    number: int
    status: str
    attempts: int
    last_attempt: str
    last_seen: str

    def to_dict(self) -> dict:
        """A JSON-friendly dictionary of the fields."""
        return dict(vars(self))


@dataclass(frozen=True)
class UnitStatus:
    """One unit's row of the dashboard.

    ``lesson_openings`` counts the times its lesson was opened; ``last_activity`` is the latest
    check or lesson opening (UTC ISO 8601, empty when none) and ``last_seen`` the same in local
    time; ``exercise_list`` holds the per-exercise view in teaching order.
    """

    unit: str
    number: int
    title: str
    lesson_openings: int
    exercises: int
    attempted: int
    passed: int
    last_activity: str
    last_seen: str
    exercise_list: tuple[ExerciseStatus, ...] = field(default=(), repr=False)

    @property
    def started(self) -> bool:
        """True once the lesson was opened or an exercise checked."""
        return bool(self.lesson_openings or self.attempted)

    @property
    def done(self) -> bool:
        """True when the unit has exercises and all are passed."""
        return bool(self.exercises) and self.passed == self.exercises

    def to_dict(self) -> dict:
        """A JSON-friendly dictionary, exercises included."""
        data = {k: v for k, v in vars(self).items() if k != "exercise_list"}
        data["exercise_list"] = [e.to_dict() for e in self.exercise_list]
        return data


@dataclass(frozen=True)
class ReadinessStatus:
    """The latest readiness result: its summary, when it was taken, and its learning path."""

    summary: str
    level: str
    finished: str
    finished_seen: str
    path_units: tuple[str, ...]
    path_titles: tuple[str, ...]
    path_hours: float
    courses: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """A JSON-friendly dictionary of the fields."""
        return {
            **vars(self),
            "path_units": list(self.path_units),
            "path_titles": list(self.path_titles),
            "courses": list(self.courses),
        }


@dataclass(frozen=True)
class NextStep:
    """The one thing to do next: ``kind`` is one of :data:`NEXT_STEP_KINDS`, ``text`` says it in words."""

    kind: str
    text: str
    unit: str = ""
    exercise: str = ""


@dataclass(frozen=True)
class Dashboard:
    """Everything the start page and ``mlkit progress`` show.

    ``copies_made`` is ``None`` when the kit is installed without its notebooks (no checkout),
    else whether the workspace ``copies_folder`` holds the learner's copies.
    """

    units: tuple[UnitStatus, ...]
    readiness: ReadinessStatus | None
    next_step: NextStep
    copies_made: bool | None
    copies_folder: Path | None
    store: Path

    def to_dict(self) -> dict:
        """A JSON-friendly dictionary (``mlkit progress --format json``)."""
        return {
            "next_step": vars(self.next_step),
            "readiness": self.readiness.to_dict() if self.readiness else None,
            "copies_made": self.copies_made,
            "copies_folder": str(self.copies_folder) if self.copies_folder else None,
            "store": str(self.store),
            "units": [u.to_dict() for u in self.units],
        }


def dashboard(
    *,
    path: Path | None = None,
    root: Path | None = None,
    readiness_folder: Path | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> Dashboard:
    """The learner's dashboard: every unit of the catalogue in order, the readiness result, the next step.

    Parameters
    ----------
    path:
        The progress store (default: :func:`store_path`).
    root:
        The kit's checkout, whose workspace holds the learner's copies (default: the one this
        kit runs from; without a checkout, copies are not asked for).
    readiness_folder:
        Where readiness attempts are saved (default: the readiness module's own folder).
    now, tz:
        The present moment and the time zone for the local times (default: the clock and the
        computer's zone).

    Raises
    ------
    ProgressStoreError
        The store cannot be opened, read or created.
    OSError
        The data folder cannot be read.
    """
    store = Path(path or store_path())
    recorded, opened = _recorded(store)
    rows = tuple(_unit_status(unit, recorded, opened, now, tz) for unit in _catalogue())
    readiness = _readiness(readiness_folder, now, tz)
    folder, made = _copies(root)
    return Dashboard(rows, readiness, next_step(rows, readiness, made), made, folder, store)


def unit_detail(unit: str, *, path: Path | None = None, now: datetime | None = None, tz: tzinfo | None = None) -> UnitStatus:
    """One unit's row with its exercises (``exercise_list``), for ``mlkit progress UNIT``.

    ``unit`` is a unit id (``classification``) or number (``11``); an unknown one raises
    :class:`~mlkit.errors.InputError` listing the accepted values.
    """
    found = find_unit(unit)
    recorded, opened = _recorded(Path(path or store_path()), found.id)
    return _unit_status(found, recorded, opened, now, tz)


def _recorded(store: Path, unit: str | None = None) -> tuple[list[Attempt], list[Opening]]:
    """Attempts and lesson openings (of ``unit``, default all); a folder problem is said in words.

    Raises :class:`ProgressStoreError` with :func:`~mlkit.errors.storage_message`'s sentence
    (where, what went wrong, what to do) when the data folder cannot be created or opened.
    """
    from mlkit.errors import storage_message

    try:
        return attempts(unit, path=store), openings(unit, path=store)
    except ProgressStoreError as error:
        cause = error.__cause__ if isinstance(error.__cause__, OSError) else _folder_problem(store.parent)
        if cause is None:
            raise
        raise ProgressStoreError(f"cannot open the progress store: {storage_message(cause)}") from error


def _folder_problem(folder: Path) -> OSError | None:
    """Why SQLite could not open a store in ``folder``: a read-only disk or no permission, else ``None``."""
    import errno

    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return OSError(errno.EROFS, "Read-only file system", str(folder))
    except (OSError, AttributeError):  # no such folder, or no statvfs (Windows)
        return None
    return None if os.access(folder, os.W_OK) else OSError(errno.EACCES, "Permission denied", str(folder))


def find_unit(unit: str | int):
    """The catalogue's unit named by id (``"classification"``, in any case) or number (``11``, ``"11"``, ``"011"``).

    Raises :class:`~mlkit.errors.InputError` naming the value and every accepted one.
    """
    from mlkit.course import curriculum

    text = str(unit).strip().lower()
    if text.isdigit():
        found = [u for u in curriculum.units() if u.number == int(text)]
        if found:
            return found[0]
    else:
        try:
            return curriculum.get_unit(text)
        except curriculum.UnknownUnitError:
            pass
    accepted = ", ".join(f"{u.number:02d} {u.id}" for u in curriculum.units())
    raise InputError(f"unknown unit {unit!r}; give a unit's number or id: {accepted}")


def _catalogue() -> list:
    from mlkit.course import curriculum

    return curriculum.units()


def _unit_status(unit, recorded: list[Attempt], opened: list[Opening], now, tz) -> UnitStatus:
    from mlkit.course.checks.registry import unit_exercises

    found = unit_exercises(unit.id)
    mine = [a for a in recorded if a.unit == unit.id]
    exercises = tuple(
        _exercise_status(exercise, number, mine, now, tz) for number, exercise in enumerate(found or (), start=1)
    )
    times = [a.created_at for a in mine] + [o.opened_at for o in opened if o.unit == unit.id]
    last = max(times, default="")
    return UnitStatus(
        unit=unit.id,
        number=unit.number,
        title=unit.title,
        lesson_openings=sum(o.unit == unit.id for o in opened),
        exercises=len(exercises),
        attempted=sum(e.status != NOT_TRIED for e in exercises),
        passed=sum(e.status == PASSED for e in exercises),
        last_activity=last,
        last_seen=local_time(last, now=now, tz=tz),
        exercise_list=exercises,
    )


def _exercise_status(exercise, number: int, mine: list[Attempt], now, tz) -> ExerciseStatus:
    tries = [a for a in mine if a.exercise == exercise.id and a.status != "not_attempted"]
    status = PASSED if any(a.status == "passed" for a in tries) else TRIED if tries else NOT_TRIED
    last = max((a.created_at for a in tries), default="")
    return ExerciseStatus(
        id=exercise.id,
        name=exercise.name,
        title=exercise.title,
        number=number,
        status=status,
        attempts=len(tries),
        last_attempt=last,
        last_seen=local_time(last, now=now, tz=tz),
    )


def _readiness(folder: Path | None, now, tz) -> ReadinessStatus | None:
    """The latest readiness result through the readiness module's public functions, or ``None``."""
    from mlkit.readiness import latest_result, learning_path

    latest = latest_result(folder)
    if latest is None:
        return None
    result = latest.result
    path = learning_path(result)
    steps = path.steps
    return ReadinessStatus(
        summary=result.summary,
        level=result.level_words,
        courses=tuple(f"{c.kind} (about {c.hours[0]}\u2013{c.hours[1]} hours)" for c in path.courses),
        finished=latest.finished or "",
        finished_seen=local_time(latest.finished or "", now=now, tz=tz),
        path_units=tuple(s.unit for s in steps),
        path_titles=tuple(s.title for s in steps),
        path_hours=round(sum(s.minutes for s in steps) / 60, 1),
    )


def _copies(root: Path | None) -> tuple[Path | None, bool | None]:
    """The workspace folder and whether it holds copies the kit made (any name: read from metadata)."""
    from mlkit.course import workspace
    from mlkit.paths import repo_root

    root = root or repo_root()
    if root is None:
        return None, None
    folder = workspace.workspace_dir(root)
    return folder, any(_copied_from(notebook) for notebook in sorted(folder.glob("*.ipynb")))


def _copied_from(notebook: Path) -> str:
    """The kit file a learner's copy was made from (its ``mlkit.copied_from`` metadata), else ``""``."""
    try:
        meta = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {}).get("mlkit", {})
    except (OSError, ValueError, AttributeError):
        return ""
    copied = meta.get("copied_from") if isinstance(meta, dict) else None
    return copied if isinstance(copied, str) else ""


def next_step(units: tuple[UnitStatus, ...] | list[UnitStatus], readiness: ReadinessStatus | None, copies_made: bool | None) -> NextStep:
    """The one next step, from the dashboard's rows, the readiness result and the copies.

    In order: the readiness check when nothing is done yet; the learner's copies when there are
    none; the first introductory course the readiness result names, while no unit is started; the first exercise not passed of the unit worked on last; the next unit (the readiness
    path's first, then catalogue order); the capstone once every other unit is passed; then done.
    """
    by_id = {u.unit: u for u in units}
    started = any(u.started for u in units)
    if readiness is None and not started:
        check = by_id.get(READINESS)
        where = f" (unit {check.number:02d}, {check.title})" if check else ""
        return NextStep("readiness", f"take the readiness check{where}, or run `mlkit readiness` in a terminal", READINESS)
    if copies_made is False:
        return NextStep("copies", "make your own copies of the lessons and exercises: run `mlkit work` in a terminal, "
                        "or press \u201cMake my copies\u201d on the start page")
    if readiness is not None and readiness.courses and not started:
        return NextStep("course", f"before the kit's units, take {readiness.courses[0]}: the units build on it")
    todo = [u for u in units if u.exercises and not u.done]
    recent = sorted((u for u in todo if u.last_activity), key=lambda u: u.last_activity, reverse=True)
    if recent:
        return _exercise_step(recent[0], "continue")
    path = [by_id[p] for p in (readiness.path_units if readiness else ()) if p in by_id]
    for unit in [u for u in path if u in todo] + todo:  # none of them started: the recent ones were
        if unit.unit != CAPSTONE:
            return _lesson_step(unit)
    if todo:
        unit = todo[0]
        return NextStep("capstone", f"all done: try the capstone, unit {unit.number:02d} ({unit.title})", unit.unit)
    closing = by_id.get(DECISION)
    then = f"; now weigh a master's in unit {closing.number:02d} ({closing.title})" if closing else ""
    return NextStep("done", "all done: every exercise is passed" + then, closing.unit if closing else "")


def _lesson_step(unit: UnitStatus) -> NextStep:
    return NextStep("lesson", f"start unit {unit.number:02d} ({unit.title}): open its lesson, then its exercises", unit.unit)


def _exercise_step(unit: UnitStatus, verb: str) -> NextStep:
    exercise = next(e for e in unit.exercise_list if e.status != PASSED)
    state = "not yet passed" if exercise.status == TRIED else "not tried yet"
    text = (
        f"{verb} unit {unit.number:02d} ({unit.title}): exercise {exercise.number} of {unit.exercises}, "
        f"\u201c{exercise.title}\u201d (`{exercise.name}`), {state}"
    )
    return NextStep("exercise", text, unit.unit, exercise.id)


# --- lesson openings ------------------------------------------------------------------------


def lesson_unit(notebook: str | Path) -> str | None:
    """The unit whose lesson ``notebook`` is: the kit's lesson itself or a learner's copy of it, else ``None``.

    A copy is recognised by the kit file it records in its metadata, whatever its name. A relative
    path that does not exist from here is looked up by its name in the current folder (a kernel
    runs in its notebook's folder).
    """
    from mlkit.course import curriculum

    notebook = Path(notebook)
    lessons = {u.lesson: u.id for u in curriculum.units() if u.lesson}
    for lesson, unit in lessons.items():
        if Path(lesson).name == notebook.name and notebook.parent.name == Path(lesson).parent.name:
            return unit
    if notebook.suffix != ".ipynb":
        return None
    if not notebook.is_file():  # a path relative to the server's root: the kernel runs in the notebook's folder
        notebook = Path.cwd() / notebook.name
    return lessons.get(_copied_from(notebook))


def running_notebook() -> str | None:
    """The notebook file this kernel runs, as Jupyter (``JPY_SESSION_NAME``) or VS Code tell it; else ``None``."""
    name = os.environ.get("JPY_SESSION_NAME")
    if name:
        return name
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    found = shell.user_ns.get("__vsc_ipynb_file__") if shell is not None else None
    return found if isinstance(found, str) else None


def record_lesson_opened(notebook: str | Path | None = None, *, when: str | None = None, path: Path | None = None) -> str | None:
    """Record that a lesson was opened; returns its unit id, or ``None`` when ``notebook`` is no lesson.

    ``notebook`` defaults to the one this kernel runs (:func:`running_notebook`). Raises
    :class:`ProgressStoreError` when the store cannot be written.
    """
    notebook = notebook if notebook is not None else running_notebook()
    unit = lesson_unit(notebook) if notebook else None
    if unit is not None:
        record_opening(unit, Path(notebook).name, when=when, path=path)
    return unit
