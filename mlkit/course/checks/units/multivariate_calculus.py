"""Exercises of unit 06, multivariate calculus and automatic differentiation (``solutions/06_multivariate_calculus.ipynb``).

Data: the exercises use functions the lesson does not differentiate, and scikit-learn's
bundled iris flowers instead of the lesson's tumours and wines: is a flower *virginica*? (the
logistic loss) and the direction of largest variance of its four measurements in centimetres
(the Lagrange multiplier). Functions are judged at many points and on generated data sets that
the learner does not hold (uncentred, rescaled, other sizes and dimensions), against the
analytic derivative or the eigenvectors of the covariance matrix; the reference forward mode is
:mod:`mlkit.topics.autodiff`.

Each exercise is a check function decorated with ``EXERCISES.exercise``; below it, builders
of plausible wrong answers (``@<exercise>.wrong_answer``) and the values no failure message
may reveal (``@<exercise>.secret_values``). The test suite runs all three against the
solution notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import (
    FLOAT32_RTOL,
    as_pair,
    as_vector,
    close_to,
    expect_choice,
    expect_number,
    returned_array,
    rounded_places,
    tolerance_for,
)

EXERCISES = ExerciseSet("multivariate-calculus", "Multivariate calculus and automatic differentiation")


def _expect_function(value, name: str) -> None:
    if not callable(value):
        raise Incorrect(f"`{name}` should be a function, but it is a {type(value).__name__}.")


def _close(value, expected, original, rtol: float = 1e-7, atol: float = 1e-9) -> bool:
    import numpy as np

    return bool(np.allclose(value, expected, rtol=tolerance_for(original, rtol), atol=atol))


# --- 1. the derivative of a composition -------------------------------------------------


def _f(x: float) -> float:
    """The exercise's function: f(x) = e^(-x) · sin(x²)."""
    return math.exp(-x) * math.sin(x**2)


def _df(x: float) -> float:
    return math.exp(-x) * (2 * x * math.cos(x**2) - math.sin(x**2))


def _derivative_points() -> list[float]:
    import numpy as np

    return [float(x) for x in np.linspace(-2.5, 2.5, 21)] + [0.3, 1.7, 3.2, -0.8]


_DERIVATIVE_MISTAKES = (
    (
        lambda x: math.exp(-x) * (math.cos(x**2) - math.sin(x**2)),
        "the slope of the inner function x² is missing from the derivative of sin(x²) (chain rule).",
    ),
    (
        lambda x: math.exp(-x) * (2 * x * math.cos(x**2) + math.sin(x**2)),
        "the derivative of e^(-x) has the wrong sign: the inner -x contributes a factor -1.",
    ),
    (
        lambda x: -math.exp(-x) * 2 * x * math.cos(x**2),
        "this is the product of the two factors' derivatives; the product rule has two terms.",
    ),
    (
        lambda x: math.exp(-x) * 2 * x * math.cos(x**2),
        "the product rule has two terms, and the one with the derivative of e^(-x) is missing.",
    ),
)


def _one_number(result, name: str):
    """A learner's number, a NumPy scalar, a 0-d array or a one-element array, read as one number.

    Returns the value to compare and the original (whose precision sets the tolerance).
    """
    import numpy as np

    if isinstance(result, np.ndarray) and result.size == 1 and result.dtype.kind in "iuf":
        result = result.reshape(-1)[0]
    return expect_number(result, name=name), result


@EXERCISES.exercise(
    "derivative",
    title="Differentiate a composition with the product and chain rules",
    hints=(
        "f is a product of two factors, e^(-x) and sin(x²), and each factor is itself a composition.",
        "Product rule: (uv)' = u'v + uv'. Chain rule: the derivative of e^(-x) is e^(-x) times the slope of -x, "
        "and the derivative of sin(x²) is cos(x²) times the slope of x². Compare with `central_difference`.",
        "`return np.exp(-x) * (2 * x * np.cos(x**2) - np.sin(x**2))`",
    ),
)
def derivative(dfdx):
    _expect_function(dfdx, "dfdx")
    for x in _derivative_points():
        result = call_learner(dfdx, x)
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        value, result = _one_number(result, f"dfdx({x:.2f})")
        if math.isclose(value, _df(x), rel_tol=tolerance_for(result, 1e-7), abs_tol=1e-9):
            continue
        for mistake, message in _DERIVATIVE_MISTAKES:
            if all(_matches(dfdx, mistake, p) for p in _derivative_points()):
                raise Incorrect(f"`dfdx` is not f'(x): {message}")
        raise Incorrect(
            f"`dfdx({x:.2f})` differs from the slope of f that a central difference measures there; "
            "compare the two at a few points."
        )
    return "your derivative matches the numerical slope of f at 25 points, negative x included."


