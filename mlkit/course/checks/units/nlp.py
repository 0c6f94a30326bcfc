"""Exercises of unit 21, natural language processing (``solutions/21_nlp.ipynb``).

Data: :mod:`mlkit.datasets.support_messages`, short messages to an online
shop's help desk labelled with their queue. The notebook splits ``load()``
into ``train`` and ``test`` (a quarter, stratified, ``random_state=0``); the
checks rebuild the same split. The error-analysis exercise reads out-of-fold
predictions on the training messages, never the test messages. Models are scored
on ``holdout()`` (88 messages), which no notebook reads. The PPMI and attention
functions are tried on inputs the checks make themselves (other shapes, uncentred
values, masks, smoothing powers) against :mod:`mlkit.topics.text`.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import (
    as_pair,
    expect_choice,
    expect_frame,
    expect_pipeline,
    expect_score,
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


# --- 2. a text classifier ------------------------------------------------------------


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


# --- 3. error analysis -----------------------------------------------------------------


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


# --- 4. positive pointwise mutual information --------------------------------------------

PPMI_RTOL, PPMI_ATOL = 1e-5, 1e-7


def _ppmi_cases():
    """``(counts, alpha)`` pairs: rectangular count matrices with zeros, no empty row or column.

    Rows and columns have different totals (so swapping their roles shows), some cells are
    rarer than chance (negative PMI) and some are zero; ``alpha`` is 1 (plain PPMI) and below.
    """
    import numpy as np

    rng = np.random.default_rng(2115)
    cases = []
    for shape, rate, alpha in (((5, 7), 1.6, 0.75), ((6, 4), 2.5, 1.0), ((4, 9), 1.2, 0.5)):
        counts = rng.poisson(rate, shape).astype(float)
        counts[np.arange(shape[0]), np.arange(shape[0]) % shape[1]] += 1 + np.arange(shape[0])
        counts[np.arange(shape[1]) % shape[0], np.arange(shape[1])] += 1  # no empty row or column
        cases.append((counts, alpha))
    return cases


def _ppmi_of(counts, alpha, *, log=None, floor=True, smooth_rows=False, renormalise=True):
    """PPMI computed as the exercise asks, or with one slip (a wrong answer the check recognises)."""
    import numpy as np

    log = log or np.log
    total = counts.sum()
    rows = counts.sum(axis=1, keepdims=True) ** (alpha if smooth_rows else 1.0)
    columns = counts.sum(axis=0, keepdims=True) ** alpha
    p_word = rows / rows.sum() if smooth_rows else rows / total
    p_context = columns / columns.sum() if renormalise else (counts.sum(axis=0, keepdims=True) / total) ** alpha
    with np.errstate(divide="ignore"):
        pmi = log(counts / total / (p_word * p_context))
    return np.maximum(pmi, 0.0) if floor else pmi


def _read_ppmi(result, counts):
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`ppmi` should return an array of numbers, but it returned a {type(result).__name__}.") from None
    if array.shape != counts.shape:
        raise Incorrect(f"`ppmi` returned shape {array.shape} for counts of shape {counts.shape}; one value per "
                        "cell of `counts` is expected.")
    return array


def _same(got, want) -> bool:
    import numpy as np

    return bool(np.allclose(got, want, rtol=PPMI_RTOL, atol=PPMI_ATOL))


@EXERCISES.exercise(
    "ppmi",
    title="Weigh co-occurrence counts by PPMI, with smoothed contexts",
    hints=(
        "Three shares of the total count: of the cell, P(w, c); of its row, P(w); of its column, P(c). PMI is "
        "the log of P(w, c) / (P(w) P(c)); PPMI keeps it where it is positive and puts 0 elsewhere.",
        "`counts.sum(axis=1, keepdims=True)` holds the row totals as a column, `counts.sum(axis=0, keepdims=True)` "
        "the column totals as a row, so that they broadcast against `counts`. For the smoothing, raise the column "
        "totals to the power `alpha`, then divide by *their* sum.",
        "`context = counts.sum(axis=0, keepdims=True) ** alpha`; `p_context = context / context.sum()`; then "
        "`np.maximum(np.log(p_joint / (p_word * p_context)), 0.0)` inside `with np.errstate(divide=\"ignore\"):`.",
    ),
)
def ppmi(ppmi):
    import numpy as np

    from mlkit.topics import text

    if not callable(ppmi):
        raise Incorrect(f"`ppmi` should be a function, but it is a {type(ppmi).__name__}.")
    for counts, alpha in _ppmi_cases():
        got = _read_ppmi(call_learner(ppmi, counts.copy(), alpha), counts)
        want = text.ppmi(counts, alpha)
        if _same(got, want):
            continue
        if np.isnan(got).any():
            raise Incorrect("`ppmi` returned NaN values: a cell with a zero count has no PMI to keep, and its PPMI is 0.")
        if (got < 0).any():
            raise Incorrect("`ppmi` returned negative values: the *positive* PMI keeps only the positive values and "
                            "puts 0 in every other cell, zero counts included.")
        for name, log in (("base 2", np.log2), ("base 10", np.log10)):
            if _same(got, _ppmi_of(counts, alpha, log=log)):
                raise Incorrect(f"`ppmi` uses the logarithm of {name}; the exercise asks for the natural logarithm, "
                                "`np.log`.")
        if alpha != 1.0 and _same(got, _ppmi_of(counts, 1.0)):
            raise Incorrect(f"`ppmi(counts, alpha={alpha})` gives plain PPMI: the column totals are not raised to the "
                            "power `alpha`.")
        if _same(got, _ppmi_of(counts.T, alpha).T):
            raise Incorrect("`ppmi` smooths the rows (the words) instead of the columns (the contexts).")
        if alpha != 1.0 and _same(got, _ppmi_of(counts, alpha, smooth_rows=True)):
            raise Incorrect("`ppmi` raises the row totals to the power `alpha` as well; only the contexts, the "
                            "columns, are smoothed.")
        if alpha != 1.0 and _same(got, _ppmi_of(counts, alpha, renormalise=False)):
            raise Incorrect("the smoothed context probabilities do not sum to 1: raise the column *totals* to the "
                            "power `alpha`, then divide them by their own sum.")
        wrong = int((~np.isclose(got, want, rtol=PPMI_RTOL, atol=PPMI_ATOL)).sum())
        raise Incorrect(f"for counts of shape {counts.shape} and alpha={alpha}, {wrong} of the {counts.size} values "
                        "of `ppmi` are not right.")
    return "right on three count matrices of other shapes, with zero counts, plain and smoothed."


def _ppmi_answer(**slip):
    return Answer.of(lambda counts, alpha: _ppmi_of(counts, alpha, **slip))


@ppmi.wrong_answer
def ppmi_negative_values_kept():
    return _ppmi_answer(floor=False)


@ppmi.wrong_answer
def ppmi_base_2():
    import numpy as np

    return _ppmi_answer(log=np.log2)


@ppmi.wrong_answer
def ppmi_alpha_ignored():
    return Answer.of(lambda counts, alpha: _ppmi_of(counts, 1.0))


@ppmi.wrong_answer
def ppmi_rows_smoothed_too():
    return _ppmi_answer(smooth_rows=True)


@ppmi.wrong_answer
def ppmi_shares_not_renormalised():
    return _ppmi_answer(renormalise=False)


@ppmi.wrong_answer
def ppmi_words_and_contexts_swapped():
    return Answer.of(lambda counts, alpha: _ppmi_of(counts.T, alpha).T)


# --- 5. scaled dot-product attention ----------------------------------------------------------

ATTENTION_RTOL, ATTENTION_ATOL = 1e-5, 1e-7
LARGE_SCORES = 30.0  # queries and keys scaled by this give scores whose exp overflows unless shifted


def _attention_cases():
    """``(Q, K, V, mask)`` for cross-attention, causal and padding masks, no mask, and large scores.

    The sizes differ from case to case and from each other (queries, keys, d, values), so a
    transposed product or a scale by the wrong size shows; every query keeps at least one key.
    """
    import numpy as np

    rng = np.random.default_rng(2121)

    def draw(n_q, n_k, d, d_v, scale=1.0, key_mean=-0.3):
        Q = rng.normal(0.4, 1.0, (n_q, d)) * scale
        K = rng.normal(key_mean, 1.2, (n_k, d)) * scale
        V = rng.normal(1.5, 2.0, (n_k, d_v))
        return Q, K, V

    holes = np.array([[1, 1, 0, 1, 1], [1, 0, 1, 1, 0], [0, 1, 1, 1, 1]], dtype=bool)
    padding = np.repeat(np.array([[True, True, True, True, False, False]]), 4, axis=0)
    large = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=bool)
    return [
        (*draw(3, 5, 4, 2), holes),
        (*draw(6, 6, 3, 5), np.tril(np.ones((6, 6), dtype=bool))),
        (*draw(4, 6, 8, 3), padding),
        (*draw(2, 7, 5, 4), np.ones((2, 7), dtype=bool)),
        (*draw(5, 3, 2, 6, scale=LARGE_SCORES, key_mean=1.0), large),
    ]


def _attention_of(Q, K, V, mask, *, scale="sqrt", axis=1, use_mask=True, invert=False, shift=True):
    """Attention as the exercise asks, or with one slip (a wrong answer the check recognises)."""
    import numpy as np

    divisor = {"sqrt": np.sqrt(Q.shape[1]), "none": 1.0, "d": Q.shape[1]}[scale]
    scores = Q @ K.T / divisor
    if use_mask:
        allowed = ~mask if invert else mask
        scores = np.where(allowed, scores, -np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        if shift:
            scores = scores - scores.max(axis=axis, keepdims=True)
        weights = np.exp(scores)
        weights = weights / weights.sum(axis=axis, keepdims=True)
        return weights @ V, weights


def _read_attention(result, n_queries, n_keys, n_values):
    """``(outputs, weights)`` as float arrays, or Incorrect naming what was returned instead."""
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect("`attention` should return two arrays, `(outputs, weights)`.")
    if any(part is Ellipsis for part in result):
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        outputs, weights = (np.asarray(part, dtype=float) for part in result)
    except (TypeError, ValueError):
        raise Incorrect("`attention` should return two arrays of numbers, `(outputs, weights)`.") from None
    wanted = ((n_queries, n_values), (n_queries, n_keys))
    if (outputs.shape, weights.shape) == wanted[::-1]:
        raise Incorrect("`attention` returns the weights first; the order asked for is `(outputs, weights)`.")
    if weights.shape != wanted[1]:
        raise Incorrect(f"for {n_queries} queries and {n_keys} keys, the weights have shape {weights.shape}; one "
                        f"weight per query and key, shape {wanted[1]}, is expected.")
    if outputs.shape != wanted[0]:
        raise Incorrect(f"for {n_queries} queries and values of {n_values} numbers, the outputs have shape "
                        f"{outputs.shape}; shape {wanted[0]} is expected.")
    return outputs, weights


def _close(got, want) -> bool:
    import numpy as np

    return bool(np.allclose(got, want, rtol=ATTENTION_RTOL, atol=ATTENTION_ATOL))


@EXERCISES.exercise(
    "attention",
    title="Write scaled dot-product attention with a mask",
    hints=(
        "Four steps: the scores `Q @ K.T` divided by the square root of d; a very negative score (`-np.inf`) where "
        "the mask is False; a softmax of each row (over the keys); then the weights times `V`.",
        "For the softmax of each row, subtract the row's largest score (`scores.max(axis=1, keepdims=True)`), take "
        "`np.exp`, and divide by the row's sum (`axis=1, keepdims=True` again). `np.where(mask, scores, -np.inf)` "
        "keeps a score where the mask is True.",
        "`scores = np.where(mask, Q @ K.T / np.sqrt(Q.shape[1]), -np.inf)`; `weights = np.exp(scores - "
        "scores.max(axis=1, keepdims=True))`; `weights = weights / weights.sum(axis=1, keepdims=True)`; "
        "`return weights @ V, weights`",
    ),
)
def attention(attention):
    import numpy as np

    if not callable(attention):
        raise Incorrect(f"`attention` should be a function, but it is a {type(attention).__name__}.")
    for Q, K, V, mask in _attention_cases():
        shapes = f"Q {Q.shape}, K {K.shape}, V {V.shape}"
        result = call_learner(attention, Q.copy(), K.copy(), V.copy(), mask.copy())
        outputs, weights = _read_attention(result, len(Q), len(K), V.shape[1])
        want_outputs, want_weights = _attention_of(Q, K, V, mask)
        large = np.abs(Q).max() > LARGE_SCORES / 2
        if not (np.isfinite(weights).all() and np.isfinite(outputs).all()):
            if large:
                raise Incorrect(f"for large scores ({shapes}), `attention` returns NaN or infinite values: `np.exp` "
                                "of a large score overflows. Subtract each row's largest score before `np.exp`; "
                                "the softmax does not change.")
            raise Incorrect(f"for {shapes}, `attention` returns NaN or infinite values: a masked key should get a "
                            "score of `-np.inf`, whose `exp` is 0, and every row keeps at least one key.")
        if _close(weights, want_weights):
            if not _close(outputs, want_outputs):
                raise Incorrect(f"for {shapes}, the weights are right but the outputs are not: each output row is "
                                "the weighted sum of the rows of `V`, with that query's weights.")
            continue
        if not _close(weights.sum(axis=1), 1.0):
            if _close(weights.sum(axis=0), 1.0):
                raise Incorrect(f"for {shapes}, each *column* of the weights sums to 1: the softmax ran over the "
                                "queries. Each query's weights, a row, are a distribution over the keys.")
            raise Incorrect(f"for {shapes}, the rows of the weights do not sum to 1: each query's weights are a "
                            "softmax over the keys.")
        if _close(weights, _attention_of(Q, K, V, mask, invert=True)[1]):
            raise Incorrect(f"for {shapes}, the weights fall on the keys the mask hides: `mask` is True where the "
                            "query *may* attend to the key.")
        if (weights[~mask] > ATTENTION_ATOL).any():
            raise Incorrect(f"for {shapes}, some query gives weight to a key the mask hides (False); those "
                            "weights should be 0.")
        if _close(weights, _attention_of(Q, K, V, mask, scale="none")[1]):
            raise Incorrect(f"for {shapes}, the scores are not scaled: divide `Q @ K.T` by the square root of d, "
                            "the length of a query.")
        if _close(weights, _attention_of(Q, K, V, mask, scale="d")[1]):
            raise Incorrect(f"for {shapes}, the scores are divided by d itself; the scale is its square root.")
        raise Incorrect(f"for {shapes}, the weights are not the softmax over the keys of `Q @ K.T / sqrt(d)`.")
    return "right on five sets of inputs: cross-attention, causal and padding masks, no mask, and large scores."


def _attention_answer(**slip):
    return Answer.of(lambda Q, K, V, mask: _attention_of(Q, K, V, mask, **slip))


@attention.wrong_answer
def attention_without_the_scale():
    return _attention_answer(scale="none")


@attention.wrong_answer
def attention_scaled_by_d():
    return _attention_answer(scale="d")


@attention.wrong_answer
def attention_softmax_over_the_queries():
    return _attention_answer(axis=0)


@attention.wrong_answer
def attention_mask_ignored():
    return _attention_answer(use_mask=False)


@attention.wrong_answer
def attention_mask_inverted():
    return _attention_answer(invert=True)


@attention.wrong_answer
def attention_softmax_not_shifted():
    return _attention_answer(shift=False)


@attention.wrong_answer
def attention_weights_first():
    def swapped(Q, K, V, mask):
        outputs, weights = _attention_of(Q, K, V, mask)
        return weights, outputs

    return Answer.of(swapped)


@attention.wrong_answer
def attention_outputs_not_weighted():
    def unweighted(Q, K, V, mask):
        _, weights = _attention_of(Q, K, V, mask)
        return _mean_of_values(V, len(Q)), weights

    return Answer.of(unweighted)


def _mean_of_values(V, n_queries):
    """Every query's output the plain mean of the values (the weights left out)."""
    import numpy as np

    return np.repeat(V.mean(axis=0, keepdims=True), n_queries, axis=0)


