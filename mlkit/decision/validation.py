"""Checks run once, when a scenario is built: each names the field, the value and what is allowed.

Everything inside the model trusts its inputs; these functions are the boundary.
Every failure raises :class:`mlkit.errors.InputError` with a message a person
can act on, e.g. ``option "Bootcamp": p_complete = 1.5 is outside [0, 1] ...``.

Every number of a scenario has a plausible range, in :data:`RANGES` (one row per field:
kind, low, high, unit). A value outside it is refused with the range named, so an absurd
magnitude (a salary of 1e308, a tuition of a billion) never reaches the arithmetic, where
it would overflow to infinity or NaN. Integers and floats are treated alike: every
number is stored as a float (whole-number fields as ``int``) once checked, so
``"discount_rate": 0`` and ``0.0`` give the same result.

The ranges (what a person could plausibly enter, wider than the sensible ranges of
the sensitivity analysis):

=====================================  ============  ================  ===========
field                                  kind          range             unit
=====================================  ============  ================  ===========
person.age                             number        14 to 90          years
person.salary                          money         0 to 5,000,000    USD/year
person.salary_growth                   rate          -0.1 to 0.2       fraction/year
person.retirement_age                  number        15 to 100         years
option.years                           number        0 to 10           years
option.tuition_per_year, fees, ...     money         0 to 250,000      USD/year
option.programme_price, relocation     money         0 to 500,000      USD
option.extra_housing_per_month         money         0 to 25,000       USD/month
option.health_insurance_per_year       money         0 to 50,000       USD/year
option.lost_benefits_per_year          money         0 to 200,000      USD/year
option.study_income_per_year           money         0 to 5,000,000    USD/year
option.target_salary, fallback_salary  money         0 to 5,000,000    USD/year
option.entry_salary                    money         0 to 5,000,000    USD/year
option.years_to_average                number        0 to 40           years
option.senior_premium                  money         0 to 2,000,000    USD/year
option.job_search_months               number        0 to 36           months
option.senior_after_years              number        0 to 50           years
option probabilities and shares        probability   0 to 1            fraction
financing amounts per year             money         0 to 500,000      USD/year
financing.prior_federal_graduate_debt  money         0 to 1,000,000    USD
financing.private_rate                 rate          0 to 0.5          fraction/year
financing.private_years                integer       1 to 30           years
financing.private_fee                  rate          0 to 0.2          fraction
financing.borrow_share                 probability   0 to 1            fraction
financing.dependants                   integer       0 to 20           people
assumptions.discount_rate              rate          0 to 0.5          fraction/year
assumptions.tax_rate                   rate          0 to 0.9          fraction
assumptions.state_rate                 rate          0 to 0.15         fraction
assumptions.inflation                  rate          0 to 0.2          fraction/year
assumptions.draws                      integer       1 to 1,000,000    draws
assumptions.seed                       integer       0 to 2**32 - 1
assumptions.start_date                 date          2020-07-01 to 2070-12-31
option.target_salary_range             money         high at most 100 x low
=====================================  ============  ================  ===========

Besides the table: a programme is 0 years (nothing to study) or at least a week (1/52); an
entry salary, when given, is more than 0; and no salary may grow, at the real growth rate over
the horizon, beyond :data:`MAX_PATH_SALARY` a year (a 20% real growth sustained for 80 years is
a typing error, not a career).

:data:`RANGES` is the reference; this table is its summary.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mlkit.errors import InputError


@dataclass(frozen=True)
class Range:
    """The plausible range of one numeric field.

    Attributes
    ----------
    kind : {"number", "integer", "money", "rate", "probability"}
        Which check applies (money: non-negative dollars; rate: a fraction, with the
        percentage hint; probability: a fraction in [0, 1]).
    low, high : float
        Inclusive bounds.
    unit : str
        For the message (``USD/year``, ``years``, ...).
    """

    kind: str
    low: float
    high: float
    unit: str


_SALARY = Range("money", 0, 5_000_000, "USD/year")
_YEARLY_COST = Range("money", 0, 250_000, "USD/year")
_ONE_OFF = Range("money", 0, 500_000, "USD")
_SHARE = Range("probability", 0, 1, "fraction")
_LOAN = Range("money", 0, 500_000, "USD/year")

#: The plausible range of every numeric field, by ``owner.field`` (owner: person, option,
#: financing, assumptions).
RANGES: dict[str, Range] = {
    "person.age": Range("number", 14, 90, "years"),
    "person.salary": _SALARY,
    "person.salary_growth": Range("rate", -0.1, 0.2, "fraction/year"),
    "person.retirement_age": Range("number", 15, 100, "years"),
    "option.years": Range("number", 0, 10, "years"),
    "option.tuition_per_year": _YEARLY_COST,
    "option.programme_price": _ONE_OFF,
    "option.fees_per_year": _YEARLY_COST,
    "option.extra_housing_per_month": Range("money", 0, 25_000, "USD/month"),
    "option.relocation": _ONE_OFF,
    "option.caregiving_per_year": _YEARLY_COST,
    "option.scholarships_per_year": _YEARLY_COST,
    "option.employer_aid_per_year": _YEARLY_COST,
    "option.health_insurance_per_year": Range("money", 0, 50_000, "USD/year"),
    "option.lost_benefits_per_year": Range("money", 0, 200_000, "USD/year"),
    "option.study_income_per_year": _SALARY,
    "option.income_share_while_studying": _SHARE,
    "option.p_complete": _SHARE,
    "option.p_land_role": _SHARE,
    "option.target_salary": _SALARY,
    "option.entry_salary": _SALARY,
    "option.fallback_salary": _SALARY,
    "option.target_salary_range": _SALARY,
    "option.years_to_average": Range("number", 0, 40, "years"),
    "option.job_search_months": Range("number", 0, 36, "months"),
    "option.senior_premium": Range("money", 0, 2_000_000, "USD/year"),
    "option.senior_after_years": Range("number", 0, 50, "years"),
    "financing.federal_unsubsidised_per_year": _LOAN,
    "financing.grad_plus_per_year": _LOAN,
    "financing.private_per_year": _LOAN,
    "financing.prior_federal_graduate_debt": Range("money", 0, 1_000_000, "USD"),
    "financing.private_rate": Range("rate", 0, 0.5, "fraction/year"),
    "financing.private_years": Range("integer", 1, 30, "years"),
    "financing.private_fee": Range("rate", 0, 0.2, "fraction"),
    "financing.dependants": Range("integer", 0, 20, "people"),
    "financing.borrow_share": _SHARE,
    "assumptions.discount_rate": Range("rate", 0, 0.5, "fraction/year"),
    "assumptions.tax_rate": Range("rate", 0, 0.9, "fraction"),
    "assumptions.state_rate": Range("rate", 0, 0.15, "fraction"),
    "assumptions.dropout_point": _SHARE,
    "assumptions.inflation": Range("rate", 0, 0.2, "fraction/year"),
    "assumptions.draws": Range("integer", 1, 1_000_000, "draws"),
    "assumptions.seed": Range("integer", 0, 2**32 - 1, ""),
    "assumptions.probability_concentration": Range("number", 2, 1e6, ""),
    "assumptions.salary_range_coverage": Range("number", 0.5, 0.99, "fraction"),
}


def checked(where: str, owner: str, name: str, value: object) -> float | int:
    """``value`` checked against :data:`RANGES` ``[owner.name]``; returns it as a float (``int`` for whole numbers).

    Raises
    ------
    InputError
        Not a number, not finite, of the wrong sign or outside the plausible range; the
        message names the field, the value and the range.
    """
    spec = RANGES[f"{owner}.{name}"]
    if spec.kind == "money":
        out = money(where, name, value)
        if out > spec.high:
            raise fail(where, name, value, f"above the plausible range of 0 to {spec.high:,.0f} {spec.unit}; check the number of digits")
        return out
    if spec.kind == "rate":
        return rate(where, name, value, low=spec.low, high=spec.high)
    if spec.kind == "probability":
        return probability(where, name, value)
    if spec.kind == "integer":
        return int(number(where, name, value, low=spec.low, high=spec.high, integer=True))
    return number(where, name, value, low=spec.low, high=spec.high)


def check_fields(obj: object, owner: str, where: str, names: Iterable[str]) -> None:
    """Check every field ``names`` of the frozen dataclass ``obj`` and store the normalised value."""
    for name in names:
        object.__setattr__(obj, name, checked(where, owner, name, getattr(obj, name)))


def fail(where: str, name: str, value: object, allowed: str) -> InputError:
    """An :class:`InputError` for ``where`` + ``name`` (``value`` received, ``allowed`` expected)."""
    return InputError(f"{where}{name} = {value!r}: {allowed}")


def number(where: str, name: str, value: object, *, low: float | None = None, high: float | None = None, integer: bool = False) -> float:
    """A finite real number within ``[low, high]``; returns it as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(where, name, value, f"expected a number{_range_text(low, high)}")
    try:
        as_float = float(value)
    except OverflowError:  # an integer beyond any float
        raise InputError(f"{where}{name} = {_short(value)}: too large: expected a number{_range_text(low, high)}") from None
    if not math.isfinite(as_float):
        raise fail(where, name, value, f"expected a finite number{_range_text(low, high)}; NaN and infinity are not allowed")
    if integer and value != math.floor(value):
        raise fail(where, name, value, f"expected a whole number{_range_text(low, high)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise fail(where, name, value, f"outside the allowed range{_range_text(low, high)}")
    return float(value)


def money(where: str, name: str, value: object) -> float:
    """A non-negative amount of dollars (costs, salaries, aid)."""
    checked = number(where, name, value)
    if checked < 0:
        raise fail(where, name, value, "a negative amount is not allowed; enter costs and aid as positive dollars (aid is subtracted for you)")
    return checked


def probability(where: str, name: str, value: object) -> float:
    """A probability written as a fraction in [0, 1]."""
    checked = number(where, name, value)
    if not 0 <= checked <= 1:
        hint = f"; {checked:g}% is written {checked / 100:g}" if 1 < checked <= 100 else ""
        raise fail(where, name, value, f"outside [0, 1]: give a probability as a fraction, e.g. 0.85 for 85%{hint}")
    return checked


def rate(where: str, name: str, value: object, *, low: float = 0.0, high: float = 1.0) -> float:
    """A yearly rate written as a fraction (0.0794 for 7.94%).

    A value above 1 is almost always a percentage typed where a fraction is
    expected; the message says so and gives the fraction to write.
    """
    checked = number(where, name, value)
    if checked > 1 and 1 < checked <= 100:
        raise fail(
            where, name, value,
            f"looks like a percentage; rates are fractions here: write {checked / 100:g} for {checked:g}%",
        )
    if not low <= checked <= high:
        raise fail(where, name, value, f"outside the allowed range [{low:g}, {high:g}] (a fraction per year, e.g. 0.03 for 3%)")
    return checked


def choice(where: str, name: str, value: object, allowed: Iterable[str]) -> str:
    """One of ``allowed``."""
    options = list(allowed)
    if not isinstance(value, str) or value not in options:
        raise fail(where, name, value, f"unknown; choose one of: {', '.join(options)}")
    return str(value)


def flag(where: str, name: str, value: object) -> bool:
    """A true/false switch (JSON ``true``/``false``)."""
    if not isinstance(value, bool):
        raise fail(where, name, value, "expected true or false")
    return value


def iso_date(where: str, name: str, value: object) -> date:
    """A date written ``YYYY-MM-DD``, from :data:`FIRST_START` to :data:`LAST_START`."""
    day = None
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
    if day is None:
        raise fail(where, name, value, "expected a date written YYYY-MM-DD, e.g. 2027-08-16")
    if not FIRST_START <= day <= LAST_START:
        raise fail(where, name, value, f"outside the dates the model's figures cover ({FIRST_START.isoformat()} to "
                                       f"{LAST_START.isoformat()}: loan rates from the 2020-21 academic year on); give the "
                                       "first day of study, e.g. 2027-08-16")
    return day


#: The first day of study the model accepts: the first academic year of the loan figures (2020-21).
FIRST_START = date(2020, 7, 1)
#: The last: the loans' dates stay within what dates can hold (the rules and brackets carry forward).
LAST_START = date(2070, 12, 31)


def text(where: str, name: str, value: object) -> str:
    """A non-empty name on one line (no tabs, line breaks or other control characters)."""
    if not isinstance(value, str) or not value.strip():
        raise fail(where, name, value, "expected a non-empty name")
    if len(value) > MAX_NAME:
        raise fail(where, name, f"{value[:20]}... ({len(value)} characters)", f"expected a name of at most {MAX_NAME} characters")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
        raise fail(where, name, value, "a name holds a line break, a tab or another control character; write it on one line")
    return value


#: Longest option name accepted.
MAX_NAME = 120
#: Largest salary (dollars a year) a salary path may reach by retirement at the real growth rate.
MAX_PATH_SALARY = 50_000_000
#: Widest salary range: its high end at most this many times its low end.
MAX_RANGE_RATIO = 100
#: Shortest programme that is not 0 years: a week.
MIN_YEARS = 1 / 52
#: Largest scenario file read (bytes): a scenario is a few kilobytes.
MAX_FILE_BYTES = 1_000_000


def readable_file(path, what: str = "scenario file"):
    """``path`` as a :class:`~pathlib.Path` if it is an existing regular file of at most :data:`MAX_FILE_BYTES`.

    Raises
    ------
    InputError
        Missing, a folder, a device or pipe (``/dev/zero``), or too large.
    """
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; write an example with `mlkit decide --example {path}`")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the path of a {what} (a .json file)")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file (a device or a pipe); give the path of a {what} (a .json file)")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: {size:,} bytes; a {what} is a few kilobytes (at most {MAX_FILE_BYTES:,} bytes): is it the right file?")
    return path


def writable_file(path, *, force: bool = False, what: str = "scenario file"):
    """``path`` as a :class:`~pathlib.Path` where a new file may be written.

    Refuses a folder, a device or anything else that is not a regular file, an existing
    file unless ``force``, and a parent that is not an existing folder.

    Raises
    ------
    InputError
        With the path and what to do instead.
    """
    from pathlib import Path

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name for the {what}, e.g. {path / 'decision-scenario.json'}")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise InputError(f"{path}: not a regular file (a device, a pipe or a broken link); choose another path for the {what}")
        if not force:
            raise InputError(f"{path} exists; choose another path or add --force to overwrite it")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent} is not a folder; create it first or choose another path")
    return path


def _short(value: object) -> str:
    """A huge integer written short (``10**400`` as ``1000...000 (401 digits)``)."""
    text = str(value)
    return text if len(text) <= 20 else f"{text[:4]}...{text[-3:]} ({len(text)} digits)"


def _range_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" from {low:,.10g} to {high:,.10g}"
    if low is not None:
        return f" of at least {low:g}"
    if high is not None:
        return f" of at most {high:g}"
    return ""
