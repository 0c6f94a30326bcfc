"""The loans see the income the scenario earns: the Repayment Assistance Plan's AGI is the entry
salary rising to the target (not the target from the first day), the job-search gap, the fallback
salary without the role and the old salary after dropping out; the Monte Carlo redraws the RAP
schedule with each draw's salary; and the payment's share of take-home pay is computed from the
same income, in the same dollars as the payment.
"""

import dataclasses
import math
from datetime import date

import numpy as np
import pytest

from mlkit.decision import Assumptions, Financing, Option, Person, Scenario, evaluate, loans, repayment, simulate
from mlkit.decision.cashflows import branch_flows
from mlkit.decision.inputs import GRADUATE_KINDS, KINDS
from mlkit.decision.kinds import make_option
from mlkit.decision.salary_path import salary_path
from mlkit.decision.tax import after_tax_income

START = date(2027, 8, 16)


def rap_scenario(*, p_land=1.0, target=120_000.0, entry=60_000.0, fallback=40_000.0, gap=0.0, spread=None, **settings):
    """A two-year full-time master's on RAP, before tax, without salary growth or inflation unless asked."""
    person = Person(age=30, salary=50_000, salary_growth=settings.pop("growth", 0.0), retirement_age=65)
    option = Option(
        "MS", "masters_in_person", years=2, tuition_per_year=40_000, income_share_while_studying=0.0,
        p_complete=settings.pop("p_complete", 1.0), p_land_role=p_land, target_salary=target,
        target_salary_range=spread or (target - 1.0, target + 1.0), entry_salary=entry, years_to_average=5,
        fallback_salary=fallback, job_search_months=gap,
        financing=Financing(federal_unsubsidised_per_year=20_500, plan="rap"),
    )
    a = dict(start_date=START.isoformat(), inflation=0.0, pre_tax=True, discount_rate=0.03)
    a.update(settings)
    return Scenario(person, (Option("Stay"), option), Assumptions(**a))


def first_year(s):
    """Years from the start of study to the first payment, and the balance and rate RAP repays."""
    view = loans.summarise(s.option("MS"), s.person, s.assumptions)
    first = (date.fromisoformat(view.repayment_start) - START).days / 365.25
    balance = view.balance_at_repayment
    rate = sum(loan.rate * (loan.principal + loan.accrued_interest) for loan in view.loans) / balance
    return view, first, balance, rate


def agi(income_by_year, first):
    """The AGI of each of the 30 years of repayment: the 12 months from ``first + k``, from the wages of each model year."""
    whole, part = int(first), first - int(first)
    k = np.arange(30)
    return (1 - part) * income_by_year[whole + k] + part * income_by_year[whole + k + 1]


def loan_part(s, branch):
    """The present value of a branch's loans in the NPV: its flows with loans minus without."""
    option = s.option("MS")
    with_loans = branch_flows(option, s.person, s.assumptions)[branch][1]
    without = branch_flows(option, s.person, s.assumptions, with_loans=False)[branch][1]
    return float((with_loans - without) @ 1.03 ** -np.arange(with_loans.size))


def by_hand(s, income_by_year):
    """The same present value from the rule: disbursements net of fees, then RAP's payments for that income."""
    view, first, balance, rate = first_year(s)
    plan = repayment.rap_schedule(balance, rate, agi(income_by_year, first))
    received = sum(loan.principal * (1 - loan.fee) * 1.03 ** -int((date.fromisoformat(loan.disbursed) - START).days / 365.25)
                   for loan in view.loans)
    months = first + np.arange(360) / 12
    paid = np.repeat(plan.payment / 12, 12) @ (1.03 ** -np.minimum(months.astype(int), s.person.horizon_years - 1))
    return received - float(paid), plan


def test_rap_in_the_npv_follows_the_entry_salary_not_the_target():
    s = rap_scenario()
    # The role starts when study ends (year 2) at the entry salary and reaches the target in 5 years.
    income = np.zeros(80)
    income[2:] = salary_path(60_000, 120_000, years=78, growth=0.0, years_to_average=5)
    expected, plan = by_hand(s, income)
    view, first, _balance, _rate = first_year(s)
    # The first payment is RAP's payment of the first 12 months' income, about $64,500: 6% -> about $320 a month,
    # not the $1,000 a month of a $120,000 AGI.
    assert view.monthly_payment == pytest.approx(plan.payment[0] / 12)
    assert view.monthly_payment == pytest.approx(float(repayment.rap_monthly_payment(agi(income, first)[0])))
    assert view.monthly_payment < 400
    assert loan_part(s, "land") == pytest.approx(expected, abs=5.0)


