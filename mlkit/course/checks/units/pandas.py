"""Exercises of unit 09, pandas for data analysis (``solutions/09_pandas.ipynb``).

Data: :mod:`mlkit.datasets.penguins` (the Palmer penguins tables), loaded by
the checks themselves; the learner's tables are compared with the ones the
checks compute.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect
from mlkit.course.checks.kinds import FLOAT32_RTOL, expect_choice, expect_columns, expect_frame, expect_type, refuse_rounded

EXERCISES = ExerciseSet("pandas", "pandas for data analysis")

KEY = ["study", "individual"]
FLIPPER_AT_LEAST = 180
SELECT_ISLAND = "Biscoe"
SELECT_SEX = "male"


# --- shared data (loaded only when a check runs) --------------------------------


def _penguins():
    from mlkit.datasets import penguins

    return penguins.load()


def _birds():
    from mlkit.datasets import penguins

    return penguins.load(keys=True)


def _blood():
    from mlkit.datasets import penguins

    return penguins.blood_samples()


def _nests():
    from mlkit.datasets import penguins

    return penguins.nest_table()


def _expect_series(value, *, name: str, what: str):
    import pandas as pd

    if isinstance(value, pd.DataFrame) and value.shape[1] == 1:
        raise Incorrect(f"`{name}` is a one-column DataFrame; {what} is expected. Select the column with `[...]`.")
    expect_type(value, pd.Series, name=name, what=what)


def _same_numbers(mine, theirs, rtol=1e-9) -> bool:
    """The same numbers, whatever their dtype (float32 within its precision, whole floats for ints)."""
    import numpy as np

    if _holds_float32(mine):
        rtol = max(rtol, FLOAT32_RTOL)
    try:
        return bool(np.allclose(np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float), rtol=rtol, equal_nan=True))
    except (TypeError, ValueError):
        return False


def _holds_float32(value) -> bool:
    """True when ``value`` (a Series, a DataFrame or an array) holds float32 numbers, which keep 7 digits."""
    import numpy as np

    dtypes = getattr(value, "dtypes", None)
    dtypes = [getattr(value, "dtype", None)] if dtypes is None or not hasattr(dtypes, "__iter__") else list(dtypes)
    return any(isinstance(d, np.dtype) and d.kind == "f" and d.itemsize <= 4 for d in dtypes)


def _expect_unique_rows(table, *, name: str, what: str) -> None:
    """One row per label: a repeated row label cannot be matched with the expected table."""
    if not table.index.is_unique:
        raise Incorrect(f"`{name}` has repeated row labels; one row per {what} is expected.")


# --- 1. select rows by condition ----------------------------------------------------


def _selection(df, *, strict=False, with_sex=True):
    flipper = df["flipper_length_mm"]
    mask = (df["species"] == "Adelie") & (df["island"] == SELECT_ISLAND)
    mask &= flipper > FLIPPER_AT_LEAST if strict else flipper >= FLIPPER_AT_LEAST
    if with_sex:
        mask &= df["sex"] == SELECT_SEX
    return df[mask]


@EXERCISES.exercise(
    "select",
    title="Select rows by several conditions",
    hints=(
        "Build one boolean Series per condition, such as `penguins[\"species\"] == \"Adelie\"`, and combine them.",
        "Combine conditions with `&`, each in parentheses; \"at least 180\" includes 180 itself.",
        "`selected = penguins[(penguins[\"species\"] == \"Adelie\") & (penguins[\"island\"] == \"Biscoe\") & "
        "(penguins[\"sex\"] == \"male\") & (penguins[\"flipper_length_mm\"] >= 180)]`",
    ),
)
def select(selected):
    import pandas as pd

    expect_frame(selected, name="selected")
    penguins = _penguins()
    expect_columns(selected, list(penguins.columns), name="selected")
    expected = _selection(penguins)
    if len(selected) and selected.index.equals(pd.RangeIndex(len(selected))) and not selected.index.equals(expected.index):
        raise Incorrect(
            "the row labels of `selected` run 0, 1, 2, ...: the index was reset. Keep the original labels, so that "
            "each row can be traced back to `penguins`."
        )
    if not selected.index.isin(penguins.index).all():
        raise Incorrect("`selected` has row labels that are not in `penguins`: keep the original index (no reset).")
    rows = penguins.loc[selected.index]
    if (rows["species"] != "Adelie").any():
        raise Incorrect("`selected` contains penguins that are not Adélie.")
    if (rows["island"] != SELECT_ISLAND).any():
        raise Incorrect(f"`selected` contains penguins from other islands than {SELECT_ISLAND}.")
    if (rows["sex"] != SELECT_SEX).any():
        raise Incorrect("`selected` contains penguins that are not known to be male (females, or sex missing).")
    if (rows["flipper_length_mm"].fillna(0) < FLIPPER_AT_LEAST).any():
        raise Incorrect(f"`selected` contains penguins with flippers shorter than {FLIPPER_AT_LEAST} mm.")
    missing = expected.index.difference(selected.index)
    if len(missing):
        if (expected.loc[missing, "flipper_length_mm"] == FLIPPER_AT_LEAST).all():
            raise Incorrect(
                f"`selected` leaves out the penguins whose flippers are exactly {FLIPPER_AT_LEAST} mm: \"at least\" "
                "includes them."
            )
        raise Incorrect(f"`selected` misses {len(missing)} penguin(s) that meet every condition.")
    return f"{len(selected)} male Adélie penguins from {SELECT_ISLAND} with long flippers."


@select.wrong_answer
def select_strictly_greater():
    return Answer.of(_selection(_penguins(), strict=True))


@select.wrong_answer
def select_without_sex():
    return Answer.of(_selection(_penguins(), with_sex=False))


@select.wrong_answer
def select_with_reset_index():
    return Answer.of(_selection(_penguins()).reset_index(drop=True))


@select.secret_values
def select_secrets():
    return [f"{len(_selection(_penguins()))} "]


# --- 2. groupby and aggregation -----------------------------------------------------


def _mass_summary(df, *, by="species", funcs=("mean", "count")):
    return df.groupby(by)["body_mass_g"].agg(list(funcs))


@EXERCISES.exercise(
    "groupby",
    title="Summarise body mass by species",
    hints=(
        "Group the rows by species, take the body-mass column, and aggregate it with two functions at once.",
        "`.agg([\"mean\", \"count\"])` gives one column per function. `count` skips missing values; `size` does not.",
        "`mass_summary = penguins.groupby(\"species\")[\"body_mass_g\"].agg([\"mean\", \"count\"])`",
    ),
)
def groupby(mass_summary):
    expect_frame(mass_summary, name="mass_summary")
    expect_columns(mass_summary, ["mean", "count"], name="mass_summary")
    penguins = _penguins()
    expected = _mass_summary(penguins)
    if set(map(str, mass_summary.index)) != set(expected.index):
        raise Incorrect("the rows of `mass_summary` should be the three species: group by `species`.")
    _expect_unique_rows(mass_summary, name="mass_summary", what="species")
    mine = mass_summary.reindex(expected.index)
    if not _same_numbers(mine["count"], expected["count"]):
        if _same_numbers(mine["count"], penguins.groupby("species").size()):
            raise Incorrect("the `count` column counts rows, including birds whose body mass is missing; count the values.")
        raise Incorrect("the `count` column is not the number of body masses measured per species.")
    if not _same_numbers(mine["mean"], expected["mean"]):
        if _same_numbers(mine["mean"], penguins.groupby("species")["body_mass_g"].median()):
            raise Incorrect("the `mean` column holds medians.")
        refuse_rounded(mine["mean"].to_numpy(dtype=float), expected["mean"].to_numpy(dtype=float), name="mean")
        raise Incorrect("the `mean` column is not the mean body mass of each species.")
    return "Gentoo penguins stand out as the heaviest species."


@groupby.wrong_answer
def groupby_with_size():
    return Answer.of(_mass_summary(_penguins(), funcs=("mean", "size")).set_axis(["mean", "count"], axis=1))


@groupby.wrong_answer
def groupby_with_median():
    return Answer.of(_mass_summary(_penguins(), funcs=("median", "count")).set_axis(["mean", "count"], axis=1))


@groupby.wrong_answer
def groupby_by_island():
    return Answer.of(_mass_summary(_penguins(), by="island"))


# --- 3. merge -------------------------------------------------------------------------


@EXERCISES.exercise(
    "merge",
    title="Join the blood samples to the birds",
    hints=(
        "A bird is identified by its season *and* its identifier: join on both columns.",
        "Every bird must stay in the result, with or without a blood sample: which `how` keeps all rows of the "
        "left table?",
        "`with_blood = birds.merge(blood, on=[\"study\", \"individual\"], how=\"left\", validate=\"one_to_one\")`",
    ),
)
def merge(with_blood):
    expect_frame(with_blood, name="with_blood")
    birds, blood = _birds(), _blood()
    columns = list(birds.columns) + [c for c in blood.columns if c not in KEY]
    if {"study_x", "study_y"} & set(with_blood.columns):
        raise Incorrect(
            "`with_blood` has columns `study_x` and `study_y`: the tables were joined on `individual` alone, which "
            "pairs records of different seasons. Join on the full key."
        )
    expect_columns(with_blood, columns, name="with_blood")
    if len(with_blood) > len(birds):
        raise Incorrect("`with_blood` has more rows than there are birds: the join key is not unique. Join on the full key.")
    if len(with_blood) < len(birds):
        raise Incorrect(
            "`with_blood` has fewer rows than there are birds: birds without a blood sample were dropped. "
            "Keep every bird."
        )
    expected = birds.merge(blood, on=KEY, how="left")
    mine = with_blood.set_index(KEY).sort_index()
    theirs = expected.set_index(KEY).sort_index()
    if not mine.index.equals(theirs.index):
        raise Incorrect("`with_blood` does not have one row per bird of `birds`.")
    for column in ("delta_15n", "delta_13c"):
        if not _same_numbers(mine[column], theirs[column]):
            raise Incorrect(f"the column `{column}` holds values of other birds: check the join key.")
    return f"all {len(birds)} birds kept; those without a sample have NaN isotope values."


@merge.wrong_answer
def merge_on_individual_only():
    return Answer.of(_birds().merge(_blood(), on="individual", how="left"))


@merge.wrong_answer
def merge_inner():
    return Answer.of(_birds().merge(_blood(), on=KEY, how="inner"))


# --- 4. reshape -------------------------------------------------------------------------


def _wide(df, *, aggfunc="mean", transpose=False):
    table = df.pivot_table(index="species", columns="sex", values="body_mass_g", aggfunc=aggfunc)
    return table.T if transpose else table


@EXERCISES.exercise(
    "reshape",
    title="Make a wide table of mean body mass",
    hints=(
        "A wide table puts one variable's values in the columns: here the sexes.",
        "`pivot_table(index=..., columns=..., values=..., aggfunc=...)`: species in the rows, sex in the columns.",
        "`wide = penguins.pivot_table(index=\"species\", columns=\"sex\", values=\"body_mass_g\", aggfunc=\"mean\")`",
    ),
)
def reshape(wide):
    expect_frame(wide, name="wide")
    penguins = _penguins()
    expected = _wide(penguins)
    if set(map(str, wide.columns)) == set(expected.index) and set(map(str, wide.index)) == {"female", "male"}:
        raise Incorrect("`wide` has the sexes in the rows and the species in the columns; swap them.")
    expect_columns(wide, ["female", "male"], name="wide")
    if set(map(str, wide.index)) != set(expected.index):
        raise Incorrect("the rows of `wide` should be the three species.")
    _expect_unique_rows(wide, name="wide", what="species")
    mine = wide.reindex(expected.index)[expected.columns]
    if _same_numbers(mine, _wide(penguins, aggfunc="median")):
        raise Incorrect("`wide` holds medians; the mean body mass is asked for.")
    if _same_numbers(mine, _wide(penguins, aggfunc="count")):
        raise Incorrect("`wide` holds counts of birds; the mean body mass is asked for.")
    if not _same_numbers(mine, expected):
        refuse_rounded(mine.to_numpy(dtype=float), expected.to_numpy(dtype=float), name="wide")
        raise Incorrect("`wide` does not hold the mean body mass of each species and sex.")
    return "one row per species, one column per sex."


@reshape.wrong_answer
def reshape_transposed():
    return Answer.of(_wide(_penguins(), transpose=True))


@reshape.wrong_answer
def reshape_median():
    return Answer.of(_wide(_penguins(), aggfunc="median"))


@reshape.wrong_answer
def reshape_count():
    return Answer.of(_wide(_penguins(), aggfunc="count"))


# --- 5. dates ---------------------------------------------------------------------------


def _laying_days(nests):
    dates = nests.groupby("study")["date_egg"]
    return (dates.max() - dates.min()).dt.days


@EXERCISES.exercise(
    "dates",
    title="Measure each season's laying period in days",
    hints=(
        "Group the nests by season (`study`) and find the first and the last egg date of each.",
        "Subtracting two dates gives a `Timedelta`; `.dt.days` turns a Series of them into whole days.",
        "`egg_dates = nests.groupby(\"study\")[\"date_egg\"]`, then "
        "`laying_days = (egg_dates.max() - egg_dates.min()).dt.days`",
    ),
)
def dates(laying_days):
    import pandas as pd

    _expect_series(laying_days, name="laying_days", what="a Series with one number per season")
    nests = _nests()
    expected = _laying_days(nests)
    if set(map(str, laying_days.index)) != set(expected.index):
        raise Incorrect("the index of `laying_days` should be the three seasons (`study`).")
    _expect_unique_rows(laying_days, name="laying_days", what="season")
    mine = laying_days.reindex(expected.index)
    if pd.api.types.is_timedelta64_dtype(mine):
        raise Incorrect("`laying_days` holds time spans (`Timedelta`); convert them to whole days with `.dt.days`.")
    if not pd.api.types.is_numeric_dtype(mine):
        raise Incorrect(f"`laying_days` should hold numbers of days, but its dtype is {mine.dtype}.")
    days = nests.groupby("study")["date_egg"]
    if _same_numbers(mine, days.max().dt.day - days.min().dt.day):
        raise Incorrect(
            "`laying_days` subtracts days of the month, which goes wrong when a season crosses into a new month. "
            "Subtract the dates themselves."
        )
    if _same_numbers(mine, expected + 1):
        raise Incorrect("`laying_days` counts both the first and the last day; the period between them is asked for.")
    if not _same_numbers(mine, expected):
        raise Incorrect("`laying_days` is not the number of days between each season's first and last egg.")
    return "laying lasted a little over three weeks in each season."


@dates.wrong_answer
def dates_as_timedelta():
    nests = _nests()
    days = nests.groupby("study")["date_egg"]
    return Answer.of(days.max() - days.min())


@dates.wrong_answer
def dates_day_of_month():
    nests = _nests()
    days = nests.groupby("study")["date_egg"]
    return Answer.of(days.max().dt.day - days.min().dt.day)


@dates.wrong_answer
def dates_counted_inclusively():
    return Answer.of(_laying_days(_nests()) + 1)


@dates.secret_values
def dates_secrets():
    return [str(int(v)) + " days" for v in _laying_days(_nests())]


# --- 6. a judgement ---------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "filling every gap with the most common value makes all 11 birds male, whatever they are: the male "
    "average then mixes in females and birds never sexed, and the table claims a certainty it does not have.",
    "B": "dropping the column throws away the very variable the summary is about, to fix 11 rows out of 344.",
    "C": "guessing sex from body mass and then comparing body mass between the sexes is circular: the guess "
    "builds the difference you are about to measure into the data.",
}


@EXERCISES.exercise(
    "judgement",
    title="Decide what to do with missing values",
    hints=(
        "Ask of each option: does it invent information, and could that change the result you are about to report?",
        "A summary by sex needs to know the sex. How many birds lack it, compared with the whole table?",
        "Leaving a few rows out of one summary, and saying so, changes no data and hides nothing.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="D", feedback=JUDGEMENT_FEEDBACK)
    return "for a summary by sex, birds of unknown sex cannot be placed; leave them out and report how many."


@judgement.wrong_answer
def judgement_fill_with_mode():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_guess_from_mass():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_drop_column():
    return Answer.of("B")


@judgement.secret_values
def judgement_secrets():
    return ["'D'", "Option D"]
