"""Messages of the calculus optimisation unit's checks for particular mistakes, and the data it loads.

That every check passes on the solution, says "not attempted" on the stub and fails on
its wrong answers is tested for all units at once in ``test_exercises_discovered.py``.
"""

import re
from mlkit.course.checks import exercises

UNIT = "calculus-optimisation"
NOTEBOOK = "07_calculus_optimisation.ipynb"
EX = exercises(UNIT)
CHECK_CALL = re.compile(r"^ex\.(\w+)\.check\((.*)\)\s*$", re.MULTILINE)
GENERIC = "which is not the central difference", "neither `grad_w` nor", "does not end where"


def test_a_function_returning_a_wrong_shape_is_named():
    outcome = EX.gradient.evaluate(lambda X, y, w, b: (w[:1], 0.0))
    assert outcome.status == "incorrect" and "shape" in outcome.message


def _standardised_diabetes():
    import numpy as np
    from sklearn.datasets import load_diabetes

    X = load_diabetes(scaled=False).data
    return (X - X.mean(axis=0)) / X.std(axis=0), np


def _limit(X, np):
    A = np.column_stack([X, np.ones(len(X))])
    return 2 / np.linalg.eigvalsh(2 / len(A) * A.T @ A).max()


def test_the_stable_rate_of_the_six_serum_features_is_accepted():
    X_std, np = _standardised_diabetes()
    outcome = EX.stable_rate.evaluate(_limit(X_std[:, 4:], np))
    assert outcome.status == "passed", outcome.message


def test_the_stable_rate_of_all_ten_features_printed_in_the_lesson_is_refused_by_name():
    X_std, np = _standardised_diabetes()
    outcome = EX.stable_rate.evaluate(_limit(X_std, np))
    assert outcome.status == "incorrect" and "all ten standardised features" in outcome.message
