"""Checks of unit 07 (data collection): solution, stub and wrong answers."""

import re
from pathlib import Path

import nbformat
import pytest

from mlkit.checks import exercises

ROOT = Path(__file__).resolve().parents[1]
UNIT = "data-collection"
NOTEBOOK = "07_data_collection.ipynb"
EX = exercises(UNIT)
CHECK_CALL = re.compile(r"^ex\.(\w+)\.check\((.*)\)\s*$", re.MULTILINE)
GENERIC = "is not the number", "is not the mean", "gives a wrong", "are not the page", "does not hold the season"


def _run(folder):
    """Run a notebook's code cells (except checks and progress) and return its names and check calls."""
    nb = nbformat.read(ROOT / folder / NOTEBOOK, as_version=4)
    namespace, calls = {}, {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "progress" in cell.source:
            continue
        found = CHECK_CALL.search(cell.source)
        if found:
            calls[found.group(1)] = found.group(2)
            continue
        exec(compile(cell.source, NOTEBOOK, "exec"), namespace)
    return namespace, calls


@pytest.fixture(scope="module")
def solution():
    return _run("solutions")


@pytest.fixture(scope="module")
def stub():
    return _run("exercises")


def test_every_exercise_has_a_check_cell(solution):
    _, calls = solution
    assert list(calls) == EX.names


@pytest.mark.parametrize("name", EX.names)
def test_solution_passes(solution, name):
    namespace, calls = solution
    outcome = eval(f"ex.{name}.evaluate({calls[name]})", namespace)
    assert outcome.status == "passed", outcome.message


@pytest.mark.parametrize("name", EX.names)
def test_stub_is_not_attempted(stub, name):
    namespace, calls = stub
    outcome = eval(f"ex.{name}.evaluate({calls[name]})", namespace)
    assert outcome.status == "not_attempted", outcome.message


@pytest.mark.parametrize(
    "exercise, builder",
    [(e, b) for e in EX for b in e.wrong_answers],
    ids=lambda value: getattr(value, "__name__", getattr(value, "name", "")),
)
def test_wrong_answers_fail_with_a_specific_message(exercise, builder):
    answer = builder()
    outcome = exercise.evaluate(*answer.args, **answer.kwargs)
    assert outcome.status == "incorrect", outcome.message
    assert not any(text in outcome.message for text in GENERIC), outcome.message
    for secret in exercise.secrets() if exercise.secrets else []:
        assert secret not in outcome.message


def test_every_exercise_has_two_wrong_answers_and_staged_hints():
    for exercise in EX:
        assert len(exercise.wrong_answers) >= 2, exercise.id
        assert len(exercise.hints) >= 2, exercise.id


def test_a_validation_function_returning_a_list_is_named():
    outcome = EX.validate.evaluate(lambda table: [0, 0, 0])
    assert outcome.status == "incorrect" and "should return a dict" in outcome.message


def test_nested_measurements_in_a_collection_are_named():
    import pandas as pd

    from mlkit.collection import api_page

    records = [r for n in (1, 2, 3, 4, 5) for r in api_page("PAL0809", n, 25)["results"]]
    outcome = EX.collect.evaluate(pd.DataFrame(records))
    assert outcome.status == "incorrect" and "json_normalize" in outcome.message
