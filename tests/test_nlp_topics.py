"""Unit 21 (NLP): the helpers of :mod:`mlkit.topics.text` and the figures of :mod:`mlkit.plots.text`.

Word vectors from counts (co-occurrence, PPMI, truncated SVD, cosine neighbours), attention in
NumPy (against loops, against Keras), the token ids and the small transformer encoder.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from mlkit.errors import InputError
from mlkit.topics import text

# Keras's variables do not take NumPy 2's copy= keyword when read as arrays; the values are unaffected.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def test_docstring_examples():
    assert doctest.testmod(text).failed == 0


# --- what a bag-of-words classifier has learned ---------------------------------------------------


def _toy_model(labels=("post", "post", "pay", "pay")):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["parcel late", "parcel lost", "card charged", "card declined"]
    return make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, list(labels))


def test_top_terms_ranks_each_class_by_its_weights():
    terms = text.top_terms(_toy_model(), n=2)
    assert terms["label"].tolist() == ["pay", "pay", "post", "post"]
    assert terms.loc[0, "term"] == "card" and terms.loc[2, "term"] == "parcel"
    assert terms.groupby("label")["weight"].apply(lambda w: w.is_monotonic_decreasing).all()


def test_top_terms_with_several_classes_uses_one_row_per_class():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["red apple", "red cherry", "blue sky", "blue sea", "green leaf", "green grass"]
    model = make_pipeline(CountVectorizer(), LogisticRegression()).fit(texts, ["r", "r", "b", "b", "g", "g"])
    assert text.top_terms(model, n=1).set_index("label")["term"].to_dict() == {"b": "blue", "g": "green", "r": "red"}


def test_top_terms_and_known_terms_reject_bad_input_with_a_message():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(InputError, match="first step is a CountVectorizer"):
        text.top_terms(LogisticRegression())
    with pytest.raises(InputError, match="at least 1"):
        text.top_terms(_toy_model(), n=0)
    with pytest.raises(InputError, match="text should be a string"):
        text.known_terms(_toy_model()[0], ["parcel"])
    with pytest.raises(InputError, match="fitted"):
        text.known_terms(CountVectorizer(), "parcel")


def test_known_terms_uses_the_vectorisers_own_analyser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english").fit(["the parcel is late", "card charged"])
    assert text.known_terms(vectorizer, "The PARCEL never came") == (["parcel"], ["came"])


# --- co-occurrence counts ----------------------------------------------------------------------------


def test_cooccurrence_counts_pairs_within_the_window_and_never_across_texts():
    texts = [["a", "b", "c", "d"], ["d", "a"]]
    counts, words = text.cooccurrence(texts, window=2, min_count=1)
    pair = lambda x, y: counts[words.index(x), words.index(y)]  # noqa: E731
    assert words == ["a", "b", "c", "d"]
    assert pair("a", "c") == 1  # two positions apart: inside a window of 2
    assert pair("a", "d") == 1  # three apart in the first text (outside); neighbours in the second
    assert pair("b", "d") == 1 and pair("c", "d") == 1
    assert np.array_equal(counts, counts.T) and np.trace(counts) == 0
    narrow, _ = text.cooccurrence(texts, window=1, min_count=1)
    assert narrow.sum() == 2 * (3 + 1)  # each adjacent pair, counted from both sides


def test_cooccurrence_leaves_out_rare_words_and_their_pairs():
    counts, words = text.cooccurrence([["parcel", "late"], ["parcel", "lost"], ["late", "again"]], window=1, min_count=2)
    assert words == ["late", "parcel"]
    assert counts.tolist() == [[0.0, 1.0], [1.0, 0.0]]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("parcel late",), {}, "list of lists of strings"),
        (([["parcel", 3]],), {}, "list of lists of strings"),
        (([["parcel"]],), {"window": 0}, "window"),
        (([["parcel"]],), {"min_count": 2}, "no word occurs"),
    ],
)
def test_cooccurrence_rejects_bad_input(args, kwargs, match):
    with pytest.raises(InputError, match=match):
        text.cooccurrence(*args, **kwargs)


# --- PPMI ----------------------------------------------------------------------------------------


def _ppmi_by_loops(counts, alpha=1.0):
    total = counts.sum()
    columns = counts.sum(axis=0) ** alpha
    result = np.zeros_like(counts)
    for w in range(counts.shape[0]):
        for c in range(counts.shape[1]):
            if counts[w, c] > 0:
                p_joint = counts[w, c] / total
                p_word = counts[w].sum() / total
                p_context = columns[c] / columns.sum()
                result[w, c] = max(0.0, np.log(p_joint / (p_word * p_context)))
    return result


@pytest.mark.parametrize("alpha", [1.0, 0.75, 0.3])
def test_ppmi_is_the_formula_cell_by_cell(alpha):
    counts = np.random.default_rng(3).poisson(1.5, (6, 9)).astype(float) + np.eye(6, 9)
    assert np.allclose(text.ppmi(counts, alpha), _ppmi_by_loops(counts, alpha))


def test_ppmi_does_not_depend_on_the_scale_of_the_counts_and_is_zero_for_unrelated_words():
    counts = np.random.default_rng(4).poisson(2.0, (5, 5)).astype(float) + 1
    assert np.allclose(text.ppmi(counts), text.ppmi(7 * counts))
    independent = np.outer([1.0, 2.0, 3.0], [4.0, 1.0, 5.0, 2.0])  # every cell is what chance gives
    assert np.allclose(text.ppmi(independent), 0.0)


def test_smoothing_lowers_the_pmi_of_a_rare_context_most():
    counts = np.array([[5.0, 1.0], [5.0, 0.0], [0.0, 0.0]])
    counts[2] = [40.0, 0.0]
    plain, smoothed = text.ppmi(counts, 1.0), text.ppmi(counts, 0.5)
    assert smoothed[0, 1] < plain[0, 1]  # the rare context (column 1) gets more probability, less PMI


@pytest.mark.parametrize(
    ("counts", "alpha", "match"),
    [
        ([1.0, 2.0], 1.0, "2-D"),
        ([[1.0, -1.0]], 1.0, "none below 0"),
        ([[0.0, 0.0]], 1.0, "all zero"),
        ([[1.0, 2.0]], 0.0, "alpha"),
    ],
)
def test_ppmi_rejects_bad_input(counts, alpha, match):
    with pytest.raises(InputError, match=match):
        text.ppmi(counts, alpha)


# --- truncated SVD and cosine similarity ---------------------------------------------------------


def test_svd_embeddings_keep_the_best_low_rank_summary_of_the_rows():
    M = np.random.default_rng(5).normal(1.0, 2.0, (8, 6))
    full = text.svd_embeddings(M, dim=6)
    assert np.allclose(full @ full.T, M @ M.T)  # all directions kept: the rows' dot products are unchanged
    two = text.svd_embeddings(M, dim=2)
    _, _, Vt = np.linalg.svd(M, full_matrices=False)
    projected = M @ Vt[:2].T  # the rows of M in the plane of its two main directions
    assert np.allclose(np.abs(two), np.abs(projected)) and np.allclose(two @ two.T, projected @ projected.T)
    rest = np.linalg.norm(M - projected @ Vt[:2])
    for _ in range(20):  # no other plane keeps more of M (Eckart-Young)
        basis, _ = np.linalg.qr(np.random.default_rng(_).normal(size=(6, 2)))
        assert np.linalg.norm(M - M @ basis @ basis.T) >= rest - 1e-9


def test_svd_embeddings_have_one_sign_convention():
    M = np.random.default_rng(6).normal(size=(7, 5))
    for matrix in (M, -M):
        vectors = text.svd_embeddings(matrix, dim=3)
        largest = np.abs(vectors).argmax(axis=0)
        assert (vectors[largest, np.arange(3)] > 0).all()
    assert np.allclose(text.svd_embeddings(M, 3), text.svd_embeddings(-M, 3))


def test_svd_embeddings_reject_a_dimension_out_of_range():
    with pytest.raises(InputError, match="from 1 to 2"):
        text.svd_embeddings(np.ones((2, 4)), dim=3)


def test_cosine_similarities_ignore_length_and_give_zero_for_a_zero_vector():
    vectors = np.array([[1.0, 2.0], [10.0, 20.0], [-2.0, 1.0], [0.0, 0.0]])
    similarities = text.cosine_similarities(vectors)
    assert np.isclose(similarities[0, 1], 1.0) and np.isclose(similarities[0, 2], 0.0)
    assert (similarities[3] == 0).all() and np.allclose(similarities, similarities.T)


def test_cosine_neighbours_rank_by_angle_not_by_length_and_leave_the_word_out():
    vectors = np.array([[1.0, 0.0], [0.5, 0.05], [30.0, 30.0], [0.0, 1.0]])
    words = ["parcel", "package", "the", "refund"]
    found = text.cosine_neighbours(vectors, words, "parcel", k=5)
    assert [w for w, _ in found] == ["package", "the", "refund"]  # "the" is longest but points elsewhere
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


@pytest.mark.parametrize(
    ("word", "k", "match"),
    [("box", 2, "not in the vocabulary"), ("parcel", 0, "at least 1")],
)
def test_cosine_neighbours_reject_bad_input(word, k, match):
    with pytest.raises(InputError, match=match):
        text.cosine_neighbours(np.eye(2), ["parcel", "refund"], word, k=k)
    with pytest.raises(InputError, match="one row per word"):
        text.cosine_neighbours(np.eye(3), ["parcel", "refund"], "parcel")


# --- attention -----------------------------------------------------------------------------------------


def _attention_by_loops(Q, K, V, mask):
    outputs, weights = np.zeros((len(Q), V.shape[1])), np.zeros((len(Q), len(K)))
    for i in range(len(Q)):
        allowed = [j for j in range(len(K)) if mask[i, j]]
        scores = np.array([Q[i] @ K[j] / np.sqrt(Q.shape[1]) for j in allowed])
        shares = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
        for share, j in zip(shares, allowed):
            weights[i, j] = share
            outputs[i] += share * V[j]
    return outputs, weights


def test_attention_is_the_formula_query_by_query():
    rng = np.random.default_rng(7)
    Q, K, V = rng.normal(0.5, 1.0, (4, 3)), rng.normal(-1.0, 1.0, (6, 3)), rng.normal(2.0, 1.0, (6, 5))
    mask = rng.random((4, 6)) < 0.7
    mask[:, 0] = True
    for got, want in zip(text.attention(Q, K, V, mask), _attention_by_loops(Q, K, V, mask)):
        assert np.allclose(got, want)


def test_a_padding_mask_of_keys_hides_them_from_every_query_and_rows_sum_to_one():
    rng = np.random.default_rng(8)
    Q, K, V = rng.normal(size=(5, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    outputs, weights = text.attention(Q, K, V, mask=np.array([True, True, True, False, False]))
    assert (weights[:, 3:] == 0).all() and np.allclose(weights.sum(axis=1), 1.0)
    shorter, _ = text.attention(Q, K[:3], V[:3])
    assert np.allclose(outputs, shorter)  # masked keys are as good as absent


def test_attention_handles_a_batch_and_large_scores():
    rng = np.random.default_rng(9)
    Q, K, V = (rng.normal(size=(3, 4, 2)) * 100 for _ in range(3))
    outputs, weights = text.attention(Q, K, V)
    assert outputs.shape == (3, 4, 2) and weights.shape == (3, 4, 4)
    assert np.isfinite(outputs).all() and np.allclose(weights.sum(axis=-1), 1.0)
    assert np.allclose(text.attention(Q[1], K[1], V[1])[0], outputs[1])


def test_self_attention_without_positions_ignores_word_order():
    """Shuffling the words shuffles the outputs and changes nothing else: order must come from positions."""
    rng = np.random.default_rng(10)
    X, W_q, W_k, W_v = rng.normal(size=(6, 4)), *(rng.normal(size=(4, 4)) for _ in range(3))
    order = rng.permutation(6)
    outputs, _ = text.attention(X @ W_q, X @ W_k, X @ W_v)
    shuffled, _ = text.attention(X[order] @ W_q, X[order] @ W_k, X[order] @ W_v)
    assert np.allclose(shuffled, outputs[order])


@pytest.mark.parametrize(
    ("shapes", "mask", "match"),
    [
        (((2, 3), (4, 5), (4, 1)), None, "same length d"),
        (((2, 3), (4, 3), (5, 1)), None, "one row per key"),
        (((2, 3), (4, 3), (4, 1)), np.ones(3, dtype=bool), "does not fit"),
        (((2, 3), (4, 3), (4, 1)), np.array([[True] * 4, [False] * 4]), "every key from some query"),
        (((3,), (4, 3), (4, 1)), None, "at least 2 dimensions"),
    ],
)
def test_attention_rejects_shapes_that_do_not_fit(shapes, mask, match):
    with pytest.raises(InputError, match=match):
        text.attention(*(np.ones(s) for s in shapes), mask=mask)


def _keras():
    from mlkit.course.notebook_setup import configure_framework

    configure_framework()
    import keras

    return keras


def test_attention_agrees_with_keras_multi_head_attention_with_one_head():
    keras = _keras()
    rng = np.random.default_rng(11)
    X = rng.normal(size=(7, 6))
    W_q, W_k, W_v, W_o = (rng.normal(size=shape) / 2 for shape in ((6, 3), (6, 3), (6, 3), (3, 6)))
    keys = np.arange(7) < 5
    layer = keras.layers.MultiHeadAttention(num_heads=1, key_dim=3, use_bias=False)
    batch, mask = X[None].astype("float32"), np.broadcast_to(keys, (1, 7, 7))
    layer(batch, batch, attention_mask=mask)
    layer.set_weights([W_q[:, None], W_k[:, None], W_v[:, None], W_o[None]])
    theirs, their_weights = layer(batch, batch, attention_mask=mask, return_attention_scores=True)
    ours, our_weights = text.attention(X @ W_q, X @ W_k, X @ W_v, mask=keys)
    assert np.abs(ours @ W_o - np.asarray(theirs)[0]).max() < 1e-5
    assert np.abs(our_weights - np.asarray(their_weights)[0, 0]).max() < 1e-6


# --- token ids and the transformer encoder --------------------------------------------------------------


def test_token_vocabulary_and_encode_reserve_padding_and_unknown():
    words = text.token_vocabulary(["The parcel is late", "parcel lost"], min_count=1)
    assert words[:2] == [text.PAD, text.UNKNOWN] and words[2:] == sorted(words[2:])
    ids = text.encode(["parcel never late", "the parcel is late again and again"], words, length=4)
    assert ids.dtype == np.int32 and ids.shape == (2, 4)
    assert ids[0].tolist() == [words.index("parcel"), 1, words.index("late"), 0]
    assert ids[1].tolist() == [words.index(w) for w in ("the", "parcel", "is", "late")]  # cut at 4 positions


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: text.token_vocabulary("a text"), "list of texts"),
        (lambda: text.token_vocabulary(["a text"], min_count=0), "min_count"),
        (lambda: text.encode(["a"], ["parcel"], length=3), "start with"),
        (lambda: text.encode(["a"], [text.PAD, text.UNKNOWN], length=0), "length"),
    ],
)
def test_token_helpers_reject_bad_input(call, match):
    with pytest.raises(InputError, match=match):
        call()


@pytest.fixture(scope="module")
def small_transformer():
    keras = _keras()
    keras.utils.set_random_seed(0)
    return text.transformer_classifier(12, 6, 3, dim=8, heads=2, hidden=16, dropout=0.0)


def test_the_transformer_gives_one_score_per_class_and_ignores_the_padding_embedding(small_transformer):
    ids = np.array([[5, 3, 9, 0, 0, 0], [2, 2, 7, 11, 4, 1]], dtype="int32")
    before = np.asarray(small_transformer(ids))
    assert before.shape == (2, 3)
    table = small_transformer.get_layer("token_embedding")
    weights = table.get_weights()[0]
    changed = weights.copy()
    changed[0] += 5.0  # the padding token's vector: masked keys and masked pooling must never read it
    table.set_weights([changed])
    try:
        after = np.asarray(small_transformer(ids))
    finally:
        table.set_weights([weights])
    assert np.allclose(after, before, atol=1e-6)
    changed[5] += 5.0
    table.set_weights([changed])
    try:
        assert not np.allclose(np.asarray(small_transformer(ids))[0], before[0], atol=1e-3)  # a word's vector counts
    finally:
        table.set_weights([weights])


def test_trained_attention_is_the_keras_layers_own_attention(small_transformer):
    ids = np.array([5, 3, 9, 1, 0, 0], dtype="int32")
    ours = text.trained_attention(small_transformer, ids)
    scale = float(small_transformer.get_layer("embedding_scale").scale)
    assert np.isclose(scale, np.sqrt(8))  # the token embedding is multiplied by sqrt(dim)
    block_input = (small_transformer.get_layer("token_embedding").get_weights()[0][ids] * scale
                   + small_transformer.get_layer("position_embedding").get_weights()[0])
    mask = np.broadcast_to(ids != 0, (1, 6, 6))
    _, theirs = small_transformer.get_layer("attention")(
        block_input[None].astype("float32"), block_input[None].astype("float32"), attention_mask=mask,
        return_attention_scores=True)
    assert ours.shape == (2, 4, 4) and np.allclose(ours.sum(axis=-1), 1.0)
    assert np.abs(ours - np.asarray(theirs)[0][:, :4, :4]).max() < 1e-5
    with pytest.raises(InputError, match="no word"):
        text.trained_attention(small_transformer, np.zeros(6, dtype="int32"))
    with pytest.raises(InputError, match="6 whole numbers"):
        text.trained_attention(small_transformer, ids[:4])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"dim": 10, "heads": 4}, "multiple of heads"), ({"dropout": 1.0}, "dropout"), ({"classes": 0}, "classes")],
)
def test_transformer_classifier_rejects_bad_sizes(kwargs, match):
    arguments = {"vocabulary_size": 10, "length": 4, "classes": 2} | kwargs
    with pytest.raises(InputError, match=match):
        text.transformer_classifier(**arguments)


# --- figures ---------------------------------------------------------------------------------------------


def test_similarity_map_is_signed_on_a_fixed_scale_without_a_grid():
    import matplotlib

    matplotlib.use("Agg")
    from mlkit.plots.style import DIVERGING_CMAP
    from mlkit.plots.text import similarity_map

    fig = similarity_map(np.array([[1.0, 0.2], [0.2, 1.0]]), ["parcel", "package"], group_size=1)
    ax = fig.axes[0]
    assert ax.images[0].get_clim() == (-1.0, 1.0) and ax.images[0].get_cmap().name == DIVERGING_CMAP
    assert [t.get_text() for t in ax.get_xticklabels()] == ["parcel", "package"]
    assert not any(line.get_visible() for line in ax.get_xgridlines())
    with pytest.raises(ValueError, match="one row per word"):
        similarity_map(np.ones((2, 3)), ["a", "b"])


def test_attention_map_draws_one_panel_per_head_on_one_scale():
    import matplotlib

    matplotlib.use("Agg")
    from mlkit.plots.text import attention_map

    weights = np.full((2, 3, 3), 1 / 3)
    fig = attention_map(weights, ["no", "parcel", "came"])
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["head 1", "head 2"]
    assert {ax.images[0].get_clim() for ax in panels} == {(0.0, 1.0)}
    with pytest.raises(ValueError, match="2 words"):
        attention_map(np.ones((3, 3)), ["a", "b"])


# --- subword tokens: byte-pair encoding ------------------------------------------------------------


def test_learn_bpe_follows_a_hand_worked_example():
    # ab_ x2, abc_ x1, bc_ x1. Pair counts: (a,b) 3, then (ab,_) 2 ties (c,_) 2 and sorts first,
    # then (c,_) 2, then (ab,c_) 1 ties (b,c_) 1 and sorts first, then (b,c_); then every word is one symbol.
    words = ["ab", "ab", "abc", "bc"]
    assert text.learn_bpe(words, merges=10) == [("a", "b"), ("ab", "_"), ("c", "_"), ("ab", "c_"), ("b", "c_")]
    assert text.learn_bpe(words, merges=2) == [("a", "b"), ("ab", "_")]
    assert text.learn_bpe({"ab": 2, "abc": 1, "bc": 1}, merges=10) == text.learn_bpe(words, merges=10)
    assert text.learn_bpe(words, merges=0) == []


def test_learn_bpe_weighs_pairs_by_word_counts():
    # 'xy' once and 'zw' three times: the pair of the frequent word is merged first.
    assert text.learn_bpe(["xy", "zw", "zw", "zw"], merges=1) == [("w", "_")]
    assert text.learn_bpe(["xy", "zw", "zw", "zw"], merges=2) == [("w", "_"), ("z", "w_")]


def test_bpe_split_applies_merges_in_order_and_leaves_no_word_unknown():
    merges = text.learn_bpe(["ab", "ab", "abc", "bc"], merges=10)
    assert text.bpe_split("ab", merges) == ["ab_"]
    assert text.bpe_split("cab", merges) == ["c", "ab_"]
    assert text.bpe_split("bcd", merges) == ["b", "c", "d", "_"]   # 'c' before 'd', not before '_'
    assert text.bpe_split("bcd", []) == ["b", "c", "d", "_"]
    # the order matters: merging (b, c) before (a, b) splits 'abc' differently
    assert text.bpe_split("abc", [("b", "c"), ("a", "b")]) == ["a", "bc", "_"]
    assert text.bpe_split("abc", [("a", "b"), ("b", "c")]) == ["ab", "c", "_"]
    assert text.bpe_split("aaa", [("a", "a")]) == ["aa", "a", "_"]   # left to right, no overlap


def test_bpe_refuses_wrong_inputs():
    with pytest.raises(InputError, match="single string"):
        text.learn_bpe("abc", merges=2)
    with pytest.raises(InputError, match="merges"):
        text.learn_bpe(["ab"], merges=-1)
    with pytest.raises(InputError, match="word"):
        text.bpe_split("", [])


# --- next-word models from counts ------------------------------------------------------------------


TOY = [["a", "b"], ["a"]]   # read as <s> a b </s> and <s> a </s>; vocabulary a, b, </s>, <unk>: V = 4


def test_bigram_probabilities_by_hand():
    model = text.CountLanguageModel(TOY, order=2, k=1.0)
    assert model.vocabulary == ["</s>", "<unk>", "a", "b"]
    assert model.probability("a", "<s>") == pytest.approx((2 + 1) / (2 + 4))
    assert model.probability("b", "a") == pytest.approx((1 + 1) / (2 + 4))
    assert model.probability("</s>", "b") == pytest.approx((1 + 1) / (1 + 4))
    assert model.probability("zzz", "<s>") == pytest.approx(1 / 6)          # an unseen word is <unk>
    assert model.probability("a", "zzz") == pytest.approx(1 / 4)            # an unseen context: 1 / V
    half = text.CountLanguageModel(TOY, order=2, k=0.5)
    assert half.probability("b", "a") == pytest.approx((1 + 0.5) / (2 + 0.5 * 4))
    for previous in ("<s>", "a", "b"):
        assert sum(model.probability(w, previous) for w in model.vocabulary) == pytest.approx(1.0)


def test_bigram_and_unigram_perplexity_by_hand():
    bigram = text.CountLanguageModel(TOY, order=2, k=1.0)
    # P(a|<s>) P(b|a) P(</s>|b) = 1/2 * 1/3 * 2/5 = 1/15 over 3 predicted tokens
    assert bigram.perplexity([["a", "b"]]) == pytest.approx(15 ** (1 / 3))
    unigram = text.CountLanguageModel(TOY, order=1, k=1.0)
    # counts a 2, b 1, </s> 2 of N = 5: P(a) = 3/9, P(b) = 2/9, P(</s>) = 3/9
    assert unigram.probability("b") == pytest.approx(2 / 9)
    assert unigram.perplexity([["a", "b"]]) == pytest.approx((81 / 2) ** (1 / 3))
    assert sum(unigram.probability(w) for w in unigram.vocabulary) == pytest.approx(1.0)
    # perplexity pools the tokens of all sentences: two sentences, 3 + 2 predicted tokens
    both = (1 / 2 * 1 / 3 * 2 / 5) * (1 / 2 * 2 / 6)
    assert bigram.perplexity([["a", "b"], ["a"]]) == pytest.approx(both ** (-1 / 5))


def test_next_words_ranks_by_probability():
    model = text.CountLanguageModel(TOY, order=2, k=1.0)
    assert model.next_words("<s>", n=2) == [("a", pytest.approx(0.5)), ("</s>", pytest.approx(1 / 6))]


def test_count_language_model_refuses_wrong_inputs():
    with pytest.raises(InputError, match="order"):
        text.CountLanguageModel(TOY, order=3)
    with pytest.raises(InputError, match="k should"):
        text.CountLanguageModel(TOY, k=0)
    with pytest.raises(InputError, match="list of tokens"):
        text.CountLanguageModel(["a b", "a"])
    with pytest.raises(InputError, match="previous"):
        text.CountLanguageModel(TOY, order=2).probability("a")


def test_count_language_model_reads_sentences_from_a_generator():
    model = text.CountLanguageModel((sentence for sentence in TOY), order=2, k=1.0)
    assert model.perplexity(iter([["a", "b"]])) == pytest.approx(15 ** (1 / 3))
    with pytest.raises(InputError, match="at least one"):
        model.perplexity([])
