"""Reusable kinds of check for this curriculum; unit modules build exercises from them.

Each function inspects one learner object and returns quietly when it is
right, or raises :class:`~mlkit.course.checks.core.Incorrect` with a message about
the specific mistake. Messages name the learner's variable (``name=``) and
what was received, never the right value. Code the learner wrote (a
function, an estimator's ``fit``) runs through
:func:`~mlkit.course.checks.core.call_learner`, so its exceptions become an "error in
your code" outcome.

scikit-learn, NumPy and pandas are imported inside the functions.

Examples
--------
>>> from mlkit.course.checks.kinds import expect_close
>>> expect_close(0.5, 0.5, name="share")
>>> expect_close(0.7, 0.5, name="share")
Traceback (most recent call last):
...
mlkit.course.checks.core.Incorrect: `share` is too high.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from mlkit.course.checks.core import Incorrect, NotAttempted, call_learner
from mlkit.course.checks.plain import Refused, plain


def _type_name(obj: Any) -> str:
    return type(obj).__name__


def _read(value: Any, name: str) -> Any:
    """``value`` made plain (:func:`~mlkit.course.checks.plain.plain`): no learner method decides a comparison.

    Every reader below starts here, so a value reaching a check by another road than
    :meth:`Exercise.evaluate` (an attribute of the learner's estimator) is read the same way.
    """
    try:
        return plain(value)
    except Refused as refused:
        raise Incorrect(f"`{name}`: {refused}") from None


# --- plain values --------------------------------------------------------------


def expect_type(obj: Any, expected: type | tuple[type, ...], *, name: str, what: str = "") -> None:
    """``obj`` is an instance of ``expected`` (``what`` describes it in words)."""
    if isinstance(obj, bool) and bool not in (expected if isinstance(expected, tuple) else (expected,)):
        raise Incorrect(f"`{name}` should be {what or _names(expected)}, not a True/False value.")
    if not isinstance(obj, expected):
        raise Incorrect(f"`{name}` should be {what or _names(expected)}, but it is a {_type_name(obj)}.")


def _names(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(f"a {t.__name__}" for t in types)


def expect_number(value: Any, *, name: str) -> float:
    """``value`` is a real number (Python or NumPy, not bool); returns it as float."""
    import numbers

    value = _read(value, name)
    if getattr(value, "ndim", None) == 0 and hasattr(value, "dtype"):  # np.array(3.0): a number in a 0-d array
        value = value[()]
    if getattr(value, "size", None) == 1 and getattr(value, "ndim", 0) > 0:
        raise Incorrect(
            f"`{name}` should be a number, but it is an array holding one value (shape {value.shape}): "
            "return the value itself, e.g. with `.item()`."
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise Incorrect(f"`{name}` should be a number, but it is a {_type_name(value)}.")
    return float(value)


def expect_close(value: Any, expected: float, *, name: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """A number within tolerance of ``expected``; says only whether it is too high or too low."""
    import math

    number = expect_number(value, name=name)
    rtol = max(rtol, _float_tolerance(value))
    if math.isnan(number):
        raise Incorrect(f"`{name}` is NaN (not a number): check for a division by zero or missing values.")
    if not math.isclose(number, expected, rel_tol=rtol, abs_tol=atol):
        refuse_rounded(number, expected, name=name)
        raise Incorrect(f"`{name}` is too {'high' if number > expected else 'low'}.")


def expect_array(
    values: Any, expected: Any, *, name: str, rtol: float = 1e-6, atol: float = 1e-9, shape_only: bool = False
) -> None:
    """An array-like with the expected shape and values (within tolerance).

    Any container of numbers is accepted (list, tuple, array, pandas), float32 as well as
    float64, and a column or row vector where a 1-D array is expected.
    """
    import numpy as np

    expected = np.asarray(expected)
    values = _read(values, name)
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`{name}` should hold numbers, but a {_type_name(values)} of other things was given.") from None
    if expected.ndim == 1 and array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    rtol = max(rtol, _float_tolerance(values))
    if array.shape != expected.shape:
        raise Incorrect(f"`{name}` has shape {array.shape}; a shape of {expected.shape} is expected.")
    if shape_only:
        return
    if np.isnan(array).any():
        raise Incorrect(f"`{name}` contains NaN values.")
    wrong = ~np.isclose(array, expected.astype(float), rtol=rtol, atol=atol)
    if wrong.any():
        refuse_rounded(array, expected, name=name)
        raise Incorrect(f"{int(wrong.sum())} of the {array.size} values of `{name}` are not right.")


def refuse_non_numbers(value: Any, *, name: str, what: str = "numbers") -> None:
    """Refuse text, True/False and complex values in an array-like answer (raises ``Incorrect``).

    ``np.asarray(value, dtype=float)`` would turn them into numbers (``"1.0"`` into 1.0, ``True``
    into 1.0, ``1+2j`` into 1.0), and a check would then judge values the learner never computed.
    ``what`` completes "it should hold ...". Values that are not array-like pass through: the
    conversion that follows reports them.
    """
    import numpy as np

    try:
        array = np.asarray(value, dtype=object) if isinstance(value, (list, tuple)) else np.asarray(value)
    except (TypeError, ValueError):
        return
    kind = array.dtype.kind
    if kind == "O":
        if any(isinstance(v, (str, bytes, bool, np.bool_, complex, np.complexfloating)) for v in array.reshape(-1).tolist()):
            raise Incorrect(f"{name} holds text, True/False or complex values; it should hold {what}.")
    elif kind not in "iuf":
        found = {"U": "text", "S": "text", "b": "True/False values", "c": "complex numbers"}.get(kind, f"values of type {array.dtype}")
        raise Incorrect(f"{name} holds {found}; it should hold {what}.")


def returned_array(value: Any, *, name: str, shape: tuple, finite: bool = False, holding: str = "numbers"):
    """What a learner's function returned, as a float array of ``shape`` (returned).

    A function that still returns ``...`` is not attempted; text, True/False and complex values
    are refused (``holding`` completes "it should hold ..."); ``finite=True`` also
    refuses NaN and infinite values (the sign of an overflowing ``exp``).
    """
    import numpy as np

    if value is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    refuse_non_numbers(value, name=name, what=holding)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{name} should be an array of numbers, but it is a {type(value).__name__}.") from None
    if array.shape != shape:
        raise Incorrect(f"{name} has shape {array.shape}; for these inputs a shape of {shape} is expected.")
    if finite and not np.isfinite(array).all():
        raise Incorrect(f"{name} contains NaN or infinite values: did an `exp` overflow?")
    return array


def expect_choice(answer: Any, *, name: str, correct: str, feedback: Mapping[str, str]) -> None:
    """A multiple-choice answer: one of the option letters, with feedback per wrong option.

    ``feedback`` maps every wrong option to a message explaining why it is not
    the best choice; the right option (``correct``) needs no entry.
    """
    options = sorted({*feedback, correct})
    answer = _read(answer, name)
    if not isinstance(answer, str):
        raise Incorrect(f"`{name}` should be one of the letters {', '.join(repr(o) for o in options)} (a string).")
    choice = _option_letter(answer)
    if choice == correct.upper():
        return
    for option, message in feedback.items():
        if choice == option.upper():
            raise Incorrect(f"Option {option}: {message}")
    raise Incorrect(f"`{name}` is {answer!r}; choose one of {', '.join(repr(o) for o in options)}.")


def _option_letter(answer: str) -> str:
    """``"B"``, ``" b "``, ``"B."``, ``"(B)"``, ``"b)"`` and ``"option B"`` all name option B; anything else is kept as typed."""
    import re

    found = re.fullmatch(r"\(?\s*(?:option\s+)?([A-Za-z])\s*[.)]?\s*", answer.strip(), flags=re.IGNORECASE)
    return found[1].upper() if found else answer.strip().upper()


# --- functions ------------------------------------------------------------------


def expect_function(
    function: Any,
    cases: Iterable[tuple[tuple, Any]],
    *,
    name: str,
    compare: Callable[[Any, Any], bool] | None = None,
) -> None:
    """A learner's function returns the expected result for each ``(args, expected)`` case.

    A failing case is reported with its input and the learner's result, not
    the expected one. A stub raising ``NotImplementedError`` is "not attempted".
    """
    if not callable(function):
        raise Incorrect(f"`{name}` should be a function, but it is a {_type_name(function)}.")
    same = compare or _same
    for args, expected in cases:
        result = call_learner(function, *args)
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if not same(result, expected):
            shown = ", ".join(repr(a) for a in args)
            raise Incorrect(f"`{name}({shown})` returned {_short(result)}, which is not right.")


def _same(result: Any, expected: Any) -> bool:
    import math
    import numbers

    if isinstance(expected, numbers.Real) and not isinstance(expected, bool):
        return isinstance(result, numbers.Real) and not isinstance(result, bool) and math.isclose(
            result, expected, rel_tol=max(1e-9, _float_tolerance(result)), abs_tol=1e-12
        )
    if isinstance(expected, (tuple, list)) and isinstance(result, (tuple, list)):
        return len(result) == len(expected) and all(_same(r, e) for r, e in zip(result, expected))
    return type(result) is type(expected) and result == expected


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- DataFrames ---------------------------------------------------------------

_DTYPE_KINDS = {
    "numeric": "is_numeric_dtype",
    "integer": "is_integer_dtype",
    "float": "is_float_dtype",
    "bool": "is_bool_dtype",
    "string": "is_string_dtype",
    "datetime": "is_datetime64_any_dtype",
}


def expect_frame(df: Any, *, name: str) -> None:
    """A pandas DataFrame."""
    import pandas as pd

    if isinstance(df, pd.Series):
        raise Incorrect(f"`{name}` is a Series (one column); a DataFrame is expected. Use `[[...]]` to keep a table.")
    expect_type(df, pd.DataFrame, name=name, what="a pandas DataFrame")


def expect_columns(df: Any, columns: Sequence[str], *, name: str, ordered: bool = False) -> None:
    """A DataFrame with exactly these columns (in this order when ``ordered``)."""
    expect_frame(df, name=name)
    have = [str(c) for c in df.columns]
    missing = [c for c in columns if c not in have]
    extra = [c for c in have if c not in columns]
    if missing:
        raise Incorrect(f"`{name}` lacks the column(s) {', '.join(repr(c) for c in missing)}.")
    if extra:
        raise Incorrect(f"`{name}` has column(s) that do not belong: {', '.join(repr(c) for c in extra)}.")
    if ordered and have != list(columns):
        raise Incorrect(f"`{name}` has the right columns in the wrong order.")


def expect_dtypes(df: Any, kinds: Mapping[str, str], *, name: str) -> None:
    """Columns have the expected kind of dtype: numeric, integer, float, bool, string, datetime or category."""
    import pandas as pd
    from pandas.api import types

    expect_frame(df, name=name)
    for column, kind in kinds.items():
        if column not in df.columns:
            raise Incorrect(f"`{name}` lacks the column {column!r}.")
        dtype = df[column].dtype
        ok = isinstance(dtype, pd.CategoricalDtype) if kind == "category" else getattr(types, _DTYPE_KINDS[kind])(dtype)
        if not ok:
            raise Incorrect(f"column {column!r} of `{name}` has dtype {dtype}; a {kind} column is expected.")


def expect_frame_values(df: Any, expected: Any, *, name: str, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Same shape, columns, index and values as ``expected`` (numbers within tolerance)."""
    import numpy as np

    expect_columns(df, [str(c) for c in expected.columns], name=name)
    if len(df) != len(expected):
        raise Incorrect(f"`{name}` has {len(df)} rows; {len(expected)} are expected.")
    if not df.index.equals(expected.index):
        raise Incorrect(f"the index (row labels) of `{name}` is not the expected one; was it reset or sorted?")
    for column in expected.columns:
        mine, theirs = df[column], expected[column]
        if np.issubdtype(np.asarray(theirs).dtype, np.number):
            try:
                wrong = ~np.isclose(mine.astype(float), theirs.astype(float), rtol=rtol, atol=atol, equal_nan=True)
            except (TypeError, ValueError):
                raise Incorrect(f"column {column!r} of `{name}` should hold numbers.") from None
        else:
            wrong = ~((mine == theirs) | (mine.isna() & theirs.isna())).to_numpy()
        if wrong.any():
            raise Incorrect(f"column {column!r} of `{name}` has {int(wrong.sum())} wrong value(s).")


# --- scikit-learn estimators and pipelines --------------------------------------


def expect_estimator(obj: Any, *, name: str, classifier: bool = False) -> None:
    """A scikit-learn estimator (an instance, with ``fit``), a classifier when asked."""
    if isinstance(obj, type):
        raise Incorrect(f"`{name}` is the class {obj.__name__}; create an instance with `{obj.__name__}(...)`.")
    if not (hasattr(obj, "fit") and hasattr(obj, "get_params")):
        raise Incorrect(f"`{name}` should be a scikit-learn estimator, but it is a {_type_name(obj)}.")
    if classifier:
        from sklearn.base import is_classifier

        from mlkit.course.checks.core import beside_learner

        if not beside_learner(is_classifier, obj):  # reads the estimator's tags, where its code lives
            raise Incorrect(f"`{name}` ({_type_name(obj)}) is not a classifier.")


def expect_pipeline(
    obj: Any, steps: Sequence[type | tuple[type, ...]], *, name: str, labels: Sequence[str] | None = None
) -> None:
    """A Pipeline whose steps are instances of ``steps``, in this order.

    ``labels`` name the steps in messages ("a scaling step"); by default the
    class names are used. Messages say which step is missing, out of order,
    or extra.
    """
    from sklearn.pipeline import Pipeline

    expect_estimator(obj, name=name)
    wanted = [s if isinstance(s, tuple) else (s,) for s in steps]
    words = list(labels) if labels else ["a " + " or ".join(t.__name__ for t in w) for w in wanted]
    if not isinstance(obj, Pipeline):
        if any(isinstance(obj, w) for w in wanted):
            raise Incorrect(
                f"`{name}` is a single {_type_name(obj)}, not a Pipeline; "
                f"a pipeline chains {len(wanted)} steps (`make_pipeline` builds one)."
            )
        raise Incorrect(f"`{name}` should be a Pipeline, but it is a {_type_name(obj)}.")
    actual = [step for _, step in obj.steps]
    positions = [next((i for i, s in enumerate(actual) if isinstance(s, w)), None) for w in wanted]
    for word, position in zip(words, positions):
        if position is None:
            found = ", ".join(_type_name(s) for s in actual)
            raise Incorrect(f"`{name}` has no step that is {word}; its steps are: {found}.")
    for (earlier, first), (later, second) in zip(zip(positions, words), zip(positions[1:], words[1:])):
        if later < earlier:
            raise Incorrect(
                f"the steps of `{name}` are in the wrong order: {second} ({_type_name(actual[later])}) comes "
                f"before {first} ({_type_name(actual[earlier])}). Each step feeds the next; the model comes last."
            )
    if len(actual) != len(wanted):
        extra = [_type_name(s) for i, s in enumerate(actual) if i not in positions]
        raise Incorrect(f"`{name}` has step(s) that do not belong: {', '.join(extra)}.")


def expect_fitted(estimator: Any, *, name: str, fitted: bool = True) -> None:
    """The estimator has (or, with ``fitted=False``, has not) been fitted."""
    from mlkit.course.checks.core import beside_learner

    is_fitted = beside_learner(_is_fitted, estimator)  # reads the estimator's attributes, where its code lives
    if fitted and not is_fitted:
        raise Incorrect(f"`{name}` has not been fitted yet: call `{name}.fit(...)` on the training data.")
    if not fitted and is_fitted:
        raise Incorrect(f"`{name}` is already fitted; pass the unfitted estimator, the check fits it itself.")


def _is_fitted(estimator: Any) -> bool:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    return True


def fit_copy(estimator: Any, X: Any, y: Any, *, name: str):
    """A fresh, unfitted copy of the learner's estimator, fitted on ``X, y``.

    The learner's own object is left as it is. Errors raised by ``fit`` are
    the learner's (their configuration) and become an "error in your code".
    """
    from sklearn.base import clone

    from mlkit.course.checks.core import beside_learner

    copy = call_learner(beside_learner, clone, estimator)  # cloned where the estimator's code lives
    return call_learner(copy.fit, X, y)


def expect_prediction_shape(estimator: Any, X: Any, *, name: str) -> Any:
    """``predict(X)`` gives one label per row; returns the predictions as a plain array.

    What ``predict`` returns is read as a plain NumPy array (see :mod:`mlkit.course.checks.plain`),
    so that no method of the learner's classes takes part in comparing it.
    """
    import numpy as np

    predictions = np.asarray(call_learner(estimator.predict, X))
    if predictions.shape != (len(X),):
        raise Incorrect(
            f"`{name}.predict` returned shape {predictions.shape} for {len(X)} rows; one label per row is expected."
        )
    return predictions


def _rows(X: Any, order: Any) -> Any:
    """The rows of ``X`` in ``order``, numbered afresh (row labels would tell which row is which)."""
    import numpy as np

    if hasattr(X, "iloc"):
        return X.iloc[order].reset_index(drop=True)
    return np.asarray(X)[order] if isinstance(X, np.ndarray) else [X[i] for i in order]


def _same_predictions(first: Any, second: Any) -> bool:
    import numpy as np

    if first.dtype.kind in "fc" and second.dtype.kind in "fc":
        return bool(np.allclose(first, second, rtol=1e-9, atol=1e-12, equal_nan=True))
    return bool((first == second).all()) if first.dtype.kind != "O" else first.tolist() == second.tolist()


def holdout_predictions(estimator: Any, X: Any, *, name: str) -> Any:
    """The estimator's predictions for the rows of held-out ``X``, in ``X``'s order (a plain array).

    The model sees the rows twice, each time in a fresh order drawn from :mod:`secrets` and
    numbered afresh, and its predictions are put back in ``X``'s order. A model's prediction
    for a row depends on that row alone, so an honest model gives exactly its usual
    predictions; one that ignores ``X`` and returns stored labels (the held-out labels in
    their stored order) lands on them in a random order, and is refused because its
    predictions for the same rows change with the order.

    Raises :class:`Incorrect` when ``predict`` does not give one prediction per row, or gives
    different predictions for the same rows in another order.
    """
    import secrets

    import numpy as np

    rng = np.random.default_rng(secrets.randbits(128))
    results = []
    for _ in range(2):
        order = rng.permutation(len(X))
        shown = expect_prediction_shape(estimator, _rows(X, order), name=name)
        back = np.empty_like(shown)
        back[order] = shown
        results.append(back)
    if not _same_predictions(*results):
        raise Incorrect(
            f"`{name}` predicts differently for the same rows shown in another order; a prediction should "
            "depend on the row it is for, not on its position."
        )
    return results[0]


#: Metrics :func:`expect_score` computes, by their scikit-learn scoring name.
SCORE_METRICS = ("accuracy", "balanced_accuracy", "r2")


def expect_score(
    estimator: Any,
    X_holdout: Any,
    y_holdout: Any,
    *,
    name: str,
    at_least: float,
    metric: str = "accuracy",
    baseline: float | None = None,
) -> float:
    """The fitted estimator scores at least ``at_least`` on held-out data; returns the score.

    ``baseline`` is the score of a trivial model (e.g. always the majority
    class); not beating it gets its own message. The held-out data is data the
    learner never saw, so the score says how the model generalises. Predictions are
    made by :func:`holdout_predictions` (rows in a secret order) and scored by the kit on
    plain arrays; ``metric`` is one of :data:`SCORE_METRICS` (ValueError otherwise).
    """
    import numpy as np
    from sklearn import metrics

    functions = {"accuracy": metrics.accuracy_score, "balanced_accuracy": metrics.balanced_accuracy_score, "r2": metrics.r2_score}
    if metric not in functions:
        raise ValueError(f"metric must be one of {', '.join(SCORE_METRICS)}, got {metric!r}")
    predictions = holdout_predictions(estimator, X_holdout, name=name)
    truth = np.asarray(y_holdout)
    try:
        score = float(functions[metric](truth, predictions))
    except (TypeError, ValueError) as error:
        raise Incorrect(f"the predictions of `{name}` cannot be compared with the true labels: {error}") from None
    if baseline is not None and score <= baseline:
        raise Incorrect(
            f"`{name}` scores {score:.3f} ({metric}) on held-out data, no better than a model that always "
            f"predicts the most frequent class ({baseline:.3f}). Is it learning anything?"
        )
    if score < at_least:
        raise Incorrect(
            f"`{name}` scores {score:.3f} ({metric}) on held-out data; at least {at_least:.2f} is expected."
        )
    return score


# --- tolerant reading of answers ------------------------------------------------------
#
# A right answer can come in many forms: float32 or float64, a list, a tuple or an array, a
# column vector, 4.0 for 4. These helpers turn each into one form, or raise Incorrect naming
# what was received and what is expected, so that checks judge the values, not the container.

#: Relative tolerance that a float32 answer meets (float32 keeps about 7 significant digits).
FLOAT32_RTOL = 2e-6


def _float_tolerance(value: Any) -> float:
    """The relative tolerance the precision of ``value`` allows (float32: :data:`FLOAT32_RTOL`)."""
    import numpy as np

    dtype = getattr(value, "dtype", None)
    if dtype is None and isinstance(value, (list, tuple)) and value:
        dtype = getattr(value[0], "dtype", None)
    if dtype is not None and np.dtype(dtype).kind in "fc" and np.dtype(dtype).itemsize <= 4:
        return FLOAT32_RTOL
    return 0.0


def tolerance_for(value: Any, rtol: float) -> float:
    """``rtol``, widened to what the precision of ``value`` holds (float32: :data:`FLOAT32_RTOL`)."""
    return max(rtol, _float_tolerance(value))


def close_to(value: float, target: float, original: Any, *, rtol: float = 1e-9, atol: float = 1e-9) -> bool:
    """Whether ``value`` equals ``target`` to the precision of the learner's ``original`` number.

    >>> import numpy as np
    >>> close_to(0.1, float(np.float32(0.1)), np.float32(0.1)), close_to(0.1, 0.1000001, 0.1)
    (True, False)
    """
    import math

    return math.isclose(value, target, rel_tol=tolerance_for(original, rtol), abs_tol=atol)


def as_vector(value: Any, *, name: str, length: int | None = None, what: str = "") -> Any:
    """A 1-D float array from any container of numbers, a column or a row vector included.

    Raises :class:`Incorrect` when ``value`` is not numbers, not one-dimensional in effect,
    or (with ``length``) not of that length; ``what`` says in words what is asked for.
    """
    import numpy as np

    if value is Ellipsis:
        raise NotAttempted("replace the `...` with your answer.")
    value = _read(value, name)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`{name}` should hold numbers, but it is a {_type_name(value)} of other things.") from None
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    wanted = what or (f"{length} numbers in one dimension" if length is not None else "numbers in one dimension")
    if array.ndim != 1:
        raise Incorrect(f"`{name}` has shape {array.shape}; {wanted} are asked for.")
    if length is not None and len(array) != length:
        raise Incorrect(f"`{name}` has {len(array)} values; {wanted} are asked for.")
    return array


def as_labels(value: Any, *, name: str, length: int | None = None, what: str = "") -> Any:
    """Like :func:`as_vector`, for whole numbers (labels, counts, actions): an int array.

    Integral floats (``2.0``) are accepted; a value with a fractional part is refused.
    """
    import numpy as np

    array = as_vector(value, name=name, length=length, what=what)
    if not np.isfinite(array).all() or (array != np.round(array)).any():
        raise Incorrect(f"`{name}` should hold whole numbers, but some values have decimals or are missing.")
    return array.astype(np.int64)


def as_whole_number(value: Any, *, name: str, what: str = "a whole number") -> int:
    """An int from an int, a NumPy integer or an integral float (``4.0``)."""
    import numbers

    if value is Ellipsis:
        raise NotAttempted("replace the `...` with your answer.")
    value = _read(value, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise Incorrect(f"`{name}` should be {what}, but it is a {_type_name(value)}.")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")) or not number.is_integer():
        raise Incorrect(f"`{name}` should be {what}, but it is {value!r}.")
    return int(number)


def as_pair(value: Any, *, name: str, what: str = "a pair") -> tuple:
    """A tuple of two from a tuple, a list or an array of two items."""
    import numpy as np

    value = _read(value, name)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise Incorrect(f"`{name}` should be {what} (two items), but it is a {_type_name(value)}.")
    return tuple(value)


def as_sequence(value: Any, *, name: str, length: int, what: str) -> tuple:
    """A tuple of ``length`` items from a tuple, a list or an array (``w, b`` returned as a list)."""
    value = _read(value, name)
    if isinstance(value, (tuple, list)) and len(value) == length:
        return tuple(value)
    raise Incorrect(f"`{name}` should be {what}, but it is a {_type_name(value)}.")


def rounded_places(value: Any, expected: Any, most: int = 4) -> int | None:
    """The decimal places (1 to ``most``) to which ``value`` is ``expected`` rounded, if it is."""
    import numpy as np

    try:
        given, right = np.asarray(value, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return None
    if given.shape != right.shape or not np.isfinite(right).all():
        return None
    for places in range(1, most + 1):
        if np.allclose(given, np.round(right, places), rtol=1e-9, atol=10.0 ** -(places + 3)):
            return places
    return None


def refuse_rounded(value: Any, expected: Any, *, name: str) -> None:
    """Raise :class:`Incorrect` saying so when ``value`` is ``expected`` rounded (1 to 4 places).

    A value copied as a lesson prints it is right, only rounded: the message says that and asks
    for the unrounded value, instead of calling the answer wrong. Returns quietly otherwise.
    """
    places = rounded_places(value, expected)
    if places is not None:
        raise Incorrect(
            f"`{name}` is right to {places} decimal place{'s' if places > 1 else ''}; "
            "give the unrounded value (do not round it), as the computation returns it."
        )
