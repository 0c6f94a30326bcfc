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
  :mod:`mlkit.decision.repayment`; :func:`federal_rap_schedule` applies it to an option's
  federal loans, and :func:`summarise` reports that schedule, the one the NPV uses.
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

import numpy as np
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
from mlkit.decision.repayment import RapSchedule, monthly_payment, rap_schedule  # monthly_payment: the previous release's name here

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


@dataclass(frozen=True)
class RepaymentTerms:
    """How an option's loans are repaid, before any income enters (what every plan shares).

    Attributes
    ----------
    loans : tuple of Loan
        Every disbursement, with its interest accrued until repayment.
    repay : date
        First month of repayment (six months after study ends).
    plan : str
        ``standard``, ``tiered`` or ``rap`` (``none`` without federal loans).
    federal_months, federal_payment, federal_paid : int, float, float
        Term, level monthly payment and total of the federal loans on the standard or tiered
        plan (0 on RAP: its payments follow income, see :func:`federal_rap_schedule`).
    private_months, private_payment : int, float
        Term and level monthly payment of the private loans.
    notes : tuple of str
        Which rules applied.
    """

    loans: tuple[Loan, ...]
    repay: date
    plan: str
    federal_months: int
    federal_payment: float
    federal_paid: float
    private_months: int
    private_payment: float
    notes: tuple[str, ...]

    @property
    def federal(self) -> list[Loan]:
        return [loan for loan in self.loans if loan.kind != "private"]

    @property
    def private(self) -> list[Loan]:
        return [loan for loan in self.loans if loan.kind == "private"]


def repayment_terms(option: Option, start: date) -> RepaymentTerms:
    """The plan, terms and level payments of ``option``'s loans (study starting ``start``).

    ``auto`` becomes the standard plan when every federal loan follows the rules before
    1 July 2026, else the tiered plan; the standard plan's $50 minimum may shorten its term.
    """
    money = option.financing
    loans, notes, repay = build_loans(option, start)
    federal = [loan for loan in loans if loan.kind != "private"]
    private = [loan for loan in loans if loan.kind == "private"]
    plan, federal_months, federal_payment, federal_paid = "none", 0, 0.0, 0.0
    if federal:
        all_old = all(old_rules_apply(date.fromisoformat(loan.disbursed), start, money.legacy_borrower) for loan in federal)
        plan = money.plan if money.plan != "auto" else ("standard" if all_old else "tiered")
        if plan == "rap":
            notes.append("federal plan: Repayment Assistance Plan (payments follow income; up to 360 payments, the rest forgiven)")
        else:
            federal_months, federal_payment, federal_paid = _level_plan(federal, plan, money.capitalise, notes)
    private_months = 12 * money.private_years if private else 0
    private_payment = sum(monthly_payment(loan.principal + loan.accrued_interest, loan.rate, private_months) for loan in private)
    return RepaymentTerms(tuple(loans), repay, plan, federal_months, federal_payment, federal_paid, private_months, private_payment, tuple(notes))


def _level_plan(federal: list[Loan], plan: str, capitalise: bool, notes: list[str]) -> tuple[int, float, float]:
    """(months, monthly payment, total paid) of the federal loans on the ``standard`` or ``tiered`` plan."""
    balance = sum(loan.principal + loan.accrued_interest for loan in federal)
    months = int(value("loan.standard.payments")) if plan == "standard" else 12 * tiered_term_years(balance)
    payment = 0.0
    for loan in federal:
        if capitalise:
            payment += monthly_payment(loan.principal + loan.accrued_interest, loan.rate, months)
        else:
            payment += level_payment_uncapitalised(loan.principal, loan.accrued_interest, loan.rate, months)
    paid = payment * months
    minimum = value("loan.standard.minimum_payment")
    if plan == "standard" and payment < minimum:
        # The $50 minimum shortens the term; months at the balance-weighted rate.
        mean_rate = sum(loan.rate * (loan.principal + loan.accrued_interest) for loan in federal) / balance
        exact = float(npf.nper(mean_rate / 12, -minimum, balance)) if mean_rate > 0 else balance / minimum
        payment, months, paid = minimum, math.ceil(exact), minimum * exact
        notes.append(f"federal payment raised to the ${minimum:.0f} minimum: {months} payments")
    notes.append(f"federal plan: {plan} ({months} payments)" + ("" if capitalise else "; accrued interest not capitalised"))
    return months, payment, paid


