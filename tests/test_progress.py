"""The progress store: records, schema versions, concurrent kernels, a corrupt file, `mlkit progress`."""

import json
import multiprocessing
import sqlite3

import pytest

from mlkit.course import attempt_store, progress
from mlkit.cli import main
from mlkit.errors import InputError
from mlkit.course.progress import ProgressStoreError


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / progress.FILE_NAME


def test_the_store_lives_in_the_data_folder_set_by_mlkit_home(store):
    assert progress.store_path() == store
    progress.record_attempt("classification.cv", "classification", "incorrect", "too low", when="2026-11-25T10:00:00+00:00")
    assert store.is_file()
    assert progress.attempts() == [
        progress.Attempt("classification.cv", "classification", "incorrect", "too low", "2026-11-25T10:00:00+00:00")
    ]


def test_attempts_keep_their_order_and_filter_by_unit(store):
    for exercise, unit in [("a.x", "a"), ("b.y", "b"), ("a.z", "a")]:
        progress.record_attempt(exercise, unit, "passed")
    assert [a.exercise for a in progress.attempts()] == ["a.x", "b.y", "a.z"]
    assert [a.exercise for a in progress.attempts("a")] == ["a.x", "a.z"]


def test_an_unknown_status_is_refused(store):
    with pytest.raises(InputError, match="status must be one of passed, not_attempted, incorrect, error, got 'ok'"):
        progress.record_attempt("a.x", "a", "ok")


def test_the_store_uses_the_write_ahead_log_and_records_its_schema_version(store):
    progress.record_attempt("a.x", "a", "passed")
    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == attempt_store.SCHEMA_VERSION == 1


def test_a_new_migration_runs_once_on_an_existing_store(store, monkeypatch):
    progress.record_attempt("a.x", "a", "passed")
    later = attempt_store.MIGRATIONS + ["CREATE TABLE scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"]
    monkeypatch.setattr(attempt_store, "MIGRATIONS", later)
    monkeypatch.setattr(attempt_store, "SCHEMA_VERSION", 2)
    with progress.connect() as connection:
        connection.execute("INSERT INTO scenarios (name) VALUES ('part-time')")
    with progress.connect() as connection:  # a second open must not re-run the migration
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 2
        assert connection.execute("SELECT name FROM scenarios").fetchall() == [("part-time",)]
    assert [a.exercise for a in progress.attempts()] == ["a.x"]


def test_a_store_from_a_newer_kit_is_refused_with_advice(store):
    store.parent.mkdir(parents=True)
    with sqlite3.connect(store) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(ProgressStoreError, match="written by a newer mlkit .*update the kit"):
        progress.attempts()


@pytest.mark.parametrize("content", [b"garbage" * 200, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_store_gives_one_clear_error(store, content):
    store.parent.mkdir(parents=True)
    store.write_bytes(content)
    with pytest.raises(ProgressStoreError, match=r"is unreadable .*Move the file aside"):
        progress.record_attempt("a.x", "a", "passed")
    with pytest.raises(ProgressStoreError, match="is unreadable"):
        progress.attempts()


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLKIT_HOME", str(blocker / "home"))
    with pytest.raises(ProgressStoreError, match="cannot open the progress store"):
        progress.record_attempt("a.x", "a", "passed")


def _writer(path, worker, count):
    for i in range(count):
        progress.record_attempt(f"unit.ex{i % 3}", "unit", "incorrect", f"{worker}-{i}", path=path)


def test_several_processes_writing_at_once_lose_no_record(tmp_path):
    path = tmp_path / "shared" / progress.FILE_NAME  # not created yet: the first writes race to migrate
    workers, count = 6, 40
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_writer, args=(path, w, count)) for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * workers
    messages = [a.message for a in progress.attempts(path=path)]
    assert len(messages) == workers * count
    assert set(messages) == {f"{w}-{i}" for w in range(workers) for i in range(count)}


# --- summaries -------------------------------------------------------------------------------


def _classification_row(rows):
    return next(r for r in rows if r.unit == "classification")


def test_summary_counts_attempted_and_passed_exercises_per_unit(store):
    progress.record_attempt("classification.split", "classification", "not_attempted", when="2026-11-25T09:00:00+00:00")
    progress.record_attempt("classification.cv", "classification", "incorrect", when="2026-11-25T09:05:00+00:00")
    progress.record_attempt("classification.split", "classification", "passed", when="2026-11-25T09:10:00+00:00")
    progress.record_attempt("classification.split", "classification", "passed", when="2026-11-25T09:20:00+00:00")
    row = _classification_row(progress.summary())
    assert (row.exercises, row.attempted, row.passed, row.percent) == (6, 2, 1, 17)
    assert row.last_attempt == "2026-11-25T09:20:00+00:00"


def test_summary_ignores_exercise_ids_the_unit_no_longer_has(store):
    progress.record_attempt("classification.removed", "classification", "passed")
    assert _classification_row(progress.summary()).passed == 0


def test_table_is_a_dataframe_indexed_by_unit(store):
    progress.record_attempt("classification.judgement", "classification", "passed")
    table = progress.table()
    assert list(table.columns) == ["title", "exercises", "attempted", "passed", "percent", "last attempt"]
    assert table.loc["classification", "passed"] == 1 and table.loc["classification", "exercises"] == 6


# --- the command -----------------------------------------------------------------------------


def test_command_prints_progress_per_unit(store, capsys):
    progress.record_attempt("classification.cv", "classification", "passed", when="2026-11-25T09:00:00+00:00")
    assert main(["progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["unit", "title", "passed", "attempted", "exercises", "last", "attempt"]
    row = next(line for line in lines if line.startswith("classification"))
    assert row.split()[-5:] == ["1", "(17%)", "1", "6", "2026-11-25T09:00:00+00:00"]
    assert lines[-1] == f"Progress store: {store}"


def test_command_as_json(store, capsys):
    progress.record_attempt("classification.cv", "classification", "passed")
    assert main(["progress", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["unit"], r["passed"], r["percent"]) for r in rows] == [("classification", 1, 17)]


def test_command_on_a_corrupt_store_fails_with_the_message(store, capsys):
    store.parent.mkdir(parents=True)
    store.write_bytes(b"garbage" * 200)
    assert main(["progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlkit progress: error: the progress store") and "Traceback" not in err
