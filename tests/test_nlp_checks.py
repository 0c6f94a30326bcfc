"""Checks of unit nlp: right on the solution, "not attempted" on the stub, wrong on wrong
answers; the support-messages corpus they use; and :mod:`mlkit.text`.

The solution and the generated exercise notebook are executed in-process (their
code cells, in order), then every check cell's arguments are evaluated in that
namespace and given to the check, exactly as a learner's notebook would.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest

from mlkit.checks import INCORRECT, NOT_ATTEMPTED, PASSED, exercises

ROOT = Path(__file__).resolve().parents[1]
UNIT = "nlp"
SOLUTION = ROOT / "solutions" / "17_nlp.ipynb"
EXERCISE = ROOT / "exercises" / "17_nlp.ipynb"
EX = exercises(UNIT)


def _is_check_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "check"
    )


def _run(path: Path) -> dict[str, tuple]:
    """Execute a notebook's code cells; return each exercise's check arguments, as they were at its check cell.

    Check cells are not executed (a test must not record progress); their arguments are
    evaluated at that point of the notebook, since later cells may reuse a name.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    nb = nbformat.read(str(path), as_version=4)
    namespace: dict = {"__name__": "__notebook__"}
    calls: dict[str, tuple] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "progress" in cell.source:
            continue
        checks = [node for node in ast.parse(cell.source).body if _is_check_call(node)]
        for node in checks:
            arguments = ", ".join(ast.unparse(a) for a in node.value.args)
            calls[node.value.func.value.attr] = eval(f"({arguments},)", namespace)
        if not checks:
            exec(compile(cell.source, path.name, "exec"), namespace)
    return calls


@pytest.fixture(scope="module")
def solved():
    return _run(SOLUTION)


@pytest.fixture(scope="module")
def stubbed():
    return _run(EXERCISE)


def _evaluate(name: str, calls: dict[str, tuple]):
    return EX[name].evaluate(*calls[name])


def test_every_exercise_has_a_check_cell_in_both_notebooks(solved, stubbed):
    assert sorted(solved) == sorted(EX.names) == sorted(stubbed)


@pytest.mark.parametrize("name", EX.names)
def test_check_passes_on_the_solution(name, solved):
    outcome = _evaluate(name, solved)
    assert outcome.status == PASSED, outcome.message


@pytest.mark.parametrize("name", EX.names)
def test_check_says_not_attempted_on_the_stub(name, stubbed):
    outcome = _evaluate(name, stubbed)
    assert outcome.status == NOT_ATTEMPTED, outcome.message


WRONG = [(e.name, builder) for e in EX for builder in e.wrong_answers]


@pytest.mark.parametrize("name, builder", WRONG, ids=[b.__name__ for _, b in WRONG])
def test_wrong_answer_fails_with_a_specific_message_that_keeps_the_answer_secret(name, builder):
    answer = builder()
    outcome = EX[name].evaluate(*answer.args, **answer.kwargs)
    assert outcome.status == INCORRECT, outcome.message
    assert len(outcome.message) > 30
    for secret in EX[name].secrets() if EX[name].secrets else []:
        assert secret not in outcome.message


def test_every_exercise_has_hints_and_at_least_two_wrong_answers():
    assert 3 <= len(EX) <= 6
    for exercise in EX:
        assert len(exercise.hints) >= 2, exercise.name
        assert len(exercise.wrong_answers) >= 2, exercise.name


def test_wrong_answers_get_different_messages():
    for exercise in EX:
        messages = set()
        for builder in exercise.wrong_answers:
            answer = builder()
            messages.add(exercise.evaluate(*answer.args, **answer.kwargs).message)
        assert len(messages) == len(exercise.wrong_answers), exercise.name


def test_notebook_tags_name_exactly_the_exercises_of_the_checks_module():
    nb = nbformat.read(str(SOLUTION), as_version=4)
    tagged = {t[3:] for c in nb.cells for t in c.metadata.get("tags", []) if t.startswith("ex:")}
    assert tagged == set(EX.names)
    assert nb.metadata["mlkit"]["unit"] == UNIT


