"""Student loans as they are billed: limits, interest in school and grace, repayment plans.

Rules (figures and sources in ``decision_figures.csv``):

- **Federal Direct Unsubsidized (graduate)**: the rate and the origination fee of the
  academic year of each disbursement, fixed for the life of that loan; annual limit
  $20,500; aggregate limit $138,500 for the old rules, $100,000 (graduate) for loans
  first disbursed from 1 July 2026.
- **Grad PLUS**: closed to new borrowers from 1 July 2026; a borrower who already had a
  loan for the programme before then (``legacy_borrower``) keeps it, and the old limits,
  for up to three academic years.
- **Interest before repayment**: simple interest on each disbursement from its date
  until repayment starts, six months (the grace period) after study ends:
  ``principal * rate * days / 365``. With ``capitalise`` it is added to the principal
  when repayment starts; without, it is paid first and earns no interest.
- **Plans**: ``standard`` (120 monthly payments, at least $50) for loans under the old
  rules; ``tiered`` (10, 15, 20 or 25 years for a balance under $25k, $50k, $100k or
  from $100k) for loans first disbursed from 1 July 2026. The income-based Repayment
  Assistance Plan (and the tiered plan over many balances at once) is in
  :mod:`mlkit.decision.repayment`.
- **Private loans**: fixed rate, fixed term, interest accrues in school and grace and is
  capitalised.

Amounts are nominal dollars, as the servicer bills them. Origination fees are taken
from each disbursement, so the borrower owes the gross amount and receives it net of fee.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy_financial as npf

from mlkit.decision.figures import figure, value
from mlkit.decision.financing import (  # the rules' dates, also the previous release's names here
    LAST_OLD_RULES_YEAR,  # noqa: F401 - the previous release had it here
    add_years,  # noqa: F401 - the previous release had it here
    academic_year,
    add_months,
    disbursements,
    new_rules_date,
    old_rules_apply,
    study_end,
)

if TYPE_CHECKING:  # pragma: no cover
    from mlkit.decision.inputs import Assumptions, Option, Person

def check_financing(option: Option, start: date) -> None:
    """The previous release's form of :func:`mlkit.decision.financing.check_financing`."""
    from mlkit.decision import financing

    financing.check_financing(option.financing, option=option.name, years=option.years, start=start)


def simple_interest(principal: float, annual_rate: float, days: float, days_in_year: float = 365.0) -> float:
    """Interest accrued without compounding: ``principal * annual_rate * days / days_in_year``.

    Examples
    --------
    >>> round(simple_interest(20_000, 0.06, 30), 2)
    98.63
    """
    return principal * annual_rate * days / days_in_year


def monthly_payment(balance: float, annual_rate: float, months: int) -> float:
    """The level monthly payment that repays ``balance`` in ``months`` (``numpy_financial.pmt``).

    Examples
    --------
    >>> round(monthly_payment(27_000, 0.055, 120), 2)
    293.02
    """
    if balance <= 0:
        return 0.0
    if annual_rate * months < 1e-9:  # (1 + r) ** n rounds to 1: no interest to speak of
        return balance / months
    return float(-npf.pmt(annual_rate / 12, months, balance))


def level_payment_uncapitalised(principal: float, unpaid_interest: float, annual_rate: float, months: int) -> float:
    """Level monthly payment when accrued interest is not capitalised.

    Payments go first to the unpaid interest, which earns no interest itself, while the
    principal keeps accruing; the payment ``P`` solves
    ``principal = P * (1 - (1 + r) ** -(n - k)) / r`` with ``k = unpaid_interest / (P - r * principal)``
    the months spent clearing the unpaid interest (solved by bisection). It lies between
    the payment on the principal alone and the payment with the interest capitalised.
    """
    r = annual_rate / 12
    if principal <= 0:
        return unpaid_interest / months
    if r * months < 1e-9 or unpaid_interest <= 0:
        return monthly_payment(principal, annual_rate, months) + unpaid_interest / months
    low = monthly_payment(principal, annual_rate, months)
    high = monthly_payment(principal + unpaid_interest, annual_rate, months)

    def shortfall(payment: float) -> float:
        left = months - unpaid_interest / (payment - r * principal)
        if left <= 0:
            return -principal
        return payment * (1 - (1 + r) ** -left) / r - principal

    for _ in range(80):
        mid = (low + high) / 2
        if shortfall(mid) < 0:
            low = mid
        else:
            high = mid
    return high


