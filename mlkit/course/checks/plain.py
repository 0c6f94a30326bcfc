"""Turn a learner's answer into plain values before a check looks at it.

A check must judge what an answer *is*, never what the answer says about itself: a ``str``
subclass whose ``__eq__`` always returns True, an array subclass that overrides
``__array_ufunc__``, a list whose ``__len__`` lies or a DataFrame with a replaced method would
otherwise decide its own verdict. :func:`plain` copies every value into the exact built-in,
NumPy or pandas type it claims to be, reading it with the base type's own methods (for
example ``str.__getitem__(x, slice(None))`` gives an exact ``str`` of a ``str`` subclass), so
that no method of the learner's class runs during the copy or afterwards.

An array of JAX, Keras, PyTorch or TensorFlow (what ``jax.grad`` or ``keras.ops`` return) is read
as a NumPy array with ``np.asarray``, as long as every class of it is the library's own.

Objects of other kinds (functions, estimators, figures) are returned as they are: checks call
them through :func:`~mlkit.course.checks.core.call_learner`, which makes what they return
plain. Objects that cannot be copied faithfully (one whose ``__class__`` lies about its type,
an object registered as a number without being one, a pandas subclass) are refused with
:class:`Refused`, which checks report as a wrong answer.

Examples
--------
>>> class Yes(str):
...     def __eq__(self, other):
...         return True
>>> answer = plain(Yes("A"))
>>> type(answer) is str, answer == "B"
(True, False)
>>> plain([1, (2.5, "x")])
[1, (2.5, 'x')]
"""

from __future__ import annotations

import numbers
from typing import Any

#: How deep containers may nest in an answer (deeper answers are refused, never a RecursionError).
MAX_DEPTH = 60


class Refused(Exception):
    """An answer whose type cannot be read faithfully; the message says what to give instead."""


_EXACT = (type(None), bool, int, float, complex, str, bytes, range, type(Ellipsis), slice)


def plain(value: Any, _depth: int = 0) -> Any:
    """``value`` as exact built-in, NumPy or pandas values; other objects unchanged.

    Parameters
    ----------
    value:
        Anything a learner handed to a check, or what a learner's function returned.

    Returns
    -------
    The same data in exact types: ``str``/``int``/``float``/``bytes`` for their subclasses,
    ``list``/``tuple``/``dict``/``set``/``frozenset`` rebuilt with plain items, a base
    ``numpy.ndarray`` (object arrays with plain items) for any array, a fresh pandas object
    for a pandas object. Functions, classes, estimators and other objects come back unchanged.

    Raises
    ------
    Refused
        The value lies about its type, pretends to be a number, is a subclass of a pandas
        type, or nests deeper than :data:`MAX_DEPTH`.
    """
    kind = type(value)
    if kind in _EXACT:
        return value
    if _depth > MAX_DEPTH:
        raise Refused(f"the answer nests containers more than {MAX_DEPTH} levels deep.")
    if _is_grader_handle(kind):
        return value
    if object.__getattribute__(value, "__class__") is not kind:
        raise Refused(f"the answer (of type {kind.__name__}) claims to be of another type; give a plain value.")
    for reader in _READERS:
        found = reader(value, kind, _depth)
        if found is not _NOT_MINE:
            return found
    return value


_NOT_MINE = object()


def _is_grader_handle(kind: type) -> bool:
    """A handle of the grader's judge on an object kept in its worker (see :mod:`mlkit.grading.isolation`).

    Such a handle only asks the worker for data; it is left as it is. Only the grader's own two
    handle classes qualify (by identity), and only once the grader has loaded them.
    """
    import sys

    isolation = sys.modules.get("mlkit.grading.isolation")
    return isolation is not None and (kind is isolation.Remote or kind is isolation.RemoteCallable)


def _builtin(value: Any, kind: type, depth: int) -> Any:
    """Subclasses of the built-in scalars, and the built-in containers with plain items."""
    if issubclass(kind, str):
        return str.__getitem__(value, slice(None)) if not _is_numpy_type(kind) else _numpy_scalar(value, kind)
    if issubclass(kind, bytes):
        return bytes.__getitem__(value, slice(None)) if not _is_numpy_type(kind) else _numpy_scalar(value, kind)
    if issubclass(kind, float):
        return float.__float__(value) if not _is_numpy_type(kind) else _numpy_scalar(value, kind)
    if issubclass(kind, int):
        return int.__int__(value)
    if issubclass(kind, complex):
        return complex(float.__float__(complex.real.__get__(value)), float.__float__(complex.imag.__get__(value)))
    if issubclass(kind, list):
        return [plain(item, depth + 1) for item in list.copy(value)]
    if issubclass(kind, tuple):
        return tuple(plain(item, depth + 1) for item in tuple.__getitem__(value, slice(None)))
    if issubclass(kind, dict):
        return {plain(k, depth + 1): plain(v, depth + 1) for k, v in list(dict.items(value))}
    if issubclass(kind, frozenset):
        return frozenset(plain(item, depth + 1) for item in frozenset.copy(value))
    if issubclass(kind, set):
        return {plain(item, depth + 1) for item in set.copy(value)}
    return _NOT_MINE


