"""Every exercise of every solution notebook, found by itself, so that new units are covered.

For each ``solutions/*.ipynb`` (and the exercise notebook generated from it):

- running the solution notebook records a *passed* attempt for every exercise of its unit;
- running the untouched exercise notebook records only *not attempted* for every exercise;
- every plausible wrong answer of every exercise fails with a specific message that does
  not reveal the answer;
- the ``ex:<name>`` tags of the notebook and the unit's checks module name the same exercises.

The notebooks run in a fresh kernel, in their own folder, with a fresh ``MLKIT_HOME``; the
outcomes are read back from the progress store, as a learner's would be.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from mlkit.course import progress
from mlkit.course.checks.registry import exercises
from mlkit.course.notebook_store import deterministic_env

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
TAG = "ex:"


def unit_of(path: Path) -> str:
    return nbformat.read(path, as_version=4).metadata["mlkit"]["unit"]


def tagged_exercises(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    return {t[len(TAG):] for c in nb.cells for t in c.metadata.get("tags", []) if t.startswith(TAG)}


def run_notebook(path: Path, home: Path) -> list[progress.Attempt]:
    """Execute ``path`` like a learner would (its folder, a fresh data folder); return the attempts."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, **deterministic_env(), "MLKIT_HOME": str(home)}
    env.pop("MLKIT_HIDE_SOLUTIONS", None)  # an instructor's setting must not change what the test sees
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)
    return progress.attempts(path=home / progress.FILE_NAME)


def exercise_cases():
    return [
        pytest.param(exercise, builder, id=f"{exercise.id}-{builder.__name__}")
        for path in SOLUTIONS
        for exercise in exercises(unit_of(path))
        for builder in exercise.wrong_answers
    ]


def all_exercises():
    return [pytest.param(e, id=e.id) for path in SOLUTIONS for e in exercises(unit_of(path))]


def test_solution_notebooks_are_found():
    assert ROOT / "solutions" / "14_classification.ipynb" in SOLUTIONS


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_tags_and_checks_module_name_the_same_exercises(path):
    assert tagged_exercises(path) == set(exercises(unit_of(path)).names)


@pytest.mark.slow
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_check_passes_on_the_solution(path, tmp_path):
    unit = unit_of(path)
    attempts = run_notebook(path, tmp_path)
    passed = {a.exercise for a in attempts if a.status == "passed"}
    expected = {e.id for e in exercises(unit)}
    assert passed == expected, [(a.exercise, a.status, a.message) for a in attempts if a.status != "passed"]
    assert {a.status for a in attempts} == {"passed"}


@pytest.mark.slow
@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_check_reports_not_attempted_on_the_stub(path, tmp_path):
    unit = unit_of(path)
    exercise_notebook = ROOT / "exercises" / path.name
    assert exercise_notebook.is_file(), f"{exercise_notebook} is missing: run `mlkit exercises build`"
    attempts = run_notebook(exercise_notebook, tmp_path)
    assert {a.exercise for a in attempts} == {e.id for e in exercises(unit)}
    assert [(a.exercise, a.status) for a in attempts if a.status != "not_attempted"] == []


@pytest.mark.parametrize("exercise", all_exercises())
def test_every_exercise_is_complete(exercise):
    assert exercise.title and len(exercise.hints) >= 2, "hints come in stages: at least two"
    assert len(exercise.wrong_answers) >= 2, "at least two plausible wrong answers"
    assert len({b.__name__ for b in exercise.wrong_answers}) == len(exercise.wrong_answers)


@pytest.mark.parametrize("exercise, builder", exercise_cases())
def test_wrong_answer_fails_with_a_specific_message(exercise, builder):
    answer = builder()
    outcome = exercise.evaluate(*answer.args, **answer.kwargs)
    assert outcome.status == "incorrect", outcome
    assert len(outcome.message) > 20, "a message about this mistake"
    for secret in exercise.secrets() if exercise.secrets else []:
        assert secret not in outcome.message, f"the message reveals {secret!r}"
    others = [b for b in exercise.wrong_answers if b is not builder]
    other_messages = {exercise.evaluate(*b().args, **b().kwargs).message for b in others}
    assert outcome.message not in other_messages, "each wrong answer gets its own message"
