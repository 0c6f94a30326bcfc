"""Exercises of unit 24, the capstone project (``solutions/24_capstone.ipynb``).

Data: :mod:`mlkit.topics.capstone`, the Palmer penguins whose sex is known. The learner works with
``load()``, split as the notebook gives it (a quarter for the test, stratified,
``random_state=0``); scores of the learner's pipeline are measured on ``holdout()``, which no
notebook uses.

Each exercise is a check function decorated with ``EXERCISES.exercise``; below it, builders of
plausible wrong answers (``@<exercise>.wrong_answer``) and the values no failure message may
reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, call_learner
from mlkit.course.checks.kinds import (
    expect_close,
    expect_estimator,
    expect_fitted,
    expect_number,
    expect_score,
    expect_type,
    fit_copy,
    holdout_predictions,
)

EXERCISES = ExerciseSet("capstone", "Capstone: an end-to-end project")

TEST_SHARE = 0.25
FOLDS = 5
CANDIDATES = ("logistic", "forest", "knn")
AT_LEAST = 0.85


# --- shared data and reference results (computed once, only when a check runs) ----------


def _quiet(function, *args, **kwargs):
    """Run a check step without letting scikit-learn warnings reach the learner's notebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@lru_cache(maxsize=1)
def _split():
    """The notebook's split of the learner's part: X_train, X_test, y_train, y_test."""
    from sklearn.model_selection import train_test_split

    from mlkit.topics import capstone

    X, y = capstone.load()
    return tuple(train_test_split(X, y, test_size=TEST_SHARE, stratify=y, random_state=0))


def _holdout():
    from mlkit.topics import capstone

    return capstone.holdout()


def prepare():
    """The notebook's preparation: impute and scale the numbers, one-hot encode the categories."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from mlkit.topics import capstone

    return ColumnTransformer([
        ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), capstone.NUMERIC),
        ("categories", OneHotEncoder(handle_unknown="ignore"), capstone.CATEGORICAL),
    ])


def candidate(name: str):
    """One of the candidate models the exercise notebook compares, unfitted."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline

    models = {
        "logistic": LogisticRegression(max_iter=1000),
        "forest": RandomForestClassifier(n_estimators=100, random_state=0),
        "knn": KNeighborsClassifier(n_neighbors=15),
    }
    return make_pipeline(prepare(), models[name])


def _folds():
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)


@lru_cache(maxsize=1)
def _cv_means() -> dict:
    from sklearn.model_selection import cross_val_score

    X_train, _, y_train, _ = _split()
    return {name: float(cross_val_score(candidate(name), X_train, y_train, cv=_folds()).mean()) for name in CANDIDATES}


@lru_cache(maxsize=1)
def _fitted_scores() -> dict:
    """Per candidate, fitted on the training set: (accuracy on the training set, on the test set)."""
    X_train, X_test, y_train, y_test = _split()
    scores = {}
    for name in CANDIDATES:
        model = candidate(name).fit(X_train, y_train)
        scores[name] = (float(model.score(X_train, y_train)), float(model.score(X_test, y_test)))
    return scores


def _final_model():
    X_train, _, y_train, _ = _split()
    return candidate("logistic").fit(X_train, y_train)


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


# --- 1. a baseline -------------------------------------------------------------------------------


