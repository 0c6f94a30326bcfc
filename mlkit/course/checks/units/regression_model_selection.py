"""Exercises of unit 15, regression and model selection (``solutions/15_regression_model_selection.ipynb``).

Data: :mod:`mlkit.datasets.diabetes`. The learner works with ``load()``;
models are scored on ``holdout()``, which no notebook uses. Exercise 4 uses
the development/test split the notebook makes with
``train_test_split(X, y, test_size=0.25, random_state=0)``; the checks make
the same split.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, call_learner
from mlkit.course.checks.kinds import (
    as_whole_number,
    expect_choice,
    expect_close,
    expect_estimator,
    expect_number,
    expect_pipeline,
    fit_copy,
    holdout_predictions,
)
from mlkit.course.checks.plain import plain

EXERCISES = ExerciseSet("regression-model-selection", "Regression and model selection")

CV_FOLDS = 5
SCORING = "neg_root_mean_squared_error"
DEPTHS = tuple(range(1, 11))
RIDGE_ALPHA = 10
TEST_SHARE = 0.25


# --- shared data and reference results (computed once, only when a check runs) ----


def _data():
    from mlkit.datasets import diabetes

    return diabetes.load()


def _holdout():
    from mlkit.datasets import diabetes

    return diabetes.holdout()


@lru_cache(maxsize=1)
def _split():
    from sklearn.model_selection import train_test_split

    X, y = _data()
    return tuple(train_test_split(X, y, test_size=TEST_SHARE, random_state=0))


def _rmse(y_true, y_pred) -> float:
    from sklearn.metrics import root_mean_squared_error

    return float(root_mean_squared_error(y_true, y_pred))


def _quiet(function, *args, **kwargs):
    """Run a check step without letting scikit-learn warnings reach the learner's notebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@lru_cache(maxsize=1)
