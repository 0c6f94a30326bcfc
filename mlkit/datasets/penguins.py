"""Palmer penguins as related tables: birds, breeding records, nests, blood samples and species names.

344 adult Adélie, Chinstrap and Gentoo penguins measured on three islands of
the Palmer Archipelago, Antarctica, over three breeding seasons (2007-2009).
Data collected by Dr. Kristen Gorman with the Palmer Station Long Term
Ecological Research (LTER) Program, published under CC0 (public domain):
Gorman, Williams & Fraser (2014), PLoS ONE 9(3): e90081,
https://doi.org/10.1371/journal.pone.0090081. Both tables ship with the
``palmerpenguins`` package (MIT licence), a dependency of the kit; nothing is
downloaded.

:func:`load` is the package's well-known simplified table. The other
functions cut the raw field records into the tables a field database would
keep, linked by the key ``(study, individual)``: a bird's identifier is only
unique within one season (``study``), because each season numbers its nests
afresh (``N1A1`` is the first adult of that season's nest 1): the 2007
``N1A1`` is an Adélie, the 2009 one a Gentoo.

What one row is: in :func:`load`, :func:`breeding_records` and
:func:`blood_samples`, one adult bird in one season. The field team sampled
both adults of each nest, and an identifier says which: ``N1A1`` and ``N1A2``
are the two adults of nest ``N1``. So the 344 birds come from 172 nests, and
the nest's facts (egg date, clutch completed) appear once per adult in
:func:`breeding_records`; :func:`nest_table` has one row per nest.

Examples
--------
>>> from mlkit.datasets import penguins
>>> penguins.load().shape
(344, 8)
>>> penguins.load(keys=True).columns[:2].tolist()
['study', 'individual']
>>> len(penguins.breeding_records()), len(penguins.nest_table())
(344, 172)
>>> len(penguins.blood_samples()), len(penguins.species_names())
(331, 3)
"""

from __future__ import annotations

from functools import lru_cache

SOURCE = (
    "Gorman KB, Williams TD, Fraser WR (2014), PLoS ONE 9(3): e90081; Palmer Station LTER; "
    "shipped with the palmerpenguins package"
)
LICENCE = "CC0 (data); MIT (palmerpenguins package)"
KEY = ["study", "individual"]
"""Columns that identify one bird in one season, shared by the related tables."""
NEST_KEY = ["study", "nest"]
"""Columns that identify one nest in one season (two adult birds share it)."""


@lru_cache(maxsize=1)
def _simple():
    from palmerpenguins import load_penguins

    return load_penguins()


@lru_cache(maxsize=1)
def _raw():
    from palmerpenguins import load_penguins_raw

    return load_penguins_raw()


def _keys():
    raw = _raw()
    return raw[["studyName", "Individual ID"]].set_axis(KEY, axis=1)


def load(keys: bool = False):
    """The simplified penguins table (344 rows): species, island, four measurements, sex, year.

    Parameters
    ----------
    keys:
        When true, add the columns ``study`` and ``individual`` in front, so the
        table can be joined with :func:`breeding_records` and :func:`blood_samples`.

    Returns
    -------
    pandas.DataFrame
        Measurements in millimetres and grams; ``sex`` is ``"female"``,
        ``"male"`` or missing; missing values are NaN.
    """
    import pandas as pd

    table = _simple().copy()
    if keys:
        table = pd.concat([_keys(), table], axis=1)
    return table


def breeding_records():
    """One row per adult bird and season (344): its key, its nest, and the nest's clutch and egg date.

    Both adults of a nest were sampled, so each nest appears twice, with the same
    ``clutch_completion`` and ``date_egg``; counting rows counts birds, not nests
    (use :func:`nest_table` for one row per nest).

    Returns
    -------
    pandas.DataFrame
        ``study``, ``individual``, ``nest`` (the identifier without its adult
        suffix: ``N1A2`` -> ``N1``), ``species``, ``clutch_completion`` (bool:
        the nest reached a full clutch of two eggs) and ``date_egg`` (datetime:
        the day the nest was first seen with one egg), in the order of :func:`load`.
    """
    import pandas as pd

    raw = _raw()
    table = _keys()
    table.insert(2, "nest", table["individual"].str.extract(r"^(N\d+)A\d+$", expand=False))
    table["species"] = _simple()["species"]
    table["clutch_completion"] = raw["Clutch Completion"].eq("Yes")
    table["date_egg"] = pd.to_datetime(raw["Date Egg"], format="%Y-%m-%d")
    return table


def nest_table():
    """One row per nest and season (172): the nest's key, species, clutch and egg date.

    Built from :func:`breeding_records` by keeping one row of each nest's two
    adults (they agree on every column kept here).

    Returns
    -------
    pandas.DataFrame
        ``study``, ``nest``, ``species``, ``clutch_completion`` (bool) and
        ``date_egg`` (datetime: the day the nest was first seen with one egg),
        in the order of the field records.
    """
    records = breeding_records()
    columns = [*NEST_KEY, "species", "clutch_completion", "date_egg"]
    return records[columns].drop_duplicates(NEST_KEY).reset_index(drop=True)


def nests():
    """The earlier name of :func:`breeding_records`: one row per adult bird (344), not per nest.

    Kept so that code written against it still runs; new code should call
    :func:`breeding_records` (one row per bird) or :func:`nest_table` (one row
    per nest). The table is the same as :func:`breeding_records`'s.
    """
    return breeding_records()


def blood_samples():
    """Stable-isotope results of blood samples (331 birds; birds without a result are absent).

    Returns
    -------
    pandas.DataFrame
        ``study``, ``individual``, ``delta_15n`` and ``delta_13c`` (parts per
        thousand); one of the two can still be missing.
    """
    raw = _raw()
    table = _keys()
    table["delta_15n"] = raw["Delta 15 N (o/oo)"]
    table["delta_13c"] = raw["Delta 13 C (o/oo)"]
    return table.dropna(subset=["delta_15n", "delta_13c"], how="all").reset_index(drop=True)


def species_names():
    """The three species' short, common and scientific names, from the raw records.

    Returns
    -------
    pandas.DataFrame
        ``species`` (the short name used by :func:`load`), ``common_name`` and
        ``scientific_name``, one row per species, sorted by ``species``.
    """
    import pandas as pd

    names = pd.Series(_raw()["Species"].unique())
    parts = names.str.extract(r"^(?P<common_name>.+?) \((?P<scientific_name>.+)\)$")
    parts.insert(0, "species", names.str.split().str[0])
    return parts.sort_values("species").reset_index(drop=True)