@EXERCISES.exercise(
    "baseline",
    title="Score a baseline that learns nothing",
    hints=(
        "scikit-learn's `DummyClassifier` ignores the features; with `strategy=\"most_frequent\"` it always "
        "predicts the sex that is most common in the data it was fitted on.",
        "Fit it on the training set, then score it on the test set: `.score(X_test, y_test)` is the accuracy.",
        "`baseline = DummyClassifier(strategy=\"most_frequent\").fit(X_train, y_train)` and "
        "`baseline_accuracy = baseline.score(X_test, y_test)`.",
    ),
)
def baseline(baseline, baseline_accuracy):
    from sklearn.dummy import DummyClassifier

    expect_estimator(baseline, name="baseline", classifier=True)
    if not isinstance(baseline, DummyClassifier):
        raise Incorrect(
            f"`baseline` is a {type(baseline).__name__}, a model that learns from the features. A baseline learns "
            "nothing, so that it shows what any real model has to beat: use a `DummyClassifier`."
        )
    expect_fitted(baseline, name="baseline")
    if baseline.strategy not in ("most_frequent", "prior"):
        raise Incorrect(
            f"`baseline` uses strategy={baseline.strategy!r}, which does not always give the same answer; the "
            "baseline asked for always predicts the most frequent sex."
        )
    accuracy = expect_number(baseline_accuracy, name="baseline_accuracy")
    X_train, X_test, y_train, y_test = _split()
    reference = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
    if _close(accuracy, reference.score(X_train, y_train)) and not _close(accuracy, reference.score(X_test, y_test)):
        raise Incorrect(
            "`baseline_accuracy` is the accuracy on the training set; measure it on the test set, as you will "
            "measure the real model."
        )
    expect_close(accuracy, reference.score(X_test, y_test), name="baseline_accuracy")
    return f"always guessing one sex is right {accuracy:.1%} of the time: that is the score to beat."


@baseline.wrong_answer
def baseline_is_a_real_model():
    from sklearn.linear_model import LogisticRegression

    X_train, X_test, y_train, y_test = _split()
    numbers = X_train.select_dtypes("number")
    model = LogisticRegression(max_iter=1000).fit(numbers, y_train)
    return Answer.of(model, model.score(X_test[numbers.columns], y_test))


@baseline.wrong_answer
def baseline_guesses_at_random():
    from sklearn.dummy import DummyClassifier

    X_train, X_test, y_train, y_test = _split()
    model = DummyClassifier(strategy="uniform", random_state=0).fit(X_train, y_train)
    return Answer.of(model, model.score(X_test, y_test))


@baseline.wrong_answer
def baseline_scored_on_training_set():
    from sklearn.dummy import DummyClassifier

    X_train, _, y_train, _ = _split()
    model = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
    return Answer.of(model, model.score(X_train, y_train))


@baseline.wrong_answer
def baseline_not_fitted():
    from sklearn.dummy import DummyClassifier

    return Answer.of(DummyClassifier(strategy="most_frequent"), 0.5)


# --- 2. a pipeline for mixed data ----------------------------------------------------------------


def _columns_used(transformer) -> set:
    """The input columns a fitted ColumnTransformer passes on (not dropped)."""
    used = set()
    for name, step, columns in transformer.transformers_:
        if isinstance(step, str) and step == "drop":
            continue
        if isinstance(columns, str):
            columns = [columns]
        used |= {transformer.feature_names_in_[c] if isinstance(c, int) else c for c in columns}
    return used


