"""What the workbook and the report show per option, gathered from the model's results.

Core layer: plain values from :func:`~mlkit.decision.evaluate` and
:func:`~mlkit.decision.simulate`, arranged for a table; the cumulative discounted flows
for the cash-flow chart; and the loans' balance month by month for the loan chart.

Examples
--------
>>> from mlkit.decision import evaluate, example_scenario, simulate
>>> s = example_scenario()
>>> rows = option_rows(evaluate(s), simulate(s, draws=500, seed=0))
>>> [r.name for r in rows][:2]
['Stay', "In-person master's (CMU-priced)"]
>>> round(rows[1].monthly_payment)
1753
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np

from mlkit.decision.cashflows import discount_factors
from mlkit.decision.inputs import Assumptions, Option, Person, Scenario
from mlkit.decision.loans import add_months, build_loans, simple_interest, summarise
from mlkit.decision.montecarlo import MonteCarloResult
from mlkit.decision.results import Evaluation

#: Column labels of :func:`table`, in order.
COLUMNS = {
    "npv": "Expected NPV vs staying ($)",
    "break_even_year": "Break-even (year)",
    "irr": "IRR",
    "monthly_payment": "Loan payment ($/month)",
    "payment_share_land": "Payment / take-home (role)",
    "payment_share_fallback": "Payment / take-home (no role)",
    "prob_loss": "P(losing money)",
    "prob_best": "P(best)",
}


@dataclass(frozen=True)
class OptionRow:
    """One option's line in the results table (``None`` where a figure does not apply).

    ``monthly_payment_fallback`` is the first payment when finishing without the role: it
    differs from ``monthly_payment`` on the Repayment Assistance Plan (``plan == "rap"``) only.
    """

    name: str
    kind: str
    npv: float
    break_even_year: int | None
    irr: float | None
    irr_reason: str
    monthly_payment: float | None
    payment_share_land: float | None
    payment_share_fallback: float | None
    prob_loss: float | None
    prob_best: float | None
    total_direct_cost: float
    monthly_payment_fallback: float | None = None
    plan: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def option_rows(evaluation: Evaluation, simulation: MonteCarloResult | None = None) -> list[OptionRow]:
    """One :class:`OptionRow` per option, in scenario order."""
    rows = []
    for result in evaluation.options:
        loan = result.loan
        dist = simulation.option(result.name) if simulation is not None else None
        rows.append(
            OptionRow(
                name=result.name,
                kind=result.kind,
                npv=result.npv,
                break_even_year=result.break_even_year,
                irr=result.irr,
                irr_reason=result.irr_reason,
                monthly_payment=loan.monthly_payment if loan else None,
                payment_share_land=loan.payment_share_land if loan else None,
                payment_share_fallback=loan.payment_share_fallback if loan else None,
                prob_loss=dist.prob_loss if dist else None,
                prob_best=dist.prob_best if dist else None,
                total_direct_cost=result.total_direct_cost,
                monthly_payment_fallback=loan.monthly_payment_fallback if loan else None,
                plan=loan.plan if loan else None,
            )
        )
    return rows


def table(evaluation: Evaluation, simulation: MonteCarloResult | None = None):
    """The results as a :class:`pandas.DataFrame` indexed by option (rounded for reading)."""
    import pandas as pd

    rows = option_rows(evaluation, simulation)
    data = {
        label: [_rounded(key, getattr(r, key)) for r in rows]
        for key, label in COLUMNS.items()
        if simulation is not None or key not in ("prob_loss", "prob_best")
    }
    return pd.DataFrame(data, index=pd.Index([r.name for r in rows], name="option"))


def _rounded(key: str, value):
    if value is None:
        return "—"
    if key in ("npv", "monthly_payment"):
        return int(round(value))
    if key == "break_even_year":
        return int(value)
    return round(float(value), 3)


def cumulative_flows(evaluation: Evaluation) -> dict[str, np.ndarray]:
    """Cumulative discounted expected flow (vs staying) per option, year by year.

    Its last value is the option's expected NPV; it turns positive at the break-even year.
    """
    scenario = evaluation.scenario
    factors = discount_factors(scenario.assumptions.discount_rate, scenario.person.horizon_years)
    return {r.name: np.cumsum(r.flows * factors) for r in evaluation.options}


@dataclass(frozen=True)
class LoanSchedule:
    """The balance owed on an option's loans at the start of each month.

    Attributes
    ----------
    years : numpy.ndarray
        Time since study started, in years (one point per month).
    balance : numpy.ndarray
        Nominal balance owed: principal plus interest accrued so far (interest accrued in
        school and grace is counted as owed, capitalised or not).
    repayment_years : float
        When repayment starts (years since study started).
    monthly_payment : float
        The first monthly payment (federal plus private; on RAP, with the income of landing the role).
    plan : str
        The federal plan (``standard``, ``tiered``, ``rap``; ``none`` without federal loans): on
        ``rap`` the payment follows income, so ``monthly_payment`` is only the first one.
    """

    option: str
    years: np.ndarray
    balance: np.ndarray
    repayment_years: float
    monthly_payment: float
    plan: str = "none"


def loan_schedule(option: Option, person: Person, assumptions: Assumptions) -> LoanSchedule | None:
    """Month-by-month balance of ``option``'s loans (``None`` when it borrows nothing).

    Before repayment each disbursement owes its principal plus simple interest to date;
    from repayment every loan is paid down by its level payment over its term (federal:
    the plan's months; private: its term). Where the $50 minimum shortens a federal term
    the schedule keeps the level payment, an approximation of a few months at most. On the
    Repayment Assistance Plan the federal balance is that of
    :func:`mlkit.decision.loans.federal_rap_schedule` with the income of landing the role (the
    schedule the NPV and the financing view use), month by month.
    """
    summary = summarise(option, person, assumptions)
    if summary is None:
        return None
    start = assumptions.start
    loans, _notes, repay = build_loans(option, start)
    days_in_year = 365.0
    months_to_repay = _months_between(start, repay)
    rap = summary.plan == "rap"
    terms = [summary.private_months if loan.kind == "private" else summary.federal_months for loan in loans]
    total = months_to_repay + max(terms) + 1
    points = [add_months(start, m) for m in range(total)]
    balance = np.zeros(total)
    for loan, term in zip(loans, terms):
        disbursed = date.fromisoformat(loan.disbursed)
        owed = loan.principal + loan.accrued_interest
        r = loan.rate / 12
        payment = -np.inf
        for m, day in enumerate(points):
            if day < disbursed:
                continue
            if m < months_to_repay:
                balance[m] += loan.principal + simple_interest(loan.principal, loan.rate, (day - disbursed).days, days_in_year)
                continue
            k = m - months_to_repay
            if k >= term or (rap and loan.kind != "private"):
                break
            if payment == -np.inf:
                payment = owed / term if r == 0 else owed * r / (1 - (1 + r) ** -term)
            left = owed - payment * k if r == 0 else owed * (1 + r) ** k - payment * ((1 + r) ** k - 1) / r
            balance[m] += max(left, 0.0)
    if rap:
        balance[months_to_repay:] += _rap_balance(option, person, assumptions, total - months_to_repay)
    years = np.arange(total) / 12
    return LoanSchedule(option.name, years, balance, months_to_repay / 12, summary.monthly_payment, summary.plan)


def _rap_balance(option: Option, person: Person, assumptions: Assumptions, months: int) -> np.ndarray:
    """Federal balance on RAP at each of the first ``months`` months of repayment (with the income of landing the role)."""
    from mlkit.decision.loans import RAP_YEARS, federal_rap_schedule, repayment_terms
    from mlkit.decision.outcomes import branch_income, branches

    terms = repayment_terms(option, assumptions.start)
    first = (terms.repay - assumptions.start).days / 365.25
    land = branches(option, person, assumptions)[0]
    wages = branch_income(option, person, land).gross(person, int(first) + RAP_YEARS + 2)
    rap = federal_rap_schedule(terms, person, assumptions, wages, option.financing.dependants, monthly=True)
    if rap is None:  # pragma: no cover - a RAP plan has federal loans
        return np.zeros(months)
    owed = sum(loan.principal + loan.accrued_interest for loan in terms.federal)
    path = np.concatenate([[owed], np.asarray(rap.monthly_balance, dtype=float)])
    return np.pad(path, (0, max(0, months - path.size)))[:months]


def payment_text(row: OptionRow, unit: str = "") -> str:
    """The first monthly loan payment of ``row`` in words: ``$1,753``; on RAP, with the role and without.

    ``unit`` follows each amount (``"/mo"``); ``—`` without loans.

    Examples
    --------
    >>> row = OptionRow("MS", "masters_in_person", 0.0, None, None, "", 750.0, 0.12, 0.06, None, None, 0.0, 250.0, "rap")
    >>> payment_text(row)
    '$750 with the role, $250 without (income-driven, RAP)'
    >>> payment_text(dataclasses.replace(row, plan="tiered"), "/mo")
    '$750/mo'
    """
    if row.monthly_payment is None:
        return "—"
    if row.plan == "rap" and row.monthly_payment_fallback is not None:
        return (f"${row.monthly_payment:,.0f}{unit} with the role, ${row.monthly_payment_fallback:,.0f}{unit} without "
                "(income-driven, RAP)")
    return f"${row.monthly_payment:,.0f}{unit}"


def loan_schedules(scenario: Scenario) -> dict[str, LoanSchedule]:
    """:func:`loan_schedule` of every option that borrows."""
    out = {}
    for option in scenario.options:
        schedule = loan_schedule(option, scenario.person, scenario.assumptions)
        if schedule is not None:
            out[option.name] = schedule
    return out


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month
