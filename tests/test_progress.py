"""The progress store: records, schema versions, concurrent kernels, a corrupt file, `mlkit progress`."""

import json
import multiprocessing
import sqlite3

import pytest

from mlkit.course import curriculum
from mlkit.course import attempt_store, progress
from mlkit.cli import main
from mlkit.errors import InputError
from mlkit.course.progress import ProgressStoreError

CLASSIFICATION = f"{curriculum.get_unit('classification').number:02d}"  # the unit's number as the command shows it


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
        assert connection.execute("PRAGMA user_version").fetchone()[0] == attempt_store.SCHEMA_VERSION == 2


def test_a_new_migration_runs_once_on_an_existing_store(store, monkeypatch):
    progress.record_attempt("a.x", "a", "passed")
    later = attempt_store.MIGRATIONS + ["CREATE TABLE scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"]
    monkeypatch.setattr(attempt_store, "MIGRATIONS", later)
    monkeypatch.setattr(attempt_store, "SCHEMA_VERSION", len(later))
    with progress.connect() as connection:
        connection.execute("INSERT INTO scenarios (name) VALUES ('part-time')")
    with progress.connect() as connection:  # a second open must not re-run the migration
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(later)
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


def test_table_shows_titles_and_local_times_indexed_by_unit_number(store):
    from datetime import datetime, timedelta, timezone

    progress.record_attempt("classification.judgement", "classification", "passed", when="2026-11-25T09:00:00+00:00")
    table = progress.table(now=datetime(2026, 11, 25, 12, tzinfo=timezone.utc), tz=timezone(timedelta(hours=-5)))
    assert list(table.columns) == ["unit", "lesson", "passed", "tried", "exercises", "last activity"]
    row = table.loc[CLASSIFICATION]
    assert list(row) == ["Supervised learning: classification", "not yet", 1, 1, 6, "today 04:00"]
    assert "01" not in table.index and table.loc[f"{int(CLASSIFICATION) + 1:02d}", "last activity"] == "-"  # no exercises, no activity


# --- the command -----------------------------------------------------------------------------