@EXERCISES.exercise(
    "pipeline",
    title="Build a pipeline that prepares raw penguins and predicts their sex",
    hints=(
        "A `ColumnTransformer` sends the numeric and the categorical columns through different steps; "
        "`make_pipeline(preparation, model)` puts the model after it.",
        "Numbers: `make_pipeline(SimpleImputer(strategy=\"median\"), StandardScaler())`. Categories: "
        "`OneHotEncoder(handle_unknown=\"ignore\")`, so that an island the model never saw does not stop it.",
        "`model = make_pipeline(ColumnTransformer([(\"numbers\", make_pipeline(SimpleImputer(strategy=\"median\"), "
        "StandardScaler()), numeric), (\"categories\", OneHotEncoder(handle_unknown=\"ignore\"), categorical)]), "
        "LogisticRegression(max_iter=1000))`",
    ),
)
def pipeline(model):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    from mlkit.topics import capstone

    expect_estimator(model, name="model", classifier=True)
    expect_type(model, Pipeline, name="model", what="a Pipeline: preparation first, then the model")
    if not isinstance(model.steps[0][1], ColumnTransformer):
        raise Incorrect(
            f"the first step of `model` is a {type(model.steps[0][1]).__name__}; the raw table mixes text and "
            "numbers, so the first step should be a `ColumnTransformer` that prepares each kind of column."
        )
    X, y = capstone.load()
    fitted = _quiet(fit_copy, model, X, y, name="model")
    missing = [c for c in capstone.FEATURES if c not in _columns_used(fitted.steps[0][1])]
    if missing:
        raise Incorrect(
            f"the pipeline leaves out the column(s) {', '.join(repr(c) for c in missing)}; the model should use "
            "every feature of the table."
        )
    X_hold, y_hold = _holdout()
    new_island = X_hold.head(1).assign(island="Anvers")
    try:
        _quiet(fitted.predict, new_island)
    except Exception:
        raise Incorrect(
            "the fitted pipeline fails on a penguin from an island it never saw in training; in the field that "
            "stops every prediction. Tell the encoder what to do with unknown categories."
        ) from None
    no_mass = X_hold.head(1).assign(body_mass_g=float("nan"))
    try:
        _quiet(fitted.predict, no_mass)
    except Exception:
        raise Incorrect(
            "the fitted pipeline fails on a penguin whose body mass was not recorded (the scales broke); "
            "fill missing measurements inside the pipeline."
        ) from None
    _expect_median_filling(fitted, X, X_hold.head(5))
    score = _quiet(expect_score, fitted, X_hold, y_hold, name="model", at_least=AT_LEAST, baseline=0.51)
    return f"fitted on your part of the data, it is right for {score:.1%} of penguins it never saw."


def _expect_median_filling(fitted, X, rows) -> None:
    """A missing measurement gets the same prediction as that column's median in ``X`` (the fitting data).

    Judged on the fitted pipeline's scores, so any arrangement of imputer and scaler that fills with
    the median passes.
    """
    import numpy as np

    from mlkit.topics import capstone

    for column in capstone.NUMERIC:
        missing = _quiet(_scores, fitted, rows.assign(**{column: float("nan")}))
        median = _quiet(_scores, fitted, rows.assign(**{column: float(X[column].median())}))
        if missing.shape != median.shape or not np.allclose(missing, median, rtol=1e-6, atol=1e-9):
            raise Incorrect(
                f"the fitted pipeline treats a missing {column!r} differently from that column's median in the "
                "rows it was fitted on; the exercise asks for a median `SimpleImputer` on the numeric columns."
            )


def _scores(model, rows):
    """The model's probabilities for ``rows`` (its decisions when it has no probabilities)."""
    import numpy as np

    for method in ("predict_proba", "decision_function", "predict"):
        if hasattr(model, method):
            return np.asarray(call_learner(getattr(model, method), rows))
    return np.asarray([])


def _pipeline(*, categorical=True, unknown="ignore", impute=True, strategy="median"):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from mlkit.topics import capstone

    numbers = make_pipeline(SimpleImputer(strategy=strategy), StandardScaler()) if impute else StandardScaler()
    parts = [("numbers", numbers, capstone.NUMERIC)]
    if categorical:
        parts.append(("categories", OneHotEncoder(handle_unknown=unknown), capstone.CATEGORICAL))
    return make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=1000))


@pipeline.wrong_answer
def pipeline_numbers_only():
    return Answer.of(_pipeline(categorical=False))


@pipeline.wrong_answer
def pipeline_unknown_island_fails():
    return Answer.of(_pipeline(unknown="error"))


@pipeline.wrong_answer
def pipeline_without_imputer():
    return Answer.of(_pipeline(impute=False))


@pipeline.wrong_answer
def pipeline_mean_imputer():
    return Answer.of(_pipeline(strategy="mean"))


@pipeline.wrong_answer
def pipeline_model_only():
    from sklearn.linear_model import LogisticRegression

    return Answer.of(LogisticRegression(max_iter=1000))


