"""Exercises of unit 11, data preparation (``solutions/11_data_preparation.ipynb``).

Data: :mod:`mlkit.datasets.penguins_raw` (the Palmer penguins' field records
and their tidy version), loaded by the checks themselves.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import expect_array, expect_choice, expect_number, expect_type
from mlkit.course.checks.plain import plain

EXERCISES = ExerciseSet("data-preparation", "Data preparation")

TEST_SHARE = 0.25
SEED = 0


# --- shared data (loaded once, only when a check runs) -----------------------------


def _raw():
    from mlkit.datasets import penguins_raw

    return penguins_raw.load()


@lru_cache(maxsize=1)
def _tidy():
    from mlkit.datasets import penguins_raw

    return penguins_raw.tidy()


def _split():
    """The split the notebook gives learners for the scaling exercise."""
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import penguins_raw

    complete = _tidy().dropna(subset=penguins_raw.MEASUREMENTS)
    X = complete[penguins_raw.MEASUREMENTS].astype(float)
    return train_test_split(X, test_size=TEST_SHARE, random_state=SEED)


def _mass_filled(statistic: str = "median", by_species: bool = True):
    penguins = _tidy()
    mass = penguins["body_mass_g"].astype(float)
    if by_species:
        return mass.fillna(mass.groupby(penguins["species"], observed=True).transform(statistic))
    return mass.fillna(getattr(mass, statistic)())


def reference_iqr_outliers(values, k=1.5):
    """The reference answer of the outliers exercise (used to build the checks' cases)."""
    q1, q3 = values.quantile([0.25, 0.75])
    spread = q3 - q1
    return (values < q1 - k * spread) | (values > q3 + k * spread)


# --- 1. types ------------------------------------------------------------------------


@EXERCISES.exercise(
    "types",
    title="Give two raw columns their proper types",
    hints=(
        "A date column wants a datetime dtype; a yes/no column wants True/False values.",
        "`pd.to_datetime(column, format=...)` parses dates; the raw dates look like `2007-11-11`. "
        "For yes/no, compare the text with the word that means True.",
        "`egg_dates = pd.to_datetime(raw[\"Date Egg\"], format=\"%Y-%m-%d\")` and "
        "`clutch_complete = raw[\"Clutch Completion\"] == \"Yes\"`.",
    ),
)
def types(egg_dates, clutch_complete):
    import pandas as pd

    raw = _raw()
    expect_type(egg_dates, pd.Series, name="egg_dates", what="a pandas Series (one column)")
    if len(egg_dates) != len(raw):
        raise Incorrect(f"`egg_dates` has {len(egg_dates)} values; the raw table has {len(raw)} rows. Convert the whole column.")
    if not pd.api.types.is_datetime64_any_dtype(egg_dates.dtype):
        raise Incorrect(
            f"`egg_dates` has dtype {egg_dates.dtype}, so the dates are still not dates: "
            "`.dt.month` or subtracting two dates would fail. Parse them."
        )
    if getattr(egg_dates.dt, "tz", None) is not None:
        raise Incorrect(f"`egg_dates` carries a time zone ({egg_dates.dt.tz}); the recorded dates have none.")
    expected = pd.to_datetime(raw["Date Egg"], format="%Y-%m-%d").reset_index(drop=True)
    mine = egg_dates.reset_index(drop=True)
    off = (mine != expected).to_numpy()
    if off.any():
        swapped = bool(
            (mine[off].dt.day == expected[off].dt.month).all() and (mine[off].dt.year == expected[off].dt.year).all()
        )
        detail = (
            " In each of them the day is the recorded month: the text was read with day and month the other way round."
            if swapped else ""
        )
        raise Incorrect(
            f"{int(off.sum())} of the {len(raw)} dates in `egg_dates` are not the recorded dates.{detail} "
            "Give the layout of the raw text explicitly (`format=`)."
        )
    expect_type(clutch_complete, pd.Series, name="clutch_complete", what="a pandas Series (one column)")
    if not pd.api.types.is_bool_dtype(clutch_complete.dtype):
        raise Incorrect(f"`clutch_complete` has dtype {clutch_complete.dtype}; True/False values (bool) are expected.")
    truth = (raw["Clutch Completion"] == "Yes").to_numpy()
    mine = clutch_complete.to_numpy()
    if len(mine) != len(truth):
        raise Incorrect(f"`clutch_complete` has {len(mine)} values; the raw table has {len(truth)} rows.")
    if mine.all() and not truth.all():
        raise Incorrect(
            "`clutch_complete` is True for every row, including those recorded as \"No\": "
            "converting text to bool makes every non-empty string True. Compare the text instead."
        )
    if (mine != truth).any():
        raise Incorrect(f"{int((mine != truth).sum())} values of `clutch_complete` do not match the raw records.")
    return (
        f"{int(truth.sum())} of the {len(truth)} birds were at a nest with a complete clutch; "
        "the egg dates are now real dates."
    )


@types.wrong_answer
def types_dates_left_as_text():
    raw = _raw()
    return Answer.of(raw["Date Egg"], raw["Clutch Completion"] == "Yes")


@types.wrong_answer
def types_text_cast_to_bool():
    import pandas as pd

    raw = _raw()
    return Answer.of(pd.to_datetime(raw["Date Egg"], format="%Y-%m-%d"), raw["Clutch Completion"].astype(bool))


@types.wrong_answer
def types_day_and_month_swapped():
    import pandas as pd

    raw = _raw()
    dates = pd.to_datetime(raw["Date Egg"], format="%Y-%m-%d")
    swapped = pd.to_datetime(
        {"year": dates.dt.year, "month": dates.dt.day.clip(upper=12), "day": dates.dt.month}
    )
    return Answer.of(swapped, raw["Clutch Completion"] == "Yes")


# --- 2. missing values and imputation ---------------------------------------------------


@EXERCISES.exercise(
    "impute",
    title="Count the missing body masses and fill them with the species median",
    hints=(
        "`isna()` marks the gaps; summing the marks counts them. A penguin's mass depends on its species.",
        "`groupby(...).transform(\"median\")` gives each row the median of its group, aligned with the rows; "
        "`fillna` accepts such a Series.",
        "`missing_mass = penguins[\"body_mass_g\"].isna().sum()`, then "
        "`mass = penguins[\"body_mass_g\"].astype(float)` and "
        "`body_mass_filled = mass.fillna(mass.groupby(penguins[\"species\"], observed=True).transform(\"median\"))`.",
    ),
)
def impute(missing_mass, body_mass_filled):
    import numpy as np
    import pandas as pd

    penguins = _tidy()
    gaps = int(penguins["body_mass_g"].isna().sum())
    count = expect_number(missing_mass, name="missing_mass")
    if count == penguins["body_mass_g"].notna().sum():
        raise Incorrect("`missing_mass` counts the masses that are present; count the missing ones.")
    if count == int(penguins.isna().sum().sum()):
        raise Incorrect("`missing_mass` counts the gaps of the whole table; count only the body mass column.")
    if count != gaps:
        raise Incorrect("`missing_mass` is not the number of missing values in the body mass column.")
    expect_type(body_mass_filled, pd.Series, name="body_mass_filled", what="a pandas Series (one column)")
    if len(body_mass_filled) != len(penguins):
        raise Incorrect(
            f"`body_mass_filled` has {len(body_mass_filled)} rows; the table has {len(penguins)}. "
            "Dropping rows is not filling them: keep every penguin."
        )
    try:
        values = np.asarray(body_mass_filled, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("`body_mass_filled` should hold numbers (grams).") from None
    if np.isnan(values).any():
        raise Incorrect(f"`body_mass_filled` still has {int(np.isnan(values).sum())} missing value(s).")
    known = penguins["body_mass_g"].notna().to_numpy()
    if not np.allclose(values[known], penguins["body_mass_g"].astype(float).to_numpy()[known]):
        raise Incorrect("`body_mass_filled` changed masses that were not missing; fill only the gaps.")
    holes = ~known
    for statistic, by_species, message in (
        ("median", False, "the gaps were filled with one value for all penguins; a Gentoo is much heavier "
         "than an Adélie. Use each penguin's own species."),
        ("mean", True, "the gaps were filled with the mean of each species; the median is asked for."),
        ("mean", False, "the gaps were filled with the mean of all penguins; use the median of each species."),
    ):
        if np.allclose(values[holes], _mass_filled(statistic, by_species).to_numpy()[holes]):
            raise Incorrect(f"`body_mass_filled`: {message}")
    if not np.allclose(values[holes], _mass_filled().to_numpy()[holes]):
        raise Incorrect("the filled values of `body_mass_filled` are not the median mass of each penguin's species.")
    return f"{gaps} gaps filled, each with the median of its species; the other masses are unchanged."


@impute.wrong_answer
def impute_overall_median():
    penguins = _tidy()
    return Answer.of(int(penguins["body_mass_g"].isna().sum()), _mass_filled("median", by_species=False))


@impute.wrong_answer
def impute_species_mean():
    penguins = _tidy()
    return Answer.of(int(penguins["body_mass_g"].isna().sum()), _mass_filled("mean", by_species=True))


@impute.wrong_answer
def impute_by_dropping():
    penguins = _tidy()
    return Answer.of(int(penguins["body_mass_g"].isna().sum()), penguins["body_mass_g"].dropna().astype(float))


@impute.wrong_answer
def impute_counted_present_values():
    penguins = _tidy()
    return Answer.of(int(penguins["body_mass_g"].count()), _mass_filled())


@impute.secret_values
def impute_secrets():
    filled = _mass_filled()[_tidy()["body_mass_g"].isna()]
    return [f"{v:.0f}" for v in filled]


# --- 3. outliers -----------------------------------------------------------------------


def _outlier_cases():
    """(description, Series, k) inputs for the learner's function: every k=1.5 case first."""
    import numpy as np
    import pandas as pd

    penguins = _tidy()
    chinstrap = penguins.loc[penguins["species"] == "Chinstrap", "body_mass_g"].astype(float)
    adelie = penguins.loc[penguins["species"] == "Adelie", "flipper_length_mm"].astype(float).dropna()
    typo = penguins["body_mass_g"].astype(float).dropna().reset_index(drop=True)
    typo.iloc[10] = 4.2
    small = pd.Series([1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 4.0, 5.0, 12.0, -6.0])
    # quartiles 11.875 and 18.125 (IQR 6.25); five values beyond each quartile, at distances that
    # put a different number of them outside the fences for each k tried
    values = np.r_[np.linspace(10, 20, 41), [7.19, 4.06, 0.94, -3.75, -10.0], [21.88, 25.0, 28.12, 31.88, 38.12]]
    spread = pd.Series(values[np.random.default_rng(8).permutation(len(values))])
    spread_words = "series of 41 values from 10 to 20 and five far values on each side"
    return [
        ("Chinstrap body masses", chinstrap, 1.5),
        ("Adelie flipper lengths", adelie, 1.5),
        ("body masses with a value typed in kilograms", typo, 1.5),
        ("small series [1, 2, 2, 3, 3, 3, 4, 4, 5, 12, -6]", small, 1.5),
        (spread_words, spread, 1.5),
        ("same small series", small, 3.0),
        (spread_words, spread, 0.5),
        (spread_words, spread, 1.0),
        (spread_words, spread, 2.0),
        (spread_words, spread, 3.0),
    ]


def _as_flags(result, values, where: str):
    """What the learner's function returned, as one True/False per value (any container)."""
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    length = len(values)
    try:
        readable = hasattr(result, "__len__") and not isinstance(result, (str, bytes, dict, set))
        flags = np.asarray(result) if readable else None
    except Exception:  # noqa: BLE001 - whatever cannot be read as an array gets the message below
        flags = None
    if flags is not None and flags.ndim == 2 and 1 in flags.shape:
        flags = flags.reshape(-1)
    if flags is None or flags.ndim != 1 or len(flags) != length:
        shape = f" of shape {flags.shape}" if flags is not None else ""
        raise Incorrect(
            f"{where}, `iqr_outliers` returned a value of type {type(result).__name__}{shape}; one True/False "
            f"per value ({length}) is expected."
        )
    if flags.dtype == object and all(isinstance(v, (bool, np.bool_)) for v in flags):
        flags = flags.astype(bool)
    if flags.dtype != bool:
        raise Incorrect(f"`iqr_outliers` returned values of type {flags.dtype}; True/False values are expected.")
    return flags


@EXERCISES.exercise(
    "outliers",
    title="Write an IQR outlier rule",
    hints=(
        "The IQR is the third quartile minus the first. The fences lie k IQRs below the first quartile and "
        "k IQRs above the third.",
        "`values.quantile([0.25, 0.75])` gives both quartiles; compare `values` with each fence and combine "
        "the two comparisons with `|`.",
        "`q1, q3 = values.quantile([0.25, 0.75])`, `spread = q3 - q1`, then "
        "`return (values < q1 - k * spread) | (values > q3 + k * spread)`.",
    ),
)
def outliers(iqr_outliers):
    if not callable(iqr_outliers):
        raise Incorrect(f"`iqr_outliers` should be a function, but it is a {type(iqr_outliers).__name__}.")
    for description, values, k in _outlier_cases():  # the cases with k=1.5 come first
        where = f"for the {description} with k={k:g}"
        mine = _as_flags(call_learner(iqr_outliers, values.copy(), k), values, where)
        truth = reference_iqr_outliers(values, k).to_numpy()
        if (mine == truth).all():
            continue
        if k == 1.5:
            raise Incorrect(_outlier_mistake(mine, truth, values, k, where, "`iqr_outliers`"))
        raise Incorrect(
            f"`iqr_outliers` gives the right flags with k=1.5 but not with k={k:g}: "
            + _outlier_mistake(mine, truth, values, k, where, "it")
        )
    return "it flags exactly the values outside the fences, on both sides, for every k tried (0.5 to 3)."


def _outlier_mistake(mine, truth, values, k, where: str, subject: str) -> str:
    """What is wrong with the flags ``mine`` where ``truth`` is right, in words."""
    q1, q3 = values.quantile([0.25, 0.75])
    below = values.to_numpy() < q1 - k * (q3 - q1)
    inside = int((mine & ~truth).sum())
    if inside:
        return (
            f"{where}, {subject} flags {inside} value(s) that lie inside the fences Q1 - k·IQR and Q3 + k·IQR."
        )
    missed_low, missed_high = (truth & below & ~mine).any(), (truth & ~below & ~mine).any()
    if missed_low and missed_high:
        by_deviations = ((values - values.mean()).abs() > 3 * values.std()).to_numpy()
        if (mine == by_deviations).all():
            return (
                f"{where}, {subject} flags the values more than 3 standard deviations from the mean and misses values "
                "beyond both fences. The fences are measured from the quartiles, in IQRs."
            )
        return f"{where}, {subject} misses values beyond both fences; they lie k IQRs below Q1 and above Q3."
    if missed_low:
        return (
            f"{where}, {subject} misses value(s) below the lower fence: an outlier can be too small as well as too large."
        )
    return f"{where}, {subject} misses value(s) above the upper fence."


@outliers.wrong_answer
def outliers_upper_tail_only():
    def iqr_outliers(values, k=1.5):
        q1, q3 = values.quantile([0.25, 0.75])
        return values > q3 + k * (q3 - q1)

    return Answer.of(iqr_outliers)


@outliers.wrong_answer
def outliers_three_standard_deviations():
    def iqr_outliers(values, k=1.5):
        return (values - values.mean()).abs() > 3 * values.std()

    return Answer.of(iqr_outliers)


@outliers.wrong_answer
def outliers_k_ignored():
    def iqr_outliers(values, k=1.5):
        q1, q3 = values.quantile([0.25, 0.75])
        return (values < q1 - 1.0 * (q3 - q1)) | (values > q3 + 1.0 * (q3 - q1))

    return Answer.of(iqr_outliers)


@outliers.wrong_answer
def outliers_k_fixed_at_its_default():
    def iqr_outliers(values, k=1.5):
        q1, q3 = values.quantile([0.25, 0.75])
        return (values < q1 - 1.5 * (q3 - q1)) | (values > q3 + 1.5 * (q3 - q1))

    return Answer.of(iqr_outliers)


# --- 4. encoding ------------------------------------------------------------------------


@EXERCISES.exercise(
    "encode",
    title="One-hot encode the island, safely for new data",
    hints=(
        "Islands have no order, so each island gets its own 0/1 column. Production data may bring an island "
        "the encoder never saw.",
        "`OneHotEncoder` has an option that encodes an unknown category as all zeros instead of raising an error.",
        "`encoder = OneHotEncoder(handle_unknown=\"ignore\").fit(penguins[[\"island\"]])`",
    ),
)
def encode(encoder):
    import numpy as np
    import pandas as pd
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    if isinstance(encoder, OrdinalEncoder):
        raise Incorrect(
            "`encoder` numbers the islands 0, 1, 2, which tells a model that one island lies between the "
            "others. Islands have no order: give each its own 0/1 column."
        )
    if isinstance(encoder, type):
        raise Incorrect(f"`encoder` is the class {encoder.__name__}; create an instance and fit it.")
    expect_type(encoder, OneHotEncoder, name="encoder", what="a OneHotEncoder")
    if not hasattr(encoder, "categories_"):
        raise Incorrect("`encoder` has not been fitted: call `.fit(...)` with the island column.")
    islands = sorted(_tidy()["island"].astype(str).unique())
    learned = [list(map(str, c)) for c in plain(encoder.categories_)]
    if len(learned) != 1:
        raise Incorrect(f"`encoder` was fitted on {len(learned)} columns; fit it on the island column only (`[[\"island\"]]`).")
    if sorted(learned[0]) != islands:
        raise Incorrect("`encoder` learned categories that are not the three islands; fit it on `penguins[[\"island\"]]`.")
    known = pd.DataFrame({"island": islands})
    codes = call_learner(encoder.transform, known)
    codes = codes.toarray() if hasattr(codes, "toarray") else np.asarray(codes)
    if codes.shape != (3, 3) or not np.array_equal(np.sort(codes, axis=1)[:, -1], np.ones(3)):
        if getattr(encoder, "drop", None) is not None:
            raise Incorrect(
                f"`encoder` drops a column (`drop={encoder.drop!r}`), so it does not give one 0/1 column per island."
            )
        raise Incorrect("`encoder` does not give one 0/1 column per island.")
    unseen = pd.DataFrame({"island": ["Anvers"]})
    try:
        encoded = plain(encoder.transform(unseen))
    except ValueError:
        raise Incorrect(
            "`encoder` raises an error on an island it never saw during fitting (try `Anvers`): in production, "
            "one new value would stop every prediction. Ask it to ignore unknown categories."
        ) from None
    encoded = encoded.toarray() if hasattr(encoded, "toarray") else np.asarray(encoded)
    if encoded.any():
        raise Incorrect("`encoder` encodes an unknown island as a known one; it should become all zeros.")
    return "three 0/1 columns, and an island never seen before encodes as all zeros."


@encode.wrong_answer
def encode_ordinal():
    from sklearn.preprocessing import OrdinalEncoder

    return Answer.of(OrdinalEncoder().fit(_tidy()[["island"]]))


@encode.wrong_answer
def encode_strict_on_unknown():
    from sklearn.preprocessing import OneHotEncoder

    return Answer.of(OneHotEncoder().fit(_tidy()[["island"]]))


@encode.wrong_answer
def encode_unfitted():
    from sklearn.preprocessing import OneHotEncoder

    return Answer.of(OneHotEncoder(handle_unknown="ignore"))


# --- 5. scaling without leakage ---------------------------------------------------------


def _scaled(fit_on: str):
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    X_train, X_test = _split()
    source = {"train": X_train, "test": X_test, "all": pd.concat([X_train, X_test])}[fit_on]
    return StandardScaler().fit(source).transform(X_test)


@EXERCISES.exercise(
    "scale",
    title="Scale the test set with statistics from the training set",
    hints=(
        "A scaler learns means and standard deviations when it is fitted. Which rows may it learn them from?",
        "Fit on the training rows, then only `transform` the test rows.",
        "`X_test_scaled = StandardScaler().fit(X_train).transform(X_test)`",
    ),
)
def scale(X_test_scaled):
    import numpy as np

    expected = _scaled("train")
    expect_array(X_test_scaled, expected, name="X_test_scaled", shape_only=True)
    values = np.asarray(X_test_scaled, dtype=float)
    if np.allclose(values, _scaled("test")):
        raise Incorrect(
            "every column of `X_test_scaled` has a mean of exactly 0: the scaler was fitted on the test rows. "
            "New data in production cannot be scaled with its own statistics."
        )
    if np.allclose(values, _scaled("all")):
        raise Incorrect(
            "`X_test_scaled` was scaled with statistics of the training and test rows together: the test rows "
            "leaked into the preparation."
        )
    expect_array(values, expected, name="X_test_scaled", rtol=1e-6, atol=1e-9)
    return "the test rows were scaled with the training statistics only, as new data will be."


@scale.wrong_answer
def scale_fitted_on_test():
    return Answer.of(_scaled("test"))


@scale.wrong_answer
def scale_fitted_on_all_rows():
    return Answer.of(_scaled("all"))


@scale.wrong_answer
def scale_not_scaled():
    _, X_test = _split()
    return Answer.of(X_test.to_numpy())


# --- 6. a judgement ----------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "medians and scaling statistics are not labels, but they were computed with the test rows, so the "
    "test rows shaped the model's inputs. That is leakage, and it makes the score optimistic.",
    "B": "imputation does not leak by itself; computing its statistics on rows that include the test set "
    "does. Dropping rows also throws away data and fails on new penguins with gaps.",
    "D": "every scaler learns statistics from the rows it is fitted on; changing the kind of scaler does "
    "not change which rows it learns from.",
}


@EXERCISES.exercise(
    "judgement",
    title="Review a teammate's preparation",
    hints=(
        "Ask of each preparation step: which rows did it learn its statistics from?",
        "A test score is honest only if nothing about the test rows influenced the model, preparation included.",
        "The fix is the order of the steps: split first, fit the preparation on the training part (a Pipeline "
        "does this), then score.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="C", feedback=JUDGEMENT_FEEDBACK)
    return "split first, fit every preparation step on the training rows, and the test score stays honest."


@judgement.wrong_answer
def judgement_nothing_leaked():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_drop_rows():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_other_scaler():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'C'", "Option C"]