def _matches(dfdx, formula, x: float) -> bool:
    try:
        return math.isclose(_one_number(call_learner(dfdx, x), "dfdx")[0], formula(x), rel_tol=1e-6, abs_tol=1e-9)
    except Exception:
        return False


@derivative.wrong_answer
def derivative_without_inner_slope():
    return Answer.of(_DERIVATIVE_MISTAKES[0][0])


@derivative.wrong_answer
def derivative_sign_of_exponential():
    return Answer.of(_DERIVATIVE_MISTAKES[1][0])


@derivative.wrong_answer
def derivative_product_of_derivatives():
    return Answer.of(_DERIVATIVE_MISTAKES[2][0])


@derivative.wrong_answer
def derivative_exponential_held_constant():
    return Answer.of(_DERIVATIVE_MISTAKES[3][0])


@derivative.wrong_answer
def derivative_of_sine_only():
    return Answer.of(lambda x: 2 * x * math.cos(x**2))


# --- 2. the gradient of the logistic loss ------------------------------------------------


def _sigmoid(z):
    import numpy as np

    return 1 / (1 + np.exp(-z))


def _logistic_gradient(X, y, w):
    return X.T @ (_sigmoid(X @ w) - y) / len(y)


@lru_cache(maxsize=1)
def _iris_problem():
    """The solution notebook's data: intercept and two petal measurements, is the flower virginica?"""
    import numpy as np
    from sklearn.datasets import load_iris

    iris = load_iris()
    X = np.column_stack([np.ones(len(iris.data)), iris.data[:, 2:]])
    return X, (iris.target == 2).astype(float), np.array([-4.0, 0.5, 1.5])


def _logistic_cases():
    """(X, y, w): the iris problem, then generated data the learner does not hold."""
    import numpy as np

    rng = np.random.default_rng(11)
    cases = [_iris_problem()]
    for n, d, shift, scale in ((40, 3, 2.0, 0.5), (75, 5, -1.0, 1.5), (13, 2, 0.5, 3.0)):
        X = rng.normal(loc=shift, scale=scale, size=(n, d))
        y = (rng.random(n) < 0.35).astype(float)
        cases.append((X, y, rng.normal(scale=0.4, size=d)))
    return cases


@EXERCISES.exercise(
    "logistic",
    title="Compute the gradient of the logistic loss",
    hints=(
        "Differentiate the mean log loss with respect to each score z_i = x_i·w first, then use the chain rule "
        "from the scores to the weights.",
        "The derivative with respect to one score is (p_i − y_i)/n: the σ(1 − σ) of the sigmoid cancels the 1/p of "
        "the logarithm. The scores depend on the weights through the rows of X, so transpose X.",
        "`p = 1 / (1 + np.exp(-(X @ w)))` then `return X.T @ (p - y) / len(y)`",
    ),
)
def logistic(logistic_gradient):
    import numpy as np

    _expect_function(logistic_gradient, "logistic_gradient")
    for number, (X, y, w) in enumerate(_logistic_cases()):
        which = "on the iris flowers" if number == 0 else f"on a generated data set of {X.shape[0]} rows"
        result = call_learner(logistic_gradient, X.copy(), y.copy(), w.copy())
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if np.ndim(result) == 2 and 1 in np.shape(result) and np.size(result) == len(w):
            result = np.reshape(result, -1)
        value = returned_array(result, name=f"`logistic_gradient` {which}", shape=w.shape, finite=True)
        expected = _logistic_gradient(X, y, w)
        if _close(value, expected, result):
            continue
        if _close(value, -expected, result):
            raise Incorrect(
                f"`logistic_gradient` {which} points the wrong way: it is the gradient with its sign flipped "
                "(compare p − y with y − p)."
            )
        if _close(value, expected * len(y), result):
            raise Incorrect(f"`logistic_gradient` {which} is n times too large: the loss is a mean, not a sum.")
        p = _sigmoid(X @ w)
        if _close(value, X.T @ ((p - y) * p * (1 - p)) / len(y), result):
            raise Incorrect(
                f"`logistic_gradient` {which} multiplies the errors by the sigmoid's slope p(1 − p): with the log "
                "loss that factor cancels against the derivative of the logarithm."
            )
        if _close(value, X.T @ (_sigmoid(-(X @ w)) - y) / len(y), result):
            raise Incorrect(
                f"`logistic_gradient` {which} uses 1 − σ(Xw) as the probabilities: check the sign inside the "
                "sigmoid, σ(z) = 1 / (1 + e^(−z))."
            )
        if _close(value, X.T @ (X @ w - y) / len(y), result):
            raise Incorrect(
                f"`logistic_gradient` {which} uses the linear scores X @ w as predictions: "
                "pass them through the sigmoid first."
            )
        raise Incorrect(f"`logistic_gradient` {which} differs from the numerical gradient of the mean log loss.")
    return "your gradient matches the numerical one on the flowers and on three generated data sets."