# --- 3. model selection with cross-validation ----------------------------------------------------


@EXERCISES.exercise(
    "select",
    title="Choose a model by cross-validation on the training set",
    hints=(
        "For each candidate, `cross_val_score(model, X_train, y_train, cv=folds)` gives five accuracies; "
        "keep their mean. The test set stays out of it.",
        "A dictionary comprehension builds all means at once; `max(cv_means, key=cv_means.get)` is the name "
        "with the highest mean.",
        "`cv_means = {name: cross_val_score(m, X_train, y_train, cv=folds).mean() for name, m in "
        "candidates.items()}` and `best = max(cv_means, key=cv_means.get)`.",
    ),
)
def select(cv_means, best):
    import numbers

    expect_type(cv_means, dict, name="cv_means", what="a dict from candidate name to mean accuracy")
    if set(cv_means) != set(CANDIDATES):
        raise Incorrect(
            f"`cv_means` has the key(s) {', '.join(repr(k) for k in cv_means) or 'none'}; it should have one per "
            f"candidate: {', '.join(repr(k) for k in CANDIDATES)}."
        )
    means, fitted = _cv_means(), _fitted_scores()
    for name in CANDIDATES:
        value = cv_means[name]
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise Incorrect(f"`cv_means[{name!r}]` should be a number (the mean of the fold scores).")
        train, test = fitted[name]
        if _close(value, train) and not _close(value, means[name]):
            raise Incorrect(
                f"`cv_means[{name!r}]` is the accuracy on the very rows the model was fitted on, which flatters "
                "it; cross-validation scores each fold with a model that did not see it."
            )
        if _close(value, test) and not _close(value, means[name]):
            raise Incorrect(
                f"`cv_means[{name!r}]` is the accuracy on the test set. Choosing a model by its test score uses "
                "up the test set: keep it for one final check, and choose by cross-validation on the training set."
            )
        if not _close(value, means[name]):
            raise Incorrect(
                f"`cv_means[{name!r}]` is not the mean accuracy of {name!r} over the folds `folds` on the training "
                "set; pass `cv=folds`, so that every candidate meets the same folds."
            )
    if best not in CANDIDATES:
        raise Incorrect(f"`best` is {best!r}; it should be the name of one of the candidates.")
    if not _close(cv_means[best], max(means.values())):
        raise Incorrect(f"`best` is {best!r}, but another candidate has a higher mean cross-validated accuracy.")
    return f"{best!r} has the highest mean accuracy over the folds ({cv_means[best]:.3f})."


def _means_from(index: int) -> dict:
    return {name: scores[index] for name, scores in _fitted_scores().items()}


@select.wrong_answer
def select_by_training_accuracy():
    means = _means_from(0)
    return Answer.of(means, max(means, key=means.get))


@select.wrong_answer
def select_by_test_accuracy():
    means = _means_from(1)
    return Answer.of(means, max(means, key=means.get))


@select.wrong_answer
def select_with_unshuffled_folds():
    from sklearn.model_selection import cross_val_score

    X_train, _, y_train, _ = _split()
    means = {name: float(cross_val_score(candidate(name), X_train, y_train, cv=FOLDS).mean()) for name in CANDIDATES}
    return Answer.of(means, max(means, key=means.get))


@select.wrong_answer
def select_lowest():
    means = dict(_cv_means())
    return Answer.of(means, min(means, key=means.get))


@select.secret_values
def select_secrets():
    means = _cv_means()
    return [repr(max(means, key=means.get))]


# --- 4. save and load with joblib ----------------------------------------------------------------


