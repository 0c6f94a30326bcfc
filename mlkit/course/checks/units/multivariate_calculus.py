"""Exercises of unit 06, multivariate calculus and automatic differentiation (``solutions/06_multivariate_calculus.ipynb``).

Data: the exercises use functions the lesson does not differentiate, and the logistic-loss
exercise uses scikit-learn's bundled iris flowers (is a flower *virginica*?) instead of the
lesson's tumours. Functions are judged at many points and on generated data sets that the
learner does not hold (uncentred, rescaled, other sizes), against the analytic derivative;
the reference forward mode is :mod:`mlkit.topics.autodiff`.

Each exercise is a check function decorated with ``EXERCISES.exercise``; below it, builders
of plausible wrong answers (``@<exercise>.wrong_answer``) and the values no failure message
may reveal (``@<exercise>.secret_values``). The test suite runs all three against the
solution notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import FLOAT32_RTOL, expect_choice, expect_number, returned_array, tolerance_for

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


# --- 2. a Jacobian ----------------------------------------------------------------------


def _jacobian(p):
    import numpy as np

    x, y, z = (float(v) for v in p)
    return np.array([[y * z, x * z, x * y], [2 * x, z * math.cos(y * z), y * math.cos(y * z)]])


_JACOBIAN_POINTS = ((1.0, 2.0, 0.5), (-0.7, 1.3, 2.1), (2.5, -0.4, 1.1), (0.2, 3.0, -1.6), (1.8, 0.9, 0.0))


@EXERCISES.exercise(
    "jacobian",
    title="Write the Jacobian of a vector function",
    hints=(
        "F has two outputs and three inputs, so its Jacobian has one row per output and one column per input: "
        "shape (2, 3).",
        "Row i holds the partial derivatives of output i with respect to x, y and z in turn; for sin(y·z) the "
        "chain rule multiplies cos(y·z) by the slope of y·z along each variable. Check against `numerical_jacobian`.",
        "`return np.array([[y * z, x * z, x * y], [2 * x, z * np.cos(y * z), y * np.cos(y * z)]])`",
    ),
)
def jacobian(jacobian):
    import numpy as np

    _expect_function(jacobian, "jacobian")
    for point in _JACOBIAN_POINTS:
        shown = f"jacobian(np.array({list(point)}))"
        result = call_learner(jacobian, np.array(point))
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        try:
            array = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect(f"`{shown}` returned a {type(result).__name__}; a (2, 3) array is asked for.") from None
        if array.shape == (3, 2):
            raise Incorrect(
                f"`{shown}` has shape (3, 2): a Jacobian has one row per output and one column per input."
            )
        array = returned_array(result, name=f"`{shown}`", shape=(2, 3))
        expected = _jacobian(point)
        if _close(array, expected, result):
            continue
        wrong = ~np.isclose(array, expected, rtol=tolerance_for(result, 1e-7), atol=1e-9)
        rows = sorted({int(i) for i in np.argwhere(wrong)[:, 0]})
        where = " and ".join(f"row {i} ({'x·y·z' if i == 0 else 'x² + sin(y·z)'})" for i in rows)
        raise Incorrect(f"`{shown}` has {int(wrong.sum())} wrong entries, in {where}.")
    return "one row per output, one column per input, right at five points."


@jacobian.wrong_answer
def jacobian_transposed():
    return Answer.of(lambda p: _jacobian(p).T)


@jacobian.wrong_answer
def jacobian_without_inner_slope():
    import numpy as np

    def jacobian(p):
        x, y, z = p
        return np.array([[y * z, x * z, x * y], [2 * x, np.cos(y * z), np.cos(y * z)]])

    return Answer.of(jacobian)


@jacobian.wrong_answer
def jacobian_columns_swapped():
    return Answer.of(lambda p: _jacobian(p)[:, ::-1])


# --- 3. the gradient of the logistic loss ------------------------------------------------


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


# --- 4. a forward-mode step ---------------------------------------------------------------

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


# --- 5. a Hessian and convexity -------------------------------------------------------------


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
