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

PLANS = ("auto", "standard", "tiered", "rap")


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
    plan : {"auto", "standard", "tiered", "rap"}
        Federal repayment plan: ``standard`` (120 payments, $50 minimum: only for loans under
        the rules before 1 July 2026), ``tiered`` (10 to 25 years by balance, for loans first
        disbursed from 1 July 2026), ``rap`` (the Repayment Assistance Plan: payments a share
        of income, see :mod:`mlkit.decision.repayment`) or ``auto`` (the standard or tiered
        plan the loans' dates give).
    dependants : int
        Dependants on the borrower's tax return (lower the RAP payment by $50 a month each).
    borrow_share : float or None
        When given (0 to 1), the loans follow the option's costs: each year this share of the
        yearly cost of attendance (tuition, fees, housing, caregiving, insurance and the
        one-off costs spread over the years, less aid) is borrowed, federal Direct
        Unsubsidized first (graduate programmes, up to the annual limit in force), the rest
        privately. The ``*_per_year`` amounts must then be 0.
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
    borrow_share: float | None = None
    dependants: int = 0

    def check(self, where: str) -> None:
        check.check_fields(self, "financing", where, (
            "federal_unsubsidised_per_year", "grad_plus_per_year", "private_per_year", "prior_federal_graduate_debt",
            "private_rate", "private_years", "private_fee", "dependants",
        ))
        check.flag(where, "legacy_borrower", self.legacy_borrower)
        check.flag(where, "capitalise", self.capitalise)
        check.choice(where, "plan", self.plan, PLANS)
        if self.borrow_share is not None:
            check.check_fields(self, "financing", where, ("borrow_share",))
            given = [n for n in ("federal_unsubsidised_per_year", "grad_plus_per_year", "private_per_year") if getattr(self, n) > 0]
            if given:
                raise InputError(
                    f"{where}borrow_share = {self.borrow_share:g} and {given[0]} = {getattr(self, given[0]):g}: give either "
                    "borrow_share (the loans follow the costs) or the yearly amounts, not both"
                )

    @property
    def borrows(self) -> bool:
        return bool(self.borrow_share) or self.federal_unsubsidised_per_year + self.grad_plus_per_year + self.private_per_year > 0

    @property
    def per_year(self) -> float:
        """Yearly borrowing of the explicit amounts (0 with :attr:`borrow_share`)."""
        return self.federal_unsubsidised_per_year + self.grad_plus_per_year + self.private_per_year


def resolve(money: Financing, *, cost_per_year: float, graduate: bool, start: date) -> Financing:
    """The explicit yearly amounts of ``money``: itself, or with :attr:`Financing.borrow_share` the split of
    ``borrow_share * cost_per_year`` into federal (graduate, up to the annual limit of the first year
    of study) and private loans.

    Examples
    --------
    >>> from datetime import date
    >>> f = resolve(Financing(borrow_share=1.0), cost_per_year=64_000, graduate=True, start=date(2027, 8, 16))
    >>> f.federal_unsubsidised_per_year, f.private_per_year, f.borrow_share
    (20500.0, 43500.0, None)
    """
    if money.borrow_share is None:
        return money
    import dataclasses

    wanted = max(0.0, money.borrow_share * cost_per_year)
    federal = 0.0
    if graduate:
        old = old_rules_apply(start, start, money.legacy_borrower)
        federal = min(wanted, value("loan.unsub_grad.annual_limit", rules_year(start, old)))
    return dataclasses.replace(money, borrow_share=None, federal_unsubsidised_per_year=federal, private_per_year=wanted - federal)


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


def fit_to_cost(money: Financing, cost_per_year: float) -> Financing:
    """``money`` with its yearly amounts lowered (private first, then Grad PLUS, then federal) to at most ``cost_per_year``.

    What an option's loans become when its costs fall (the sensitivity's lower tuition):
    nobody borrows more than the cost of attendance.
    """
    import dataclasses

    excess = money.per_year - max(cost_per_year, 0.0)
    if money.borrow_share is not None or excess <= 0:
        return money
    changes = {}
    for name in ("private_per_year", "grad_plus_per_year", "federal_unsubsidised_per_year"):
        cut = min(excess, getattr(money, name))
        changes[name] = getattr(money, name) - cut
        excess -= cut
    return dataclasses.replace(money, **changes)


def _law(key: str, year: int) -> str:
    """The source (the law and its section) of the limit ``key`` in force in ``year``."""
    from mlkit.decision.figures import figure

    return figure(key, year).source


def check_cost_of_attendance(money: Financing, *, option: str, cost_per_year: float) -> None:
    """Refuse yearly borrowing above the yearly cost of attendance (federal rules cap every loan there).

    Raises
    ------
    InputError
        Naming the amounts, the cost of attendance and what to do.
    """
    total = money.per_year
    if total > cost_per_year + 0.005:
        raise InputError(
            f'option "{option}": financing: yearly borrowing of ${total:,.2f} (federal_unsubsidised_per_year + '
            f"grad_plus_per_year + private_per_year) is above the cost of attendance of ${max(cost_per_year, 0):,.2f} a year "
            "(tuition, fees, housing, caregiving, insurance and one-off costs spread over the years, less aid); loans cannot "
            "exceed the cost of attendance: lower them, or use borrow_share"
        )


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
                f"{where}federal_unsubsidised_per_year = {money.federal_unsubsidised_per_year:g}: above the annual limit of "
                f"${annual:,.0f} for graduate Direct Unsubsidized loans ({_law('loan.unsub_grad.annual_limit', year)}); "
                "borrow the rest as grad_plus_per_year (where still available) or private_per_year"
            )
        if money.plan == "standard" and not old:
            raise InputError(
                f"{where}plan = 'standard': the 10-year standard plan is closed to loans first disbursed from "
                f"{new_rules_date():%d %B %Y} ({_law('loan.tiered.years_1', year)}), and this option borrows on "
                f"{day.isoformat()}; choose plan 'tiered' or 'rap' (or 'auto'), or set legacy_borrower to true if you "
                "already received a federal loan for this programme before that date"
            )
        if money.grad_plus_per_year > 0 and not value("loan.grad_plus.available", year):
            raise InputError(
                f"{where}grad_plus_per_year = {money.grad_plus_per_year:g}: Grad PLUS is closed to new borrowers for loans "
                f"first disbursed from {new_rules_date():%d %B %Y} (One Big Beautiful Bill Act), and this option's study starts "
                f"{start.isoformat()}; set grad_plus_per_year to 0 and use private_per_year, or set legacy_borrower to true if you "
                "already received a federal loan for this programme before that date"
            )
        total += money.federal_unsubsidised_per_year * share
        aggregate = value("loan.unsub_grad.aggregate_limit", year)
        last_year = year
    if total > aggregate + 1e-6:
        raise InputError(
            f"{where}federal_unsubsidised_per_year = {money.federal_unsubsidised_per_year:g}: with "
            f"prior_federal_graduate_debt = {money.prior_federal_graduate_debt:g} the total, ${total:,.0f}, is above the "
            f"aggregate limit of ${aggregate:,.0f} ({_law('loan.unsub_grad.aggregate_limit', last_year)}); lower it or borrow the rest privately"
        )
