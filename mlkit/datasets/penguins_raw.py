"""Palmer penguins as recorded in the field: the raw table, and a tidy version of it.

344 adult Adélie, Chinstrap and Gentoo penguins measured on three islands of
the Palmer Archipelago, Antarctica, over three breeding seasons (2007-2009).
The data were collected by Dr. Kristen Gorman with the Palmer Station Long
Term Ecological Research (LTER) Program and are published under the CC0
licence (public domain); see Gorman, Williams & Fraser (2014), PLoS ONE 9(3):
e90081, https://doi.org/10.1371/journal.pone.0090081. The table ships with
the ``palmerpenguins`` package (MIT licence), which the kit depends on;
nothing is downloaded.

The raw table keeps the field records' column names, text codes ("MALE",
"Yes") and gaps. :func:`tidy` applies the preparation steps of the data
preparation unit (short names, proper types, missing values kept as missing)
so that later units can start from a clean table.

Examples
--------
>>> from mlkit.datasets import penguins_raw
>>> raw = penguins_raw.load()
>>> raw.shape
(344, 17)
>>> penguins = penguins_raw.tidy(raw)
>>> penguins["species"].value_counts().to_dict()
{'Adelie': 152, 'Gentoo': 124, 'Chinstrap': 68}
>>> sorted(penguins_raw.seasons(raw))
['PAL0708', 'PAL0809', 'PAL0910']
"""

from __future__ import annotations

from functools import lru_cache

SOURCE = (
    "Gorman KB, Williams TD, Fraser WR (2014), PLoS ONE 9(3): e90081; Palmer Station LTER; "
    "shipped with the palmerpenguins package"
)
LICENCE = "CC0 (data); MIT (palmerpenguins package)"

MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
"""The four body measurements of the tidy table, in millimetres and grams."""

RENAME = {
    "studyName": "study",
    "Sample Number": "sample",
    "Species": "species",
    "Island": "island",
    "Individual ID": "individual",
    "Clutch Completion": "clutch_completion",
    "Date Egg": "date_egg",
    "Culmen Length (mm)": "bill_length_mm",
    "Culmen Depth (mm)": "bill_depth_mm",
    "Flipper Length (mm)": "flipper_length_mm",
    "Body Mass (g)": "body_mass_g",
    "Sex": "sex",
    "Delta 15 N (o/oo)": "delta_15n",
    "Delta 13 C (o/oo)": "delta_13c",
}
"""Raw column name -> tidy column name (the raw columns not listed are dropped)."""


@lru_cache(maxsize=1)
def _raw():
    from palmerpenguins import load_penguins_raw

    return load_penguins_raw()


def load():
    """The raw field table, as published (344 rows, 17 columns).

    Returns
    -------
    pandas.DataFrame
        Original column names such as ``"Culmen Length (mm)"``; text columns
        as text (``"Date Egg"`` too); missing values as NaN.
    """
    return _raw().copy()


def tidy(raw=None):
    """The raw table with short names and proper types; missing values stay missing.

    Parameters
    ----------
    raw : pandas.DataFrame, optional
        A table with the raw columns (default: :func:`load`). Passing one lets
        a pipeline tidy the files it read itself.

    Returns
    -------
    pandas.DataFrame
        Columns as in :data:`RENAME`: ``species`` shortened to its first word
        and ``species``, ``island``, ``sex`` (lower case) as categories (a
        value outside the known categories becomes missing, which
        data-quality tests then report); ``clutch_completion`` as bool
        (anything but "Yes"/"No" raises :class:`~mlkit.errors.InputError`);
        ``date_egg`` as datetime;
        ``flipper_length_mm`` and ``body_mass_g`` as nullable integers
        (``Int64``), the other measurements as floats.
    """
    import pandas as pd

    raw = load() if raw is None else raw
    missing = [c for c in RENAME if c not in raw.columns]
    if missing:
        from mlkit.errors import InputError

        raise InputError(f"raw penguin table lacks the column(s) {missing}; expected the columns of penguins_raw.load()")
    df = raw[list(RENAME)].rename(columns=RENAME)
    df["species"] = pd.Categorical(df["species"].str.split().str[0], categories=["Adelie", "Chinstrap", "Gentoo"])
    df["island"] = pd.Categorical(df["island"], categories=["Biscoe", "Dream", "Torgersen"])
    df["sex"] = pd.Categorical(df["sex"].str.lower(), categories=["female", "male"])
    unknown = sorted(set(df["clutch_completion"].dropna()) - {"Yes", "No"}) + (
        ["(missing)"] if df["clutch_completion"].isna().any() else []
    )
    if unknown:
        from mlkit.errors import InputError

        raise InputError(f"column 'Clutch Completion' should hold only 'Yes' or 'No', got {unknown}")
    df["clutch_completion"] = df["clutch_completion"].map({"Yes": True, "No": False}).astype(bool)
    df["date_egg"] = pd.to_datetime(df["date_egg"], format="%Y-%m-%d")
    for column in ("flipper_length_mm", "body_mass_g"):
        df[column] = df[column].round().astype("Int64")
    return df.reset_index(drop=True)


def seasons(raw=None):
    """The raw table split into one table per breeding season (``studyName``).

    Returns
    -------
    dict[str, pandas.DataFrame]
        ``{"PAL0708": ..., "PAL0809": ..., "PAL0910": ...}``, rows in their
        original order: the files a field team would deliver one per season.
    """
    raw = load() if raw is None else raw
    return {str(name): part.reset_index(drop=True) for name, part in raw.groupby("studyName", sort=True)}
