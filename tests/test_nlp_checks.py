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


@pytest.mark.parametrize(
    ("tokeniser", "words"),
    [
        (_numbered(r"[a-z0-9]+(?:'[a-z0-9]+)?"), "splits a token at its second apostrophe"),
        (_numbered(r"[a-z0-9]+(?:'[a-z]+)*"), "an apostrophe is followed by a digit"),
        (lambda text: [("<num>" if t.isdigit() else t) for t in
                       (w.strip("'") for w in re.split(r"[^a-z0-9']+", text.lower())) if t],
         "two apostrophes in a row"),
        (lambda text: ["<num>" if t.replace("'", "").isdigit() else t
                       for t in re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower())],
         "digits with an apostrophe inside"),
        (lambda text: _numbered(r"[a-z0-9]+(?:'[a-z0-9]+)*")(text.casefold()), "`casefold()`"),
    ],
    ids=["one-apostrophe", "letters-after-apostrophe", "split-then-strip", "apostrophe-digits-a-number", "casefold"],
)
def test_tokenise_refuses_the_apostrophe_and_case_rules_the_first_texts_missed(tokeniser, words):
    outcome = EX.tokenise_num.evaluate(tokeniser)
    assert outcome.status == INCORRECT and words in outcome.message, outcome.message


@pytest.mark.parametrize(
    ("tokeniser", "words"),
    [
        (_numbered(r"[a-z0-9]+(?:['-][a-z0-9]+)*"), "keeps a hyphen inside a token"),
        (_numbered(r"[a-z0-9]+(?:'[a-z0-9]+)*(?:,[0-9]{3})*"), "keeps digits with a comma between them"),
        (lambda text: ["<num>" if t.replace(",", "").isdigit() else t
                       for t in re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*(?:,[0-9]{3})*", text.lower())],
         "reads digits with a comma between them (`5,000`) as one number"),
        (lambda text: ["<num>" if t.isdigit() and len(t) <= 4 else t
                       for t in re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower())], "keeps a long number"),
        (_numbered("[a-z0-9]+(?:['\u2019][a-z0-9]+)*"), "keeps a curly apostrophe"),
    ],
    ids=["hyphens-kept", "thousands-kept-as-a-token", "thousands-one-number", "short-numbers-only", "curly-apostrophe"],
)
def test_tokenise_refuses_hyphens_thousands_long_numbers_and_curly_apostrophes(tokeniser, words):
    outcome = EX.tokenise_num.evaluate(tokeniser)
    assert outcome.status == INCORRECT and words in outcome.message, outcome.message


def test_the_check_has_a_text_where_each_apostrophe_rule_shows():
    from mlkit.course.checks.units import nlp as unit

    slips = ({"one_apostrophe": True}, {"letters_after_apostrophe": True}, {"apostrophe_numbers": True},
             {"casefold": True}, {"hyphens": True}, {"thousands": "number"}, {"thousands": "token"},
             {"short_numbers_only": True}, {"curly": True})
    for slip in slips:
        assert any(unit._tokens_of(text, **slip) != unit._tokens_of(text) for text in unit.TOKEN_CASES), slip
    assert any("''" in text for text in unit.TOKEN_CASES)


def test_a_placeholder_in_capitals_is_not_blamed_on_lower_casing():
    outcome = EX.tokenise_num.evaluate(lambda text: ["<NUM>" if t == "<num>" else t for t in _right_tokens(text)])
    assert outcome.status == INCORRECT and "exactly '<num>'" in outcome.message
    assert "capital letters" not in outcome.message


def test_the_statement_says_what_several_apostrophes_and_casefold_give():
    import json
    from pathlib import Path

    cells = json.loads(Path(__file__).parents[1].joinpath("solutions", "21_nlp.ipynb").read_text())["cells"]
    statement = next(c["source"] for c in cells if c["source"].startswith("## Exercise 1"))
    for words in ("rock'n'roll", "5'000", "don''t", "`text.lower()`", "straße", "two-factor", "`5,000`",
                  "however long", "curly apostrophe"):
        assert words in statement, words


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


@pytest.mark.parametrize("places", [2, 3, 4])
def test_rounded_scores_are_called_rounded_not_wrong(places):
    from sklearn.feature_extraction.text import TfidfVectorizer

    scores = {name: round(value, places) for name, value in _right_scores().items()}
    outcome = EX.features.evaluate(scores, _pipeline(TfidfVectorizer(ngram_range=(1, 2), stop_words="english")))
    assert outcome.status == INCORRECT and f"right to {places} decimal places" in outcome.message
    assert "is not the mean accuracy" not in outcome.message


