"""The learner's dashboard: counts per unit, local times, the one next step, lesson openings, the widget."""

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from mlkit.course import curriculum
from mlkit.course import progress

NOON_25TH = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
PARIS = timezone(timedelta(hours=1), "CET")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty data folder, a readiness folder with nothing in it and a workspace without copies."""
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MLKIT_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    return tmp_path


def _board(home, **kwargs):
    return progress.dashboard(readiness_folder=home / "readiness", now=NOON_25TH, tz=PARIS, **kwargs)


def _make_a_copy(home, name="14_classification-lesson.ipynb", source="notebooks/14_classification.ipynb"):
    folder = home / "workspace"
    folder.mkdir(exist_ok=True)
    notebook = {"cells": [], "metadata": {"mlkit": {"copied_from": source}}, "nbformat": 4, "nbformat_minor": 5}
    (folder / name).write_text(json.dumps(notebook))
    return folder / name


def _pass_all(unit_id):
    from mlkit.course.checks.registry import exercises

    for exercise in exercises(unit_id):
        progress.record_attempt(exercise.id, unit_id, "passed", when="2026-11-20T10:00:00+00:00")


@pytest.fixture
def sam(monkeypatch):
    """A finished readiness attempt (the kit's sample person), read through the readiness module."""
    from mlkit import readiness
    from mlkit.readiness.session import Attempt

    result = readiness.score(readiness.load_answers(readiness.sample_answers_path()))
    taken = Attempt("sam", "2026-11-24T09:00:00+00:00", "2026-11-24T09:34:00+00:00", result)
    monkeypatch.setattr(readiness, "latest_result", lambda folder=None, bank=None: taken)
    return result


# --- local time ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-11-25T09:20:00+00:00", "today 10:20"),
        ("2026-11-24T23:30:00+00:00", "today 00:30"),  # still the 24th in UTC, already the 25th in Paris
        ("2026-11-24T09:00:00+00:00", "yesterday 10:00"),
        ("2026-11-03T09:00:00+00:00", "3 Nov"),
        ("2025-12-31T23:30:00+00:00", "1 Jan"),
        ("2025-06-09T08:00:00", "9 Jun 2025"),
        ("", ""),
    ],
)
def test_local_time_is_in_the_learners_zone_and_reads_like_speech(stored, shown):
    assert progress.local_time(stored, now=NOON_25TH, tz=PARIS) == shown