def test_tokenise_check_names_the_specific_mistake():
    outcome = EX.tokenise.evaluate(lambda text: text.split())
    assert outcome.status == INCORRECT and "capital letters" in outcome.message
    outcome = EX.tokenise.evaluate(lambda text: "not a list")
    assert outcome.status == INCORRECT and "a list of strings is expected" in outcome.message


def test_tokenise_stub_is_not_attempted():
    def stub(text):
        raise NotImplementedError("write this function")

    assert EX.tokenise.evaluate(stub).status == NOT_ATTEMPTED


def test_a_learner_function_that_raises_is_an_error_not_a_crash():
    assert EX.tokenise.evaluate(lambda text: 1 / 0).status == "error"


def test_the_leaky_vocabulary_is_named_as_a_leak():
    from mlkit.checks.units import nlp as unit

    outcome = EX.bag_of_words.evaluate(*unit.bag_of_words_fitted_on_all_messages().args)
    assert "test messages" in outcome.message and "leak" in outcome.message


def test_corpus_file_is_complete_balanced_and_unique():
    import pandas as pd

    from mlkit.datasets import support_messages
    from mlkit.paths import data_dir

    table = pd.read_csv(data_dir() / support_messages.FILE, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["id", "text", "queue"]
    assert len(table) == 440 and table["id"].is_unique
    assert table["id"].tolist() == [f"m{i:03d}" for i in range(1, 441)]
    assert table["queue"].value_counts().to_dict() == {q: 110 for q in support_messages.QUEUES}
    assert table["text"].str.strip().ne("").all()
    assert table["text"].str.lower().str.strip().is_unique, "no message twice"
    assert (data_dir() / "corpora" / "README.md").read_text().count("MIT") >= 1


def test_loader_splits_into_disjoint_stratified_parts_and_returns_copies():
    from mlkit.datasets import support_messages

    learn, held = support_messages.load(), support_messages.holdout()
    assert (len(learn), len(held)) == (352, 88)
    assert set(learn["id"]).isdisjoint(held["id"])
    assert held["queue"].value_counts().tolist() == [22, 22, 22, 22]
    assert learn["id"].is_monotonic_increasing
    learn.loc[0, "text"] = "changed"
    assert support_messages.load().loc[0, "text"] != "changed"
    assert len(support_messages.all_messages()) == 440


def _toy_model(labels=("post", "post", "pay", "pay")):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["parcel late", "parcel lost", "card charged", "card declined"]
    return make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, list(labels))


def test_top_terms_ranks_each_class_by_its_weights():
    from mlkit.text import top_terms

    terms = top_terms(_toy_model(), n=2)
    assert terms["label"].tolist() == ["pay", "pay", "post", "post"]
    assert terms.loc[0, "term"] == "card" and terms.loc[2, "term"] == "parcel"
    assert terms.groupby("label")["weight"].apply(lambda w: w.is_monotonic_decreasing).all()


def test_top_terms_with_several_classes_uses_one_row_per_class():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from mlkit.text import top_terms

    texts = ["red apple", "red cherry", "blue sky", "blue sea", "green leaf", "green grass"]
    model = make_pipeline(CountVectorizer(), LogisticRegression()).fit(texts, ["r", "r", "b", "b", "g", "g"])
    assert top_terms(model, n=1).set_index("label")["term"].to_dict() == {"b": "blue", "g": "green", "r": "red"}


def test_top_terms_and_known_terms_reject_bad_input_with_a_message():
    from sklearn.linear_model import LogisticRegression

    from mlkit.errors import InputError
    from mlkit.text import known_terms, top_terms

    with pytest.raises(InputError, match="first step is a CountVectorizer"):
        top_terms(LogisticRegression())
    with pytest.raises(InputError, match="at least 1"):
        top_terms(_toy_model(), n=0)
    with pytest.raises(InputError, match="text should be a string"):
        known_terms(_toy_model()[0], ["parcel"])
    with pytest.raises(InputError, match="fitted"):
        from sklearn.feature_extraction.text import CountVectorizer

        known_terms(CountVectorizer(), "parcel")


def test_known_terms_uses_the_vectorisers_own_analyser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from mlkit.text import known_terms

    vectorizer = TfidfVectorizer(stop_words="english").fit(["the parcel is late", "card charged"])
    assert known_terms(vectorizer, "The PARCEL never came") == (["parcel"], ["came"])
