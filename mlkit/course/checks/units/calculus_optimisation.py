"""Exercises of unit 07, calculus and optimisation (``solutions/07_calculus_optimisation.ipynb``).

Data: scikit-learn's bundled diabetes data in original units
(``load_diabetes(scaled=False)``), standardised feature by feature, loaded by
the checks themselves. The reference computations are in
:mod:`mlkit.topics.optimisation`. The stable-rate exercise uses the six serum
columns rather than all ten, whose limit the lesson prints.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import expect_choice, expect_close, expect_number
from mlkit.course.checks.kinds import tolerance_for as _rtol

EXERCISES = ExerciseSet("calculus-optimisation", "Calculus and optimisation")


# --- shared data (loaded once, only when a check runs) ---------------------------


@lru_cache(maxsize=1)
def _diabetes():
    """Standardised diabetes features (442 x 10) and the disease-progression target."""
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False)
    X = bunch.data
    return (X - X.mean(axis=0)) / X.std(axis=0), bunch.target.astype(float)


@lru_cache(maxsize=1)
def _raw_features():
    """The diabetes features in their original units."""
    from sklearn.datasets import load_diabetes

    return load_diabetes(scaled=False).data


def _small_problem():
    """Three standardised features and a point away from the optimum: a case where mistakes show."""
    import numpy as np

    X, y = _diabetes()
    return X[:, [0, 2, 3]], y, np.array([5.0, -3.0, 2.0]), 20.0


def _uncentred_problem():
    """The same three features shifted away from mean 0: a bias left out of a residual shows in `grad_w`."""
    import numpy as np

    X, y, w, b = _small_problem()
    return X + np.array([1.5, -2.0, 3.0]), y, w, b


def _two_results(result, shown: str, what: str) -> tuple:
    """The two things a function returned, from a tuple or a list of two (``w, b`` or ``grad_w, grad_b``)."""
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise Incorrect(f"{shown} should return two things, {what} (a tuple of two).")
    return tuple(result)


def _weights(value, length: int):
    """``value`` as a 1-D float array of ``length`` numbers (a column or row vector too), or ``None``."""
    import numpy as np

    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    return array if array.shape == (length,) else None


def _is_close(a, b, rtol=1e-6, atol=1e-9) -> bool:
    import numpy as np

    try:
        return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


# --- 1. a central difference --------------------------------------------------


def _cube(x):
    return x**3


_SLOPE_CASES = ((_cube, 2.0, 1e-3), (math.sin, 1.0, 1e-4), (math.exp, 0.5, 1e-4))


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def _forward(f, x, h):
    return (f(x + h) - f(x)) / h


@EXERCISES.exercise(
    "central",
    title="Estimate a derivative with a central difference",
    hints=(
        "Evaluate the function a small step `h` to the right of `x` and a small step to the left.",
        "The two points are `2 * h` apart: divide the difference of the two values by that distance.",
        "`return (f(x + h) - f(x - h)) / (2 * h)`",
    ),
)
def central(central_slope):
    if not callable(central_slope):
        raise Incorrect(f"`central_slope` should be a function, but it is a {type(central_slope).__name__}.")
    for f, x, h in _SLOPE_CASES:
        result = call_learner(central_slope, f, x, h)
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        value = expect_number(result, name=f"central_slope({f.__name__}, {x}, {h})")
        rtol = _rtol(result, 1e-9)
        if math.isclose(value, _central(f, x, h), rel_tol=rtol):
            continue
        shown = f"`central_slope({f.__name__}, {x}, {h})`"
        if math.isclose(value, _forward(f, x, h), rel_tol=rtol):
            raise Incorrect(
                f"{shown} gives the one-sided (forward) difference: it only steps to the right of `x`. "
                "Step to both sides."
            )
        if math.isclose(value, 2 * _central(f, x, h), rel_tol=rtol):
            raise Incorrect(
                f"{shown} is twice the slope: the two points are more than `h` apart. "
                "Divide by the distance between them."
            )
        if math.isclose(value, -_central(f, x, h), rel_tol=rtol):
            raise Incorrect(f"{shown} has the wrong sign: subtract the left value from the right one.")
        raise Incorrect(f"{shown} returned {value!r}, which is not the central difference.")
    return "your estimate matches the central difference on three functions."


@central.wrong_answer
def central_forward_difference():
    return Answer.of(lambda f, x, h=1e-5: (f(x + h) - f(x)) / h)


@central.wrong_answer
def central_divided_by_h():
    return Answer.of(lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h)


@central.wrong_answer
def central_reversed():
    return Answer.of(lambda f, x, h=1e-5: (f(x - h) - f(x + h)) / (2 * h))


# --- 2. the gradient of the mean squared error ------------------------------------


def _reference_gradient(X, y, w, b):
    from mlkit.topics.optimisation import mse_gradient

    return mse_gradient(X, y, w, b)


@EXERCISES.exercise(
    "gradient",
    title="Write the gradient of the mean squared error",
    hints=(
        "Start from the residuals `r = X @ w + b - y`: every part of the gradient is built from them.",
        "Differentiate the mean of `r**2`: the square brings down a factor 2, and the mean divides by n. "
        "For the weights, each residual is multiplied by its row of `X`.",
        "`grad_w = 2 / n * X.T @ r` and `grad_b = 2 / n * r.sum()`, with `n = len(y)`.",
    ),
)
def gradient(mse_grad):

    if not callable(mse_grad):
        raise Incorrect(f"`mse_grad` should be a function, but it is a {type(mse_grad).__name__}.")
    for X, y, w, b in (_small_problem(), _uncentred_problem()):
        _judge_gradient(mse_grad, X, y, w, b)
    return "the gradient matches the analytic one at a test point."


def _judge_gradient(mse_grad, X, y, w, b) -> None:
    import numpy as np

    result = call_learner(mse_grad, X.copy(), y.copy(), w.copy(), b)
    grad_w, grad_b = _two_results(result, "`mse_grad`", "`grad_w, grad_b`")
    weights = _weights(grad_w, len(w))
    if weights is None:
        raise Incorrect(f"`grad_w` has shape {np.shape(grad_w)}; it needs one value per weight, shape {w.shape}.")
    if np.size(grad_b) != 1:
        raise Incorrect("`grad_b` should be one number: the bias is a single parameter.")
    try:
        bias = np.asarray(grad_b, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise Incorrect(f"`grad_b` should be a number, but it is a {type(grad_b).__name__}.") from None
    true_w, true_b = _reference_gradient(X, y, w, b)
    got = np.append(weights, bias)
    true = np.append(true_w, true_b)
    if _is_close(got, true):
        return
    if _is_close(got, -true):
        raise Incorrect(
            "your gradient points the wrong way (every sign is flipped): the residual is prediction minus target."
        )
    if _is_close(got, true / 2):
        raise Incorrect("your gradient is half the right size: differentiating a square brings down a factor 2.")
    if _is_close(got, true * len(y) / 2) or _is_close(got, true * len(y)):
        raise Incorrect("your gradient is far too large: it sums over the rows; the loss is a mean, so divide by n.")
    if _is_close(got[:-1], true[:-1]):
        raise Incorrect("`grad_w` is right, but `grad_b` is not.")
    if _is_close(got[:-1], _reference_gradient(X, y, w, 0.0)[0]):
        raise Incorrect(
            "on columns of `X` that do not have mean 0, `grad_w` equals the gradient with the bias left out of the "
            "residuals: the residual `X @ w + b - y` includes `b`."
        )
    if _is_close(got[-1], true[-1]):
        raise Incorrect("`grad_b` is right, but `grad_w` is not: each residual multiplies its own row of `X`.")
    raise Incorrect("neither `grad_w` nor `grad_b` is the gradient of the mean squared error.")


@gradient.wrong_answer
def gradient_without_two():
    return Answer.of(lambda X, y, w, b: ((X.T @ (X @ w + b - y)) / len(y), float((X @ w + b - y).mean())))


@gradient.wrong_answer
def gradient_sign_flipped():
    return Answer.of(lambda X, y, w, b: (2 / len(y) * X.T @ (y - X @ w - b), float(2 / len(y) * (y - X @ w - b).sum())))


@gradient.wrong_answer
def gradient_residual_without_bias_for_the_weights():
    def mse_grad(X, y, w, b):
        n = len(y)
        return 2 / n * X.T @ (X @ w - y), 2 / n * (X @ w + b - y).sum()

    return Answer.of(mse_grad)


@gradient.wrong_answer
def gradient_summed():
    return Answer.of(lambda X, y, w, b: (2 * X.T @ (X @ w + b - y), float(2 * (X @ w + b - y).sum())))


# --- 3. gradient descent --------------------------------------------------------

_DESCENT_CASES = ((0.1, 60), (0.05, 7))


def _descend(X, y, learning_rate, n_steps, *, sign=1.0, update_bias=True):
    import numpy as np

    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(n_steps):
        grad_w, grad_b = _reference_gradient(X, y, w, b)
        w = w - sign * learning_rate * grad_w
        if update_bias:
            b = b - sign * learning_rate * grad_b
    return w, b


@EXERCISES.exercise(
    "descent",
    title="Fit a linear regression by gradient descent",
    hints=(
        "Start from `w = np.zeros(X.shape[1])` and `b = 0.0`, then repeat the same update `n_steps` times.",
        "Each step: compute the gradient at the current `w, b` (your `mse_grad`, or `mse_gradient` from "
        "`mlkit.topics.optimisation`), then move *against* it, scaled by the learning rate. Update both `w` and `b`.",
        "In the loop: `grad_w, grad_b = mse_gradient(X, y, w, b)`, then `w = w - learning_rate * grad_w` and "
        "`b = b - learning_rate * grad_b`; after the loop `return w, b`.",
    ),
)
def descent(fit_gd):
    import numpy as np

    if not callable(fit_gd):
        raise Incorrect(f"`fit_gd` should be a function, but it is a {type(fit_gd).__name__}.")
    X, y, _, _ = _small_problem()
    for learning_rate, n_steps in _DESCENT_CASES:
        shown = f"`fit_gd(X, y, learning_rate={learning_rate}, n_steps={n_steps})`"
        with np.errstate(all="ignore"):
            result = call_learner(fit_gd, X.copy(), y.copy(), learning_rate, n_steps)
        w, b = _two_results(result, shown, "`w, b`")
        weights = _weights(w, X.shape[1])
        if weights is None:
            raise Incorrect(f"{shown} returned weights of shape {np.shape(w)}; one per column of `X` is expected.")
        if np.size(b) != 1:
            raise Incorrect(f"{shown} returned a bias with {np.size(b)} values; the bias is one number.")
        try:
            got = np.append(weights, np.asarray(b, dtype=float).reshape(-1))
        except (TypeError, ValueError):
            raise Incorrect(f"{shown} returned a bias that is a {type(b).__name__}; the bias is one number.") from None
        expected = np.append(*_descend(X, y, learning_rate, n_steps))
        if _is_close(got, expected):
            continue
        if _is_close(got, np.append(*_descend(X, y, learning_rate, n_steps, sign=-1.0))):
            raise Incorrect(f"{shown} climbs the loss instead of descending it: step *against* the gradient.")
        if _is_close(got, np.append(*_descend(X, y, learning_rate, n_steps, update_bias=False))):
            raise Incorrect(f"{shown} never changes the bias: update `b` with its own gradient at every step.")
        for other in (n_steps - 1, n_steps + 1):
            if _is_close(got, np.append(*_descend(X, y, learning_rate, other))):
                raise Incorrect(f"{shown} takes {other} steps instead of {n_steps}: check the range of your loop.")
        raise Incorrect(f"{shown} does not end where gradient descent from zeros ends.")
    return "your descent follows the same path as the reference, step for step."


@descent.wrong_answer
def descent_ascends():
    return Answer.of(lambda X, y, learning_rate, n_steps: _descend(X, y, learning_rate, n_steps, sign=-1.0))


@descent.wrong_answer
def descent_forgets_bias():
    return Answer.of(lambda X, y, learning_rate, n_steps: _descend(X, y, learning_rate, n_steps, update_bias=False))


@descent.wrong_answer
def descent_one_step_short():
    return Answer.of(lambda X, y, learning_rate, n_steps: _descend(X, y, learning_rate, n_steps - 1))


# --- 4. the largest stable learning rate -------------------------------------------


SERUM = slice(4, 10)
"""The six blood-serum columns (s1 to s6): the stable-rate exercise's features, whose limit the lesson does not print."""