def test_local_time_follows_the_computers_zone_by_default(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert progress.local_time("2026-11-25T09:20:00+00:00", now=NOON_25TH) == "today 04:20"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


# --- counts ----------------------------------------------------------------------------------


def test_dashboard_counts_lessons_opened_and_exercises_passed_per_unit_in_catalogue_order(home):
    progress.record_opening("pandas", "09_pandas.ipynb", when="2026-11-23T08:00:00+00:00")
    progress.record_opening("pandas", "09_pandas-lesson.ipynb", when="2026-11-24T08:00:00+00:00")
    progress.record_attempt("pandas.groupby", "pandas", "incorrect", when="2026-11-24T09:00:00+00:00")
    progress.record_attempt("pandas.groupby", "pandas", "passed", when="2026-11-24T09:05:00+00:00")
    progress.record_attempt("pandas.merge", "pandas", "not_attempted", when="2026-11-25T09:00:00+00:00")
    board = _board(home)
    assert [u.number for u in board.units] == [u.number for u in curriculum.units()] == sorted({u.number for u in curriculum.units()})
    pandas = next(u for u in board.units if u.unit == "pandas")
    assert (pandas.lesson_openings, pandas.passed, pandas.attempted) == (2, 1, 1)
    assert pandas.exercises == len(pandas.exercise_list) > 1
    assert pandas.last_activity == "2026-11-25T09:00:00+00:00" and pandas.last_seen == "today 10:00"
    merge = next(e for e in pandas.exercise_list if e.name == "merge")
    assert (merge.status, merge.attempts, merge.last_seen) == (progress.NOT_TRIED, 0, "")
    untouched = next(u for u in board.units if u.unit == "clustering")
    assert (untouched.lesson_openings, untouched.passed, untouched.last_seen, untouched.started) == (0, 0, "", False)


# --- the next step ---------------------------------------------------------------------------


def test_a_new_learner_is_sent_to_the_readiness_check(home):
    step = _board(home).next_step
    assert step.kind == "readiness"
    assert step.text == ("take the readiness check (unit 01, Readiness self-assessment), "
                         "or run `mlkit readiness` in a terminal")


def test_after_the_readiness_check_without_copies_the_learner_makes_copies(home, sam):
    board = _board(home)
    assert board.next_step.kind == "copies" and "`mlkit work`" in board.next_step.text
    assert board.readiness.summary == sam.summary and board.readiness.finished_seen == "yesterday 10:34"
    assert board.readiness.path_titles and board.readiness.path_hours > 0


def test_a_learner_far_from_ready_is_sent_to_the_introductory_course_first(home, sam):
    from mlkit.readiness import learning_path

    _make_a_copy(home)
    course = learning_path(sam).courses[0]
    board = _board(home)
    assert board.readiness.level == sam.level_words
    assert board.next_step.kind == "course"
    assert course.kind in board.next_step.text and f"{course.hours[0]}\u2013{course.hours[1]} hours" in board.next_step.text
    # once a unit is started, the dashboard follows the learner's work
    from mlkit.course.checks.registry import exercises

    first = next(iter(exercises("python-numpy")))
    progress.record_attempt(first.id, "python-numpy", "incorrect", when="2026-11-25T08:00:00+00:00")
    assert _board(home).next_step.kind == "exercise"


def test_with_copies_the_readiness_path_gives_the_first_unit_to_start(home, sam, monkeypatch):
    from mlkit import readiness
    from mlkit.readiness import learning_path

    _make_a_copy(home)
    monkeypatch.setattr(readiness, "learning_path", lambda result: replace(learning_path(result), courses=()))
    first = learning_path(sam).steps[0]
    step = _board(home).next_step
    assert (step.kind, step.unit) == ("lesson", first.unit)
    assert step.text.startswith("start unit ") and f"({first.title}): open its lesson" in step.text


def test_copies_are_recognised_by_their_metadata_whatever_their_name(home, sam):
    _make_a_copy(home, name="my renamed notebook.ipynb")
    assert _board(home).copies_made is True


def test_the_unit_worked_on_last_is_continued_at_its_first_exercise_not_passed(home, sam):
    _make_a_copy(home)
    progress.record_attempt("pandas.groupby", "pandas", "passed", when="2026-11-23T09:00:00+00:00")
    from mlkit.course.checks.registry import exercises

    names = exercises("classification").names
    progress.record_attempt(f"classification.{names[0]}", "classification", "passed", when="2026-11-24T09:00:00+00:00")
    progress.record_attempt(f"classification.{names[1]}", "classification", "incorrect", when="2026-11-24T09:10:00+00:00")
    step = _board(home).next_step
    second = exercises("classification")[names[1]]
    assert (step.kind, step.unit, step.exercise) == ("exercise", "classification", second.id)
    assert step.text == (
        f"continue unit 14 (Supervised learning: classification): exercise 2 of {len(names)}, "
        f"\u201c{second.title}\u201d (`{names[1]}`), not yet passed"
    )


def test_a_passed_unit_is_not_continued_and_an_exercise_never_tried_says_so(home):
    _make_a_copy(home)
    _pass_all("classification")
    progress.record_opening("pandas", "09_pandas-lesson.ipynb", when="2026-11-19T10:00:00+00:00")
    step = _board(home).next_step
    assert step.unit == "pandas" and step.text.startswith("continue unit 09 (pandas for data analysis): exercise 1 of ")
    assert step.text.endswith(", not tried yet")


def test_when_every_other_unit_is_passed_the_capstone_comes_next_then_all_is_done(home, monkeypatch):
    from mlkit.course.checks.registry import unit_exercises

    _make_a_copy(home)
    units = [u for u in _board(home).units if u.exercises]
    for unit in units:
        if unit.unit != "capstone":
            _pass_all(unit.unit)
    step = _board(home).next_step
    assert (step.kind, step.unit) == ("capstone", "capstone")
    from mlkit.course import curriculum

    assert step.text == f"all done: try the capstone, unit 24 ({curriculum.get_unit('capstone').title})"
    _pass_all("capstone")
    done = _board(home).next_step
    assert done.kind == "done" and done.text.startswith("all done: every exercise is passed; now weigh a master's in unit 25")
    assert unit_exercises("capstone") is not None


# --- lesson openings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notebook", "unit"),
    [
        ("/srv/kit/notebooks/14_classification.ipynb", "classification"),
        ("/srv/kit/exercises/14_classification.ipynb", None),  # the exercises are no lesson
        ("/srv/kit/notebooks/00_start_here.ipynb", None),
    ],
)
def test_a_lesson_is_known_by_its_place_in_the_kit(notebook, unit):
    assert progress.lesson_unit(notebook) == unit


def test_a_copy_of_a_lesson_is_known_by_the_kit_file_it_came_from(home):
    assert progress.lesson_unit(_make_a_copy(home, name="anything.ipynb")) == "classification"
    exercise_copy = _make_a_copy(home, name="ex.ipynb", source="exercises/14_classification.ipynb")
    assert progress.lesson_unit(exercise_copy) is None


