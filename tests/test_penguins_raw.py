"""The penguin data set module: the raw records, their tidy version, and the per-season files."""

from __future__ import annotations

import pandas as pd
import pytest

from mlkit.datasets import penguins_raw
from mlkit.errors import InputError


def test_raw_table_is_the_published_one():
    raw = penguins_raw.load()
    assert raw.shape == (344, 17)
    assert raw["Species"].str.split().str[0].value_counts().to_dict() == {"Adelie": 152, "Gentoo": 124, "Chinstrap": 68}


def test_load_returns_a_copy_the_caller_may_change():
    first = penguins_raw.load()
    first.loc[0, "Body Mass (g)"] = -1
    assert penguins_raw.load().loc[0, "Body Mass (g)"] == 3750


def test_tidy_fixes_types_and_keeps_gaps():
    tidy = penguins_raw.tidy()
    assert list(tidy.columns) == list(penguins_raw.RENAME.values())
    assert isinstance(tidy["species"].dtype, pd.CategoricalDtype)
    assert list(tidy["sex"].cat.categories) == ["female", "male"]
    assert tidy["clutch_completion"].dtype == bool
    assert int(tidy["clutch_completion"].sum()) == 308
    assert pd.api.types.is_datetime64_any_dtype(tidy["date_egg"])
    assert str(tidy["body_mass_g"].dtype) == "Int64"
    assert tidy[penguins_raw.MEASUREMENTS].isna().sum().tolist() == [2, 2, 2, 2]
    assert int(tidy["sex"].isna().sum()) == 11


def test_tidy_accepts_a_raw_table_read_elsewhere_and_rejects_a_wrong_one():
    part = penguins_raw.load().iloc[:10]
    assert len(penguins_raw.tidy(part)) == 10
    with pytest.raises(InputError, match="Date Egg"):
        penguins_raw.tidy(part.drop(columns=["Date Egg"]))


def test_seasons_split_the_rows_without_losing_any():
    seasons = penguins_raw.seasons()
    assert sorted(seasons) == ["PAL0708", "PAL0809", "PAL0910"]
    assert sum(len(t) for t in seasons.values()) == 344
    assert all((t["studyName"] == name).all() for name, t in seasons.items())


def test_source_and_licence_are_stated():
    assert "Gorman" in penguins_raw.SOURCE and "CC0" in penguins_raw.LICENCE


def test_tidy_refuses_a_clutch_value_it_cannot_read_as_true_or_false():
    part = penguins_raw.load().iloc[:5].copy()
    part.loc[2, "Clutch Completion"] = "Maybe"
    with pytest.raises(InputError, match="Maybe"):
        penguins_raw.tidy(part)
