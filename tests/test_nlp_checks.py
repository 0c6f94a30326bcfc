"""Checks of unit nlp: the messages of particular wrong answers; the support-messages corpus and its
loader; and :mod:`mlkit.topics.text`.

That every check passes on the solution, says "not attempted" on the stub and fails on each
wrong answer is tested for all units by ``tests/test_exercises_discovered.py``.
"""

from __future__ import annotations

import pytest

from mlkit.course.checks import INCORRECT, NOT_ATTEMPTED, exercises

UNIT = "nlp"
EX = exercises(UNIT)


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
    from mlkit.course.checks.units import nlp as unit

    outcome = EX.bag_of_words.evaluate(*unit.bag_of_words_fitted_on_all_messages().args)
    assert "test messages" in outcome.message and "leak" in outcome.message


def test_the_lessons_single_word_bag_is_told_to_count_word_pairs_too():
    from mlkit.course.checks.units import nlp as unit

    outcome = EX.bag_of_words.evaluate(*unit.bag_of_words_single_words_only().args)
    assert outcome.status == INCORRECT and "single words only" in outcome.message


def test_the_bag_of_words_and_pairs_passes_and_counts_pairs():
    from sklearn.feature_extraction.text import CountVectorizer

    from mlkit.course.checks.units import nlp as unit

    train, _ = unit._split()
    vectorizer = CountVectorizer(ngram_range=(1, 2))
    counts = vectorizer.fit_transform(train["text"])
    outcome = EX.bag_of_words.evaluate(vectorizer, counts)
    pairs = sum(" " in term for term in vectorizer.vocabulary_)
    assert outcome.passed and pairs > 0 and f"{pairs} word pairs" in outcome.message
    assert counts.shape[1] > len(CountVectorizer().fit(train["text"]).vocabulary_)


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


def _toy_model(labels=("post", "post", "pay", "pay")):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["parcel late", "parcel lost", "card charged", "card declined"]
    return make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, list(labels))


def test_top_terms_ranks_each_class_by_its_weights():
    from mlkit.topics.text import top_terms

    terms = top_terms(_toy_model(), n=2)
    assert terms["label"].tolist() == ["pay", "pay", "post", "post"]
    assert terms.loc[0, "term"] == "card" and terms.loc[2, "term"] == "parcel"
    assert terms.groupby("label")["weight"].apply(lambda w: w.is_monotonic_decreasing).all()


def test_top_terms_with_several_classes_uses_one_row_per_class():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from mlkit.topics.text import top_terms

    texts = ["red apple", "red cherry", "blue sky", "blue sea", "green leaf", "green grass"]
    model = make_pipeline(CountVectorizer(), LogisticRegression()).fit(texts, ["r", "r", "b", "b", "g", "g"])
    assert top_terms(model, n=1).set_index("label")["term"].to_dict() == {"b": "blue", "g": "green", "r": "red"}


def test_top_terms_and_known_terms_reject_bad_input_with_a_message():
    from sklearn.linear_model import LogisticRegression

    from mlkit.errors import InputError
    from mlkit.topics.text import known_terms, top_terms

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

    from mlkit.topics.text import known_terms

    vectorizer = TfidfVectorizer(stop_words="english").fit(["the parcel is late", "card charged"])
    assert known_terms(vectorizer, "The PARCEL never came") == (["parcel"], ["came"])