@pytest.mark.parametrize("form", [lambda v: 100 * v, lambda v: round(100 * v, 1)], ids=["percent", "rounded-percent"])
def test_scores_as_percentages_are_called_percentages(form):
    from sklearn.feature_extraction.text import TfidfVectorizer

    scores = {name: form(value) for name, value in _right_scores().items()}
    outcome = EX.features.evaluate(scores, _pipeline(TfidfVectorizer(ngram_range=(1, 2), stop_words="english")))
    assert outcome.status == INCORRECT and "percentage" in outcome.message


def test_other_folds_are_told_which_folds_are_asked_for():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import KFold, cross_val_score

    from mlkit.course.checks.units import nlp as unit

    train, _ = unit._split()
    scores = {name: cross_val_score(_pipeline(f), train["text"], train["queue"], cv=KFold(5)).mean()
              for name, f in unit.feature_candidates().items()}
    outcome = EX.features.evaluate(scores, _pipeline(TfidfVectorizer(ngram_range=(1, 2), stop_words="english")))
    assert outcome.status == INCORRECT and "cv=5" in outcome.message and "stratified" in outcome.message


def test_the_statement_names_cv_5():
    import json
    from pathlib import Path

    cells = json.loads(Path(__file__).parents[1].joinpath("solutions", "21_nlp.ipynb").read_text())["cells"]
    statement = next(c["source"] for c in cells if c["source"].startswith("## Exercise 2"))
    assert "cv=5" in statement and "stratified" in statement


def test_the_feature_candidates_have_distinct_scores():
    assert len(set(np.round(list(_right_scores().values()), 9))) == len(_right_scores())


# --- exercise 3: the most common confusion --------------------------------------------------------------


def test_the_shortcut_found_in_review_is_refused():
    def prediction_first(results):
        wrong = results[results.queue != results.predicted]
        top = wrong.predicted.value_counts().idxmax()
        return wrong[wrong.predicted == top].queue.value_counts().idxmax(), top

    outcome = EX.most_confused.evaluate(prediction_first)
    assert outcome.status == INCORRECT and "Count the (true, predicted) pairs themselves" in outcome.message


def test_each_shortcut_gives_another_pair_on_some_table_of_the_check():
    from mlkit.course.checks.units import nlp as unit

    cases = unit._confusion_cases()
    for slip in ("prediction_first", "queue_first", "all_rows"):
        assert any(unit._most_confused_of(t, slip=slip) != unit._most_confused_of(t) for _, t in cases), slip


def test_probabilities_summed_by_pair_give_another_pair_and_are_refused():
    from mlkit.course.checks.units import nlp as unit

    def weighted(results):
        wrong = results[results["queue"] != results["predicted"]]
        if "probability" in wrong:
            return tuple(wrong.groupby(["queue", "predicted"])["probability"].sum().idxmax())
        return tuple(wrong.groupby(["queue", "predicted"]).size().idxmax())

    tables = [t for _, t in unit._confusion_cases() if "probability" in t]
    assert tables and any(weighted(t) != unit._most_confused_of(t) for t in tables)
    assert EX.most_confused.evaluate(weighted).status == INCORRECT


@pytest.mark.parametrize(
    "shortcut",
    [
        lambda r: tuple(r[r.queue != r.predicted].groupby(["queue", "predicted"]).size()
                        .div(r.groupby("queue").size(), level="queue").idxmax()),  # rate within the true queue
        lambda r: tuple(r[r.queue != r.predicted].groupby(["queue", "predicted"]).size()
                        .div(r.groupby("predicted").size(), level="predicted").idxmax()),  # rate within the prediction
        lambda r: tuple(r.head(100).pipe(lambda h: h[h.queue != h.predicted])
                        .groupby(["queue", "predicted"]).size().idxmax()),  # the first 100 rows only
    ],
    ids=["row-rate", "column-rate", "head-100"],
)
def test_a_wrong_pair_gets_counts_not_a_guessed_cause(shortcut):
    outcome = EX.most_confused.evaluate(shortcut)
    assert outcome.status == INCORRECT, outcome.message
    assert "*within*" not in outcome.message
    assert re.search(r"occurs \d+ times among the errors, but another pair occurs \d+ times", outcome.message), \
        outcome.message


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


