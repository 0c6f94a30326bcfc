"""The financing view on the Repayment Assistance Plan reports the schedule the NPV uses."""

import dataclasses

import numpy as np
import pytest

from mlkit.decision import evaluate, loans, repayment, simulate
from mlkit.decision.cashflows import loan_flows
from mlkit.decision.inputs import Assumptions, Financing, Option, Person, Scenario
from mlkit.decision.report import results_table
from mlkit.decision.summary import loan_schedule, option_rows


def scenario(plan="rap", target=100_000, fallback=60_000, dependants=0, **assumptions):
    # No salary growth and no inflation: the AGI of every year of repayment is the salary itself.
    person = Person(age=25, salary=50_000, salary_growth=0.0, retirement_age=65)
    option = Option(
        "MS", "masters_in_person", years=2, tuition_per_year=40_000, p_complete=0.9, p_land_role=0.6,
        target_salary=target, fallback_salary=fallback,
        financing=Financing(federal_unsubsidised_per_year=20_500, plan=plan, dependants=dependants),
    )
    settings = dict(start_date="2027-08-16", inflation=0.0, pre_tax=True, tax_rate=0.25)
    settings.update(assumptions)
    return Scenario(person, (Option("Stay"), option), Assumptions(**settings))


def view(s):
    return loans.summarise(s.option("MS"), s.person, s.assumptions)


def paid_in_the_npv(s, salary):
    """What the NPV's loan flows pay back for a completer with ``salary`` (received minus net flow)."""
    option = s.option("MS")
    flows = loan_flows(option, s.person, s.assumptions, option.years, salary)
    received = sum(loan.principal * (1 - loan.fee) for loan in view(s).loans)
    return received - float(flows.sum())


def test_rap_payment_is_the_rule_table_payment_of_each_salary():
    v = view(scenario())
    assert v.plan == "rap"
    # 34 CFR 685.209: $100,000 AGI is in the 9% band -> $750 a month; $60,000 in the 5% band -> $250.
    assert v.monthly_payment == pytest.approx(float(repayment.rap_monthly_payment(100_000)))
    assert v.monthly_payment == pytest.approx(750.0)
    assert v.monthly_payment_fallback == pytest.approx(250.0)
    # Each share uses its own payment: take-home = salary * (1 - 0.25) / 12.
    assert v.payment_share_land == pytest.approx(750 / (100_000 * 0.75 / 12))
    assert v.payment_share_fallback == pytest.approx(250 / (60_000 * 0.75 / 12))


@pytest.mark.parametrize("fallback", [60_000, 25_000])
def test_rap_totals_are_those_of_the_schedule_the_npv_uses(fallback):
    s = scenario(fallback=fallback)
    v = view(s)
    assert v.total_paid == pytest.approx(paid_in_the_npv(s, 100_000), rel=1e-9)
    assert v.total_paid_fallback == pytest.approx(paid_in_the_npv(s, fallback), rel=1e-9)
    # The same schedule computed from the rule directly: one balance, its weighted rate, 30 years of AGI.
    balance = v.balance_at_repayment
    rate = sum(loan.rate * (loan.principal + loan.accrued_interest) for loan in v.loans) / balance
    direct = repayment.rap_schedule(balance, rate, [100_000] * 30)
    assert v.total_paid == pytest.approx(float(direct.total_paid))
    assert v.federal_months == int(direct.payments_made[-1])
    assert v.forgiven == pytest.approx(float(direct.forgiven.sum()))
    # Interest: what the payments covered plus the interest capitalised when repayment started.
    assert v.total_interest == pytest.approx(float(direct.interest_charged.sum()) + v.accrued_interest)


def test_a_low_income_without_the_role_is_forgiven_and_pays_less_than_the_tiered_plan():
    rap, tiered = view(scenario(fallback=25_000)), view(scenario(plan="tiered", fallback=25_000))
    assert rap.forgiven_fallback > 0 and rap.interest_waived >= 0
    assert rap.total_paid_fallback < tiered.total_paid
    assert rap.monthly_payment_fallback < tiered.monthly_payment_fallback == tiered.monthly_payment
    assert rap.payment_share_fallback < tiered.payment_share_fallback
    # The tiered plan's figures are not reported under RAP.
    assert (rap.monthly_payment, rap.total_paid) != pytest.approx((tiered.monthly_payment, tiered.total_paid))


def test_dependants_lower_the_reported_rap_payment():
    one = view(scenario(dependants=1))
    assert one.monthly_payment == pytest.approx(700.0)   # $750 less $50 for one dependant
    assert one.monthly_payment_fallback == pytest.approx(200.0)


def test_the_results_table_and_the_report_show_the_rap_payments():
    s = scenario()
    e = evaluate(s)
    row = option_rows(e)[1]
    assert (row.plan, row.monthly_payment, row.monthly_payment_fallback) == ("rap", pytest.approx(750.0), pytest.approx(250.0))
    assert "$750 with the role, $250 without" in results_table(e)
    from mlkit.widgets.decision import results_html  # noqa: PLC0415 - the widget layer, for its table only

    assert "$750/mo with the role, $250/mo without" in results_html(e, simulate(s, draws=200, seed=0))


def test_the_loan_chart_follows_the_rap_balance():
    s = scenario(fallback=25_000)
    v = view(s)
    chart = loan_schedule(s.option("MS"), s.person, s.assumptions)
    assert chart.plan == "rap" and chart.monthly_payment == pytest.approx(750.0)
    start = int(round(chart.repayment_years * 12))
    assert chart.balance[start] == pytest.approx(v.balance_at_repayment)
    # At $100,000 RAP repays faster than its own level-payment months: the balance reaches 0 by the last payment.
    assert chart.balance[start + v.federal_months] == pytest.approx(0.0, abs=1e-6)
    tiered = loan_schedule(dataclasses.replace(s.option("MS"), financing=dataclasses.replace(s.option("MS").financing, plan="tiered")),
                           s.person, s.assumptions)
    assert not np.allclose(chart.balance[start:start + 60], tiered.balance[start:start + 60])


def test_the_command_names_the_state_tax_it_leaves_out_and_the_rap_payment_without_the_role(tmp_path, capsys):
    """`mlkit decide` never prints "0.0% state tax", and on RAP it gives the payment and forgiveness without the role."""
    import json

    from mlkit.cli import main

    scenario = tmp_path / "s.json"
    assert main(["decide", "--example", str(scenario)]) == 0
    data = json.loads(scenario.read_text())
    borrower = next(o for o in data["options"] if o["financing"]["federal_unsubsidised_per_year"] > 0)
    borrower["financing"]["plan"] = "rap"
    scenario.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["decide", str(scenario), "--draws", "500"]) == 0
    out = capsys.readouterr().out
    assert "0.0% state tax" not in out and "without state income tax unless you enter" in out
    line = next(l for l in out.splitlines() if l.startswith(borrower["name"] + ": borrows"))
    assert "rap plan" in line and "/month without the role" in line and "forgiven at the end" in line
