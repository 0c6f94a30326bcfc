"""The multivariate-calculus unit: right answers in other forms pass, mistakes get their own message.

That every check passes on the solution, says "not attempted" on the stub and fails on its
wrong answers is tested for all units at once in ``test_exercises_discovered.py``; here, the
forms a right answer can take, the message each particular mistake gets, and the lesson's
headings naming every topic the unit promises.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from mlkit.course.checks import exercises
from mlkit.topics.autodiff import Dual

EX = exercises("multivariate-calculus")
LESSON = Path(__file__).resolve().parents[1] / "notebooks" / "06_multivariate_calculus.ipynb"
TOPICS = (
    "derivative rules", "chain rule", "partial derivatives", "gradient", "jacobian", "hessian", "sigmoid",
    "softmax", "cross-entropy", "automatic differentiation", "convexity", "lagrange multiplier",
)


def status(outcome, expected: str = "passed") -> str:
    assert outcome.status == expected, outcome.message
    return outcome.message


def right_dfdx(x):
    return np.exp(-x) * (2 * x * np.cos(x**2) - np.sin(x**2))


def right_gradient(X, y, w):
    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)


def right_hessian(w):
    e = np.exp(w[0] + w[1])
    return np.array([[e + 2, e - 3], [e - 3, e + 4]])


def right_direction(X):
    values, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
    return vectors[:, -1], values[-1]


def test_every_topic_of_the_unit_names_a_heading_of_the_lesson():
    cells = json.loads(LESSON.read_text())["cells"]
    headings = [
        line.lower() for c in cells if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines()
        if line.startswith("#")
    ]
    assert [t for t in TOPICS if not any(t in h for h in headings)] == []


def test_a_derivative_written_with_math_or_returning_float32_passes():
    status(EX.derivative.evaluate(lambda x: math.exp(-x) * (2 * x * math.cos(x * x) - math.sin(x * x))))
    status(EX.derivative.evaluate(lambda x: np.float32(right_dfdx(x))))


def test_a_derivative_right_only_on_positive_numbers_is_refused():
    message = status(EX.derivative.evaluate(lambda x: right_dfdx(abs(x))), "incorrect")
    assert "central difference" in message


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (lambda x: math.exp(-x) * (math.cos(x**2) - math.sin(x**2)), "inner function"),
        (lambda x: math.exp(-x) * (2 * x * math.cos(x**2) + math.sin(x**2)), "wrong sign"),
        (lambda x: -math.exp(-x) * 2 * x * math.cos(x**2), "two terms"),
    ],
)
def test_each_derivative_mistake_is_named(wrong, words):
    assert words in status(EX.derivative.evaluate(wrong), "incorrect")


def test_a_gradient_as_a_column_vector_or_float32_passes():
    status(EX.logistic.evaluate(lambda X, y, w: right_gradient(X, y, w).reshape(-1, 1)))
    status(EX.logistic.evaluate(lambda X, y, w: right_gradient(X, y, w).astype(np.float32)))


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (lambda X, y, w: -right_gradient(X, y, w), "sign flipped"),
        (lambda X, y, w: right_gradient(X, y, w) * len(y), "n times too large"),
        (lambda X, y, w: X.T @ (X @ w - y) / len(y), "through the sigmoid"),
    ],
)
def test_each_logistic_gradient_mistake_is_named(wrong, words):
    assert words in status(EX.logistic.evaluate(wrong), "incorrect")


def test_a_gradient_fitted_to_the_flowers_only_is_refused_on_other_data():
    from sklearn.datasets import load_iris

    iris = load_iris()
    X = np.column_stack([np.ones(150), iris.data[:, 2:]])
    fixed = right_gradient(X, (iris.target == 2).astype(float), np.array([-4.0, 0.5, 1.5]))
    message = status(EX.logistic.evaluate(lambda X, y, w: fixed[: len(w)]), "incorrect")
    assert "generated data set" in message


def test_a_dual_arctan_with_float32_parts_passes_and_one_ignoring_the_chain_rule_is_named():
    status(EX.dual.evaluate(lambda d: Dual(np.float32(math.atan(d.value)), d.derivative / (1 + d.value**2))))
    message = status(EX.dual.evaluate(lambda d: Dual(math.atan(d.value), 1 / (1 + d.value**2))), "incorrect")
    assert "d.derivative" in message
    assert "Dual" in status(EX.dual.evaluate(lambda d: math.atan(d.value)), "incorrect")


def test_a_hessian_as_lists_with_a_numpy_bool_passes():
    status(EX.convexity.evaluate(lambda w: right_hessian(w).tolist(), np.bool_(False)))


@pytest.mark.parametrize(
    ("hessian", "convex", "words"),
    [
        (right_hessian, True, "every point"),
        (lambda w: np.array([[2.0, -3.0], [-3.0, 4.0]]), False, "same matrix at every point"),
        (lambda w: right_hessian(w) - np.diag([1.0, 2.0]), False, "the diagonal"),
        (lambda w: right_hessian(w) + np.array([[0.0, 1.5], [1.5, 0.0]]), False, "mixed derivative"),
        (lambda w: right_hessian(w) + np.array([[0.0, 1.0], [0.0, 0.0]]), False, "not symmetric"),
    ],
)
def test_each_hessian_or_convexity_mistake_is_named(hessian, convex, words):
    assert words in status(EX.convexity.evaluate(hessian, convex), "incorrect")


@pytest.mark.parametrize(
    "form",
    [
        lambda w, lam: (-w, lam),
        lambda w, lam: [w.astype(np.float32), np.float32(lam)],
        lambda w, lam: (tuple(w.tolist()), float(lam)),
        lambda w, lam: (w.reshape(-1, 1), np.array([lam])),
        lambda w, lam: (list(w), np.array(lam)),
    ],
    ids=["sign flipped", "float32 in a list", "tuple and float", "column and 1-element array", "list and 0-d array"],
)
def test_a_direction_and_multiplier_in_other_forms_pass(form):
    status(EX.lagrange.evaluate(lambda X: form(*right_direction(X))))


def smallest(X):
    values, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
    return vectors[:, 0], values[0]


def unit(v):
    return v / np.linalg.norm(v)


def uncentred(X):
    values, vectors = np.linalg.eigh(X.T @ X / (len(X) - 1))
    return vectors[:, -1], values[-1]


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (smallest, "*least* variance"),
        (lambda X: (right_direction(X)[0] * 2, right_direction(X)[1]), "not a unit vector"),
        (lambda X: (right_direction(X)[0], smallest(X)[1]), "not the one that belongs to your w"),
        (uncentred, "not centred"),
        (lambda X: (np.linalg.eigh(np.cov(X, rowvar=False))[1][-1], right_direction(X)[1]), "columns"),
        (lambda X: (right_direction(X)[0], np.var(X @ right_direction(X)[0])), "divides by n"),
        (lambda X: right_direction(X)[::-1], "multiplier first"),
        (lambda X: (unit(right_direction(X)[0] + 1e-3), right_direction(X)[1]), "close to the direction"),
        (lambda X: (right_direction(X)[0], np.cov(X, rowvar=False) @ right_direction(X)[0] / right_direction(X)[0]), "one number"),
    ],
    ids=["smallest", "unnormalised", "lambda of another", "uncentred", "row", "ddof 0", "reversed", "nearly", "lambda per entry"],
)
def test_each_lagrange_mistake_is_named(wrong, words):
    assert words in status(EX.lagrange.evaluate(wrong), "incorrect")


def test_a_direction_fitted_to_the_flowers_only_is_refused_on_other_data():
    from sklearn.datasets import load_iris

    w, lam = right_direction(load_iris().data)
    message = status(EX.lagrange.evaluate(lambda X: (np.resize(w, X.shape[1]), lam)), "incorrect")
    assert "generated data set" in message


def test_the_generated_data_sets_tell_the_mistakes_apart():
    """The check's data: a clear largest eigenvalue, far from centred, columns in different units."""
    from mlkit.course.checks.units.multivariate_calculus import _variance_cases

    from mlkit.course.checks.units.multivariate_calculus import _NEARLY

    cases = _variance_cases()
    assert len(cases) == 5 and {X.shape[1] for X, _ in cases} == {2, 3, 4, 5, 6}
    for number, (X, where) in enumerate(cases):
        values, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
        top = vectors[:, -1]
        assert values[-1] > 3 * values[-2], where
        others = {
            "uncentred": np.linalg.eigh(X.T @ X)[1][:, -1],
            "standardised": np.linalg.eigh(np.corrcoef(X, rowvar=False))[1][:, -1],
            "row": vectors[-1],
        }
        for name, v in others.items():
            if name != "row" or number == 0:  # in two dimensions a row can be the column itself
                assert min(np.linalg.norm(v - top), np.linalg.norm(v + top)) > 5 * _NEARLY, (where, name)


def test_the_judgement_accepts_the_letter_in_any_case_and_explains_each_wrong_option():
    status(EX.judgement.evaluate(" c "))
    messages = {letter: status(EX.judgement.evaluate(letter), "incorrect") for letter in "ABD"}
    assert len(set(messages.values())) == 3