def test_command_on_a_corrupt_store_fails_with_the_message(store, capsys):
    store.parent.mkdir(parents=True)
    store.write_bytes(b"garbage" * 200)
    assert main(["progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlkit progress: error: the progress store") and "Traceback" not in err


def test_a_store_of_the_first_schema_gains_lesson_openings_and_keeps_its_attempts(store):
    store.parent.mkdir(parents=True)
    with sqlite3.connect(store) as connection:
        connection.executescript(attempt_store.MIGRATIONS[0])
        connection.execute("INSERT INTO attempts (exercise, unit, status, message, created_at) "
                           "VALUES ('pandas.merge', 'pandas', 'passed', '', '2026-11-20T10:00:00+00:00')")
        connection.execute("PRAGMA user_version = 1")
    progress.record_opening("pandas", "09_pandas.ipynb", when="2026-11-21T10:00:00+00:00")
    assert [a.exercise for a in progress.attempts()] == ["pandas.merge"]
    assert progress.openings() == [progress.Opening("pandas", "09_pandas.ipynb", "2026-11-21T10:00:00+00:00")]


# --- the command: the dashboard and one unit -------------------------------------------------


def _work_in_classification():
    progress.record_opening("classification", "14_classification.ipynb", when="2026-11-24T08:00:00+00:00")
    progress.record_attempt("classification.split", "classification", "incorrect", when="2026-11-25T09:00:00+00:00")
    progress.record_attempt("classification.split", "classification", "passed", when="2026-11-25T09:10:00+00:00")
    progress.record_attempt("classification.baseline", "classification", "not_attempted", when="2026-11-25T09:12:00+00:00")
    progress.record_attempt("classification.cv", "classification", "incorrect", when="2026-11-25T09:20:00+00:00")


@pytest.fixture
def paris(monkeypatch):
    """Local time is Paris (UTC+1 in November); "today" is 25 November 2026."""
    import time
    from datetime import datetime, timezone

    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    real = progress.dashboard

    def on_the_25th(**kwargs):
        return real(**{"now": datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc), **kwargs})

    real_detail = progress.unit_detail

    def detail_on_the_25th(unit, **kwargs):
        return real_detail(unit, **{"now": datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc), **kwargs})

    monkeypatch.setattr(progress, "dashboard", on_the_25th)
    monkeypatch.setattr(progress, "unit_detail", detail_on_the_25th)
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_command_shows_the_dashboard_with_local_times_and_the_next_step(store, capsys, paris, tmp_path, monkeypatch):
    monkeypatch.setenv("MLKIT_WORKSPACE", str(tmp_path / "no-copies-yet"))
    _work_in_classification()
    assert main(["progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Next step: make your own copies of the lessons and exercises: run `mlkit work`")
    header = next(i for i, line in enumerate(lines) if line.startswith("#"))
    assert lines[header].split()[:3] == ["#", "unit", "lesson"]
    row = lines[header + 2]
    assert row.split() == [CLASSIFICATION, "Supervised", "learning:", "classification", "opened", "1", "of", "6", "today", "10:20"]
    assert lines[header + 3] == f"({len(curriculum.units()) - 1} units not started yet: `mlkit progress --all` lists them)"
    assert "2026-11-25T" not in "\n".join(lines)
    assert lines[-1] == f"Progress store: {store}"


def test_command_all_lists_every_unit_in_catalogue_order(store, capsys, paris):
    _work_in_classification()
    assert main(["progress", "--all"]) == 0
    out = capsys.readouterr().out
    numbers = [line.split()[0] for line in out.splitlines() if line[:2].isdigit()]
    assert numbers == [f"{u.number:02d}" for u in curriculum.units()] and len(numbers) >= 25


def test_command_per_unit_shows_each_exercise_by_title_with_status_attempts_and_local_time(store, capsys, paris):
    _work_in_classification()
    assert main(["progress", CLASSIFICATION]) == 0
    by_number = capsys.readouterr().out
    assert main(["progress", "classification"]) == 0
    assert capsys.readouterr().out == by_number
    lines = by_number.splitlines()
    assert lines[:3] == ["Unit 14: Supervised learning: classification", "Lesson: opened", "Exercises: 1 of 6 passed"]
    rows = {line.split("  ")[0].strip(): line for line in lines[6:]}
    assert rows["1"].startswith("1  Split the data into training and test sets") and rows["1"].split()[-4:] == ["passed", "2", "today", "10:10"]
    assert rows["2"].split()[-4:] == ["not", "tried", "0", "-"]  # checking the stub is no attempt
    assert rows["4"].split()[-6:] == ["tried,", "not", "passed", "1", "today", "10:20"]


def test_command_per_unit_as_json(store, capsys):
    _work_in_classification()
    assert main(["progress", "classification", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["unit"], data["passed"], data["attempted"], data["lesson_openings"]) == ("classification", 1, 2, 1)
    assert [e["status"] for e in data["exercise_list"]][:4] == ["passed", "not tried", "not tried", "tried, not passed"]


@pytest.mark.parametrize("unit", ["99", "classfication", "0"])
def test_command_refuses_an_unknown_unit_in_one_line_with_the_accepted_values(store, capsys, unit):
    assert main(["progress", unit]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"mlkit progress: error: unknown unit {unit!r}; give a unit's number or id: 01 readiness, ")
    assert f"{CLASSIFICATION} classification" in err


def test_command_as_json_is_the_dashboard(store, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MLKIT_WORKSPACE", str(tmp_path / "no-copies-yet"))
    _work_in_classification()
    assert main(["progress", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = next(u for u in data["units"] if u["unit"] == "classification")
    assert (row["passed"], row["attempted"], row["exercises"], row["lesson_openings"]) == (1, 2, 6, 1)
    assert row["last_activity"] == "2026-11-25T09:20:00+00:00"
    assert data["store"] == str(store) and data["readiness"] is None
    assert data["next_step"]["kind"] == "copies" and data["copies_made"] is False


def test_command_per_unit_on_a_unit_without_exercises_says_so(store, capsys):
    progress.record_opening("readiness", "01_readiness.ipynb")
    assert main(["progress", "01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Unit 01: Readiness self-assessment", "Lesson: opened", "This unit has no exercises."]


def test_command_says_where_the_copies_go(store, capsys, tmp_path, monkeypatch):
    folder = tmp_path / "my-work"
    monkeypatch.setenv("MLKIT_WORKSPACE", str(folder))
    assert main(["progress"]) == 0
    assert f"Your copies of the notebooks will go to {folder}/" in capsys.readouterr().out.splitlines()


def test_a_unit_id_is_found_in_any_case(store):
    assert progress.find_unit(" Classification ").number == int(CLASSIFICATION) and progress.find_unit(int(CLASSIFICATION)).id == "classification"


def test_command_says_in_words_that_the_data_folder_is_a_file(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLKIT_HOME", str(blocker / "home"))
    for args in (["progress"], ["progress", CLASSIFICATION]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Errno" not in err
        assert err.startswith(f"mlkit progress: error: cannot open the progress store: could not write {blocker / 'home'}: "
                              "part of that path is a file, not a folder")


def test_a_folder_sqlite_cannot_write_in_is_named_with_what_to_do(store, monkeypatch, capsys):
    store.parent.mkdir(parents=True)
    monkeypatch.setattr(progress.os, "access", lambda path, mode: False)

    def refused(*args, **kwargs):
        raise ProgressStoreError("cannot open the progress store (unable to open database file).") from sqlite3.OperationalError("x")

    monkeypatch.setattr(progress, "attempts", refused)
    assert main(["progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mlkit progress: error: cannot open the progress store: could not write {store.parent}: "
                          "you have no permission to write there; choose a folder you own")
