"""Exercises of unit 14, supervised classification (``solutions/14_classification.ipynb``).

Data: :mod:`mlkit.datasets.breast_cancer`. The learner works with
``load()``; scores are measured on ``holdout()``, which no notebook uses.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect
from mlkit.course.checks.kinds import (
    as_whole_number,
    expect_array,
    expect_choice,
    expect_close,
    expect_estimator,
    expect_fitted,
    expect_number,
    expect_pipeline,
    expect_score,
    expect_type,
    fit_copy,
)
from mlkit.course.checks.kinds import close_to as _near
from mlkit.course.checks.plain import plain

EXERCISES = ExerciseSet("classification", "Supervised learning: classification")

TEST_SHARE = 0.25
CV_FOLDS = 5
SEED = 0
SEEDS_SEARCHED = 100  # seeds tried to tell which split a learner made


# --- shared data and reference results (computed once, only when a check runs) ----


def _data():
    from mlkit.datasets import breast_cancer

    return breast_cancer.load()


def _holdout():
    from mlkit.datasets import breast_cancer

    return breast_cancer.holdout()


def reference_model():
    """The model the notebook gives learners for exercises 4-6: scaling, then logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


@lru_cache(maxsize=8)
def _cv_scores(metric: str, folds: int = CV_FOLDS):
    from sklearn.model_selection import cross_val_score

    X, y = _data()
    return tuple(cross_val_score(reference_model(), X, y, cv=folds, scoring=metric))


@lru_cache(maxsize=1)
def _confusion():
    from sklearn.metrics import confusion_matrix
    from sklearn.model_selection import cross_val_predict

    X, y = _data()
    return confusion_matrix(y, cross_val_predict(reference_model(), X, y, cv=CV_FOLDS))


def _baseline_accuracy() -> float:
    _, y = _holdout()
    return float(max(y.mean(), 1 - y.mean()))


