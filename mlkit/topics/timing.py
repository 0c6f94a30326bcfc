"""Timing small pieces of code, robustly enough to compare two of them.

A single timing is noisy: the first call warms caches, and the operating
system may pause the process at any moment. Taking the *best* of several
repeats measures what the code costs when nothing gets in its way, which is
the figure to compare between a loop and its vectorised equivalent. Even so,
timings differ between machines, so a lesson shows a rounded ratio, never raw
seconds, in a cell it marks as volatile.

Examples
--------
>>> ratio = speedup(lambda: sum(range(2000)), lambda: 0, repeat=3)
>>> ratio > 1
True
>>> round_ratio(137.2), round_ratio(8.26), round_ratio(0.0437)
(100, 8, 0.04)
"""

from __future__ import annotations

import math
import timeit
from typing import Callable

from mlkit.errors import InputError


def best_time(func: Callable[[], object], *, repeat: int = 5, number: int = 1) -> float:
    """The shortest time, in seconds per call, over ``repeat`` rounds of ``number`` calls.

    Parameters
    ----------
    func:
        A function taking no arguments (wrap arguments in a ``lambda``).
    repeat:
        How many rounds to time; the best round is kept.
    number:
        Calls per round; raise it for code that runs in microseconds.

    Returns
    -------
    float
        Seconds per call in the fastest round.
    """
    if not callable(func):
        raise InputError(f"func must be a function taking no arguments, got a {type(func).__name__}")
    for name, value in (("repeat", repeat), ("number", number)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InputError(f"{name} must be a positive integer, got {value!r}")
    rounds = timeit.repeat(func, repeat=repeat, number=number)
    return min(rounds) / number


def speedup(slow: Callable[[], object], fast: Callable[[], object], *, repeat: int = 5, number: int = 1) -> float:
    """How many times faster ``fast`` runs than ``slow`` (best time of each, see :func:`best_time`).

    Returns
    -------
    float
        ``best_time(slow) / best_time(fast)``; above 1 when ``fast`` is faster.
    """
    slow_time = best_time(slow, repeat=repeat, number=number)
    fast_time = best_time(fast, repeat=repeat, number=number)
    return slow_time / max(fast_time, 1e-12)


def round_ratio(ratio: float, figures: int = 1):
    """``ratio`` rounded to ``figures`` significant figures: 137.2 -> 100, 8.26 -> 8.

    A timing ratio varies by tens of percent between runs and machines, so more
    digits would suggest a precision the measurement does not have. Returns an
    ``int`` when the rounded value is a whole number, else a ``float``.
    """
    if not isinstance(ratio, (int, float)) or isinstance(ratio, bool) or not math.isfinite(ratio) or ratio <= 0:
        raise InputError(f"ratio must be a positive, finite number, got {ratio!r}")
    if not isinstance(figures, int) or isinstance(figures, bool) or figures < 1:
        raise InputError(f"figures must be a positive integer, got {figures!r}")
    digits = figures - 1 - math.floor(math.log10(ratio))
    rounded = round(ratio, digits)
    return int(rounded) if digits <= 0 or float(rounded).is_integer() else rounded
