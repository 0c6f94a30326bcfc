"""The penguins tables: shapes, keys and agreement with the published tables."""

import doctest

import pandas as pd

from mlkit.datasets import penguins


def test_doctests_pass():
    assert doctest.testmod(penguins).failed == 0


def test_load_is_the_published_simplified_table():
    from palmerpenguins import load_penguins

    pd.testing.assert_frame_equal(penguins.load(), load_penguins())


def test_keys_identify_one_bird_per_season_and_line_up_with_the_raw_records():
    from palmerpenguins import load_penguins_raw

    table = penguins.load(keys=True)
    raw = load_penguins_raw()
    assert not table.duplicated(penguins.KEY).any()
    assert table["individual"].duplicated().sum() > 0  # the id alone is not a key
    assert (table["bill_length_mm"].fillna(-1) == raw["Culmen Length (mm)"].fillna(-1)).all()
    assert (table["island"] == raw["Island"]).all()


def test_breeding_records_have_dates_within_each_season():
    records = penguins.breeding_records()
    assert pd.api.types.is_datetime64_any_dtype(records["date_egg"])
    assert records["clutch_completion"].dtype == bool
    years = records["date_egg"].dt.year - 2000
    assert (records["study"].str[3:5].astype(int) == years).all()


def test_breeding_records_have_one_row_per_bird_and_two_birds_per_nest():
    records = penguins.breeding_records()
    birds = penguins.load(keys=True)
    assert records[penguins.KEY].equals(birds[penguins.KEY])
    assert [i[: len(n)] for i, n in zip(records["individual"], records["nest"])] == records["nest"].tolist()
    assert records.groupby(penguins.NEST_KEY).size().eq(2).all()


def test_nest_table_has_one_row_per_nest_agreeing_with_its_two_adults():
    nests = penguins.nest_table()
    records = penguins.breeding_records()
    assert len(nests) == 172 and not nests.duplicated(penguins.NEST_KEY).any()
    per_nest = records.groupby(penguins.NEST_KEY)[["species", "clutch_completion", "date_egg"]].nunique()
    assert (per_nest == 1).all().all()
    merged = records.merge(nests, on=penguins.NEST_KEY, suffixes=("", "_nest"), validate="many_to_one")
    assert (merged["date_egg"] == merged["date_egg_nest"]).all()
    assert merged["clutch_completion"].sum() == 2 * nests["clutch_completion"].sum()


def test_the_earlier_name_nests_still_gives_the_breeding_records():
    pd.testing.assert_frame_equal(penguins.nests(), penguins.breeding_records())


def test_blood_samples_join_one_to_one():
    birds = penguins.load(keys=True)
    joined = birds.merge(penguins.blood_samples(), on=penguins.KEY, how="left", validate="one_to_one")
    assert len(joined) == len(birds)
    assert joined["delta_15n"].notna().sum() == 330


def test_species_names_cover_every_species():
    names = penguins.species_names()
    assert names["species"].tolist() == ["Adelie", "Chinstrap", "Gentoo"]
    assert names.loc[0, "scientific_name"] == "Pygoscelis adeliae"
    assert set(penguins.load()["species"]) == set(names["species"])


def test_tables_are_copies():
    first = penguins.load()
    first.loc[0, "species"] = "changed"
    assert penguins.load().loc[0, "species"] == "Adelie"