def _quiet(function, *args, **kwargs):
    """Run a check step without letting scikit-learn warnings reach the learner's notebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --- 1. split ---------------------------------------------------------------------


@EXERCISES.exercise(
    "split",
    title="Split the data into training and test sets",
    hints=(
        "scikit-learn has a function that splits features and labels together: `train_test_split`.",
        "A quarter of the rows is `test_size=0.25`. To keep the same share of malignant tumours in both "
        "parts, pass the labels as `stratify=`.",
        "`train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)` returns four things, "
        "in the order X_train, X_test, y_train, y_test.",
    ),
)
def split(X_train, X_test, y_train, y_test):
    import numpy as np
    import pandas as pd

    if isinstance(y_train, pd.DataFrame) and isinstance(X_test, pd.Series):
        raise Incorrect(
            "`y_train` is a table of features and `X_test` a column of labels: the four results are unpacked "
            "in the wrong order. Check the order `train_test_split` returns them in."
        )
    for value, name in ((X_train, "X_train"), (X_test, "X_test")):
        expect_type(value, pd.DataFrame, name=name, what="a DataFrame of features (split `X` as it is)")
    for value, name in ((y_train, "y_train"), (y_test, "y_test")):
        expect_type(value, pd.Series, name=name, what="a Series of labels (split `y` as it is)")
    X, y = _data()
    for features, labels, part in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        if len(features) != len(labels):
            raise Incorrect(f"`X_{part}` has {len(features)} rows but `y_{part}` has {len(labels)}.")
        if not features.index.equals(labels.index):
            raise Incorrect(
                f"the rows of `X_{part}` and `y_{part}` are different rows of the data: features and labels "
                "were split separately. Split them in one call so that they stay together."
            )
    if X_train.index.intersection(X_test.index).size:
        count = X_train.index.intersection(X_test.index).size
        raise Incorrect(f"{count} rows are in both the training and the test set: that leaks test data into training.")
    together = X_train.index.union(X_test.index)
    if len(together) != len(X) or not together.isin(X.index).all():
        raise Incorrect(f"together the two parts have {len(together)} rows; the data has {len(X)}. Split all of it.")
    if list(X_train.columns) != list(X.columns) or not np.allclose(X_train, X.loc[X_train.index]):
        raise Incorrect("`X_train` does not hold the rows of `X` unchanged: split the data before changing it.")
    if not (y_train == y.loc[y_train.index]).all() or not (y_test == y.loc[y_test.index]).all():
        raise Incorrect("the labels do not match their rows of `X`: split `X` and `y` in the same call.")
    expected_test = int(np.ceil(TEST_SHARE * len(X)))
    if abs(len(X_test) - expected_test) > 1:
        raise Incorrect(
            f"the test set has {len(X_test)} rows ({len(X_test) / len(X):.0%} of the data); a quarter is asked for."
        )
    for labels, part in ((y_test, "test"), (y_train, "training")):
        _expect_class_shares(labels, y, part)
    test_rows = _positions(X, X_test)
    if np.array_equal(test_rows, _reference_test_rows(True, SEED)):
        return f"{len(X_train)} rows to train on, {len(X_test)} to test on, with the same share of malignant tumours."
    seed = _seed_of(test_rows, stratified=False)
    if seed is not None:
        raise Incorrect(
            "the two parts keep the share of malignant tumours only by chance: they are the rows of a split made "
            "without `stratify=`, and most seeds would give other shares. Ask `train_test_split` to stratify."
        )
    if _seed_of(test_rows, stratified=True) is not None:
        raise Incorrect(
            "the split is stratified, but its test rows are those of another `random_state` than the 0 the "
            "exercise asks for, so your results will not repeat those of the exercise."
        )
    raise Incorrect(
        "the two parts keep the share of malignant tumours, but they are not the rows `train_test_split` "
        "picks with a quarter for testing, `stratify=y` and `random_state=0`."
    )


def _expect_class_shares(labels, y, part: str) -> None:
    """A stratified split keeps each class's count within one row of its share of the part."""
    import numpy as np

    for value in np.unique(np.asarray(y)):
        count = int((np.asarray(labels) == value).sum())
        if abs(count - len(labels) * float((y == value).mean())) >= 1:
            raise Incorrect(
                f"{np.mean(np.asarray(labels) == 1):.1%} of the {part} set is malignant, but {y.mean():.1%} of all "
                "the data: the split does not keep the share of each class. Ask `train_test_split` to stratify."
            )


def _positions(X, part):
    """The sorted row positions in ``X`` of the rows of ``part``."""
    import numpy as np

    return np.sort(X.index.get_indexer(part.index))


@lru_cache(maxsize=2 * SEEDS_SEARCHED + 2)
def _reference_test_rows(stratified: bool, seed: int):
    import numpy as np
    from sklearn.model_selection import train_test_split

    X, y = _data()
    rows = np.arange(len(X))
    _, test = train_test_split(rows, test_size=TEST_SHARE, random_state=seed, stratify=y if stratified else None)
    return np.sort(test)


def _seed_of(test_rows, *, stratified: bool):
    """The ``random_state`` (0 to 99) whose split has these test rows, or None."""
    import numpy as np

    for seed in range(SEEDS_SEARCHED):
        if np.array_equal(test_rows, _reference_test_rows(stratified, seed)):
            return seed
    return None


@split.wrong_answer
def split_half():
    from sklearn.model_selection import train_test_split

    X, y = _data()
    return Answer.of(*train_test_split(X, y, test_size=0.5, stratify=y, random_state=0))


@split.wrong_answer
def split_unpacked_in_wrong_order():
    from sklearn.model_selection import train_test_split

    X, y = _data()
    X_train, y_train, X_test, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    return Answer.of(X_train, X_test, y_train, y_test)


