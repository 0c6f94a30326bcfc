"""Cash flows, NPV, break-even, IRR and branch weighting against hand-built flows."""

import dataclasses

import numpy as np
import numpy_financial as npf
import pytest

from mlkit.decision import cashflows, evaluate, example_scenario
from mlkit.decision.inputs import Assumptions, Option, Person, Scenario
from mlkit.decision.results import break_even_year, expected_npvs, irr_or_reason, npv

# Four working years, flat salary: every flow below can be written down by hand.
PERSON = Person(age=60, salary=50_000, salary_growth=0.0, retirement_age=64)


def one_year_course(**changes):
    fields = dict(years=1, tuition_per_year=10_000, income_share_while_studying=0.0, p_complete=0.8,
                  p_land_role=0.5, target_salary=60_000)
    return Option("Course", "masters_in_person", **{**fields, **changes})


def result(option, person=PERSON, **assumptions):
    # Pre-tax unless a test asks otherwise: the hand computations are of earnings before tax.
    return evaluate(Scenario(person, (Option("Stay"), option), Assumptions(**{"pre_tax": True, **assumptions}))).option(option.name)


def test_branch_flows_by_hand():
    r = result(one_year_course())
    # Land: a year without salary and with tuition, then 10,000 a year more than staying.
    assert r.branches["land"].flows.tolist() == [-60_000, 10_000, 10_000, 10_000]
    # Fall back: the same year lost, then the old salary.
    assert r.branches["fallback"].flows.tolist() == [-60_000, 0, 0, 0]
    # Drop out half-way: half a year's tuition, half a year without salary.
    assert r.branches["dropout"].flows.tolist() == [-30_000, 0, 0, 0]


def test_branch_probabilities_and_weighting():
    r = result(one_year_course())
    assert {k: b.probability for k, b in r.branches.items()} == pytest.approx({"land": 0.4, "fallback": 0.4, "dropout": 0.2})
    # 0.4 * -60,000 + 0.4 * -60,000 + 0.2 * -30,000 = -54,000; later years 0.4 * 10,000.
    assert r.flows.tolist() == pytest.approx([-54_000, 4_000, 4_000, 4_000])
    by_branch = sum(b.probability * b.npv for b in r.branches.values())
    assert r.npv == pytest.approx(by_branch)


def test_npv_by_hand_and_against_numpy_financial():
    r = result(one_year_course(), discount_rate=0.03)
    by_hand = -54_000 + 4_000 / 1.03 + 4_000 / 1.03**2 + 4_000 / 1.03**3
    assert r.npv == pytest.approx(by_hand)
    assert r.branches["land"].npv == pytest.approx(npf.npv(0.03, [-60_000, 10_000, 10_000, 10_000]))
    assert r.npv_by_horizon == {}  # no view of 5 years or more inside a 4-year horizon


def test_numpy_financial_npv_convention_is_year_zero_undiscounted():
    # numpy-financial docs example: rate 8%, [-40,000, 5,000, 8,000, 12,000, 30,000] -> 3065.22267.
    assert round(npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]), 5) == 3065.22267
    assert npv(0.1, [100, 110]) == pytest.approx(200)


def test_job_search_gap_and_income_share():
    r = result(one_year_course(job_search_months=6, p_complete=1.0, p_land_role=1.0))
    # Half of year 1 still searching (no pay: share 0), half at 60,000.
    assert r.branches["land"].flows.tolist() == [-60_000, -20_000, 10_000, 10_000]
    kept = result(one_year_course(job_search_months=6, income_share_while_studying=0.5, p_complete=1.0, p_land_role=1.0))
    # Studying at half pay costs 25,000 of salary; the search half-year at half pay: 0.5*25,000 + 0.5*60,000 - 50,000.
    assert kept.branches["land"].flows.tolist() == [-35_000, -7_500, 10_000, 10_000]


def test_senior_premium_starts_after_the_years_in_role():
    r = result(one_year_course(p_complete=1.0, p_land_role=1.0, senior_premium=5_000, senior_after_years=1))
    assert r.branches["land"].flows.tolist() == [-60_000, 10_000, 15_000, 15_000]


def test_costs_net_of_aid_and_one_off_costs():
    option = one_year_course(p_complete=1.0, p_land_role=1.0, fees_per_year=2_000, extra_housing_per_month=500,
                             caregiving_per_year=1_000, scholarships_per_year=4_000, employer_aid_per_year=3_000,
                             relocation=2_500, programme_price=1_500)
    # 10,000 + 2,000 + 6,000 + 1,000 - 4,000 - 3,000 = 12,000 a year; 4,000 up front.
    assert option.annual_cost == 12_000 and option.upfront_cost == 4_000
    assert result(option).branches["land"].flows[0] == -50_000 - 12_000 - 4_000