def test_ppmi_accepts_a_scipy_sparse_result():
    import scipy.sparse as sparse

    for kind in (sparse.csr_matrix, sparse.csr_array, sparse.coo_matrix):
        outcome = EX.ppmi.evaluate(lambda counts, alpha, kind=kind: kind(_solution_ppmi(counts, alpha)))
        assert outcome.passed, outcome.message
    wrong = EX.ppmi.evaluate(lambda counts, alpha: sparse.csr_matrix(_solution_ppmi(counts, 1.0)))
    assert wrong.status == INCORRECT and "not raised to the power `alpha`" in wrong.message


def test_ppmi_refuses_a_learners_subclass_of_a_sparse_matrix():
    import scipy.sparse as sparse

    class Dense(sparse.csr_matrix):
        pass

    assert EX.ppmi.evaluate(lambda counts, alpha: Dense(_solution_ppmi(counts, alpha))).status == INCORRECT


@pytest.mark.parametrize(
    ("form", "words"),
    [(lambda a: np.char.mod("%.17g", a), "text"), (lambda a: a.astype(complex), "complex"),
     (lambda a: a.astype(str).tolist(), "text")],
    ids=["text-array", "complex", "text-list"],
)
def test_ppmi_refuses_text_and_complex_values(form, words):
    outcome = EX.ppmi.evaluate(lambda counts, alpha: form(_solution_ppmi(counts, alpha)))
    assert outcome.status == INCORRECT and words in outcome.message, outcome.message


def test_the_kits_ppmi_is_refused_as_an_answer_and_withheld_from_one():
    import functools

    from mlkit.topics import text

    kit = text.ppmi
    for answer in (text.ppmi, functools.partial(text.ppmi)):
        outcome = EX.ppmi.evaluate(answer)
        assert outcome.status == INCORRECT and "write it yourself" in outcome.message
    outcome = EX.ppmi.evaluate(lambda counts, alpha: text.ppmi(counts, alpha))
    assert outcome.status == INCORRECT and "withheld" in outcome.message
    assert text.ppmi is kit  # put back once the check is over


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


@pytest.mark.parametrize(
    ("form", "words"),
    [(lambda pair: tuple(p.astype(complex) for p in pair), "complex"),
     (lambda pair: tuple(np.char.mod("%.17g", p) for p in pair), "text"),
     (lambda pair: (pair[0], pair[1].astype(str).tolist()), "text")],
    ids=["complex", "text-arrays", "text-weights"],
)
def test_attention_refuses_text_and_complex_values(form, words):
    outcome = EX.attention.evaluate(lambda Q, K, V, mask: form(_solution_attention(Q, K, V, mask)))
    assert outcome.status == INCORRECT and words in outcome.message, outcome.message


def test_the_kits_attention_is_refused_as_an_answer_and_withheld_from_one():
    from mlkit.topics import text

    kit = text.attention
    outcome = EX.attention.evaluate(text.attention)
    assert outcome.status == INCORRECT and "write it yourself" in outcome.message

    def calls_it_and_hides_the_error(Q, K, V, mask):
        try:
            return text.attention(Q, K, V, mask)
        except Exception:
            return _solution_attention(Q, K, V, mask)

    for answer in (lambda Q, K, V, mask: text.attention(Q, K, V, mask), calls_it_and_hides_the_error):
        outcome = EX.attention.evaluate(answer)
        assert outcome.status == INCORRECT and "withheld" in outcome.message
    assert text.attention is kit


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
        ("attention_shifted_before_the_mask", "subtracted before the mask is applied"),
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


def test_the_attention_statement_puts_the_mask_before_the_shift():
    import json
    from pathlib import Path

    cells = json.loads(Path(__file__).parents[1].joinpath("solutions", "21_nlp.ipynb").read_text())["cells"]
    statement = next(c["source"] for c in cells if c["source"].startswith("## Exercise 5"))
    assert "largest *unmasked* score" in statement and "hide the masked keys first" in statement


def test_the_mask_applied_after_exp_gets_the_message_of_the_shift_before_the_mask():
    """Both orders give the same weights, so one message names both."""
    from mlkit.course.checks.units import nlp as unit

    outcome = EX.attention.evaluate(lambda Q, K, V, mask: unit._attention_of(Q, K, V, mask, mask_after_exp=True))
    assert outcome.status == INCORRECT
    assert "the mask is applied after `np.exp`" in outcome.message
    assert "subtracted before the mask is applied" in outcome.message