@split.wrong_answer
def split_features_and_labels_separately():
    from sklearn.model_selection import train_test_split

    X, y = _data()
    X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
    y_train, y_test = train_test_split(y, test_size=0.25, random_state=1)
    return Answer.of(X_train, X_test, y_train, y_test)


@split.wrong_answer
def split_without_stratifying():
    from sklearn.model_selection import train_test_split

    X, y = _data()
    return Answer.of(*train_test_split(X, y, test_size=0.25, random_state=0))


@split.wrong_answer
def split_without_stratifying_lucky_seed():
    """Without `stratify`, some seeds happen to keep the shares; the split is still not stratified."""
    from sklearn.model_selection import train_test_split

    X, y = _data()
    return Answer.of(*train_test_split(X, y, test_size=0.25, random_state=4))


@split.wrong_answer
def split_with_another_seed():
    from sklearn.model_selection import train_test_split

    X, y = _data()
    return Answer.of(*train_test_split(X, y, test_size=0.25, stratify=y, random_state=1))


# --- 2. a first model that beats the baseline ------------------------------------------


@EXERCISES.exercise(
    "first_model",
    title="Fit a first classifier that beats the baseline",
    hints=(
        "Any scikit-learn classifier will do, for example a decision tree. Create it, then `fit` it.",
        "`fit` learns from the training part only: `model.fit(X_train, y_train)`.",
        "`first_model = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)`",
    ),
)
def first_model(first_model):
    expect_estimator(first_model, name="first_model", classifier=True)
    expect_fitted(first_model, name="first_model")
    X_hold, y_hold = _holdout()
    features = plain(getattr(first_model, "n_features_in_", X_hold.shape[1]))
    if features != X_hold.shape[1]:
        raise Incorrect(
            f"`first_model` was fitted on {features} feature(s); the data has {X_hold.shape[1]}. Fit it on `X_train`."
        )
    score = _quiet(
        expect_score, first_model, X_hold, y_hold, name="first_model", at_least=0.85, baseline=_baseline_accuracy()
    )
    return f"accuracy {score:.3f} on held-out tumours it never saw, against {_baseline_accuracy():.3f} for the baseline."


@first_model.wrong_answer
def first_model_unfitted():
    from sklearn.tree import DecisionTreeClassifier

    return Answer.of(DecisionTreeClassifier(random_state=0))


@first_model.wrong_answer
def first_model_majority_class():
    from sklearn.dummy import DummyClassifier

    X, y = _data()
    return Answer.of(DummyClassifier(strategy="most_frequent").fit(X, y))


@first_model.wrong_answer
def first_model_on_one_feature():
    from sklearn.tree import DecisionTreeClassifier

    X, y = _data()
    return Answer.of(DecisionTreeClassifier(random_state=0).fit(X[["mean radius"]], y))


# --- 3. a pipeline -----------------------------------------------------------------


def _scalers():
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    return (StandardScaler, MinMaxScaler, RobustScaler)


@EXERCISES.exercise(
    "pipeline",
    title="Build a pipeline: scale, then logistic regression",
    hints=(
        "A pipeline chains steps: each step's output is the next step's input, and the last step is the model.",
        "`make_pipeline(first_step, second_step)` builds a Pipeline. Which step must come first?",
        "`pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))`",
    ),
)
def pipeline(pipeline):
    from sklearn.linear_model import LogisticRegression

    scalers = _scalers()
    expect_pipeline(
        pipeline, [scalers, LogisticRegression], name="pipeline", labels=["a scaler", "a logistic regression"]
    )
    X, y = _data()
    X_hold, y_hold = _holdout()
    fitted = _quiet(fit_copy, pipeline, X, y, name="pipeline")
    score = _quiet(
        expect_score, fitted, X_hold, y_hold, name="pipeline", at_least=0.95, baseline=_baseline_accuracy()
    )
    return f"fitted on the training data, it scores {score:.3f} on held-out tumours."


@pipeline.wrong_answer
def pipeline_without_scaling():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return Answer.of(make_pipeline(LogisticRegression(max_iter=1000)))


