"""Salaries by career stage: entry salary, geometric rise to the published average, then growth."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlkit.decision import figures, salary_path
from mlkit.errors import InputError

salaries = st.floats(min_value=10_000, max_value=1e6)


def test_path_starts_at_entry_reaches_the_average_then_grows():
    path = salary_path.salary_path(70_000, 112_000, years=10, growth=0.02, years_to_average=4)
    assert path.shape == (10,)
    assert path[0] == pytest.approx(70_000) and path[4] == pytest.approx(112_000)
    # Geometric rise: the same ratio every year, (112/70) ** (1/4).
    assert np.allclose(path[1:5] / path[:4], (112 / 70) ** 0.25)
    # Then the real wage growth.
    assert np.allclose(path[5:] / path[4:-1], 1.02)


def test_zero_years_to_average_is_the_average_from_the_first_year():
    path = salary_path.salary_path(70_000, 112_000, years=3, growth=0.02, years_to_average=0)
    assert path.tolist() == pytest.approx([112_000, 112_000 * 1.02, 112_000 * 1.02**2])


def test_a_fractional_number_of_years_to_average_keeps_the_path_continuous():
    path = salary_path.salary_path(50_000, 100_000, years=5, growth=0.0, years_to_average=2.5)
    assert path[2] == pytest.approx(50_000 * 2 ** (2 / 2.5)) and path[3:].tolist() == [100_000, 100_000]


def test_paths_for_many_draws_at_once_equal_one_at_a_time():
    entries = np.array([60_000.0, 82_630.0, 95_000.0])
    growth = np.array([0.0, 0.02, 0.03])
    together = salary_path.salary_path(entries, 139_202, years=8, growth=growth, years_to_average=5)
    assert together.shape == (3, 8)
    for i in range(3):
        alone = salary_path.salary_path(entries[i], 139_202, years=8, growth=growth[i], years_to_average=5)
        assert together[i].tolist() == alone.tolist()


BAD = [
    (dict(entry=0), "entry = 0"),
    (dict(entry=-5), "entry = -5"),
    (dict(entry=float("nan")), "entry = nan"),
    (dict(average=float("inf")), "average = inf"),
    (dict(average=1e12), "average = 1000000000000.0"),
    (dict(years=0), "years = 0"),
    (dict(years=2.5), "years = 2.5"),
    (dict(years=True), "years = True"),
    (dict(years=101), "years = 101"),
    (dict(growth=0.7), "growth = 0.7"),
    (dict(growth=float("nan")), "growth = nan"),
    (dict(years_to_average=-1), "years_to_average = -1"),
    (dict(years_to_average=11), "years_to_average = 11"),
    (dict(years_to_average=float("nan")), "years_to_average = nan"),
]


@pytest.mark.parametrize("change, message", BAD)
def test_bad_arguments_are_refused_naming_the_argument(change, message):
    arguments = dict(entry=70_000, average=112_000, years=10, growth=0.02, years_to_average=4) | change
    with pytest.raises(InputError, match=f"^{message}.*expected"):
        salary_path.salary_path(arguments.pop("entry"), arguments.pop("average"), **arguments)


@settings(max_examples=150, deadline=None)
@given(salaries, salaries, st.integers(min_value=1, max_value=45), st.floats(min_value=0, max_value=0.05), st.integers(min_value=0, max_value=45))
def test_path_properties(entry, average, years, growth, to_average):
    to_average = min(to_average, years)
    path = salary_path.salary_path(entry, average, years=years, growth=growth, years_to_average=to_average)
    assert path.shape == (years,) and np.all(np.isfinite(path)) and np.all(path > 0)
    assert path[0] == pytest.approx(entry if to_average else average)
    if to_average < years:
        assert path[to_average] == pytest.approx(average)
    # Between entry and average while rising, no jump larger than the rise's yearly ratio.
    if entry <= average:
        assert np.all(np.diff(path) >= -1e-6)  # never falls when the average is above the entry
    steps = path[1:] / path[:-1]
    largest = max((average / entry) ** (1 / to_average) if to_average else 1.0, 1 + growth, 1.0)
    assert np.all(steps <= largest * (1 + 1e-9))


def test_every_role_has_an_entry_salary_below_its_average_with_a_source():
    for role, average in figures.roles().items():
        entry = salary_path.entry_salary(role)
        assert entry is not None and 0 < entry < average, role
        row = figures.figure(f"role.{role}.entry_salary")
        assert row.source and row.year and row.assumption, role  # a percentile read as entry: flagged
    assert salary_path.entry_salary("no_such_role") is None
    years = salary_path.default_years_to_average()
    assert years == figures.value("salary.years_to_average") and figures.figure("salary.years_to_average").assumption
    assert math.isfinite(years) and years > 0
