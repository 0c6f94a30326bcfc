"""US federal and payroll taxes on wages, and the tax rules for study and student loans.

Pure, vectorised rules: every function takes floats or NumPy arrays of any shape
(broadcast together) and returns an array of the broadcast shape (a 0-d array for
scalar inputs, usable as a float). Amounts are US dollars a year. Figures come from
``decision_figures.csv`` with their source; the section of the law is given with each rule.

- **Federal income tax** (IRC section 1(j); 2026 brackets of the IRS inflation adjustments
  announced on 9 October 2025, Rev. Proc. 2025-32, after P.L. 119-21): seven rates,
  10% to 37%, on taxable income (after the standard deduction of IRC section 63(c)(7), which
  :func:`after_tax_income` applies). Filing statuses ``"single"`` and
  ``"married_filing_jointly"``. A year after the last published one uses the last
  published brackets: in a model in today's dollars that is brackets indexed to prices,
  which is what the law does.
- **Payroll taxes** (FICA, IRC section 3101): Social Security 6.2% of wages up to the
  wage base ($184,500 in 2026), Medicare 1.45% of all wages, and the Additional Medicare
  Tax of 0.9% on wages above $200,000 ($250,000 for a joint return; not indexed).
- **Lifetime Learning Credit** (IRC section 25A(c), (d)): 20% of up to $10,000 of qualified
  expenses a return, phased out linearly over MAGI $80,000-$90,000 ($160,000-$180,000
  joint); nonrefundable. A graduate student gets this credit, not the American
  Opportunity credit: see :func:`american_opportunity_eligible`.
- **Student loan interest deduction** (IRC section 221): interest paid up to $2,500, above
  the line, reduced by ``(MAGI - start) / width`` (width $15,000, $30,000 joint).
- **Employer educational assistance** (IRC section 127): up to $5,250 a year excluded
  from income (indexed for years after 2026 by P.L. 119-21).

Examples
--------
>>> float(federal_income_tax(50_400))   # the top of the 12% bracket, 2026, single
5800.0
>>> float(payroll_tax(100_000))
7650.0
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from mlkit.decision.figures import value
from mlkit.errors import InputError

#: Filing statuses the brackets are shipped for.
FILING_STATUSES = ("single", "married_filing_jointly")
#: Number of federal brackets.
BRACKETS = 7


def _status(filing_status: str) -> str:
    if filing_status not in FILING_STATUSES:
        raise InputError(f"filing_status = {filing_status!r}; expected one of {', '.join(FILING_STATUSES)}")
    return filing_status


def _amount(x: ArrayLike) -> np.ndarray:
    """Dollars as a float array, negative amounts read as zero (no tax on a loss here)."""
    return np.maximum(np.asarray(x, dtype=float), 0.0)


@dataclass(frozen=True)
class Brackets:
    """The federal brackets of one year and filing status.

    Attributes
    ----------
    lower : ndarray, shape (7,)
        Taxable income at which each bracket starts (0 for the first).
    rates : ndarray, shape (7,)
        Marginal rate of each bracket.
    base : ndarray, shape (7,)
        Tax due on the income below each bracket's start.
    """

    lower: np.ndarray
    rates: np.ndarray
    base: np.ndarray


@lru_cache(maxsize=None)
def brackets(year: int = 2026, filing_status: str = "single") -> Brackets:
    """The federal income tax brackets in force in ``year`` for ``filing_status``.

    Raises
    ------
    InputError
        For a filing status other than those of :data:`FILING_STATUSES`.

    Examples
    --------
    >>> b = brackets(2026, "single")
    >>> b.lower[:3].tolist(), float(b.rates[-1])
    ([0.0, 12400.0, 50400.0], 0.37)
    """
    status = _status(filing_status)
    edges = [value(f"tax.federal.{status}.edge_{i}", year) for i in range(1, BRACKETS)]
    rates = np.array([value(f"tax.federal.rate_{i}", year) for i in range(1, BRACKETS + 1)])
    lower = np.array([0.0, *edges])
    widths = np.diff(lower)
    base = np.concatenate([[0.0], np.cumsum(widths * rates[:-1])])
    for array in (lower, rates, base):
        array.setflags(write=False)
    return Brackets(lower=lower, rates=rates, base=base)


def standard_deduction(*, year: int = 2026, filing_status: str = "single") -> float:
    """The standard deduction of ``year`` (IRC section 63(c)(7)): $16,100 single, $32,200 joint in 2026."""
    return value(f"tax.standard_deduction.{_status(filing_status)}", year)


def federal_income_tax(taxable_income: ArrayLike, *, year: int = 2026, filing_status: str = "single") -> np.ndarray:
    """Federal income tax on ``taxable_income`` (after deductions) by the brackets of ``year``.

    Parameters
    ----------
    taxable_income : float or array, any shape
        Dollars a year, after the standard deduction; negative values are read as zero.
    year : int
        Tax year (the latest brackets not later than it; 2026 is the first shipped).
    filing_status : {"single", "married_filing_jointly"}

    Returns
    -------
    ndarray
        Tax in dollars, same shape; never negative, never more than the income.

    Examples
    --------
    >>> float(federal_income_tax(105_700))   # IRS 2026 table: $17,966 at the top of 22%
    17966.0
    >>> federal_income_tax([0, 12_400, 1_000_000], filing_status="married_filing_jointly").round(2).tolist()
    [0.0, 1240.0, 292164.5]
    """
    income = _amount(taxable_income)
    table = brackets(year, filing_status)
    index = _bracket_index(income, table)
    return np.take(table.base - table.rates * table.lower, index) + np.take(table.rates, index) * income


def marginal_rate(taxable_income: ArrayLike, *, year: int = 2026, filing_status: str = "single") -> np.ndarray:
    """The federal marginal rate at ``taxable_income`` (the rate on the next dollar)."""
    income = _amount(taxable_income)
    table = brackets(year, filing_status)
    return np.take(table.rates, _bracket_index(income, table))


def _bracket_index(income: np.ndarray, table: Brackets) -> np.ndarray:
    """Index of the bracket each income falls in (counting edges passed: faster than a search for 7 brackets)."""
    index = np.zeros(income.shape, dtype=np.intp)
    for edge in table.lower[1:]:
        index += income >= edge
    return index


def payroll_tax(wages: ArrayLike, *, year: int = 2026, filing_status: str = "single") -> np.ndarray:
    """The employee's payroll taxes on ``wages`` (IRC section 3101).

    Social Security 6.2% up to the wage base of ``year``, Medicare 1.45% on all wages, and
    the Additional Medicare Tax of 0.9% above $200,000 (``"married_filing_jointly"``:
    $250,000 of the couple's wages, which is what ``wages`` then means).

    Examples
    --------
    >>> float(payroll_tax(184_500))   # 6.2% of the 2026 wage base ($11,439) + 1.45%
    14114.25
    >>> payroll_tax([300_000], filing_status="married_filing_jointly").round(2).tolist()
    [16239.0]
    """
    pay = _amount(wages)
    status = _status(filing_status)
    social_security = value("tax.payroll.social_security_rate", year) * np.minimum(pay, value("tax.payroll.social_security_wage_base", year))
    medicare = value("tax.payroll.medicare_rate", year) * pay
    threshold = value(f"tax.payroll.additional_medicare_threshold.{status}", year)
    additional = value("tax.payroll.additional_medicare_rate", year) * np.maximum(pay - threshold, 0.0)
    return social_security + medicare + additional


@dataclass(frozen=True)
class TaxBreakdown:
    """Where gross wages go, each an array of the inputs' broadcast shape (dollars a year).

    ``net = gross - federal - state - payroll``; ``federal`` is after the nonrefundable
    credits actually used (``credits_used``), which never exceed the tax from the brackets.
    """

    gross: np.ndarray
    agi: np.ndarray
    taxable: np.ndarray
    federal_before_credits: np.ndarray
    credits_used: np.ndarray
    federal: np.ndarray
    state: np.ndarray
    payroll: np.ndarray
    net: np.ndarray


def tax_breakdown(
    gross_wages: ArrayLike,
    *,
    state_rate: ArrayLike,
    year: int = 2026,
    filing_status: str = "single",
    above_the_line: ArrayLike = 0.0,
    credits: ArrayLike = 0.0,
) -> TaxBreakdown:
    """The taxes on ``gross_wages`` item by item; see :func:`after_tax_income`."""
    gross = _amount(gross_wages)
    agi = np.maximum(gross - _amount(above_the_line), 0.0)
    taxable = np.maximum(agi - standard_deduction(year=year, filing_status=filing_status), 0.0)
    before = federal_income_tax(taxable, year=year, filing_status=filing_status)
    used = np.minimum(_amount(credits), before)
    federal = before - used
    state = np.clip(np.asarray(state_rate, dtype=float), 0.0, 1.0) * agi
    payroll = payroll_tax(gross, year=year, filing_status=filing_status)
    net = gross - federal - state - payroll
    return TaxBreakdown(gross, agi, taxable, before, used, federal, state, payroll, net)


def after_tax_income(
    gross_wages: ArrayLike,
    *,
    state_rate: ArrayLike,
    year: int = 2026,
    filing_status: str = "single",
    above_the_line: ArrayLike = 0.0,
    credits: ArrayLike = 0.0,
) -> np.ndarray:
    """Take-home pay: wages less federal income tax, state income tax and payroll taxes.

    - federal: brackets of ``year`` on ``gross - above_the_line - standard deduction``
      (never below zero), less the nonrefundable ``credits`` (capped at that tax);
    - state: ``state_rate`` (an effective rate, 0-1) times ``gross - above_the_line``;
    - payroll: :func:`payroll_tax` on ``gross`` (above-the-line deductions such as student
      loan interest do not reduce FICA wages).

    Parameters
    ----------
    gross_wages : float or array
        Taxable wages in dollars a year (exclude employer aid that IRC section 127 exempts:
        see :func:`employer_aid_exclusion`).
    state_rate : float or array
        Effective state income tax rate, clipped to [0, 1].
    year, filing_status
        As for :func:`federal_income_tax`.
    above_the_line : float or array
        Deductions from gross income (e.g. :func:`student_loan_interest_deduction`).
    credits : float or array
        Nonrefundable credits (e.g. :func:`lifetime_learning_credit`).

    Returns
    -------
    ndarray
        Net income, the broadcast shape of the inputs; ``0 <= net <= gross``.

    Examples
    --------
    >>> float(after_tax_income(60_000, state_rate=0.0))   # 60,000 - 5,020 federal - 4,590 payroll
    50390.0
    """
    if np.size(gross_wages) >= _FAST_SIZE and all(np.ndim(x) == 0 for x in (state_rate, above_the_line, credits)):
        net = _after_tax_by_knots(
            _amount(gross_wages), state_rate=float(state_rate), year=year, filing_status=filing_status,
            above_the_line=float(_amount(above_the_line)), credits=float(_amount(credits)),
        )
        if net is not None:
            return net
    return tax_breakdown(
        gross_wages, state_rate=state_rate, year=year, filing_status=filing_status,
        above_the_line=above_the_line, credits=credits,
    ).net


#: From this many wages on, :func:`after_tax_income` interpolates between the kinks (below).
_FAST_SIZE = 256


def _after_tax_by_knots(
    gross: np.ndarray, *, state_rate: float, year: int, filing_status: str, above_the_line: float, credits: float
) -> np.ndarray | None:
    """Take-home pay of many wages at once, by linear interpolation between the kinks.

    With the deductions, credits and state rate the same for every wage, take-home pay is
    a piecewise linear function of gross wages: it bends only where taxable income crosses
    a bracket edge, where wages cross the Social Security wage base or the Additional
    Medicare threshold, where AGI turns positive, and where the federal tax reaches the
    credits. Computing it exactly at those points and interpolating gives the same values
    (to rounding) in about two passes over the array instead of some thirty, which keeps
    a 10,000-draw Monte Carlo fast. ``None`` when the wages are not all finite.
    """
    top = float(gross.max(initial=0.0))
    if not np.isfinite(top):
        return None
    table = brackets(year, filing_status)
    start = above_the_line + standard_deduction(year=year, filing_status=filing_status)
    kinks = [
        0.0, above_the_line, *(start + table.lower),
        value("tax.payroll.social_security_wage_base", year),
        value(f"tax.payroll.additional_medicare_threshold.{_status(filing_status)}", year),
    ]
    knots = np.unique(np.array([*kinks, top + 1.0]))
    if credits > 0:
        rising = knots >= start  # the federal tax rises strictly from here on
        federal = federal_income_tax(np.maximum(knots[rising] - start, 0.0), year=year, filing_status=filing_status)
        if federal[-1] > credits:
            knots = np.unique(np.append(knots, np.interp(credits, federal, knots[rising])))
    net = tax_breakdown(
        knots, state_rate=state_rate, year=year, filing_status=filing_status, above_the_line=above_the_line, credits=credits
    ).net
    return np.interp(gross, knots, net)


def lifetime_learning_credit(
    qualified_expenses: ArrayLike, magi: ArrayLike, *, year: int = 2026, filing_status: str = "single"
) -> np.ndarray:
    """The Lifetime Learning Credit (IRC section 25A(c), (d)), before the cap at the tax due.

    20% of qualified expenses up to $10,000 a return, reduced linearly as modified AGI goes
    from $80,000 to $90,000 ($160,000 to $180,000 joint; not indexed since 2021). The
    credit is nonrefundable: pass it as ``credits`` to :func:`after_tax_income`, which caps
    it at the federal tax.

    Examples
    --------
    >>> # IRS Publication 970, LLC example 1: $5,000 of expenses, joint MAGI $75,000 -> $1,000.
    >>> float(lifetime_learning_credit(5_000, 75_000, filing_status="married_filing_jointly"))
    1000.0
    >>> float(lifetime_learning_credit(20_000, 85_000))   # half-way through the phase-out
    1000.0
    """
    status = _status(filing_status)
    base = value("tax.llc.rate", year) * np.minimum(_amount(qualified_expenses), value("tax.llc.expense_limit", year))
    start = value(f"tax.llc.phaseout_start.{status}", year)
    end = value(f"tax.llc.phaseout_end.{status}", year)
    return base * (1.0 - _phase_out(magi, start, end - start))


def american_opportunity_eligible(years_of_postsecondary_completed: ArrayLike, years_claimed: ArrayLike = 0) -> np.ndarray:
    """Whether the American Opportunity credit is open (IRC section 25A(b)(2)(A), (C)).

    It is only for a student who has not completed the first four years of postsecondary
    education before the tax year, and for at most four tax years. Someone who holds a
    bachelor's degree has, as a rule, completed four years: a graduate student therefore
    claims the Lifetime Learning Credit (:func:`lifetime_learning_credit`) instead, which is
    what the decision model does.

    Examples
    --------
    >>> american_opportunity_eligible([2, 4]).tolist()
    [True, False]
    """
    limit = value("tax.aotc.max_years")
    return (np.asarray(years_of_postsecondary_completed, dtype=float) < limit) & (np.asarray(years_claimed, dtype=float) < limit)


def student_loan_interest_deduction(
    interest_paid: ArrayLike, magi: ArrayLike, *, year: int = 2026, filing_status: str = "single"
) -> np.ndarray:
    """The student loan interest deduction (IRC section 221), an above-the-line deduction.

    Interest paid up to $2,500, reduced by ``(MAGI - start) / width`` (clipped to [0, 1]):
    start $85,000 single, $170,000 joint (2025 figures, carried forward for 2026 and
    flagged as such in the figures file); width $15,000, $30,000 joint. ``magi`` is the
    modified AGI before this deduction.

    Examples
    --------
    >>> float(student_loan_interest_deduction(4_000, 60_000))
    2500.0
    >>> float(student_loan_interest_deduction(900, 92_500))   # half-way through the phase-out
    450.0
    """
    status = _status(filing_status)
    allowed = np.minimum(_amount(interest_paid), value("tax.student_loan_interest.cap", year))
    start = value(f"tax.student_loan_interest.phaseout_start.{status}", year)
    width = value(f"tax.student_loan_interest.phaseout_width.{status}", year)
    return allowed * (1.0 - _phase_out(magi, start, width))


def employer_aid_exclusion(aid: ArrayLike, *, year: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    """Employer educational assistance split into its tax-free and taxable parts (IRC section 127).

    Up to $5,250 a year is excluded from the employee's income; the rest is taxable wages.

    Returns
    -------
    (excluded, taxable) : tuple of ndarray
        Same shape as ``aid``; ``excluded + taxable == aid`` (negative aid read as zero).

    Examples
    --------
    >>> [a.tolist() for a in employer_aid_exclusion([3_000, 10_000])]
    [[3000.0, 5250.0], [0.0, 4750.0]]
    """
    amount = _amount(aid)
    excluded = np.minimum(amount, value("employer_aid.tax_free_limit", year))
    return excluded, amount - excluded


def _phase_out(magi: ArrayLike, start: float, width: float) -> np.ndarray:
    """Share of a benefit lost at ``magi``: 0 up to ``start``, 1 from ``start + width``, linear between."""
    return np.clip((np.asarray(magi, dtype=float) - start) / width, 0.0, 1.0)