@pipeline.wrong_answer
def pipeline_scaling_after_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Answer.of(Pipeline([("model", LogisticRegression(max_iter=1000)), ("scale", StandardScaler())]))


@pipeline.wrong_answer
def pipeline_model_only():
    from sklearn.linear_model import LogisticRegression

    return Answer.of(LogisticRegression(max_iter=1000))


@pipeline.wrong_answer
def pipeline_regularised_to_nothing():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return Answer.of(make_pipeline(StandardScaler(), LogisticRegression(C=1e-6, max_iter=1000)))


# --- 4. cross-validation and a metric ---------------------------------------------

_METRIC_FEEDBACK = {
    "accuracy": "accuracy counts benign and malignant tumours alike, and most tumours are benign: a model can "
    "score well while missing many malignant ones. Which metric looks only at the malignant tumours?",
    "balanced_accuracy": "balanced accuracy averages how well each class is found; the clinic cares about one "
    "class in particular.",
    "precision": "precision tells how many of the tumours flagged as malignant really are; the clinic's worry is "
    "the malignant tumours that are not flagged at all.",
    "f1": "F1 balances two kinds of error; the clinic cares about one of them more than the other.",
    "roc_auc": "ROC AUC summarises all thresholds at once; the clinic needs to know how many malignant tumours "
    "this model, as it is, finds.",
}


@EXERCISES.exercise(
    "cv",
    title="Cross-validate with a metric that fits the problem",
    hints=(
        "Missing a malignant tumour is far worse than a false alarm. Of all the malignant tumours, what share "
        "does the model find? That share has a name.",
        "`cross_val_score(model, X, y, cv=5, scoring=metric)` returns one score per fold.",
        "The share of the positive class that is found is the recall: `metric = \"recall\"`.",
    ),
)
def cv(metric, cv_scores):
    expect_type(metric, str, name="metric", what="the name of a scoring, as a string")
    name = metric.strip()
    from sklearn.metrics import get_scorer_names

    if name in _METRIC_FEEDBACK:
        raise Incorrect(f"`metric` is {name!r}: {_METRIC_FEEDBACK[name]}")
    if name not in get_scorer_names():
        raise Incorrect(f"{name!r} is not a scoring name scikit-learn knows; `sklearn.metrics.get_scorer_names()` lists them.")
    if name != "recall":
        raise Incorrect(f"`metric` is {name!r}, which does not measure what the clinic worries about most.")
    import numpy as np

    count = np.size(cv_scores)
    if count != CV_FOLDS:
        raise Incorrect(f"`cv_scores` holds {count} score(s); 5-fold cross-validation gives one per fold.")
    expect_array(cv_scores, _cv_scores(name), name="cv_scores", rtol=1e-6)
    return f"mean {np.mean(cv_scores):.3f} over {CV_FOLDS} folds."


@cv.wrong_answer
def cv_with_accuracy():
    from sklearn.model_selection import cross_val_score

    X, y = _data()
    return Answer.of("accuracy", cross_val_score(reference_model(), X, y, cv=5, scoring="accuracy"))


@cv.wrong_answer
def cv_with_precision():
    from sklearn.model_selection import cross_val_score

    X, y = _data()
    return Answer.of("precision", cross_val_score(reference_model(), X, y, cv=5, scoring="precision"))


@cv.wrong_answer
def cv_with_three_folds():
    from sklearn.model_selection import cross_val_score

    X, y = _data()
    return Answer.of("recall", cross_val_score(reference_model(), X, y, cv=3, scoring="recall"))


@cv.wrong_answer
def cv_scores_not_from_cross_validation():
    import numpy as np

    return Answer.of("recall", np.ones(CV_FOLDS))


@cv.secret_values
def cv_secrets():
    import numpy as np

    return ["'recall'", f"{np.mean(_cv_scores('recall')):.3f}"]