def test_rap_without_the_role_counts_the_job_search_and_the_fallback_salary():
    # Nine months of search: repayment starts 6 months after study, three months before the new job.
    s = rap_scenario(p_land=0.0, gap=9.0)
    income = np.zeros(80)
    income[2] = 0.25 * 40_000  # the last quarter of year 2 in the job
    income[3:] = 40_000
    expected, plan = by_hand(s, income)
    view = loans.summarise(s.option("MS"), s.person, s.assumptions)
    assert view.monthly_payment_fallback == pytest.approx(plan.payment[0] / 12)
    assert view.monthly_payment_fallback < float(repayment.rap_monthly_payment(40_000))  # the search months earn nothing
    assert loan_part(s, "fallback") == pytest.approx(expected, abs=5.0)


def test_rap_after_dropping_out_counts_the_search_before_the_old_salary():
    # Dropping out of a two-year programme half-way: back at $50,000 after a nine-month search.
    s = rap_scenario(p_complete=0.0, gap=9.0)
    option = s.option("MS")
    dropped = dataclasses.replace(s, options=(s.options[0], dataclasses.replace(option, years=1.0)))
    income = np.zeros(80)
    income[1] = 0.25 * 50_000
    income[2:] = 50_000
    # The drop-out borrows for one year and starts to repay six months after leaving: the loans of a one-year programme.
    expected, _plan = by_hand(dropped, income)
    assert loan_part(s, "dropout") == pytest.approx(expected, abs=5.0)


def test_salary_growth_and_inflation_enter_the_agi_as_the_income_model_has_them():
    s = rap_scenario(growth=0.02, inflation=0.03, entry=None)
    _view, first, _balance, _rate = first_year(s)
    t = np.arange(80)
    income = np.where(t >= 2, 120_000 * 1.02**t, 0.0)  # no career stages: the target from the first day in the role
    nominal = agi(income, first) * 1.03 ** (first + np.arange(30))
    view = loans.summarise(s.option("MS"), s.person, s.assumptions)
    assert view.monthly_payment == pytest.approx(float(repayment.rap_monthly_payment(nominal[0])))


def test_each_monte_carlo_draw_repays_rap_with_its_own_salary():
    spread = (60_000.0, 200_000.0)
    on_rap = rap_scenario(p_land=1.0, entry=None, spread=spread)
    free = dataclasses.replace(on_rap, options=(on_rap.options[0], dataclasses.replace(on_rap.options[1], financing=Financing())))
    a, b = simulate(on_rap, draws=4_000, seed=3), simulate(free, draws=4_000, seed=3)
    cost = b.option("MS").npv - a.option("MS").npv  # the same draws: only the loans differ
    salary = free.options[1].salary_spread(0.9, free.person)
    z = np.random.default_rng(3).standard_normal(4_000)
    target = salary[0] * np.exp(salary[1] * z)
    # On RAP what the loans cost depends on the income: around $65,000 the payments hardly cover the interest for
    # 30 years; a high earner repays fast; a low one has the rest forgiven.
    assert np.ptp(cost) > 20_000
    middle, high = (60_000 < target) & (target < 75_000), target > 150_000
    assert cost[middle].mean() > cost[high].mean() + 5_000
    # The draw at a given salary pays what a person certain of that salary pays.
    for i in np.argsort(target)[[200, 2_000, 3_800]]:
        sure = rap_scenario(p_land=1.0, entry=None, target=float(target[i]))
        assert cost[i] == pytest.approx(evaluate(sure).option("MS").financing_cost, abs=max(300.0, 0.01 * abs(cost[i])))


@pytest.mark.parametrize("mode", ["outcomes", "expected"])
def test_the_simulated_mean_still_converges_to_the_expected_npv_with_rap_for_every_kind(mode):
    def financed(kind):
        if kind == "stay":
            return make_option(kind)
        money = Financing(borrow_share=0.8, plan="rap") if kind in GRADUATE_KINDS else Financing(borrow_share=0.8, private_rate=0.11)
        return make_option(kind, financing=money, fees_per_year=2_000 if kind != "bootcamp" else 0.0)

    s = Scenario(Person(age=25, salary=58_260, retirement_age=65), tuple(financed(k) for k in KINDS),
                 Assumptions(monte_carlo=mode))
    evaluation, simulation = evaluate(s), simulate(s, draws=100_000, seed=5)
    for option in s.options:
        dist = simulation.option(option.name)
        gap = abs(dist.mean - evaluation.option(option.name).npv)
        allowed = 4 * float(dist.npv.std()) / math.sqrt(dist.npv.size) + 1e-6
        assert gap <= allowed, f"{option.name} ({mode}): mean - expected NPV = {gap:,.0f} > {allowed:,.0f}"