def test_the_setup_cell_of_a_lesson_records_its_opening_in_the_data_folder(home, monkeypatch):
    import mlkit

    lesson = _make_a_copy(home, name="16_clustering-lesson.ipynb", source="notebooks/16_clustering.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(lesson))
    settings = mlkit.setup(plots=False)
    assert settings.note == "" and repr(settings) == "Notebook ready: random seed 0."
    assert [(o.unit, o.notebook) for o in progress.openings()] == [("clustering", "16_clustering-lesson.ipynb")]
    assert (home / "home" / progress.FILE_NAME).is_file()


def test_a_notebook_that_is_no_lesson_records_nothing(home, monkeypatch):
    import mlkit

    monkeypatch.setenv("JPY_SESSION_NAME", str(home / "scratch.ipynb"))
    mlkit.setup(plots=False)
    assert progress.openings() == []


def test_a_lesson_still_runs_when_its_opening_cannot_be_recorded_and_says_why(home, monkeypatch):
    import mlkit

    blocker = home / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLKIT_HOME", str(blocker / "home"))
    monkeypatch.setenv("JPY_SESSION_NAME", "/srv/kit/notebooks/14_classification.ipynb")
    settings = mlkit.setup(plots=False)
    assert settings.note.startswith("your progress could not be saved: cannot open the progress store")
    assert repr(settings).splitlines()[1] == settings.note


# --- the widget ------------------------------------------------------------------------------


def test_the_widget_shows_the_next_step_and_a_row_per_unit_with_titles(home):
    from mlkit.widgets.dashboard import StartDashboard

    app = StartDashboard(readiness_folder=home / "readiness")
    assert "<b>Your next step:</b> take the readiness check" in app.view.value
    assert "<code>mlkit readiness</code>" in app.view.value
    progress.record_attempt("classification.split", "classification", "passed")
    app.refresh()
    page = app.view.value
    assert "<b>Your next step:</b> make your own copies" in page and "<b>Readiness check:</b> not taken yet" in page
    assert page.count("<tr><td>") == len(curriculum.units()) and "Supervised learning: classification" in page
    assert "<td>1 of 6</td><td>today " in page and "classification.split" not in page
    assert app.widget.children[1].children == (app.copy_button,)


def test_the_widget_shows_why_the_data_folder_cannot_be_used(home, monkeypatch):
    from mlkit.widgets.dashboard import StartDashboard

    blocker = home / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLKIT_HOME", str(blocker / "home"))
    app = StartDashboard(root=None)
    assert app.view.value.startswith("<p style='color:#b00020'>Your progress cannot be shown: cannot open the progress store")


def test_the_copy_button_makes_copies_says_where_and_never_overwrites(home, monkeypatch):
    from mlkit.paths import repo_root
    from mlkit.widgets.dashboard import StartDashboard

    root = repo_root()
    if root is None:
        pytest.skip("needs the kit's checkout")
    monkeypatch.setattr(progress, "_readiness", lambda *args: None)
    app = StartDashboard(root=root)
    assert "will go to" in app.view.value
    app.make_copies()
    folder = home / "workspace"
    made = sorted(folder.glob("*.ipynb"))
    assert made and f"{len(made)} notebook(s) copied into <code>{folder}</code>" in app.message.value
    assert "are in" in app.view.value and "make your own copies" not in app.view.value
    mine = made[0]
    mine.write_text(mine.read_text() + " ")
    app.make_copies()
    assert app.message.value.startswith("<p>0 notebook(s) copied") and mine.read_text().endswith(" ")


def test_the_copy_button_says_why_no_copies_were_made(home, monkeypatch):
    from mlkit.paths import repo_root
    from mlkit.widgets.dashboard import StartDashboard

    root = repo_root()
    if root is None:
        pytest.skip("needs the kit's checkout")
    blocker = home / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MLKIT_WORKSPACE", str(blocker / "workspace"))
    app = StartDashboard(root=root, readiness_folder=home / "readiness")
    app.make_copies()
    assert app.message.value.startswith("<p style='color:#b00020'>No copies were made: could not write ")
    assert "part of that path is a file" in app.message.value


def test_a_copy_named_relative_to_the_server_is_found_in_the_kernels_folder(home, monkeypatch):
    copy = _make_a_copy(home, name="02_linear_algebra-lesson.ipynb", source="notebooks/02_linear_algebra.ipynb")
    monkeypatch.chdir(copy.parent)
    assert progress.lesson_unit("some/served/folder/02_linear_algebra-lesson.ipynb") == "linear-algebra"


def test_a_lesson_run_in_a_jupyter_kernel_records_its_opening(home):
    """Jupyter's server tells the kernel its notebook (``JPY_SESSION_NAME``); the setup cell records it."""
    import os

    from jupyter_client.manager import start_new_kernel

    lesson = _make_a_copy(home, name="08_python_numpy-lesson.ipynb", source="notebooks/08_python_numpy.ipynb")
    env = {**os.environ, "JPY_SESSION_NAME": str(lesson)}
    manager, client = start_new_kernel(kernel_name="python3", env=env, cwd=str(lesson.parent))
    try:
        reply = client.execute_interactive("import mlkit\nmlkit.setup(plots=False)", timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert [(o.unit, o.notebook) for o in progress.openings()] == [("python-numpy", "08_python_numpy-lesson.ipynb")]
