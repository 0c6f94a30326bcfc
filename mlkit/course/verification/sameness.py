"""Is a mutant's answer the same as the solution's? On the check's inputs and on fresh ones.

A mutant that gives exactly the solution's answer is *equivalent*: no check can or should
refuse it, so it leaves the score's denominator. "Exactly" is decided on the objects the check
received and, for a learner's function, on a battery of fresh inputs made from the calls the
check made: shifted away from zero (a centred column hides a missing intercept), rescaled,
skewed, fewer rows, rows in another order, and each numeric parameter changed (a function that
ignores ``k`` answers right for one ``k`` only). Random generators are copied, so both sides
draw the same numbers.
"""

from __future__ import annotations

import contextlib
import copy
import pickle
import signal
from typing import Any, Callable

RTOL, ATOL = 1e-7, 1e-10
CALL_SECONDS = 5
"""Longest a function may run on one input of the battery: a solution that never ends on an
input (value iteration with a discount above 1) has not been written for it, and a mutant that
never ends differs from the solution."""


class MutantTimeout(Exception):
    """Code under verification ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: int):
    """Stop code that runs longer than ``seconds`` (a loop whose condition was mutated).

    Raises :class:`MutantTimeout` inside the block when the time is up (``SIGALRM``; main
    thread only).
    """
    def stop(signum, frame):
        raise MutantTimeout(f"ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def same_value(a: Any, b: Any, data: tuple | None = None) -> bool:
    """True when two answers are the same value (numbers within a tight relative tolerance).

    Two scikit-learn estimators are the same when they have the same parameters or, given
    ``data`` = (X, y), when they predict the same on X (fitted as given, or fitted on X, y when
    not yet fitted): ``max_iter=1001`` instead of ``1000`` changes nothing a learner should be
    told about.
    """
    import numpy as np

    if a is b:
        return True
    if callable(a) and callable(b) and not hasattr(a, "get_params"):
        return False  # functions are compared through their results, see same_function
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    frames = _same_pandas(a, b)
    if frames is not None:
        return frames
    if hasattr(a, "get_params") and hasattr(b, "get_params"):
        if type(a) is type(b) and _same_estimator(a, b):
            return True
        return data is not None and same_behaviour(a, b, *data)
    figures = _same_figure(a, b)
    if figures is not None:
        return figures
    if isinstance(a, (str, bytes, bool)) or a is None:
        return type(a) is type(b) and a == b
    try:
        x, y = np.asarray(a), np.asarray(b)
        if x.dtype.kind in "fiucb" and y.dtype.kind in "fiucb":
            return x.shape == y.shape and bool(np.allclose(x, y, rtol=RTOL, atol=ATOL, equal_nan=True))
        return bool(x.shape == y.shape and (x == y).all())
    except Exception:
        return repr(a) == repr(b)


def _same_pandas(a: Any, b: Any) -> bool | None:
    import pandas as pd

    if not isinstance(a, (pd.DataFrame, pd.Series)) and not isinstance(b, (pd.DataFrame, pd.Series)):
        return None
    if type(a) is not type(b):
        return False
    try:
        test = pd.testing.assert_frame_equal if isinstance(a, pd.DataFrame) else pd.testing.assert_series_equal
        test(a, b, check_dtype=False, rtol=RTOL, atol=ATOL)
        return True
    except (AssertionError, TypeError, ValueError):
        return False


def _same_estimator(a: Any, b: Any) -> bool:
    if repr(a.get_params(deep=True)) != repr(b.get_params(deep=True)):
        return False
    try:
        return pickle.dumps(a) == pickle.dumps(b)
    except Exception:
        return True  # same parameters, state not comparable: treat as the same


def same_behaviour(a: Any, b: Any, X: Any, y: Any) -> bool:
    """Whether two estimators predict the same on ``X`` (each fitted on X, y if it was not fitted)."""
    import contextlib
    import io
    import warnings

    import numpy as np

    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = [_predictions(model, X, y) for model in (a, b)]
    except Exception:  # noqa: BLE001 - one that cannot fit or predict behaves differently
        return False
    first, second = (np.asarray(r) for r in results)
    if first.shape != second.shape:
        return False
    if first.dtype.kind in "fiu" and second.dtype.kind in "fiu":
        return bool(np.allclose(first, second, rtol=RTOL, atol=ATOL, equal_nan=True))
    return bool((first == second).all())


def _predictions(model: Any, X: Any, y: Any):
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(model)
        fitted = model
    except (NotFittedError, TypeError):
        fitted = clone(model).fit(X, y)
    method = getattr(fitted, "predict", None) or getattr(fitted, "transform")
    return method(X)


def _same_figure(a: Any, b: Any) -> bool | None:
    try:
        from matplotlib.axes import Axes
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover
        return None
    if not isinstance(a, (Figure, Axes)) and not isinstance(b, (Figure, Axes)):
        return None
    return type(a) is type(b) and _figure_print(a) == _figure_print(b)


def _figure_print(item) -> list:
    from matplotlib.figure import Figure

    axes = item.axes if isinstance(item, Figure) else [item]
    found = []
    for ax in axes:
        found.append((ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), ax.get_xscale(), ax.get_yscale()))
        found += [repr(line.get_xydata().round(9).tolist()) for line in ax.lines]
        found += [repr(c.get_offsets().round(9).tolist()) if hasattr(c, "get_offsets") else type(c).__name__ for c in ax.collections]
        found += [repr((round(p.get_x(), 9), round(p.get_height(), 9))) if hasattr(p, "get_height") else type(p).__name__ for p in ax.patches]
    return found


def battery(args: tuple, kwargs: dict) -> list[tuple[str, tuple, dict]]:
    """Fresh inputs made from one call's arguments: (what changed, args, kwargs)."""
    found: list[tuple[str, tuple, dict]] = []
    for name, change in _DATA_CHANGES:
        new_args, changed = _map(args, change)
        new_kwargs, changed_k = _map(kwargs, change)
        if changed or changed_k:
            found.append((name, new_args, new_kwargs))
    for position, value in [*enumerate(args), *kwargs.items()]:
        for other in _other_parameters(value):
            if isinstance(position, int):
                found.append((f"argument {position} = {other!r}", args[:position] + (other,) + args[position + 1 :], kwargs))
            else:
                found.append((f"{position} = {other!r}", args, {**kwargs, position: other}))
    return found


