"""The tolerant readers of mlkit.course.checks.kinds: right answers in the forms learners write them."""

from __future__ import annotations

import numpy as np
import pytest

from mlkit.course.checks.kinds import Incorrect, expect_choice, expect_close, expect_number

FEEDBACK = {"A": "not this one", "C": "nor this", "D": "nor this"}


@pytest.mark.parametrize("answer", ["B", " b ", "B.", "(B)", "b)", "option B", "Option b."])
def test_the_right_letter_is_accepted_however_it_is_written(answer):
    expect_choice(answer, name="answer", correct="B", feedback=FEEDBACK)


@pytest.mark.parametrize("answer, option", [("A.", "A"), ("(c)", "C"), ("option d", "D")])
def test_a_wrong_letter_written_the_same_ways_gets_that_options_feedback(answer, option):
    with pytest.raises(Incorrect, match=f"^Option {option}:"):
        expect_choice(answer, name="answer", correct="B", feedback=FEEDBACK)


@pytest.mark.parametrize("answer", ["AB", "B or C", "the second", "E", "", "BB."])
def test_anything_that_is_not_one_letter_is_refused_without_naming_the_answer(answer):
    with pytest.raises(Incorrect) as refused:
        expect_choice(answer, name="answer", correct="B", feedback=FEEDBACK)
    assert "Option B" not in str(refused.value)


def test_a_number_in_a_zero_dimensional_array_is_a_number():
    assert expect_number(np.array(729.0), name="x") == 729.0
    expect_close(np.array(np.float32(2.5)), 2.5, name="x")
    with pytest.raises(Incorrect, match="should be a number"):
        expect_number(np.array([1.0, 2.0]), name="x")
    with pytest.raises(Incorrect, match="should be a number"):
        expect_number(np.array("3"), name="x")
    with pytest.raises(Incorrect, match="should be a number"):
        expect_number(np.array(True), name="x")
