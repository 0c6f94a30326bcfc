"""The decision model with the rules of tax, career stages and the 2026 loan plans wired in.

Each test computes the expected value by hand from the rule functions of
:mod:`mlkit.decision.tax`, :mod:`mlkit.decision.salary_path` and
:mod:`mlkit.decision.repayment`, and compares it with what the model does.
"""

import dataclasses

import numpy as np
import pytest

from mlkit.decision import evaluate, example_scenario
from mlkit.decision.cashflows import branch_flows, financing_cost, loan_flows, stage_factors
from mlkit.decision.figures import roles
from mlkit.decision.inputs import Assumptions, Financing, Option, Person, Scenario
from mlkit.decision.repayment import rap_monthly_payment, rap_schedule
from mlkit.decision.salary_path import entry_salary, salary_path
from mlkit.decision.tax import after_tax_income, employer_aid_exclusion, lifetime_learning_credit, tax_breakdown
from mlkit.errors import InputError

PERSON = Person(age=40, salary=60_000, salary_growth=0.0, retirement_age=46)


def course(**changes) -> Option:
    fields = dict(kind="masters_in_person", years=1, tuition_per_year=10_000, income_share_while_studying=0.5, p_complete=1.0,
                  p_land_role=1.0, target_salary=90_000)
    return Option("MS", **{**fields, **changes})


def land_flows(option, person=PERSON, **assumptions) -> np.ndarray:
    a = Assumptions(**assumptions)
    return branch_flows(option, person, a, with_loans=False)["land"][1]


def test_after_tax_is_the_default_and_pre_tax_a_switch():
    assert Assumptions().tax_model == "brackets" and Assumptions(pre_tax=True).tax_model == "none"
    assert Assumptions(after_tax=True).tax_model == "flat"  # the previous release's flat rate, still readable
    pre = land_flows(course(), pre_tax=True)
    assert pre.tolist() == [0.5 * 60_000 - 60_000 - 10_000, 30_000, 30_000, 30_000, 30_000, 30_000]


def test_after_tax_flows_by_hand_from_the_tax_rules():
    state = 0.05
    # A bootcamp (no education credit) with a salary known to the dollar (the expectation over the
    # salary's spread is then the value at the salary).
    flows = land_flows(course(kind="bootcamp", target_salary=90_000, target_salary_range=(89_999.9, 90_000.1)), state_rate=state)
    net = lambda wages: float(after_tax_income(wages, state_rate=state, year=2027))  # noqa: E731
    assert flows[1] == pytest.approx(net(90_000) - net(60_000))
    assert flows[0] == pytest.approx(net(30_000) - net(60_000) - 10_000)


def test_lifetime_learning_credit_on_graduate_tuition():
    state = 0.0
    masters = land_flows(course(), state_rate=state)
    bootcamp = land_flows(course(kind="bootcamp"), state_rate=state)
    credit = float(lifetime_learning_credit(10_000, 30_000, year=2027))  # 20% of $10,000
    federal_due = float(tax_breakdown(30_000, state_rate=0.0, year=2027).federal_before_credits)  # caps the nonrefundable credit
    assert credit == 2_000 and 0 < federal_due < credit
    assert masters[0] - bootcamp[0] == pytest.approx(federal_due)
    assert masters[0] > bootcamp[0] and masters[1:].tolist() == pytest.approx(bootcamp[1:].tolist())


def test_employer_aid_above_the_section_127_limit_is_taxed():
    aid = 9_000
    with_aid = land_flows(course(kind="bootcamp", employer_aid_per_year=aid), state_rate=0.0)
    without = land_flows(course(kind="bootcamp"), state_rate=0.0)
    excluded, taxable = (float(x) for x in employer_aid_exclusion(aid))
    assert (excluded, taxable) == (5_250.0, 3_750.0)
    net = lambda wages: float(after_tax_income(wages, state_rate=0.0, year=2027))  # noqa: E731
    extra_tax = taxable - (net(30_000 + taxable) - net(30_000))
    assert with_aid[0] - without[0] == pytest.approx(aid - extra_tax)


def test_costs_while_studying_and_income_from_an_internship():
    base = land_flows(course(), pre_tax=True)
    costly = land_flows(course(health_insurance_per_year=3_000, lost_benefits_per_year=2_000), pre_tax=True)
    working = land_flows(course(study_income_per_year=12_000), pre_tax=True)
    assert base[0] - costly[0] == pytest.approx(5_000) and costly[1:].tolist() == base[1:].tolist()
    assert working[0] - base[0] == pytest.approx(12_000) and working[1:].tolist() == base[1:].tolist()


def test_salaries_by_career_stage_from_the_entry_salary_to_the_average():
    person = Person(age=30, salary=60_000, salary_growth=0.0, retirement_age=40)
    option = Option("MS", "masters_in_person", years=1, income_share_while_studying=1.0, p_complete=1.0, p_land_role=1.0,
                    target_role="data_scientist")
    average, entry = roles()["data_scientist"], entry_salary("data_scientist")
    flows = land_flows(option, person, pre_tax=True)
    path = salary_path(entry, average, years=9, growth=0.0, years_to_average=5)
    assert flows[1:].tolist() == pytest.approx((path - 60_000).tolist())
    assert flows[1] == pytest.approx(entry - 60_000)  # the first year in the role pays the entry salary
    # No career path asked for: the target from the first day.
    flat = land_flows(dataclasses.replace(option, years_to_average=0.0), person, pre_tax=True)
    assert flat[1:].tolist() == pytest.approx([average - 60_000] * 9)
    # An own entry salary.
    own = stage_factors(dataclasses.replace(option, entry_salary=average / 2, years_to_average=2.0), person, 1.0)
    assert own[1:4].tolist() == pytest.approx([0.5, 0.5**0.5, 1.0])


