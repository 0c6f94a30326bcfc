"""No learner object decides its own verdict, and no model passes by knowing the held-back labels.

For every exercise in the catalogue, the right answers captured from its solution notebook are
disguised: wrong data inside an object whose methods (``__eq__``, ``__float__``, ``strip``,
``__array_ufunc__``, ``__len__``, a replaced pandas method...) all report the right answer or
"equal". Each disguise must be refused. A model whose ``predict`` returns the labels of the
kit's held-back rows must be refused by every check that scores on them.
"""

from __future__ import annotations

import contextlib
import inspect
import re
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlkit.course import curriculum
from mlkit.course.checks import PASSED
from mlkit.course.checks.plain import Refused, plain
from mlkit.course.checks.registry import all_exercises
from mlkit.course.verification.capture import run_solution

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


# --- the right answers, as the solution notebooks give them ------------------------------------


@lru_cache(maxsize=None)
def _runs(unit_id: str) -> dict:
    import tempfile

    unit = curriculum.get_unit(unit_id)
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_solution(ROOT / unit.solutions, folder)


def right_call(exercise):
    """(args, kwargs) of the first call of the exercise's check that passed in its solution notebook."""
    run = _runs(exercise.unit).get(exercise.name)
    calls = [c for c in (run.calls if run else []) if c.outcome.status == PASSED and c.exercise.id == exercise.id]
    assert calls, f"{exercise.id}: its solution notebook gives no passing answer"
    return calls[0].args, calls[0].kwargs


def _ids() -> list[str]:
    units = {u.id for u in curriculum.units() if u.solutions and (ROOT / u.solutions).is_file()}
    return [e.id for e in all_exercises() if e.unit in units]


def _exercise(exercise_id: str):
    return next(e for e in all_exercises() if e.id == exercise_id)


# --- disguises: wrong data, every method reporting the right answer ----------------------------


def wrong_data(value):
    """Data of the same kind as ``value`` that is not right: numbers moved, text emptied."""
    if isinstance(value, (bool, np.bool_)):
        return not value
    if isinstance(value, (int, np.integer)):
        return value * 3 + 7
    if isinstance(value, (float, np.floating)):
        return float(value) * 3 + 7.5
    if isinstance(value, str):
        return ""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iu":
            return np.roll(value * 3 + 7, 1)  # moved as well: a relabelling alone can be right for groupings
        if value.dtype.kind == "f":
            return value * 3 + 7
        if value.dtype.kind == "b":
            return ~value
        return np.full(value.shape, "", dtype=object)
    if isinstance(value, (list, tuple)):
        return type(value)(wrong_data(v) for v in value)
    if isinstance(value, dict):
        return {k: wrong_data(v) for k, v in value.items()}
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.iloc[::-1].head(max(len(value) - 1, 1))
    return None


def _yes(*_args, **_kwargs):
    return True


def _no(*_args, **_kwargs):
    return False


def liar_str(right: str, data: str = ""):
    """A str holding ``data`` whose every method answers as ``right`` would, and equal to anything."""

    class Liar(str):
        __eq__ = _yes
        __ne__ = _no
        __contains__ = _yes
        __hash__ = lambda self: hash(right)  # noqa: E731
        __str__ = __repr__ = __format__ = lambda self, *a: right  # noqa: E731
        __len__ = lambda self: len(right)  # noqa: E731
        __iter__ = lambda self: iter(right)  # noqa: E731
        __getitem__ = lambda self, i: right[i]  # noqa: E731
        __radd__ = lambda self, other: other + right  # noqa: E731
        __add__ = lambda self, other: right + other  # noqa: E731

    for method in ("strip", "lower", "upper", "casefold", "lstrip", "rstrip", "title", "replace", "split", "startswith",
                   "endswith", "isdigit", "encode", "format", "join", "find", "count", "index", "partition"):
        setattr(Liar, method, (lambda m: lambda self, *a, **k: getattr(right, m)(*a, **k))(method))
    return Liar(data)


def liar_number(right, data):
    """A number holding ``data`` whose conversions give ``right`` and which equals anything."""
    base = int if isinstance(right, (int, np.integer)) and not isinstance(right, (bool, np.bool_)) else float
    if isinstance(right, np.floating):
        base = np.float64

    class Liar(base):
        __eq__ = __le__ = __ge__ = _yes
        __ne__ = __lt__ = __gt__ = _no
        __hash__ = lambda self: hash(right)  # noqa: E731
        __float__ = lambda self: float(right)  # noqa: E731
        __int__ = __index__ = lambda self: int(right)  # noqa: E731
        __abs__ = lambda self: abs(right)  # noqa: E731
        __sub__ = __rsub__ = lambda self, other: 0  # noqa: E731
        __round__ = lambda self, *a: round(right, *a)  # noqa: E731
        __str__ = __repr__ = __format__ = lambda self, *a: format(right, *a)  # noqa: E731
        is_integer = lambda self: True  # noqa: E731
        item = lambda self: right  # noqa: E731

    return Liar(data)


