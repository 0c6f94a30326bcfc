"""The decision model's default figures, each with its unit, year and source.

Every default the model uses lives in ``mlkit/data/decision_figures.csv``: one
row per figure with ``key, value, unit, year, source, assumption, note``. A
figure that is a modelling choice or an estimate rather than a published number
has ``assumption`` set to ``true``. Figures that change by academic year (loan
rates, limits) have one row per year from which they apply; :func:`figure`
returns the row in force for a given year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from mlkit.errors import InputError
from mlkit.paths import data_dir

FILE_NAME = "decision_figures.csv"
COLUMNS = ("key", "value", "unit", "year", "source", "assumption", "note")


@dataclass(frozen=True)
class Figure:
    """One default figure and where it comes from.

    Attributes
    ----------
    key : str
        Dotted name, e.g. ``"loan.unsub_grad.rate"``.
    value : float
        The figure, in ``unit``.
    unit : str
        ``USD/year``, ``fraction``, ``probability``, ``years`` and so on.
    year : str
        Calendar year (``"2018"``) or academic year (``"2025-26"``) the figure is for,
        or from which it applies.
    source : str
        Who published it (or ``mlkit modelling choice``).
    assumption : bool
        True when the figure is an estimate or a modelling choice, not a published number.
    note : str
        Anything a reader should know (range, caveat, what to verify).
    """

    key: str
    value: float
    unit: str
    year: str
    source: str
    assumption: bool
    note: str = ""

    @property
    def start_year(self) -> int:
        """The first calendar year of :attr:`year` (``"2025-26"`` -> 2025)."""
        return int(self.year[:4])

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "value": self.value,
            "unit": self.unit,
            "year": self.year,
            "source": self.source,
            "assumption": self.assumption,
            "note": self.note,
        }


def parse_rows(rows: list[dict[str, str]], where: str = FILE_NAME) -> tuple[Figure, ...]:
    """Turn CSV rows into figures, refusing rows without a value, year or source."""
    figures = []
    for number, row in enumerate(rows, start=2):
        missing = [c for c in COLUMNS if c != "note" and not (row.get(c) or "").strip()]
        if missing:
            raise InputError(f"{where} line {number} ({row.get('key') or 'no key'}): missing {', '.join(missing)}; every figure needs a value, unit, year, source and assumption flag")
        flag = row["assumption"].strip().lower()
        if flag not in ("true", "false"):
            raise InputError(f"{where} line {number} ({row['key']}): assumption = {row['assumption']!r}; write true or false")
        try:
            value = float(row["value"])
        except ValueError:
            raise InputError(f"{where} line {number} ({row['key']}): value = {row['value']!r} is not a number") from None
        figures.append(
            Figure(
                key=row["key"].strip(),
                value=value,
                unit=row["unit"].strip(),
                year=row["year"].strip(),
                source=row["source"].strip(),
                assumption=flag == "true",
                note=(row.get("note") or "").strip(),
            )
        )
    return tuple(figures)


def read_figures(path: Path) -> tuple[Figure, ...]:
    """Read a figures file (CSV with the columns of :data:`COLUMNS`)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise InputError(f"{path.name}: columns are {reader.fieldnames}; expected {list(COLUMNS)}")
        return parse_rows(list(reader), where=path.name)


@lru_cache(maxsize=1)
def all_figures() -> tuple[Figure, ...]:
    """Every figure shipped with the kit, in file order.

    Examples
    --------
    >>> from mlkit.decision.figures import all_figures
    >>> all(f.source for f in all_figures())
    True
    """
    return read_figures(data_dir() / FILE_NAME)


@lru_cache(maxsize=None)
def _rows(key: str) -> tuple[Figure, ...]:
    return tuple(sorted((f for f in all_figures() if f.key == key), key=lambda f: f.start_year))


def figure(key: str, year: str | int | None = None) -> Figure:
    """The figure ``key`` in force in ``year`` (the latest row whose year is not later).

    Without ``year``, the latest row. Loan rules are stored from the academic year in
    which they start, so ``figure("loan.unsub_grad.aggregate_limit", "2027-28")``
    returns the limit set for loans first disbursed from 1 July 2026.

    Examples
    --------
    >>> figure("loan.unsub_grad.rate", "2025-26").value
    0.0794
    >>> figure("loan.unsub_grad.aggregate_limit", "2025-26").value
    138500.0
    >>> figure("loan.unsub_grad.aggregate_limit", "2027-28").value
    100000.0
    """
    return _in_force(key, year)


@lru_cache(maxsize=None)
def _in_force(key: str, year: str | int | None) -> Figure:
    """:func:`figure`, looked up once per key and year (the shipped figures are read once per process)."""
    rows = _rows(key)
    if not rows:
        raise InputError(f"no figure named {key!r} in {FILE_NAME}")
    if year is None:
        return rows[-1]
    start = int(str(year)[:4])
    in_force = [f for f in rows if f.start_year <= start]
    return in_force[-1] if in_force else rows[0]


def value(key: str, year: str | int | None = None) -> float:
    """The value of :func:`figure`."""
    return figure(key, year).value


@lru_cache(maxsize=1)
def roles() -> MappingProxyType:
    """Average salary by role id (``ml_engineer``, ``data_scientist``, ...).

    Examples
    --------
    >>> roles()["data_scientist"]
    139202.0
    """
    return MappingProxyType(
        {f.key.split(".")[1]: f.value for f in all_figures() if f.key.startswith("role.") and f.key.endswith(".salary")}
    )


def salary_range(role: str) -> tuple[float, float] | None:
    """The published (low, high) salary range of a role, or ``None`` when there is none."""
    keys = {f.key for f in all_figures()}
    low, high = f"role.{role}.salary_low", f"role.{role}.salary_high"
    if low in keys and high in keys:
        return value(low), value(high)
    return None
