"""Exercises of unit 02, linear algebra for ML (``solutions/02_linear_algebra.ipynb``).

Data: scikit-learn's bundled iris flowers and diabetes study, loaded by the
checks themselves. The least-squares exercise fits the iris flowers (petal width
from the three other measurements), not the lesson's diabetes model, so that its
answer is not printed in the lesson. Each exercise is a check function decorated with
``EXERCISES.exercise``; below it, builders of plausible wrong answers
(``@<exercise>.wrong_answer``) and the values no failure message may reveal
(``@<exercise>.secret_values``). The test suite runs all three against the
solution notebook.
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import expect_choice

EXERCISES = ExerciseSet("linear-algebra", "Linear algebra for ML")


# --- shared data and reference results (computed once, only when a check runs) ----


@lru_cache(maxsize=1)
def _iris():
    from sklearn.datasets import load_iris

    return load_iris().data


@lru_cache(maxsize=1)
def _diabetes():
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes()
    return bunch.data, bunch.target


def _width_from_sizes():
    """The least-squares exercise's data: three measurements of each iris flower, and its petal width."""
    X = _iris()
    return X[:, :3], X[:, 3]


@lru_cache(maxsize=1)
def _least_squares():
    import numpy as np

    X, y = _width_from_sizes()
    design = np.column_stack([np.ones(len(X)), X])
    return np.linalg.lstsq(design, y, rcond=None)[0]


def _angle(a, b) -> float:
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    cosine = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cosine, -1, 1))))


def _projection(v, onto):
    import numpy as np

    v, onto = np.asarray(v, dtype=float), np.asarray(onto, dtype=float)
    return (v @ onto) / (onto @ onto) * onto


def _number(result, call: str) -> float:
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        value = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`{call}` returned a {type(result).__name__}; a number is asked for.") from None
    if value.shape != ():
        raise Incorrect(f"`{call}` returned an array of shape {value.shape}; a single number is asked for.")
    return float(value)


def _vector(result, call: str, shape: tuple):
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        value = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`{call}` returned a {type(result).__name__}; an array of numbers is asked for.") from None
    if len(shape) == 1 and value.ndim == 2 and 1 in value.shape and value.size == shape[0]:
        value = value.reshape(-1)  # a column or row vector holds the same numbers
    if value.shape != shape:
        raise Incorrect(f"`{call}` returned shape {value.shape}; shape {shape} is asked for.")
    return value


# --- 1. angle between vectors --------------------------------------------------------


def _angle_cases():
    X = _iris()
    return (([1.0, 0.0], [0.0, 1.0]), ([3.0, 3.0], [2.0, 0.0]), ([1.0, 2.0], [-2.0, -4.0]), (X[0], X[100]))


@EXERCISES.exercise(
    "angle",
    title="Compute the angle between two vectors",
    hints=(
        "The dot product of two vectors equals the product of their norms times the cosine of the angle.",
        "Divide the dot product `a @ b` by the product of the two norms (`np.linalg.norm`) to get the cosine; "
        "`np.arccos` turns a cosine into an angle in radians, and `np.degrees` converts it.",
        "`cosine = a @ b / (np.linalg.norm(a) * np.linalg.norm(b))`, then "
        "`return np.degrees(np.arccos(np.clip(cosine, -1, 1)))`; the clip guards against rounding.",
    ),
)
def angle(angle_between):
    import math

    import numpy as np

    if not callable(angle_between):
        raise Incorrect(f"`angle_between` should be a function, but it is a {type(angle_between).__name__}.")
    for a, b in _angle_cases():
        shown = f"angle_between({np.round(a, 2).tolist()}, {np.round(b, 2).tolist()})"
        value = _number(call_learner(angle_between, np.asarray(a, dtype=float), np.asarray(b, dtype=float)), shown)
        expected = _angle(a, b)
        if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-6):
            continue
        if math.isnan(value):
            raise Incorrect(
                f"`{shown}` returned NaN: `np.arccos` got a value outside [-1, 1]. Did you divide the dot product "
                "by both norms?"
            )
        if math.isclose(value, math.radians(expected), rel_tol=1e-6, abs_tol=1e-9):
            raise Incorrect(f"`{shown}` looks like an angle in radians; the angle is asked for in degrees.")
        if math.isclose(value, math.cos(math.radians(expected)), rel_tol=1e-6, abs_tol=1e-9):
            raise Incorrect(f"`{shown}` returned the cosine of the angle, not the angle itself.")
        raise Incorrect(f"`{shown}` returned {value:.4g}, which is not the angle between the two vectors.")
    return "perpendicular vectors give 90°, opposite ones 180°."


@angle.wrong_answer
def angle_in_radians():
    import numpy as np

    def angle_between(a, b):
        return np.arccos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))

    return Answer.of(angle_between)


@angle.wrong_answer
def angle_cosine_only():
    import numpy as np

    def angle_between(a, b):
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    return Answer.of(angle_between)


@angle.wrong_answer
def angle_without_norms():
    import numpy as np

    def angle_between(a, b):
        with np.errstate(invalid="ignore"):
            return np.degrees(np.arccos(a @ b))

    return Answer.of(angle_between)