class LiarArray(np.ndarray):
    """An array holding wrong data that presents the right data to every NumPy operation."""

    right: np.ndarray

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = [self.right if isinstance(i, LiarArray) else i for i in inputs]
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        args = [self.right if isinstance(a, LiarArray) else a for a in args]
        return func(*args, **kwargs)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.right, dtype=dtype)

    __eq__ = lambda self, other: np.ones(self.shape, dtype=bool)  # noqa: E731
    __ne__ = lambda self, other: np.zeros(self.shape, dtype=bool)  # noqa: E731

    def tolist(self):
        return self.right.tolist()

    def astype(self, *args, **kwargs):
        return self.right.astype(*args, **kwargs)

    def __iter__(self):
        return iter(self.right)

    def __getitem__(self, key):
        return self.right[key]


def liar_array(right: np.ndarray, data: np.ndarray):
    made = np.asarray(data).view(LiarArray)
    made.right = right
    return made


def liar_sequence(right, data):
    """A list or tuple holding ``data`` that iterates, indexes and compares as ``right``."""

    class Liar(type(right)):
        __eq__ = _yes
        __ne__ = _no
        __len__ = lambda self: len(right)  # noqa: E731
        __iter__ = lambda self: iter(right)  # noqa: E731
        __getitem__ = lambda self, i: right[i]  # noqa: E731
        __contains__ = _yes
        __hash__ = lambda self: hash(tuple(right)) if isinstance(right, tuple) else 0  # noqa: E731

    return Liar(data)


def liar_dict(right: dict, data: dict):
    class Liar(dict):
        __eq__ = _yes
        __ne__ = _no
        __contains__ = _yes
        __len__ = lambda self: len(right)  # noqa: E731
        __iter__ = lambda self: iter(right)  # noqa: E731
        __getitem__ = lambda self, k: right[k]  # noqa: E731
        keys = lambda self: right.keys()  # noqa: E731
        values = lambda self: right.values()  # noqa: E731
        items = lambda self: right.items()  # noqa: E731
        get = lambda self, k, d=None: right.get(k, d)  # noqa: E731

    return Liar(data)


def patched_pandas(right, data):
    """A plain pandas object holding ``data`` whose methods were replaced to answer as ``right``."""
    data = data.copy()
    for method in ("equals", "to_numpy", "astype", "copy", "head", "tolist", "to_list", "sort_values", "reset_index",
                   "value_counts", "mean", "sum", "round", "isna", "notna", "describe", "groupby", "sort_index",
                   "drop_duplicates", "dropna", "fillna", "unique", "nunique", "items", "select_dtypes", "agg"):
        if hasattr(right, method):
            object.__setattr__(data, method, getattr(right, method))
    return data


class Subclassed(pd.DataFrame):
    """A DataFrame subclass: comparisons say equal."""

    def equals(self, other):
        return True

    def __eq__(self, other):
        return pd.DataFrame(True, index=self.index, columns=self.columns)


class Chameleon:
    """Equal to anything, a number or text when asked, every attribute itself."""

    def __init__(self, right):
        self._right = right

    __eq__ = _yes
    __ne__ = _no
    __hash__ = lambda self: 0  # noqa: E731

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __float__(self):
        return float(self._right) if isinstance(self._right, (int, float, np.number)) else 0.0

    def __index__(self):
        return int(self._right) if isinstance(self._right, (int, np.integer)) else 0

    def __len__(self):
        return len(self._right) if hasattr(self._right, "__len__") else 1

    def __iter__(self):
        return iter(self._right) if hasattr(self._right, "__iter__") else iter(())

    def __bool__(self):
        return True

    def __str__(self):
        return str(self._right)


class ClaimsToBe:
    """An object whose ``__class__`` says it is the right answer's type."""

    def __init__(self, right):
        self._right = right

    @property
    def __class__(self):
        return type(self._right)

    __eq__ = _yes
    __hash__ = lambda self: 0  # noqa: E731

    def __getattr__(self, name):
        return getattr(self._right, name)