@EXERCISES.exercise(
    "roundtrip",
    title="Save the fitted pipeline with joblib and load it back",
    hints=(
        "`joblib.dump(obj, path)` writes an object to a file; `joblib.load(path)` reads it back as a new object.",
        "Four steps: make a temporary folder (wrap `tempfile.mkdtemp()` in a `Path`, so that `/` joins paths), "
        "dump the model to a file inside it, load that file into `loaded`, then delete the folder and all it "
        "holds with `shutil`'s function for removing a whole tree.",
        "`folder = Path(tempfile.mkdtemp())`, `joblib.dump(final_model, folder / \"penguin_sex.joblib\")`, "
        "`loaded = joblib.load(folder / \"penguin_sex.joblib\")`, then `shutil.rmtree(folder)`.",
    ),
)
def roundtrip(loaded, final_model):
    import numpy as np

    expect_estimator(final_model, name="final_model", classifier=True)
    expect_fitted(final_model, name="final_model")
    if loaded is final_model:
        raise Incorrect(
            "`loaded` is the very object `final_model`, not a copy read from the file: load it with `joblib.load`."
        )
    expect_estimator(loaded, name="loaded")
    if type(loaded) is not type(final_model):
        raise Incorrect(
            f"`loaded` is a {type(loaded).__name__}, but `final_model` is a {type(final_model).__name__}: save the "
            "whole pipeline, preparation included, or the loaded model cannot read raw penguins."
        )
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(loaded)
    except NotFittedError:
        raise Incorrect(
            "`loaded` is not fitted: the file holds the pipeline as it was before fitting. Save `final_model` "
            "after it has been fitted."
        ) from None
    X_hold, _ = _holdout()
    mine = np.asarray(_quiet(call_learner, final_model.predict, X_hold))
    theirs = np.asarray(_quiet(call_learner, loaded.predict, X_hold))
    different = int((mine != theirs).sum())
    if different:
        raise Incorrect(
            f"`loaded` predicts differently from `final_model` for {different} of {len(X_hold)} penguins: save "
            "`final_model` itself, after fitting, and load that same file."
        )
    return f"the loaded pipeline gives the same sex as the original for all {len(X_hold)} held-out penguins."


@roundtrip.wrong_answer
def roundtrip_same_object():
    model = _final_model()
    return Answer.of(model, model)


@roundtrip.wrong_answer
def roundtrip_saved_last_step_only():
    model = _final_model()
    return Answer.of(model[-1], model)


@roundtrip.wrong_answer
def roundtrip_saved_before_fitting():
    return Answer.of(candidate("logistic"), _final_model())


@roundtrip.wrong_answer
def roundtrip_other_model():
    X_train, _, y_train, _ = _split()
    return Answer.of(candidate("knn").fit(X_train, y_train), _final_model())


# --- 5. a model card -------------------------------------------------------------------------------


@EXERCISES.exercise(
    "card",
    title="Write a model card with limitations",
    hints=(
        "A model card is a dict with the fields 'intended_use', 'data', 'metric', 'test_accuracy' and "
        "'limitations'; `capstone.card_problems(model_card)` tells you what is still missing.",
        "The accuracy on the card is measured once, on the test set, with the final model; limitations are a "
        "list of at least two sentences (what data the model has not seen, which birds it gets wrong...).",
        "`test_accuracy = final_model.score(X_test, y_test)`; limitations such as \"trained only on three islands "
        "in 2007-2009\" and \"less accurate for Chinstrap penguins, the smallest group\".",
    ),
)
def card(model_card, final_model):
    from mlkit.topics import capstone

    problems = capstone.card_problems(model_card)
    if problems:
        problem = problems[0]
        raise Incorrect(f"{problem[0].upper()}{problem[1:]}.")
    if _one_sex(model_card["metric"]):
        raise Incorrect(
            f"the card's metric is {model_card['metric']!r}, which is about the birds of one sex; `test_accuracy` "
            "is the share of all test birds whose sex is predicted right: name that metric."
        )
    if not _names_accuracy(model_card["metric"]):
        raise Incorrect(
            f"the card's metric is {model_card['metric']!r}, which does not describe an accuracy (the share of all "
            "test birds whose sex is predicted right), yet that is the number `test_accuracy` reports: name the "
            "metric it measures."
        )
    expect_estimator(final_model, name="final_model", classifier=True)
    expect_fitted(final_model, name="final_model")
    X_train, X_test, y_train, y_test = _split()
    reported = model_card["test_accuracy"]
    accuracy = float(reported)
    expected = _accuracy(final_model, X_test, y_test)
    if _close(accuracy, _accuracy(final_model, X_train, y_train)) and not _close(accuracy, expected):
        raise Incorrect(
            "the card's 'test_accuracy' is the accuracy on the training set, which flatters the model; a card "
            "reports the score on data the model never saw."
        )
    expect_close(reported, expected, name="model_card['test_accuracy']")
    return "the card says what the model is for, what it was trained on, how good it is and where it fails."


