"""Timing helpers: best-of-repeats timing, speed-up ratios and honest rounding."""

import doctest
import time

import pytest

from mlkit.topics import timing
from mlkit.errors import InputError


def test_doctests_pass():
    assert doctest.testmod(timing).failed == 0


def test_best_time_keeps_the_fastest_round():
    delays = iter([0.03, 0.0, 0.03])

    def sometimes_slow():
        time.sleep(next(delays))

    assert timing.best_time(sometimes_slow, repeat=3) < 0.02


def test_speedup_is_above_one_when_the_fast_function_is_faster():
    ratio = timing.speedup(lambda: time.sleep(0.01), lambda: None, repeat=2)
    assert ratio > 10


@pytest.mark.parametrize(
    "ratio, figures, expected",
    [(137.2, 1, 100), (151, 1, 200), (8.26, 1, 8), (8.26, 2, 8.3), (0.0437, 1, 0.04), (1234, 2, 1200), (1.0, 1, 1)],
)
def test_round_ratio_keeps_significant_figures(ratio, figures, expected):
    result = timing.round_ratio(ratio, figures)
    assert result == pytest.approx(expected)
    assert isinstance(result, int) == float(expected).is_integer()


@pytest.mark.parametrize("bad", [0, -3.0, float("nan"), float("inf"), "10", True])
def test_round_ratio_rejects_what_is_not_a_positive_number(bad):
    with pytest.raises(InputError, match="ratio"):
        timing.round_ratio(bad)


@pytest.mark.parametrize("kwargs", [{"repeat": 0}, {"number": -1}, {"repeat": 1.5}])
def test_best_time_rejects_bad_counts(kwargs):
    with pytest.raises(InputError):
        timing.best_time(lambda: None, **kwargs)


def test_best_time_rejects_what_is_not_a_function():
    with pytest.raises(InputError, match="func"):
        timing.best_time(42)