# --- the payment's share of take-home pay ---------------------------------------------------------

def tiered(**settings):
    person = Person(age=30, salary=60_000, salary_growth=settings.pop("growth", 0.02))
    option = Option("MS", "masters_in_person", years=2, tuition_per_year=40_000, income_share_while_studying=0.0,
                    p_land_role=1.0, target_salary=100_000, fallback_salary=70_000,
                    financing=Financing(federal_unsubsidised_per_year=20_500))
    a = Assumptions(start_date=START.isoformat(), **settings)
    Scenario(person, (option,), a)
    return option, person, a


def test_the_payment_share_is_in_the_same_dollars_as_the_payment():
    # A flat 25% tax, 2% real growth, 3% inflation: the payment is billed in the dollars of 2030,
    # so the take-home pay it is compared with must be too (the salary grown by growth and inflation).
    option, person, a = tiered(pre_tax=True, tax_rate=0.25, inflation=0.03)
    view = loans.summarise(option, person, a)
    first = (date.fromisoformat(view.repayment_start) - START).days / 365.25
    for salary, share in ((100_000, view.payment_share_land), (70_000, view.payment_share_fallback)):
        take_home = salary * 1.02**first * 1.03**first * 0.75 / 12
        assert share * take_home == pytest.approx(view.monthly_payment, rel=1e-3)


def test_the_payment_share_uses_the_scenarios_taxes():
    # After tax (the default) take-home pay is what the brackets, payroll and state tax leave, not 1 - tax_rate.
    option, person, a = tiered(growth=0.0, inflation=0.0, state_rate=0.05)
    view = loans.summarise(option, person, a)
    net = float(after_tax_income(100_000, state_rate=0.05, year=START.year))
    assert view.payment_share_land == pytest.approx(view.monthly_payment / (net / 12), rel=1e-9)
    assert view.payment_share_land != pytest.approx(view.monthly_payment / (100_000 * (1 - a.tax_rate) / 12), rel=0.01)


def test_the_payment_share_with_the_role_reads_the_entry_salary():
    # The first payment falls in the first year in the role: the entry salary, not the all-levels average.
    option, person, a = tiered(growth=0.0, inflation=0.0, pre_tax=True, tax_rate=0.25)
    entry = dataclasses.replace(option, entry_salary=50_000, years_to_average=4)
    view = loans.summarise(entry, person, a)
    first = (date.fromisoformat(view.repayment_start) - START).days / 365.25
    income = np.zeros(40)
    income[2:] = salary_path(50_000, 100_000, years=38, growth=0.0, years_to_average=4)
    gross = agi(income, first)[0]
    assert view.payment_share_land == pytest.approx(view.monthly_payment / (gross * 0.75 / 12), rel=1e-9)


def test_a_balance_forgiven_under_rap_is_taxed_as_income_of_its_year(monkeypatch):
    # Without the role at $25,000 the payments never catch up with the interest: the balance left after 360
    # payments is forgiven, and since 2026 that is federal taxable income (IRC section 108(f)(5) has lapsed).
    from mlkit.decision import cashflows
    from mlkit.decision.tax import federal_income_tax

    s = rap_scenario(p_land=0.0, fallback=25_000.0, entry=None, pre_tax=False, state_rate=0.0)
    view, first, _balance, _rate = first_year(s)
    assert view.forgiven_fallback > 10_000
    year = int(first + 359 / 12)  # the year of the 360th payment
    cashflows.clear_caches()
    taxed = cashflows.loan_flows(s.option("MS"), s.person, s.assumptions, branch="fallback")
    monkeypatch.setattr(cashflows, "_tax_on_forgiveness", lambda forgiven, wages, taxes: np.zeros_like(forgiven))
    cashflows.clear_caches()
    untaxed = cashflows.loan_flows(s.option("MS"), s.person, s.assumptions, branch="fallback")
    cashflows.clear_caches()
    taxable = 25_000 - 16_100  # the 2026 standard deduction, single
    by_hand = float(federal_income_tax(taxable + view.forgiven_fallback) - federal_income_tax(taxable))
    assert by_hand > 1_000
    difference = untaxed - taxed
    assert difference[year] == pytest.approx(by_hand, rel=1e-9)
    assert np.count_nonzero(difference) == 1
