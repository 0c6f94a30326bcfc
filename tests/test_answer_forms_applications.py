"""The checks of the application units judge values, not containers, and refuse what they should.

Units: data preparation, regression and model selection, dimensionality reduction, NLP, computer
vision, automation and the capstone. Each test calls an exercise's ``evaluate`` directly with one
form of a right answer (which must pass) or one wrong answer the verification harness
(``mlkit exercises verify``) or a review found passing (which must fail, with a message that names
the property that failed and guesses no cause).
"""

from __future__ import annotations

import numpy as np
import pytest

from mlkit.course.checks import exercises


def _status_and_message(exercise, *args):
    outcome = exercise.evaluate(*args)
    return outcome.status, outcome.message


# --- data preparation: outliers ----------------------------------------------------------


def _iqr_rule(k_used=None):
    def iqr_outliers(values, k=1.5):
        k = k if k_used is None else k_used
        q1, q3 = values.quantile([0.25, 0.75])
        return (values < q1 - k * (q3 - q1)) | (values > q3 + k * (q3 - q1))

    return iqr_outliers


def test_an_outlier_rule_that_ignores_k_is_refused():
    status, message = _status_and_message(exercises("data-preparation").outliers, _iqr_rule(k_used=1.5))
    assert status == "incorrect"
    assert "right flags with k=1.5 but not with k=" in message
    assert "for any k" not in message


@pytest.mark.parametrize(
    "form",
    [list, tuple, lambda flags: flags.to_numpy().reshape(-1, 1), lambda flags: flags.astype("boolean")],
    ids=["list", "tuple", "column vector", "nullable boolean"],
)
def test_outlier_flags_in_any_container_are_accepted(form):
    rule = _iqr_rule()
    assert exercises("data-preparation").outliers.evaluate(lambda values, k=1.5: form(rule(values, k))).passed


def test_outlier_flags_that_are_not_true_false_are_refused_without_raising():
    rule = _iqr_rule()
    answers = (lambda values, k=1.5: rule(values, k).astype(int), lambda values, k=1.5: None, lambda values, k=1.5: 3)
    for answer in answers:
        assert exercises("data-preparation").outliers.evaluate(answer).status == "incorrect"


# --- regression and model selection ---------------------------------------------------------


def test_a_depth_next_to_the_best_gets_no_guess_about_positions():
    status, message = _status_and_message(exercises("regression-model-selection").best_depth, 2)
    assert status == "incorrect"
    assert "position" not in message
    assert "mean validation" in message and "lowest" in message


@pytest.mark.parametrize(
    "depth", [3, 3.0, np.int64(3), np.float32(3.0)], ids=["int", "integral float", "int64", "float32"]
)
def test_the_best_depth_in_any_number_form_is_accepted(depth):
    assert exercises("regression-model-selection").best_depth.evaluate(depth).passed


def test_a_depth_with_decimals_is_refused():
    assert exercises("regression-model-selection").best_depth.evaluate(3.5).status == "incorrect"


def test_a_search_with_another_number_of_folds_is_refused():
    from mlkit.course.checks.units import regression_model_selection as unit

    exercise = exercises("regression-model-selection").search
    answer = unit.search_with_six_folds()
    status, message = _status_and_message(exercise, *answer.args)
    assert status == "incorrect" and "6 folds" in message


# --- dimensionality reduction ------------------------------------------------------------------


def test_a_reconstruction_that_refits_the_pca_is_refused():
    exercise = exercises("dimensionality-reduction").reconstruct
    refits = lambda pca, images: pca.inverse_transform(pca.fit_transform(images))  # noqa: E731
    status, message = _status_and_message(exercise, refits)
    assert status == "incorrect" and "changes the fitted PCA" in message
    # the check's own PCA is left as fitted: the right answer still passes afterwards
    assert exercise.evaluate(lambda pca, images: pca.inverse_transform(pca.transform(images))).passed


def test_a_reconstruction_returned_as_float32_or_a_list_is_accepted():
    exercise = exercises("dimensionality-reduction").reconstruct
    assert exercise.evaluate(lambda pca, images: pca.inverse_transform(pca.transform(images)).astype(np.float32)).passed
    assert exercise.evaluate(lambda pca, images: pca.inverse_transform(pca.transform(images)).tolist()).passed


# --- NLP ------------------------------------------------------------------------------------


def test_word_counts_where_tfidf_is_asked_are_refused():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from mlkit.course.checks.units import nlp

    scores = dict(nlp._candidate_scores())
    status, message = _status_and_message(
        exercises("nlp").features, scores, make_pipeline(CountVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000))
    )
    assert status == "incorrect" and "TF-IDF" in message, message


@pytest.mark.parametrize("form", [tuple, list, np.array], ids=["tuple", "list", "array"])
def test_the_most_confused_pair_in_any_container_is_accepted(form):
    def most_confused(results):
        wrong = results[results["queue"] != results["predicted"]]
        return form(wrong.groupby(["queue", "predicted"]).size().idxmax())

    assert exercises("nlp").most_confused.evaluate(most_confused).passed


def test_the_most_confused_pair_the_wrong_way_round_is_refused():
    def most_confused(results):
        wrong = results[results["queue"] != results["predicted"]]
        return list(wrong.groupby(["queue", "predicted"]).size().idxmax()[::-1])

    status, message = _status_and_message(exercises("nlp").most_confused, most_confused)
    assert status == "incorrect" and "wrong way round" in message, message


# --- computer vision -----------------------------------------------------------------------


def _augmented():
    from mlkit.course.checks.units import computer_vision as unit
    from mlkit.topics import vision

    train_images, _, y_train, _ = unit._split()
    shifted = [vision.shift_images(train_images, dy, dx) for dy, dx in vision.SHIFTS]
    return np.concatenate([train_images, *shifted]), np.tile(y_train, 1 + len(shifted))


