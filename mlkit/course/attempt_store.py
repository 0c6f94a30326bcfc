"""The store of checked answers: a small SQLite file in the learner's data folder.

Every exercise check records an attempt here (exercise id, unit, outcome,
time), and every lesson records when it was opened (its first cell calls
:func:`mlkit.setup`). The store lives at ``<data folder>/progress.sqlite3``, where the data
folder is :func:`mlkit.paths.user_data_dir` (``MLKIT_HOME`` moves it).

Several kernels may write at once (a learner with two notebooks open, a room
sharing a JupyterHub home): the store uses SQLite's write-ahead log, waits for
a busy lock instead of failing, and keeps every transaction short, so no
record is lost.

The schema carries a version (SQLite's ``user_version``); :data:`MIGRATIONS`
lists the steps from one version to the next. :mod:`mlkit.course.progress` reads it
per unit of the catalogue. The readiness self-assessment
and saved decision scenarios add their tables by appending a migration.

Examples
--------
>>> import tempfile, pathlib
>>> store = pathlib.Path(tempfile.mkdtemp()) / "progress.sqlite3"
>>> record_attempt("classification.split", "classification", "passed", path=store)
>>> [(a.exercise, a.status) for a in attempts(path=store)]
[('classification.split', 'passed')]
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from mlkit.errors import MlkitError

FILE_NAME = "progress.sqlite3"
BUSY_TIMEOUT_MS = 30_000
STATUSES = ("passed", "not_attempted", "incorrect", "error")

# Each migration takes the store from version i to i + 1 (list index i).
# Append new steps; never edit one that has shipped.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exercise TEXT NOT NULL,
        unit TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('passed', 'not_attempted', 'incorrect', 'error')),
        message TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX attempts_by_unit ON attempts (unit, exercise);
    """,
    """
    CREATE TABLE openings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        unit TEXT NOT NULL,
        notebook TEXT NOT NULL DEFAULT '',
        opened_at TEXT NOT NULL
    );
    CREATE INDEX openings_by_unit ON openings (unit);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class ProgressStoreError(MlkitError):
    """The progress store cannot be read or written (corrupt, locked, no permission)."""


@dataclass(frozen=True)
class Attempt:
    """One recorded check of an exercise."""

    exercise: str
    unit: str
    status: str
    message: str
    created_at: str


def store_path() -> Path:
    """Where the progress store lives (in the learner's data folder)."""
    from mlkit.paths import user_data_dir

    return user_data_dir() / FILE_NAME


@contextmanager
def connect(path: Path | None = None):
    """An open, migrated connection to the store; closed on exit.

    Raises :class:`ProgressStoreError` with a message for people when the file
    is not a usable SQLite database or cannot be created.
    """
    path = Path(path or store_path())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise ProgressStoreError(f"cannot open the progress store {path} ({error}).") from error
    try:
        with closing(connection):
            try:
                connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                connection.execute("PRAGMA journal_mode = WAL")
                _migrate(connection)
            except sqlite3.DatabaseError as error:
                raise ProgressStoreError(_unusable(path, error)) from error
            yield connection
    except sqlite3.DatabaseError as error:
        raise ProgressStoreError(_unusable(path, error)) from error


def _unusable(path: Path, error: Exception) -> str:
    return (
        f"the progress store {path} is unreadable ({error}). "
        "Move the file aside (or set MLKIT_HOME to another folder) to start a fresh one."
    )


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema to :data:`SCHEMA_VERSION`, one step per transaction."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ProgressStoreError(
            f"the progress store was written by a newer mlkit (schema {version}, this one knows {SCHEMA_VERSION}); "
            "update the kit."
        )
    while version < SCHEMA_VERSION:
        connection.execute("BEGIN IMMEDIATE")  # one migrator at a time; others wait
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                for statement in _statements(MIGRATIONS[version]):
                    connection.execute(statement)
                version += 1
                connection.execute(f"PRAGMA user_version = {version}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def now() -> str:
    """The current time in UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record_attempt(
    exercise: str, unit: str, status: str, message: str = "", *, when: str | None = None, path: Path | None = None
) -> None:
    """Add one attempt to the store (one short transaction)."""
    if status not in STATUSES:
        from mlkit.errors import InputError

        raise InputError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    with connect(path) as connection:
        connection.execute(
            "INSERT INTO attempts (exercise, unit, status, message, created_at) VALUES (?, ?, ?, ?, ?)",
            (exercise, unit, status, message, when or now()),
        )


def attempts(unit: str | None = None, *, path: Path | None = None) -> list[Attempt]:
    """Recorded attempts in the order they were made, optionally of one unit."""
    return [Attempt(*row) for row in _rows("SELECT exercise, unit, status, message, created_at FROM attempts", unit, path)]


@dataclass(frozen=True)
class Opening:
    """One opening of a unit's lesson (its first cell ran)."""

    unit: str
    notebook: str
    opened_at: str


def record_opening(unit: str, notebook: str = "", *, when: str | None = None, path: Path | None = None) -> None:
    """Record that the lesson of ``unit`` was opened (file name in ``notebook``), at ``when`` (UTC, ISO 8601).

    Raises :class:`ProgressStoreError` when the store cannot be opened or written.
    """
    with connect(path) as connection:
        connection.execute(
            "INSERT INTO openings (unit, notebook, opened_at) VALUES (?, ?, ?)", (unit, notebook, when or now())
        )


def openings(unit: str | None = None, *, path: Path | None = None) -> list[Opening]:
    """Recorded lesson openings in the order they happened, optionally of one unit."""
    return [Opening(*row) for row in _rows("SELECT unit, notebook, opened_at FROM openings", unit, path)]


def _rows(select: str, unit: str | None, path: Path | None) -> list[tuple]:
    """The rows of ``select`` (a table with ``unit`` and ``id`` columns), of one unit or all, in ``id`` order."""
    where, params = (" WHERE unit = ?", (unit,)) if unit is not None else ("", ())
    with connect(path) as connection:
        return connection.execute(f"{select}{where} ORDER BY id", params).fetchall()
