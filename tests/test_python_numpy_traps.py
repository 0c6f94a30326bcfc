"""The check of the Python traps exercise (unit 08) names each trap, and passes the fixed code."""

from __future__ import annotations

import numpy as np

from mlkit.course.checks import exercises
from mlkit.course.checks.units import python_numpy as unit

EX = exercises("python-numpy")


def good():
    return unit._good_add_tag(), unit._good_vocabulary(), unit._good_scalers()


def test_the_fixed_code_passes():
    assert EX.python_traps.evaluate(*good()).status == "passed"


def test_a_mutable_default_is_named():
    outcome = EX.python_traps.evaluate(*unit.python_traps_mutable_default().args)
    assert outcome.status == "incorrect" and "every call shares it" in outcome.message


def test_a_dictionary_on_the_class_is_named():
    outcome = EX.python_traps.evaluate(*unit.python_traps_class_attribute().args)
    assert outcome.status == "incorrect" and "share one dictionary" in outcome.message


def test_late_binding_is_named():
    outcome = EX.python_traps.evaluate(*unit.python_traps_late_binding().args)
    assert outcome.status == "incorrect" and "looks the loop variable up when it is called" in outcome.message


def test_numbering_from_one_is_refused():
    outcome = EX.python_traps.evaluate(*unit.python_traps_numbers_from_one().args)
    assert outcome.status == "incorrect" and "number 0" in outcome.message


def test_a_tuple_of_tags_and_array_factors_are_accepted():
    add_tag, Vocabulary, make_scalers = good()
    as_tuple = lambda tag, tags=None: tuple(add_tag(tag, None if tags is None else list(tags)))  # noqa: E731
    assert EX.python_traps.evaluate(as_tuple, Vocabulary, make_scalers).status == "passed"
    float32 = lambda factors: [lambda x, f=f: np.float32(f) * np.asarray(x, dtype=np.float32) for f in factors]  # noqa: E731
    assert EX.python_traps.evaluate(add_tag, Vocabulary, float32).status == "passed"


def test_the_stub_is_not_attempted():
    def add_tag(tag, tags=None):
        return ...

    assert EX.python_traps.evaluate(add_tag, *good()[1:]).status == "not_attempted"
