"""Data-quality rules: each reports the problems it finds, in words, and nothing on a good table."""

from __future__ import annotations

import pandas as pd
import pytest

from mlkit.topics import data_quality as dq
from mlkit.errors import InputError


@pytest.fixture
def table():
    return pd.DataFrame(
        {"study": ["A", "A", "B"], "bird": ["n1", "n2", "n1"], "mass": [3500.0, None, 4100.0], "sex": ["f", "m", "m"]}
    )


def test_a_good_table_has_no_problems(table):
    problems = (
        dq.has_columns(table, ["study", "bird", "mass"])
        + dq.within(table, "mass", 2000, 7000)
        + dq.allowed_values(table, "sex", ["f", "m"])
        + dq.unique(table, ["study", "bird"])
        + dq.row_count(table, at_least=3)
    )
    assert problems == []


def test_each_rule_names_the_column_and_what_is_wrong(table):
    assert dq.has_columns(table, ["island", "mass"]) == ["missing column(s): 'island'"]
    assert dq.complete(table, ["mass", "sex"]) == ["column 'mass' has 1 missing value(s)"]
    assert dq.within(table, "mass", 3600, 7000) == ["column 'mass' has 1 value(s) outside [3600, 7000], e.g. 3500.0"]
    assert dq.allowed_values(table, "sex", ["f"]) == ["column 'sex' has unexpected value(s): 'm'"]
    assert dq.unique(table, ["bird"]) == ["1 duplicated row(s) on ['bird'], e.g. ('n1',)"]
    assert dq.row_count(table, at_least=5) == ["3 row(s); at least 5 expected"]


def test_rules_report_a_missing_column_instead_of_failing(table):
    for problems in (
        dq.complete(table, ["island"]),
        dq.within(table, "island", 0, 1),
        dq.allowed_values(table, "island", ["x"]),
        dq.unique(table, ["island"]),
    ):
        assert problems and "island" in problems[0]


def test_require_raises_with_every_problem_and_is_an_input_error():
    with pytest.raises(dq.QualityError, match="2 data-quality problem") as caught:
        dq.require(["first", "second"])
    assert caught.value.problems == ["first", "second"]
    assert isinstance(caught.value, InputError)
    assert dq.require([]) is None