@logistic.wrong_answer
def logistic_sign_flipped():
    return Answer.of(lambda X, y, w: X.T @ (y - _sigmoid(X @ w)) / len(y))


@logistic.wrong_answer
def logistic_summed():
    return Answer.of(lambda X, y, w: X.T @ (_sigmoid(X @ w) - y))


@logistic.wrong_answer
def logistic_without_sigmoid():
    return Answer.of(lambda X, y, w: X.T @ (X @ w - y) / len(y))


@logistic.wrong_answer
def logistic_with_extra_sigmoid_slope():
    def logistic_gradient(X, y, w):
        p = _sigmoid(X @ w)
        return X.T @ ((p - y) * p * (1 - p)) / len(y)

    return Answer.of(logistic_gradient)


@logistic.wrong_answer
def logistic_sigmoid_sign():
    return Answer.of(lambda X, y, w: X.T @ (_sigmoid(-(X @ w)) - y) / len(y))


@logistic.secret_values
def logistic_secrets():
    X, y, w = _iris_problem()
    return [f"{v:.4f}" for v in _logistic_gradient(X, y, w)]


# --- 3. a forward-mode step ---------------------------------------------------------------

_DUAL_CASES = ((0.5, 1.0), (-1.2, 2.5), (2.0, -0.75), (0.0, 3.0), (3.5, 0.0), (-0.3, 1.0))


@EXERCISES.exercise(
    "dual",
    title="Add an operation to forward-mode automatic differentiation",
    hints=(
        "A dual number carries a value a and a derivative a′. Applying a function g must give g(a) and the "
        "derivative of g at a, times a′ (the chain rule).",
        "The derivative of arctan(a) is 1 / (1 + a²). Build the result with `Dual(value, derivative)` and read "
        "the input's parts from `d.value` and `d.derivative`.",
        "`return Dual(math.atan(d.value), d.derivative / (1 + d.value**2))`",
    ),
)
def dual(dual_arctan):
    from mlkit.topics.autodiff import Dual, forward_derivative

    _expect_function(dual_arctan, "dual_arctan")
    for a, slope in _DUAL_CASES:
        shown = f"dual_arctan(Dual({a}, {slope}))"
        result = call_learner(dual_arctan, Dual(a, slope))
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if not isinstance(result, Dual):
            raise Incorrect(
                f"`{shown}` returned a {type(result).__name__}; a `Dual` (a value and its derivative) is asked for."
            )
        value = expect_number(result.value, name=f"{shown}.value")
        if not math.isclose(value, math.atan(a), rel_tol=tolerance_for(result.value, 1e-9), abs_tol=1e-12):
            raise Incorrect(f"`{shown}.value` is not arctan of the input's value.")
        carried = expect_number(result.derivative, name=f"{shown}.derivative")
        if math.isclose(carried, slope / (1 + a**2), rel_tol=tolerance_for(result.derivative, 1e-9), abs_tol=1e-12):
            continue
        if math.isclose(carried, 1 / (1 + a**2), rel_tol=1e-9, abs_tol=1e-12):
            raise Incorrect(
                f"`{shown}.derivative` ignores the derivative the input carries: multiply by `d.derivative` "
                "(the chain rule)."
            )
        raise Incorrect(f"`{shown}.derivative` is not the derivative of arctan carried along the input's direction.")
    composed = call_learner(lambda: forward_derivative(lambda x: dual_arctan(x * x) * x, 0.8))
    if not math.isclose(composed[1], math.atan(0.64) + 2 * 0.64 / (1 + 0.64**2), rel_tol=FLOAT32_RTOL):
        raise Incorrect("`dual_arctan` gives a wrong slope inside a composition, x · arctan(x²).")
    return "arctan now works in forward mode, alone and inside a composition."


