"""The verification harness itself: it must find a weak check weak and a strong check strong.

Each test builds a small solution notebook whose checks are known to be weak or strong in one
way, so that a harness which reported everything as fine (or everything as broken) fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlkit.course.verification import report as harness
from mlkit.course.verification.mutants import mutants
from mlkit.course.verification.sameness import battery, same_function, same_value
from mlkit.course.verification.variants import variants

ROOT = Path(__file__).resolve().parents[1]

SETUP = '''
import numpy as np
from mlkit.course.checks.core import ExerciseSet, Incorrect

ex = ExerciseSet("demo")

@ex.exercise("weak", title="a check on centred data only")
def weak(predict):
    X = np.array([[-1.0], [1.0]])
    if not np.allclose(predict(X, np.array([2.0]), 0.0), X @ np.array([2.0])):
        raise Incorrect("the predictions are not right")

@ex.exercise("strong", title="a check on several uncentred inputs")
def strong(predict):
    rng = np.random.default_rng(1)
    for n, d, intercept in [(5, 2, 1.5), (7, 3, -0.4), (4, 1, 3.0)]:
        X, coef = rng.normal(3, 2, (n, d)), rng.normal(size=d)
        got = np.asarray(predict(X, coef, intercept), dtype=float).reshape(-1)
        if got.shape != (n,) or not np.allclose(got, X @ coef + intercept, rtol=1e-5):
            raise Incorrect("the predictions are not right on other data")

@ex.exercise("strict", title="a check that wants exactly one type")
def strict(value):
    if not (isinstance(value, np.ndarray) and value.dtype == np.float64 and value.shape == (3,)):
        raise Incorrect("a float64 array of shape (3,) is asked for")
    if not np.allclose(value, [1.0, 2.0, 3.0]):
        raise Incorrect("the values are not right")

@ex.exercise("choice", title="multiple choice")
def choice(answer):
    if not isinstance(answer, str) or answer.strip().upper() != "B":
        raise Incorrect("that is not the best option")

@ex.exercise("loop", title="a loop")
def loop(total):
    if total != 3:
        raise Incorrect("count again")
'''


def cell(source: str, tag: str | None = None) -> dict:
    return {"cell_type": "code", "metadata": {"tags": [f"ex:{tag}"] if tag else []}, "source": source, "outputs": [], "execution_count": None}


def solution_notebook(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    cells = [
        cell(SETUP),
        cell("### BEGIN SOLUTION\ndef predict(X, coef, intercept):\n    return X @ coef + intercept\n### END SOLUTION", "weak"),
        cell("ex.weak.check(predict)", "weak"),
        cell("### BEGIN SOLUTION\ndef predict(X, coef, intercept):\n    return (X @ coef + intercept) * 1\n### END SOLUTION", "strong"),
        cell("ex.strong.check(predict)", "strong"),
        cell("### BEGIN SOLUTION\nvalue = np.array([1.0, 2.0, 3.0])\n### END SOLUTION", "strict"),
        cell("ex.strict.check(value)", "strict"),
        cell("### BEGIN SOLUTION\nanswer = 'B'\n### END SOLUTION", "choice"),
        cell("ex.choice.check(answer)", "choice"),
        cell("### BEGIN SOLUTION\ntotal = 0\nwhile total < 3:\n    total += 1\n### END SOLUTION", "loop"),
        cell("ex.loop.check(total)", "loop"),
    ]
    path = tmp_path / "99_demo.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    path = solution_notebook(tmp_path_factory.mktemp("harness"))
    harness.MUTANT_SECONDS, saved = 2, harness.MUTANT_SECONDS
    try:
        found = harness.verify_notebook(path, exemptions={"demo.strict": {"refuse_variants": {"tuple": "the exercise asks for an array"}}})
    finally:
        harness.MUTANT_SECONDS = saved
    return {r.exercise: r for r in found}


def test_a_check_on_centred_data_lets_a_missing_intercept_through(reports):
    weak = reports["demo.weak"]
    assert weak.kill_rate < 1 and not weak.meets_targets
    dropped = [s for s in weak.survivors if s["change"] == "dropped the right term"]
    assert dropped and "argument 0" in dropped[0]["differs_on"]


def test_a_check_on_varied_inputs_kills_every_non_equivalent_mutant(reports):
    strong = reports["demo.strong"]
    assert strong.kill_rate == 1.0 and strong.variant_rate == 1.0 and strong.meets_targets
    assert strong.mutants_equivalent >= 1  # `* 1` -> `/ 1` gives the same predictions
    assert strong.variants_generated >= 3  # float32, list, tuple and column-vector results


def test_a_strict_check_refuses_equivalent_forms_and_the_report_says_which(reports):
    strict = reports["demo.strict"]
    refused = {v["form"] for v in strict.refused_variants}
    assert {"float32", "list", "column vector"} <= refused
    assert strict.variants_exempt == 1 and "tuple" not in refused
    assert strict.variant_rate < 1 and not strict.meets_targets


def test_every_other_letter_of_a_multiple_choice_answer_is_a_mutant_that_fails(reports):
    choice = reports["demo.choice"]
    assert choice.mutants_generated == 4 and choice.mutants_killed == 4
    assert choice.variants_accepted == choice.variants_generated == 2


def test_a_mutant_that_never_ends_is_stopped_and_counted_as_refused(reports):
    loop = reports["demo.loop"]
    assert loop.problem == "" and loop.mutants_killed == loop.non_equivalent > 0


def test_the_battery_varies_data_and_parameters():
    import numpy as np

    labels = [label for label, _, _ in battery((np.arange(6.0), 1.5), {})]
    assert "uncentred (+3.7)" in labels and any(label.startswith("argument 1 =") for label in labels)
    ignores_k = lambda x, k: x.mean() + 1.5 * x.std()  # noqa: E731
    uses_k = lambda x, k: x.mean() + k * x.std()  # noqa: E731
    same, where = same_function(uses_k, ignores_k, [((np.arange(6.0), 1.5), {})])
    assert not same and where.startswith("argument 1")


def test_same_value_is_tight_but_not_fooled_by_containers():
    import numpy as np

    assert same_value(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))
    assert not same_value(np.array([1.0, 2.0]), np.array([1.0, 2.001]))
    assert not same_value([1.0, 2.0], (1.0, 2.0))
    assert not same_value(np.ones(3), np.ones((3, 1)))


def test_variants_and_mutants_of_simple_code():
    import numpy as np

    assert [k for k, _ in variants(np.arange(3.0))] == ["float32", "list", "tuple", "column vector"]
    changes = {m.description for m in mutants("y = f(x, axis=0, ddof=1) + b\n", known_names=frozenset({"f", "x", "b"}))}
    assert {"dropped axis=", "dropped ddof=", "dropped the right term", "Add -> Sub", "0 -> 1"} <= changes
    swapped = mutants("model.fit(X_train, y_train)\n", known_names=frozenset({"model", "X_train", "y_train", "X_test", "y_test"}))
    assert "X_train -> X_test" in {m.description for m in swapped}


def test_the_command_reports_json_for_one_unit_and_refuses_an_unknown_unit():
    done = subprocess.run(
        [sys.executable, "-m", "mlkit", "exercises", "verify", "linear-algebra", "--format", "json", "--max-mutants", "5"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    data = json.loads(done.stdout)
    assert done.returncode == (0 if data["summary"]["meets_targets"] else 1)
    assert [r["exercise"] for r in data["exercises"]][:1] == ["linear-algebra.angle"]
    assert all(r["mutants_generated"] <= 5 for r in data["exercises"])
    wrong = subprocess.run([sys.executable, "-m", "mlkit", "exercises", "verify", "no-such-unit"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "no exercises for unit 'no-such-unit'" in wrong.stderr


def test_files_the_cells_write_never_land_in_the_kit_or_the_working_folder(tmp_path, monkeypatch):
    path = solution_notebook(tmp_path / "nb")
    text = json.loads(path.read_text())
    text["cells"].append(cell("open('written-by-a-cell.txt', 'w').write('x')"))
    path.write_text(json.dumps(text))
    monkeypatch.chdir(tmp_path)
    harness.verify_notebook(path, max_mutants=1, exemptions={})
    assert not (tmp_path / "written-by-a-cell.txt").exists() and not (ROOT / "written-by-a-cell.txt").exists()


def _discounted_sum(gamma):
    """Sums gamma**k until the terms are negligible: never ends for gamma >= 1."""
    total, term = 0.0, 1.0
    while abs(term) > 1e-12:
        total, term = total + term, term * gamma
    return total


def _discounted_sum_off_by_one(gamma):
    return _discounted_sum(gamma) - 1.0 if gamma < 1 else _discounted_sum(gamma)


def test_a_battery_input_on_which_the_solution_never_ends_is_skipped_not_waited_for(monkeypatch):
    """gamma=0.9 becomes 0.9 * 1.37 + 0.11 > 1 in the battery: the solution would loop forever."""
    import time

    from mlkit.course.verification import sameness

    monkeypatch.setattr(sameness, "CALL_SECONDS", 1)
    started = time.perf_counter()
    same, where = same_function(_discounted_sum, _discounted_sum, [((0.9,), {})])
    assert same and where == ""
    assert time.perf_counter() - started < 10
    different, where = same_function(_discounted_sum, _discounted_sum_off_by_one, [((0.9,), {})])
    assert not different and where == "the check's input"
