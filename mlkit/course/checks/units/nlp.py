"""Exercises of unit 21, natural language processing (``solutions/21_nlp.ipynb``).

Data: :mod:`mlkit.datasets.support_messages`, short messages to an online
shop's help desk labelled with their queue. The notebook splits ``load()``
into ``train`` and ``test`` (a quarter, stratified, ``random_state=0``); the
checks rebuild the same split. The error-analysis exercise reads out-of-fold
predictions on the training messages, never the test messages. Models are scored
on ``holdout()`` (88 messages), which no notebook reads.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, call_learner
from mlkit.course.checks.kinds import (
    as_pair,
    expect_choice,
    expect_fitted,
    expect_frame,
    expect_pipeline,
    expect_score,
    expect_type,
    fit_copy,
)

EXERCISES = ExerciseSet("nlp", "Natural language processing")

TEST_SHARE = 0.25
MIN_ACCURACY = 0.70


# --- shared data and reference results (computed once, only when a check runs) ----


def _messages():
    from mlkit.datasets import support_messages

    return support_messages.load()


def _holdout():
    from mlkit.datasets import support_messages

    return support_messages.holdout()


@lru_cache(maxsize=1)
def _split():
    """``train, test`` exactly as the notebook makes them."""
    from sklearn.model_selection import train_test_split

    messages = _messages()
    return tuple(train_test_split(messages, test_size=TEST_SHARE, stratify=messages["queue"], random_state=0))


def reference_model():
    """The notebook's model: TF-IDF features, then logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


ERROR_FOLDS = 5


@lru_cache(maxsize=1)
def _results():
    """The training messages with the reference model's out-of-fold prediction in a column ``predicted``.

    Each message is predicted by the model fitted on the other folds (``cross_val_predict``,
    :data:`ERROR_FOLDS` folds), as the notebook does.
    """
    from sklearn.model_selection import cross_val_predict

    train, _ = _split()
    return train.assign(predicted=cross_val_predict(reference_model(), train["text"], train["queue"], cv=ERROR_FOLDS))


@lru_cache(maxsize=1)
def _confused_pair() -> tuple[str, str]:
    results = _results()
    wrong = results[results["queue"] != results["predicted"]]
    counts = wrong.groupby(["queue", "predicted"]).size()
    return tuple(counts.idxmax())


def _baseline_accuracy() -> float:
    return float(_holdout()["queue"].value_counts(normalize=True).max())


# --- 1. tokenise -------------------------------------------------------------------

TOKEN_CASES = (
    "Where is my parcel?",
    "Charged 3 times!!! fix it now",
    "I can't log in, the app says ERROR 500.",
    "The box, the box and the BOX.",
    "user_name: café order #7",  # an underscore and an accented letter separate tokens too
)


def _reference_tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@EXERCISES.exercise(
    "tokenise",
    title="Write a tokeniser",
    hints=(
        "Two steps: make the text lower case, then find the runs of letters and digits in it.",
        "`re.findall(pattern, text)` returns every piece of `text` that matches `pattern`, in order, as a list. "
        "A run of lower-case letters and digits is the pattern `[a-z0-9]+`.",
        "`return re.findall(r\"[a-z0-9]+\", text.lower())`",
    ),
)
def tokenise(tokenise):
    if not callable(tokenise):
        raise Incorrect(f"`tokenise` should be a function, but it is a {type(tokenise).__name__}.")
    for text in TOKEN_CASES:
        tokens = call_learner(tokenise, text)
        if tokens is Ellipsis:
            from mlkit.course.checks.core import NotAttempted

            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if isinstance(tokens, (set, frozenset)):
            raise Incorrect(
                "`tokenise` returns a set: it loses the order of the words and how often each occurs, and a bag of "
                "words counts them. Return a list."
            )
        if isinstance(tokens, str) or not isinstance(tokens, (list, tuple)):
            raise Incorrect(f"`tokenise({text!r})` returned a {type(tokens).__name__}; a list of strings is expected.")
        if not all(isinstance(t, str) for t in tokens):
            raise Incorrect(f"`tokenise({text!r})` returned a list with things that are not strings.")
        if any(t != t.lower() for t in tokens):
            raise Incorrect(
                f"`tokenise({text!r})` keeps capital letters, so 'Box' and 'box' would count as two different "
                "words. Make the text lower case first."
            )
        odd = sorted({c for t in tokens for c in re.findall(r"[^a-z0-9]", t)})
        if odd:
            raise Incorrect(
                f"`tokenise({text!r})` returned tokens that hold {', '.join(repr(c) for c in odd)}: a token is a run of "
                "the letters a to z and the digits 0 to 9 only; every other character separates tokens."
            )
        if list(tokens) != _reference_tokens(text):
            raise Incorrect(f"`tokenise({text!r})` returned {list(tokens)!r}, which is not right.")
    return "lower case, punctuation gone, every word kept in order."