# --- 6. a judgement ------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "B": "one small model trained from nothing on a few hundred messages says little about attention in "
    "general: transformers pretrained on a lot of text are the strongest text classifiers known. What lost here "
    "is the attempt to learn word vectors and attention from 220 messages.",
    "C": "training accuracy rises while a network memorises its few training messages; the validation loss "
    "already stopped falling. More epochs fit the noise, not the task.",
    "D": "the test messages would then choose the epoch, so its test accuracy is the best of many tries on them: "
    "an optimistic figure, and no longer a fair comparison with TF-IDF.",
}


@EXERCISES.exercise(
    "judgement",
    title="Judge the tiny transformer against TF-IDF",
    hints=(
        "Count what each model has to learn from the 220 messages it is fitted on: the transformer its word vectors, "
        "positions and attention, tens of thousands of weights; the TF-IDF model one weight per word and queue.",
        "Which data may choose a number of epochs, and where does knowledge of words come from when your own "
        "labelled messages are few?",
        "Look for the statement that blames the amount of data, not attention, and keeps the test set for the end.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="A", feedback=JUDGEMENT_FEEDBACK)
    return ("a few hundred labels cannot train a transformer from nothing; pretrained weights, fine-tuned and "
            "tested on the same messages, are the fair next try.")


@judgement.wrong_answer
def judgement_attention_does_not_work():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_train_longer():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_choose_epochs_on_test():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'A'", "Option A"]
