"""Reusable kinds of check: each passes on a right object and names the specific mistake otherwise."""

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from mlkit.course.checks import kinds
from mlkit.course.checks.core import Incorrect, LearnerCodeError, NotAttempted


def fails(match):
    return pytest.raises(Incorrect, match=match)


# --- values and arrays ----------------------------------------------------------------


def test_close_accepts_tolerance_and_says_only_high_or_low():
    kinds.expect_close(0.1 + 0.2, 0.3, name="x")
    kinds.expect_close(np.float64(1.0005), 1.0, name="x", rtol=1e-3)
    with fails(r"^`x` is too high\.$"):
        kinds.expect_close(0.31, 0.3, name="x")
    with fails(r"^`x` is too low\.$"):
        kinds.expect_close(0.29, 0.3, name="x")
    with fails("NaN"):
        kinds.expect_close(float("nan"), 0.3, name="x")


@pytest.mark.parametrize("value, kind", [("0.3", "str"), (True, "bool"), ([0.3], "list"), (None, "NoneType")])
def test_close_wants_a_number(value, kind):
    with fails(f"`x` should be a number, but it is a {kind}"):
        kinds.expect_close(value, 0.3, name="x")


def test_array_checks_shape_then_values_without_showing_them():
    kinds.expect_array([1.0, 2.0, 3.0], np.array([1, 2, 3]), name="a")
    with fails(r"`a` has shape \(2,\); a shape of \(3,\) is expected"):
        kinds.expect_array([1, 2], [1, 2, 3], name="a")
    with pytest.raises(Incorrect, match=r"1 of the 3 values of `a` are not right") as caught:
        kinds.expect_array([1, 2, 4], [1, 2, 3.5], name="a")
    assert "3.5" not in str(caught.value)
    with fails("should hold numbers"):
        kinds.expect_array(["a", "b"], [1, 2], name="a")
    with fails("contains NaN"):
        kinds.expect_array([1, np.nan], [1, 2], name="a")


def test_choice_gives_feedback_per_wrong_option():
    feedback = {"A": "too slow.", "C": "too costly."}
    kinds.expect_choice(" b ", name="answer", correct="B", feedback=feedback)
    with fails(r"^Option A: too slow\.$"):
        kinds.expect_choice("a", name="answer", correct="B", feedback=feedback)
    with fails(r"choose one of 'A', 'B', 'C'"):
        kinds.expect_choice("E", name="answer", correct="B", feedback=feedback)
    with fails("should be one of the letters"):
        kinds.expect_choice(2, name="answer", correct="B", feedback=feedback)


# --- functions ---------------------------------------------------------------------------


def test_function_against_cases_reports_input_and_learner_result_only():
    cases = [((2,), 4), ((3,), 9), ((0.5,), 0.25)]
    kinds.expect_function(lambda x: x * x, cases, name="square")
    with pytest.raises(Incorrect, match=r"`square\(3\)` returned 6, which is not right") as caught:
        kinds.expect_function(lambda x: x + x, cases, name="square")
    assert "9" not in str(caught.value)
    with fails("`square` should be a function, but it is a int"):
        kinds.expect_function(4, cases, name="square")
    with fails(r"returned '4'"):
        kinds.expect_function(lambda x: str(x * x), cases, name="square")


def test_function_stub_is_not_attempted_and_a_crash_is_the_learners_error():
    def stub(x):
        raise NotImplementedError("write this function")

    with pytest.raises(NotAttempted):
        kinds.expect_function(stub, [((1,), 1)], name="f")
    with pytest.raises(NotAttempted):
        kinds.expect_function(lambda x: ..., [((1,), 1)], name="f")
    with pytest.raises(LearnerCodeError, match=r"^KeyError: 'k'$"):
        kinds.expect_function(lambda x: {}["k"], [((1,), 1)], name="f")


# --- DataFrames ----------------------------------------------------------------------------


@pytest.fixture
def table():
    return pd.DataFrame({"city": ["Oslo", "Lima"], "people": [709_000, 10_000_000], "share": [0.5, 0.25]})


def test_columns_missing_extra_and_order(table):
    kinds.expect_columns(table, ["city", "people", "share"], name="t", ordered=True)
    with fails(r"`t` lacks the column\(s\) 'area'"):
        kinds.expect_columns(table, ["city", "people", "share", "area"], name="t")
    with fails(r"do not belong: 'share'"):
        kinds.expect_columns(table, ["city", "people"], name="t")
    with fails("right columns in the wrong order"):
        kinds.expect_columns(table, ["people", "city", "share"], name="t", ordered=True)
    with fails("is a Series"):
        kinds.expect_columns(table["city"], ["city"], name="t")