def _is_numpy_type(kind: type) -> bool:
    import numpy as np

    return issubclass(kind, np.generic)


def _numpy_scalar_types() -> frozenset:
    import numpy as np

    return frozenset(t for t in np.sctypeDict.values() if isinstance(t, type))


def _numpy_scalar(value: Any, kind: type) -> Any:
    """A NumPy scalar of its exact NumPy type (a subclass is read through the NumPy base)."""
    import numpy as np

    known = _numpy_scalar_types()
    if kind in known:
        return value
    base = next((k for k in kind.__mro__ if k in known), None)
    if base is None:
        raise Refused(f"the answer (of type {kind.__name__}) is not a plain NumPy number; give an int, a float or an array.")
    return base(np.generic.item(value))


def _numpy(value: Any, kind: type, depth: int) -> Any:
    """NumPy scalars and arrays (any subclass read as a base ``ndarray``)."""
    import numpy as np

    if issubclass(kind, np.generic):
        return _numpy_scalar(value, kind)
    if not issubclass(kind, np.ndarray):
        return _NOT_MINE
    array = value if kind is np.ndarray else np.ndarray.copy(np.ndarray.view(value, np.ndarray))
    if array.dtype.kind != "O":
        if array.dtype.hasobject:
            raise Refused("the answer is an array of records holding Python objects; give plain numbers or text.")
        return array
    clean = np.empty(array.shape, dtype=object)
    flat = clean.reshape(-1)
    for index, item in enumerate(np.ndarray.tolist(array.reshape(-1))):
        flat[index] = plain(item, depth + 1)
    return clean


def _pandas(value: Any, kind: type, depth: int) -> Any:
    """pandas Series, DataFrame and Index: fresh copies with plain labels and plain object items."""
    import sys

    if "pandas" not in sys.modules:
        return _NOT_MINE
    import pandas as pd

    if not isinstance(value, (pd.Series, pd.DataFrame, pd.Index)):
        return _NOT_MINE
    if kind.__module__.split(".")[0] != "pandas":
        raise Refused(f"the answer (of type {kind.__name__}) is a subclass of a pandas type; give a plain pandas object.")
    if isinstance(value, pd.Index):
        return _plain_index(value, depth)
    if isinstance(value, pd.Series):
        return _plain_series(pd.Series(value, copy=True), depth)
    frame = pd.DataFrame(value, copy=True)
    if type(frame) is not pd.DataFrame:
        raise Refused("the answer's table could not be copied as a plain DataFrame.")
    columns = [_plain_series(frame.iloc[:, i], depth) for i in range(frame.shape[1])]
    rebuilt = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=frame.index)
    rebuilt.columns = _plain_index(frame.columns, depth)
    rebuilt.index = _plain_index(frame.index, depth)
    return rebuilt


def _plain_series(series: Any, depth: int) -> Any:
    import pandas as pd

    series = pd.Series(series, copy=True)
    if type(series) is not pd.Series:
        raise Refused("the answer's column could not be copied as a plain Series.")
    values = _plain_values(series._values, series.dtype, depth)
    name = plain(series.name, depth + 1)
    return pd.Series(values, index=_plain_index(series.index, depth), name=name, dtype=series.dtype, copy=False)


def _plain_values(values: Any, dtype: Any, depth: int) -> Any:
    """The values of a column or an index with every learner object inside made plain.

    NumPy-backed values become a base ``ndarray`` (an array subclass can hide in a Series);
    categories and text are rebuilt from plain items; other pandas arrays are kept.
    """
    import numpy as np
    import pandas as pd

    if isinstance(values, np.ndarray):
        return _numpy(values, type(values), depth)
    if isinstance(dtype, pd.CategoricalDtype):
        categories = _plain_index(dtype.categories, depth)
        codes = np.ndarray.copy(np.ndarray.view(np.asarray(pd.Categorical(values).codes), np.ndarray))
        return pd.Categorical.from_codes(codes, categories=categories, ordered=bool(dtype.ordered))
    if isinstance(dtype, pd.StringDtype):
        items = [plain(item, depth + 1) for item in np.asarray(values, dtype=object).tolist()]
        return pd.array(items, dtype=dtype)
    return values


def _plain_index(index: Any, depth: int) -> Any:
    import pandas as pd

    if type(index) is pd.RangeIndex:
        return pd.RangeIndex(index.start, index.stop, index.step, name=plain(index.name, depth + 1))
    if isinstance(index, pd.MultiIndex):
        tuples = [plain(t, depth + 1) for t in index.tolist()]
        return pd.MultiIndex.from_tuples(tuples, names=[plain(n, depth + 1) for n in index.names])
    values = _plain_values(index._values, index.dtype, depth)
    return pd.Index(values, dtype=index.dtype, name=plain(index.name, depth + 1), copy=True)


