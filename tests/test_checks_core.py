"""The checks protocol: outcomes, the four statuses, hints, solutions, the registry."""

import subprocess
import sys

import pytest

from mlkit.course import progress
from mlkit.course.checks import core
from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, Outcome, call_learner
from mlkit.course.checks.registry import exercises, get, unit_ids
from mlkit.errors import InputError


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Each test gets its own data folder, and solutions are visible unless a test hides them."""
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(core.HIDE_ENV, raising=False)
    core.reset_store_warning()
    yield tmp_path / "home"
    core.reset_store_warning()


def make_demo():
    demo = ExerciseSet("demo", "A demonstration unit")

    @demo.exercise("double", title="Double a number", hints=("Multiply.", "By two.", "`answer = 2 * x`"))
    def double(value):
        if value != 42:
            raise Incorrect("`value` is not twice 21.")
        return "well done."

    @demo.exercise("apply", title="Write a function")
    def apply(function):
        if call_learner(function, 2) != 4:
            raise Incorrect("`function(2)` is not right.")

    @demo.exercise("frame", title="Use a DataFrame")
    def frame(table):
        return f"{len(table.columns)} columns"  # AttributeError on a list: the learner's object

    return demo


# --- outcomes -------------------------------------------------------------------------


def test_outcome_text_and_html_are_deterministic_and_say_the_status():
    outcome = Outcome("incorrect", "`x` is <too> high.", "demo.double", "Double a number")
    assert str(outcome) == repr(outcome) == "Not quite: `x` is <too> high."
    html = outcome._repr_html_()
    assert html == Outcome("incorrect", "`x` is <too> high.", "demo.double", "Double a number")._repr_html_()
    assert "Not quite" in html and "<code>x</code>" in html and "&lt;too&gt;" in html and "mlkit-incorrect" in html
    assert str(Outcome("passed")) == "Correct!"
    assert not Outcome("error", "boom") and Outcome("passed")


def test_outcome_refuses_an_unknown_status():
    with pytest.raises(ValueError, match="status must be one of"):
        Outcome("maybe")


# --- the four statuses --------------------------------------------------------------------


def test_right_answer_passes_with_the_check_remark():
    outcome = make_demo().double.check(42)
    assert (outcome.status, outcome.message, outcome.exercise) == ("passed", "well done.", "demo.double")


def test_wrong_answer_is_incorrect_with_the_checks_message():
    outcome = make_demo().double.check(40)
    assert (outcome.status, outcome.message) == ("incorrect", "`value` is not twice 21.")


@pytest.mark.parametrize("answer", [Answer.of(...), Answer.of(value=...)])
def test_ellipsis_from_a_stub_is_not_attempted(answer):
    outcome = make_demo().double.check(*answer.args, **answer.kwargs)
    assert outcome.status == "not_attempted"
    assert "replace the ..." in outcome.message


def test_stub_function_raising_not_implemented_is_not_attempted():
    def stub(x):
        raise NotImplementedError("write this function")

    outcome = make_demo().apply.check(stub)
    assert outcome.status == "not_attempted"
    # the stub is a function, not a `...`: the message says what is actually in the cell
    assert "NotImplementedError" in outcome.message and "replace the ..." not in outcome.message


def test_exception_in_learner_function_is_an_error_with_type_and_message_only():
    def broken(x):
        return x / 0

    outcome = make_demo().apply.check(broken)
    assert outcome.status == "error"
    assert outcome.message.startswith("ZeroDivisionError: division by zero")
    assert "Traceback" not in outcome.message and "File " not in outcome.message
    assert str(outcome).startswith("Error in your code: ZeroDivisionError")


def test_learner_object_failing_inside_the_check_says_the_check_could_not_run_not_error_in_your_code():
    outcome = make_demo().frame.check([1, 2])
    assert outcome.status == "error" and outcome.origin == "check"
    assert outcome.message.startswith("AttributeError: 'list' object has no attribute 'columns'")
    assert str(outcome).startswith("The check could not run on this answer: ")
    assert "Error in your code" not in str(outcome) + outcome._repr_html_()
    assert "The check expected an answer to: " in outcome.message


def test_calling_a_check_with_the_wrong_arguments_says_what_it_takes():
    outcome = make_demo().double.check(1, 2)
    assert outcome.status == "error"
    assert "this check takes 1 argument(s): value" in outcome.message


# --- hints and solutions ---------------------------------------------------------------------


def test_hints_are_staged_and_stop_at_the_last():
    double = make_demo().double
    texts = [double.hint().text for _ in range(4)]
    assert texts[0] == "Multiply." and texts[1] == "By two."
    assert texts[2] == texts[3] and texts[2].startswith("`answer = 2 * x`") and "solution()" in texts[2]
    assert str(double.hint(2)).splitlines() == ["Hint 2 of 3: Double a number", "By two."]
    assert "<strong>Hint 1 of 3" in double.hint(1)._repr_html_()


@pytest.mark.parametrize("stage", [0, 4, "1", 1.0])
def test_a_hint_stage_out_of_range_is_refused(stage):
    with pytest.raises(InputError, match="hint stage must be a whole number from 1 to 3"):
        make_demo().double.hint(stage)


def test_solution_comes_from_the_solution_notebook():
    shown = exercises("classification").split.solution()
    assert "train_test_split(" in shown.code and "stratify=y" in shown.code
    assert "train_test_split(" not in shown.explanation and shown.explanation


def test_a_solution_renders_its_code_highlighted_and_its_explanation_as_markdown_with_maths():
    shown = exercises("probability-statistics").mle.solution()
    markdown = shown._repr_markdown_()
    fence = markdown.index("```python\n")
    end = markdown.index("\n```", fence + 10)
    assert shown.code in markdown[fence:end + 4]
    assert shown.explanation and markdown.endswith(shown.explanation) and "$" in shown.explanation
    assert not hasattr(shown, "_repr_html_")  # JupyterLab then renders the Markdown, maths included
    assert str(shown).startswith("Solution: ") and "```" not in str(shown)


@pytest.mark.parametrize("value", ["1", "true", "YES"])
def test_environment_variable_hides_solutions(monkeypatch, value):
    monkeypatch.setenv(core.HIDE_ENV, value)
    shown = exercises("classification").split.solution()
    assert "turned off" in shown.text and "train_test_split" not in shown.text


def test_config_file_in_the_data_folder_hides_solutions_and_the_variable_overrides_it(home, monkeypatch):
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[checks]\nhide_solutions = true\n")
    assert "turned off" in exercises("classification").split.solution().text
    monkeypatch.setenv(core.HIDE_ENV, "0")
    assert "train_test_split" in exercises("classification").split.solution().text


def test_an_unreadable_config_errs_on_hiding(home):
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[checks\n")
    assert core.solutions_hidden()


# --- the registry and the unit listing ---------------------------------------------------


def test_exercise_set_lists_its_exercises_when_displayed():
    ex = exercises("classification")
    text = repr(ex)
    assert text.splitlines()[0] == f"Exercises of Supervised learning: classification ({len(ex)}):"
    assert "  ex.split: Split the data into training and test sets" in text
    assert ex._repr_html_().count("<li>") == len(ex)


def test_unknown_unit_and_exercise_are_errors_naming_what_exists():
    with pytest.raises(InputError, match="no exercises for unit 'nope'; units with exercises: .*classification"):
        exercises("nope")
    with pytest.raises(AttributeError, match="has no exercise 'spilt'; it has: split,"):
        exercises("classification").spilt
    with pytest.raises(InputError, match="has no exercise 'spilt'"):
        get("classification.spilt")
    assert get("classification.split") is exercises("classification").split


def test_every_checks_module_belongs_to_a_catalogue_unit():
    from mlkit.course import curriculum

    assert unit_ids(), "no checks modules found"
    for unit_id in unit_ids():
        assert curriculum.get_unit(unit_id).id == exercises(unit_id).unit == unit_id


def test_defining_an_exercise_twice_is_refused():
    demo = make_demo()
    with pytest.raises(ValueError, match="demo.double is defined twice"):
        demo.exercise("double", title="again")(lambda value: None)


# --- attempts are recorded ------------------------------------------------------------------


def test_every_check_records_an_attempt():
    ex = exercises("classification")
    ex.judgement.check("A")
    ex.judgement.check(...)
    ex.judgement.check("C")
    recorded = [(a.exercise, a.unit, a.status) for a in progress.attempts()]
    assert recorded == [
        ("classification.judgement", "classification", "incorrect"),
        ("classification.judgement", "classification", "not_attempted"),
        ("classification.judgement", "classification", "passed"),
    ]


def test_evaluate_records_nothing():
    exercises("classification").judgement.evaluate("C")
    assert progress.attempts() == []


def test_a_corrupt_store_does_not_stop_the_check_and_is_reported_once(home):
    home.mkdir(parents=True)
    (home / progress.FILE_NAME).write_bytes(b"this is not a database" * 100)
    ex = exercises("classification")
    first, second = ex.judgement.check("C"), ex.judgement.check("A")
    assert (first.status, second.status) == ("passed", "incorrect")
    assert "progress could not be saved" in first.note and "unreadable" in first.note
    assert "Move the file aside" in str(first)
    assert second.note == "" and "could not be saved" not in str(second)


def test_importing_the_checks_loads_no_heavy_library():
    code = (
        "from mlkit.course.checks import exercises\nimport mlkit.course.progress, sys\nex = exercises('classification')\n"
        "print(sorted(m for m in ('sklearn', 'pandas', 'matplotlib', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("exercise_id", ["nlp.bag_of_words", "multivariate-calculus.jacobian", "reinforcement-learning.q_update"])
def test_a_retired_exercise_in_an_old_copy_says_so_instead_of_raising(exercise_id, capsys):
    from mlkit.course.checks import exercises

    unit, _, name = exercise_id.partition(".")
    old = getattr(exercises(unit), name)
    assert old.check([1, 2, 3]) is None and old.hint() is None
    said = capsys.readouterr().out
    assert f"Exercise {exercise_id} is no longer part of the kit" in said and f"mlkit work {unit}" in said
    assert name not in exercises(unit)  # not counted as one of the unit's exercises


def test_a_retired_exercise_is_never_one_the_unit_still_has():
    from mlkit.course.checks import exercises
    from mlkit.course.checks.core import RETIRED

    for exercise_id in RETIRED:
        unit, _, name = exercise_id.partition(".")
        assert name not in exercises(unit), f"{exercise_id} is listed as retired but still exists"


def test_an_unknown_exercise_still_raises_with_the_units_exercises():
    from mlkit.course.checks import exercises

    with pytest.raises(AttributeError, match="has no exercise 'no_such'"):
        exercises("nlp").no_such