def test_dtypes_by_kind(table):
    kinds.expect_dtypes(table, {"people": "integer", "share": "float", "city": "string"}, name="t")
    with fails(r"column 'people' of `t` has dtype object; a integer column is expected"):
        kinds.expect_dtypes(table.astype({"people": object}), {"people": "integer"}, name="t")
    with fails("a category column is expected"):
        kinds.expect_dtypes(table, {"city": "category"}, name="t")


def test_frame_values_count_wrong_cells_without_showing_them(table):
    kinds.expect_frame_values(table.copy(), table, name="t")
    changed = table.assign(share=[0.5, 0.3])
    with pytest.raises(Incorrect, match=r"column 'share' of `t` has 1 wrong value") as caught:
        kinds.expect_frame_values(changed, table, name="t")
    assert "0.25" not in str(caught.value)
    with fails("index .* is not the expected one"):
        kinds.expect_frame_values(table.iloc[::-1], table, name="t")
    with fails("has 1 rows; 2 are expected"):
        kinds.expect_frame_values(table.iloc[:1], table, name="t")
    with fails(r"column 'city' of `t` has 1 wrong value"):
        kinds.expect_frame_values(table.assign(city=["Oslo", "Rome"]), table, name="t")


# --- estimators and pipelines ------------------------------------------------------------


def test_estimator_class_instead_of_instance_and_non_classifier():
    kinds.expect_estimator(LogisticRegression(), name="m", classifier=True)
    with fails(r"is the class LogisticRegression; create an instance"):
        kinds.expect_estimator(LogisticRegression, name="m")
    with fails(r"\(LinearRegression\) is not a classifier"):
        kinds.expect_estimator(LinearRegression(), name="m", classifier=True)
    with fails("should be a scikit-learn estimator, but it is a str"):
        kinds.expect_estimator("model", name="m")


def test_pipeline_structure_messages():
    steps = [(StandardScaler, MinMaxScaler), LogisticRegression]
    labels = ["a scaler", "a logistic regression"]
    kinds.expect_pipeline(make_pipeline(MinMaxScaler(), LogisticRegression()), steps, name="p", labels=labels)
    with fails(r"has no step that is a scaler; its steps are: LogisticRegression"):
        kinds.expect_pipeline(make_pipeline(LogisticRegression()), steps, name="p", labels=labels)
    with fails(r"wrong order: a logistic regression \(LogisticRegression\) comes before a scaler"):
        reversed_steps = Pipeline([("m", LogisticRegression()), ("s", StandardScaler())])
        kinds.expect_pipeline(reversed_steps, steps, name="p", labels=labels)
    with fails(r"single LogisticRegression, not a Pipeline"):
        kinds.expect_pipeline(LogisticRegression(), steps, name="p")
    with fails(r"do not belong: MinMaxScaler"):
        kinds.expect_pipeline(make_pipeline(StandardScaler(), MinMaxScaler(), LogisticRegression()), steps, name="p")
    with fails(r"has no step that is a StandardScaler or MinMaxScaler"):
        kinds.expect_pipeline(make_pipeline(LogisticRegression()), steps, name="p")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    y = pd.Series((X["a"] + 0.1 * rng.normal(size=200) > 0.4).astype(int))
    return X, y


def test_fitted_or_not(data):
    X, y = data
    kinds.expect_fitted(LogisticRegression().fit(X, y), name="m")
    kinds.expect_fitted(LogisticRegression(), name="m", fitted=False)
    with fails(r"`m` has not been fitted yet"):
        kinds.expect_fitted(make_pipeline(StandardScaler(), LogisticRegression()), name="m")
    with fails("already fitted"):
        kinds.expect_fitted(LogisticRegression().fit(X, y), name="m", fitted=False)


def test_fit_copy_leaves_the_learners_object_alone_and_reports_their_error(data):
    X, y = data
    mine = LogisticRegression()
    fitted = kinds.fit_copy(mine, X, y, name="m")
    assert fitted is not mine and hasattr(fitted, "coef_") and not hasattr(mine, "coef_")
    with pytest.raises(LearnerCodeError, match=r"^InvalidParameterError: The 'C' parameter"):
        kinds.fit_copy(LogisticRegression(C=-1), X, y, name="m")


def test_score_threshold_and_baseline_on_held_out_data(data):
    X, y = data
    good = LogisticRegression().fit(X[:150], y[:150])
    score = kinds.expect_score(good, X[150:], y[150:], name="m", at_least=0.85, baseline=0.6)
    assert score == pytest.approx(good.score(X[150:], y[150:])) and score >= 0.85
    with fails(r"at least 0\.99 is expected"):
        kinds.expect_score(good, X[150:], y[150:], name="m", at_least=0.99)
    dummy = DummyClassifier().fit(X[:150], y[:150])
    baseline = float(max(y[150:].mean(), 1 - y[150:].mean()))
    with fails(r"no better than a model that always predicts the most frequent class"):
        kinds.expect_score(dummy, X[150:], y[150:], name="m", at_least=0.5, baseline=baseline)


