"""Text as numbers: bag-of-words classifiers, word vectors from counts, attention, a small transformer.

The NLP unit (21) and the automation unit (23) fit scikit-learn pipelines
whose first step turns text into word features (``CountVectorizer`` or
``TfidfVectorizer``) and whose last step is a linear classifier;
:func:`top_terms` and :func:`known_terms` read such a pipeline. The NLP unit
also learns word vectors from co-occurrence counts (:func:`cooccurrence`,
:func:`ppmi`, :func:`svd_embeddings`, :func:`cosine_neighbours`), writes
scaled dot-product attention in NumPy (:func:`attention`), and trains a
one-block transformer encoder in Keras (:func:`token_vocabulary`,
:func:`encode`, :func:`transformer_classifier`, :func:`trained_attention`).
In plain Python, it learns a byte-pair-encoding subword tokeniser
(:func:`learn_bpe`, :func:`bpe_split`) and next-word models from counts
(:class:`CountLanguageModel`: unigram or bigram, add-k smoothing, perplexity).
The functions compute and return values, never print or plot; Keras is
imported only by the functions that build or read a model, after
``mlkit.setup()`` has chosen its backend.

Examples
--------
>>> from sklearn.feature_extraction.text import TfidfVectorizer
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.pipeline import make_pipeline
>>> texts = ["parcel late", "parcel lost", "card charged", "card declined"]
>>> model = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, ["post", "post", "pay", "pay"])
>>> top_terms(model, n=1)[["label", "term"]].values.tolist()
[['pay', 'card'], ['post', 'parcel']]
>>> known_terms(model[0], "My parcel is late again")
(['parcel', 'late'], ['my', 'is', 'again'])
"""

from __future__ import annotations

from typing import Any


def _check_text_pipeline(model: Any):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.pipeline import Pipeline

    from mlkit.errors import InputError

    if not isinstance(model, Pipeline) or not isinstance(model[0], CountVectorizer):
        raise InputError(
            f"model should be a fitted Pipeline whose first step is a CountVectorizer or TfidfVectorizer, "
            f"got {type(model).__name__}"
        )
    if not hasattr(model[-1], "coef_"):
        raise InputError(
            f"the last step of model should be a fitted linear classifier with coef_, got {type(model[-1]).__name__}"
        )
    return model[0], model[-1]


def top_terms(model: Any, n: int = 8):
    """The ``n`` terms that push a message most strongly towards each class.

    Parameters
    ----------
    model:
        A fitted pipeline: a ``CountVectorizer``/``TfidfVectorizer`` first, a
        linear classifier (``coef_``, ``classes_``) last. For two classes,
        the terms of the first class are those with the most negative weights.
    n:
        How many terms per class.

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, ``term``, ``weight`` (the classifier's coefficient),
        ``n`` rows per class, classes in the classifier's order and the
        strongest term first.
    """
    import numpy as np
    import pandas as pd

    from mlkit.errors import InputError

    vectorizer, classifier = _check_text_pipeline(model)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise InputError(f"n should be a whole number of terms, at least 1, got {n!r}")
    coefficients = np.asarray(classifier.coef_)
    if coefficients.shape[0] == 1 and len(classifier.classes_) == 2:
        coefficients = np.vstack([-coefficients[0], coefficients[0]])  # a binary model's one row favours class 1
    names = vectorizer.get_feature_names_out()
    rows = []
    for label, weights in zip(classifier.classes_, coefficients):
        for index in np.argsort(-weights, kind="stable")[:n]:
            rows.append({"label": label, "term": names[index], "weight": float(weights[index])})
    return pd.DataFrame(rows)


def known_terms(vectorizer: Any, text: str) -> tuple[list[str], list[str]]:
    """Split the terms of ``text`` into those the fitted vectoriser knows and those it does not.

    Terms are made by the vectoriser's own analyser (its tokeniser, lower
    casing, stop words and n-grams), in the order they occur; a term the
    vectoriser does not know is ignored by the model, as if it were not there.

    Returns
    -------
    (known, unknown):
        Two lists of terms.
    """
    from mlkit.errors import InputError

    if not isinstance(text, str):
        raise InputError(f"text should be a string, got {type(text).__name__}")
    vocabulary = getattr(vectorizer, "vocabulary_", None)
    if vocabulary is None:
        raise InputError("vectorizer should be a fitted CountVectorizer or TfidfVectorizer (it has no vocabulary_)")
    terms = vectorizer.build_analyzer()(text)
    return [t for t in terms if t in vocabulary], [t for t in terms if t not in vocabulary]


