"""mlkit.course.checks.withheld: kit functions replaced by stand-ins while a check runs the learner's code."""

import doctest
import types

import pytest

from mlkit.course.checks import withheld as withheld_module
from mlkit.course.checks.core import INCORRECT, PASSED, ExerciseSet, Incorrect, call_learner
from mlkit.course.checks.withheld import Withheld, withheld
from mlkit.errors import InputError


def _kit():
    kit = types.ModuleType("kit.tools")
    kit.total = lambda values: sum(values)
    kit.mean = lambda values: kit.total(values) / len(values)
    return kit


def test_docstring_examples():
    assert doctest.testmod(withheld_module).failed == 0


def test_the_originals_are_back_after_the_block_ends_normally():
    kit = _kit()
    total, mean = kit.total, kit.mean
    with withheld(kit, ["total", "mean"], exercise="my_total"):
        assert kit.total is not total and kit.mean is not mean
    assert kit.total is total and kit.mean is mean
    assert kit.mean([1, 2, 3]) == 2


def test_the_originals_are_back_after_a_verdict_raised_in_the_block():
    kit = _kit()
    total = kit.total
    with pytest.raises(Incorrect, match="too small"):
        with withheld(kit, ["total"], exercise="my_total"):
            raise Incorrect("the answer is too small")
    assert kit.total is total


@pytest.mark.parametrize("error", [ValueError("bad"), KeyboardInterrupt()])
def test_the_originals_are_back_after_any_error_and_the_error_passes_through(error):
    kit = _kit()
    total = kit.total
    with pytest.raises(type(error)):
        with withheld(kit, ["total"], exercise="my_total"):
            raise error
    assert kit.total is total


def test_a_stand_in_raises_the_verdict_that_names_the_exercise_and_the_helper():
    kit = _kit()
    with pytest.raises(Withheld) as caught:
        with withheld(kit, ["total"], exercise="my_total", alias="kt"):
            kit.total([1, 2])
    assert str(caught.value) == ("this exercise asks you to write `my_total` yourself; the kit's `kt.total` is "
                                 "withheld while it is checked.")
    assert isinstance(caught.value, Incorrect)
    assert kit.total([1, 2]) == 3


def test_the_alias_defaults_to_the_last_part_of_the_module_name():
    kit = _kit()
    with pytest.raises(Withheld, match=r"`tools\.mean`"):
        with withheld(kit, ["mean"], exercise="my_mean"):
            kit.mean([1.0])


def test_a_kit_function_that_calls_a_withheld_one_is_refused_too():
    kit = _kit()
    with pytest.raises(Withheld, match=r"`tools\.total`"):
        with withheld(kit, ["total"], exercise="my_mean"):
            kit.mean([1.0, 2.0])            # mean looks total up in the module when it runs


def test_a_stand_in_error_the_learner_catches_still_refuses_the_answer():
    kit = _kit()

    def sly(values):
        try:
            return kit.total(values)
        except Exception:
            return sum(values)

    with pytest.raises(Withheld, match="my_total"):
        with withheld(kit, ["total"], exercise="my_total"):
            assert call_learner(sly, [1, 2]) == 3
    with pytest.raises(Withheld, match="my_total"):  # and when the check then fails on what followed
        with withheld(kit, ["total"], exercise="my_total"):
            call_learner(sly, [1, 2])
            raise ValueError("the check could not read the answer")


def test_a_name_the_module_lacks_is_refused_before_anything_is_replaced():
    kit = _kit()
    total = kit.total
    with pytest.raises(InputError, match="no median"):
        with withheld(kit, ["total", "median"], exercise="my_total"):
            pass  # pragma: no cover - never entered
    assert kit.total is total


def test_a_kit_module_is_withheld_from_and_restored():
    from mlkit.topics import reinforcement as rl

    original = rl.mc_values
    with pytest.raises(Withheld, match=r"`rl\.mc_values`"):
        with withheld(rl, ["mc_values"], exercise="first_visit_values", alias="rl"):
            rl.mc_values([], 1, 1.0)
    assert rl.mc_values is original


# --- in a check ---------------------------------------------------------------------------------

KIT = _kit()
DEMO = ExerciseSet("demo-withheld", "withheld helpers")


@DEMO.exercise("total", title="Add up a list", hints=("Loop.", "Add each value to a running sum."))
def total(my_total):
    for values in ([1, 2, 3], [0.5, -2.0], []):
        with withheld(KIT, ["total"], exercise="my_total", alias="kit"):
            got = call_learner(my_total, list(values))
        if got != sum(values):
            raise Incorrect(f"for {values} the total is not right.")


def test_in_a_check_a_function_that_calls_the_withheld_helper_is_refused_with_the_message():
    outcome = DEMO.total.evaluate(lambda values: KIT.total(values))
    assert outcome.status == INCORRECT
    assert outcome.message == ("this exercise asks you to write `my_total` yourself; the kit's `kit.total` is "
                               "withheld while it is checked.")
    assert KIT.total([1, 2]) == 3


def test_in_a_check_the_learners_own_code_passes_and_a_wrong_one_gets_the_checks_message():
    def my_total(values):
        result = 0
        for value in values:
            result += value
        return result

    assert DEMO.total.evaluate(my_total).status == PASSED
    wrong = DEMO.total.evaluate(lambda values: len(values))
    assert wrong.status == INCORRECT and "is not right" in wrong.message
