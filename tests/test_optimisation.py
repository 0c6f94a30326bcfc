"""Finite differences and gradient descent in mlkit.topics.optimisation."""

import doctest

import numpy as np
import pytest

from mlkit.topics import optimisation
from mlkit.errors import InputError
from mlkit.topics.optimisation import (
    central_difference,
    forward_difference,
    gradient_descent,
    largest_stable_learning_rate,
    mse,
    mse_gradient,
    numerical_gradient,
)


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 3.0 + rng.normal(scale=0.1, size=50)
    return X, y


def test_doctests_pass():
    assert doctest.testmod(optimisation).failed == 0


def test_central_difference_is_more_accurate_than_forward():
    exact = np.cos(1.0)
    forward = abs(forward_difference(np.sin, 1.0, h=1e-3) - exact)
    central = abs(central_difference(np.sin, 1.0, h=1e-3) - exact)
    assert central < forward / 100


def test_analytic_gradient_matches_numerical_gradient():
    X, y = _data()
    w, b = np.array([0.3, 0.1, -0.2]), 0.7
    g_w, g_b = mse_gradient(X, y, w, b)
    numeric = numerical_gradient(lambda p: mse(X, y, p[:3], p[3]), np.append(w, b))
    np.testing.assert_allclose(np.append(g_w, g_b), numeric, rtol=1e-6)


def test_gradient_descent_agrees_with_least_squares():
    X, y = _data()
    fit = gradient_descent(X, y, learning_rate=0.1, n_steps=500)
    A = np.column_stack([X, np.ones(len(X))])
    exact = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(fit.weights, exact[:3], atol=1e-8)
    assert fit.bias == pytest.approx(exact[3], abs=1e-8)
    assert not fit.diverged and fit.steps_taken == 500
    assert all(a >= b - 1e-12 for a, b in zip(fit.losses, fit.losses[1:]))


def test_weights_path_records_every_step_from_the_start_to_the_final_weights():
    X, y = _data()
    fit = gradient_descent(X, y, learning_rate=0.1, n_steps=7)
    assert fit.weights_path.shape == (8, 3)
    np.testing.assert_array_equal(fit.weights_path[0], np.zeros(3))
    np.testing.assert_array_equal(fit.weights_path[-1], fit.weights)
    two_steps = gradient_descent(X, y, learning_rate=0.1, n_steps=2)
    np.testing.assert_array_equal(fit.weights_path[2], two_steps.weights)


def test_weights_path_stops_where_descent_diverged():
    X, y = _data()
    run = gradient_descent(X, y, learning_rate=1.1 * largest_stable_learning_rate(X), n_steps=100_000)
    assert run.diverged
    assert len(run.weights_path) == len(run.losses) == run.steps_taken + 1


def test_learning_rate_above_the_stable_limit_diverges_without_warnings():
    X, y = _data()
    limit = largest_stable_learning_rate(X)
    with np.errstate(all="raise"):
        below = gradient_descent(X, y, learning_rate=0.9 * limit, n_steps=300)
        above = gradient_descent(X, y, learning_rate=1.1 * limit, n_steps=100_000)
    assert not below.diverged
    assert above.diverged and above.steps_taken < 100_000
    assert above.losses[-1] > above.losses[0]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: central_difference(np.sin, 1.0, h=0), "step size h must be positive"),
        (lambda: gradient_descent(np.ones((3, 1)), np.ones(3), learning_rate=-1, n_steps=5), "learning_rate"),
        (lambda: gradient_descent(np.ones((3, 1)), np.ones(3), learning_rate=0.1, n_steps=2.5), "n_steps"),
        (lambda: mse(np.ones(3), np.ones(3), np.ones(1), 0.0), "X must be a 2-D table"),
        (lambda: mse(np.ones((3, 2)), np.ones(4), np.ones(2), 0.0), "y must have one value per row"),
        (lambda: mse(np.ones((3, 2)), np.ones(3), np.ones(3), 0.0), "weights must have one value per column"),
    ],
)
def test_bad_inputs_are_named(call, message):
    with pytest.raises(InputError, match=message):
        call()