@angle.secret_values
def angle_secrets():
    X = _iris()
    return [f"{_angle(X[0], X[100]):.4g}"]


# --- 2. projection onto a vector -------------------------------------------------------


@EXERCISES.exercise(
    "project",
    title="Project a vector onto another",
    hints=(
        "The projection of `v` onto `onto` is a multiple of `onto`: the multiple that comes closest to `v`.",
        "The multiple is `(v @ onto) / (onto @ onto)`: the dot product, divided by the squared length of `onto`.",
        "`return (v @ onto) / (onto @ onto) * onto`",
    ),
)
def project(project):
    import numpy as np

    if not callable(project):
        raise Incorrect(f"`project` should be a function, but it is a {type(project).__name__}.")
    X = _iris()
    cases = (([2.0, 3.0], [4.0, 1.0]), ([1.0, 0.0, 0.0], [0.0, 0.0, 5.0]), (X[50], X[0]))
    for v, onto in cases:
        v, onto = np.asarray(v, dtype=float), np.asarray(onto, dtype=float)
        shown = f"project({np.round(v, 2).tolist()}, {np.round(onto, 2).tolist()})"
        result = call_learner(project, v.copy(), onto.copy())
        if result is not Ellipsis and np.ndim(result) == 0 and not isinstance(result, (str, bytes)):
            raise Incorrect(
                f"`{shown}` returned a single number: that is how many times `onto` fits, not the projected "
                "vector. Multiply it by `onto`."
            )
        value = _vector(result, shown, v.shape)
        expected = _projection(v, onto)
        if np.allclose(value, expected):
            continue
        if np.allclose(value, (v @ onto) * onto):
            raise Incorrect(
                f"`{shown}` is right only when `onto` has length 1: divide by `onto @ onto`, its squared length."
            )
        if np.allclose(value, _projection(onto, v)):
            raise Incorrect(f"`{shown}` projects `onto` onto `v`: the arguments are used the other way round.")
        raise Incorrect(f"`{shown}` is not the projection of `v` onto `onto`.")
    return "the residual `v - project(v, onto)` is perpendicular to `onto`."


@project.wrong_answer
def project_unnormalised():
    def project(v, onto):
        return (v @ onto) * onto

    return Answer.of(project)


@project.wrong_answer
def project_coefficient_only():
    def project(v, onto):
        return (v @ onto) / (onto @ onto)

    return Answer.of(project)


@project.wrong_answer
def project_swapped():
    def project(v, onto):
        return (onto @ v) / (v @ v) * v

    return Answer.of(project)


# --- 3. least squares ----------------------------------------------------------------


@EXERCISES.exercise(
    "least_squares",
    title="Solve a least-squares problem with NumPy",
    hints=(
        "Add a column of ones in front of `X_sizes` so that one weight acts as the intercept: `np.column_stack`.",
        "`np.linalg.lstsq` takes the design matrix and the target (and `rcond=None`) and returns four things; the "
        "weights are the first.",
        "`design = np.column_stack([np.ones(len(X_sizes)), X_sizes])` and "
        "`w = np.linalg.lstsq(design, width, rcond=None)[0]`.",
    ),
)
def least_squares(w):
    import numpy as np

    expected = _least_squares()
    try:
        value = np.asarray(w, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`w` should be an array of numbers, but it is a {type(w).__name__}.") from None
    if value.ndim == 2 and 1 in value.shape:
        value = value.reshape(-1)  # a column or row vector holds the same weights
    if value.ndim != 1:
        raise Incorrect(f"`w` has shape {value.shape}; one weight per column of the design matrix is asked for.")
    if value.shape[0] == expected.shape[0] - 1:
        raise Incorrect(
            f"`w` has {value.shape[0]} weights, one per feature but none for the intercept: the design matrix "
            "needs a column of ones."
        )
    if value.shape != expected.shape:
        raise Incorrect(f"`w` has {value.shape[0]} weights; the design matrix has {expected.shape[0]} columns.")
    if np.allclose(value, np.roll(expected, -1)):
        raise Incorrect("`w` has the intercept last; put the column of ones first, so that `w[0]` is the intercept.")
    if not np.allclose(value, expected, rtol=1e-6, atol=1e-6):
        X, y = _width_from_sizes()
        design = np.column_stack([np.ones(len(X)), X])
        error = ((y - design @ value) ** 2).sum()
        best = ((y - design @ expected) ** 2).sum()
        raise Incorrect(
            f"`w` is not the least-squares solution: its sum of squared errors is {error / best:.2f} times the "
            "smallest possible."
        )
    return f"intercept {value[0]:.2f}, and the residual is perpendicular to every column."


@least_squares.wrong_answer
def least_squares_without_intercept():
    import numpy as np

    X, y = _width_from_sizes()
    return Answer.of(np.linalg.lstsq(X, y, rcond=None)[0])


@least_squares.wrong_answer
def least_squares_intercept_last():
    import numpy as np

    X, y = _width_from_sizes()
    return Answer.of(np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0])


