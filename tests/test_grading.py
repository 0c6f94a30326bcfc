"""The grader's parts that need no kernel: check calls, submissions, gradebook files, feedback, sandbox set-up."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import nbformat
import pytest

from mlkit.errors import InputError
from mlkit.grading import GRADED, INVALID, MISSING, assignment, batch, feedback, gradebook, intake, sandbox, submissions

ROOT = Path(__file__).resolve().parent.parent


def notebook(*sources: str, unit: str = "classification") -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["mlkit"] = {"unit": unit}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nbformat.writes(nb)


def test_check_calls_come_from_the_kits_exercise_notebook():
    task = assignment.load("classification")
    assert task.notebook == ROOT / "exercises" / "14_classification.ipynb"
    assert task.exercises == ["split", "first_model", "pipeline", "cv", "confusion", "judgement"]
    split = task.calls[0]
    assert split.args == ("X_train", "X_test", "y_train", "y_test") and split.kwargs == ()
    assert task.max_points == 6


def test_check_calls_read_only_ex_cells_and_ignore_other_check_like_calls():
    nb = json.loads(notebook("ex.a.check(x)", "ex.b.check(y, z=w + 1)\n%time ex.b.check(q)", "other.c.check(1)"))
    nb["cells"][0]["metadata"]["tags"] = ["ex:a"]
    nb["cells"][1]["metadata"]["tags"] = ["ex:b"]
    nb["cells"][2]["metadata"]["tags"] = ["ex:c"]
    calls = assignment.check_calls(nb)
    assert [(c.exercise, c.args, c.kwargs) for c in calls] == [("a", ("x",), ()), ("b", ("y",), (("z", "w + 1"),))]


@pytest.mark.parametrize(
    "unit, expected",
    [("no-such-unit", "unknown unit"), ("readiness", "no exercise notebook")],
)
def test_assignment_errors_name_the_problem(unit, expected):
    with pytest.raises(InputError, match=expected):
        assignment.load(unit)


def test_submissions_are_notebooks_or_learner_folders(tmp_path):
    (tmp_path / "alice.ipynb").write_text(notebook("a = 1"))
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "14_classification.ipynb").write_text(notebook("a = 1"))
    (tmp_path / "carol").mkdir()
    (tmp_path / "dave").mkdir()
    for name in ("x.ipynb", "y.ipynb"):
        (tmp_path / "dave" / name).write_text(notebook("a = 1"))
    (tmp_path / "erin").mkdir()
    for name in ("draft.ipynb", "14_classification.ipynb"):
        (tmp_path / "erin" / name).write_text(notebook("a = 1"))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / "notes.txt").write_text("not a submission")
    found = {s.learner: s for s in submissions.find(tmp_path, "14_classification.ipynb", roster=["alice", "frank"])}
    assert sorted(found) == ["alice", "bob", "carol", "dave", "erin", "frank"]
    assert found["alice"].notebook == tmp_path / "alice.ipynb"
    assert found["bob"].notebook == tmp_path / "bob" / "14_classification.ipynb"
    assert found["carol"].notebook is None and found["carol"].missing
    assert found["dave"].notebook is None and not found["dave"].missing and "several notebooks" in found["dave"].problem
    assert found["erin"].notebook.name == "14_classification.ipynb"
    assert found["frank"].missing and found["frank"].problem == "nothing was handed in"


def test_learner_ids_become_safe_distinct_file_names():
    assert submissions.file_key("alice") == "alice"
    odd = submissions.file_key("../../etc/passwd")
    assert "/" not in odd and odd != submissions.file_key("etc_passwd")


def test_roster_reads_ids_from_lines_or_a_csv(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("learner,name\nalice,Alice A\n# a comment\n\nbob , Bob B\n")
    assert submissions.read_roster(path) == ["alice", "bob"]
    with pytest.raises(InputError, match="--roster"):
        submissions.read_roster(tmp_path / "absent.txt")


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"cells": [', "not valid notebook JSON"),
        ("[1, 2]", "not a Jupyter notebook"),
        ('{"cells": "x", "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "notebook format"),
        (None, "unit 'python-numpy', not 'classification'"),
    ],
)
def test_invalid_notebooks_are_reported_not_run(tmp_path, text, expected):
    path = tmp_path / "n.ipynb"
    path.write_text(text if text is not None else notebook("a = 1", unit="python-numpy"))
    nb, problem = intake.check_notebook(path, "classification")
    assert nb is None and expected in problem


def test_missing_and_invalid_submissions_are_stored_without_running(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "broken.ipynb").write_text('{"cells": [')
    (subs / "empty").mkdir()
    task = assignment.load("classification")
    summary = batch.grade(submissions.find(subs, "x"), task, tmp_path / "out", sandbox.Limits(), mode="limits")
    assert summary.counts == {INVALID: 1, MISSING: 1}
    rows = list(csv.DictReader((tmp_path / "out" / "gradebook.csv").open()))
    assert [(r["learner"], r["status"], r["total"], r["max_points"]) for r in rows] == [
        ("broken", "invalid notebook", "0", "6"),
        ("empty", "missing", "0", "6"),
    ]
    long = list(csv.DictReader((tmp_path / "out" / "grades_long.csv").open()))
    assert len(long) == 12 and {r["status"] for r in long} == {"not_attempted"}
    page = (tmp_path / "out" / "feedback" / "broken.html").read_text()
    assert "invalid notebook" in page and "line 1" in page
    again = batch.grade(submissions.find(subs, "x"), task, tmp_path / "out", sandbox.Limits(), mode="limits")
    assert again.skipped == 2


def test_an_output_folder_grades_one_unit_only(tmp_path):
    gradebook.prepare(tmp_path, "classification", ["a"])
    with pytest.raises(InputError, match="holds the grades of unit 'classification'"):
        gradebook.prepare(tmp_path, "python-numpy", ["b"])


def test_atomic_write_leaves_no_temporary_files_and_replaces_whole(tmp_path):
    path = tmp_path / "f.csv"
    gradebook.write_atomic(path, "one\n")
    gradebook.write_atomic(path, "two\n")
    assert path.read_text() == "two\n" and [p.name for p in tmp_path.iterdir()] == ["f.csv"]


def result(learner="alice", status=GRADED, message="`answer` is wrong <script>", detail=""):
    return {
        "learner": learner,
        "key": learner,
        "unit": "classification",
        "status": status,
        "detail": detail,
        "exercises": [
            {"exercise": "judgement", "title": "Choose", "status": "incorrect", "message": message, "points": 0, "max_points": 1},
            {"exercise": "cv", "title": "CV", "status": "passed", "message": "", "points": 1, "max_points": 1},
        ],
        "total": 1,
        "max_points": 2,
    }


def test_gradebook_rows_and_spreadsheet_formula_guard():
    rows = gradebook.gradebook_rows([result(learner="=cmd()")], ["judgement", "cv"])
    assert rows[0] == ["learner", "status", "judgement", "cv", "total", "max_points", "detail"]
    assert rows[1][:6] == ["=cmd()", "graded", 0, 1, 1, 2]
    assert gradebook._csv(rows).splitlines()[1].startswith("'=cmd()")


def test_feedback_escapes_and_shows_messages_without_hints():
    page = feedback.page(result(), "Classification")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<code>answer</code> is wrong" in page and "1 of 2 points" in page
    assert "Hint 1" not in page


def test_scrubbed_environment_passes_only_the_allow_list(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws")
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = sandbox.scrubbed_env(tmp_path)
    assert "GITHUB_TOKEN" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["HOME"].startswith(str(tmp_path)) and env["MLKIT_HOME"].startswith(str(tmp_path))
    assert env["LANG"] == "C.UTF-8" and env["OMP_NUM_THREADS"] == "1"
    allowed = set(sandbox.PASSED_VARIABLES) | {
        "PATH", "HOME", "TMPDIR", "MLKIT_HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
        "JUPYTER_PLATFORM_DIRS", "IPYTHONDIR", "MPLCONFIGDIR", "MPLBACKEND", "PYTHONNOUSERSITE",
        "PYTHONDONTWRITEBYTECODE", "MLKIT_HIDE_SOLUTIONS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS", "PYTHONHASHSEED", "PYDEVD_DISABLE_FILE_VALIDATION",
    }
    assert set(env) <= allowed


def test_bwrap_command_shows_little_and_binds_nothing_writable_from_the_host(tmp_path):
    subs, work = tmp_path / "subs", tmp_path / "work"
    subs.mkdir()
    work.mkdir()
    cmd = sandbox.bwrap_command(["python", "-c", "pass"], work, [subs, ROOT / "solutions"], disk_mb=100)
    text = " ".join(cmd)
    assert "--unshare-all" in cmd and "--unshare-user" in cmd and "--die-with-parent" in cmd and "--cap-drop ALL" in text
    assert "--ro-bind / /" not in text and "--tmpfs / " in text and text.index("--tmpfs / ") < text.index("--ro-bind /usr")
    assert str(subs) not in text  # never shown, so nothing to hide
    # The kit's checkout is never shown, only its package (and the venv): its solutions, and any gradebook or
    # roster an instructor keeps beside them, are out of sight without being hidden one by one.
    assert f"--ro-bind {ROOT} {ROOT} " not in text and f"--ro-bind {ROOT / 'mlkit'} {ROOT / 'mlkit'}" in text
    assert str(ROOT / "solutions") not in text and str(ROOT / "README.md") not in text
    assert f"--ro-bind {work} {work}" in text and f"--size {100 * 1024 * 1024} --tmpfs {work / 'scratch'}" in text
    assert "--bind" not in cmd and text.endswith("--remount-ro / --chdir " + str(work) + " -- python -c pass")


@pytest.mark.parametrize(
    "field, value, flag",
    [("timeout_cell", 0, "--timeout-cell"), ("timeout", -1, "--timeout"), ("memory_mb", 100, "--memory")],
)
def test_limits_reject_nonsense(field, value, flag):
    with pytest.raises(InputError, match=flag):
        sandbox.Limits(**{field: value})


def test_process_budget_counts_from_what_the_user_already_runs():
    assert sandbox.process_budget(10) >= 11  # this test process is one of the user's


def test_grade_command_errors_for_people(tmp_path, capsys):
    from mlkit.cli import main

    assert main(["grade", str(tmp_path / "nowhere"), "--assignment", "classification", "--out", str(tmp_path / "o")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    (tmp_path / "subs").mkdir()
    assert main(["grade", str(tmp_path / "subs"), "--assignment", "classification", "--out", str(tmp_path / "o"), "--jobs", "0"]) == 2
    assert "--jobs must be 1 or more" in capsys.readouterr().err
    assert main(["grade", str(tmp_path / "subs"), "--assignment", "classification", "--out", str(tmp_path / "o")]) == 2
    assert "holds no notebooks" in capsys.readouterr().err


def test_progress_bar_counts_statuses(capsys):
    import io

    from mlkit.commands.grade import Progress

    stream = io.StringIO()
    bar = Progress(2, stream)
    bar.update(result(), False)
    bar.update(result("bob", MISSING), True)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[############............] 1/2") and "alice: graded, 1/2" in lines[0]
    assert "bob: missing (already graded)" in lines[1] and "1 graded, 1 missing" in lines[1]


def test_a_kit_under_tmp_stays_visible_and_its_solutions_stay_hidden(tmp_path, monkeypatch):
    kit, work = tmp_path / "kit", tmp_path / "work"
    (kit / "solutions").mkdir(parents=True)
    work.mkdir()
    monkeypatch.setattr(sandbox, "needed_paths", lambda: [kit])
    cmd = sandbox.bwrap_command(["python"], work, [kit / "solutions"])
    mounts = [(a, cmd[i + 1]) for i, a in enumerate(cmd) if a in ("--tmpfs", "--ro-bind", "--bind")]
    assert mounts[0] == ("--tmpfs", "/") and ("--tmpfs", "/tmp") not in mounts
    assert mounts.index(("--ro-bind", str(kit))) < mounts.index(("--tmpfs", str(kit / "solutions")))
    assert mounts[-2:] == [("--ro-bind", str(work)), ("--tmpfs", str(work / "scratch"))]


def test_a_folder_picks_the_learners_copy_named_under_an_earlier_unit_number(tmp_path):
    """After the catalogue is renumbered, `11_classification-exercises.ipynb` is still the classification work."""
    (tmp_path / "gina").mkdir()
    for name in ("draft.ipynb", "11_classification-exercises.ipynb"):
        (tmp_path / "gina" / name).write_text(notebook("a = 1"))
    (tmp_path / "hal").mkdir()
    for name in ("draft.ipynb", "11_clustering-exercises.ipynb"):
        (tmp_path / "hal" / name).write_text(notebook("a = 1"))
    (tmp_path / "ivy").mkdir()
    for name in ("11_classification-exercises.ipynb", "14_classification-exercises.ipynb"):
        (tmp_path / "ivy" / name).write_text(notebook("a = 1"))
    found = {s.learner: s for s in submissions.find(tmp_path, "14_classification.ipynb")}
    assert found["gina"].notebook == tmp_path / "gina" / "11_classification-exercises.ipynb"
    assert found["hal"].notebook is None and "several notebooks" in found["hal"].problem
    assert found["ivy"].notebook is None and "several notebooks" in found["ivy"].problem