def disguises(right) -> list[tuple[str, object]]:
    """(name, disguised wrong answer) for one right value; empty for values that are not data."""
    data = wrong_data(right)
    if data is None:  # an estimator, a function: objects that answer for it
        return [("always-equal object", Chameleon(right)), ("object claiming to be of its class", ClaimsToBe(right))]
    found = [("always-equal object", Chameleon(right))]
    if isinstance(right, str):
        found.append(("str subclass", liar_str(right, data)))
        found.append(("str subclass holding another letter", liar_str(right, "Z" if right.strip().upper() != "Z" else "Y")))
        found.append(("object claiming to be a str", ClaimsToBe(right)))
    elif isinstance(right, (bool, np.bool_)):
        return found
    elif isinstance(right, (int, float, np.integer, np.floating)):
        found.append(("number subclass", liar_number(right, data)))
        found.append(("number subclass holding NaN", liar_number(right, float("nan")) if not isinstance(right, (int, np.integer)) else liar_number(right, data)))
    elif isinstance(right, np.ndarray):
        found.append(("array subclass", liar_array(right, data)))
    elif isinstance(right, (list, tuple)):
        found.append((f"{type(right).__name__} subclass", liar_sequence(right, data)))
    elif isinstance(right, dict):
        found.append(("dict subclass", liar_dict(right, data)))
    elif isinstance(right, (pd.Series, pd.DataFrame)):
        found.append(("pandas object with replaced methods", patched_pandas(right, data)))
        if isinstance(right, pd.DataFrame):
            found.append(("DataFrame subclass", Subclassed(data)))
    return found


def _cases():
    for exercise_id in _ids():
        yield pytest.param(exercise_id, id=exercise_id)


@pytest.mark.parametrize("exercise_id", list(_cases()))
def test_no_disguised_wrong_answer_passes(exercise_id):
    exercise = _exercise(exercise_id)
    args, kwargs = right_call(exercise)
    passed = []
    positions = [(i, a) for i, a in enumerate(args)] + list(kwargs.items())
    for position, right in positions:
        for name, disguised in disguises(right):
            new_args = tuple(disguised if i == position else a for i, a in enumerate(args))
            new_kwargs = {k: disguised if k == position else v for k, v in kwargs.items()}
            with warnings.catch_warnings(), contextlib.redirect_stdout(None):
                warnings.simplefilter("ignore")
                outcome = exercise.evaluate(*new_args, **new_kwargs)
            if outcome.status == PASSED:
                passed.append(f"argument {position}: {name}")
    assert passed == [], f"{exercise_id} let disguised wrong answers pass: {passed}"


# --- the held-back labels ---------------------------------------------------------------------


def held_back_labels(exercise) -> np.ndarray:
    """The labels of the held-back rows the exercise's check scores on, as the kit stores them."""
    import importlib

    from mlkit.course.checks.registry import module_name

    held = importlib.import_module(module_name(exercise.unit))._holdout()
    return np.asarray(held[1] if isinstance(held, tuple) else held["queue"])


def oracle_of(estimator, labels: np.ndarray):
    """The estimator with its last step's ``predict`` returning ``labels`` when asked for that many rows."""
    from sklearn.pipeline import Pipeline

    def predict(self, X):
        return labels.copy() if len(X) == len(labels) else super(type(self), self).predict(X)

    def cheat(step):
        oracle_class = type(f"Oracle{type(step).__name__}", (type(step),), {"predict": predict})
        made = oracle_class.__new__(oracle_class)
        made.__dict__.update(step.__dict__)
        return made

    if isinstance(estimator, Pipeline):
        return Pipeline([*estimator.steps[:-1], (estimator.steps[-1][0], cheat(estimator.steps[-1][1]))])
    return cheat(estimator)


def _holdout_scored() -> list[str]:
    found = []
    for exercise_id in _ids():
        source = inspect.getsource(_exercise(exercise_id).check_function)
        if "_holdout()" in source and re.search(r"expect_score|_rmse|holdout_predictions", source):
            found.append(exercise_id)
    return found


def test_the_checks_that_score_on_held_back_rows_are_found():
    assert {"classification.first_model", "classification.pipeline", "capstone.pipeline", "nlp.features"} <= set(
        _holdout_scored()
    )