@dual.wrong_answer
def dual_forgets_incoming_derivative():
    from mlkit.topics.autodiff import Dual

    return Answer.of(lambda d: Dual(math.atan(d.value), 1 / (1 + d.value**2)))


@dual.wrong_answer
def dual_without_square():
    from mlkit.topics.autodiff import Dual

    return Answer.of(lambda d: Dual(math.atan(d.value), d.derivative / (1 + abs(d.value))))


@dual.wrong_answer
def dual_returns_a_number():
    return Answer.of(lambda d: math.atan(d.value))


def _a_value_of_type(value) -> str:
    """'a str', 'an int': the type of ``value`` with its article, for a message."""
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


# --- 4. a Hessian and convexity -------------------------------------------------------------


def _hessian(w):
    import numpy as np

    e = math.exp(float(w[0]) + float(w[1]))
    return np.array([[e + 2, e - 3], [e - 3, e + 4]])


_HESSIAN_POINTS = ((0.0, 0.0), (1.0, -0.5), (-2.0, -1.5), (0.7, 1.2), (-3.0, 0.5))


@EXERCISES.exercise(
    "convexity",
    title="Compute a Hessian and decide whether a function is convex",
    hints=(
        "Differentiate f twice: once for the gradient, then each partial derivative again with respect to each "
        "variable. Then ask whether the Hessian is positive semi-definite at *every* point, not just one.",
        "e^(w0 + w1) adds the same amount to all four entries. The quadratic part gives constants. Look at the "
        "eigenvalues (`np.linalg.eigvalsh`) where w0 + w1 is very negative.",
        "`e = np.exp(w[0] + w[1])`, `return np.array([[e + 2, e - 3], [e - 3, e + 4]])`; its determinant "
        "12e − 1 is negative when e < 1/12, so `is_convex = False`.",
    ),
)
def convexity(hessian, is_convex):
    import numpy as np

    _expect_function(hessian, "hessian")
    for point in _HESSIAN_POINTS:
        shown = f"hessian(np.array({list(point)}))"
        result = call_learner(hessian, np.array(point))
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        array = returned_array(result, name=f"`{shown}`", shape=(2, 2), finite=True)
        expected = _hessian(point)
        if _close(array, expected, result):
            continue
        if not np.allclose(array, array.T, rtol=tolerance_for(result, 1e-7), atol=1e-9):
            raise Incorrect(f"`{shown}` is not symmetric: the two mixed second derivatives must be equal.")
        rtol = tolerance_for(result, 1e-7)
        elsewhere = returned_array(call_learner(hessian, np.array([2.0, 1.0])), name="`hessian`", shape=(2, 2))
        if np.allclose(elsewhere, array, rtol=rtol, atol=1e-9):
            raise Incorrect(
                "`hessian` returns the same matrix at every point: the second derivatives of e^(w0 + w1) "
                "are missing (they depend on w)."
            )
        if np.allclose(np.diag(array), np.diag(expected), rtol=rtol, atol=1e-9):
            raise Incorrect(f"`{shown}` has the right diagonal, but the mixed derivative ∂²f/∂w0∂w1 is wrong.")
        if np.isclose(array[0, 1], expected[0, 1], rtol=rtol, atol=1e-9):
            raise Incorrect(
                f"`{shown}` has the right mixed derivative, but the diagonal (∂²f/∂w0² and ∂²f/∂w1²) is wrong."
            )
        raise Incorrect(f"`{shown}` does not hold the second derivatives of f at that point.")
    if not isinstance(is_convex, (bool, np.bool_)):
        raise Incorrect(f"`is_convex` should be True or False, but it is {_a_value_of_type(is_convex)}.")
    if bool(is_convex):
        raise Incorrect(
            "`is_convex` is not right: convexity needs a positive semi-definite Hessian at every point. "
            "Check the eigenvalues far from the origin too."
        )
    return "the Hessian is right, and it is indefinite wherever e^(w0 + w1) < 1/12, so f is not convex."