#: Years of income a RAP schedule covers: forgiveness comes with the 360th monthly payment.
RAP_YEARS = 30


def federal_rap_schedule(
    terms: RepaymentTerms, person: Person, assumptions: Assumptions, salary, dependants: int, *, monthly: bool = False
) -> RapSchedule | None:
    """The federal loans of ``terms`` repaid on the Repayment Assistance Plan, with the income earned.

    The one RAP schedule of the model: the NPV's loan flows
    (:func:`mlkit.decision.cashflows.loan_flows`) and the financing view (:func:`summarise`)
    both read it. The federal loans are taken as one balance at their balance-weighted rate.

    The AGI of repayment year ``k`` (the 12 months from ``first + k``, ``first`` the years from
    the start of study to the first payment) is what the person earns in those months, in
    nominal dollars (the plan's income bands are fixed dollars): with ``salary`` an array of
    gross wages by year of the model (:meth:`mlkit.decision.cashflows.Income.gross`: the entry
    salary of the role, the job search, the fallback salary), the two model years the 12 months
    straddle, weighted by the months in each, times ``(1 + inflation) ** (first + k)``; with
    ``salary`` a number, ``salary * (1 + salary_growth) ** t * (1 + inflation) ** t`` with
    ``t = first + k`` (a salary from the first day). Over :data:`RAP_YEARS` years.

    Parameters
    ----------
    terms : RepaymentTerms
        From :func:`repayment_terms`.
    person, assumptions : Person, Assumptions
        Salary growth, inflation and the start of study.
    salary : float or array of shape ``(years,)`` or ``(n, years)``
        Yearly salary (today's dollars) from the start of study, or the gross wages of every
        model year (at least ``first + RAP_YEARS + 1`` of them), one row per income path.
    dependants : int
        Dependants on the borrower's return.
    monthly : bool
        Also keep the balance after every month (for the loan chart).

    Returns
    -------
    RapSchedule or None
        Yearly arrays of shape ``(RAP_YEARS,)`` (``(n, RAP_YEARS)`` for ``n`` income paths) in
        nominal dollars; ``None`` without federal loans.
    """
    inputs = federal_rap_inputs(terms, person, assumptions, salary)
    if inputs is None:
        return None
    balance, rate, agi = inputs
    return rap_schedule(balance, rate, agi, dependants=dependants, monthly=monthly)


def federal_rap_inputs(terms: RepaymentTerms, person: Person, assumptions: Assumptions, salary) -> tuple[float, float, np.ndarray] | None:
    """``(balance, rate, agi)`` of :func:`federal_rap_schedule`'s call of :func:`~mlkit.decision.repayment.rap_schedule`.

    ``None`` without federal loans. ``agi`` has shape ``(RAP_YEARS,)`` or ``(n, RAP_YEARS)``.
    """
    federal = terms.federal
    balance = sum(loan.principal + loan.accrued_interest for loan in federal)
    if balance <= 0:
        return None
    rate = sum(loan.rate * (loan.principal + loan.accrued_interest) for loan in federal) / balance
    first = (terms.repay - assumptions.start).days / 365.25
    k = np.arange(RAP_YEARS)
    prices = (1 + assumptions.inflation) ** (first + k)
    if np.ndim(salary) == 0:
        t = first + k
        agi = float(salary) * (1 + person.salary_growth) ** t * prices
    else:
        wages = np.asarray(salary, dtype=float)
        whole = int(first)
        part = first - whole
        agi = ((1 - part) * wages[..., whole + k] + part * wages[..., whole + k + 1]) * prices
    return balance, rate, agi


