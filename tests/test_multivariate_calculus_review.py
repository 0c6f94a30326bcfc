"""The multivariate-calculus checks against a learner's own answers.

For each exercise: right answers in forms the solution does not use (another algorithm,
NumPy scalars and 0-d arrays, float32, lists, a transposed-but-equal product, an eigenvector of
either sign, a labelled option letter) must pass; plausible mistakes the checks module does not build as wrong
answers must be refused with a message naming what is wrong and never the right value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.datasets import load_iris

from mlkit.course.checks import exercises
from mlkit.topics import autodiff as ad
from mlkit.topics.autodiff import Dual, forward_derivative, numerical_hessian

EX = exercises("multivariate-calculus")


def outcome(result, expected: str) -> str:
    assert result.status == expected, result.message
    return result.message


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def right_hessian(w):
    e = np.exp(w[0] + w[1])
    return np.array([[e + 2, e - 3], [e - 3, e + 4]])


# --- exercise 1: the derivative of a composition ------------------------------------------


def test_a_derivative_by_forward_mode_passes():
    outcome(EX.derivative.evaluate(lambda x: forward_derivative(lambda t: ad.exp(-t) * ad.sin(t * t), x)[1]), "passed")


@pytest.mark.parametrize(
    "shape", [lambda v: np.array(v), lambda v: np.array([v]), lambda v: np.float32(v)], ids=["0-d", "1 element", "f32"]
)
def test_a_derivative_returned_as_a_numpy_array_of_one_number_passes(shape):
    def dfdx(x):
        return shape(math.exp(-x) * (2 * x * math.cos(x * x) - math.sin(x * x)))

    outcome(EX.derivative.evaluate(dfdx), "passed")


def test_a_vectorised_derivative_passes():
    dfdx = np.vectorize(lambda x: math.exp(-x) * (2 * x * math.cos(x * x) - math.sin(x * x)))
    outcome(EX.derivative.evaluate(dfdx), "passed")


def test_a_derivative_holding_the_exponential_constant_is_named():
    message = outcome(EX.derivative.evaluate(lambda x: np.exp(-x) * 2 * x * np.cos(x**2)), "incorrect")
    assert "derivative of e^(-x) is missing" in message


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x: np.exp(-x) * (2 * x * np.cos(x**2) - np.sin(x)),
        lambda x: np.exp(-x) * (-2 * x * np.cos(x**2) - np.sin(x**2)),
    ],
    ids=["sin(x) for sin(x²)", "sign of the cosine"],
)
def test_other_derivative_mistakes_are_refused_at_a_named_point(wrong):
    message = outcome(EX.derivative.evaluate(wrong), "incorrect")
    assert "dfdx(-2.50)" in message and "central difference" in message
    assert "2 * x * np.cos" not in message


# --- exercise 2: the gradient of the logistic loss ---------------------------------------------


@pytest.mark.parametrize(
    "right",
    [
        lambda X, y, w: (sigmoid(X @ w) - y) @ X / len(y),
        lambda X, y, w: np.einsum("ij,i->j", X, sigmoid(X @ w) - y) / X.shape[0],
        lambda X, y, w: list((X * (sigmoid(X @ w) - y)[:, None]).mean(axis=0)),
        lambda X, y, w: (X.T @ (sigmoid(X @ w) - y) / len(y))[None, :],
    ],
    ids=["(p - y) @ X", "einsum", "list of column means", "row vector"],
)
def test_a_logistic_gradient_in_another_form_passes(right):
    outcome(EX.logistic.evaluate(right), "passed")


def test_a_logistic_gradient_with_the_sigmoid_sign_flipped_is_named():
    message = outcome(EX.logistic.evaluate(lambda X, y, w: X.T @ (1 / (1 + np.exp(X @ w)) - y) / len(y)), "incorrect")
    assert "sign inside the sigmoid" in message


def test_a_logistic_gradient_with_the_sigmoid_slope_kept_is_named():
    def wrong(X, y, w):
        p = sigmoid(X @ w)
        return X.T @ ((p - y) * p * (1 - p)) / len(y)

    assert "p(1 − p)" in outcome(EX.logistic.evaluate(wrong), "incorrect")


@pytest.mark.parametrize(
    "wrong",
    [
        lambda X, y, w: X.T @ (sigmoid(X @ w) - y) / X.shape[1],
        lambda X, y, w: X.T @ (sigmoid(X @ w) - y) / len(y) + 0.01 * w,
    ],
    ids=["divided by d", "with a penalty"],
)
def test_other_logistic_mistakes_are_refused_without_the_gradient(wrong):
    message = outcome(EX.logistic.evaluate(wrong), "incorrect")
    assert "differs from the numerical gradient" in message
    from mlkit.course.checks.units.multivariate_calculus import logistic_secrets

    assert not any(secret in message for secret in logistic_secrets())


# --- exercise 3: a forward-mode operation --------------------------------------------------------


def test_a_dual_arctan_by_another_formula_or_with_numpy_passes():
    outcome(EX.dual.evaluate(lambda d: Dual(math.atan(d.value), d.derivative * math.cos(math.atan(d.value)) ** 2)), "passed")
    outcome(EX.dual.evaluate(lambda d: Dual(np.arctan(d.value), d.derivative / (1 + d.value * d.value))), "passed")


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (lambda d: Dual(math.atan(d.value), d.derivative / (1 + d.value) ** 2), ".derivative` is not"),
        (lambda d: Dual(math.atan(d.value), d.derivative * (1 + d.value**2)), ".derivative` is not"),
        (lambda d: Dual(d.derivative / (1 + d.value**2), math.atan(d.value)), ".value` is not arctan"),
        (lambda d: (math.atan(d.value), d.derivative / (1 + d.value**2)), "returned a tuple"),
    ],
    ids=["(1 + a)²", "inverted", "parts swapped", "a tuple"],
)
def test_other_dual_mistakes_are_named(wrong, words):
    message = outcome(EX.dual.evaluate(wrong), "incorrect")
    assert words in message and "1 + a" not in message


# --- exercise 4: a Hessian and convexity ------------------------------------------------------------


def test_a_numerical_or_float32_hessian_passes():
    def gradient(w):
        e = np.exp(w[0] + w[1])
        return np.array([e + 2 * w[0] - 3 * w[1], e - 3 * w[0] + 4 * w[1]])

    outcome(EX.convexity.evaluate(lambda w: numerical_hessian(gradient, np.asarray(w, float)), False), "passed")
    outcome(EX.convexity.evaluate(lambda w: right_hessian(w).astype(np.float32), np.False_), "passed")


@pytest.mark.parametrize(
    ("hessian", "words"),
    [
        (lambda w: np.array([[np.exp(w[0] + w[1]) + 2, -3.0], [-3.0, np.exp(w[0] + w[1]) + 4]]), "mixed derivative"),
        (lambda w: np.array([[2.0, np.exp(w[0] + w[1]) - 3], [np.exp(w[0] + w[1]) - 3, 4.0]]), "the diagonal"),
        (lambda w: right_hessian(w) + np.exp(w[0] + w[1]), "does not hold the second derivatives"),
    ],
    ids=["e left out of the mixed term", "e left out of the diagonal", "2e everywhere"],
)
def test_other_hessian_mistakes_are_named(hessian, words):
    assert words in outcome(EX.convexity.evaluate(hessian, False), "incorrect")


@pytest.mark.parametrize(("value", "words"), [("False", "a str"), (0, "an int")])
def test_is_convex_written_as_a_string_or_a_number_is_refused_with_its_type(value, words):
    assert words in outcome(EX.convexity.evaluate(right_hessian, value), "incorrect")


# --- exercise 5: a Lagrange multiplier ------------------------------------------------------------


def by_svd(X):
    centred = X - X.mean(axis=0)
    _, s, Vt = np.linalg.svd(centred, full_matrices=False)
    return Vt[0], s[0] ** 2 / (len(X) - 1)


def by_pca(X):
    from sklearn.decomposition import PCA

    pca = PCA(n_components=1).fit(X)
    return pca.components_[0], pca.explained_variance_[0]


def by_power_iteration(X):
    S = np.cov(X, rowvar=False)
    w = np.ones(S.shape[0])
    for _ in range(500):
        w = S @ w
        w /= np.linalg.norm(w)
    return w, w @ S @ w


def by_eig_and_argmax(X):
    values, vectors = np.linalg.eig(np.cov(X, rowvar=False))
    top = int(np.argmax(values))
    return vectors[:, top].real, values[top].real


def by_scipy_subset(X):
    from scipy.linalg import eigh

    d = X.shape[1]
    values, vectors = eigh(np.cov(X, rowvar=False), subset_by_index=[d - 1, d - 1])
    return vectors, values  # a (d, 1) column and a one-element array


def by_projection_variance(X):
    w = np.linalg.eigh(np.cov(X, rowvar=False))[1][:, -1]
    return w, np.var(X @ w, ddof=1)


def by_constrained_search(X):
    """scipy's SLSQP on the constrained problem itself, at its default tolerance."""
    from scipy.optimize import minimize

    S = np.cov(X, rowvar=False)
    d = len(S)
    found = minimize(lambda w: -(w @ S @ w), np.ones(d) / np.sqrt(d), constraints=[{"type": "eq", "fun": lambda w: w @ w - 1}])
    w = found.x / np.linalg.norm(found.x)
    return w, w @ S @ w


