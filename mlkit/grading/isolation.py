"""Keep a learner's code out of the process that decides a check's verdict.

The grader checks one answer with two processes (see :func:`mlkit.grading.runner.check_one`):

- the **judge** runs the kit's check and writes the verdict. It never runs a learner's code:
  it never unpickles a learner's bytes with a loader that can call arbitrary functions, and it
  holds the learner's functions and objects only as :class:`Remote` handles;
- the **worker**, the judge's child, loads the answer (cloudpickle, which may run the learner's
  code), makes it plain (:func:`mlkit.course.checks.plain.plain`) and runs the learner's code
  whenever the check calls a function of the learner or reads an attribute of one of its objects.

What the worker sends is data only, read by :class:`JudgeUnpickler`: it builds built-in,
NumPy, pandas, PyArrow, SciPy and scikit-learn values and nothing else, calls no function but
a short list of those libraries' own reconstructors, and never sets an attribute of a class.
Anything that is not data (a function, a method, an object of the learner's own class, a Keras
model) stays in the worker and reaches the judge as a :class:`Remote`: calling it, or reading
one of its attributes, asks the worker, whose answer is again data or another handle. So code
the learner wrote (``__reduce__``, a function, a method) can only ever run in the worker, which
holds neither the verdict's pipe nor the check, and whatever it does there reaches the judge
as values that the check judges like any other.

Arguments the judge passes to the learner's code are sent to the worker (cloudpickle: the judge
trusts its own values); arrays, lists, dictionaries and random generators the learner's code
changed are written back into the judge's own objects, so a check that reads a generator after
the call (to draw the next value) sees what it would have seen in one process.
"""

from __future__ import annotations

import builtins
import io
import os
import pickle
import socket
import struct
from typing import Any

#: Libraries whose own types (never their functions) the judge builds from the worker's bytes.
DATA_LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "sklearn")

#: Parts of those libraries that read or write files, evaluate strings or test the library.
EXCLUDED_MODULES = (
    "numpy.f2py", "numpy.distutils", "numpy.testing", "numpy.ctypeslib", "numpy.lib.npyio", "numpy._utils",
    "pandas.io", "pandas.core.computation", "pandas.testing", "pandas._testing", "pandas.util", "pandas.plotting",
    "pyarrow.fs", "pyarrow.parquet", "pyarrow.dataset", "pyarrow.flight", "pyarrow.csv", "pyarrow.json",
    "pyarrow.orc", "pyarrow.feather", "pyarrow.cuda", "pyarrow.substrait", "pyarrow.ipc",
    "scipy.io", "scipy._lib", "scipy.datasets",
    "sklearn.utils._testing", "sklearn.externals", "sklearn.datasets", "sklearn.utils._show_versions",
)

_BUILTIN_TYPES = frozenset({
    list, dict, set, frozenset, tuple, bytearray, bytes, str, int, float, complex, bool, slice, range, object,
    type(None), type(Ellipsis),
})

