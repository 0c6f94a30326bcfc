"""Every check answers an odd value cleanly: "Not quite" or "Not attempted", with a message.

A learner can hand a check anything: ``None`` from a function that forgot to return, a string,
an empty table, a table with two columns of one name, NaN. The check must say what it expected;
it must never fail in its own code ("The check could not run on this answer") or raise.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from mlkit.course.checks.registry import all_exercises

ODD_VALUES = {
    "None": None,
    "a string": "some text",
    "an empty frame": pd.DataFrame(),
    "duplicated columns": pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["a", "a"]),
    "NaN": float("nan"),
    "an empty array": np.array([]),
}


def _arity(function) -> int:
    parameters = inspect.signature(function).parameters.values()
    return sum(p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in parameters)


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda e: e.id)
def test_each_check_answers_odd_values_cleanly(exercise):
    unclean = []
    for label, value in ODD_VALUES.items():
        outcome = exercise.evaluate(*[value] * _arity(exercise.check_function))
        if outcome.status not in ("incorrect", "not_attempted") or not outcome.message:
            unclean.append(f"{label}: {outcome}")
    assert unclean == []