@pytest.mark.parametrize("exercise_id", _holdout_scored())
def test_a_model_returning_the_held_back_labels_is_refused(exercise_id):
    from sklearn.base import BaseEstimator

    exercise = _exercise(exercise_id)
    args, kwargs = right_call(exercise)
    position = next(i for i, a in enumerate(args) if isinstance(a, BaseEstimator))
    honest = exercise.evaluate(*args, **kwargs)
    assert honest.status == PASSED, honest
    labels = held_back_labels(exercise)
    cheat = tuple(oracle_of(a, labels) if i == position else a for i, a in enumerate(args))
    final = cheat[position].steps[-1][1] if hasattr(cheat[position], "steps") else cheat[position]
    assert (type(final).predict(final, np.zeros((len(labels), 1))) == labels).all()  # the cheat is real
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = exercise.evaluate(*cheat, **kwargs)
    assert outcome.status != PASSED, outcome
    assert outcome.message != honest.message


def test_an_honest_model_gets_the_same_score_in_every_run():
    exercise = _exercise("classification.pipeline")
    args, kwargs = right_call(exercise)
    messages = {exercise.evaluate(*args, **kwargs).message for _ in range(3)}
    assert len(messages) == 1 and "0." in messages.pop()


# --- plain values --------------------------------------------------------------------------------


def test_plain_turns_subclasses_into_exact_types():
    assert type(plain(liar_str("A", "B"))) is str and plain(liar_str("A", "B")) == "B"
    assert type(plain(liar_number(1.0, 2.5))) is float and plain(liar_number(1.0, 2.5)) == 2.5
    assert type(plain(liar_number(1, 4))) is int and plain(liar_number(1, 4)) == 4
    assert plain(liar_sequence([1, 2], [3])) == [3]
    array = plain(liar_array(np.zeros(2), np.ones(2)))
    assert type(array) is np.ndarray and array.tolist() == [1.0, 1.0]


def test_plain_keeps_honest_values_as_they_are():
    values = [np.float32(0.5), np.int64(3), np.array([1, 2]), pd.Series([1.0, 2.0], name="x"), (1, [2.0, "a"])]
    for value in values:
        made = plain(value)
        assert type(made) is type(value)
    frame = pd.DataFrame({"a": [1, 2], "b": pd.Categorical(["x", "y"]), "c": ["p", None]}, index=[5, 6])
    assert plain(frame).equals(frame) and list(plain(frame).dtypes) == list(frame.dtypes)


@pytest.mark.parametrize(
    "hostile",
    [ClaimsToBe("A"), Subclassed({"a": [1]}), [[[[]]]] and eval("[" * 80 + "]" * 80)],
    ids=["lying __class__", "pandas subclass", "deep nesting"],
)
def test_plain_refuses_what_it_cannot_read_faithfully(hostile):
    with pytest.raises(Refused):
        plain(hostile)


# --- found by attacking the checks ---------------------------------------------------------------


def _flattering(model, score: float):
    """The learner's pipeline, of a Pipeline subclass whose ``score`` reports ``score`` whatever the data."""
    from sklearn.pipeline import Pipeline

    flattering = type("Flattering", (Pipeline,), {"score": lambda self, X, y, sample_weight=None: score})
    return flattering(list(model.steps))


def test_a_pipeline_whose_score_method_reports_the_learners_number_is_refused():
    exercise = _exercise("pipelines-architecture.model")
    (model, right), kwargs = right_call(exercise)
    assert exercise.evaluate(model, right, **kwargs).status == PASSED
    outcome = exercise.evaluate(_flattering(model, 0.5), 0.5, **kwargs)
    assert outcome.status != PASSED, outcome


def test_a_final_model_whose_score_method_confirms_the_card_is_refused():
    exercise = _exercise("capstone.card")
    args, kwargs = right_call(exercise)
    card, model = args
    assert exercise.evaluate(*args, **kwargs).status == PASSED
    outcome = exercise.evaluate({**card, "test_accuracy": 0.42}, _flattering(model, 0.42), **kwargs)
    assert outcome.status != PASSED, outcome


def test_a_model_returning_the_test_labels_the_learner_holds_is_refused():
    """The test split is in the learner's hands: a model returning its labels in stored order is refused."""
    from sklearn.dummy import DummyClassifier

    from mlkit.course.checks.core import Incorrect
    from mlkit.course.checks.kinds import expect_score

    X, y = np.arange(200.0).reshape(-1, 1), np.tile([0, 1, 2, 3], 50)
    labels = y.copy()
    cheat = type("Cheat", (DummyClassifier,), {"predict": lambda self, X: labels.copy()})().fit(X, y)
    with pytest.raises(Incorrect, match="another order|no better|at least"):
        expect_score(cheat, X, y, name="m", at_least=0.9)