@convexity.wrong_answer
def convexity_judged_at_origin():
    return Answer.of(_hessian, True)


@convexity.wrong_answer
def convexity_without_factor_two():
    import numpy as np

    def hessian(w):
        e = np.exp(w[0] + w[1])
        return np.array([[e + 1, e - 3], [e - 3, e + 2]])

    return Answer.of(hessian, False)


@convexity.wrong_answer
def convexity_half_mixed_term():
    import numpy as np

    def hessian(w):
        e = np.exp(w[0] + w[1])
        return np.array([[e + 2, e - 1.5], [e - 1.5, e + 4]])

    return Answer.of(hessian, False)


@convexity.wrong_answer
def convexity_quadratic_part_only():
    import numpy as np

    return Answer.of(lambda w: np.array([[2.0, -3.0], [-3.0, 4.0]]), False)


# --- 5. a Lagrange multiplier: the direction of maximum variance -----------------------------


@lru_cache(maxsize=1)
def _flowers():
    """The solution notebook's data: the four measurements of scikit-learn's iris flowers, in cm."""
    from sklearn.datasets import load_iris

    return load_iris().data


@lru_cache(maxsize=1)
def _variance_cases():
    """(X, where): the flowers, then generated data sets the learner does not hold.

    The generated sets have 2 to 6 columns in different units and lie far from the origin, so
    that a forgotten centring or a standardisation moves the direction; each has its largest
    eigenvalue well clear of the next, so that the direction is unique up to its sign.
    """
    import numpy as np

    rng = np.random.default_rng(29)
    cases = [(_flowers(), "on the iris flowers")]
    for n, spreads, offset in (
        (60, (3.0, 1.2, 0.5), 20.0),
        (9, (4.0, 1.5, 1.0, 0.7, 0.3), -8.0),
        (200, (2.0, 1.1, 0.9, 0.6, 0.4, 0.2), 5.0),
        (25, (1.0, 0.4), 40.0),
    ):
        d = len(spreads)
        rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
        units = rng.uniform(0.5, 3.0, size=d)
        X = (rng.normal(size=(n, d)) * spreads) @ rotation.T * units + offset * rng.uniform(0.5, 2.0, size=d)
        cases.append((X, f"on a generated data set of {n} rows and {d} columns"))
    return tuple(cases)


def _covariance(X):
    """The sample covariance matrix of the columns of X: centred, divided by n - 1."""
    centred = X - X.mean(axis=0)
    return centred.T @ centred / (len(X) - 1)


#: How far (in length) a unit vector may be from the top eigenvector or its opposite: an iterative
#: search stopped at its default tolerance (scipy's SLSQP) lands within about 1e-6; every mistake the
#: check names lands more than 1e-2 away on the flowers.
_DIRECTION_TOL = 1e-4
#: Closer than this and the direction is "nearly right", an iterative search stopped too early.
_NEARLY = 1e-2


def _same_direction(w, v, tol: float) -> bool:
    """Whether the unit vectors w and v point along the same line (an eigenvector's sign is arbitrary)."""
    import numpy as np

    return bool(min(np.linalg.norm(w - v), np.linalg.norm(w + v)) <= tol)


def _top_eigenvector(matrix):
    import numpy as np

    return np.linalg.eigh(matrix)[1][:, -1]