@pytest.mark.parametrize(
    "form",
    [lambda y: y.reshape(-1, 1), lambda y: y.reshape(1, -1), lambda y: y.astype(float), list],
    ids=["column vector", "row vector", "integral floats", "list"],
)
def test_augmented_labels_as_a_column_vector_are_accepted(form):
    X_aug, y_aug = _augmented()
    assert exercises("computer-vision").augment.evaluate(X_aug, form(y_aug)).passed


def _layer_with_loops_over_one_side(image, kernels, bias, stride=1, padding=0):
    """A convolutional layer whose two loops both run over the number of output rows."""
    k_rows, k_cols, _, filters = kernels.shape
    padded = np.pad(image, ((padding, padding), (padding, padding), (0, 0)))
    out = np.zeros(((padded.shape[0] - k_rows) // stride + 1, (padded.shape[1] - k_cols) // stride + 1, filters))
    for i in range(out.shape[0]):
        for j in range(min(out.shape[0], out.shape[1])):
            window = padded[i * stride:i * stride + k_rows, j * stride:j * stride + k_cols, :, np.newaxis]
            out[i, j] = np.sum(window * kernels, axis=(0, 1, 2)) + bias
    return out


def test_a_convolutional_layer_whose_loops_cover_one_axis_twice_is_refused():
    status, message = _status_and_message(exercises("computer-vision").conv_layer, _layer_with_loops_over_one_side)
    assert status == "incorrect" and "at 0" in message


@pytest.mark.parametrize("form", [
    lambda g: g, lambda g: tuple(part.astype(np.float32) for part in g), lambda g: [part.tolist() for part in g],
    lambda g: tuple(map(np.ascontiguousarray, g)),
], ids=["tuple of arrays", "float32", "lists", "a copy"])
def test_the_backward_pass_in_other_forms_is_accepted(form):
    from mlkit.course.checks.units import computer_vision as unit

    scatter = unit._scatter_backward  # bound before the check withholds the module's own (a right answer here)

    def conv_backward(image, kernels, dY, stride=1, padding=0):
        return form(scatter(image, kernels, dY, stride, padding))

    assert exercises("computer-vision").conv_backward.evaluate(conv_backward).passed


# --- automation ----------------------------------------------------------------------------


@pytest.mark.parametrize("form", [float, np.float32, np.float64], ids=["float", "float32", "float64"])
def test_the_threshold_as_float32_is_accepted(form):
    from mlkit.course.checks.units import automation as unit

    best = unit._best(unit._cv_sweep())
    assert exercises("automation").threshold.evaluate(form(best)).passed


def test_a_threshold_best_on_the_test_messages_gets_no_guess_about_how_it_was_chosen():
    from mlkit.course.checks.units import automation as unit

    status, message = _status_and_message(exercises("automation").threshold, np.float32(unit._best(unit._test_sweep())))
    assert status == "incorrect"
    assert "chosen on the test set" not in message and "Choosing on the test set" not in message
    assert "does not save the most minutes on the cross-validated training messages" in message


def test_a_threshold_of_zero_is_not_told_it_loses_minutes():
    status, message = _status_and_message(exercises("automation").threshold, 0.0)
    assert status == "incorrect" and "cost more than that saves" not in message


# --- capstone --------------------------------------------------------------------------------


def _card(metric):
    from mlkit.course.checks.units import capstone as unit

    return unit._card(metric=metric), unit._final_model()


@pytest.mark.parametrize(
    "metric",
    ["accuracy", "proportion of birds predicted correctly", "share of penguins whose sex is predicted right",
     "fraction of correct predictions", "% of birds classified correctly", "accuracy for males and females"],
)
def test_a_card_describing_accuracy_in_words_is_accepted(metric):
    assert exercises("capstone").card.evaluate(*_card(metric)).passed


@pytest.mark.parametrize(
    "metric", ["recall", "proportion of females predicted correctly", "error rate", "balanced accuracy", "F1 score",
               "number of birds predicted correctly"]
)
def test_a_card_naming_another_metric_is_refused(metric):
    status, message = _status_and_message(exercises("capstone").card, *_card(metric))
    assert status == "incorrect" and repr(metric) in message


def test_a_card_accuracy_in_float32_is_accepted():
    from mlkit.course.checks.units import capstone as unit

    card = unit._card()
    card["test_accuracy"] = np.float32(card["test_accuracy"])
    assert exercises("capstone").card.evaluate(card, unit._final_model()).passed


def test_a_capstone_pipeline_that_fills_with_the_mean_is_refused():
    from mlkit.course.checks.units import capstone as unit

    status, message = _status_and_message(exercises("capstone").pipeline, unit._pipeline(strategy="mean"))
    assert status == "incorrect" and "median" in message


def test_a_capstone_pipeline_that_scales_before_filling_with_the_median_is_accepted():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from mlkit.topics import capstone

    model = make_pipeline(
        ColumnTransformer([
            ("numbers", make_pipeline(StandardScaler(), SimpleImputer(strategy="median")), capstone.NUMERIC),
            ("categories", OneHotEncoder(handle_unknown="ignore"), capstone.CATEGORICAL),
        ]),
        LogisticRegression(max_iter=1000),
    )
    assert exercises("capstone").pipeline.evaluate(model).passed


# --- odd values --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("nan"), 4.5, "4"], ids=["NaN", "decimals", "text"])
def test_a_component_count_that_is_not_a_whole_number_is_refused_without_raising(value):
    assert exercises("dimensionality-reduction").n_components.evaluate(value).status == "incorrect"
