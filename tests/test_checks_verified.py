"""Every check, proven by the verification harness (``mlkit exercises verify``).

The harness runs once for the whole file (two to three minutes on two cores) over every unit.
The targets: every equivalent form of a right answer accepted, and at least 85% of the
non-equivalent mutants of the solution refused in each exercise, 95% overall. A failure names
the exercise, the right answers its check refused and the mutants it let through.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlkit.course import curriculum
from mlkit.course.verification.report import (
    TARGET_KILLED_EACH,
    TARGET_KILLED_OVERALL,
    TARGET_VARIANTS,
    summary_of_dicts,
    verify_all,
)

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def measured() -> list[dict]:
    paths = [ROOT / u.solutions for u in curriculum.units() if u.solutions and (ROOT / u.solutions).is_file()]
    return verify_all(paths, jobs=2)


def _describe(report: dict) -> str:
    refused = [f"{v['form']} ({v['message'][:80]})" for v in report["refused_variants"]]
    survived = [f"line {s['line']}: {s['change']} (differs on {s['differs_on']})" for s in report["survivors"]]
    return f"{report['exercise']}: {report['problem'] or ''} refused right answers {refused}; mutants let through {survived}"


def test_every_exercise_of_every_unit_is_verified(measured):
    units = {u.id for u in curriculum.units() if u.solutions and (ROOT / u.solutions).is_file()}
    assert {r["exercise"].split(".")[0] for r in measured} == units
    assert [_describe(r) for r in measured if r["problem"]] == []


def test_every_check_accepts_every_equivalent_form_of_a_right_answer(measured):
    assert [_describe(r) for r in measured if r["variants_accepted"] < TARGET_VARIANTS * r["variants_generated"]] == []
    assert sum(r["variants_generated"] for r in measured) >= 150  # the harness really made variants


def test_every_check_refuses_the_mutants_of_its_solution(measured):
    below = [_describe(r) for r in measured if r["non_equivalent"] and r["mutants_killed"] < TARGET_KILLED_EACH * r["non_equivalent"]]
    assert below == []


def test_the_kit_as_a_whole_meets_the_targets(measured):
    totals = summary_of_dicts(measured)
    assert totals["mutants_non_equivalent"] >= 500  # the harness really made mutants
    assert totals["kill_rate"] >= TARGET_KILLED_OVERALL and totals["meets_targets"], totals
