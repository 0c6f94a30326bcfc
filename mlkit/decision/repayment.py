"""Federal repayment plans for loans first disbursed from 1 July 2026 (P.L. 119-21).

Figures and their sources are rows of ``decision_figures.csv``; each rule cites its section.

- **Repayment Assistance Plan** (RAP; P.L. 119-21 section 82001, adding HEA section 455(q);
  34 CFR 685.209 as revised by the final rule of 1 May 2026, 91 FR 23768): the yearly
  *applicable base payment* is $120 for an AGI of at most $10,000, then 1% of the whole
  AGI for an AGI more than $10,000 and not more than $20,000, one point more for each
  further $10,000 band, and 10% above $100,000 (an AGI on a band edge takes the lower
  band); the monthly payment is that divided by 12, less $50 for each dependant, and never
  less than $10. Interest a payment does not cover is not charged; when a payment cuts the
  principal by less than $50, the Secretary reduces the principal by ``min($50, payment)``
  less the principal paid (the *matching principal payment*); what is left after 360
  qualifying monthly payments (30 years) is forgiven. Since 2026 that forgiven balance is
  federal taxable income (IRC section 108(f)(5) covered only discharges before 2026).
- **Tiered standard plan** (P.L. 119-21 section 82001, amending HEA section 455(d);
  34 CFR 685.208(c)(1)(iii)): level payments over 10, 15, 20 or 25 years for a balance
  under $25,000, under $50,000, under $100,000, or from $100,000 (a balance on an edge
  takes the longer term).
- **New loan limits** (P.L. 119-21 section 81001, amending HEA section 455(a)): graduate
  unsubsidised loans $20,500 a year and $100,000 in all; Grad PLUS closed to new borrowers.

Examples
--------
>>> float(rap_monthly_payment(60_000))    # 5% of 60,000 / 12
250.0
>>> int(tiered_standard_term(41_000))
15
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy_financial as npf
from numpy.typing import ArrayLike

from mlkit.decision.figures import figure, value
from mlkit.errors import InputError

#: Academic year from which the rules of P.L. 119-21 apply.
NEW_RULES_YEAR = "2026-27"


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


def _dependants(dependants: ArrayLike) -> np.ndarray:
    count = np.asarray(dependants, dtype=float)
    if not np.all(np.isfinite(count)) or np.any(count < 0) or np.any(count != np.floor(count)):
        raise InputError(f"dependants = {dependants!r}; expected a whole number of dependants, 0 or more")
    return count


def rap_base_payment(agi: ArrayLike) -> np.ndarray:
    """The RAP applicable base payment, dollars a year (34 CFR 685.209(b)(2); HEA section 455(q)).

    Parameters
    ----------
    agi : float or array, any shape
        Adjusted gross income, dollars a year (the couple's on a joint return).

    Examples
    --------
    >>> rap_base_payment([10_000, 10_001, 60_000, 60_001, 100_000, 150_000]).round(2).tolist()
    [120.0, 100.01, 3000.0, 3600.06, 9000.0, 15000.0]
    """
    income = np.asarray(agi, dtype=float)
    low = value("rap.low_income_limit", NEW_RULES_YEAR)
    width = value("rap.band_width", NEW_RULES_YEAR)
    step = value("rap.rate_step", NEW_RULES_YEAR)
    top = value("rap.max_rate", NEW_RULES_YEAR)
    band = np.clip(np.ceil((income - low) / width), 1, round(top / step))
    rate = band * step
    return np.where(income <= low, value("rap.low_income_base_payment", NEW_RULES_YEAR), rate * income)[()]


def rap_monthly_payment(agi: ArrayLike, *, dependants: ArrayLike = 0) -> np.ndarray:
    """The RAP monthly payment (HEA section 455(q); 34 CFR 685.209(f)(5), (g)(3)).

    The base payment divided by 12, less $50 for each dependant, at least $10.

    Parameters
    ----------
    agi : float or array, any shape
        Adjusted gross income of the previous tax year, dollars.
    dependants : int or array of ints, broadcast with ``agi``
        Dependants claimed on the return (IRC section 152).

    Returns
    -------
    ndarray
        Dollars a month, the broadcast shape; never below $10, non-decreasing in ``agi``.

    Raises
    ------
    InputError
        For a negative, fractional or non-finite number of dependants.

    Examples
    --------
    >>> float(rap_monthly_payment(120_000))   # studentloanplanner.com: 10% of $120,000 -> $1,000
    1000.0
    >>> rap_monthly_payment([5_000, 36_000, 36_000], dependants=[0, 0, 2]).round(2).tolist()
    [10.0, 90.0, 10.0]
    """
    monthly = rap_base_payment(agi) / 12 - value("rap.dependant_reduction", NEW_RULES_YEAR) * _dependants(dependants)
    return np.maximum(monthly, value("rap.minimum_payment", NEW_RULES_YEAR))


@dataclass(frozen=True)
class RapSchedule:
    """A loan repaid under RAP, year by year (arrays of shape ``batch + (years,)``, dollars).

    Attributes
    ----------
    payment : ndarray
        Paid by the borrower in each year.
    interest_charged : ndarray
        Interest covered by the payments (the interest the borrower actually pays).
    interest_waived : ndarray
        Interest accrued but not covered by an on-time payment: not charged.
    principal_support : ndarray
        Matching principal payments (principal reduced by the Secretary).
    balance : ndarray
        Principal outstanding at the end of each year (0 once repaid or forgiven).
    forgiven : ndarray
        Balance forgiven in each year: non-zero only in the year of the 360th payment.
    payments_made : ndarray
        Qualifying monthly payments made by the end of each year.
    monthly_balance : ndarray or None
        With ``monthly=True``: principal outstanding after each month, shape
        ``batch + (12 * years,)`` (0 once repaid or forgiven); else ``None``.
    """

    payment: np.ndarray
    interest_charged: np.ndarray
    interest_waived: np.ndarray
    principal_support: np.ndarray
    balance: np.ndarray
    forgiven: np.ndarray
    payments_made: np.ndarray
    monthly_balance: np.ndarray | None = None

    @property
    def total_paid(self) -> np.ndarray:
        """What the borrower pays in all, shape ``batch``."""
        return self.payment.sum(axis=-1)


def rap_schedule(
    balance: ArrayLike, annual_rate: ArrayLike, agi_by_year: ArrayLike, *, dependants: ArrayLike = 0, monthly: bool = False
) -> RapSchedule:
    """Repay ``balance`` under RAP month by month, with the AGI of each year of repayment.

    Interest accrues monthly at ``annual_rate / 12`` on the principal; each month's payment
    (:func:`rap_monthly_payment` of that year's AGI, or what is left to pay) goes to
    interest first, then principal; interest it does not cover is waived; the matching
    principal payment follows; after the 360th payment the balance left is forgiven.
    Every payment is assumed on time (so every month qualifies).

    Parameters
    ----------
    balance : float or array, shape ``batch``
        Principal when repayment starts (accrued interest already added), dollars.
    annual_rate : float or array, broadcast with ``balance``
        Interest rate (0.0794 for 7.94%).
    agi_by_year : array, shape ``(years,)`` or ``batch + (years,)``
        AGI of each year of repayment (e.g. one row per Monte Carlo draw). The schedule
        covers these years only: give 30 or more to reach forgiveness; years after the
        30th are zero.
    dependants : int or array, broadcast with ``batch``
        As for :func:`rap_monthly_payment` (held for every year).
    monthly : bool
        Also keep the balance after every month (:attr:`RapSchedule.monthly_balance`).

    Returns
    -------
    RapSchedule
        Arrays of shape ``batch + (years,)``; vectorised over ``batch`` (a loop over the
        months only).

    Raises
    ------
    InputError
        For an empty or non-finite AGI path, a negative or non-finite balance or rate.

    Examples
    --------
    >>> s = rap_schedule(30_000, 0.07, [30_000] * 30)
    >>> float(s.payment[0]), float(s.interest_waived[0].round(2)), float(s.principal_support[0])
    (600.0, 1480.75, 600.0)
    >>> float(s.forgiven[-1] > 0), float(s.balance[-1])
    (1.0, 0.0)
    """
    agi = np.asarray(agi_by_year, dtype=float)
    if agi.ndim == 0 or agi.shape[-1] == 0:
        raise InputError(f"agi_by_year has shape {agi.shape}; expected one AGI per year of repayment (at least one year)")
    if not np.all(np.isfinite(agi)):
        raise InputError("agi_by_year holds a value that is not a finite number; expected an AGI in dollars for every year")
    start = np.asarray(balance, dtype=float)
    rate = np.asarray(annual_rate, dtype=float)
    for name, given, x in (("balance", balance, start), ("annual_rate", annual_rate, rate)):
        if not np.all(np.isfinite(x)) or np.any(x < 0):
            raise InputError(f"{name} = {given!r}; expected a finite number, 0 or more")
    batch = np.broadcast_shapes(start.shape, rate.shape, agi.shape[:-1], np.shape(dependants))
    years = agi.shape[-1]
    due = rap_monthly_payment(agi, dependants=np.expand_dims(dependants, -1))
    due = np.ascontiguousarray(np.moveaxis(np.broadcast_to(due, batch + (years,)), -1, 0))  # year-major
    limit = int(value("rap.forgiveness_payments", NEW_RULES_YEAR))
    match = value("rap.principal_match", NEW_RULES_YEAR)

    shape, batch = batch, batch or (1,)  # one row at least, so that a month's row is an array to write into
    due = due.reshape((years,) + batch)
    owed = np.array(np.broadcast_to(start, shape), dtype=float).reshape(batch)
    monthly_rate = np.broadcast_to(rate, shape).reshape(batch) / 12
    # Month by month: the loop runs up to 360 times (over every row at once). It gives each year's
    # sums of the monthly amounts (added month by month, in order), the balance at each year's
    # end and after the last month, and with ``monthly`` the balance after every month.
    months = min(12 * years, limit)
    done = months // 12
    rows = int(np.prod(batch))
    sums = np.zeros((4, done, rows))  # interest accrued, paid, interest charged, principal reduced
    count = np.zeros((done, rows))  # payments made (non-zero)
    year_end = np.zeros((done, rows))
    last = np.zeros(rows)
    by_month = np.zeros((12 * years, rows)) if monthly else None
    flat_due = due.reshape(years, rows)
    if batch == (1,):  # one schedule: the same arithmetic on Python floats, without numpy's per-call cost
        monthly_amounts = np.zeros((5, months))  # interest, paid, charged, cut, balance after
        run = _one_schedule(float(owed[0]), float(monthly_rate[0]), flat_due[:, 0].tolist(), float(match), months)
        if run:
            monthly_amounts[:, : len(run)] = np.array(run).T
        for month in range(12):  # one month at a time: the same sums, bit for bit, as _many_schedules
            sums[:, :, 0] += monthly_amounts[:4, month : 12 * done : 12]
            count[:, 0] += monthly_amounts[1, month : 12 * done : 12] > 0
        year_end[:, 0] = monthly_amounts[4, 11 : 12 * done : 12]
        if months:
            last[0] = monthly_amounts[4, months - 1]
        if monthly:
            by_month[:months, 0] = monthly_amounts[4]
    else:
        _many_schedules(owed.reshape(-1), monthly_rate.reshape(-1), float(match), months, flat_due, sums, count, year_end, last, by_month)
    forgiven = np.zeros((years, rows))
    if months == limit:
        forgiven[(limit - 1) // 12] = last
        last = np.zeros(rows)
        if limit % 12 == 0:
            year_end[-1] = 0.0
        if monthly:
            by_month[limit - 1] = 0.0

    def whole(yearly: np.ndarray) -> np.ndarray:  # the years after the last whole one are zero
        out = np.zeros((years, rows))
        out[:done] = yearly
        return out

    interest, paid, charged, reduced = (whole(x) for x in sums)
    out = {
        "payment": paid,
        "interest_charged": charged,
        "interest_waived": interest,
        "forgiven": forgiven,
        "payments_made": np.cumsum(whole(count), axis=0),
    }
    out["interest_waived"] -= out["interest_charged"]
    out["principal_support"] = np.maximum(reduced - (out["payment"] - out["interest_charged"]), 0.0)
    balance = np.zeros((years, rows))
    balance[:done] = year_end
    balance[done:] = last if months else np.broadcast_to(start, shape).reshape(-1)
    out["balance"] = balance
    if monthly:
        out["monthly_balance"] = by_month
    return RapSchedule(**{name: array.T.reshape(shape + array.shape[:1]) for name, array in out.items()})  # year last


def _many_schedules(owed: np.ndarray, monthly_rate: np.ndarray, match: float, months: int, due: np.ndarray,
                    sums: np.ndarray, count: np.ndarray, year_end: np.ndarray, last: np.ndarray, by_month: np.ndarray | None) -> None:
    """The month-by-month loop of :func:`rap_schedule` for many loans (columns), filling its yearly arrays in place.

    ``due`` has one row per year and a column per loan; ``sums`` (shape ``(4, years, loans)``:
    interest accrued, paid, interest charged, principal reduced), ``count`` (payments made),
    ``year_end`` (balance at the end of each year), ``last`` (balance after the last month) and
    ``by_month`` (balance after each month, or ``None``) are zeros on entry. The months of a
    year are kept, then added in order into the year's sums. A loan repaid stays at zero (nothing
    owed: no interest, no payment, no reduction, all exactly 0), so at the end of a year the loans
    still owing are gathered into smaller arrays when a quarter or more of them are repaid: the
    work follows the loans still being repaid, not the longest of them. Each loan's arithmetic
    is unchanged, so the numbers are those of one loan at a time (:func:`_one_schedule`), bit
    for bit.
    """
    loans = owed.size
    owed = owed.copy()
    rate = monthly_rate
    columns = None  # the loans being computed (None: all of them)
    year = np.empty((5, 12, loans))  # interest, paid, charged, cut, balance after; one row per month
    room, spare = np.empty(loans), np.empty(loans)
    total = np.empty((4, loans))
    for m in range(months):
        j = m % 12
        interest, paid, charged, cut, after = year[:, j]
        # With nothing owed, interest, payment and reduction all come out 0.
        np.multiply(owed, rate, out=interest)
        np.add(owed, interest, out=room)
        np.minimum(due[m // 12], room, out=paid)
        np.minimum(paid, interest, out=charged)
        # Principal falls by what the payment leaves after interest, or by min($50, payment)
        # with the matching principal payment, whichever is more; never below zero.
        np.subtract(paid, charged, out=spare)
        np.minimum(paid, match, out=cut)
        np.maximum(cut, spare, out=cut)
        np.minimum(cut, owed, out=cut)
        np.subtract(owed, cut, out=after)
        owed = after
        if m == months - 1:
            _scatter(last, None, columns, after)
        if j == 11 or m == months - 1:
            kept = j + 1
            if by_month is not None:
                _scatter(by_month, slice(m + 1 - kept, m + 1), columns, year[4, :kept])
        if j != 11:
            continue
        y = m // 12
        total[:] = 0.0
        for month in range(12):
            total += year[:4, month]
        _scatter(sums, (slice(None), y), columns, total)
        _scatter(count, y, columns, np.count_nonzero(year[1] > 0, axis=0))
        _scatter(year_end, y, columns, after)
        if m + 1 < months:
            owing = np.flatnonzero(owed)
            if owing.size == 0:
                break  # everything repaid: the months left are all zero
            if 4 * owing.size <= 3 * owed.size:  # a quarter or more repaid: drop them
                columns = owing if columns is None else columns[owing]
                owed, rate, due = owed[owing], rate[owing], due[:, owing]
                year = np.empty((5, 12, owing.size))
                room, spare = np.empty(owing.size), np.empty(owing.size)
                total = np.empty((4, owing.size))


def _scatter(target: np.ndarray, rows, columns: np.ndarray | None, values: np.ndarray) -> None:
    """``target[rows][..., columns] = values`` for a target whose last axis is the loans (all of them when ``columns`` is None)."""
    where = () if rows is None else rows if isinstance(rows, tuple) else (rows,)
    target[where + (slice(None) if columns is None else columns,)] = values


def _one_schedule(owed: float, monthly_rate: float, due: list[float], match: float, months: int) -> list[tuple[float, ...]]:
    """The month-by-month loop of :func:`rap_schedule` for one loan: ``(interest, paid, charged, cut, after)`` of each month.

    The months after the loan is repaid (at the end of a year) are left out: all zero. The same
    operations in the same order on IEEE doubles as the vectorised loop, so a schedule computed
    alone equals the same schedule computed among many, bit for bit. ``x if x < y else y`` is
    Python's ``min(y, x)`` (and ``max`` likewise) without the cost of a call.
    """
    out = []
    keep = out.append
    for m in range(months):
        accrued = owed * monthly_rate
        room = owed + accrued
        pay = due[m // 12]
        pay = room if room < pay else pay  # min(due, owed + accrued)
        covered = accrued if accrued < pay else pay  # min(pay, accrued)
        reduction = match if match < pay else pay  # min(pay, match)
        spare = pay - covered
        reduction = spare if spare > reduction else reduction  # max(min(pay, match), pay - covered)
        reduction = owed if owed < reduction else reduction  # ... never more than owed
        owed -= reduction
        keep((accrued, pay, covered, reduction, owed))
        if m % 12 == 11 and owed == 0.0:
            break
    return out


def tiered_standard_term(balance: ArrayLike) -> np.ndarray:
    """Years of the tiered standard plan for ``balance`` (HEA section 455(d); 34 CFR 685.208(c)(1)(iii)).

    10 years under $25,000, 15 under $50,000, 20 under $100,000, 25 from $100,000; a balance
    on an edge takes the longer term. Vectorised (any shape); the scalar form is
    :func:`mlkit.decision.loans.tiered_term_years`.

    Examples
    --------
    >>> tiered_standard_term([24_999.99, 25_000, 99_999, 100_000]).tolist()
    [10, 15, 20, 25]
    """
    edges = np.array([value(f"loan.tiered.balance_{tier}", NEW_RULES_YEAR) for tier in (1, 2, 3)])
    terms = np.array([int(value(f"loan.tiered.years_{tier}", NEW_RULES_YEAR)) for tier in (1, 2, 3, 4)])
    return terms[np.searchsorted(edges, np.asarray(balance, dtype=float), side="right")]


@dataclass(frozen=True)
class StandardSchedule:
    """A loan repaid in level monthly payments (the tiered standard plan), dollars.

    Attributes
    ----------
    years : int
        Term of the plan.
    monthly_payment : float
        The level payment.
    payment, interest, balance : ndarray, shape (years,)
        Paid, interest paid, and balance at the end of each year.
    """

    years: int
    monthly_payment: float
    payment: np.ndarray
    interest: np.ndarray
    balance: np.ndarray

    @property
    def total_paid(self) -> float:
        return float(self.payment.sum())

    @property
    def total_interest(self) -> float:
        return float(self.interest.sum())


def tiered_standard_schedule(balance: float, annual_rate: float) -> StandardSchedule:
    """Repay ``balance`` on the tiered standard plan: level payments over its term.

    The payment is :func:`monthly_payment` over
    ``12 * tiered_standard_term(balance)`` months. Scalar inputs (the balance of one option
    when repayment starts).

    Raises
    ------
    InputError
        For a negative or non-finite balance or rate.

    Examples
    --------
    >>> s = tiered_standard_schedule(41_000, 0.0794)
    >>> s.years, round(s.monthly_payment, 2), round(s.total_interest)
    (15, 390.4, 29272)
    """
    for name, x in (("balance", balance), ("annual_rate", annual_rate)):
        if not np.isfinite(x) or x < 0:
            raise InputError(f"{name} = {x!r}; expected a finite number, 0 or more")
    years = int(tiered_standard_term(balance))
    months = 12 * years
    payment = monthly_payment(balance, annual_rate, months)
    r = annual_rate / 12
    k = 12 * np.arange(1, years + 1)
    if r * months < 1e-9:
        left = balance - payment * k
    else:
        growth = (1 + r) ** k
        left = balance * growth - payment * (growth - 1) / r
    left = np.maximum(left, 0.0)
    paid = np.full(years, 12 * payment)
    principal = -np.diff(np.concatenate([[balance], left]))
    return StandardSchedule(years=years, monthly_payment=payment, payment=paid, interest=paid - principal, balance=left)


@dataclass(frozen=True)
class LoanLimits:
    """Federal limits for graduate borrowers with loans first disbursed from 1 July 2026.

    Attributes
    ----------
    graduate_annual, graduate_aggregate : float
        Direct Unsubsidized limits for graduate (non-professional) students, dollars.
    professional_annual, professional_aggregate : float
        The same for professional students (degrees listed in 34 CFR 668.2).
    lifetime : float
        All federal student borrowing except Parent PLUS.
    grad_plus_available : bool
        False: Grad PLUS is closed to new borrowers.
    sections : dict
        The law behind each limit, by attribute name.
    """

    graduate_annual: float
    graduate_aggregate: float
    professional_annual: float
    professional_aggregate: float
    lifetime: float
    grad_plus_available: bool
    sections: dict[str, str]


def new_loan_limits() -> LoanLimits:
    """The graduate loan limits of P.L. 119-21 section 81001 (HEA section 455(a)), for validation.

    Examples
    --------
    >>> limits = new_loan_limits()
    >>> limits.graduate_annual, limits.graduate_aggregate, limits.grad_plus_available
    (20500.0, 100000.0, False)
    """
    keys = {
        "graduate_annual": "loan.unsub_grad.annual_limit",
        "graduate_aggregate": "loan.unsub_grad.aggregate_limit",
        "professional_annual": "loan.professional.annual_limit",
        "professional_aggregate": "loan.professional.aggregate_limit",
        "lifetime": "loan.lifetime_limit",
        "grad_plus_available": "loan.grad_plus.available",
    }
    rows = {name: figure(key, NEW_RULES_YEAR) for name, key in keys.items()}
    values = {name: row.value for name, row in rows.items()}
    values["grad_plus_available"] = bool(values["grad_plus_available"])
    return LoanLimits(**values, sections={name: row.source for name, row in rows.items()})