def new_borrower(plan: str, fallback: float, **financing) -> Scenario:
    option = Option("MS", "masters_in_person", years=2, tuition_per_year=30_000, income_share_while_studying=0.0,
                    p_complete=1.0, p_land_role=0.5, target_salary=110_000, fallback_salary=fallback,
                    financing=Financing(federal_unsubsidised_per_year=20_500, plan=plan, **financing))
    return Scenario(Person(age=30, salary=60_000), (Option("Stay"), option), Assumptions(start_date="2027-08-16", pre_tax=True))


def test_rap_payments_follow_income_and_protect_the_borrower_without_the_role():
    rap, tiered = new_borrower("rap", 30_000), new_borrower("tiered", 30_000)
    a, person = rap.assumptions, rap.person
    low, high = (financing_cost(rap.options[1], person, a, 2.0, salary) for salary in (30_000.0, 110_000.0))
    assert low < high  # a lower income pays less under RAP
    fixed = financing_cost(tiered.options[1], person, a, 2.0)
    assert low < fixed  # the borrower who does not land the role is protected
    # The federal payments are those of the statute's schedule for that income path.
    flows = loan_flows(rap.options[1], person, a, 2.0, 30_000.0)
    received = -flows[flows > 0].sum()
    assert received < 0 and flows[3:].sum() < 0
    result = evaluate(rap).option("MS")
    assert result.financing_cost != pytest.approx(evaluate(tiered).option("MS").financing_cost)


def test_rap_schedule_matches_the_statute_rules_for_the_model_income():
    # What the model pays on RAP in a year is 12 x the monthly payment of that year's AGI (nominal).
    s = rap_schedule(41_000, 0.0794, [30_000 * 1.02**t for t in range(30)])
    assert s.payment[0] == pytest.approx(12 * float(rap_monthly_payment(30_000))) == pytest.approx(0.02 * 30_000)


def test_the_legacy_standard_plan_is_refused_for_new_loans_with_the_law_named():
    with pytest.raises(InputError, match=r"plan = 'standard': the 10-year standard plan is closed to loans first disbursed from 01 July 2026 \(.*P.L. 119-21"):
        new_borrower("standard", 30_000)
    old = new_borrower("auto", 30_000)
    old = dataclasses.replace(old, assumptions=dataclasses.replace(old.assumptions, start_date="2025-08-18"))
    standard = dataclasses.replace(old, options=(old.options[0], dataclasses.replace(old.options[1], financing=dataclasses.replace(old.options[1].financing, plan="standard"))))
    assert evaluate(standard).option("MS").loan.plan == "standard"


def test_limits_name_the_law():
    with pytest.raises(InputError, match=r"above the annual limit of \$20,500 for graduate Direct Unsubsidized loans \(.*section 81001"):
        Scenario(Person(), (Option("MS", "masters_in_person", years=2, tuition_per_year=40_000,
                                   financing=Financing(federal_unsubsidised_per_year=25_000)),))


def test_loans_follow_the_costs_with_borrow_share():
    def scenario(tuition):
        option = Option("MS", "masters_in_person", years=2, tuition_per_year=tuition,
                        financing=Financing(borrow_share=1.0))
        return Scenario(Person(), (option,), Assumptions(pre_tax=True))

    dear, cheap = (evaluate(scenario(t)).option("MS").loan for t in (60_000, 30_000))
    assert dear.borrowed == pytest.approx(120_000) and cheap.borrowed == pytest.approx(60_000)
    assert {loan.kind for loan in dear.loans} == {"federal_unsubsidised", "private"}


def test_raising_a_private_rate_lowers_the_npv_and_can_change_the_verdict():
    s = example_scenario()
    cmu = s.options[1]
    dear = dataclasses.replace(s, options=tuple(dataclasses.replace(o, financing=dataclasses.replace(o.financing, private_rate=0.14)) if o is cmu else o for o in s.options))
    before, after = evaluate(s).option(cmu.name), evaluate(dear).option(cmu.name)
    assert after.npv < before.npv - 10_000
    assert after.npv_loan_free == pytest.approx(before.npv_loan_free)
    assert after.financing_cost == pytest.approx(after.npv_loan_free - after.npv)


def test_after_tax_expected_value_averages_over_the_salary_spread():
    # The tax is progressive: the expected after-tax gain is below the gain at the expected salary.
    spread = land_flows(course(kind="bootcamp"), state_rate=0.05)
    known = land_flows(course(kind="bootcamp", target_salary_range=(89_999.9, 90_000.1)), state_rate=0.05)
    assert spread[1] < known[1] and spread[0] == pytest.approx(known[0])