def _accuracy(model, X, y) -> float:
    """The accuracy of the learner's fitted model on ``X, y``, scored by the kit on its plain predictions."""
    import numpy as np
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(np.asarray(y), _quiet(holdout_predictions, model, X, name="final_model")))


_SHARE_WORDS = {"share", "proportion", "fraction", "percentage", "percent", "rate", "ratio", "%"}
_RIGHT_WORDS = {"correct", "correctly", "right"}
_OTHER_METRICS = {
    "recall", "precision", "f1", "f", "auc", "roc", "sensitivity", "specificity", "balanced", "error", "errors",
    "wrong", "wrongly", "incorrect", "incorrectly", "misclassified", "misclassification", "loss", "positive",
    "positives", "negative", "negatives",
}


def _metric_words(metric: str) -> set:
    import re

    return set(re.findall(r"[a-z0-9]+|%", metric.lower()))


def _one_sex(metric: str) -> bool:
    """Whether the metric names the birds of one sex only ("females predicted correctly": a recall)."""
    words = _metric_words(metric)
    return bool(words & {"male", "males"}) != bool(words & {"female", "females"})


def _names_accuracy(metric: str) -> bool:
    """Whether the card's metric says accuracy: by name, or as the share of all birds predicted right."""
    words = _metric_words(metric)
    if words & _OTHER_METRICS or _one_sex(metric):
        return False
    return "accuracy" in words or bool(words & _SHARE_WORDS and words & _RIGHT_WORDS)


def _card(**changes) -> dict:
    X_train, X_test, y_train, y_test = _split()
    model = _final_model()
    card = {
        "intended_use": "Suggest the sex of adult penguins measured in the field.",
        "data": "Palmer penguins, 2007-2009.",
        "metric": "accuracy",
        "test_accuracy": float(model.score(X_test, y_test)),
        "limitations": ["Three islands, three seasons only.", "Less accurate for Chinstrap penguins."],
    }
    card.update(changes)
    return {key: value for key, value in card.items() if value is not None}


@card.wrong_answer
def card_without_limitations():
    return Answer.of(_card(limitations=None), _final_model())


@card.wrong_answer
def card_with_one_limitation():
    return Answer.of(_card(limitations=["Might be wrong."]), _final_model())


@card.wrong_answer
def card_with_training_accuracy():
    X_train, _, y_train, _ = _split()
    model = _final_model()
    return Answer.of(_card(test_accuracy=float(model.score(X_train, y_train))), model)


@card.wrong_answer
def card_with_wrong_metric():
    return Answer.of(_card(metric="recall"), _final_model())


@card.wrong_answer
def card_with_the_recall_of_one_sex():
    return Answer.of(_card(metric="proportion of females predicted correctly"), _final_model())


# --- 6. a judgement: who does what ---------------------------------------------------------------