# --- word embeddings from co-occurrence counts ------------------------------------------------


def cooccurrence(token_lists, *, window: int = 2, min_count: int = 2):
    """Count how often two words occur within ``window`` positions of each other in one text.

    Parameters
    ----------
    token_lists:
        One list of tokens (strings) per text, in order; texts are never joined, so no pair
        spans two texts.
    window:
        How many positions to either side of a word count as its context (at least 1).
    min_count:
        Words that occur fewer times than this over all texts are left out of the vocabulary
        (and so of every pair).

    Returns
    -------
    (counts, vocabulary):
        ``counts`` is a float array of shape (words, words), symmetric, with a zero diagonal
        unless a word occurs twice within the window; ``counts[i, j]`` is how many times word
        ``j`` was in the context of word ``i``. ``vocabulary`` is the sorted list of words,
        one per row and column.

    Raises
    ------
    InputError
        If ``token_lists`` is not a list of lists of strings, ``window`` or ``min_count`` is
        below 1, or no word occurs ``min_count`` times.

    Examples
    --------
    >>> counts, words = cooccurrence([["parcel", "is", "late"], ["parcel", "late"]], window=1, min_count=1)
    >>> words
    ['is', 'late', 'parcel']
    >>> counts.astype(int).tolist()
    [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    """
    import numpy as np

    from mlkit.errors import InputError

    for name, value in (("window", window), ("min_count", min_count)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InputError(f"{name} should be a whole number, at least 1, got {value!r}")
    if isinstance(token_lists, str) or not all(
        isinstance(tokens, (list, tuple)) and all(isinstance(t, str) for t in tokens) for tokens in token_lists
    ):
        raise InputError("token_lists should be a list of lists of strings, one list of tokens per text")
    frequency: dict[str, int] = {}
    for tokens in token_lists:
        for token in tokens:
            frequency[token] = frequency.get(token, 0) + 1
    vocabulary = sorted(word for word, n in frequency.items() if n >= min_count)
    if not vocabulary:
        raise InputError(f"no word occurs at least min_count={min_count} times; lower min_count or give more text")
    index = {word: i for i, word in enumerate(vocabulary)}
    counts = np.zeros((len(vocabulary), len(vocabulary)))
    for tokens in token_lists:
        for i, word in enumerate(tokens):
            if word not in index:
                continue
            for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
                if j != i and tokens[j] in index:
                    counts[index[word], index[tokens[j]]] += 1
    return counts, vocabulary


def ppmi(counts, alpha: float = 1.0):
    """Positive pointwise mutual information of a word-by-context count matrix.

    ``PPMI[w, c] = max(0, ln(P(w, c) / (P(w) P(c))))`` with ``P(w, c)`` the cell's share of
    all counts, ``P(w)`` the row's share and ``P(c)`` the column's share. With ``alpha`` below
    1, the column totals are raised to the power ``alpha`` before they are turned into shares
    (context-distribution smoothing, Levy, Goldberg and Dagan, 2015), which lowers the PMI of
    rare contexts. A cell whose count is zero, or whose row or column is empty, gets 0.

    Parameters
    ----------
    counts:
        2-D array of non-negative counts, shape (words, contexts), not all zero.
    alpha:
        Power of the context totals, above 0; 1 gives plain PPMI.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of ``counts``, every value 0 or more.

    Raises
    ------
    InputError
        If ``counts`` is not 2-D, has negative or non-finite values or sums to zero, or
        ``alpha`` is not above 0.

    Examples
    --------
    >>> ppmi([[2, 0], [0, 2]]).round(3).tolist()
    [[0.693, 0.0], [0.0, 0.693]]
    """
    import numbers

    import numpy as np

    from mlkit.errors import InputError

    matrix = np.asarray(counts, dtype=float)
    if matrix.ndim != 2:
        raise InputError(f"counts should be a 2-D array (words x contexts), got {matrix.ndim} dimension(s)")
    if not np.isfinite(matrix).all() or (matrix < 0).any():
        raise InputError("counts should hold finite counts, none below 0")
    total = matrix.sum()
    if total == 0:
        raise InputError("counts are all zero: there is nothing to measure")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not alpha > 0:
        raise InputError(f"alpha should be a number above 0 (1 for plain PPMI), got {alpha!r}")
    p_word = matrix.sum(axis=1, keepdims=True) / total
    context = matrix.sum(axis=0, keepdims=True) ** alpha
    p_context = context / context.sum()
    independent = p_word * p_context  # P(w) P(c): the share the cell would have if word and context were unrelated
    seen = matrix > 0
    result = np.zeros_like(matrix)
    result[seen] = np.maximum(np.log(matrix[seen] / total / independent[seen]), 0.0)
    return result


def svd_embeddings(matrix, dim: int):
    """One vector of ``dim`` numbers per row of ``matrix``, by truncated singular value decomposition.

    ``matrix = U S Vt``; the embedding of row ``i`` is row ``i`` of ``U[:, :dim] * S[:dim]``: the
    best rank-``dim`` summary of the matrix's rows. Singular vectors are defined up to sign, so
    each column is flipped, if needed, to make its entry of largest absolute value positive:
    the result is the same on every machine. Cosine similarities do not depend on the signs.

    Returns
    -------
    numpy.ndarray
        Shape (rows, dim).

    Raises
    ------
    InputError
        If ``matrix`` is not 2-D or ``dim`` is not between 1 and the smaller side of ``matrix``.

    Examples
    --------
    >>> svd_embeddings([[3.0, 0.0], [0.0, 1.0]], dim=1).tolist()
    [[3.0], [0.0]]
    """
    import numpy as np

    from mlkit.errors import InputError

    array = np.asarray(matrix, dtype=float)
    if array.ndim != 2:
        raise InputError(f"matrix should be 2-D, got {array.ndim} dimension(s)")
    if not isinstance(dim, int) or isinstance(dim, bool) or not 1 <= dim <= min(array.shape):
        raise InputError(f"dim should be a whole number from 1 to {min(array.shape)}, got {dim!r}")
    U, S, _ = np.linalg.svd(array, full_matrices=False)
    vectors = U[:, :dim] * S[:dim]
    largest = np.abs(vectors).argmax(axis=0)
    signs = np.sign(vectors[largest, np.arange(dim)])
    return vectors * np.where(signs == 0, 1.0, signs)


def cosine_similarities(vectors):
    """The cosine of the angle between every two rows of ``vectors``: shape (rows, rows).

    A row of zeros has no direction; its similarities are 0 (1 with itself is not defined
    either, so it is 0 too).

    Examples
    --------
    >>> cosine_similarities([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]).round(3).tolist()
    [[1.0, 0.707, 0.0], [0.707, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    import numpy as np

    from mlkit.errors import InputError

    array = np.asarray(vectors, dtype=float)
    if array.ndim != 2:
        raise InputError(f"vectors should be a 2-D array, one row per word, got {array.ndim} dimension(s)")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    unit = np.divide(array, norms, out=np.zeros_like(array), where=norms > 0)
    return unit @ unit.T


def cosine_neighbours(vectors, vocabulary, word: str, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` words whose vectors point most nearly the same way as ``word``'s.

    Parameters
    ----------
    vectors:
        2-D array, one row per word of ``vocabulary``.
    vocabulary:
        The words, in the order of the rows.
    word:
        A word of ``vocabulary``; it is not its own neighbour.
    k:
        How many neighbours, at least 1 (fewer when the vocabulary is smaller).

    Returns
    -------
    list of (word, cosine similarity)
        Most similar first, the similarity rounded to 3 decimals; ties keep the order of ``vocabulary``.

    Raises
    ------
    InputError
        If the sizes differ, ``word`` is not in ``vocabulary`` or ``k`` is below 1.

    Examples
    --------
    >>> cosine_neighbours([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], ["parcel", "package", "refund"], "parcel", k=1)
    [('package', 0.994)]
    """
    import numpy as np

    from mlkit.errors import InputError

    array = np.asarray(vectors, dtype=float)
    words = list(vocabulary)
    if array.ndim != 2 or len(array) != len(words):
        raise InputError(f"vectors should have one row per word: {len(words)} words, got shape {array.shape}")
    if word not in words:
        raise InputError(f"{word!r} is not in the vocabulary ({len(words)} words)")
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise InputError(f"k should be a whole number, at least 1, got {k!r}")
    row = words.index(word)
    similarities = cosine_similarities(array)[row]
    order = [i for i in np.argsort(-similarities, kind="stable") if i != row][:k]
    return [(words[i], round(float(similarities[i]), 3)) for i in order]


# --- attention -----------------------------------------------------------------------------------


def attention(Q, K, V, mask=None):
    """Scaled dot-product attention: each query's output is a weighted mean of the values.

    ``weights = softmax(Q K^T / sqrt(d))`` over the keys, where ``d`` is the length of a query
    (and of a key) and masked keys get weight 0; ``outputs = weights V``. The largest score of
    each row is subtracted before ``exp``, so large scores do not overflow.

    Parameters
    ----------
    Q:
        Queries, shape (..., n_queries, d).
    K:
        Keys, shape (..., n_keys, d).
    V:
        Values, shape (..., n_keys, d_values).
    mask:
        ``None`` (every query sees every key) or booleans broadcastable to
        (..., n_queries, n_keys), True where the query may attend to the key: a padding mask
        of shape (n_keys,) hides padded keys from every query.

    Returns
    -------
    (outputs, weights):
        Shapes (..., n_queries, d_values) and (..., n_queries, n_keys); each row of
        ``weights`` sums to 1.

    Raises
    ------
    InputError
        If the shapes do not fit together, or the mask hides every key from some query.

    Examples
    --------
    >>> import numpy as np
    >>> outputs, weights = attention(np.zeros((1, 2)), np.zeros((3, 2)), np.arange(6.0).reshape(3, 2),
    ...                              mask=np.array([True, True, False]))
    >>> weights.tolist(), outputs.tolist()
    ([[0.5, 0.5, 0.0]], [[1.0, 2.0]])
    """
    import numpy as np

    from mlkit.errors import InputError

    Q, K, V = (np.asarray(a, dtype=float) for a in (Q, K, V))
    if min(Q.ndim, K.ndim, V.ndim) < 2:
        raise InputError("Q, K and V should each have at least 2 dimensions: (..., positions, features)")
    if Q.shape[-1] != K.shape[-1]:
        raise InputError(f"queries and keys should have the same length d: Q has {Q.shape[-1]}, K has {K.shape[-1]}")
    if K.shape[-2] != V.shape[-2]:
        raise InputError(f"K and V should have one row per key: K has {K.shape[-2]} rows, V has {V.shape[-2]}")
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        allowed = np.asarray(mask, dtype=bool)
        try:
            allowed = np.broadcast_to(allowed, scores.shape)
        except ValueError:
            raise InputError(
                f"mask of shape {allowed.shape} does not fit scores of shape {scores.shape} (queries x keys)"
            ) from None
        if not allowed.any(axis=-1).all():
            raise InputError("the mask hides every key from some query: each query needs at least one key")
        scores = np.where(allowed, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights


# --- a small transformer encoder -------------------------------------------------------------------

PAD, UNKNOWN = "[pad]", "[unknown]"
"""The two tokens every :func:`token_vocabulary` starts with: id 0 fills the positions after a
text's end, id 1 stands for any word the vocabulary does not hold."""


def token_vocabulary(texts, *, min_count: int = 1, analyser=None) -> list[str]:
    """The vocabulary of a sequence model: :data:`PAD`, :data:`UNKNOWN`, then the words, sorted.

    Parameters
    ----------
    texts:
        The texts to learn the words from (the training texts only).
    min_count:
        A word that occurs fewer times is left out, and so read as :data:`UNKNOWN`.
    analyser:
        Function from a text to its list of tokens; by default scikit-learn's
        ``CountVectorizer().build_analyzer()`` (lower case, words of two or more characters).

    Raises
    ------
    InputError
        If ``texts`` is a single string or ``min_count`` is below 1.

    Examples
    --------
    >>> token_vocabulary(["Parcel late", "parcel lost"], min_count=2)
    ['[pad]', '[unknown]', 'parcel']
    """
    from mlkit.errors import InputError

    if isinstance(texts, str):
        raise InputError("texts should be a list of texts, not a single string")
    if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
        raise InputError(f"min_count should be a whole number, at least 1, got {min_count!r}")
    analyse = analyser or _default_analyser()
    frequency: dict[str, int] = {}
    for text in texts:
        for token in analyse(text):
            frequency[token] = frequency.get(token, 0) + 1
    return [PAD, UNKNOWN, *sorted(word for word, n in frequency.items() if n >= min_count)]


def _default_analyser():
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer().build_analyzer()


def encode(texts, vocabulary, length: int, *, analyser=None):
    """Token ids of each text, cut or padded to ``length``: an int32 array of shape (texts, length).

    Word ``vocabulary[i]`` becomes ``i``; a word not in ``vocabulary`` becomes 1
    (:data:`UNKNOWN`); positions after the text's end hold 0 (:data:`PAD`). Words beyond
    ``length`` are dropped.

    Raises
    ------
    InputError
        If ``vocabulary`` does not start with :data:`PAD` and :data:`UNKNOWN` or ``length`` is below 1.

    Examples
    --------
    >>> encode(["parcel very late"], ["[pad]", "[unknown]", "late", "parcel"], length=5).tolist()
    [[3, 1, 2, 0, 0]]
    """
    import numpy as np

    from mlkit.errors import InputError

    words = list(vocabulary)
    if words[:2] != [PAD, UNKNOWN]:
        raise InputError(f"vocabulary should start with {PAD!r} and {UNKNOWN!r} (see token_vocabulary)")
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise InputError(f"length should be a whole number of positions, at least 1, got {length!r}")
    if isinstance(texts, str):
        raise InputError("texts should be a list of texts, not a single string")
    analyse = analyser or _default_analyser()
    index = {word: i for i, word in enumerate(words)}
    texts = list(texts)
    ids = np.zeros((len(texts), length), dtype="int32")
    for row, text in enumerate(texts):
        found = [index.get(token, 1) for token in analyse(text)][:length]
        ids[row, : len(found)] = found
    return ids


def _keras():
    """Keras, which must be imported after ``mlkit.setup()`` has chosen its JAX backend."""
    try:
        import keras
    except ImportError as error:  # Keras without a backend set looks for TensorFlow, which the kit does not install
        from mlkit.errors import MlkitError

        raise MlkitError(
            f"Keras could not be imported ({error}); run mlkit.setup() first: it selects Keras's JAX backend"
        ) from error
    return keras


def _position_embedding_layer():
    """The class of a layer that adds a learned vector per position (made once Keras is imported)."""
    global _POSITION_EMBEDDING
    if _POSITION_EMBEDDING is None:
        keras = _keras()

        class PositionEmbedding(keras.layers.Layer):
            """Adds a learned vector to each position: (batch, length, dim) -> same shape."""

            def __init__(self, length: int, dim: int, **kwargs):
                super().__init__(**kwargs)
                self.length, self.dim = length, dim

            def build(self, input_shape):
                self.positions = self.add_weight(
                    shape=(self.length, self.dim), initializer=keras.initializers.RandomNormal(stddev=0.05),
                    name="positions",
                )

            def call(self, x):
                return x + self.positions[None, : keras.ops.shape(x)[1], :]

            def get_config(self):
                return {**super().get_config(), "length": self.length, "dim": self.dim}

        _POSITION_EMBEDDING = PositionEmbedding
    return _POSITION_EMBEDDING


_POSITION_EMBEDDING = None


def transformer_classifier(vocabulary_size: int, length: int, classes: int, *, dim: int = 32, heads: int = 2,
                           hidden: int = 64, dropout: float = 0.1, scale_embeddings: bool = True):
    """A transformer encoder with one block that gives one score (logit) per class for each text.

    Layers, in order: a token embedding (``vocabulary_size`` x ``dim``), multiplied by
    ``sqrt(dim)`` when ``scale_embeddings`` (as in Vaswani et al., 2017: the word vectors start
    as large as ``sqrt(dim)`` times their initial scale, so that they, not the position vectors,
    dominate the block's input; layer ``"embedding_scale"``), a learned position embedding added
    to it (``length`` x ``dim``), one encoder block (multi-head self-attention
    with ``heads`` heads of ``dim // heads`` numbers each, in which padded positions (id 0) are
    masked out as keys; then a feed-forward layer of ``hidden`` ReLU units; each part added to
    its input and layer-normalised, with ``dropout`` on its output), the mean over the text's
    positions (padding left out), and a dense layer with ``classes`` outputs and no activation.
    The attention layer is named ``"attention"``, the embeddings ``"token_embedding"`` and
    ``"position_embedding"``.

    Call ``mlkit.setup()`` first (Keras's backend), and ``keras.utils.set_random_seed`` before
    building it for weights that repeat.

    Returns
    -------
    keras.Model
        Not compiled. Input: int token ids of shape (batch, length) as :func:`encode` makes
        them; output: float logits of shape (batch, classes).

    Raises
    ------
    InputError
        If a size is below 1, ``dim`` is not a multiple of ``heads`` or ``dropout`` is not in [0, 1).
    """
    from mlkit.errors import InputError

    sizes = {"vocabulary_size": vocabulary_size, "length": length, "classes": classes, "dim": dim,
             "heads": heads, "hidden": hidden}
    for name, value in sizes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InputError(f"{name} should be a whole number, at least 1, got {value!r}")
    if dim % heads:
        raise InputError(f"dim ({dim}) should be a multiple of heads ({heads}): each head gets dim // heads numbers")
    if not 0 <= dropout < 1:
        raise InputError(f"dropout should be a share from 0 up to (not including) 1, got {dropout!r}")
    keras = _keras()
    layers, ops = keras.layers, keras.ops
    tokens = keras.Input((length,), dtype="int32", name="tokens")
    words = ops.not_equal(tokens, 0)  # (batch, length): True at a word, False at padding
    x = layers.Embedding(vocabulary_size, dim, name="token_embedding")(tokens)
    if scale_embeddings:
        x = layers.Rescaling(float(dim) ** 0.5, name="embedding_scale")(x)
    x = _position_embedding_layer()(length, dim, name="position_embedding")(x)
    attended = layers.MultiHeadAttention(heads, dim // heads, name="attention")(
        x, x, attention_mask=words[:, None, :]  # every query sees the words, no query sees the padding
    )
    x = layers.LayerNormalization(name="norm_attention")(x + layers.Dropout(dropout)(attended))
    h = layers.Dense(hidden, activation="relu", name="feed_forward_hidden")(x)
    h = layers.Dense(dim, name="feed_forward_out")(h)
    x = layers.LayerNormalization(name="norm_feed_forward")(x + layers.Dropout(dropout)(h))
    pooled = layers.GlobalAveragePooling1D(name="mean_over_words")(x, mask=words)
    logits = layers.Dense(classes, name="logits")(pooled)
    return keras.Model(tokens, logits, name="tiny_transformer")


def _embedding_scale(model) -> float:
    """The factor :func:`transformer_classifier` multiplies the token embedding by (1 without one)."""
    names = {layer.name for layer in model.layers}
    return float(model.get_layer("embedding_scale").scale) if "embedding_scale" in names else 1.0


def trained_attention(model, ids):
    """The attention weights of the encoder block of :func:`transformer_classifier`, for one text.

    Recomputed in NumPy with :func:`attention` from the trained weights: the block's input is
    the token embedding of ``ids`` (times the model's embedding scale, if it has one) plus the
    position embedding; each head projects it with its
    own query and key matrices (and biases). Padded positions (id 0) are masked out as keys.

    Parameters
    ----------
    model:
        A model made by :func:`transformer_classifier` (trained or not).
    ids:
        One text's token ids, shape (length,), as a row of :func:`encode`.

    Returns
    -------
    numpy.ndarray
        Shape (heads, words, words): for each head, one row per word of the text (query) and one
        column per word (key); padding positions are left out. Each row sums to 1.

    Raises
    ------
    InputError
        If ``ids`` is not one row of ids of the model's length, or holds no word.
    """
    import numpy as np

    from mlkit.errors import InputError

    ids = np.asarray(ids)
    length = model.get_layer("position_embedding").get_weights()[0].shape[0]
    if ids.shape != (length,) or ids.dtype.kind not in "iu":
        raise InputError(f"ids should be one text's token ids, {length} whole numbers, got shape {ids.shape}")
    words = int((ids != 0).sum())
    if words == 0:
        raise InputError("ids holds no word, only padding (id 0)")
    tokens = model.get_layer("token_embedding").get_weights()[0]
    positions = model.get_layer("position_embedding").get_weights()[0]
    W_q, b_q, W_k, b_k, W_v, b_v = model.get_layer("attention").get_weights()[:6]
    scale = _embedding_scale(model)
    block_input = tokens[ids] * scale + positions  # (length, dim)
    heads = [
        attention(block_input @ W_q[:, h] + b_q[h], block_input @ W_k[:, h] + b_k[h],
                  block_input @ W_v[:, h] + b_v[h], mask=ids != 0)[1]
        for h in range(W_q.shape[1])
    ]
    keep = np.flatnonzero(ids != 0)
    return np.stack(heads)[:, keep][:, :, keep]


# --- subword tokens: byte-pair encoding ----------------------------------------------------------

END_OF_WORD = "_"
"""The symbol :func:`learn_bpe` puts after each word's last character, so that a piece that ends a
word (``ed_``) is told apart from the same letters inside one (``ed`` in ``editor``)."""


def _merge_pair(symbols: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    """``symbols`` with every adjacent occurrence of ``pair``, read left to right, joined into one."""
    joined, out, i = pair[0] + pair[1], [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(joined)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def learn_bpe(words, merges: int) -> list[tuple[str, str]]:
    """Learn byte-pair-encoding merges: the pairs of adjacent symbols joined, most frequent first.

    Each word starts as its characters followed by :data:`END_OF_WORD`. At each step the
    adjacent pair of symbols that occurs most often, counted over all the words (a word seen
    ``c`` times counts ``c`` times), becomes one new symbol everywhere; a tie goes to the pair
    that sorts first. Learning stops after ``merges`` steps, or earlier when every word is a
    single symbol.

    Parameters
    ----------
    words:
        The training words, repeated as often as they occur (a list of tokens), or a mapping
        from word to count.
    merges:
        How many merges to learn.

    Returns
    -------
    list of (str, str)
        The merged pairs in the order learned; :func:`bpe_split` applies them in that order.

    Raises
    ------
    InputError
        If ``words`` is a single string or ``merges`` is not a whole number of at least 0.

    Examples
    --------
    >>> learn_bpe(["low", "low", "lower", "newer"], merges=3)
    [('l', 'o'), ('lo', 'w'), ('e', 'r')]
    """
    from collections import Counter

    from mlkit.errors import InputError

    if isinstance(words, str):
        raise InputError("words should be a list of words (or a word -> count mapping), not a single string")
    if not isinstance(merges, int) or isinstance(merges, bool) or merges < 0:
        raise InputError(f"merges should be a whole number, at least 0, got {merges!r}")
    counts = Counter(words) if not hasattr(words, "items") else Counter(dict(words))
    table = {(*word, END_OF_WORD): n for word, n in counts.items() if word and n > 0}
    learned: list[tuple[str, str]] = []
    for _ in range(merges):
        pairs: Counter = Counter()
        for symbols, n in table.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += n
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        learned.append(best)
        table = {_merge_pair(symbols, best): n for symbols, n in table.items()}
    return learned


def bpe_split(word: str, merges) -> list[str]:
    """Cut ``word`` into subword pieces by applying learned merges, in the order they were learned.

    The word starts as its characters followed by :data:`END_OF_WORD`; each merge of
    :func:`learn_bpe` then joins its pair wherever it occurs. Any word gets pieces, none unknown:
    at worst single characters (a character never seen in training stays a piece of its own).

    Examples
    --------
    >>> bpe_split("lowest", [('l', 'o'), ('lo', 'w'), ('e', 'r')])
    ['low', 'e', 's', 't', '_']
    """
    from mlkit.errors import InputError

    if not isinstance(word, str) or not word:
        raise InputError(f"word should be a non-empty string, got {word!r}")
    symbols = (*word, END_OF_WORD)
    for pair in merges:
        symbols = _merge_pair(symbols, tuple(pair))
    return list(symbols)


# --- next-word models from counts ----------------------------------------------------------------

START, END, UNSEEN = "<s>", "</s>", "<unk>"
"""The sentence boundaries of :class:`CountLanguageModel` and the token that stands for any word
its training sentences do not contain."""


class CountLanguageModel:
    """A next-word model from counts: unigram (``order=1``) or bigram (``order=2``), add-k smoothed.

    Each training sentence (a list of tokens) is read as ``<s> w1 ... wn </s>``. The model
    predicts each token after ``<s>``, ``</s>`` included, over a vocabulary of the training
    words, ``</s>`` and ``<unk>`` (any other word), ``V`` tokens in all:

    - unigram: ``P(w) = (c(w) + k) / (N + k V)``, with ``N`` the number of predicted tokens;
    - bigram: ``P(w | v) = (c(v, w) + k) / (c(v) + k V)``, with ``c(v)`` the number of
      times ``v`` is followed by a token (a context never seen gives ``1 / V`` to every word).

    Parameters
    ----------
    sentences:
        The training sentences, each a list of tokens.
    order:
        1 (each word on its own) or 2 (each word given the one before).
    k:
        The count added to every (context, word) pair, above 0; ``k = 1`` is Laplace smoothing.

    Examples
    --------
    >>> model = CountLanguageModel([["a", "b"], ["a"]], order=2, k=1.0)
    >>> model.probability("b", previous="a")    # (1 + 1) / (2 + 4)
    0.3333333333333333
    >>> round(model.perplexity([["a", "b"]]), 4)  # (1/2 * 1/3 * 2/5) ** (-1/3)
    2.4662
    """

    def __init__(self, sentences, *, order: int = 2, k: float = 1.0):
        from collections import Counter

        from mlkit.errors import InputError

        if order not in (1, 2) or isinstance(order, bool):
            raise InputError(f"order should be 1 (unigram) or 2 (bigram), got {order!r}")
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not k > 0:
            raise InputError(f"k should be a number above 0, got {k!r}")
        if isinstance(sentences, str):
            raise InputError("sentences should be a list of sentences, each a list of tokens")
        sentences = list(sentences)
        if any(isinstance(sentence, str) for sentence in sentences):
            raise InputError("sentences should be a list of sentences, each a list of tokens")
        self.order, self.k = order, float(k)
        self.words = Counter()       # predicted tokens
        self.pairs = Counter()       # (previous, token)
        self.contexts = Counter()    # previous tokens that are followed by something
        for sentence in sentences:
            tokens = [START, *sentence, END]
            for previous, token in zip(tokens, tokens[1:]):
                self.words[token] += 1
                self.pairs[previous, token] += 1
                self.contexts[previous] += 1
        self.vocabulary = sorted({*self.words, UNSEEN})

    def _known(self, token: str) -> str:
        return token if token in self.words else UNSEEN

    def probability(self, word: str, previous: str | None = None) -> float:
        """The model's probability that the next token is ``word`` (after ``previous`` for a bigram)."""
        from mlkit.errors import InputError

        word, size = self._known(word), len(self.vocabulary)
        if self.order == 1:
            return (self.words[word] + self.k) / (sum(self.words.values()) + self.k * size)
        if previous is None:
            raise InputError("a bigram model needs the previous token (previous='<s>' at a sentence's start)")
        previous = previous if previous == START else self._known(previous)
        return (self.pairs[previous, word] + self.k) / (self.contexts[previous] + self.k * size)

    def next_words(self, previous: str, n: int = 5) -> list[tuple[str, float]]:
        """The ``n`` most probable next tokens after ``previous`` (a tie goes to the word first in order)."""
        scored = [(word, self.probability(word, previous)) for word in self.vocabulary]
        return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:n]

    def perplexity(self, sentences) -> float:
        """``exp`` of the mean negative log-probability of each predicted token, ``</s>`` included."""
        import math

        from mlkit.errors import InputError

        if isinstance(sentences, str):
            raise InputError("sentences should be a list of sentences, each a list of tokens")
        sentences = list(sentences)
        if any(isinstance(sentence, str) for sentence in sentences):
            raise InputError("sentences should be a list of sentences, each a list of tokens")
        total, count = 0.0, 0
        for sentence in sentences:
            tokens = [START, *sentence, END]
            for previous, token in zip(tokens, tokens[1:]):
                total -= math.log(self.probability(token, previous))
                count += 1
        if count == 0:
            raise InputError("sentences should hold at least one sentence")
        return math.exp(total / count)