def by_float32_throughout(X):
    X = X.astype(np.float32)
    centred = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred / np.float32(len(X) - 1))
    return vectors[:, -1], values[-1]


@pytest.mark.parametrize(
    "right",
    [
        by_svd, by_pca, by_power_iteration, by_eig_and_argmax, by_scipy_subset, by_projection_variance,
        by_constrained_search, by_float32_throughout,
    ],
    ids=[
        "SVD", "PCA", "power iteration", "eig and argmax", "scipy subset", "variance of the projections",
        "SLSQP", "float32 throughout",
    ],
)
def test_a_direction_found_another_way_passes(right):
    outcome(EX.lagrange.evaluate(right), "passed")


def right_direction(X):
    values, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
    return vectors[:, -1], values[-1]


def explained_share(X):
    from sklearn.decomposition import PCA

    return PCA(n_components=1).fit(X).explained_variance_ratio_[0]


IRIS = load_iris().data


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (lambda X: (right_direction(X)[0], -right_direction(X)[1]), "wrong sign"),
        (lambda X: (right_direction(X)[0], 2 * right_direction(X)[1]), "twice the variance"),
        (lambda X: (right_direction(X)[0], np.mean((X @ right_direction(X)[0]) ** 2)), "mean square"),
        (lambda X: (right_direction(X)[0], round(float(right_direction(X)[1]), 3)), "unrounded"),
        (lambda X: (right_direction(X)[0], np.sqrt(right_direction(X)[1])), "standard deviation"),
        (lambda X: (right_direction(X)[0], np.trace(np.cov(X, rowvar=False))), "total variance"),
        (lambda X: (np.linalg.eigh(np.cov(X, rowvar=False))[1], right_direction(X)[1]), "has shape"),
        (lambda X: (np.linalg.eigh(np.cov(X))[1][:, -1], right_direction(X)[1]), "one per column"),
        (lambda X: (np.linalg.eigh(np.cov(X, rowvar=False))[1][:, -2], right_direction(X)[1]), "not the one of the largest"),
        (lambda X: (np.ones(X.shape[1]) / np.sqrt(X.shape[1]), right_direction(X)[1]), "not a stationary point"),
        (lambda X: (right_direction(X)[0] * np.nan, right_direction(X)[1]), "NaN"),
        (lambda X: (right_direction(X)[0], np.nan), "NaN or infinite"),
        (lambda X: {"w": right_direction(X)[0], "lam": right_direction(X)[1]}, "a pair"),
        (lambda X: right_direction(X)[0], "one array of shape (4,)"),
        (lambda X: (*right_direction(X), "done"), "returns 3 items"),
        (lambda X: print(*right_direction(X)), "returned None"),
        (lambda X: (by_pca(X)[0], explained_share(X)), "explained_variance_ratio_"),
        (lambda X: (by_svd(X)[0], np.linalg.svd(X - X.mean(axis=0), compute_uv=False)[0]), "singular value"),
        (lambda X: right_direction(IRIS), "On a generated data set of 60 rows and 3 columns"),
    ],
    ids=[
        "lambda negative", "lambda doubled", "mean square", "rounded", "standard deviation", "trace",
        "all eigenvectors", "covariance of the rows", "middle eigenvector", "the diagonal", "NaN", "lambda NaN", "a dict",
        "w alone", "three items", "printed", "explained share", "singular value", "the flowers' answer",
    ],
)
def test_other_lagrange_mistakes_are_named_without_the_answer(wrong, words):
    from mlkit.course.checks.units.multivariate_calculus import lagrange_secrets

    message = outcome(EX.lagrange.evaluate(wrong), "incorrect")
    assert words in message
    assert not any(secret in message for secret in lagrange_secrets())


def test_a_stub_pair_is_not_attempted():
    outcome(EX.lagrange.evaluate(lambda X: (..., ...)), "not_attempted")
    outcome(EX.lagrange.evaluate(lambda X: ...), "not_attempted")


# --- exercise 6: the judgement --------------------------------------------------------------------


@pytest.mark.parametrize("written", ["C.", "(C)", "Option C", "c)"])
def test_the_right_option_written_with_a_label_passes(written):
    outcome(EX.judgement.evaluate(written), "passed")


@pytest.mark.parametrize(("written", "words"), [("option b", "Option B"), ("E", "choose one of"), (["C"], "a string")])
def test_a_wrong_or_unreadable_option_is_refused(written, words):
    assert words in outcome(EX.judgement.evaluate(written), "incorrect")
