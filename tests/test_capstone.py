"""The capstone unit: the data and model-card helpers of :mod:`mlkit.topics.capstone`, and particular
check messages. That every check passes on the solution, says "not attempted" on the stub and
fails on each wrong answer is tested for all units by ``tests/test_exercises_discovered.py``.
"""

from __future__ import annotations

import pytest

from mlkit.topics import capstone
from mlkit.course.checks import INCORRECT, exercises
from mlkit.errors import InputError

EX = exercises("capstone")
CARD = {
    "intended_use": "Suggest a penguin's sex.",
    "data": "Palmer penguins, 2007-2009.",
    "metric": "accuracy",
    "test_accuracy": 0.9,
    "limitations": ["Three islands only.", "Adults only."],
}


def test_learner_part_and_holdout_are_disjoint_and_cover_the_sexed_birds():
    X, y = capstone.load()
    X_hold, y_hold = capstone.holdout()
    assert (len(X), len(X_hold)) == (266, capstone.HOLDOUT_ROWS)
    assert list(X.columns) == capstone.FEATURES and y.isin(["female", "male"]).all()
    both = X.merge(X_hold, how="inner")
    assert both.empty
    assert abs(y.eq("male").mean() - y_hold.eq("male").mean()) < 0.02


def test_load_returns_copies():
    X, _ = capstone.load()
    X.loc[0, "species"] = "Emperor"
    assert capstone.load()[0].loc[0, "species"] != "Emperor"


def test_complete_card_has_no_problems_and_renders_every_field():
    assert capstone.card_problems(CARD) == []
    text = capstone.card_markdown(CARD, title="Card")
    assert text.startswith("### Card\n")
    assert "**Test accuracy:** 0.900" in text and "- Adults only." in text


@pytest.mark.parametrize(
    "change, words",
    [
        ({"metric": "  "}, "'metric' should be a sentence"),
        ({"test_accuracy": 91}, "between 0 and 1"),
        ({"test_accuracy": True}, "between 0 and 1"),
        ({"limitations": "Three islands only."}, "a list of sentences"),
        ({"limitations": ["Three islands only.", ""]}, "lists 1 limitation(s)"),
    ],
)
def test_card_problems_name_the_field(change, words):
    problems = capstone.card_problems({**CARD, **change})
    assert len(problems) == 1 and words in problems[0]


def test_card_that_is_not_a_dict_and_rendering_an_incomplete_card():
    assert "dict" in capstone.card_problems(["intended_use"])[0]
    with pytest.raises(InputError, match="'limitations'"):
        capstone.card_markdown({k: v for k, v in CARD.items() if k != "limitations"})


def test_roles_accept_spelling_variants_and_reject_unknown_roles():
    owners = {"season_tables": "Data-Engineer", "model_and_card": "data_scientist",
              "serve_and_monitor": "ml engineer", "field_app": " Software  Engineer "}
    assert EX.roles.evaluate(owners).passed
    outcome = EX.roles.evaluate({**owners, "field_app": "designer"})
    assert outcome.status == INCORRECT and "'designer'" in outcome.message


def test_select_names_missing_candidates():
    outcome = EX.select.evaluate({"logistic": 0.9}, "logistic")
    assert outcome.status == INCORRECT and "'forest'" in outcome.message and "'knn'" in outcome.message


def test_card_failure_does_not_reveal_the_test_accuracy():
    from mlkit.course.checks.units import capstone as checks

    X_train, X_test, y_train, y_test = checks._split()
    model = checks._final_model()
    outcome = EX.card.evaluate({**CARD, "test_accuracy": 0.5}, model)
    assert outcome.status == INCORRECT and "too low" in outcome.message
    assert f"{model.score(X_test, y_test):.3f}" not in outcome.message


def test_standard_error_is_the_sample_standard_deviation_over_the_root_of_k():
    scores = [0.8, 0.9, 0.85, 0.95]
    mean = sum(scores) / 4
    sd = (sum((s - mean) ** 2 for s in scores) / 3) ** 0.5
    assert capstone.standard_error(scores) == pytest.approx(sd / 2)
    assert capstone.standard_error([0.9, 0.9]) == 0.0


@pytest.mark.parametrize("scores", [[], [0.9], [0.9, float("nan")], ["high", "low"]])
def test_standard_error_refuses_too_few_or_odd_scores(scores):
    with pytest.raises(InputError, match="fold scores|fold_scores"):
        capstone.standard_error(scores)


@pytest.mark.parametrize(
    "score, words",
    [(0.925, "above all 3 fold scores (0.850 to 0.900)"), (0.8, "below all 3 fold scores (0.850 to 0.900)"),
     (0.87, "within the range of the 3 fold scores (0.850 to 0.900)"),
     (0.9, "within the range of the 3 fold scores (0.850 to 0.900)")],
)
def test_compare_with_folds_says_where_a_score_falls(score, words):
    assert capstone.compare_with_folds(score, [0.85, 0.9, 0.88]) == words


@pytest.mark.parametrize("score, folds", [(float("inf"), [0.9]), (0.9, []), ("0.9x", [0.9])])
def test_compare_with_folds_refuses_what_is_not_a_score(score, folds):
    with pytest.raises(InputError):
        capstone.compare_with_folds(score, folds)