def test_prediction_shape(data):
    X, y = data

    class TwoColumns(DummyClassifier):
        def predict(self, X):
            return np.zeros((len(X), 2))

    assert kinds.expect_prediction_shape(DummyClassifier().fit(X, y), X, name="m").shape == (200,)
    with fails(r"`m.predict` returned shape \(200, 2\) for 200 rows"):
        kinds.expect_prediction_shape(TwoColumns().fit(X, y), X, name="m")


# --- tolerant reading: every form of a right answer, one judgement --------------------


def test_as_vector_accepts_every_container_and_refuses_other_shapes():
    import numpy as np

    from mlkit.course.checks.kinds import as_vector

    for form in ([1, 2, 3], (1.0, 2.0, 3.0), np.arange(1, 4), np.arange(1, 4).reshape(-1, 1), np.float32([[1, 2, 3]])):
        assert as_vector(form, name="v", length=3).tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(Incorrect, match=r"has shape \(2, 2\)"):
        as_vector(np.ones((2, 2)), name="v")
    with pytest.raises(Incorrect, match="has 2 values; 3 numbers"):
        as_vector([1, 2], name="v", length=3)
    with pytest.raises(Incorrect, match="should hold numbers"):
        as_vector(["a", "b"], name="v")


def test_as_labels_accepts_integral_floats_only():
    import numpy as np

    from mlkit.course.checks.kinds import as_labels

    assert as_labels(np.array([0.0, 2.0, 1.0]), name="y").dtype == np.int64
    with pytest.raises(Incorrect, match="whole numbers"):
        as_labels([0.5, 1.0], name="y")


def test_as_whole_number_and_as_pair():
    import numpy as np

    from mlkit.course.checks.kinds import as_pair, as_whole_number

    assert as_whole_number(np.float32(4.0), name="k") == 4 and as_whole_number(np.int64(4), name="k") == 4
    for wrong in (4.5, True, "4", float("nan")):
        with pytest.raises(Incorrect):
            as_whole_number(wrong, name="k")
    assert as_pair(np.array([8, 1]), name="worst") == (8, 1) and as_pair([8, 1], name="worst") == (8, 1)
    with pytest.raises(Incorrect, match="two items"):
        as_pair((1, 2, 3), name="worst")


def test_float32_answers_meet_the_tolerance_of_their_precision():
    import numpy as np

    from mlkit.course.checks.kinds import expect_array, expect_close

    expect_close(np.float32(0.1655), 0.1655, name="share", rtol=1e-9)
    expect_array(np.float32([0.1, 1 / 3]), [0.1, 1 / 3], name="v", rtol=1e-9)
    with pytest.raises(Incorrect):  # a float64 answer is still held to the check's own tolerance
        expect_close(0.1655 * (1 + 1e-7), 0.1655, name="share", rtol=1e-9)


def test_a_rounded_right_value_is_told_it_is_rounded_not_wrong():
    from mlkit.course.checks.kinds import expect_array, expect_close

    with pytest.raises(Incorrect, match=r"right to 3 decimal places; give the unrounded value"):
        expect_close(0.953, 0.95321, name="recall")
    with pytest.raises(Incorrect, match=r"right to 1 decimal place; give the unrounded value"):
        expect_array([3700.7, 4000.1], [3700.66, 4000.12], name="mean")
    with pytest.raises(Incorrect, match="too high"):  # a wrong value is not mistaken for a rounded one
        expect_close(0.96, 0.95321, name="recall")


@pytest.mark.parametrize(
    "value",
    [np.array(["1.0", "2.0"]), ["1.0", 2.0], np.array([True, False]), [1.0, True], np.array([1 + 2j, 2.0])],
    ids=["text-array", "text-in-list", "bool-array", "bool-in-list", "complex"],
)
def test_a_returned_array_of_values_that_only_convert_to_numbers_is_refused(value):
    with pytest.raises(Incorrect, match="holds"):
        kinds.returned_array(value, name="`f`", shape=(2,))


@pytest.mark.parametrize(
    "value", [[1.0, 2.0], (1, 2), np.array([1, 2], dtype=np.int8), np.array([1.0, 2.0], dtype=np.float32)],
    ids=["list", "tuple", "int8", "float32"],
)
def test_a_returned_array_of_numbers_in_any_form_is_read(value):
    assert kinds.returned_array(value, name="`f`", shape=(2,)).tolist() == [1.0, 2.0]


def test_a_forward_pass_returning_text_is_refused_in_a_unit_that_uses_returned_array():
    from mlkit.course.checks import exercises
    from mlkit.topics import neural

    outcome = exercises("neural-networks").forward.evaluate(lambda params, X: neural.forward(params, X)[0].astype(str))
    assert outcome.status == "incorrect" and "holds text" in outcome.message, outcome