@tokenise.wrong_answer
def tokenise_word_characters():
    return Answer.of(lambda text: re.findall(r"\w+", text.lower()))


@tokenise.wrong_answer
def tokenise_split_on_spaces():
    return Answer.of(lambda text: text.lower().split())


@tokenise.wrong_answer
def tokenise_keeps_case():
    return Answer.of(lambda text: re.findall(r"[A-Za-z0-9]+", text))


@tokenise.wrong_answer
def tokenise_returns_a_set():
    return Answer.of(lambda text: set(re.findall(r"[a-z0-9]+", text.lower())))


# --- 2. bag of words ------------------------------------------------------------------


NGRAMS = (1, 2)
"""Single words and pairs of adjacent words: the bag the exercise asks for (the lesson's counts single words)."""


@lru_cache(maxsize=1)
def _reference_counts():
    from sklearn.feature_extraction.text import CountVectorizer

    train, _ = _split()
    vectorizer = CountVectorizer(ngram_range=NGRAMS).fit(train["text"])
    return vectorizer, vectorizer.transform(train["text"])


@EXERCISES.exercise(
    "bag_of_words",
    title="Turn the training messages into a bag of words and word pairs",
    hints=(
        "`CountVectorizer` learns a vocabulary with `fit` and counts the words of each message with `transform`; "
        "`fit_transform` does both at once.",
        "Pairs of adjacent words are *bigrams*; the parameter `ngram_range=(smallest, largest)` of "
        "`CountVectorizer` sets how many words a term may have. Fit it on the training messages only, "
        "`train[\"text\"]`: the test messages must stay unseen.",
        "`vectorizer = CountVectorizer(ngram_range=(1, 2))` and `counts = vectorizer.fit_transform(train[\"text\"])`",
    ),
)
def bag_of_words(vectorizer, counts):
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    if isinstance(vectorizer, TfidfVectorizer):
        raise Incorrect("`vectorizer` is a TfidfVectorizer, which weighs words; a bag of words counts them.")
    expect_type(vectorizer, CountVectorizer, name="vectorizer", what="a CountVectorizer")
    expect_fitted(vectorizer, name="vectorizer")
    reference, expected = _reference_counts()
    train, test = _split()
    words, wanted = set(vectorizer.vocabulary_), set(reference.vocabulary_)
    if words != wanted:
        if words > wanted and words - wanted <= set(CountVectorizer(ngram_range=NGRAMS).fit(test["text"]).vocabulary_):
            raise Incorrect(
                f"`vectorizer` knows {len(words - wanted)} term(s) that occur only in the test messages: it was "
                "fitted on more than the training messages, so the test set leaks into the features."
            )
        if words and words < wanted and all(" " not in term for term in words):
            raise Incorrect(
                "`vectorizer` counts single words only; the exercise asks for pairs of adjacent words as well."
            )
        raise Incorrect(
            "`vectorizer` has not learned the single words and word pairs of the training messages; fit a "
            "`CountVectorizer` that counts both, with its other settings left as they are, on `train[\"text\"]`."
        )
    shape = getattr(counts, "shape", None)
    if shape != expected.shape:
        raise Incorrect(
            f"`counts` has shape {shape}; one row per training message and one column per word of the vocabulary "
            "is expected."
        )
    values = counts.toarray() if hasattr(counts, "toarray") else np.asarray(counts)
    if vectorizer.binary or (values.max() <= 1 and expected.max() > 1):
        raise Incorrect(
            "`counts` only says whether a word occurs (0 or 1), not how often; a bag of words counts repeats."
        )
    if not np.array_equal(values, expected.toarray()):
        raise Incorrect("`counts` does not hold the word counts of the training messages, in their order.")
    pairs = sum(" " in term for term in reference.vocabulary_)
    return (f"{shape[0]} messages, {shape[1]} different terms ({shape[1] - pairs} words and {pairs} word pairs); "
            f"{expected.nnz} of the cells are not zero.")