def _other_parameters(value: Any) -> list:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if isinstance(value, int):
        return [value + 1, value + 2] if value >= 0 else [value - 1]
    return [value * 1.37 + 0.11, value * 0.61]


def _map(values, change):
    """Apply ``change`` to every numeric array or frame in ``values`` (a tuple or a dict)."""
    changed = False

    def one(value):
        nonlocal changed
        result = change(value)
        if result is None:
            return value
        changed = True
        return result

    if isinstance(values, dict):
        return {k: one(v) for k, v in values.items()}, changed
    return tuple(one(v) for v in values), changed


def _numeric_array(value) -> bool:
    import numpy as np

    return isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size > 1


def _numeric_frame(value) -> bool:
    import pandas as pd

    return isinstance(value, (pd.DataFrame, pd.Series)) and value.size > 1


def _shift(value):
    if _numeric_array(value):
        return value + 3.7
    if _numeric_frame(value):
        return _frame_apply(value, lambda c: c + 3.7)
    return None


def _scale(value):
    if _numeric_array(value):
        return value * 2.5 - 1.0
    if _numeric_frame(value):
        return _frame_apply(value, lambda c: c * 2.5 - 1.0)
    return None


def _skew(value):
    import numpy as np

    if _numeric_array(value):
        return np.exp(value / (np.abs(value).max() + 1e-12))
    return None


def _fewer_rows(value):
    import numpy as np

    if isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) >= 6:
        return value[: len(value) * 2 // 3]
    if _numeric_frame(value) and len(value) >= 6:
        return value.iloc[: len(value) * 2 // 3]
    return None


def _reversed_rows(value):
    import numpy as np

    if isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) >= 3:
        return value[::-1].copy()
    if _numeric_frame(value) and len(value) >= 3:
        return value.iloc[::-1]
    return None


def _frame_apply(value, function):
    import pandas as pd

    if isinstance(value, pd.Series):
        return function(value) if pd.api.types.is_float_dtype(value.dtype) else None
    frame = value.copy()
    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c].dtype)]
    if not floats:
        return None
    for column in floats:
        frame[column] = function(frame[column])
    return frame


_DATA_CHANGES: list[tuple[str, Callable]] = [
    ("uncentred (+3.7)", _shift),
    ("rescaled (x2.5 - 1)", _scale),
    ("skewed (exp)", _skew),
    ("fewer rows", _fewer_rows),
    ("rows reversed", _reversed_rows),
]


def _call(function: Callable, args: tuple, kwargs: dict):
    import io
    import warnings

    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), time_limit(CALL_SECONDS):
            warnings.simplefilter("ignore")
            return True, function(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except Exception as error:  # noqa: BLE001 - a crash is an answer too
        return False, type(error).__name__


def same_function(solution: Callable, mutant: Callable, calls: list[tuple[tuple, dict]]) -> tuple[bool, str]:
    """Whether two functions agree on the check's calls and on the battery made from them.

    Returns (same, where they first differ). Inputs on which the solution itself raises are
    skipped: they are not inputs the function is meant for.
    """
    for args, kwargs in calls:
        for label, a, k in [("the check's input", args, kwargs), *battery(args, kwargs)]:
            ok, expected = _call(solution, a, k)
            if not ok:
                continue
            ok_m, got = _call(mutant, a, k)
            if not ok_m or not same_value(expected, got):
                return False, label
    return True, ""