def test_salary_growth_applies_to_both_paths():
    person = dataclasses.replace(PERSON, salary_growth=0.02)
    r = result(one_year_course(p_complete=1.0, p_land_role=1.0), person=person)
    expected = [-(50_000 + 10_000)] + [10_000 * 1.02**t for t in (1, 2, 3)]
    assert r.branches["land"].flows.tolist() == pytest.approx(expected)


def test_after_tax_scales_earnings_not_costs():
    r = result(one_year_course(p_complete=1.0, p_land_role=1.0), pre_tax=False, after_tax=True, tax_rate=0.3)
    assert r.branches["land"].flows.tolist() == pytest.approx([-0.7 * 50_000 - 10_000, 7_000, 7_000, 7_000])


def test_break_even_year():
    person = Person(age=30, salary=50_000, salary_growth=0.0, retirement_age=40)
    r = result(one_year_course(p_complete=1.0, p_land_role=1.0), person=person, discount_rate=0.0)
    # -60,000 then +10,000 a year: cumulative -50k, -40k, ..., 0 in year 7, +10,000 in year 8.
    assert r.break_even_year == 8
    assert break_even_year(0.0, [-10, 5, 5]) is None  # reaches zero, never above it
    assert break_even_year(0.0, [5, -10, 20]) == 3  # positive, dips below, positive again from year 3
    assert result(one_year_course()).break_even_year is None


def test_irr_only_for_one_sign_change():
    person = Person(age=60, salary=50_000, salary_growth=0.0, retirement_age=62)
    r = result(one_year_course(income_share_while_studying=1.0, p_complete=1.0, p_land_role=1.0, target_salary=61_000), person=person)
    # Hand-built: -10,000 then +11,000 -> IRR 10%.
    assert r.flows.tolist() == [-10_000, 11_000]
    assert r.irr == pytest.approx(0.10)
    assert irr_or_reason([-1_000, 0, 0, 1_331])[0] == pytest.approx(0.10)
    assert irr_or_reason([-100, 39, 59, 55, 20])[0] == pytest.approx(npf.irr([-100, 39, 59, 55, 20]))


def test_irr_reasons():
    assert irr_or_reason([-5, 10.5, 1, -8, 1]) == (None, "the flows change sign 3 times, so the rate of return is not unique; use the NPV")
    assert irr_or_reason([0, 0])[1] == "no difference from staying"
    assert "never pays back" in irr_or_reason([-10, -1, 0])[1]
    assert "nothing is invested" in irr_or_reason([0, 5, 5])[1]
    stay = evaluate(Scenario(PERSON, (Option("Stay"),))).option("Stay")
    assert stay.irr is None and stay.is_baseline and stay.npv == 0


def test_irr_of_expected_flows_solves_the_npv_equation():
    r = result(one_year_course())
    assert r.irr is not None and r.irr_reason == ""
    assert npv(r.irr, r.flows) == pytest.approx(0, abs=1e-6)


def test_closed_form_npv_equals_flows_npv():
    s = example_scenario()
    assert expected_npvs(s) == pytest.approx([r.npv for r in evaluate(s).options], abs=1e-6)
    option = one_year_course(job_search_months=7, senior_premium=3_000, senior_after_years=1.5, income_share_while_studying=0.3)
    person = Person(age=40, salary=45_000, salary_growth=0.015, retirement_age=65)
    a = Assumptions(discount_rate=0.05, pre_tax=True)
    sums = cashflows.DiscountedSums(person, a)
    for b in cashflows.branches(option, person, a):
        kwargs = dict(study_end=b.study_end, work_start=b.work_start, salary=b.salary, senior_premium=b.senior_premium, senior_start=b.senior_start)
        assert cashflows.branch_npv(option, sums, **kwargs) == pytest.approx(npf.npv(0.05, cashflows.flows(option, person, a, **kwargs)))


def test_npv_views_over_shorter_horizons():
    s = example_scenario()
    r = evaluate(s).options[1]
    assert set(r.npv_by_horizon) == {5, 10, 20, 30}
    assert r.npv_by_horizon[10] == pytest.approx(npf.npv(0.03, r.flows[:10]))
    assert r.npv_by_horizon[5] < r.npv_by_horizon[10] < r.npv_by_horizon[30] < r.npv


def test_example_scenario_results_are_finite_and_json_ready():
    e = evaluate(example_scenario())
    data = e.to_dict(with_flows=True)
    assert data["best_option"] == e.best
    values = np.array([o["npv"] for o in data["options"]])
    assert np.isfinite(values).all()
    assert e.best == e.options[int(np.argmax(values))].name
