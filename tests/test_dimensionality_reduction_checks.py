"""Checks of unit dimensionality-reduction: right on the solution, "not attempted" on the stub,
wrong on wrong answers; and the digits data set they use.

The solution and the generated exercise notebook are executed in-process (their
code cells, in order), then every check cell's arguments are evaluated in that
namespace and given to the check, exactly as a learner's notebook would.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest

from mlkit.checks import INCORRECT, NOT_ATTEMPTED, PASSED, exercises

ROOT = Path(__file__).resolve().parents[1]
UNIT = "dimensionality-reduction"
SOLUTION = ROOT / "solutions" / "14_dimensionality_reduction.ipynb"
EXERCISE = ROOT / "exercises" / "14_dimensionality_reduction.ipynb"
EX = exercises(UNIT)


def _is_check_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "check"
    )


def _run(path: Path) -> dict[str, tuple]:
    """Execute a notebook's code cells; return each exercise's check arguments, as they were at its check cell.

    Check cells are not executed (a test must not record progress); their arguments are
    evaluated at that point of the notebook, since later cells may reuse a name.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    nb = nbformat.read(str(path), as_version=4)
    namespace: dict = {"__name__": "__notebook__"}
    calls: dict[str, tuple] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "progress" in cell.source:
            continue
        checks = [node for node in ast.parse(cell.source).body if _is_check_call(node)]
        for node in checks:
            arguments = ", ".join(ast.unparse(a) for a in node.value.args)
            calls[node.value.func.value.attr] = eval(f"({arguments},)", namespace)
        if not checks:
            exec(compile(cell.source, path.name, "exec"), namespace)
    return calls


@pytest.fixture(scope="module")
def solved():
    return _run(SOLUTION)


@pytest.fixture(scope="module")
def stubbed():
    return _run(EXERCISE)


def _evaluate(name: str, calls: dict[str, tuple]):
    return EX[name].evaluate(*calls[name])


def test_every_exercise_has_a_check_cell_in_both_notebooks(solved, stubbed):
    assert sorted(solved) == sorted(EX.names) == sorted(stubbed)


@pytest.mark.parametrize("name", EX.names)
def test_check_passes_on_the_solution(name, solved):
    outcome = _evaluate(name, solved)
    assert outcome.status == PASSED, outcome.message


@pytest.mark.parametrize("name", EX.names)
def test_check_says_not_attempted_on_the_stub(name, stubbed):
    outcome = _evaluate(name, stubbed)
    assert outcome.status == NOT_ATTEMPTED, outcome.message


WRONG = [(e.name, builder) for e in EX for builder in e.wrong_answers]


@pytest.mark.parametrize("name, builder", WRONG, ids=[b.__name__ for _, b in WRONG])
def test_wrong_answer_fails_with_a_specific_message_that_keeps_the_answer_secret(name, builder):
    answer = builder()
    outcome = EX[name].evaluate(*answer.args, **answer.kwargs)
    assert outcome.status == INCORRECT, outcome.message
    assert len(outcome.message) > 30
    for secret in EX[name].secrets() if EX[name].secrets else []:
        assert secret not in outcome.message


def test_every_exercise_has_hints_and_at_least_two_wrong_answers():
    assert 3 <= len(EX) <= 6
    for exercise in EX:
        assert len(exercise.hints) >= 2, exercise.name
        assert len(exercise.wrong_answers) >= 2, exercise.name


def test_wrong_answers_get_different_messages():
    for exercise in EX:
        messages = set()
        for builder in exercise.wrong_answers:
            answer = builder()
            messages.add(exercise.evaluate(*answer.args, **answer.kwargs).message)
        assert len(messages) == len(exercise.wrong_answers), exercise.name


def test_notebook_tags_name_exactly_the_exercises_of_the_checks_module():
    nb = nbformat.read(str(SOLUTION), as_version=4)
    tagged = {t[3:] for c in nb.cells for t in c.metadata.get("tags", []) if t.startswith("ex:")}
    assert tagged == set(EX.names)
    assert nb.metadata["mlkit"]["unit"] == UNIT


def test_a_reconstruction_that_raises_is_reported_as_an_error_in_the_learners_code():
    def broken(pca, images):
        return pca.transfrom(images)

    outcome = EX.reconstruct.evaluate(broken)
    assert outcome.status == "error"
    assert "AttributeError" in outcome.message


def test_digits_loader_gives_flat_images_and_their_pictures():
    import numpy as np

    from mlkit.datasets import digits

    X, y = digits.load()
    images = digits.images()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert np.array_equal(X[5].reshape(8, 8), images[5])
    assert set(np.unique(y)) == set(range(10)) and X.min() == 0 and X.max() == 16
    X[0, 0] = -1
    assert digits.load()[0][0, 0] == 0