def _pretend_number(value: Any, kind: type, depth: int) -> Any:
    """An object registered as a number (``numbers.Real.register``) that is not a known number type."""
    import decimal
    import fractions

    if isinstance(value, numbers.Number) and kind not in (fractions.Fraction, decimal.Decimal):
        raise Refused(f"the answer (of type {kind.__name__}) is not a plain number; give an int or a float.")
    return _NOT_MINE


#: Methods through which an object could answer for itself when a check compares or reads it.
HOOKS = (
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__bool__", "__len__", "__iter__",
    "__contains__", "__getitem__", "__float__", "__int__", "__index__", "__str__", "__format__", "__getattr__",
    "__getattribute__", "__array__", "__array_ufunc__", "__array_function__", "__array_interface__",
    "__array_priority__", "__instancecheck__",
)

#: Libraries whose classes a check trusts to compare and convert honestly.
TRUSTED_LIBRARIES = frozenset(
    {"builtins", "numpy", "pandas", "sklearn", "scipy", "matplotlib", "collections", "datetime", "decimal",
     "fractions", "functools", "types", "pathlib", "enum", "abc", "mlkit", "_collections_abc", "typing",
     "keras", "jax", "jaxlib"}
)


def _from_trusted_library(cls: type, libraries: frozenset = TRUSTED_LIBRARIES) -> bool:
    """Whether ``cls`` is a class of one of ``libraries``, found where its module says it is.

    The class must be reachable from its module by its qualified name, or (as ``jax.Array``,
    whose ``__qualname__`` is ``jaxlib._jax.Array``) by its qualified name read as a full dotted
    path; either way the object found must be ``cls`` itself, so a learner's class that copies a
    library's ``__module__`` and ``__qualname__`` is not taken for it.
    """
    import sys

    module = type.__getattribute__(cls, "__module__")
    qualname = type.__getattribute__(cls, "__qualname__")
    if not isinstance(module, str) or module.split(".")[0] not in libraries or not isinstance(qualname, str):
        return False
    found = sys.modules.get(module)
    for part in qualname.split("."):
        found = getattr(found, part, None) if part != "<locals>" else None
    if found is cls:
        return True
    owner, _, name = qualname.rpartition(".")
    return bool(owner) and owner.split(".")[0] in libraries and getattr(sys.modules.get(owner), name, None) is cls


#: Libraries whose array types are read with ``np.asarray`` (their ``__array__``) before a check sees them.
ARRAY_LIBRARIES = frozenset({"jax", "jaxlib", "keras", "torch", "tensorflow"})


def _library_array(value: Any, kind: type, depth: int) -> Any:
    """An array of JAX, Keras, PyTorch or TensorFlow (``jax.grad``'s result, ``keras.ops.conv``'s): a NumPy array.

    Only when every class of the object is the library's own (a learner's subclass, which could
    change how the array converts or compares, is left to :func:`_own_hooks`), and the class
    exposes ``__array__``. What ``np.asarray`` gives is read like any array; a 0-d array becomes
    a NumPy scalar. An array that will not convert (a symbolic tensor) is left as it is.
    """
    import numpy as np

    module = type.__getattribute__(kind, "__module__")
    if not isinstance(module, str) or module.split(".")[0] not in ARRAY_LIBRARIES:
        return _NOT_MINE
    classes = [c for c in type.__getattribute__(kind, "__mro__") if c is not object]
    if not any("__array__" in type.__getattribute__(c, "__dict__") for c in classes):
        return _NOT_MINE
    if not all(_from_trusted_library(c, ARRAY_LIBRARIES) for c in classes):
        return _NOT_MINE
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - a tensor without values (symbolic, on a device): judged as before
        return _NOT_MINE
    if type(array) is not np.ndarray:
        return _NOT_MINE
    array = _numpy(array, np.ndarray, depth)
    return array[()] if array.ndim == 0 else array


def _own_hooks(value: Any, kind: type, depth: int) -> Any:
    """An object of the learner's own class that compares, converts or reads itself its own way."""
    for cls in type.__getattribute__(kind, "__mro__"):
        if _from_trusted_library(cls):
            continue
        defined = [hook for hook in HOOKS if hook in type.__getattribute__(cls, "__dict__")]
        if defined:
            raise Refused(
                f"the answer (of type {kind.__name__}) defines its own {', '.join(defined[:3])}; "
                "give plain values (numbers, text, lists, arrays, tables) or a scikit-learn object."
            )
    return _NOT_MINE


_READERS = (_builtin, _numpy, _pandas, _library_array, _pretend_number, _own_hooks)