def _serum():
    """The standardised serum features, ``X_std[:, 4:]`` in the exercise."""
    return _diabetes()[0][:, SERUM]


def _limit(X, *, scale=True, numerator=2.0):
    import numpy as np

    A = np.column_stack([X, np.ones(len(X))])
    hessian = A.T @ A * (2.0 / len(X) if scale else 1.0)
    return float(numerator / np.linalg.eigvalsh(hessian).max())


@EXERCISES.exercise(
    "stable_rate",
    title="Compute the largest stable learning rate",
    hints=(
        "The loss is a quadratic bowl; its curvature is the Hessian matrix `2/n * A.T @ A`, where `A` is "
        "`serum` with a column of ones added for the bias.",
        "`np.linalg.eigvalsh` gives the eigenvalues of a symmetric matrix; the steepest direction has the largest.",
        "`A = np.column_stack([serum, np.ones(len(serum))])`, `hessian = 2 / len(A) * A.T @ A`, "
        "`stable_rate = 2 / np.linalg.eigvalsh(hessian).max()`.",
    ),
)
def stable_rate(stable_rate):
    X = _serum()
    value = expect_number(stable_rate, name="stable_rate")
    right = _limit(X)

    def near(other):
        return math.isclose(value, other, rel_tol=1e-6)

    if near(right):
        return "above this learning rate, descent on the standardised serum features diverges."
    if near(_limit(X, numerator=1.0)):
        raise Incorrect("`stable_rate` is half the limit: descent still converges up to 2 over the largest eigenvalue.")
    if near(_limit(X, scale=False)):
        raise Incorrect(
            "`stable_rate` is hundreds of times too small: the Hessian of a *mean* squared error carries the factor 2/n."
        )
    if near(_limit(_raw_features()[:, SERUM])):
        raise Incorrect(
            "`stable_rate` is the limit for the serum features in their original units; compute it for `serum`, "
            "the standardised ones."
        )
    if near(_limit(_diabetes()[0])):
        raise Incorrect("`stable_rate` is the limit for all ten standardised features; compute it for `serum`, six of them.")
    expect_close(value, right, name="stable_rate", rtol=1e-6)


