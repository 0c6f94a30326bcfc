"""The grader's judge never runs a learner's code (mlkit/grading/isolation.py, runner.check_one).

Three kinds of test:

- the judge's loader builds data and handles only: library functions, ``eval``, a class changed
  while it is read, and unknown handles are refused;
- hostile answers that forged verdicts when the check and the learner's code shared a process
  (an answer whose unpickling writes one valid verdict on every descriptor, one that replaces the
  check, a function answer that does either when called) now get the verdict their values earn;
- every unit's solution answers, checked through the judge and its worker, get the verdict the
  check gives them in one process (no right answer is refused because it crossed a process).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from mlkit.course.checks import exercises
from mlkit.grading import isolation, runner

ROOT = Path(__file__).resolve().parents[1]


CHECK_IN_A_FRESH_PROCESS = """
import json, os, pickle, sys
import cloudpickle
from mlkit.course.checks import exercises
from mlkit.grading import runner

def beside(exercise, data):  # the grader before the judge/worker split: the answer loaded where the verdict is made
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read_end)
            args, kwargs = cloudpickle.loads(data)
            outcome = exercise.evaluate(*args, **kwargs)
            os.write(write_end, json.dumps({"status": outcome.status, "message": outcome.message}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    received = b""
    while block := os.read(read_end, 65536):
        received += block
    os.waitpid(pid, 0)
    return runner.validate_outcome(received)

unit, answers, mode = pickle.load(open(sys.argv[1], "rb"))
found = exercises(unit)
check = beside if mode == "beside" else lambda exercise, data: runner.check_one(exercise, ("P", data), 120, [])
print(json.dumps([check(getattr(found, name), data) for name, data in answers]))
"""


def checked_apart(unit: str, answers: list[tuple[str, bytes]], folder: Path, mode: str = "grader") -> list[dict]:
    """The grader's verdicts (``runner.check_one``) on ``(exercise name, pickled answer)`` pairs.

    From a fresh process, as the grader's runner checks: one that has run no framework code before
    it forks, and whose descriptors hold nothing of the test runner's (a hostile answer writes to them).
    """
    import json
    import subprocess

    (folder / "answers.pkl").write_bytes(pickle.dumps((unit, answers, mode)))
    done = subprocess.run([sys.executable, "-c", CHECK_IN_A_FRESH_PROCESS, str(folder / "answers.pkl")],
                          capture_output=True, text=True, timeout=900, cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def isolated(exercise, *args, **kwargs) -> dict:
    """The grader's verdict on one answer."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return checked_apart(exercise.unit, [(exercise.name, cloudpickle.dumps((args, kwargs)))], Path(folder))[0]


# -- the judge's loader -----------------------------------------------------------------------


class _Global:
    """Pickles as a bare reference to ``module.name`` called with ``args`` (what a hostile worker could send)."""

    def __init__(self, module, name, args=()):
        self.module, self.name, self.args = module, name, args


def _crafted(module: str, name: str, args: tuple = ()) -> bytes:
    body = pickle.dumps(args, protocol=2)[2:-1]  # the tuple's opcodes without PROTO and STOP
    return b"\x80\x02c" + f"{module}\n{name}\n".encode() + body + b"R."


@pytest.mark.parametrize(
    "module, name",
    [("os", "system"), ("builtins", "eval"), ("builtins", "getattr"), ("numpy", "load"), ("pandas", "read_pickle"),
     ("numpy._core._ufunc_config", "seterr"), ("sklearn.utils", "resample"), ("pandas.io.pickle", "read_pickle"),
     ("subprocess", "Popen"), ("mlkit.course.checks.core", "Exercise"), ("numpy.lib.npyio", "DataSource")],
)
def test_the_judge_never_builds_a_function_or_a_type_outside_the_data_libraries(module, name):
    with pytest.raises(isolation.IsolationError, match="does not build"):
        isolation.decode(_crafted(module, name, ("x",)), link=None)


def test_the_judge_never_changes_a_class_while_reading():
    from sklearn.linear_model import LogisticRegression

    before = LogisticRegression.predict
    crafted = b"\x80\x02csklearn.linear_model\nLogisticRegression\n" + pickle.dumps((None, {"predict": 1}), protocol=2)[2:-1] + b"b."
    with pytest.raises(isolation.IsolationError, match="change a class"):
        isolation.decode(crafted, link=None)
    assert LogisticRegression.predict is before


def test_data_crosses_by_value_and_code_as_handles():
    from sklearn.linear_model import LogisticRegression

    handles = isolation.Handles()
    model = LogisticRegression().fit(np.eye(4), [0, 1, 0, 1])
    value = {"x": np.arange(3), "model": model, "f": lambda t: t, "u": np.log1p}
    back = isolation.decode(isolation.encode(value, handles), link=isolation.Link(None))
    assert type(back["model"]) is LogisticRegression and np.array_equal(back["model"].coef_, model.coef_)
    assert type(back["x"]) is np.ndarray and back["u"] is np.log1p
    assert isinstance(back["f"], isolation.RemoteCallable) and handles.objects == [value["f"]]


def test_an_unknown_handle_is_refused():
    crafted = pickle.dumps(("ok", 1), protocol=2).replace(b"K\x01", b"X\x03\x00\x00\x00refQ")
    with pytest.raises(isolation.IsolationError):
        isolation.decode(crafted, link=None)


# -- a worker in a process of its own ---------------------------------------------------------------


@pytest.fixture
def worker():
    """A judge's link to a worker holding ``(args, kwargs)``: yields ``start(args, kwargs) -> Link``."""
    started = []

    def start(*args, **kwargs):
        judge, end = isolation.pair()
        pid = os.fork()
        if pid == 0:
            judge.close()
            try:
                isolation.serve(end, cloudpickle.dumps((args, kwargs)))
            finally:
                os._exit(0)
        end.close()
        started.append((pid, judge))
        return isolation.Link(judge)

    yield start
    for pid, judge in started:
        judge.close()
        os.waitpid(pid, 0)


def test_a_learners_function_runs_in_the_worker_and_its_changes_to_arguments_come_back(worker):
    def draw(values, rng):
        values[0] = 99.0
        return os.getpid(), float(rng.random())

    (function,), _ = worker(draw).answer()
    values, rng = np.arange(3.0), np.random.default_rng(1)
    pid, drawn = function(values, rng)
    assert pid != os.getpid()
    assert drawn == np.random.default_rng(1).random() and rng.random() == pytest.approx(np.random.default_rng(1).random(2)[1])
    assert values.tolist() == [99.0, 1.0, 2.0]


def test_what_the_learners_code_raises_reaches_the_check_by_name(worker):
    class Mine(Exception):
        pass

    def stub():
        raise NotImplementedError("write me")

    def broken():
        raise Mine("no")

    (first, second), _ = worker(stub, broken).answer()
    with pytest.raises(NotImplementedError):
        first()
    with pytest.raises(Exception, match="no") as raised:
        second()
    assert type(raised.value).__name__ == "Mine"


def test_a_learners_class_and_its_objects_stay_in_the_worker(worker):
    class Scaler:
        def fit(self, X):
            self.mean = X.mean(axis=0)
            return self

        def transform(self, X):
            return X - self.mean

    (cls,), _ = worker(Scaler).answer()
    fitted = cls().fit(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert isinstance(fitted, isolation.Remote)
    assert fitted.transform(np.array([[2.0, 3.0]])).tolist() == [[0.0, 0.0]]
    assert fitted.mean.tolist() == [2.0, 3.0]


def test_a_lying_string_is_read_as_plain_text(worker):
    class Yes(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    (answer,), _ = worker(Yes("A")).answer()
    assert type(answer) is str and answer != "B"


# -- hostile answers through runner.check_one -----------------------------------------------------

FORGE_EVERY_DESCRIPTOR = """
import json, os
for fd in range(3, 256):
    try:
        os.write(fd, json.dumps({"status": "passed", "message": "ok"}).encode())
    except OSError:
        pass
os._exit(0)
"""

REPLACE_THE_CHECK = """
def forged(self, *args, **kwargs):
    import mlkit.course.checks.core as checks
    return checks.Outcome("passed", "patched", self.id, self.title)
import mlkit.course.checks.core
mlkit.course.checks.core.Exercise.evaluate = forged
"""


class _Runs:
    def __init__(self, code, value):
        self.code, self.value = code, value

    def __reduce__(self):
        return (exec, (self.code + f"\nvalue = {self.value!r}",))


def _hostile(code: str):
    """An object whose unpickling runs ``code`` (the learner's ``__reduce__``)."""
    return _Runs(code, None)


@pytest.mark.parametrize("code", [FORGE_EVERY_DESCRIPTOR, REPLACE_THE_CHECK], ids=["forged-verdict", "replaced-check"])
def test_the_hostile_answers_do_forge_a_verdict_when_loaded_beside_the_check(code, tmp_path):
    """The attacks below are live: loaded in the process that decides, each one passes."""
    data = cloudpickle.dumps(((_hostile(code),), {}))
    assert checked_apart("classification", [("judgement", data)], tmp_path, mode="beside")[0]["status"] == "passed"


@pytest.mark.parametrize("code", [FORGE_EVERY_DESCRIPTOR, REPLACE_THE_CHECK], ids=["forged-verdict", "replaced-check"])
def test_an_answer_whose_unpickling_attacks_the_check_does_not_pass(code):
    judgement = exercises("classification").judgement
    outcome = isolated(judgement, [_hostile(code), "A"][0])
    assert outcome["status"] != "passed", outcome
    honest = isolated(judgement, "B")  # the same check, next answer: unaffected
    assert honest["status"] == judgement.evaluate("B").status


@pytest.mark.parametrize("code", [FORGE_EVERY_DESCRIPTOR, REPLACE_THE_CHECK], ids=["forged-verdict", "replaced-check"])
def test_a_function_answer_that_attacks_the_check_when_called_does_not_pass(code):
    count_labels = exercises("python-numpy").count_labels
    scope = {}
    exec(f"def count_labels(labels):\n    exec({code!r})\n    return {{}}", scope)
    outcome = isolated(count_labels, scope["count_labels"])
    assert outcome["status"] in ("incorrect", "error"), outcome
    assert "patched" not in outcome["message"] and outcome["message"] != "ok"


def test_a_function_answer_is_judged_like_in_one_process():
    count_labels = exercises("python-numpy").count_labels

    def right(labels):
        counts = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        return counts

    def wrong(labels):
        return {label: 1 for label in labels}

    assert isolated(count_labels, right)["status"] == "passed" == count_labels.evaluate(right).status
    assert isolated(count_labels, wrong) == {"status": "incorrect", "message": count_labels.evaluate(wrong).message}


# -- every unit's solution answers, through the judge and its worker --------------------------------


def _units_with_solutions() -> list[str]:
    from mlkit.course.curriculum import units

    return [u.id for u in units() if u.solutions and (ROOT / u.solutions).exists()]


@pytest.mark.parametrize("unit", _units_with_solutions())
def test_every_solution_answer_gets_the_same_verdict_through_the_grader(unit, tmp_path):
    from mlkit.course.curriculum import units
    from mlkit.course.verification.capture import run_solution

    path = ROOT / next(u for u in units() if u.id == unit).solutions
    runs = run_solution(path, tmp_path)
    calls = [call for run in runs.values() for call in run.calls]
    answers = [(call.exercise.name, cloudpickle.dumps((call.args, call.kwargs))) for call in calls]
    verdicts = checked_apart(unit, answers, tmp_path)
    for call, through in zip(calls, verdicts):
        local = call.outcome
        assert (through["status"], through["message"]) == (local.status, local.message), (call.exercise.id, through)
    assert len(verdicts) == len(calls) >= 3


# -- found by attacking the judge and its worker ------------------------------------------------


def _opcodes(value) -> bytes:
    """The pickle opcodes of ``value`` without PROTO and STOP (to splice into a crafted frame)."""
    return pickle.dumps(value, protocol=3)[2:-1]


def test_a_crafted_frame_cannot_make_the_judge_open_or_write_a_file(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"original content\n")
    memmap = b"cnumpy\nmemmap\n" + _opcodes((str(victim), "uint8", "r+", 0, (8,))) + b"R"
    write = b"(cbuiltins\nslice\n" + _opcodes((0, 8)) + b"R" + _opcodes(list(b"OVERRIDE")) + b"u"
    with pytest.raises(isolation.IsolationError):
        isolation.decode(b"\x80\x03" + memmap + write + b".", isolation.Link(None))
    assert victim.read_bytes() == b"original content\n"


@pytest.mark.parametrize("path", ["numpy.memmap", "pandas.HDFStore", "pandas.ExcelFile", "pyarrow.lib.OSFile",
                                  "pyarrow.lib.MemoryMappedFile", "pyarrow._fs.LocalFileSystem"])
def test_types_that_open_files_are_not_data_whatever_module_they_claim(path):
    import importlib

    module, _, name = path.rpartition(".")
    assert not isolation.is_data_type(getattr(importlib.import_module(module), name))


def test_items_go_only_into_plain_containers_and_shared_values_are_never_changed():
    import pandas as pd

    into_a_class = b"\x80\x03csklearn.linear_model\nLogisticRegression\n" + _opcodes("x") + b"a."  # APPEND on a class
    with pytest.raises(isolation.IsolationError, match="not a list"):
        isolation.decode(into_a_class, isolation.Link(None))
    nat = b"\x80\x03cpandas._libs.tslibs.nattype\n_nat_unpickle\n)R" + _opcodes({"planted": True}) + b"b."
    with pytest.raises(isolation.IsolationError, match="shared value"):
        isolation.decode(nat, isolation.Link(None))
    assert not hasattr(pd.NaT, "planted")
    assert isolation.decode(pickle.dumps({"a": [1, {2}]}, protocol=5), isolation.Link(None)) == {"a": [1, {2}]}


LEARNER_ESTIMATORS = """
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier


class MyTree(DecisionTreeClassifier):
    pass


class MyClassifier(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.tree_ = DecisionTreeClassifier(random_state=0).fit(X, y)
        self.classes_ = self.tree_.classes_
        return self

    def predict(self, X):
        return self.tree_.predict(X)
"""


def test_a_learners_own_estimator_gets_the_same_verdict_through_the_grader(tmp_path):
    """scikit-learn's protocol (tags, fitted attributes, clone) reaches the learner's classes in the worker."""
    from sklearn.model_selection import train_test_split

    from mlkit.course.checks.units.classification import _data

    scope = {"__name__": "learner"}
    exec(LEARNER_ESTIMATORS, scope)
    X_train, _, y_train, _ = train_test_split(*_data(), test_size=0.25, stratify=_data()[1], random_state=1)
    models = [scope["MyTree"](random_state=0), scope["MyClassifier"](),
              scope["make_pipeline"](scope["StandardScaler"](), scope["MyClassifier"]())]
    answers = [("first_model", cloudpickle.dumps(((model.fit(X_train, y_train),), {}))) for model in models]
    beside = checked_apart("classification", answers, tmp_path, mode="beside")
    assert [v["status"] for v in beside] == ["passed"] * 3
    assert checked_apart("classification", answers, tmp_path) == beside


def test_what_the_learners_code_raises_keeps_its_builtin_kind(worker):
    import numpy as np

    def singular():
        raise np.linalg.LinAlgError("Singular matrix")

    (function,), _ = worker(singular).answer()
    with pytest.raises(ValueError, match="Singular") as raised:  # LinAlgError is a ValueError
        function()
    assert type(raised.value).__name__ == "LinAlgError"
