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
