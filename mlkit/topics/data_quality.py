"""Data-quality rules for tables that flow through a batch pipeline.

Each rule looks at one property of a pandas DataFrame and returns a list of
problems in words (an empty list when the table passes). Returning problems
instead of raising lets a pipeline run every rule, report all that failed at
once, and then decide: :func:`require` raises :class:`QualityError` listing
them, so a bad batch stops before it reaches the model-ready table.

Examples
--------
>>> import pandas as pd
>>> from mlkit.topics import data_quality as dq
>>> table = pd.DataFrame({"id": [1, 2, 2], "mass": [3.5, None, 40.0]})
>>> problems = dq.complete(table, ["mass"]) + dq.within(table, "mass", 2.0, 7.0) + dq.unique(table, ["id"])
>>> for problem in problems:
...     print(problem)
column 'mass' has 1 missing value(s)
column 'mass' has 1 value(s) outside [2.0, 7.0], e.g. 40.0
1 duplicated row(s) on ['id'], e.g. (2,)
>>> dq.require([])
"""

from __future__ import annotations

from typing import Iterable, Sequence

from mlkit.errors import InputError


class QualityError(InputError):
    """A table broke data-quality rules; ``problems`` lists them."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        listed = "; ".join(self.problems)
        super().__init__(f"{len(self.problems)} data-quality problem(s): {listed}")


def has_columns(df, columns: Iterable[str]) -> list[str]:
    """Every column in ``columns`` is present."""
    missing = [c for c in columns if c not in df.columns]
    return [f"missing column(s): {', '.join(repr(c) for c in missing)}"] if missing else []


def complete(df, columns: Iterable[str]) -> list[str]:
    """The columns have no missing values (a missing column is reported as such)."""
    problems = []
    for column in columns:
        if column not in df.columns:
            problems.append(f"missing column(s): {column!r}")
            continue
        gaps = int(df[column].isna().sum())
        if gaps:
            problems.append(f"column {column!r} has {gaps} missing value(s)")
    return problems


def within(df, column: str, low: float, high: float) -> list[str]:
    """Non-missing values of ``column`` lie in ``[low, high]``."""
    if column not in df.columns:
        return [f"missing column(s): {column!r}"]
    values = df[column].dropna().astype(float)
    outside = values[(values < low) | (values > high)]
    if outside.empty:
        return []
    return [f"column {column!r} has {len(outside)} value(s) outside [{low}, {high}], e.g. {outside.iloc[0]}"]


def allowed_values(df, column: str, allowed: Iterable) -> list[str]:
    """Non-missing values of ``column`` are among ``allowed``."""
    if column not in df.columns:
        return [f"missing column(s): {column!r}"]
    allowed = set(allowed)
    values = df[column].dropna()
    unknown = sorted({str(v) for v in values if v not in allowed})
    if not unknown:
        return []
    return [f"column {column!r} has unexpected value(s): {', '.join(repr(v) for v in unknown[:5])}"]


def unique(df, columns: Sequence[str]) -> list[str]:
    """No two rows share the same values in ``columns`` (a key)."""
    columns = list(columns)
    absent = [c for c in columns if c not in df.columns]
    if absent:
        return [f"missing column(s): {', '.join(repr(c) for c in absent)}"]
    duplicated = df[df.duplicated(subset=columns)]
    if duplicated.empty:
        return []
    first = [duplicated[c].iloc[0] for c in columns]
    example = tuple(v.item() if hasattr(v, "item") else v for v in first)
    return [f"{len(duplicated)} duplicated row(s) on {columns}, e.g. {example}"]


def row_count(df, at_least: int) -> list[str]:
    """The table has at least ``at_least`` rows (an empty or truncated batch is a problem)."""
    return [] if len(df) >= at_least else [f"{len(df)} row(s); at least {at_least} expected"]


def require(problems: Sequence[str]) -> None:
    """Raise :class:`QualityError` when ``problems`` is not empty; return quietly otherwise."""
    if problems:
        raise QualityError(problems)