@least_squares.wrong_answer
def least_squares_mean_only():
    import numpy as np

    X, y = _width_from_sizes()
    return Answer.of(np.concatenate([[y.mean()], np.zeros(X.shape[1])]))


@least_squares.secret_values
def least_squares_secrets():
    return [f"{_least_squares()[0]:.2f}"]


# --- 4. a linear model is a matrix product ---------------------------------------------


@EXERCISES.exercise(
    "predict",
    title="Write a linear model's predictions as a matrix product",
    hints=(
        "A linear model predicts each sample as a weighted sum of its features, plus the intercept.",
        "A weighted sum of every row at once is a matrix-vector product: `X @ coef` has one value per row.",
        "`return X @ coef + intercept`",
    ),
)
def predict(linear_predict):
    import numpy as np

    if not callable(linear_predict):
        raise Incorrect(f"`linear_predict` should be a function, but it is a {type(linear_predict).__name__}.")
    for X, coef, intercept, which in _predict_cases():
        value = _predictions(linear_predict, X, coef, intercept)
        expected = X @ coef + intercept
        if np.allclose(value, expected):
            continue
        if np.allclose(value, expected - intercept):
            raise Incorrect("`linear_predict` leaves out the intercept.")
        if np.allclose(_predictions(linear_predict, X, coef, intercept + 10.0), value):
            raise Incorrect(
                f"`linear_predict` returns the same predictions whatever `intercept` it is given ({which}): "
                "the predictions should move up and down with the `intercept` argument."
            )
        raise Incorrect(
            f"`linear_predict` does not give the predictions of the linear model with these weights ({which})."
        )
    return "your function gives the same predictions as `LinearRegression.predict`."


def _predict_cases():
    """(X, coef, intercept, description): the diabetes model, then features that are not centred."""
    import numpy as np
    from sklearn.linear_model import LinearRegression

    X, y = _diabetes()
    model = LinearRegression().fit(X, y)
    rng = np.random.default_rng(7)
    uncentred = rng.normal(loc=[3.0, -2.0, 10.0, 0.5], scale=[1.0, 2.0, 0.5, 3.0], size=(25, 4))
    coef = np.array([0.5, -1.5, 2.0, 0.25])
    where = "tested on features whose columns do not have mean 0"
    return (
        (X, model.coef_, float(model.intercept_), "tested on the diabetes data"),
        (uncentred, coef, -3.5, where),
        (uncentred, coef, 12.0, where),
        (uncentred, coef, 0.0, where),
    )


def _predictions(linear_predict, X, coef, intercept):
    import numpy as np

    result = call_learner(linear_predict, X.copy(), coef.copy(), intercept)
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        value = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`linear_predict` returned a {type(result).__name__}; an array of numbers is asked for.") from None
    if value.shape == X.shape:
        raise Incorrect(
            f"`linear_predict` returned shape {value.shape}, one value per feature of every sample: `*` multiplies "
            "entry by entry. One prediction per sample needs a matrix product."
        )
    if value.ndim == 2 and 1 in value.shape and value.size == len(X):
        value = value.reshape(-1)  # a column or row vector holds the same predictions
    if value.shape != (len(X),):
        raise Incorrect(f"`linear_predict` returned shape {value.shape}; one prediction per row of `X` is asked for.")
    return value


@predict.wrong_answer
def predict_elementwise():
    def linear_predict(X, coef, intercept):
        return X * coef + intercept

    return Answer.of(linear_predict)


@predict.wrong_answer
def predict_without_intercept():
    def linear_predict(X, coef, intercept):
        return X @ coef

    return Answer.of(linear_predict)


@predict.wrong_answer
def predict_mean_of_y_instead_of_intercept():
    y_mean = float(_diabetes()[1].mean())

    def linear_predict(X, coef, intercept):
        return X @ coef + y_mean  # right only when the columns of X have mean 0

    return Answer.of(linear_predict)


@predict.wrong_answer
def predict_mean_only():
    def linear_predict(X, coef, intercept):
        return intercept + 0 * X[:, 0]

    return Answer.of(linear_predict)


# --- 5. a judgement -----------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "B": "nothing in the data needs cleaning: both fits predict all the patients equally well. What changes is how the "
    "weight is shared between columns that carry the same information.",
    "C": "`LinearRegression` solves least squares exactly, without iterations, so there is nothing to converge; "
    "more iterations would not change its weights.",
    "D": "scaling changes the size of each weight but not the fact that one column is (almost) a sum of two "
    "others; the weights would stay just as unstable.",
}


@EXERCISES.exercise(
    "judgement",
    title="Explain unstable weights",
    hints=(
        "Compare the new column with the columns `s1` and `s2`. What is it, nearly?",
        "When one column is (almost) a weighted sum of others, many different weight vectors give (almost) the "
        "same predictions. Look at the rank in the lesson's last section.",
        "The weights are not determined by the data; drop the redundant column or regularise.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="A", feedback=JUDGEMENT_FEEDBACK)
    return "nearly dependent columns make individual weights meaningless, even when the predictions are fine."


@judgement.wrong_answer
def judgement_dirty_data():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_convergence():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_scaling():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'A'", "Option A"]