def _object_array(item):
    made = np.empty(1, dtype=object)
    made[0] = item
    return made


def _object_column(item):
    return pd.DataFrame({"a": pd.Series(_object_array(item), dtype=object)})


@pytest.mark.parametrize(
    "make",
    [lambda: Chameleon(1.0), lambda: ClaimsToBe(1.0), lambda: [Chameleon("A")], lambda: _object_array(Chameleon(1.0)),
     lambda: _object_column(Chameleon("x")), lambda: {"k": ClaimsToBe("A")}],
    ids=["always-equal", "lying class", "inside a list", "inside an object array", "inside a table", "inside a dict"],
)
def test_objects_that_answer_for_themselves_are_refused_wherever_they_hide(make):
    with pytest.raises(Refused):
        plain(make())


def test_a_class_pretending_to_come_from_a_trusted_library_is_still_refused():
    fake = type("Fake", (), {"__eq__": _yes, "__hash__": lambda self: 0, "__module__": "sklearn.base"})
    with pytest.raises(Refused):
        plain(fake())


def test_an_array_subclass_hidden_in_a_table_is_read_as_its_data():
    right = np.arange(4.0)
    hidden = pd.DataFrame({"a": liar_array(right, right + 7)})
    made = plain(hidden)
    assert type(made["a"]._values) is np.ndarray and made["a"].tolist() == [7.0, 8.0, 9.0, 10.0]


# --- arrays of the deep-learning libraries -------------------------------------------------------


def test_a_jax_array_is_read_as_its_numpy_values():
    jnp = pytest.importorskip("jax.numpy")
    made = plain(jnp.arange(6.0).reshape(2, 3))
    assert type(made) is np.ndarray and made.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    scalar = plain(jnp.float32(2.5))
    assert type(scalar) is np.float32 and scalar == 2.5
    assert [type(v) for v in plain([jnp.ones(2), 1])] == [np.ndarray, int]


def test_a_right_answer_given_as_a_jax_array_passes_a_check():
    jax = pytest.importorskip("jax")
    exercise = _exercise("computer-vision.conv_layer")

    def conv_layer(image, kernels, bias, stride=1, padding=0):
        padded = jax.numpy.pad(jax.numpy.asarray(image), ((padding, padding), (padding, padding), (0, 0)))
        out = jax.lax.conv_general_dilated(padded[np.newaxis], jax.numpy.asarray(kernels), (stride, stride), "VALID",
                                           dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return out[0] + bias

    assert exercise.evaluate(conv_layer).status == PASSED
    gradient = _exercise("computer-vision.gradient")

    def kernel_gradient(images, kernel, targets):
        windows = np.lib.stride_tricks.sliding_window_view(images, kernel.shape, axis=(1, 2))
        loss = lambda k: jax.numpy.mean((jax.numpy.einsum("nijab,ab->nij", windows, k) - targets) ** 2)  # noqa: E731
        return jax.grad(loss)(kernel)

    assert gradient.evaluate(kernel_gradient).status == PASSED


def test_an_always_equal_object_posing_as_a_jax_array_is_still_refused():
    pytest.importorskip("jax")
    import jax

    fake = type("Array", (), {
        "__module__": "jax", "__qualname__": "jaxlib._jax.Array", "__eq__": _yes, "__hash__": lambda self: 0,
        "__array__": lambda self, dtype=None, copy=None: np.zeros(3),
    })
    assert fake is not jax.Array
    with pytest.raises(Refused):
        plain(fake())
    outcome = _exercise("computer-vision.conv_layer").evaluate(lambda image, kernels, bias, stride=1, padding=0: fake())
    assert outcome.status == "incorrect", outcome
    always_equal = _exercise("computer-vision.conv_layer").evaluate(
        lambda image, kernels, bias, stride=1, padding=0: Chameleon(0.0))
    assert always_equal.status == "incorrect", always_equal
    backward = _exercise("computer-vision.conv_backward")
    for made in (fake, lambda: Chameleon(0.0)):
        outcome = backward.evaluate(lambda image, kernels, dY, stride=1, padding=0: (made(), made(), made()))
        assert outcome.status == "incorrect", outcome


def test_a_subclass_of_a_library_array_with_its_own_comparison_is_refused():
    pytest.importorskip("jax")
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    liar = type("Liar", (type(keras.Variable([1.0])),), {"__eq__": _yes, "__hash__": lambda self: 0})
    with pytest.raises(Refused):
        plain(liar([1.0, 2.0]))
