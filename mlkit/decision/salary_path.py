"""Salaries by career stage: from an entry salary to the role's published average, then growth.

A published role salary (Salary.com's averages in ``decision_figures.csv``) is an
all-levels average, not what a newcomer earns. The path starts at an entry salary
(``role.<role>.entry_salary``: a low percentile of the occupation's wages, flagged as a
modelling choice in the figures file), rises geometrically to the average in
``years_to_average`` years (``salary.years_to_average``, a modelling choice), then grows at
the real wage growth rate::

    salary[t] = entry * (average / entry) ** (t / years_to_average)   for t <= years_to_average
    salary[t] = average * (1 + growth) ** (t - years_to_average)        after

so the path is continuous, starts at ``entry`` and is at ``average`` in year
``years_to_average``. ``years_to_average = 0`` gives the all-levels average from the first
year (the model before career stages).

Examples
--------
>>> salary_path(80_000, 120_000, years=4, growth=0.02, years_to_average=2).round(0).tolist()
[80000.0, 97980.0, 120000.0, 122400.0]
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from mlkit.decision.figures import all_figures, value
from mlkit.errors import InputError

#: Largest path, in years, a person can ask for (a working life with room to spare).
MAX_YEARS = 100
#: A salary above this (dollars a year) is taken for a typing error.
MAX_SALARY = 1e8


def _positive_salary(name: str, x: ArrayLike) -> np.ndarray:
    array = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(array)) or np.any(array <= 0) or np.any(array > MAX_SALARY):
        raise InputError(f"{name} = {x!r}; expected a salary in dollars a year, more than 0 and at most {MAX_SALARY:,.0f}")
    return array


def salary_path(entry: ArrayLike, average: ArrayLike, *, years: int, growth: ArrayLike, years_to_average: float) -> np.ndarray:
    """Yearly salaries that start at ``entry``, reach ``average`` and then grow at ``growth``.

    Parameters
    ----------
    entry, average : float or array (broadcast together, shape ``batch``)
        Entry salary and the role's all-levels average, dollars a year (real).
    years : int
        Length of the path, 1 to :data:`MAX_YEARS`.
    growth : float or array, broadcast with ``batch``
        Real growth a year after the average is reached, in (-0.5, 0.5).
    years_to_average : float
        Years from entry to the average, 0 to ``years``; 0 starts at the average.

    Returns
    -------
    ndarray, shape ``batch + (years,)``
        Salary in each year (year 0 first): ``(years,)`` for scalar inputs.

    Raises
    ------
    InputError
        Naming the argument, when a salary is not positive and finite, ``years`` is not a
        whole number in range, ``growth`` is out of range or ``years_to_average`` is
        negative, non-finite or longer than the path.

    Examples
    --------
    >>> salary_path(100_000, 100_000, years=3, growth=0.0, years_to_average=0).tolist()
    [100000.0, 100000.0, 100000.0]
    >>> salary_path([60_000, 90_000], 120_000, years=2, growth=0.02, years_to_average=1).tolist()
    [[60000.0, 120000.0], [90000.0, 120000.0]]
    """
    low = _positive_salary("entry", entry)
    high = _positive_salary("average", average)
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= MAX_YEARS:
        raise InputError(f"years = {years!r}; expected a whole number of years from 1 to {MAX_YEARS}")
    rate = np.asarray(growth, dtype=float)
    if not np.all(np.isfinite(rate)) or np.any(np.abs(rate) >= 0.5):
        raise InputError(f"growth = {growth!r}; expected a real growth rate a year between -0.5 and 0.5 (0.02 for 2%)")
    if isinstance(years_to_average, bool) or not isinstance(years_to_average, (int, float, np.integer, np.floating)) \
            or not math.isfinite(years_to_average) or not 0 <= years_to_average <= years:
        raise InputError(f"years_to_average = {years_to_average!r}; expected a number of years from 0 to years ({years})")
    t = np.arange(years, dtype=float)
    low, high, rate = (np.expand_dims(a, -1) for a in (low, high, rate))
    after = high * (1 + rate) ** (t - years_to_average)
    if years_to_average == 0:
        return np.broadcast_to(after, np.broadcast_shapes(low.shape, after.shape)).copy()
    rising = low * (high / low) ** (np.minimum(t, years_to_average) / years_to_average)
    return np.where(t <= years_to_average, rising, after)


def entry_salary(role: str) -> float | None:
    """The shipped entry salary of ``role`` (``role.<role>.entry_salary``), or ``None``.

    Examples
    --------
    >>> entry_salary("data_scientist")
    82630.0
    >>> entry_salary("astronaut") is None
    True
    """
    key = f"role.{role}.entry_salary"
    return value(key) if any(f.key == key for f in all_figures()) else None


def default_years_to_average() -> float:
    """Years from entry to the published average by default (a modelling choice; see the figures file)."""
    return value("salary.years_to_average")
