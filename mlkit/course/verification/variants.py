"""Equivalent forms of a right answer, each of which a check must accept.

A learner's correct answer can arrive as float32 instead of float64, as a list or a tuple
instead of an array, as a column vector, as ``2.0`` for ``2``, with another pandas dtype for
the same values, or as ``"b"`` for ``"B"``. :func:`variants` makes those forms from the value
the solution gave; :func:`function_variants` wraps a learner's function so that its results
take them. A form a check may rightly refuse for one exercise (say, a column order that is
what the exercise teaches) is listed with a reason in ``verification.toml`` beside the checks.
"""

from __future__ import annotations

import functools
import numbers
from typing import Any, Callable

Variant = tuple[str, Any]

#: Forms that are a right answer rounded as a lesson prints it: the check may pass them, or refuse
#: them with a message that says the answer is right to so many decimal places and asks for the
#: unrounded value (:func:`says_rounded`), never with a message that the concept is wrong.
ROUNDED = "rounded to 3 decimals"
ROUNDED_FRAME = "frame rounded to 1 decimal"
#: A table this short is a summary a lesson prints (and a learner might copy); a longer one is data.
SUMMARY_ROWS = 50


def says_rounded(message: str) -> bool:
    """Whether a check's message recognises a rounded right answer."""
    lowered = message.lower()
    return "decimal place" in lowered and "unrounded" in lowered


def _rounded(value: Any, digits: int) -> Any:
    """``value`` rounded to ``digits`` decimals, or None when that changes nothing."""
    import numpy as np

    try:
        rounded = np.round(value, digits)
    except TypeError:
        return None
    if isinstance(value, float):
        rounded = float(rounded)
    same = np.array_equal(np.asarray(rounded, dtype=float), np.asarray(value, dtype=float), equal_nan=True)
    return None if same else rounded


def variants(value: Any) -> list[Variant]:
    """(kind, equivalent value) pairs for ``value``; empty when it has no other form."""
    import numpy as np

    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, str):
        return _string_variants(value)
    if isinstance(value, numbers.Integral):
        return [("integral float", float(value)), ("numpy int64", np.int64(value))]
    if isinstance(value, numbers.Real):
        found = [("float32", np.float32(value)), ("numpy float64", np.float64(value))]
        rounded = _rounded(float(value), 3)
        return found + ([(ROUNDED, rounded)] if rounded is not None and abs(float(value)) < 1e4 else [])
    if isinstance(value, np.ndarray):
        return _array_variants(value)
    if isinstance(value, (list, tuple)) and value and all(_is_number(v) for v in value):
        other = tuple(value) if isinstance(value, list) else list(value)
        return [("array", np.asarray(value)), ("tuple" if isinstance(value, list) else "list", other)]
    if isinstance(value, tuple) and value:
        return [("list", list(value))] + _elementwise(value)
    return _pandas_variants(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _string_variants(value: str) -> list[Variant]:
    if len(value.strip()) == 1 and value.strip().isalpha():  # a multiple-choice letter
        return [("other case", value.strip().swapcase()), ("spaces around", f" {value.strip()} ")]
    return []


def _array_variants(array) -> list[Variant]:
    import numpy as np

    found: list[Variant] = []
    if array.dtype.kind == "f" and array.dtype != np.float32:
        found.append(("float32", array.astype(np.float32)))
    if array.dtype.kind in "iu":
        found.append(("integral floats", array.astype(float)))
    if array.dtype.kind in "fiu" and array.ndim >= 1 and array.size:
        found.append(("list", array.tolist()))
        if array.ndim == 1:
            found.append(("tuple", tuple(array.tolist())))
            found.append(("column vector", array.reshape(-1, 1)))
    return found


def _elementwise(values: tuple) -> list[Variant]:
    """A tuple of results (``w, b``) with each element in its float32 form, where it has one."""
    converted = []
    changed = False
    for value in values:
        f32 = dict(variants(value)).get("float32")
        converted.append(value if f32 is None else f32)
        changed |= f32 is not None
    return [("float32 elements", tuple(converted))] if changed else []


def _pandas_variants(value: Any) -> list[Variant]:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return []
    if isinstance(value, pd.Series):
        return [(f"series {kind}", converted) for kind, converted in _column_variants(value)]
    if not isinstance(value, pd.DataFrame) or value.empty:
        return []
    found: list[Variant] = []
    floats = value.select_dtypes("float")
    if len(value) <= SUMMARY_ROWS and not floats.empty and (floats.abs() < 1e4).all().all():
        rounded = value.round(1)
        if not rounded.equals(value):
            found.append((ROUNDED_FRAME, rounded))
    for kind in sorted({k for column in value.columns for k, _ in _column_variants(value[column])}):
        frame = value.copy()
        for position in range(frame.shape[1]):
            for other_kind, converted in _column_variants(frame.iloc[:, position]):
                if other_kind == kind:
                    frame.isetitem(position, converted)
        found.append((f"frame {kind}", frame))
    return found


def _column_variants(column) -> list[Variant]:
    import numpy as np
    import pandas as pd

    dtype = column.dtype
    found: list[Variant] = []
    if pd.api.types.is_float_dtype(dtype) and dtype != np.float32:
        found.append(("float32", column.astype(np.float32)))
        whole = column.dropna()
        if len(whole) and (whole == whole.round()).all() and not column.isna().any():
            found.append(("whole floats as int", column.astype("int64")))
    elif pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        found.append(("ints as float", column.astype(float)))
    elif pd.api.types.is_datetime64_dtype(dtype):
        other = "datetime64[us]" if str(dtype) == "datetime64[ns]" else "datetime64[ns]"
        found.append(("datetime unit", column.astype(other)))
    elif isinstance(dtype, pd.CategoricalDtype):
        found.append(("category as object", column.astype(object)))
    elif dtype == object or pd.api.types.is_string_dtype(dtype):
        if column.map(lambda v: isinstance(v, str) or v is None).all():
            found.append(("text as category", column.astype("category")))
    return found


def function_variants(function: Callable, sample_result: Any) -> list[Variant]:
    """The learner's function with its results in each other form ``sample_result`` has.

    Not rounded: a learner copies a printed value, but a function computes its result.
    """
    found = []
    for kind, _ in variants(sample_result):
        if kind in (ROUNDED, ROUNDED_FRAME):
            continue
        found.append((f"returns {kind}", _converting(function, kind)))
    return found


def _converting(function: Callable, kind: str) -> Callable:
    @functools.wraps(function)
    def converted(*args, **kwargs):
        result = function(*args, **kwargs)
        return dict(variants(result)).get(kind, result)

    return converted
