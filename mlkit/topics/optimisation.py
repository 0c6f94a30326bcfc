"""Derivatives by finite differences, and gradient descent for a linear model.

The calculus-and-optimisation unit writes these ideas out by hand first; this
module holds the reusable versions that the lesson then calls to compare many
settings, and that the exercise checks use as their reference.

Everything here computes and returns values: nothing prints or plots.

Examples
--------
>>> import numpy as np
>>> round(central_difference(lambda x: x**2, 3.0), 6)
6.0
>>> X = np.array([[0.0], [1.0], [2.0]]); y = np.array([1.0, 3.0, 5.0])
>>> fit = gradient_descent(X, y, learning_rate=0.1, n_steps=2000)
>>> np.round(fit.weights, 4).tolist(), round(fit.bias, 4)
([2.0], 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from mlkit.errors import InputError

DIVERGED_LOSS = 1e100
"""A loss above this counts as diverged; descent stops before numbers overflow."""


def forward_difference(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """Slope of ``f`` at ``x`` from one step forward: ``(f(x + h) - f(x)) / h``.

    Its error shrinks in proportion to ``h`` (first order).
    """
    _check_step(h)
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """Slope of ``f`` at ``x`` from a step either side: ``(f(x + h) - f(x - h)) / (2h)``.

    Its error shrinks in proportion to ``h**2`` (second order), so it is the
    usual choice for checking an analytic derivative.

    Examples
    --------
    >>> round(central_difference(lambda x: x**3, 2.0), 6)
    12.0
    """
    _check_step(h)
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f: Callable[[np.ndarray], float], w, h: float = 1e-6) -> np.ndarray:
    """Gradient of a function of a vector, one central difference per coordinate.

    Parameters
    ----------
    f:
        Takes a 1-D array shaped like ``w`` and returns a number.
    w:
        The point at which to take the gradient.
    h:
        Step size.

    Returns
    -------
    numpy.ndarray
        Same shape as ``w``.

    Examples
    --------
    >>> np.round(numerical_gradient(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 5.0]), 6).tolist()
    [2.0, 3.0]
    """
    _check_step(h)
    w = np.asarray(w, dtype=float)
    grad = np.zeros_like(w)
    for i in range(w.size):
        step = np.zeros_like(w)
        step.flat[i] = h
        grad.flat[i] = (f(w + step) - f(w - step)) / (2 * h)
    return grad


def mse(X, y, weights, bias: float) -> float:
    """Mean squared error of the linear model ``X @ weights + bias`` on ``(X, y)``."""
    X, y, weights = _as_arrays(X, y, weights)
    residual = X @ weights + bias - y
    return float(np.mean(residual**2))


def mse_gradient(X, y, weights, bias: float) -> tuple[np.ndarray, float]:
    """Analytic gradient of :func:`mse` with respect to ``weights`` and ``bias``.

    With residuals ``r = X @ w + b - y`` and ``n`` rows, the gradient is
    ``(2/n) X.T @ r`` for the weights and ``(2/n) sum(r)`` for the bias.

    Examples
    --------
    >>> X = np.array([[1.0], [2.0]]); y = np.array([1.0, 2.0])
    >>> g_w, g_b = mse_gradient(X, y, np.array([0.0]), 0.0)
    >>> g_w.tolist(), g_b
    ([-5.0], -3.0)
    """
    X, y, weights = _as_arrays(X, y, weights)
    residual = X @ weights + bias - y
    n = len(y)
    return 2.0 / n * (X.T @ residual), float(2.0 / n * residual.sum())


@dataclass
class DescentResult:
    """What :func:`gradient_descent` found: the parameters and the loss at every step.

    ``losses[0]`` is the loss before the first step; ``diverged`` is true when
    the loss grew past :data:`DIVERGED_LOSS` and descent stopped early.
    ``weights_path`` has one row per entry of ``losses``: the weights at that
    point, shape ``(steps_taken + 1, n_features)``; ``weights_path[0]`` is the start.
    """

    weights: np.ndarray
    bias: float
    losses: list[float] = field(default_factory=list)
    diverged: bool = False
    weights_path: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    @property
    def steps_taken(self) -> int:
        """Number of updates made (fewer than asked when descent diverged)."""
        return len(self.losses) - 1


def gradient_descent(X, y, learning_rate: float, n_steps: int, weights=None, bias: float = 0.0) -> DescentResult:
    """Fit ``X @ weights + bias`` to ``y`` by batch gradient descent on the mean squared error.

    Parameters
    ----------
    X, y:
        Features (n rows, p columns) and targets (n values).
    learning_rate:
        Step size; too large and the loss grows instead of shrinking.
    n_steps:
        Number of updates.
    weights, bias:
        Starting point (zeros by default).

    Returns
    -------
    DescentResult
        Final parameters, the loss before each step and after the last, and
        the weights at each of those points (``weights_path``).

    Examples
    --------
    >>> X = np.array([[-1.0], [1.0]]); y = np.array([-2.0, 2.0])
    >>> gradient_descent(X, y, learning_rate=0.25, n_steps=2).weights_path[:, 0].tolist()
    [0.0, 1.0, 1.5]
    """
    if not learning_rate > 0:
        raise InputError(f"learning_rate must be positive, got {learning_rate!r}")
    if not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise InputError(f"n_steps must be a non-negative whole number, got {n_steps!r}")
    X, y, _ = _as_arrays(X, y, np.zeros(np.shape(X)[1] if np.ndim(X) == 2 else 1))
    w = np.zeros(X.shape[1]) if weights is None else np.asarray(weights, dtype=float).copy()
    b = float(bias)
    losses = [mse(X, y, w, b)]
    path = [w]
    for _ in range(n_steps):
        grad_w, grad_b = mse_gradient(X, y, w, b)
        w = w - learning_rate * grad_w
        b = b - learning_rate * grad_b
        loss = mse(X, y, w, b)
        losses.append(loss)
        path.append(w)
        if not np.isfinite(loss) or loss > DIVERGED_LOSS:
            return DescentResult(w, b, losses, diverged=True, weights_path=np.array(path))
    return DescentResult(w, b, losses, weights_path=np.array(path))


def largest_stable_learning_rate(X) -> float:
    """The learning rate above which gradient descent on the MSE diverges.

    For the mean squared error of a linear model with an intercept, the loss
    is a quadratic bowl whose curvature is the Hessian ``(2/n) A.T @ A``
    (``A`` is ``X`` with a column of ones). Descent converges when the learning
    rate is below ``2 / largest eigenvalue`` of that matrix.

    Examples
    --------
    >>> round(largest_stable_learning_rate(np.array([[1.0], [-1.0]])), 6)
    1.0
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise InputError(f"X must be a 2-D table of features, got an array with {X.ndim} dimension(s)")
    A = np.column_stack([X, np.ones(len(X))])
    hessian = 2.0 / len(X) * (A.T @ A)
    return float(2.0 / np.linalg.eigvalsh(hessian).max())


def _check_step(h: float) -> None:
    if not h > 0:
        raise InputError(f"step size h must be positive, got {h!r}")


def _as_arrays(X, y, weights):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if X.ndim != 2:
        raise InputError(f"X must be a 2-D table (rows x features), got an array with {X.ndim} dimension(s)")
    if y.shape != (X.shape[0],):
        raise InputError(f"y must have one value per row of X ({X.shape[0]}), got shape {y.shape}")
    if weights.shape != (X.shape[1],):
        raise InputError(f"weights must have one value per column of X ({X.shape[1]}), got shape {weights.shape}")
    return X, y, weights