# --- 5. reading a confusion matrix -------------------------------------------------


@EXERCISES.exercise(
    "confusion",
    title="Read a confusion matrix",
    hints=(
        "In scikit-learn's confusion matrix, rows are the true classes and columns the predicted ones, "
        "in the order 0 (benign), 1 (malignant).",
        "A missed malignant tumour is truly malignant (row 1) but predicted benign (column 0).",
        "`missed = matrix[1, 0]`; the share found is the malignant tumours predicted malignant, "
        "`matrix[1, 1]`, divided by all malignant tumours, `matrix[1].sum()`.",
    ),
)
def confusion(missed, recall):
    matrix = _confusion()
    (tn, fp), (fn, tp) = matrix
    missed_number = as_whole_number(missed, name="missed", what="a count of tumours, a whole number")
    if missed_number != fn:
        if missed_number == fp:
            raise Incorrect(
                "`missed` counts benign tumours flagged as malignant (false alarms). Rows are the true class, "
                "columns the prediction: which cell is malignant but predicted benign?"
            )
        if missed_number in (tn, tp):
            raise Incorrect("`missed` counts tumours the model got right; look for malignant tumours predicted benign.")
        raise Incorrect("`missed` is not a count in the confusion matrix of the cross-validated predictions.")
    value = expect_number(recall, name="recall")
    if _near(value, tp / (tp + fp), recall):
        raise Incorrect(
            "`recall` divides by all tumours predicted malignant, which gives the precision. "
            "Divide by all tumours that are truly malignant."
        )
    if _near(value, (tp + tn) / matrix.sum(), recall):
        raise Incorrect("`recall` is the share of all tumours classified correctly (the accuracy).")
    if _near(value, fn / (tp + fn), recall):
        raise Incorrect("`recall` is the share of malignant tumours missed; the share found is asked for.")
    expect_close(recall, tp / (tp + fn), name="recall", rtol=1e-9)
    return f"the model misses {int(fn)} of {int(tp + fn)} malignant tumours."


@confusion.wrong_answer
def confusion_false_alarms_for_missed():
    matrix = _confusion()
    return Answer.of(int(matrix[0, 1]), matrix[1, 1] / matrix[1].sum())


@confusion.wrong_answer
def confusion_precision_for_recall():
    matrix = _confusion()
    return Answer.of(int(matrix[1, 0]), matrix[1, 1] / matrix[:, 1].sum())


@confusion.wrong_answer
def confusion_accuracy_for_recall():
    matrix = _confusion()
    return Answer.of(int(matrix[1, 0]), (matrix[0, 0] + matrix[1, 1]) / matrix.sum())


@confusion.secret_values
def confusion_secrets():
    matrix = _confusion()
    return [f"{matrix[1, 1] / matrix[1].sum():.3f}"]


# --- 6. a judgement -----------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "higher accuracy comes mostly from the many benign tumours. For screening, each malignant tumour "
    "the model misses is a patient sent home with cancer; compare the missed tumours of the two thresholds.",
    "B": "fewer false alarms is pleasant, but a false alarm costs a follow-up examination, while a miss can "
    "cost a life. Which error is worse here?",
    "D": "no test is perfect, and doctors already work with tests that err. The question is which errors the "
    "model makes and whether a human reviews its results, not whether it reaches a round number.",
}


@EXERCISES.exercise(
    "judgement",
    title="Choose a decision threshold for screening",
    hints=(
        "Think about what each kind of error costs the patient: a false alarm, and a missed malignant tumour.",
        "In screening, a positive result leads to a follow-up examination, not directly to treatment.",
        "Prefer the threshold that misses fewer malignant tumours, accepting more false alarms.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="C", feedback=JUDGEMENT_FEEDBACK)
    return "a screening model should miss as few malignant tumours as it can; follow-up examinations sort out false alarms."


@judgement.wrong_answer
def judgement_accuracy():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_precision():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_no_model():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'C'", "Option C"]