@bag_of_words.wrong_answer
def bag_of_words_fitted_on_all_messages():
    from sklearn.feature_extraction.text import CountVectorizer

    train, _ = _split()
    vectorizer = CountVectorizer(ngram_range=NGRAMS).fit(_messages()["text"])
    return Answer.of(vectorizer, vectorizer.transform(train["text"]))


@bag_of_words.wrong_answer
def bag_of_words_binary():
    from sklearn.feature_extraction.text import CountVectorizer

    train, _ = _split()
    vectorizer = CountVectorizer(ngram_range=NGRAMS, binary=True)
    return Answer.of(vectorizer, vectorizer.fit_transform(train["text"]))


@bag_of_words.wrong_answer
def bag_of_words_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    train, _ = _split()
    vectorizer = TfidfVectorizer(ngram_range=NGRAMS)
    return Answer.of(vectorizer, vectorizer.fit_transform(train["text"]))


@bag_of_words.wrong_answer
def bag_of_words_of_the_test_messages():
    from sklearn.feature_extraction.text import CountVectorizer

    train, test = _split()
    vectorizer = CountVectorizer(ngram_range=NGRAMS).fit(train["text"])
    return Answer.of(vectorizer, vectorizer.transform(test["text"]))


@bag_of_words.wrong_answer
def bag_of_words_single_words_only():
    """The lesson's bag of words, copied: single words, no pairs."""
    from sklearn.feature_extraction.text import CountVectorizer

    train, _ = _split()
    vectorizer = CountVectorizer()
    return Answer.of(vectorizer, vectorizer.fit_transform(train["text"]))


# --- 3. a text classifier ------------------------------------------------------------


@EXERCISES.exercise(
    "pipeline",
    title="Build a text classifier: TF-IDF, then logistic regression",
    hints=(
        "A model cannot read strings: the first step of the pipeline turns messages into numbers, the last one "
        "classifies them.",
        "`make_pipeline(first_step, second_step)` builds the pipeline; the TF-IDF step is `TfidfVectorizer()`.",
        "`text_model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))`",
    ),
)
def pipeline(text_model):
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    steps = [step for _, step in text_model.steps] if isinstance(getattr(text_model, "steps", None), list) else []
    counts = [s for s in steps if isinstance(s, CountVectorizer) and not isinstance(s, TfidfVectorizer)]
    if counts and not any(isinstance(s, (TfidfTransformer, TfidfVectorizer)) for s in steps):
        raise Incorrect(
            "`text_model` turns messages into raw word counts (a CountVectorizer); the exercise asks for TF-IDF "
            "weights, which give less weight to words that occur in many messages: use a `TfidfVectorizer()`."
        )
    if counts:  # a CountVectorizer then a TfidfTransformer computes the same TF-IDF weights
        expect_pipeline(
            text_model,
            [CountVectorizer, TfidfTransformer, LogisticRegression],
            name="text_model",
            labels=["a word counter", "a TF-IDF weighting", "a logistic regression"],
        )
    else:
        expect_pipeline(
            text_model,
            [TfidfVectorizer, LogisticRegression],
            name="text_model",
            labels=["a TF-IDF vectoriser", "a logistic regression"],
        )
    messages = _messages()
    fitted = fit_copy(text_model, messages["text"], messages["queue"], name="text_model")
    held = _holdout()
    score = expect_score(
        fitted, held["text"], held["queue"], name="text_model", at_least=MIN_ACCURACY, baseline=_baseline_accuracy()
    )
    vocabulary = len(fitted[0].vocabulary_)
    return f"fitted on {len(messages)} messages ({vocabulary} words), it routes {score:.0%} of {len(held)} unseen ones right."


@pipeline.wrong_answer
def pipeline_model_only():
    from sklearn.linear_model import LogisticRegression

    return Answer.of(LogisticRegression(max_iter=1000))


@pipeline.wrong_answer
def pipeline_steps_reversed():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Answer.of(Pipeline([("model", LogisticRegression(max_iter=1000)), ("tfidf", TfidfVectorizer())]))


@pipeline.wrong_answer
def pipeline_word_counts_not_tfidf():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return Answer.of(make_pipeline(CountVectorizer(), LogisticRegression(max_iter=1000)))


@pipeline.wrong_answer
def pipeline_with_a_tiny_vocabulary():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return Answer.of(make_pipeline(TfidfVectorizer(max_features=10), LogisticRegression(max_iter=1000)))