def _read_direction(result, d: int, where: str):
    """The learner's (w, lam): w as a vector of length d, lam as a number and as given (its precision)."""
    import numpy as np

    shown = "`max_variance_direction(X)`"
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if result is None:
        raise Incorrect(f"{shown} returned None: end the function with `return w, lam` (printing is not returning).")
    if isinstance(result, (tuple, list)) and len(result) != 2:
        raise Incorrect(f"{shown} returns {len(result)} items; the pair `(w, lam)` is asked for, in that order.")
    if isinstance(result, np.ndarray):
        raise Incorrect(f"{shown} returns one array of shape {result.shape}; the pair `(w, lam)` is asked for.")
    w, lam = as_pair(result, name="max_variance_direction(X)", what="a pair `(w, lam)`")
    if w is Ellipsis or lam is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if d > 1 and np.size(w) == 1 and np.size(lam) == d:
        raise Incorrect(f"{shown} returns the multiplier first: the pair asked for is `(w, lam)`.")
    try:
        vector = as_vector(w, name="w", length=d, what=f"{d} numbers, one per column of X,")
        if isinstance(lam, (list, tuple, np.ndarray)) and np.size(lam) > 1:
            raise Incorrect(
                f"`lam` holds {np.size(lam)} numbers; the multiplier λ is one number: in Sw = λw the same λ "
                "scales every entry of w."
            )
        number, lam = _one_number(lam, "lam")
    except Incorrect as error:
        raise Incorrect(f"{where[0].upper()}{where[1:]}: {error}") from None
    return vector, number, lam


def _wrong_direction(unit, X, vectors, where: str, tol: float) -> str:
    """The message for a unit vector ``unit`` that is not the top eigenvector of S (``vectors``: eigh's columns)."""
    import numpy as np

    def along(v):
        return _same_direction(unit, v / np.linalg.norm(v), tol)

    if along(vectors[:, 0]):
        return (
            f"`w` {where} is the direction of *least* variance, the eigenvector of the smallest eigenvalue. "
            "Sw = λw holds at every eigenvector, and there wᵀSw = λ: the maximum is at the largest eigenvalue "
            "(`np.linalg.eigh` sorts them in ascending order)."
        )
    if any(along(vectors[:, k]) for k in range(1, X.shape[1] - 1)):
        return (
            f"`w` {where} is an eigenvector of S, so it meets the Lagrange condition Sw = λw, but not the one of "
            "the largest eigenvalue; the variance along an eigenvector is its eigenvalue."
        )
    if along(_top_eigenvector(X.T @ X)):
        return (
            f"`w` {where} maximises the mean square of Xw, not its variance: the columns of X were not centred. "
            "Variance is measured around the mean; subtract each column's mean first (`np.cov` does it for you)."
        )
    if along(vectors[-1]):
        return (
            f"`w` {where} is a row of the matrix of eigenvectors: `np.linalg.eigh` returns the eigenvectors as "
            "its columns, `vectors[:, k]`."
        )
    if along(_top_eigenvector(np.corrcoef(X, rowvar=False))):
        return (
            f"`w` {where} maximises the variance of the standardised columns (the correlation matrix); the "
            "exercise asks for the variance of Xw in X's own units, with the covariance matrix S."
        )
    if _same_direction(unit, vectors[:, -1], _NEARLY):
        return (
            f"`w` {where} is close to the direction of largest variance but not on it: if it comes from an "
            "iterative search, tighten its tolerance, or solve Sw = λw exactly with `np.linalg.eigh`."
        )
    return (
        f"`w` {where} is not a stationary point of the Lagrangian: Sw is not parallel to w, so the gradient "
        "2Sw − 2λw cannot vanish for any λ."
    )