@dataclass(frozen=True)
class LoanSummary:
    """The financing view of one option (completing it), in nominal dollars.

    On the Repayment Assistance Plan (``plan == "rap"``) the federal figures are those of
    :func:`federal_rap_schedule` with the income of landing the role (the entry salary rising
    to the target), the schedule the NPV's land-the-role branch uses at the expected salary;
    the ``*_fallback`` figures are those of the schedule with the fallback salary (finishing
    without the role).

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
        Federal plan used (``standard``, ``tiered`` or ``rap``; ``none`` without federal loans).
    federal_months, private_months : int
        Number of monthly payments of each (on RAP: the payments made until the loans are
        repaid or the 360th payment, with the target role).
    monthly_payment : float
        First monthly payment (federal plus private), with the target role on RAP.
    total_paid, total_interest : float
        Over the life of the loans: what the borrower pays, and the interest charged
        (``total_paid - borrowed``, plus on RAP the principal support and the forgiven balance,
        which the borrower does not repay).
    payment_share_land, payment_share_fallback : float
        First monthly payment as a share of the monthly take-home pay of the first year of
        repayment (:func:`monthly_take_home`, nominal like the payment), with the income of
        landing the role (its entry salary) and of finishing without it (``None`` without
        take-home pay, i.e. under $1 a month). On RAP each uses its own payment.
    monthly_payment_fallback, total_paid_fallback : float
        The same as ``monthly_payment`` and ``total_paid`` when finishing without the role
        (they differ only on RAP).
    interest_waived, principal_support, forgiven : float
        RAP only (0 otherwise), with the target role: interest not charged because the
        payment did not cover it, the matching principal payments, and the balance forgiven
        after 360 payments.
    forgiven_fallback : float
        The balance forgiven on RAP when finishing without the role.
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
    monthly_payment_fallback: float = 0.0
    total_paid_fallback: float = 0.0
    interest_waived: float = 0.0
    principal_support: float = 0.0
    forgiven: float = 0.0
    forgiven_fallback: float = 0.0

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("loans", "notes")}
        out["loans"] = [loan.to_dict() for loan in self.loans]
        out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class _Repaid:
    """One way the loans are repaid: first monthly payment, months, total paid, and RAP's extras."""

    payment: float
    federal_months: int
    paid: float
    waived: float = 0.0
    support: float = 0.0
    forgiven: float = 0.0


def _repaid(terms: RepaymentTerms, person: Person, assumptions: Assumptions, salary, dependants: int) -> _Repaid:
    """How ``terms`` are repaid with ``salary`` (as for :func:`federal_rap_schedule`; it matters on RAP only)."""
    private_paid = terms.private_payment * terms.private_months
    if terms.plan != "rap":
        return _Repaid(terms.federal_payment + terms.private_payment, terms.federal_months, terms.federal_paid + private_paid)
    rap = federal_rap_schedule(terms, person, assumptions, salary, dependants)
    if rap is None:  # pragma: no cover - a federal plan has federal loans
        return _Repaid(terms.private_payment, 0, private_paid)
    return _Repaid(
        payment=float(rap.payment[0]) / 12 + terms.private_payment,
        federal_months=int(rap.payments_made[-1]),
        paid=float(rap.total_paid) + private_paid,
        waived=float(rap.interest_waived.sum()),
        support=float(rap.principal_support.sum()),
        forgiven=float(rap.forgiven.sum()),
    )


