"""Checks of unit automation: the messages of particular wrong answers; and the router of
:mod:`mlkit.topics.routing` the unit is built on.

That every check passes on the solution, says "not attempted" on the stub and fails on each
wrong answer is tested for all units by ``tests/test_exercises_discovered.py``.
"""

from __future__ import annotations

import pytest

from mlkit.course.checks import INCORRECT, NOT_ATTEMPTED, exercises

UNIT = "automation"
EX = exercises(UNIT)


def test_decide_stub_and_broken_function():
    def stub(probabilities, classes, threshold):
        raise NotImplementedError("write this function")

    assert EX.decide.evaluate(stub).status == NOT_ATTEMPTED
    assert EX.decide.evaluate(lambda p, c, t: p[99]).status == "error"


def test_threshold_outside_zero_to_one_is_named():
    outcome = EX.threshold.evaluate(40)
    assert outcome.status == INCORRECT and "between 0 and 1" in outcome.message


def _costs_reading(savings_on):
    """Exercise 3's three numbers, computed as a learner would, with the triage minutes saved on
    ``savings_on`` ("automated": every automated message, as the lesson says; "right": only the right ones)."""
    from mlkit.course.checks.units import automation as unit
    from mlkit.topics.routing import REVIEW

    train, _ = unit._split()
    queue = unit._routed()["queue"].to_numpy()
    automated = queue != REVIEW
    wrong = automated & (queue != train["queue"].to_numpy())
    saving = automated.sum() if savings_on == "automated" else (automated & ~wrong).sum()
    minutes = saving * unit.TRIAGE_MINUTES - wrong.sum() * unit.ERROR_MINUTES
    return automated.mean(), wrong.sum() / automated.sum(), minutes


def test_costs_follows_the_lessons_bookkeeping_every_automated_message_saves_the_triage():
    outcome = EX.costs.evaluate(*_costs_reading("automated"))
    assert outcome.passed, outcome.message


def test_costs_counting_the_triage_saved_only_on_the_right_messages_is_named():
    outcome = EX.costs.evaluate(*_costs_reading("right"))
    assert outcome.status == INCORRECT
    assert "only for the messages routed to the right queue" in outcome.message


def test_costs_is_measured_on_the_training_messages_not_on_the_test_messages():
    from mlkit.course.checks.units import automation as unit

    train, _ = unit._split()
    assert unit._summary()["messages"] == len(train)


# --- mlkit.topics.routing ---------------------------------------------------------------

import numpy as np  # noqa: E402

from mlkit.errors import InputError  # noqa: E402
from mlkit.topics.routing import REVIEW, Costs, Rule, decide, evaluate, outcomes, route, rule_report, sweep  # noqa: E402

CLASSES = ["billing", "delivery"]
TEXTS = ["Fraud on my card", "Where is my parcel?", "Hello?", "Reset my PASSWORD please"]
PROBABILITIES = np.array([[0.7, 0.3], [0.1, 0.9], [0.55, 0.45], [0.8, 0.2]])
RULES = [Rule("fraud", r"\bfraud", REVIEW), Rule("password", r"password", "technical")]


def test_rules_go_first_and_the_first_match_decides():
    rules = [Rule("parcel", r"parcel", "delivery"), Rule("where", r"where", "billing")]
    routed = route(["where is my parcel"], np.array([[0.9, 0.1]]), CLASSES, rules=rules)
    assert routed.loc[0, "queue"] == "delivery" and routed.loc[0, "source"] == "rule: parcel"


def test_route_uses_threshold_and_rules():
    routed = route(TEXTS, PROBABILITIES, CLASSES, threshold=0.6, rules=RULES)
    assert routed["queue"].tolist() == [REVIEW, "delivery", REVIEW, "technical"]
    assert routed["source"].tolist() == ["rule: fraud", "model", "low confidence", "rule: password"]
    assert routed["confidence"].tolist() == [0.7, 0.9, 0.55, 0.8]


def test_threshold_zero_trusts_the_model_and_equal_probability_reaches_the_threshold():
    assert route(TEXTS, PROBABILITIES, CLASSES)["queue"].tolist() == ["billing", "delivery", "billing", "billing"]
    assert decide([0.4, 0.6], CLASSES, 0.6) == "delivery"
    assert decide([0.4, 0.6], CLASSES, 0.61) == REVIEW


def test_evaluate_counts_outcomes_and_minutes():
    routed = route(TEXTS, PROBABILITIES, CLASSES, threshold=0.6, rules=RULES)
    true = ["billing", "billing", "billing", "technical"]
    assert outcomes(routed, true).tolist() == ["review", "wrong", "review", "right"]
    summary = evaluate(routed, true, Costs(triage_minutes=3, error_minutes=5))
    assert summary == {
        "messages": 4, "automated": 2, "reviewed": 2, "errors": 1,
        "automation_rate": 0.5, "error_rate": 0.5, "minutes_saved": 2 * 3 - 5,
    }


def test_evaluate_with_nothing_automated_has_no_error_rate_to_divide_by():
    routed = route(TEXTS, PROBABILITIES, CLASSES, threshold=1.0)
    summary = evaluate(routed, ["billing"] * 4)
    assert summary["automated"] == 0 and summary["error_rate"] == 0.0 and summary["minutes_saved"] == 0


def test_sweep_agrees_with_evaluate_at_each_threshold():
    true = ["billing", "delivery", "delivery", "technical"]
    table = sweep(TEXTS, PROBABILITIES, CLASSES, true, [0.0, 0.6, 1.0], rules=RULES)
    assert table.index.tolist() == [0.0, 0.6, 1.0]
    for threshold in table.index:
        expected = evaluate(route(TEXTS, PROBABILITIES, CLASSES, threshold=threshold, rules=RULES), true)
        assert table.loc[threshold].to_dict() == pytest.approx(expected)
    assert table["automated"].is_monotonic_decreasing


def test_rule_report_measures_each_rule_alone():
    report = rule_report(RULES + [Rule("card", r"card", "billing")], TEXTS, ["billing", "delivery", "billing", "billing"])
    assert report.loc["password", "matches"] == 1 and report.loc["password", "precision"] == 0.0
    assert report.loc["card", "precision"] == 1.0
    assert np.isnan(report.loc["fraud", "precision"])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Rule("bad", "(", "billing"), "not a valid regular expression"),
        (lambda: Rule("", "x", "billing"), "name should be a non-empty string"),
        (lambda: Costs(error_minutes=-1), "error_minutes"),
        (lambda: route(TEXTS, PROBABILITIES[:2], CLASSES), "one row per message"),
        (lambda: route(TEXTS, PROBABILITIES, CLASSES, threshold=1.5), "between 0 and 1"),
        (lambda: evaluate(route(TEXTS, PROBABILITIES, CLASSES), ["billing"]), "1 labels for 4"),
    ],
)
def test_bad_input_is_refused_with_a_message(call, message):
    with pytest.raises(InputError, match=message):
        call()