def _wrong_multiplier(lam: float, lam_given, w, X, values, where: str) -> str:
    """The message for a multiplier ``lam`` that is not the variance along the right direction w."""
    import numpy as np

    n = len(X)
    top = float(values[-1])

    def near(target: float) -> bool:
        return close_to(lam, float(target), lam_given, rtol=1e-6, atol=1e-12)

    projections = X @ w
    if near(-top):
        return (
            f"`lam` {where} has the wrong sign: with ℒ = wᵀSw − λ(wᵀw − 1) the condition is Sw = λw, so "
            "λ = wᵀSw, a variance, which is never negative."
        )
    if near(top * (n - 1) / n):
        return f"`lam` {where} divides by n: the sample covariance S, like `np.var(..., ddof=1)`, divides by n − 1."
    if near(2 * top):
        return (
            f"`lam` {where} is twice the variance along w: the gradient of the constraint wᵀw − 1 is 2w, just as "
            "the gradient of wᵀSw is 2Sw, and the two factors 2 cancel."
        )
    if near(np.sqrt(top)):
        return f"`lam` {where} is a standard deviation; the multiplier λ = wᵀSw is a variance."
    if near(top / values.sum()):
        return (
            f"`lam` {where} is the share of the total variance along w (scikit-learn's `explained_variance_ratio_`); "
            "the multiplier is the variance itself."
        )
    if near(np.sqrt(top * (n - 1))):
        return (
            f"`lam` {where} is the largest singular value of the centred data; the variance along w is its square "
            "divided by n − 1."
        )
    if near(values.sum()):
        return (
            f"`lam` {where} is the total variance of X (the sum of all eigenvalues of S); the multiplier is the "
            "variance along w alone."
        )
    if any(near(v) for v in values[:-1]):
        return (
            f"`lam` {where} is an eigenvalue of S, but not the one that belongs to your w: multiply Sw = λw by wᵀ "
            "to see which λ goes with w."
        )
    if near(projections @ projections / (n - 1)) or near(projections @ projections / n):
        return (
            f"`lam` {where} is the mean square of the projections Xw, not their variance: centre them (or X) "
            "first."
        )
    places = rounded_places(lam, top)
    if places is not None:
        return (
            f"`lam` {where} is right to {places} decimal place{'s' if places > 1 else ''}; give the unrounded "
            "value (do not round it), as the computation returns it."
        )
    return f"`lam` {where} is not the variance along your w: multiplying Sw = λw by wᵀ gives λ = wᵀSw."


@EXERCISES.exercise(
    "lagrange",
    title="Find the direction of maximum variance with a Lagrange multiplier",
    hints=(
        "Write the Lagrangian ℒ = wᵀSw − λ(wᵀw − 1) and set its gradient with respect to w to zero. The condition "
        "says what kind of vector w is for S; multiplying it by wᵀ says what λ is.",
        "Centre the columns of X and divide by n − 1 (that is `np.cov(X, rowvar=False)`), then use `np.linalg.eigh`: "
        "it returns the eigenvalues in ascending order and the eigenvectors as the *columns* of its second result. "
        "Which eigenvector makes wᵀSw = λ largest?",
        "`values, vectors = np.linalg.eigh(np.cov(X, rowvar=False))`, then `return vectors[:, -1], values[-1]`.",
    ),
)
def lagrange(max_variance_direction):
    import numpy as np

    _expect_function(max_variance_direction, "max_variance_direction")
    for X, where in _variance_cases():
        d = X.shape[1]
        result = call_learner(max_variance_direction, X.copy())
        w, lam, lam_given = _read_direction(result, d, where)
        if not np.isfinite(w).all():
            raise Incorrect(f"`w` {where} contains NaN or infinite values.")
        length = float(np.linalg.norm(w))
        if abs(length - 1) > 1e-5:
            raise Incorrect(
                f"`w` {where} is not a unit vector: the constraint is wᵀw = 1 (without it a longer w always has "
                "more variance), so divide w by its length, `np.linalg.norm(w)`."
            )
        S = _covariance(X)
        values, vectors = np.linalg.eigh(S)
        if not _same_direction(w / length, vectors[:, -1], _DIRECTION_TOL):
            raise Incorrect(_wrong_direction(w / length, X, vectors, where, _DIRECTION_TOL))
        if not math.isfinite(lam):
            raise Incorrect(f"`lam` {where} is NaN or infinite.")
        if not close_to(lam, float(values[-1]), lam_given, rtol=1e-6, atol=1e-12):
            raise Incorrect(_wrong_multiplier(lam, lam_given, vectors[:, -1], X, values, where))
    return (
        "w is the direction of largest variance (its sign is arbitrary: −w is as good) and λ is the variance "
        "along it, on the flowers and on four generated data sets of 2 to 6 columns."
    )


def _eigh_answer(matrix_of, pick_vector, pick_value):
    """A learner's function built on `np.linalg.eigh` of ``matrix_of(X)``, picking as told."""
    import numpy as np

    def max_variance_direction(X):
        values, vectors = np.linalg.eigh(matrix_of(X))
        return pick_vector(vectors), pick_value(values)

    return max_variance_direction