@stable_rate.wrong_answer
def stable_rate_one_over_lambda():
    X = _serum()
    return Answer.of(_limit(X, numerator=1.0))


@stable_rate.wrong_answer
def stable_rate_unscaled_hessian():
    X = _serum()
    return Answer.of(_limit(X, scale=False))


@stable_rate.wrong_answer
def stable_rate_on_raw_features():
    return Answer.of(_limit(_raw_features()[:, SERUM]))


@stable_rate.wrong_answer
def stable_rate_on_all_ten_features():
    return Answer.of(_limit(_diabetes()[0]))


@stable_rate.secret_values
def stable_rate_secrets():
    X = _serum()
    return [f"{_limit(X):.4f}", f"{_limit(X):.3f}"]


# --- 5. a judgement ----------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "the learning rate is already 90% of the largest stable one; above that limit, descent diverges. "
    "The limit itself is the problem: what sets it so low?",
    "B": "both methods minimise the same loss on the same data, so they must agree at the minimum; "
    "the gap says that descent has not reached it, not that scikit-learn overfits.",
    "C": "the curve has flattened, but it flattened far above the least-squares minimum. A flat curve is "
    "not proof of convergence; with these features, many more steps would still leave a gap.",
}


@EXERCISES.exercise(
    "judgement",
    title="Diagnose a descent that stalls",
    hints=(
        "Compare the sizes of the features: age in years, `sex` as 1 or 2, serum values in the hundreds.",
        "The stable learning rate is set by the steepest direction of the loss; the flattest direction then "
        "moves very slowly. What makes all directions similar?",
        "Standardising the features makes the loss bowl round, so one learning rate suits every direction.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="D", feedback=JUDGEMENT_FEEDBACK)
    return "standardising makes the loss equally curved in every direction, so descent converges quickly."


@judgement.wrong_answer
def judgement_bigger_rate():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_it_converged():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_blame_sklearn():
    return Answer.of("B")


@judgement.secret_values
def judgement_secrets():
    return ["'D'", "Option D"]