# --- 4. error analysis -----------------------------------------------------------------


@EXERCISES.exercise(
    "errors",
    title="Find the model's errors and its most common confusion",
    hints=(
        "A message is an error when its true queue (column `queue`) differs from the model's (column `predicted`).",
        "`results[results[\"queue\"] != results[\"predicted\"]]` keeps the errors. Group them by the pair of columns "
        "and count: `.groupby([\"queue\", \"predicted\"]).size()`.",
        "`most_confused = errors.groupby([\"queue\", \"predicted\"]).size().idxmax()` gives the pair (true, predicted) "
        "that occurs most often.",
    ),
)
def errors(errors, most_confused):
    results = _results()
    expect_frame(errors, name="errors")
    if "id" not in errors.columns:
        raise Incorrect("`errors` has no column `id`: keep the columns of `results` so each message can be found.")
    wrong_ids = set(results.loc[results["queue"] != results["predicted"], "id"])
    right_ids = set(results["id"]) - wrong_ids
    ids = set(errors["id"])
    if ids and ids <= right_ids:
        raise Incorrect("`errors` holds messages the model routed correctly; keep those where the two queues differ.")
    if ids == set(results["id"]):
        raise Incorrect("`errors` holds every message of `results`; keep only those the model got wrong.")
    if ids != wrong_ids:
        raise Incorrect(f"`errors` has {len(ids)} message(s), but not exactly the ones whose predicted queue is wrong.")
    if len(errors) != len(wrong_ids):
        raise Incorrect("`errors` has some messages more than once.")
    pair = as_pair(most_confused, name="most_confused", what="a pair of queue names, (true queue, predicted queue)")
    if not all(isinstance(queue, str) for queue in pair):
        raise Incorrect("`most_confused` should hold two queue names (strings), (true queue, predicted queue).")
    expected = _confused_pair()
    if pair == expected[::-1]:
        raise Incorrect(
            "`most_confused` has the two queues the wrong way round: the true queue comes first, then the predicted one."
        )
    if pair != expected:
        raise Incorrect("`most_confused` is not the (true, predicted) pair that occurs most often among the errors.")
    count = int(((results["queue"] == pair[0]) & (results["predicted"] == pair[1])).sum())
    return (f"{len(wrong_ids)} of {len(results)} training messages are misrouted by the models that did not see them; "
            f"{count} of them in the most common way.")


@errors.wrong_answer
def errors_the_right_ones():
    results = _results()
    right = results[results["queue"] == results["predicted"]]
    return Answer.of(right, _confused_pair())


@errors.wrong_answer
def errors_pair_reversed():
    results = _results()
    wrong = results[results["queue"] != results["predicted"]]
    return Answer.of(wrong, _confused_pair()[::-1])


@errors.wrong_answer
def errors_most_frequent_true_queue_only():
    results = _results()
    wrong = results[results["queue"] != results["predicted"]]
    return Answer.of(wrong, wrong["queue"].value_counts().idxmax())


@errors.secret_values
def errors_secrets():
    first, second = _confused_pair()
    return [f"({first!r}, {second!r})"]


# --- 5. a judgement ------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "B": "a transformer starts from pretraining on a lot of text, but to route messages to *this* shop's queues "
    "it still needs labelled examples, and, like any model, an evaluation on messages it has not seen.",
    "C": "a transformer reads the words in order and represents each one in its context; that is exactly what a "
    "bag of words cannot do.",
    "D": "the TF-IDF model is cheap, fast, runs without a GPU and can be explained word by word; it is the "
    "baseline a transformer has to beat on the same test messages, and sometimes it is good enough.",
}


@EXERCISES.exercise(
    "judgement",
    title="Say what a transformer model changes",
    hints=(
        "Think of what the bag of words throws away: word order, and any link between two different words with "
        "a similar meaning.",
        "A pretrained transformer has seen a huge amount of text before it sees yours; it still has to be "
        "adapted to your labels and tested like any model.",
        "Look for the statement about context and about words the 264 training messages never contained.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="A", feedback=JUDGEMENT_FEEDBACK)
    return "context and pretraining are what a transformer adds; labels, a test set and a baseline stay."


@judgement.wrong_answer
def judgement_no_labels_needed():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_bigger_bag_of_words():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_baselines_useless():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'A'", "Option A"]