def _cov(X):
    import numpy as np

    return np.cov(X, rowvar=False)


@lagrange.wrong_answer
def lagrange_smallest_eigenvalue():
    return Answer.of(_eigh_answer(_cov, lambda V: V[:, 0], lambda v: v[0]))


@lagrange.wrong_answer
def lagrange_not_normalised():
    return Answer.of(_eigh_answer(_cov, lambda V: V[:, -1] * 3.0, lambda v: v[-1]))


@lagrange.wrong_answer
def lagrange_not_centred():
    return Answer.of(_eigh_answer(lambda X: X.T @ X / (len(X) - 1), lambda V: V[:, -1], lambda v: v[-1]))


@lagrange.wrong_answer
def lagrange_row_of_eigenvectors():
    return Answer.of(_eigh_answer(_cov, lambda V: V[-1], lambda v: v[-1]))


@lagrange.wrong_answer
def lagrange_standardised():
    import numpy as np

    return Answer.of(_eigh_answer(lambda X: np.corrcoef(X, rowvar=False), lambda V: V[:, -1], lambda v: v[-1]))


@lagrange.wrong_answer
def lagrange_multiplier_of_another_eigenvector():
    return Answer.of(_eigh_answer(_cov, lambda V: V[:, -1], lambda v: v[0]))


@lagrange.wrong_answer
def lagrange_total_variance():
    return Answer.of(_eigh_answer(_cov, lambda V: V[:, -1], lambda v: v.sum()))


@lagrange.wrong_answer
def lagrange_divides_by_n():
    import numpy as np

    def max_variance_direction(X):
        w = np.linalg.eigh(np.cov(X, rowvar=False))[1][:, -1]
        return w, np.var(X @ w)

    return Answer.of(max_variance_direction)


@lagrange.wrong_answer
def lagrange_standard_deviation():
    import numpy as np

    return Answer.of(_eigh_answer(_cov, lambda V: V[:, -1], lambda v: np.sqrt(v[-1])))


@lagrange.wrong_answer
def lagrange_pair_reversed():
    right = _eigh_answer(_cov, lambda V: V[:, -1], lambda v: v[-1])
    return Answer.of(lambda X: right(X)[::-1])


@lagrange.secret_values
def lagrange_secrets():
    import numpy as np

    values, vectors = np.linalg.eigh(_covariance(_flowers()))
    return [f"{values[-1]:.3f}", f"{values[-1]:.2f}"] + [f"{abs(v):.3f}" for v in vectors[:, -1]]


# --- 6. a judgement -------------------------------------------------------------------------

def _option_letter(answer):
    """An option written as "C", " c ", "C.", "(C)" or "Option C" read as its letter; anything else unchanged."""
    import re

    if isinstance(answer, str):
        match = re.fullmatch(r"\s*(?:option\s+)?\(?\s*([A-Za-z])\s*[.):]?\s*", answer, flags=re.IGNORECASE)
        if match:
            return match.group(1)
    return answer


JUDGEMENT_FEEDBACK = {
    "A": "central differences need two evaluations of the loss per weight, millions of passes for one gradient, "
    "and they are approximate: the step trades truncation against round-off error.",
    "B": "one forward-mode pass gives the derivative along one direction only; the whole gradient needs one pass "
    "per weight.",
    "D": "writing out a separate formula per weight repeats the shared sub-expressions in each of them; the "
    "formulas grow far larger than the loss, and evaluating them all costs far more than one pass.",
}


@EXERCISES.exercise(
    "judgement",
    title="Choose how to compute a neural network's gradient",
    hints=(
        "Count the passes through the network each method needs for one gradient of a single loss.",
        "Forward mode gives one directional derivative per pass. Which mode gives the derivatives of one output "
        "with respect to every input in one backward pass?",
        "Reverse mode: one forward pass that records the tape, one backward pass; it costs memory, not passes.",
    ),
)
def judgement(answer):
    expect_choice(_option_letter(answer), name="answer", correct="C", feedback=JUDGEMENT_FEEDBACK)
    return "reverse mode gives every partial derivative of one loss in one backward pass; backpropagation is it."


@judgement.wrong_answer
def judgement_central_differences():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_forward_mode():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_symbolic():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'C'", "Option C"]
