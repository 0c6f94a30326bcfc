"""Checks run once, when a scenario is built: each names the field, the value and what is allowed.

Everything inside the model trusts its inputs; these functions are the boundary.
Every failure raises :class:`mlkit.errors.InputError` with a message a person
can act on, e.g. ``option "Bootcamp": p_complete = 1.5 is outside [0, 1] ...``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from mlkit.errors import InputError


def fail(where: str, name: str, value: object, allowed: str) -> InputError:
    """An :class:`InputError` for ``where`` + ``name`` (``value`` received, ``allowed`` expected)."""
    return InputError(f"{where}{name} = {value!r}: {allowed}")


def number(where: str, name: str, value: object, *, low: float | None = None, high: float | None = None, integer: bool = False) -> float:
    """A finite real number within ``[low, high]``; returns it as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(where, name, value, f"expected a number{_range_text(low, high)}")
    if not math.isfinite(value):
        raise fail(where, name, value, f"expected a finite number{_range_text(low, high)}; NaN and infinity are not allowed")
    if integer and value != int(value):
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
    if value not in options:
        raise fail(where, name, value, f"unknown; choose one of: {', '.join(options)}")
    return str(value)


def flag(where: str, name: str, value: object) -> bool:
    """A true/false switch (JSON ``true``/``false``)."""
    if not isinstance(value, bool):
        raise fail(where, name, value, "expected true or false")
    return value


def iso_date(where: str, name: str, value: object) -> date:
    """A date written ``YYYY-MM-DD``."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise fail(where, name, value, "expected a date written YYYY-MM-DD, e.g. 2027-08-16")


def text(where: str, name: str, value: object) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise fail(where, name, value, "expected a non-empty name")
    return value


def _range_text(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" from {low:g} to {high:g}"
    if low is not None:
        return f" of at least {low:g}"
    if high is not None:
        return f" of at most {high:g}"
    return ""
