"""`mlkit readiness`: the terminal quiz driven by piped input, scoring files, bad files, the cohort CSV."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlkit.course import curriculum
from mlkit.readiness import load_answers, sample_answers_path, score
from mlkit.readiness.session import quiz_steps

MLKIT = Path(sys.executable).with_name("mlkit")  # .venv/bin/mlkit
SAMPLE = load_answers(sample_answers_path())
SAMPLE_JSON = json.loads(sample_answers_path().read_text())


def mlkit(home, *args, stdin=""):
    env = {**os.environ, "MLKIT_HOME": str(home)}
    return subprocess.run([str(MLKIT), "readiness", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)


def typed(step):
    """What Sam types at ``step``: the letter shown for Sam's choice in this attempt's order."""
    if step.kind == "rating":
        return "abcd"[SAMPLE.ratings[step.area.id][step.dimension]]
    given = SAMPLE.answers[step.question.id]
    return "?" if given is None else f"{given:g}" if step.numeric else step.shown(given).upper()


def saved_attempts(home):
    return sorted((Path(home) / "readiness" / "attempts").glob("*.json"))


def start_attempt(home):
    """Answer the first step (a self-rating, never shuffled) and stop; return Sam's lines for that attempt.

    The choices' order depends on the attempt's id, which exists once the first answer is saved.
    """
    first = mlkit(home, stdin=typed(quiz_steps()[0]) + "\nquit\n")
    assert first.returncode == 0 and "[Linear algebra · 1 of 10 · step 1 of 60]" in first.stdout
    [attempt] = saved_attempts(home)
    return [typed(step) for step in quiz_steps(attempt=json.loads(attempt.read_text())["id"])]


def test_piped_quiz_runs_to_the_result(tmp_path):
    lines = start_attempt(tmp_path)
    run = mlkit(tmp_path, stdin="\n".join(lines[1:]) + "\n")
    assert run.returncode == 0, run.stderr
    assert score(SAMPLE).summary in run.stdout
    assert "[Linear algebra · 2 of 10 · step 2 of 60]" in run.stdout
    assert "  ?) I don't know" in run.stdout
    assert "Then the kit's units: 12 units" in run.stdout
    calculus = next(line for line in run.stdout.splitlines() if "Multivariate calculus and automatic differentiation (2.5 h, learn)" in line)
    assert ("coming" in calculus) == (curriculum.get_unit("multivariate-calculus").status != "available")
    assert "a first-year university calculus course" in run.stdout
    assert "ca-04 (partial derivative) — you: don't know; right: 7." in run.stdout
    assert "completion probability 0.58" in run.stdout
    [attempt] = saved_attempts(tmp_path)
    data = json.loads(attempt.read_text())
    assert data["answers"] == {k: (float(v) if isinstance(v, int) else v) for k, v in SAMPLE_JSON["answers"].items()}
    assert data["ratings"] == SAMPLE_JSON["ratings"] and data["finished"] is not None
    assert json.loads((tmp_path / "readiness" / "latest_prior.json").read_text())["completion_probability"] == 0.58


def test_piped_quiz_rejects_bad_input_and_goes_back(tmp_path):
    run = mlkit(tmp_path, stdin="c\nz\nb\nback\nd\n")
    assert "'z' is not one of the choices; type a, b, c or d" in run.stdout
    assert "(Your earlier answer: b.)" in run.stdout
    assert run.returncode == 1  # input ended before the last step
    assert "your answers are saved" in run.stderr and "Traceback" not in run.stderr
    [attempt] = saved_attempts(tmp_path)
    assert json.loads(attempt.read_text())["ratings"] == {"linear-algebra": {"experience": 2, "comfort": 3}}


def test_quiz_stopped_halfway_resumes_in_a_new_process(tmp_path):
    lines = start_attempt(tmp_path)
    first = mlkit(tmp_path, stdin="\n".join(lines[1:25]) + "\nquit\n")
    assert first.returncode == 0 and "Stopped at step 26" in first.stdout
    second = mlkit(tmp_path, stdin="\n".join(lines[25:]) + "\n")
    assert second.returncode == 0, second.stderr
    assert "Resuming your unfinished attempt at step 26 of 60." in second.stdout
    assert score(SAMPLE).summary in second.stdout
    assert len(saved_attempts(tmp_path)) == 1
    history = mlkit(tmp_path, "--history")
    assert history.returncode == 0 and history.stdout.splitlines()[1].endswith("  not ready yet")
    assert "Exercises completed since" in history.stdout


def test_new_starts_another_attempt_and_keeps_the_unfinished_one(tmp_path):
    mlkit(tmp_path, stdin="a\nquit\n")
    mlkit(tmp_path, "--new", stdin="b\nquit\n")
    assert len(saved_attempts(tmp_path)) == 2


def test_scoring_a_file_as_json(tmp_path):
    run = mlkit(tmp_path, "--answers", str(sample_answers_path()), "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["result"]["summary"] == score(SAMPLE).summary
    assert {a["area"]: a["score"] for a in data["result"]["areas"]}["calculus"] == 13.3
    assert data["path"]["courses"][0]["area"] == "calculus" and data["path"]["course_hours"] == [125, 150]
    assert data["path"]["steps"][0]["unit"] == "python-numpy"
    assert data["prior"]["completion_probability"] == 0.58
    assert not (tmp_path / "readiness").exists()  # scoring a file saves nothing


def test_scoring_a_file_as_a_table(tmp_path):
    run = mlkit(tmp_path, "--answers", str(sample_answers_path()), "--format", "table")
    assert run.returncode == 0
    assert "Calculus                    13     introductory course first" in run.stdout
    assert "Not ready yet: take an introductory course first in Calculus;" in run.stdout


def write(path, data):
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def changed(**fields):
    data = json.loads(json.dumps(SAMPLE_JSON))
    for key, value in fields.items():
        if "." in key:
            outer, inner = key.split(".", 1)
            data[outer][inner] = value
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    "content, message",
    [
        ("{oops", "bad.json: is not valid JSON (line 1, column 2"),
        ("[1, 2]", "bad.json: expected a JSON object"),
        (changed(format="something"), "bad.json: field 'format' is 'something'; expected 'mlkit-readiness-answers'"),
        (changed(version=2), "bad.json: field 'version' is 2; expected 1"),
        (changed(**{"answers.la-02": "z"}), "bad.json: field 'answers.la-02' is 'z'; expected one of the letters a, b, c, d"),
        (changed(**{"answers.la-01": "twelve"}), "bad.json: field 'answers.la-01' is 'twelve'; expected a number"),
        (changed(**{"answers.zz-99": 1}), "bad.json: field 'answers' is 'zz-99'; expected question ids"),
        (changed(**{"ratings.calculus": {"experience": 5, "comfort": 1}}), "bad.json: field 'ratings.calculus.experience' is 5; expected a whole number from 0 to 3"),
        (changed(started="yesterday"), "bad.json: field 'started' is 'yesterday'; expected an ISO 8601"),
        (changed(answer={}), "bad.json: unknown field(s) 'answer'"),
    ],
)
def test_bad_answer_files_get_clear_errors_without_traceback(tmp_path, content, message):
    bad = write(tmp_path / "bad.json", content)
    run = mlkit(tmp_path, "--answers", str(bad))
    assert run.returncode == 2
    assert message in run.stderr
    assert run.stderr.startswith("mlkit readiness: error: ")
    assert "Traceback" not in run.stderr


def test_a_missing_answers_file_is_named(tmp_path):
    run = mlkit(tmp_path, "--answers", str(tmp_path / "nowhere.json"))
    assert run.returncode == 2 and "nowhere.json: no such answers file" in run.stderr


def test_cohort_csv_has_a_row_per_file_and_survives_a_bad_one(tmp_path):
    folder = tmp_path / "cohort"
    folder.mkdir()
    write(folder / "a_sam.json", SAMPLE_JSON)
    strong = changed(person="Ada", finished=None)
    strong["answers"] = {q: a for q, a in strong["answers"].items() if not q.startswith("ml-")}
    write(folder / "b_ada.json", strong)
    write(folder / "c_broken.json", changed(version=9))
    out = tmp_path / "out" / "cohort.csv"
    run = mlkit(tmp_path, "--answers", str(folder), "--cohort", str(out))
    assert run.returncode == 1  # one file could not be read
    assert "could not read c_broken.json" in run.stderr and "Traceback" not in run.stderr
    assert "3 answer files, 2 readable, 1 finished" in run.stdout
    assert "units most needed: calculus-optimisation (2 of 2)" in run.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["file"] for r in rows] == ["a_sam.json", "b_ada.json", "c_broken.json"]
    sam, ada, broken = rows
    assert (sam["person"], sam["status"], sam["level"]) == ("Sam (a sample person)", "finished", "not ready yet")
    assert (sam["score_calculus"], sam["score_python"], sam["completion_prior"]) == ("13.3", "80.0", "0.58")
    assert sam["take_first"] == "Calculus" and sam["refresh"] == "Linear algebra; Probability and statistics"
    assert sam["path_units"].split("; ")[:2] == ["python-numpy", "linear-algebra"]
    assert (ada["status"], ada["answered"], ada["questions"], ada["score_ml-concepts"]) == ("in progress", "40", "48", "0.0")
    assert broken["status"] == "error" and "field 'version' is 9" in broken["error"]
    assert str(folder) not in broken["error"]  # the CSV names files, not an instructor's paths


def test_cohort_needs_a_folder(tmp_path):
    run = mlkit(tmp_path, "--answers", str(sample_answers_path()), "--cohort", str(tmp_path / "x.csv"))
    assert run.returncode == 2 and "--cohort needs --answers FOLDER" in run.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    run = mlkit(tmp_path, "--answers", str(empty))
    assert run.returncode == 2 and "holds no answer files (*.json)" in run.stderr