def tiered_term_years(balance: float) -> int:
    """Term of the tiered standard plan (loans first disbursed from 1 July 2026) by balance.

    Examples
    --------
    >>> [tiered_term_years(b) for b in (24_999, 25_000, 49_999, 99_999, 100_000)]
    [10, 15, 15, 20, 25]
    """
    for tier in (1, 2, 3):
        if balance < value(f"loan.tiered.balance_{tier}"):
            return int(value(f"loan.tiered.years_{tier}"))
    return int(value("loan.tiered.years_4"))


@dataclass(frozen=True)
class Loan:
    """One disbursement and what it has become when repayment starts."""

    kind: str  # "federal_unsubsidised", "grad_plus" or "private"
    disbursed: str
    academic_year: str
    principal: float
    rate: float
    fee: float
    accrued_interest: float

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LoanSummary:
    """The financing view of one option (completing it), in nominal dollars.

    Attributes
    ----------
    borrowed : float
        Total principal owed (gross of origination fees).
    received : float
        What reaches the student after fees.
    accrued_interest : float
        Interest accrued in school and grace.
    balance_at_repayment : float
        Principal plus accrued interest when repayment starts.
    repayment_start : str
        Six months after study ends.
    plan : str
        Federal plan used (``standard`` or ``tiered``; ``none`` without federal loans).
    federal_months, private_months : int
        Number of monthly payments of each.
    monthly_payment : float
        First monthly payment (federal plus private).
    total_paid, total_interest : float
        Over the life of the loans; interest = paid - borrowed.
    payment_share_land, payment_share_fallback : float
        Monthly payment as a share of monthly take-home pay (after ``tax_rate``) in the first
        year of repayment, with the target role and with the fallback salary (``None``
        without take-home pay, i.e. under $1 a month).
    notes : tuple of str
        Which rules applied and which figures were carried forward.
    """

    borrowed: float
    received: float
    fees: float
    accrued_interest: float
    balance_at_repayment: float
    repayment_start: str
    plan: str
    federal_months: int
    private_months: int
    monthly_payment: float
    total_paid: float
    total_interest: float
    payment_share_land: float | None
    payment_share_fallback: float | None
    loans: tuple[Loan, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("loans", "notes")}
        out["loans"] = [loan.to_dict() for loan in self.loans]
        out["notes"] = list(self.notes)
        return out


def build_loans(option: Option, start: date) -> tuple[list[Loan], list[str], date]:
    """Every disbursement of the option's financing, with interest accrued until repayment."""
    money = option.financing
    repay = add_months(study_end(start, option.years), int(value("loan.grace_months")))
    days_in_year = value("loan.days_in_year")
    loans: list[Loan] = []
    notes: list[str] = []
    for day, share in disbursements(start, option.years):
        year = academic_year(day)
        days = (repay - day).days
        old = old_rules_apply(day, start, money.legacy_borrower)
        for kind, amount, key in (
            ("federal_unsubsidised", money.federal_unsubsidised_per_year, "unsub_grad"),
            ("grad_plus", money.grad_plus_per_year, "grad_plus"),
        ):
            if amount <= 0:
                continue
            rate_figure = figure(f"loan.{key}.rate", year)
            fee = value(f"loan.{key}.fee", year)
            if rate_figure.year != year or rate_figure.assumption:
                notes.append(f"{kind} {year}: rate {rate_figure.value:.2%} from {rate_figure.year} ({rate_figure.source})")
            principal = amount * share
            loans.append(Loan(kind, day.isoformat(), year, principal, rate_figure.value, fee, simple_interest(principal, rate_figure.value, days, days_in_year)))
        if money.private_per_year > 0:
            principal = money.private_per_year * share
            loans.append(Loan("private", day.isoformat(), year, principal, money.private_rate, money.private_fee, simple_interest(principal, money.private_rate, days, days_in_year)))
        if old and day >= new_rules_date():
            notes.append(f"{year}: legacy provision (old limits and Grad PLUS) for a borrower with a loan before {new_rules_date():%d %B %Y}")
    return loans, notes, repay


