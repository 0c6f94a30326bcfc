"""How an option is paid for: the :class:`Financing` inputs, and the federal loan rules'
dates and limits they must respect.

Loans first disbursed from 1 July 2026 follow the One Big Beautiful Bill Act's rules (lower
aggregate limit, no Grad PLUS for new borrowers); earlier ones, and a legacy borrower's for up
to three academic years, follow the old rules. Figures and sources are in
``decision_figures.csv``. :mod:`mlkit.decision.loans` builds the loans themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from mlkit.decision import validation as check
from mlkit.decision.figures import value
from mlkit.errors import InputError

PLANS = ("auto", "standard", "tiered")


@dataclass(frozen=True)
class Financing:
    """How an option's costs are borrowed (all amounts per year of study, gross of fees).

    Parameters
    ----------
    federal_unsubsidised_per_year : float
        Direct Unsubsidized graduate loan requested each academic year.
    grad_plus_per_year : float
        Grad PLUS requested each academic year (only for borrowers who can still get it).
    private_per_year : float
        Private loan each academic year.
    private_rate, private_years, private_fee : float, int, float
        The private loan's fixed yearly rate (fraction), term and origination fee (fraction).
    legacy_borrower : bool
        True when the borrower already received a federal loan for this programme before
        1 July 2026: the old limits and Grad PLUS then stay open to them for up to three
        academic years.
    prior_federal_graduate_debt : float
        Federal graduate loans already owed, counted against the aggregate limit.
    capitalise : bool
        Add the interest accrued in school and grace to the principal when repayment starts.
    plan : {"auto", "standard", "tiered"}
        Federal repayment plan: ``standard`` (120 payments, $50 minimum), ``tiered`` (10 to
        25 years by balance, for loans first disbursed from 1 July 2026) or ``auto`` (the
        plan the loans' dates give).
    """

    federal_unsubsidised_per_year: float = 0.0
    grad_plus_per_year: float = 0.0
    private_per_year: float = 0.0
    private_rate: float = 0.09
    private_years: int = 10
    private_fee: float = 0.0
    legacy_borrower: bool = False
    prior_federal_graduate_debt: float = 0.0
    capitalise: bool = True
    plan: str = "auto"

    def check(self, where: str) -> None:
        for name in ("federal_unsubsidised_per_year", "grad_plus_per_year", "private_per_year", "prior_federal_graduate_debt"):
            check.money(where, name, getattr(self, name))
        check.rate(where, "private_rate", self.private_rate, low=0.0, high=0.5)
        check.number(where, "private_years", self.private_years, low=1, high=30, integer=True)
        check.rate(where, "private_fee", self.private_fee, low=0.0, high=0.2)
        check.flag(where, "legacy_borrower", self.legacy_borrower)
        check.flag(where, "capitalise", self.capitalise)
        check.choice(where, "plan", self.plan, PLANS)

    @property
    def borrows(self) -> bool:
        return self.federal_unsubsidised_per_year + self.grad_plus_per_year + self.private_per_year > 0


LAST_OLD_RULES_YEAR = 2025  # academic year 2025-26: the last one under the old limits


def new_rules_date() -> date:
    """First disbursement date from which the 2026 rules apply (1 July 2026)."""
    stamp = str(int(value("loan.new_rules.first_disbursed")))
    return date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))


def academic_year(day: date) -> str:
    """The federal award year (1 July to 30 June) a day falls in.

    Examples
    --------
    >>> from datetime import date
    >>> academic_year(date(2026, 6, 30)), academic_year(date(2026, 7, 1))
    ('2025-26', '2026-27')
    """
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def study_end(start: date, years: float) -> date:
    """The day study ends, ``years`` (possibly fractional) after ``start``."""
    return start + timedelta(days=round(years * 365.25))


def disbursements(start: date, years: float) -> list[tuple[date, float]]:
    """(date, share of a year's amount) for each academic year of study.

    One disbursement at the start of each year of study; a final part year gets its
    share (a 14-week programme: one disbursement of 14/52 of the yearly amount).
    """
    return [(add_years(start, k), min(1.0, years - k)) for k in range(math.ceil(years - 1e-9))]


def old_rules_apply(day: date, first: date, legacy: bool) -> bool:
    """Whether a disbursement on ``day`` follows the rules before 1 July 2026."""
    cutoff = new_rules_date()
    if day < cutoff:
        return True
    legacy = legacy or first < cutoff
    return legacy and day < add_years(cutoff, int(value("loan.legacy.max_years")))


def rules_year(day: date, old: bool) -> int:
    year = int(academic_year(day)[:4])
    return min(year, LAST_OLD_RULES_YEAR) if old else max(year, LAST_OLD_RULES_YEAR + 1)


def check_financing(money: Financing, *, option: str, years: float, start: date) -> None:
    """Refuse loans above the limits in force, and Grad PLUS where it is closed.

    Called once for each option when a :class:`~mlkit.decision.inputs.Scenario` is built.

    Parameters
    ----------
    money : Financing
        The option's financing.
    option : str
        The option's name, for the message.
    years : float
        Years of study (a part year gets its share of a year's disbursement).
    start : date
        The day study starts.

    Raises
    ------
    InputError
        A yearly or aggregate federal limit is exceeded, or Grad PLUS is asked for where it
        is closed.
    """
    if money.federal_unsubsidised_per_year + money.grad_plus_per_year == 0:
        return
    where = f'option "{option}": financing.'
    schedule = disbursements(start, years)
    total = money.prior_federal_graduate_debt
    aggregate = 0.0
    for day, share in schedule:
        old = old_rules_apply(day, start, money.legacy_borrower)
        year = rules_year(day, old)
        annual = value("loan.unsub_grad.annual_limit", year)
        if money.federal_unsubsidised_per_year > annual:
            raise InputError(
                f"{where}federal_unsubsidised_per_year = {money.federal_unsubsidised_per_year!r}: above the annual limit of "
                f"${annual:,.0f} for graduate Direct Unsubsidized loans; borrow the rest as grad_plus_per_year "
                "(where still available) or private_per_year"
            )
        if money.grad_plus_per_year > 0 and not value("loan.grad_plus.available", year):
            raise InputError(
                f"{where}grad_plus_per_year = {money.grad_plus_per_year!r}: Grad PLUS is closed to new borrowers for loans "
                f"first disbursed from {new_rules_date():%d %B %Y} (One Big Beautiful Bill Act), and this option's study starts "
                f"{start.isoformat()}; set grad_plus_per_year to 0 and use private_per_year, or set legacy_borrower to true if you "
                "already received a federal loan for this programme before that date"
            )
        total += money.federal_unsubsidised_per_year * share
        aggregate = value("loan.unsub_grad.aggregate_limit", year)
    if total > aggregate + 1e-6:
        raise InputError(
            f"{where}federal_unsubsidised_per_year = {money.federal_unsubsidised_per_year!r}: with "
            f"prior_federal_graduate_debt = {money.prior_federal_graduate_debt!r} the total, ${total:,.0f}, is above the "
            f"aggregate limit of ${aggregate:,.0f}; lower it or borrow the rest privately"
        )