def summarise(option: Option, person: Person, assumptions: Assumptions) -> LoanSummary | None:
    """The financing view of ``option`` (``None`` when it borrows nothing).

    On the Repayment Assistance Plan the payments, totals and shares come from
    :func:`federal_rap_schedule`, with the income of completing and landing the role (the
    role's entry salary rising to the target) and, for the ``*_fallback`` figures, of
    completing without it: the schedules the NPV uses at the expected salaries.

    The payment shares divide the first monthly payment by the monthly take-home pay of the
    same first year of repayment: the gross wages of those 12 months
    (:meth:`mlkit.decision.outcomes.Income.gross`, the same income RAP reads), after tax
    (the federal brackets, payroll and state tax of the scenario; ``1 - tax_rate`` when the
    scenario compares earnings before tax or at a flat rate), in the same nominal dollars as
    the payment.

    Examples
    --------
    >>> from mlkit.decision.inputs import Assumptions, Financing, Option, Person
    >>> o = Option("MS", "masters_in_person", years=2, tuition_per_year=40_000,
    ...            financing=Financing(federal_unsubsidised_per_year=20_500))
    >>> s = summarise(o, Person(), Assumptions(start_date="2027-08-16"))
    >>> s.borrowed, s.plan, s.federal_months
    (41000.0, 'tiered', 180)
    """
    from mlkit.decision.outcomes import branch_income, branches

    if not option.financing.borrows:
        return None
    start = assumptions.start
    terms = repayment_terms(option, start)
    dependants = option.financing.dependants
    first = (terms.repay - start).days / 365.25
    size = int(first) + RAP_YEARS + 2
    land_branch, fallback_branch, _dropout = branches(option, person, assumptions)
    land_wages = branch_income(option, person, land_branch).gross(person, size)
    fallback_wages = branch_income(option, person, fallback_branch).gross(person, size)
    land = _repaid(terms, person, assumptions, land_wages, dependants)
    fallback = land if terms.plan != "rap" else _repaid(terms, person, assumptions, fallback_wages, dependants)

    borrowed = sum(loan.principal for loan in terms.loans)
    fees = sum(loan.principal * loan.fee for loan in terms.loans)
    accrued = sum(loan.accrued_interest for loan in terms.loans)

    def share(payment: float, wages: np.ndarray) -> float | None:
        take_home = monthly_take_home(wages, first, assumptions)
        return payment / take_home if take_home >= 1 else None  # under $1 a month: no share to speak of

    return LoanSummary(
        borrowed=borrowed,
        received=borrowed - fees,
        fees=fees,
        accrued_interest=accrued,
        balance_at_repayment=borrowed + accrued,
        repayment_start=terms.repay.isoformat(),
        plan=terms.plan,
        federal_months=land.federal_months,
        private_months=terms.private_months,
        monthly_payment=land.payment,
        total_paid=land.paid,
        total_interest=land.paid - borrowed + land.support + land.forgiven,
        payment_share_land=share(land.payment, land_wages),
        payment_share_fallback=share(fallback.payment, fallback_wages),
        loans=terms.loans,
        notes=tuple(dict.fromkeys(terms.notes)),
        monthly_payment_fallback=fallback.payment,
        total_paid_fallback=fallback.paid,
        interest_waived=land.waived,
        principal_support=land.support,
        forgiven=land.forgiven,
        forgiven_fallback=fallback.forgiven,
    )


def monthly_take_home(wages: np.ndarray, first: float, assumptions: Assumptions) -> float:
    """Monthly take-home pay of the 12 months from ``first`` (years after the start of study), nominal dollars.

    ``wages`` are the gross wages of each model year (today's dollars); the 12 months take the
    two years they straddle, weighted by the months in each (as the RAP AGI does), after the
    scenario's tax: the brackets, payroll and state tax by default, ``1 - tax_rate`` when
    earnings are compared before tax or at a flat rate. Then turned into the dollars of that
    time with ``inflation``, like the payments.
    """
    whole = int(first)
    part = first - whole
    gross = (1 - part) * float(wages[whole]) + part * float(wages[whole + 1])
    if assumptions.tax_model == "brackets":
        from mlkit.decision.tax import after_tax_income

        net = float(after_tax_income(gross, state_rate=assumptions.state_rate, year=assumptions.start.year,
                                     filing_status=assumptions.filing_status))
    else:
        net = gross * (1 - assumptions.tax_rate)
    return net * (1 + assumptions.inflation) ** first / 12