def summarise(option: Option, person: Person, assumptions: Assumptions) -> LoanSummary | None:
    """The financing view of ``option`` (``None`` when it borrows nothing).

    Examples
    --------
    >>> from mlkit.decision.inputs import Assumptions, Financing, Option, Person
    >>> o = Option("MS", "masters_in_person", years=2, tuition_per_year=40_000,
    ...            financing=Financing(federal_unsubsidised_per_year=20_500))
    >>> s = summarise(o, Person(), Assumptions(start_date="2027-08-16"))
    >>> s.borrowed, s.plan, s.federal_months
    (41000.0, 'tiered', 180)
    """
    money = option.financing
    if not money.borrows:
        return None
    start = assumptions.start
    loans, notes, repay = build_loans(option, start)
    federal = [loan for loan in loans if loan.kind != "private"]
    private = [loan for loan in loans if loan.kind == "private"]
    capitalise = money.capitalise

    federal_balance = sum(loan.principal + loan.accrued_interest for loan in federal)
    plan = "none"
    federal_months = 0
    federal_payment = 0.0
    federal_paid = 0.0
    if federal:
        all_old = all(old_rules_apply(date.fromisoformat(loan.disbursed), start, money.legacy_borrower) for loan in federal)
        plan = money.plan if money.plan != "auto" else ("standard" if all_old else "tiered")
        if plan == "standard":
            federal_months = int(value("loan.standard.payments"))
        else:
            federal_months = 12 * tiered_term_years(federal_balance)
        for loan in federal:
            if capitalise:
                federal_payment += monthly_payment(loan.principal + loan.accrued_interest, loan.rate, federal_months)
            else:
                federal_payment += level_payment_uncapitalised(loan.principal, loan.accrued_interest, loan.rate, federal_months)
        federal_paid = federal_payment * federal_months
        minimum = value("loan.standard.minimum_payment")
        if plan == "standard" and federal_payment < minimum:
            # The $50 minimum shortens the term; months at the balance-weighted rate.
            mean_rate = sum(loan.rate * (loan.principal + loan.accrued_interest) for loan in federal) / federal_balance
            months = float(npf.nper(mean_rate / 12, -minimum, federal_balance)) if mean_rate > 0 else federal_balance / minimum
            federal_payment, federal_months = minimum, math.ceil(months)
            federal_paid = minimum * months
            notes.append(f"federal payment raised to the ${minimum:.0f} minimum: {federal_months} payments")
        notes.append(f"federal plan: {plan} ({federal_months} payments)" + ("" if capitalise else "; accrued interest not capitalised"))

    private_months = 12 * money.private_years if private else 0
    private_payment = sum(monthly_payment(loan.principal + loan.accrued_interest, loan.rate, private_months) for loan in private)
    private_paid = private_payment * private_months

    borrowed = sum(loan.principal for loan in loans)
    fees = sum(loan.principal * loan.fee for loan in loans)
    accrued = sum(loan.accrued_interest for loan in loans)
    payment = federal_payment + private_payment
    total_paid = federal_paid + private_paid

    years_to_repay = (repay - start).days / 365.25
    growth = (1 + person.salary_growth) ** years_to_repay
    keep = 1 - assumptions.tax_rate

    def share(salary: float) -> float | None:
        take_home = salary * growth * keep / 12
        return payment / take_home if take_home >= 1 else None  # under $1 a month: no share to speak of

    return LoanSummary(
        borrowed=borrowed,
        received=borrowed - fees,
        fees=fees,
        accrued_interest=accrued,
        balance_at_repayment=borrowed + accrued,
        repayment_start=repay.isoformat(),
        plan=plan,
        federal_months=federal_months,
        private_months=private_months,
        monthly_payment=payment,
        total_paid=total_paid,
        total_interest=total_paid - borrowed,
        payment_share_land=share(option.target_salary_value(person)),
        payment_share_fallback=share(option.fallback_salary_value(person)),
        loans=tuple(loans),
        notes=tuple(dict.fromkeys(notes)),
    )