def _linear_rmse() -> dict[str, float]:
    """Cross-validated, training and squared errors of linear regression on the learner's data."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_val_score

    X, y = _data()
    scores = cross_val_score(LinearRegression(), X, y, cv=CV_FOLDS, scoring=SCORING)
    mse = cross_val_score(LinearRegression(), X, y, cv=CV_FOLDS, scoring="neg_mean_squared_error")
    return {
        "cv": float(-scores.mean()),
        "train": _rmse(y, LinearRegression().fit(X, y).predict(X)),
        "mse": float(-mse.mean()),
    }


@lru_cache(maxsize=1)
def _depth_curve():
    """Mean training and validation RMSE of a decision tree for each depth in ``DEPTHS``."""
    from sklearn.model_selection import validation_curve
    from sklearn.tree import DecisionTreeRegressor

    X, y = _data()
    train, valid = validation_curve(
        DecisionTreeRegressor(random_state=0), X, y, param_name="max_depth", param_range=DEPTHS,
        cv=CV_FOLDS, scoring=SCORING,
    )
    return -train.mean(axis=1), -valid.mean(axis=1)


def reference_search():
    """The search exercise 4 asks for, not yet fitted: scaled Ridge, alpha on a log grid, RMSE."""
    import numpy as np
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return GridSearchCV(
        make_pipeline(StandardScaler(), Ridge()), {"ridge__alpha": np.logspace(-2, 3, 11)}, cv=CV_FOLDS, scoring=SCORING
    )


@lru_cache(maxsize=1)
def _fitted_reference_search():
    X_dev, _, y_dev, _ = _split()
    return reference_search().fit(X_dev, y_dev)


# --- 1. cross-validated error of linear regression -------------------------------------


@EXERCISES.exercise(
    "cv_rmse",
    title="Cross-validate the error of a linear regression",
    hints=(
        "`cross_val_score(model, X, y, cv=5, scoring=...)` returns one score per fold. The scoring for the "
        "root mean squared error is `\"neg_root_mean_squared_error\"`.",
        "scikit-learn negates errors so that larger is always better: flip the sign of the mean score.",
        "`rmse = -cross_val_score(LinearRegression(), X, y, cv=5, scoring=\"neg_root_mean_squared_error\").mean()`",
    ),
)
def cv_rmse(rmse):
    value = expect_number(rmse, name="rmse")
    reference = _linear_rmse()
    if value < 0:
        raise Incorrect(
            "`rmse` is negative, but an error cannot be: scikit-learn's error scorings return the error "
            "with its sign flipped, so that larger is better. Flip it back."
        )
    if abs(value - reference["mse"]) < 1e-6 * reference["mse"]:
        raise Incorrect(
            "`rmse` is in squared units of the target: that is the mean squared error. Use the scoring for the "
            "root of it, which is in the target's own units."
        )
    if abs(value - reference["train"]) < 1e-6 * reference["train"]:
        raise Incorrect(
            "`rmse` is the error on the rows the model was fitted on, which flatters it. Cross-validation "
            "scores each fold with a model that did not see it."
        )
    expect_close(value, reference["cv"], name="rmse", rtol=1e-6)
    return f"a typical error of {value:.1f} on rows the model did not see; the target's standard deviation is about 77."


@cv_rmse.wrong_answer
def cv_rmse_negated():
    return Answer.of(-_linear_rmse()["cv"])


@cv_rmse.wrong_answer
def cv_rmse_on_training_data():
    return Answer.of(_linear_rmse()["train"])


@cv_rmse.wrong_answer
def cv_rmse_squared():
    return Answer.of(_linear_rmse()["mse"])


@cv_rmse.secret_values
def cv_rmse_secrets():
    return [f"{_linear_rmse()['cv']:.2f}"]


# --- 2. a scaled ridge pipeline -------------------------------------------------------------


def _scalers():
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    return (StandardScaler, MinMaxScaler, RobustScaler)


def _expect_standardising(model, *, name: str) -> None:
    """The pipeline's scaler standardises: a StandardScaler that centres and divides by the standard deviation.

    The exercise asks to standardise; a min-max or robust scaler, or a StandardScaler that only
    centres, puts the features on other scales, and Ridge's penalty then weighs them differently.
    """
    from sklearn.preprocessing import StandardScaler

    scaler = model.steps[0][1] if getattr(model, "steps", None) else None
    if not isinstance(scaler, StandardScaler):
        kind = type(scaler).__name__ if scaler is not None else "no scaler"
        raise Incorrect(
            f"the first step of `{name}` is {kind}; the exercise asks to standardise the features "
            "(`StandardScaler()`: each feature to mean 0 and standard deviation 1)."
        )
    params = plain(call_learner(scaler.get_params))
    if not (params.get("with_mean", True) and params.get("with_std", True)):
        raise Incorrect(
            f"the StandardScaler of `{name}` has `with_mean={params.get('with_mean')}, with_std={params.get('with_std')}`; "
            "standardising both centres and divides by the standard deviation: keep the defaults."
        )


@EXERCISES.exercise(
    "ridge",
    title="Build a regularised model: scaling, then Ridge",
    hints=(
        "The penalty of Ridge compares coefficients with each other, so the features must be on one scale "
        "first. A pipeline chains the two steps.",
        "`make_pipeline(first_step, second_step)`: the scaler first, the model last. The penalty strength "
        "is Ridge's `alpha`.",
        "`ridge_model = make_pipeline(StandardScaler(), Ridge(alpha=10))`",
    ),
)
def ridge(ridge_model):
    from sklearn.linear_model import Ridge

    expect_pipeline(ridge_model, [_scalers(), Ridge], name="ridge_model", labels=["a scaler", "a Ridge regression"])
    _expect_standardising(ridge_model, name="ridge_model")
    alpha = plain(call_learner(ridge_model.steps[-1][1].get_params)).get("alpha")
    if alpha != RIDGE_ALPHA:
        raise Incorrect(f"the Ridge step has `alpha={alpha!r}`; the exercise asks for a penalty strength of {RIDGE_ALPHA}.")
    X, y = _data()
    X_hold, y_hold = _holdout()
    fitted = _quiet(fit_copy, ridge_model, X, y, name="ridge_model")
    error = _rmse(y_hold, holdout_predictions(fitted, X_hold, name="ridge_model"))
    baseline = _rmse(y_hold, [float(y.mean())] * len(y_hold))
    if error > 0.8 * baseline:
        raise Incorrect(
            f"fitted on the training data, `ridge_model` is off by {error:.1f} on held-out patients, hardly better "
            f"than predicting the mean ({baseline:.1f}). Check the steps' settings."
        )
    return f"fitted on the training data, it is off by {error:.1f} on held-out patients (predicting the mean: {baseline:.1f})."


@ridge.wrong_answer
def ridge_with_min_max_scaling():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    return Answer.of(make_pipeline(MinMaxScaler(), Ridge(alpha=RIDGE_ALPHA)))


@ridge.wrong_answer
def ridge_only_centred():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return Answer.of(make_pipeline(StandardScaler(with_std=False), Ridge(alpha=RIDGE_ALPHA)))


@ridge.wrong_answer
def ridge_without_scaling():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    return Answer.of(make_pipeline(Ridge(alpha=RIDGE_ALPHA)))


@ridge.wrong_answer
def ridge_with_lasso():
    from sklearn.linear_model import Lasso
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return Answer.of(make_pipeline(StandardScaler(), Lasso(alpha=RIDGE_ALPHA)))


@ridge.wrong_answer
def ridge_scaling_after_model():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Answer.of(Pipeline([("model", Ridge(alpha=RIDGE_ALPHA)), ("scale", StandardScaler())]))


@ridge.wrong_answer
def ridge_default_alpha():
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return Answer.of(make_pipeline(StandardScaler(), Ridge()))


# --- 3. reading a validation curve ------------------------------------------------------------


@EXERCISES.exercise(
    "best_depth",
    title="Choose a tree depth from a validation curve",
    hints=(
        "The best depth is where the error on the validation folds is lowest, whatever the training error does.",
        "`valid` holds negated errors, one row per depth and one column per fold: average each row, then find "
        "the depth with the *largest* negated error (the smallest error).",
        "`np.argmax(valid.mean(axis=1))` is a position in `depths`; `depths[...]` turns it into a depth.",
    ),
)
def best_depth(best_depth):
    import numpy as np

    depth = as_whole_number(best_depth, name="best_depth", what=f"one of the depths tried ({DEPTHS[0]} to {DEPTHS[-1]})")
    if depth not in DEPTHS:
        raise Incorrect(f"`best_depth` should be one of the depths tried ({DEPTHS[0]} to {DEPTHS[-1]}), not {depth}.")
    train, valid = _depth_curve()
    best = DEPTHS[int(np.argmin(valid))]
    if depth == best:
        return f"validation RMSE {valid.min():.1f} at that depth; deeper trees fit their training folds better and new data worse."
    lowest_train, highest_valid = depth == DEPTHS[int(np.argmin(train))], depth == DEPTHS[int(np.argmax(valid))]
    if lowest_train and highest_valid:
        raise Incorrect(
            "at that depth the *training* error is lowest and the validation error is highest. Choose by the "
            "validation scores, and remember they are negated errors: larger is better."
        )
    if highest_valid:
        raise Incorrect(
            "at that depth the mean validation error is the highest of the depths tried. The scores are negated "
            "errors: larger is better."
        )
    if lowest_train:
        raise Incorrect("at that depth the *training* error is lowest; choose by the validation scores.")
    where = "a deeper" if best > depth else "a shallower"
    raise Incorrect(
        f"at depth {depth} the mean validation RMSE is {valid[DEPTHS.index(depth)]:.1f}; {where} tree has a lower "
        "one, and the best depth is the one with the lowest mean validation error."
    )


@best_depth.wrong_answer
def best_depth_by_training_score():
    import numpy as np

    train, _ = _depth_curve()
    return Answer.of(DEPTHS[int(np.argmin(train))])


@best_depth.wrong_answer
def best_depth_position_not_depth():
    import numpy as np

    _, valid = _depth_curve()
    return Answer.of(int(np.argmin(valid)))


@best_depth.secret_values
def best_depth_secrets():
    import numpy as np

    _, valid = _depth_curve()
    return [f"depth {DEPTHS[int(np.argmin(valid))]}", f"{valid.min():.1f}"]


# --- 4. search on the development set, one honest test ---------------------------------------------


@EXERCISES.exercise(
    "search",
    title="Tune Ridge with cross-validated search, then test once",
    hints=(
        "`GridSearchCV(model, grid, cv=5, scoring=...)` is an estimator: fit it on the development set only.",
        "A step's parameter in a pipeline is named `<step>__<parameter>`; `make_pipeline` calls the Ridge step "
        "`ridge`. After `fit`, `search.predict` uses the best model, refitted on all of the development set.",
        "`search = GridSearchCV(make_pipeline(StandardScaler(), Ridge()), {\"ridge__alpha\": alphas}, cv=5, "
        "scoring=\"neg_root_mean_squared_error\").fit(X_dev, y_dev)`, then "
        "`test_rmse = root_mean_squared_error(y_test, search.predict(X_test))`.",
    ),
)
def search(search, test_rmse):
    if not (hasattr(search, "param_grid") or hasattr(search, "param_distributions")):
        expect_estimator(search, name="search")
        raise Incorrect(f"`search` should be a GridSearchCV (or another search), but it is a {type(search).__name__}.")
    if not hasattr(search, "best_estimator_"):
        raise Incorrect("`search` has not been fitted (or was created with `refit=False`): fit it on `X_dev, y_dev`.")
    X_dev, X_test, y_dev, y_test = _split()
    seen = getattr(search, "n_features_in_", None)
    if seen is not None and seen != X_dev.shape[1]:
        raise Incorrect(f"`search` was fitted on {seen} feature(s); the data has {X_dev.shape[1]}.")
    rows = _rows_seen(search.best_estimator_)
    if rows is not None and rows != len(X_dev):
        extra = " including the test rows: they are no longer unseen" if rows == len(X_dev) + len(X_test) else ""
        raise Incorrect(f"the best model of `search` was fitted on {rows} rows{extra}. Fit the search on `X_dev, y_dev` only.")
    _expect_standardising(search.best_estimator_, name="search")
    scoring = getattr(search, "scoring", None)
    if isinstance(scoring, str) and scoring != "neg_root_mean_squared_error":
        raise Incorrect(
            f"`search` ranks the candidates by `{scoring}`; the exercise asks for the root mean squared error "
            '(`scoring="neg_root_mean_squared_error"`).'
        )
    folds = getattr(search, "n_splits_", None)
    if folds is not None and folds != CV_FOLDS:
        raise Incorrect(f"`search` cross-validated each candidate on {folds} folds; the exercise asks for `cv={CV_FOLDS}`.")
    if search.best_score_ > 0:
        raise Incorrect(
            "the scores of `search` are positive, so it ranked the candidates by a score other than the error "
            "(by default, R²). Pass the scoring for the root mean squared error."
        )
    value = expect_number(test_rmse, name="test_rmse")
    expected = _rmse(y_test, call_learner(search.predict, X_test))
    if abs(value + search.best_score_) < 1e-6 * expected:
        raise Incorrect(
            "`test_rmse` is the cross-validated error of the best candidate (`best_score_`), measured on the "
            "development set. The final number comes from the test set."
        )
    if abs(value - _rmse(y_dev, call_learner(search.predict, X_dev))) < 1e-6 * expected:
        raise Incorrect("`test_rmse` measures the best model on the development rows it was fitted on; use the test rows.")
    if value < 0:
        raise Incorrect("`test_rmse` is negative, but an error cannot be.")
    expect_close(value, expected, name="test_rmse", rtol=1e-6)
    return (
        f"cross-validated RMSE {-search.best_score_:.1f} on the development set, {value:.1f} on the test set, "
        "measured once."
    )


def _rows_seen(model):
    """How many rows a fitted pipeline's scaler saw, or ``None`` when it cannot tell."""
    for _, step in getattr(model, "steps", []):
        count = getattr(step, "n_samples_seen_", None)
        if count is not None:
            import numpy as np

            return int(np.max(count))
    return None