ROLES = ("data scientist", "ML engineer", "data engineer", "software engineer")
OWNERS = {
    "season_tables": "data engineer",
    "model_and_card": "data scientist",
    "serve_and_monitor": "ML engineer",
    "field_app": "software engineer",
}
ROLE_FEEDBACK = {
    ("season_tables", "data scientist"): "a data scientist uses the model-ready table; building the job that "
    "delivers it, tested, every season, is pipeline work.",
    ("season_tables", "ML engineer"): "an ML engineer starts from the model-ready table; the job that turns "
    "field files into it, with quality tests, is owned upstream of the model.",
    ("season_tables", "software engineer"): "the field app collects records, but turning every season's files "
    "into a tested table for analysis is a data pipeline, not an application feature.",
    ("model_and_card", "ML engineer"): "an ML engineer puts a chosen model into service; framing the question, "
    "the metric, the baseline and the comparison of models come before that.",
    ("model_and_card", "data engineer"): "a data engineer delivers the data; deciding what to predict, how to "
    "measure it and which model is good enough is analysis and modelling work.",
    ("model_and_card", "software engineer"): "a software engineer builds the product around the model; the "
    "question, metric and model comparison are modelling decisions.",
    ("serve_and_monitor", "data scientist"): "a data scientist chooses the model; versioning it, serving it and "
    "watching its accuracy in production is the work of the role that runs models in production.",
    ("serve_and_monitor", "data engineer"): "a data engineer runs the data pipelines; a model's packaging, "
    "serving and monitoring belong to the role that runs models in production.",
    ("serve_and_monitor", "software engineer"): "a software engineer calls the model; its versions, its serving "
    "and the monitoring of its accuracy belong to the role that specialises in models in production.",
    ("field_app", "data scientist"): "the tablet app is a product: forms, validation, offline use and a clear "
    "display are application work.",
    ("field_app", "ML engineer"): "the ML engineer provides the prediction service the app calls; the app "
    "itself, its forms and screens, is application work.",
    ("field_app", "data engineer"): "the app's records may feed the data pipeline, but building its forms and "
    "screens is application work.",
}


def _role(value) -> str | None:
    if not isinstance(value, str):
        return None
    key = " ".join(value.replace("-", " ").replace("_", " ").lower().split())
    return next((role for role in ROLES if role.lower() == key), None)


@EXERCISES.exercise(
    "roles",
    title="Say which role owns each part of the project",
    hints=(
        "Follow the data: who delivers the table, who decides what to predict and how to measure it, who runs "
        "the model in production, who builds what the field team touches?",
        "The lesson's table of roles names one owner for each stage: data, modelling, production, product.",
        "Data in, model chosen, model served, app built: data engineer, data scientist, ML engineer, software "
        "engineer.",
    ),
)
def roles(owners):
    expect_type(owners, dict, name="owners", what="a dict from task to role")
    missing = [task for task in OWNERS if task not in owners]
    if missing:
        raise Incorrect(f"`owners` lacks the task(s) {', '.join(repr(t) for t in missing)}.")
    for task, right in OWNERS.items():
        role = _role(owners[task])
        if role is None:
            raise Incorrect(
                f"`owners[{task!r}]` is {owners[task]!r}; use one of {', '.join(repr(r) for r in ROLES)}."
            )
        if role != right:
            raise Incorrect(f"`owners[{task!r}]`: {ROLE_FEEDBACK[(task, role)]}")
    return "each stage has one owner; the project works because they hand over clear, tested pieces."


@roles.wrong_answer
def roles_scientist_does_everything():
    return Answer.of({task: "data scientist" for task in OWNERS})


@roles.wrong_answer
def roles_scientist_serves():
    return Answer.of({**OWNERS, "serve_and_monitor": "data scientist", "model_and_card": "ML engineer"})


@roles.wrong_answer
def roles_app_by_ml_engineer():
    return Answer.of({**OWNERS, "field_app": "ML engineer", "serve_and_monitor": "software engineer"})


@roles.wrong_answer
def roles_tables_by_app_developer():
    return Answer.of({**OWNERS, "season_tables": "software engineer", "field_app": "data engineer"})
