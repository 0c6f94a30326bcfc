"""Messages of the regression model selection unit's checks for particular mistakes, and the data it loads.

That every check passes on the solution, says "not attempted" on the stub and fails on
its wrong answers is tested for all units at once in ``test_exercises_discovered.py``.
"""

from __future__ import annotations

from mlkit.course.checks import INCORRECT, exercises

UNIT = "regression-model-selection"
EX = exercises(UNIT)


def test_a_search_fitted_with_the_test_rows_is_caught_whatever_the_number():
    from mlkit.course.checks.units import regression_model_selection as unit

    answer = unit.search_fitted_on_all_data()
    outcome = EX.search.evaluate(answer.args[0], 50.0)
    assert outcome.status == INCORRECT
    assert "354 rows" in outcome.message


# --- the data set -------------------------------------------------------------------


def test_diabetes_parts_are_disjoint_and_cover_the_data():
    from sklearn.datasets import load_diabetes

    from mlkit.datasets import diabetes

    X, y = diabetes.load()
    X_hold, y_hold = diabetes.holdout()
    assert (len(X), len(X_hold)) == (354, 88)
    assert list(X.columns) == ["age", "sex", "bmi", "bp", "tc", "ldl", "hdl", "tch", "ltg", "glu"]
    full = load_diabetes(as_frame=True, scaled=False)
    assert sorted([*y, *y_hold]) == sorted(full.target)
    rows = {tuple(r) for r in X.to_numpy()}
    assert not rows & {tuple(r) for r in X_hold.to_numpy()}
    assert set(X["sex"]) == {1.0, 2.0}  # original units, not scikit-learn's scaled version


def test_diabetes_load_returns_copies():
    from mlkit.datasets import diabetes

    X, _ = diabetes.load()
    X.loc[0, "age"] = -1
    assert diabetes.load()[0].loc[0, "age"] != -1
