"""Checks of unit nlp: the messages of particular wrong answers, the forms of a right answer, and the
support-messages corpus and its loader. :mod:`mlkit.topics.text` is tested in ``test_nlp_topics.py``.

That every check passes on the solution, says "not attempted" on the stub and fails on each
wrong answer is tested for all units by ``tests/test_exercises_discovered.py``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mlkit.course.checks import INCORRECT, NOT_ATTEMPTED, exercises

UNIT = "nlp"
EX = exercises(UNIT)


def test_tokenise_check_names_the_specific_mistake():
    outcome = EX.tokenise_num.evaluate(lambda text: text.split())
    assert outcome.status == INCORRECT and "capital letters" in outcome.message
    outcome = EX.tokenise_num.evaluate(lambda text: "not a list")
    assert outcome.status == INCORRECT and "a list of strings is expected" in outcome.message


def _right_tokens(text):
    return ["<num>" if t.isdigit() else t for t in re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower())]


def _numbered(pattern):
    return lambda text: ["<num>" if t.isdigit() else t for t in re.findall(pattern, text.lower())]


@pytest.mark.parametrize(
    ("tokeniser", "words"),
    [
        (_numbered(r"[a-z]+|[0-9]+"), "splits a word at its apostrophe"),  # the first slip its texts show
        (_numbered(r"[a-z]+(?:'[a-z]+)*|[0-9]+"), "splits a token that mixes letters and digits"),
        (lambda text: [t for t in _right_tokens(text) if len(t) > 1], "drops tokens of one character"),
        (_numbered(r"\b[a-z0-9]+(?:'[a-z0-9]+)*\b"), "no word boundary"),
        (lambda text: _right_tokens(text.replace("é", "e")), "`é` is not one of a to z"),
        (lambda text: re.findall(r"[a-z0-9]+", text.lower()), "keeps numbers as they are"),
        (lambda text: re.findall(r"[a-z]+|[0-9]+", text.lower()), "keeps numbers as they are"),
    ],
    ids=["letters-digits-apart", "contractions-but-digits-apart", "short-dropped", "word-boundaries",
         "accents-folded", "the-lessons-tokeniser", "review-tokeniser-as-given"],
)
def test_tokenise_refuses_the_tokenisers_found_in_review(tokeniser, words):
    outcome = EX.tokenise_num.evaluate(tokeniser)
    assert outcome.status == INCORRECT and words in outcome.message, outcome.message


def test_tokenise_accepts_the_right_tokeniser_as_a_tuple():
    assert EX.tokenise_num.evaluate(lambda text: tuple(_right_tokens(text))).passed


def test_tokenise_stub_is_not_attempted():
    def stub(text):
        raise NotImplementedError("write this function")

    assert EX.tokenise_num.evaluate(stub).status == NOT_ATTEMPTED


def test_a_learner_function_that_raises_is_an_error_not_a_crash():
    assert EX.tokenise_num.evaluate(lambda text: 1 / 0).status == "error"


def test_the_old_exercise_ids_are_retired_with_a_message(capsys):
    for name in ("tokenise", "pipeline", "errors"):
        assert getattr(EX, name).check(None) is None
        assert f"Exercise nlp.{name} is no longer part of the kit" in capsys.readouterr().out


# --- exercise 2: features chosen by cross-validation ------------------------------------------------


def _right_scores():
    from mlkit.course.checks.units import nlp as unit

    return dict(unit._candidate_scores())


def _pipeline(*steps):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(*steps, LogisticRegression(max_iter=1000))


@pytest.mark.parametrize(
    "make",
    [
        lambda T, C, Tr: [T(use_idf=False, norm=None)],
        lambda T, C, Tr: [T(use_idf=False)],
        lambda T, C, Tr: [C(), Tr(use_idf=False)],
        lambda T, C, Tr: [T(ngram_range=(1, 2), stop_words="english", use_idf=False)],
    ],
    ids=["no-idf-no-norm", "no-idf", "counts-then-no-idf", "best-variant-without-idf"],
)
def test_tfidf_with_the_idf_switched_off_is_refused(make):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

    model = _pipeline(*make(TfidfVectorizer, CountVectorizer, TfidfTransformer))
    outcome = EX.features.evaluate(_right_scores(), model)
    assert outcome.status == INCORRECT and "use_idf=False" in outcome.message, outcome.message


def test_other_tfidf_switches_still_count_as_tfidf():
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

    from mlkit.course.checks.units import nlp as unit

    for steps in ([TfidfVectorizer(sublinear_tf=True)], [TfidfVectorizer(norm="l1", smooth_idf=False)],
                  [TfidfVectorizer(norm=None)], [CountVectorizer(), TfidfTransformer(sublinear_tf=True)]):
        assert unit._tfidf_problem(_pipeline(*steps)) is None


def test_the_best_variant_written_as_counts_then_a_tfidf_transformer_passes():
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    model = _pipeline(CountVectorizer(ngram_range=(1, 2), stop_words="english"), TfidfTransformer())
    outcome = EX.features.evaluate(_right_scores(), model)
    assert outcome.passed, outcome.message


def test_scores_as_float32_are_accepted():
    from sklearn.feature_extraction.text import TfidfVectorizer

    scores = {name: np.float32(value) for name, value in _right_scores().items()}
    assert EX.features.evaluate(scores, _pipeline(TfidfVectorizer(ngram_range=(1, 2), stop_words="english"))).passed


def test_the_feature_candidates_have_distinct_scores():
    assert len(set(np.round(list(_right_scores().values()), 9))) == len(_right_scores())


# --- exercise 3: the most common confusion --------------------------------------------------------------


def test_the_shortcut_found_in_review_is_refused():
    def prediction_first(results):
        wrong = results[results.queue != results.predicted]
        top = wrong.predicted.value_counts().idxmax()
        return wrong[wrong.predicted == top].queue.value_counts().idxmax(), top

    outcome = EX.most_confused.evaluate(prediction_first)
    assert outcome.status == INCORRECT and "*within* the most common wrong prediction" in outcome.message


def test_each_shortcut_gives_another_pair_on_some_table_of_the_check():
    from mlkit.course.checks.units import nlp as unit

    cases = unit._confusion_cases()
    for slip in ("prediction_first", "queue_first", "all_rows"):
        assert any(unit._most_confused_of(t, slip=slip) != unit._most_confused_of(t) for _, t in cases), slip


@pytest.mark.parametrize("form", [tuple, list, np.array], ids=["tuple", "list", "array"])
def test_the_most_confused_pair_in_any_container_is_accepted(form):
    from mlkit.course.checks.units import nlp as unit

    assert EX.most_confused.evaluate(lambda results: form(unit._most_confused_of(results))).passed


def test_the_boolean_mask_is_told_what_it_is():
    outcome = EX.most_confused.evaluate(lambda results: results["queue"] != results["predicted"])
    assert outcome.status == INCORRECT and "True/False Series" in outcome.message


def test_error_analysis_reads_out_of_fold_predictions_on_the_training_messages():
    from mlkit.course.checks.units import nlp as unit

    train, test = unit._split()
    results = unit._results()
    assert set(results["id"]) == set(train["id"]) and set(results["id"]).isdisjoint(test["id"])
    fitted_on_all = unit.reference_model().fit(train["text"], train["queue"]).predict(train["text"])
    # out-of-fold predictions make more mistakes than predictions on messages the model was fitted on
    assert (results["predicted"] != results["queue"]).sum() > (fitted_on_all != train["queue"]).sum()


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


# --- exercise 4: PPMI ----------------------------------------------------------------------------------


def _solution_ppmi(counts, alpha):
    p_joint = counts / counts.sum()
    p_word = counts.sum(axis=1, keepdims=True) / counts.sum()
    context = counts.sum(axis=0, keepdims=True) ** alpha
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(p_joint / (p_word * context / context.sum())), 0.0)


@pytest.mark.parametrize(
    "form",
    [lambda a: a, lambda a: a.astype(np.float32), lambda a: a.tolist()],
    ids=["float64", "float32", "list"],
)
def test_ppmi_check_accepts_the_right_function_in_any_form(form):
    outcome = EX.ppmi.evaluate(lambda counts, alpha: form(_solution_ppmi(counts, alpha)))
    assert outcome.passed, outcome.message


def test_ppmi_stub_is_not_attempted():
    def stub(counts, alpha):
        raise NotImplementedError("write this function")

    assert EX.ppmi.evaluate(stub).status == NOT_ATTEMPTED
    assert EX.ppmi.evaluate(lambda counts, alpha: ...).status == NOT_ATTEMPTED


@pytest.mark.parametrize(
    ("builder", "words"),
    [
        ("ppmi_negative_values_kept", "negative values"),
        ("ppmi_base_2", "natural logarithm"),
        ("ppmi_alpha_ignored", "not raised to the power `alpha`"),
        ("ppmi_rows_smoothed_too", "row totals"),
        ("ppmi_shares_not_renormalised", "do not sum to 1"),
        ("ppmi_words_and_contexts_swapped", "instead of the columns"),
    ],
)
def test_ppmi_check_names_each_mistake(builder, words):
    from mlkit.course.checks.units import nlp as unit

    outcome = EX.ppmi.evaluate(*getattr(unit, builder)().args)
    assert outcome.status == INCORRECT and words in outcome.message, outcome.message


def test_ppmi_check_tries_rectangular_counts_and_zero_cells():
    from mlkit.course.checks.units import nlp as unit

    cases = unit._ppmi_cases()
    assert any(c.shape[0] != c.shape[1] for c, _ in cases) and all((c == 0).any() for c, _ in cases)
    assert {alpha for _, alpha in cases} >= {1.0, 0.75}
    square_only = lambda counts, alpha: _solution_ppmi(counts[:, : len(counts)], alpha)  # noqa: E731
    assert EX.ppmi.evaluate(square_only).status == INCORRECT
    nan_for_zeros = lambda counts, alpha: np.where(counts == 0, np.nan, _solution_ppmi(counts, alpha))  # noqa: E731
    outcome = EX.ppmi.evaluate(nan_for_zeros)
    assert outcome.status == INCORRECT and "NaN" in outcome.message


# --- exercise 5: attention --------------------------------------------------------------------------------


def _solution_attention(Q, K, V, mask):
    scores = np.where(mask, Q @ K.T / np.sqrt(Q.shape[1]), -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = weights / weights.sum(axis=1, keepdims=True)
    return weights @ V, weights


@pytest.mark.parametrize(
    "form",
    [tuple, list, lambda pair: tuple(p.astype(np.float32) for p in pair),
     lambda pair: tuple(p.tolist() for p in pair)],
    ids=["tuple", "list", "float32", "nested lists"],
)
def test_attention_check_accepts_the_right_function_in_any_form(form):
    outcome = EX.attention.evaluate(lambda Q, K, V, mask: form(_solution_attention(Q, K, V, mask)))
    assert outcome.passed, outcome.message


def test_attention_stub_is_not_attempted():
    def stub(Q, K, V, mask):
        raise NotImplementedError("write this function")

    assert EX.attention.evaluate(stub).status == NOT_ATTEMPTED
    assert EX.attention.evaluate(lambda Q, K, V, mask: ...).status == NOT_ATTEMPTED
    assert EX.attention.evaluate(lambda Q, K, V, mask: (..., ...)).status == NOT_ATTEMPTED


@pytest.mark.parametrize(
    ("builder", "words"),
    [
        ("attention_without_the_scale", "not scaled"),
        ("attention_scaled_by_d", "divided by d itself"),
        ("attention_softmax_over_the_queries", "softmax ran over the queries"),
        ("attention_mask_ignored", "a key the mask hides"),
        ("attention_mask_inverted", "*may* attend"),
        ("attention_softmax_not_shifted", "overflows"),
        ("attention_mask_after_exp", "*before* taking each row's largest score"),
        ("attention_shifted_by_the_largest_score_of_all", "each *row's* largest score"),
        ("attention_weights_first", "weights first"),
        ("attention_outputs_not_weighted", "outputs are not"),
    ],
)
def test_attention_check_names_each_mistake(builder, words):
    from mlkit.course.checks.units import nlp as unit

    outcome = EX.attention.evaluate(*getattr(unit, builder)().args)
    assert outcome.status == INCORRECT and words in outcome.message, outcome.message


def test_attention_check_uses_inputs_where_each_slip_shows():
    from mlkit.course.checks.units import nlp as unit

    cases = unit._attention_cases()
    assert any(len(Q) != len(K) for Q, K, _, _ in cases)  # cross-attention
    assert all(Q.shape[1] not in (len(Q), len(K)) for Q, K, _, _ in cases[:1])  # d differs from both counts
    assert any(np.array_equal(mask, np.tril(np.ones_like(mask))) for *_, mask in cases)  # causal
    assert any(mask.all() for *_, mask in cases) and any(not mask.all() for *_, mask in cases)
    with np.errstate(over="ignore", invalid="ignore"):
        unshifted = [unit._attention_of(Q, K, V, m, shift=False)[1] for Q, K, V, m in cases]
    assert any(not np.isfinite(w).all() for w in unshifted)  # some scores overflow exp without the shift


def test_the_check_never_runs_the_learners_function_on_its_own_arrays():
    """A function that changes its inputs in place cannot change the check's cases or its reference."""

    def vandal(Q, K, V, mask):
        result = _solution_attention(Q, K, V, mask)
        Q *= 0
        mask[:] = False
        return result

    assert EX.attention.evaluate(vandal).passed
    assert EX.attention.evaluate(lambda Q, K, V, mask: _solution_attention(Q, K, V, mask)).passed


# --- exercise 6: the judgement --------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "words"), [("B", "pretrained"), ("C", "memorises"), ("D", "test messages")])
def test_each_wrong_judgement_gets_its_own_reason(answer, words):
    outcome = EX.judgement.evaluate(answer)
    assert outcome.status == INCORRECT and words in outcome.message and "'A'" not in outcome.message


def test_the_right_judgement_passes_in_any_spelling():
    for answer in ("A", " a ", "(A)", "option A"):
        assert EX.judgement.evaluate(answer).passed