@search.wrong_answer
def search_reports_cv_score():
    search = _fitted_reference_search()
    return Answer.of(search, -search.best_score_)


@search.wrong_answer
def search_fitted_on_all_data():
    X, y = _data()
    _, X_test, _, y_test = _split()
    search = _quiet(reference_search().fit, X, y)
    return Answer.of(search, _rmse(y_test, search.predict(X_test)))


@search.wrong_answer
def search_scored_on_development_set():
    search = _fitted_reference_search()
    X_dev, _, y_dev, _ = _split()
    return Answer.of(search, _rmse(y_dev, search.predict(X_dev)))


@search.wrong_answer
def search_with_six_folds():
    X_dev, X_test, y_dev, y_test = _split()
    search = _quiet(reference_search().set_params(cv=CV_FOLDS + 1).fit, X_dev, y_dev)
    return Answer.of(search, _rmse(y_test, search.predict(X_test)))


@search.wrong_answer
def search_default_scoring():
    X_dev, X_test, y_dev, y_test = _split()
    search = reference_search().set_params(scoring=None).fit(X_dev, y_dev)
    return Answer.of(search, _rmse(y_test, search.predict(X_test)))


@search.secret_values
def search_secrets():
    search = _fitted_reference_search()
    _, X_test, _, y_test = _split()
    return [f"{_rmse(y_test, search.predict(X_test)):.2f}"]


# --- 5. a judgement ---------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "no model was trained on the test rows, true, but the test set chose the winner among 30. The lowest "
    "of 30 noisy scores is lower than the chosen model's true error, so the number is optimistic.",
    "B": "the average describes a typical one of the 30 candidates, not the one that will be deployed, and "
    "the test set would still have been used to choose it.",
    "C": "the training error measures how well a model fits rows it has already seen; it says even less "
    "about new patients than an overused test set.",
}


@EXERCISES.exercise(
    "judgement",
    title="Judge a reported test error",
    hints=(
        "Ask what the test set was used for. Was it used once, or for a choice?",
        "If you pick the smallest of 30 noisy numbers, is that number a fair estimate of the winner's error?",
        "The fix is to make the choice without the test set, then measure the chosen model once on data "
        "that played no part in the choice.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="D", feedback=JUDGEMENT_FEEDBACK)
    return "a test set that chose the model no longer measures it; choose with cross-validation, test once."


@judgement.wrong_answer
def judgement_unbiased():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_training_error():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_average():
    return Answer.of("B")


@judgement.secret_values
def judgement_secrets():
    return ["'D'", "Option D"]
