"""The association-rule part of the natural-groups exercise (unit 12): numbers by hand, and named mistakes."""

from __future__ import annotations

import pytest

from mlkit.course.checks import exercises
from mlkit.course.checks.units import analysis_visualisation as unit

EX = exercises("analysis-visualisation")


def test_the_rule_by_hand():
    # stove in 7 of the 16 orders, fuel in 8, both in 5
    assert unit.supply_rule() == pytest.approx((5 / 16, 5 / 7, (5 / 16) / ((7 / 16) * (8 / 16))))


def right_clusters():
    return unit._right_clusters()


def test_the_right_rule_passes_in_any_container():
    support, confidence, lift = unit.supply_rule()
    for form in ((support, confidence, lift), [support, confidence, lift]):
        assert EX.clusters.evaluate(*right_clusters(), form).status == "passed"


@pytest.mark.parametrize(
    ("wrong", "words"),
    [
        (unit.clusters_rule_support_as_count, "number of orders"),
        (unit.clusters_rule_read_backwards, "read backwards"),
        (unit.clusters_rule_lift_over_antecedent, "how common the 'then' item is"),
    ],
)
def test_each_mistake_is_named(wrong, words):
    outcome = EX.clusters.evaluate(*wrong().args)
    assert outcome.status == "incorrect" and words in outcome.message


def test_a_rule_with_two_numbers_is_refused():
    outcome = EX.clusters.evaluate(*right_clusters(), unit.supply_rule()[:2])
    assert outcome.status == "incorrect" and "three numbers" in outcome.message