#: The libraries' reconstructors (functions their pickles call) that build values from data.
RECONSTRUCTORS = frozenset({
    ("copyreg", "_reconstructor"),
    ("re", "_compile"),
    ("builtins", "Ellipsis"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy.ma.core", "_mareconstruct"),
    ("numpy.random._pickle", "__bit_generator_ctor"), ("numpy.random._pickle", "__generator_ctor"),
    ("numpy.random._pickle", "__randomstate_ctor"),
    ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
    ("pandas", "NA"),
    ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
    ("pandas._libs.internals", "_unpickle_block"),
    ("pandas._libs.tslibs.nattype", "_nat_unpickle"),
    ("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle"),
    ("pandas._libs.tslibs.timestamps", "_unpickle_timestamp"),
    ("pandas.core.indexes.base", "_new_Index"),
    ("pandas.core.indexes.datetimes", "_new_DatetimeIndex"),
    ("pandas.core.indexes.interval", "_new_IntervalIndex"),
    ("pandas.core.indexes.period", "_new_PeriodIndex"),
    ("pyarrow.lib", "_restore_array"), ("pyarrow.lib", "py_buffer"), ("pyarrow.lib", "type_for_alias"),
})

FRAME_CAP = 1024 * 1024 * 1024  # one message between judge and worker

def _containers() -> frozenset:
    """What APPEND(S), SETITEM(S) and ADDITEMS may fill (a pickle fills these by their own methods)."""
    import collections

    from sklearn.utils import Bunch

    return frozenset({list, dict, set, collections.OrderedDict, collections.defaultdict, collections.Counter,
                      collections.deque, Bunch})


def _opens_files(kind: type) -> bool:
    """Types of the data libraries that open, map or write files (their modules often say otherwise)."""
    names = {c.__name__ for c in kind.__mro__}
    return bool(names & {"memmap", "NativeFile", "FileSystem", "IOBase", "ExcelFile", "ExcelWriter", "HDFStore",
                         "DataSource", "RawIOBase", "BufferedIOBase", "TextIOBase", "Path", "PurePath"})


class IsolationError(Exception):
    """The worker broke the protocol, stopped, or sent something the judge will not build."""


# -- what counts as data ------------------------------------------------------------------------


def _library_type(kind: type) -> bool:
    """A type of one of :data:`DATA_LIBRARIES`, outside :data:`EXCLUDED_MODULES`."""
    module = getattr(kind, "__module__", None)
    if not isinstance(module, str):
        return False
    root = module.split(".", 1)[0]
    if root not in DATA_LIBRARIES:
        return False
    return not any(module == name or module.startswith(name + ".") for name in EXCLUDED_MODULES)


def _kit_value_type(kind: type) -> bool:
    """A dataclass of the kit's topic modules (``Dual``, ``Rule``): plain values a check hands out."""
    import dataclasses

    module = getattr(kind, "__module__", None)
    return isinstance(module, str) and module.startswith("mlkit.topics.") and dataclasses.is_dataclass(kind)


def is_data_type(kind: Any) -> bool:
    """True for the types whose values the worker sends by value."""
    if not isinstance(kind, type):
        return False
    if kind in _BUILTIN_TYPES or _kit_value_type(kind):
        return True
    if _opens_files(kind):
        return False
    import collections
    import datetime
    import decimal
    import fractions
    import re

    if kind in (re.Pattern, collections.OrderedDict, collections.defaultdict, collections.Counter, collections.deque,
                datetime.date, datetime.datetime, datetime.time, datetime.timedelta, datetime.timezone,
                decimal.Decimal, fractions.Fraction):
        return True
    return _library_type(kind)


# -- the worker's side ------------------------------------------------------------------------


class Handles:
    """The worker's table of objects the judge holds as :class:`Remote` handles."""

    def __init__(self) -> None:
        self.objects: list[Any] = []
        self.index: dict[int, int] = {}

    def keep(self, obj: Any) -> int:
        number = self.index.get(id(obj))
        if number is None or self.objects[number] is not obj:
            number = len(self.objects)
            self.objects.append(obj)
            self.index[id(obj)] = number
        return number


def _reconstructor_allowed(function: Any) -> bool:
    key = (getattr(function, "__module__", None), getattr(function, "__name__", None))
    return key in RECONSTRUCTORS


class WorkerPickler(pickle.Pickler):
    """Pickles data by value and everything else as a handle (``persistent_id``)."""

    def __init__(self, file, handles: Handles):
        super().__init__(file, protocol=5)
        self.handles = handles

    def persistent_id(self, obj: Any):
        kind = type(obj)
        if kind in _BUILTIN_TYPES or kind is pickle.PickleBuffer:
            return None
        import numpy as np

        if isinstance(obj, np.ufunc) and getattr(np, obj.__name__, None) is obj:
            return ("ufunc", obj.__name__)
        if isinstance(obj, type) and is_data_type(obj):
            return None  # a class named by a value's pickle (a dtype class, an estimator's class)
        if callable(obj) and not isinstance(obj, type) and _reconstructor_allowed(obj):
            return None
        if is_data_type(kind) and not isinstance(obj, type) and self._reduces_to_data(obj):
            return None
        return ("ref", self.handles.keep(obj), _kind_of(obj), _describe(obj), _library_class(obj))

    @staticmethod
    def _reduces_to_data(obj: Any) -> bool:
        """Its pickle calls only a data type or an allowed reconstructor (else the judge could not build it)."""
        import copyreg

        try:
            reducer = copyreg.dispatch_table.get(type(obj))  # how pickle reduces it (re.Pattern is reduced there)
            reduced = reducer(obj) if reducer is not None else obj.__reduce_ex__(5)
        except Exception:
            return False
        if isinstance(reduced, str):  # a module-level singleton named by its pickle
            return (getattr(type(obj), "__module__", None), reduced) in RECONSTRUCTORS
        function = reduced[0]
        if getattr(function, "__name__", None) == "__newobj__" or function is getattr(__import__("copyreg"), "__newobj__"):
            return True
        return (isinstance(function, type) and is_data_type(function)) or _reconstructor_allowed(function)


def _kind_of(obj: Any) -> str:
    """"class", "callable" or "object": which handle the judge makes."""
    if isinstance(obj, type):
        return "class"
    return "callable" if callable(obj) else "object"


def _library_class(obj: Any) -> str:
    """``module:qualname`` of the object's class when it is a trusted library's own (else ``""``).

    The judge shows it as the handle's ``__class__``, so that ``isinstance(handle, Figure)`` holds
    for a learner's matplotlib figure; the object itself stays in the worker.
    """
    from mlkit.course.checks.plain import _from_trusted_library

    if isinstance(obj, type):
        return ""
    try:  # the class itself, or for a learner's subclass the nearest library class it derives from
        kind = next(c for c in type(obj).__mro__ if c is not object and _from_trusted_library(c))
    except Exception:
        return ""
    if kind.__module__ == "builtins":
        return ""
    return f"{kind.__module__}:{kind.__qualname__}"


def _describe(obj: Any) -> str:
    kind = type(obj)
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', kind.__name__)}"[:120]


def encode(value: Any, handles: Handles) -> bytes:
    """``value`` as the judge can read it: data by value, anything else as handles."""
    buffer = io.BytesIO()
    WorkerPickler(buffer, handles).dump(value)
    return buffer.getvalue()


# -- the judge's side ---------------------------------------------------------------------------


class JudgeUnpickler(pickle._Unpickler):  # the Python implementation: its BUILD can be refused for classes
    """Builds only data (see :func:`is_data_type` and :data:`RECONSTRUCTORS`) and :class:`Remote` handles."""

    def __init__(self, file, link: "Link"):
        super().__init__(file)
        self.link = link
        self.dispatch = dict(self.dispatch)
        self.dispatch[pickle.BUILD[0]] = JudgeUnpickler._load_build
        for opcode, target in ((pickle.APPEND, -2), (pickle.APPENDS, None), (pickle.SETITEM, -3),
                               (pickle.SETITEMS, None), (pickle.ADDITEMS, None)):
            self.dispatch[opcode[0]] = self._containers_only(self.dispatch[opcode[0]], target)

    def _containers_only(self, load, target):
        """APPEND(S), SETITEM(S), ADDITEMS only into plain containers (they call the target's own methods)."""

        allowed = _containers()

        def guarded(unpickler):
            found = unpickler.stack[target] if target is not None else unpickler.metastack[-1][-1]
            if type(found) not in allowed:
                raise IsolationError("the answer tried to add items to something that is not a list, set or dict")
            load(unpickler)

        return guarded

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in RECONSTRUCTORS:
            return super().find_class(module, name)
        if module == "builtins":
            found = getattr(builtins, name, None)
            if isinstance(found, type) and found in _BUILTIN_TYPES:
                return found
            raise IsolationError(f"the answer names builtins.{name}, which the grader does not build")
        if module.split(".", 1)[0] not in (*DATA_LIBRARIES, "collections", "datetime", "decimal", "fractions") and not (
                module.startswith("mlkit.topics.")):
            raise IsolationError(f"the answer names {module}.{name}, which the grader does not build")
        found = super().find_class(module, name)
        if not is_data_type(found):
            raise IsolationError(f"the answer names {module}.{name}, which the grader does not build")
        return found

    def persistent_load(self, pid: Any) -> Any:
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "ufunc" and isinstance(pid[1], str):
            import numpy as np

            found = getattr(np, pid[1], None)
            if isinstance(found, np.ufunc):
                return found
        if (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "ref" and type(pid[1]) is int
                and pid[2] in ("class", "callable", "object") and type(pid[3]) is str and type(pid[4]) is str):
            return self.link.handle(pid[1], pid[2], pid[3][:120], pid[4])
        raise IsolationError("the worker sent a handle the grader does not know")

    def _load_build(self) -> None:
        import types

        inst = self.stack[-2]
        if isinstance(inst, (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)) or _shared(inst):
            raise IsolationError("the answer tried to change a class, a function or a shared value while it was read")
        pickle._Unpickler.load_build(self)


def _shared(value: Any) -> bool:
    """One of the libraries' singletons (``pd.NaT``, ``pd.NA``, ``np.ma.masked``, ``...``): never changed by a read."""
    import numpy as np
    import pandas as pd

    return any(value is shared for shared in (pd.NaT, pd.NA, np.ma.masked, Ellipsis, None, True, False))


def decode(data: bytes, link: "Link") -> Any:
    """Read what the worker sent (see :class:`JudgeUnpickler`)."""
    try:
        return JudgeUnpickler(io.BytesIO(data), link).load()
    except IsolationError:
        raise
    except Exception as error:
        raise IsolationError(f"the grader could not read a value your code returned ({type(error).__name__})") from None


class Remote:
    """The judge's handle on one object that stays in the worker (the learner's code).

    Reading an attribute, converting it to an array, taking its length, iterating over it or
    indexing it asks the worker, whose answer is data or another handle; nothing of the object
    runs in the judge. Its ``__class__`` is the object's class when that is a trusted library's
    own (a matplotlib figure, a Keras model), so that type tests hold; else the handle's.
    """

    __slots__ = ("_link", "_ref", "_kind", "_class")

    def __init__(self, link: "Link", ref: int, kind: str, library_class: str = ""):
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_class", library_class)

    @property
    def __class__(self):  # noqa: D105 - isinstance() reads it
        path = object.__getattribute__(self, "_class")
        found = _resolve(path) if path else None  # looked up when asked: the check imports the library first
        return found if found is not None else type(self)

    def __getattr__(self, name: str) -> Any:
        if (name.startswith("__") and name.endswith("__") and name not in ("__name__", "__qualname__", "__doc__")
                and not name.startswith("__sklearn_")):  # scikit-learn's protocol (tags, fitted) is asked for
            raise AttributeError(name)
        return self._link.request(("getattr", self._ref, name))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("the learner's objects cannot be changed by the grader")

    @property
    def __dict__(self) -> dict:  # vars(handle): a copy of the object's attributes (scikit-learn reads them)
        found = self._link.request(("getattr", self._ref, "__dict__"))
        return dict(found) if type(found) is dict else {}

    def __array__(self, dtype=None, copy=None):
        import numpy as np

        found = self._link.request(("apply", _as_array, (self,), {}))
        return np.asarray(found, dtype=dtype) if dtype is not None else np.asarray(found)

    def __len__(self) -> int:
        return int(self._link.request(("apply", len, (self,), {})))

    def __iter__(self):
        return iter(self._link.request(("apply", list, (self,), {})))

    def __getitem__(self, key: Any) -> Any:
        return self._link.request(("apply", _item, (self, key), {}))

    def __repr__(self) -> str:
        return f"<{self._kind} (the learner's object)>"

    def _mlkit_run_beside(self, function: Any, args: tuple, kwargs: dict) -> Any:
        """Run the check's ``function(*args, **kwargs)`` in the worker (see ``core.beside_learner``)."""
        return self._link.request(("apply", function, args, kwargs))

    def __reduce__(self):
        raise TypeError("a handle on the learner's object cannot be copied")


def _as_array(value: Any) -> Any:
    import numpy as np

    return np.asarray(value)


def _item(value: Any, key: Any) -> Any:
    return value[key]


class RemoteCallable(Remote):
    """A handle on a function or method of the learner: calling it runs it in the worker."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._link.call(self._ref, args, kwargs)


class _RemoteType(type):
    """The metaclass of a learner's class seen from the judge: using the class asks the worker."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._mlkit_link.call(cls._mlkit_ref, args, kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return cls._mlkit_link.request(("getattr", cls._mlkit_ref, name))


def _remote_class(link: "Link", ref: int, described: str) -> type:
    """A class in the judge standing for the learner's class ``ref`` (``isinstance(it, type)`` holds)."""
    name = described.rsplit(".", 1)[-1]
    name = name if name.isidentifier() else "LearnersClass"
    return _RemoteType(name, (), {"_mlkit_link": link, "_mlkit_ref": ref, "__module__": "learner"})


def _resolve(path: str) -> type | None:
    """The trusted library class ``module:qualname`` in the judge, if it is one (else None)."""
    import sys

    from mlkit.course.checks.plain import _from_trusted_library

    module_name, _, qualname = path.partition(":")
    found = sys.modules.get(module_name)
    for part in qualname.split(".") if found is not None and qualname else ():
        found = getattr(found, part, None) if part != "<locals>" else None
    return found if isinstance(found, type) and _from_trusted_library(found) else None


class RemoteRaised(Exception):
    """What the learner's code raised in the worker, under its own class's name."""


_RAISED_CLASSES: dict[tuple[str, type], type] = {}


def _raised(described: str, message: str) -> BaseException:
    """The exception the learner's code raised, as ``name:builtin base``: of that base, under that name."""
    name, _, base_name = described.partition(":")
    found = getattr(builtins, name, None)
    if isinstance(found, type) and issubclass(found, Exception) and found.__module__ == "builtins":
        return found(message)
    base = getattr(builtins, base_name, None)
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception  # KeyboardInterrupt, SystemExit and the like stay ordinary errors here
    safe = name if name.isidentifier() and len(name) <= 60 else "Exception"
    cls = _RAISED_CLASSES.get((safe, base))
    if cls is None:
        cls = _RAISED_CLASSES[(safe, base)] = type(safe, (RemoteRaised, base), {})
    return cls(message)


# -- the channel between the two ------------------------------------------------------------------


def _send(sock: socket.socket, data: bytes) -> None:
    sock.sendall(struct.pack("!Q", len(data)) + data)


def _receive(sock: socket.socket, cap: int = FRAME_CAP) -> bytes:
    head = _exactly(sock, 8)
    (size,) = struct.unpack("!Q", head)
    if size > cap:
        raise IsolationError("your code returned more data than the grader reads")
    return _exactly(sock, size)


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        block = sock.recv(min(left, 1 << 20))
        if not block:
            raise IsolationError("your code stopped the process that ran it")
        chunks.append(block)
        left -= len(block)
    return b"".join(chunks)


class _JudgePickler:
    """Pickles the judge's own values for the worker; handles travel as their numbers."""

    @staticmethod
    def dumps(value: Any) -> bytes:
        import cloudpickle

        class Pickler(cloudpickle.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, Remote):
                    return ("ref", object.__getattribute__(obj, "_ref"))
                if isinstance(obj, _RemoteType):
                    return ("ref", obj._mlkit_ref)
                return None

        buffer = io.BytesIO()
        Pickler(buffer, protocol=5).dump(value)
        return buffer.getvalue()


class Link:
    """The judge's end: requests to the worker and their decoded replies."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.handles: dict[int, Any] = {}

    def handle(self, ref: int, kind: str, described: str, library_class: str) -> Any:
        """The judge's one handle on the worker's object ``ref`` (the same object gives the same handle)."""
        found = self.handles.get(ref)
        if found is None:
            if kind == "class":
                found = _remote_class(self, ref, described)
            else:
                found = (RemoteCallable if kind == "callable" else Remote)(self, ref, described, library_class[:300])
            self.handles[ref] = found
        return found

    def request(self, message: tuple) -> Any:
        _send(self.sock, _JudgePickler.dumps(message))
        reply = decode(_receive(self.sock), self)
        if not (isinstance(reply, tuple) and reply and isinstance(reply[0], str)):
            raise IsolationError("the worker broke the grader's protocol")
        if reply[0] == "ok" and len(reply) == 2:
            return reply[1]
        if reply[0] == "raised" and len(reply) == 3 and all(type(part) is str for part in reply[1:]):
            raise _raised(reply[1], reply[2])
        if reply[0] == "withheld" and len(reply) == 2 and type(reply[1]) is str:
            from mlkit.course.checks.withheld import Withheld

            raise Withheld(reply[1])
        if reply[0] == "refused" and len(reply) == 2 and type(reply[1]) is str:
            from mlkit.course.checks.plain import Refused

            raise Refused(reply[1])
        raise IsolationError("the worker broke the grader's protocol")

    def call(self, ref: int, args: tuple, kwargs: dict) -> Any:
        from mlkit.course.checks.core import Incorrect
        from mlkit.course.checks.plain import Refused

        try:
            reply = self.request(("call", ref, args, kwargs, _withheld_now()))
        except Refused as refused:  # worded as :func:`~mlkit.course.checks.core.call_learner` words it
            raise Incorrect(f"your code returned something that is not a plain value: {refused}") from None
        if not (type(reply) is tuple and len(reply) == 2):
            raise IsolationError("the worker broke the grader's protocol")
        result, changed = reply
        _write_back(args, kwargs, changed)
        return result

    def answer(self) -> tuple[tuple, dict]:
        args, kwargs = self.request(("answer",))
        if not (type(args) is tuple and type(kwargs) is dict):
            raise IsolationError("the worker broke the grader's protocol")
        return args, kwargs


def _withheld_now() -> list:
    """The kit functions a check withholds at this moment (the worker withholds them too)."""
    from mlkit.course.checks import withheld

    return withheld.active()


def _write_back(args: tuple, kwargs: dict, changed: Any) -> None:
    """Copy into the judge's arguments what the learner's code changed in the worker's copies."""
    import numpy as np

    if type(changed) is not dict:
        raise IsolationError("the worker broke the grader's protocol")
    given = dict(enumerate(args)) | {key: value for key, value in kwargs.items()}
    for key, new in changed.items():
        old = given.get(key)
        if isinstance(old, np.random.Generator) and type(new) is dict:
            old.bit_generator.state = new
        elif isinstance(old, np.random.RandomState) and type(new) is tuple:
            old.set_state(new)
        elif type(old) is np.ndarray and type(new) is np.ndarray and new.shape == old.shape and old.flags.writeable:
            old[...] = new
        elif type(old) is list and type(new) is list:
            old[:] = new
        elif type(old) is dict and type(new) is dict:
            old.clear()
            old.update(new)


# -- the worker's loop ------------------------------------------------------------------------------


def _state(value: Any) -> Any:
    """What :func:`_write_back` compares and copies, or None for values it leaves alone."""
    import copy

    import numpy as np

    if isinstance(value, np.random.Generator):
        return value.bit_generator.state
    if isinstance(value, np.random.RandomState):
        return value.get_state()
    if type(value) in (np.ndarray, list, dict):
        try:
            return copy.deepcopy(value)
        except Exception:
            return None
    return None


def _same(a: Any, b: Any) -> bool:
    import numpy as np

    try:
        if isinstance(a, np.ndarray):
            return isinstance(b, np.ndarray) and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        return bool(a == b)
    except Exception:
        return False


def serve(sock: socket.socket, answer: bytes) -> None:
    """The worker: load the answer, then answer the judge's requests until it hangs up."""
    import cloudpickle

    from mlkit.course.checks.plain import Refused, plain
    from mlkit.course.checks.withheld import Withheld

    handles = Handles()
    args, kwargs = cloudpickle.loads(answer)
    del answer

    class Loader(pickle.Unpickler):
        def persistent_load(self, pid):
            return handles.objects[pid[1]]

    while True:
        try:
            request = Loader(io.BytesIO(_receive(sock))).load()
        except IsolationError:
            return
        try:
            reply = ("ok", _handle(request, handles, args, kwargs, plain))
        except Refused as refused:
            reply = ("refused", str(refused))
        except Withheld as withheld:  # a kit function the check withholds was called: "Not quite", as in one process
            reply = ("withheld", str(withheld)[:1000])
        except BaseException as error:  # the learner's code raised: its name and first line only
            text = str(error).strip().splitlines()
            base = next((c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"), "Exception")
            reply = ("raised", f"{type(error).__name__[:60]}:{base}", (text[0] if text else "")[:500])
        try:
            data = encode(reply, handles)
        except BaseException as error:
            data = encode(("raised", "TypeError", f"the grader could not send back what your code returned "
                                                  f"({type(error).__name__})"), handles)
        _send(sock, data)


def _handle(request: tuple, handles: Handles, args: Any, kwargs: Any, plain) -> Any:
    kind = request[0]
    if kind == "answer":
        return tuple(plain(a) for a in args), {str(k): plain(v) for k, v in kwargs.items()}
    if kind == "apply":  # the judge's own function on the learner's objects, run here
        _, function, call_args, call_kwargs = request
        return plain(function(*call_args, **call_kwargs))
    if kind == "getattr":
        value = getattr(handles.objects[request[1]], request[2])
        return value if callable(value) else plain(value)  # a method stays in the worker, as a handle
    if kind == "call":
        _, ref, call_args, call_kwargs, withheld = request
        before = {i: _state(v) for i, v in enumerate(call_args)} | {k: _state(v) for k, v in call_kwargs.items()}
        with _withholding(withheld):
            result = handles.objects[ref](*call_args, **call_kwargs)
        after = dict(enumerate(call_args)) | dict(call_kwargs)
        changed = {}
        for key, old in before.items():
            if old is not None:
                new = _state(after[key])
                if new is not None and not _same(old, new):
                    changed[key] = plain(new)
        return plain(result), changed
    raise ValueError(f"unknown request {kind!r}")


def _withholding(entries: list):
    """The same kit functions withheld in the worker as in the judge (see :mod:`mlkit.course.checks.withheld`)."""
    from mlkit.course.checks import withheld

    return withheld.replay(entries)


def pair() -> tuple[socket.socket, socket.socket]:
    """A connected pair of sockets (judge's end, worker's end); neither is inherited by exec."""
    judge, worker = socket.socketpair()
    for end in (judge, worker):
        os.set_inheritable(end.fileno(), False)
    return judge, worker
