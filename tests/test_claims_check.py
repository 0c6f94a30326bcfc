"""The claims check finds prose numbers that no output shows, and only those."""

from __future__ import annotations

import nbformat
import pytest

from mlkit.course.authoring.claims import read_allowed, unsupported_numbers


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        nb.cells.append(cell)
    return nb


def code(source, printed=""):
    cell = nbformat.v4.new_code_cell(source)
    if printed:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    return cell


md = nbformat.v4.new_markdown_cell


def texts(nb, allowed=frozenset()):
    return [c.text for c in unsupported_numbers(nb, allowed)]


def test_a_number_the_cell_beside_it_contradicts_is_found():
    nb = notebook(code("scores.mean()", "0.8873"), md("The mean score, 0.925, is within the spread."))
    assert texts(nb) == ["0.925"]


@pytest.mark.parametrize(
    "printed, prose",
    [
        ("0.9268", "about 0.93"),
        ("0.9268", "about 93%"),
        ("0.9268", "about 92.7 %"),
        ("1234", "1,234 rows"),
        ("loss -16.0", "a loss of 16 minutes"),
        ("error 3.46e-10", "errors of 3.5e-10"),
    ],
)
def test_a_number_shown_at_another_precision_or_form_is_supported(printed, prose):
    assert texts(notebook(code("x", printed), md(prose))) == []


@pytest.mark.parametrize("prose", ["about 0.94", "about 95%", "1,243 rows", "errors of 4.5e-10", "a loss of 17 minutes"])
def test_a_near_miss_is_not_supported(prose):
    printed = "0.9268 1234 loss -16.0 error 3.46e-10"
    assert texts(notebook(code("x", printed), md(prose))) != []


def test_inputs_in_code_small_integers_years_and_references_are_not_claims():
    nb = notebook(
        code("model = Ridge(alpha=0.25); split = 0.3"),
        md("We use alpha 0.25 and hold back 0.3 of the rows, in 2024, with two classes and 7 steps. "
           "See [14 · Classification](11.ipynb) and unit 21; prices of 2021–22; a 64-bit float. "
           "About 90 minutes with the exercises. `x = 12345` and $\\sigma = 4.56$."),
    )
    assert texts(nb) == []


def test_numbers_a_question_or_exercise_gives_are_data_not_claims_and_support_later_prose():
    statement = md("A colleague tried 30 models and kept the lowest error, 48.2.")
    statement.metadata["tags"] = ["ex:judgement"]
    answer = md("**Answer.** D: 48.2 is optimistic after 30 comparisons, but 51.7 is made up.")
    answer.metadata["tags"] = ["ex:judgement", "solution"]
    questions = md("## Check your understanding\n\n1. A loss curve reads 5200, 6100, 8900. Why?")
    assert texts(notebook(statement, answer, questions)) == ["51.7"]


def test_the_questions_section_ends_at_the_next_heading():
    nb = notebook(md("## Check your understanding\n\n1. Double 500 rows."), md("More: 777 rows."), md("## Next\n\n888 rows."))
    assert texts(nb) == ["888"]


def test_allowed_numbers_need_a_reason(tmp_path):
    good = tmp_path / "ok.toml"
    good.write_text('["14_classification.ipynb"]\n"1.96" = "the normal quantile, a constant"\n')
    assert read_allowed(good) == {"14_classification.ipynb": {"1.96": "the normal quantile, a constant"}}
    bad = tmp_path / "bad.toml"
    bad.write_text('["14_classification.ipynb"]\n"1.96" = ""\n')
    with pytest.raises(ValueError, match="needs a reason"):
        read_allowed(bad)
    nb = notebook(md("The 1.96 rule."))
    assert texts(nb) == ["1.96"] and texts(nb, {"1.96"}) == []
