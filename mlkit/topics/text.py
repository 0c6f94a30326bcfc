"""What a bag-of-words text classifier has learned, and which words of a message it knows.

The NLP unit (17) and the automation unit (19) fit scikit-learn pipelines
whose first step turns text into word features (``CountVectorizer`` or
``TfidfVectorizer``) and whose last step is a linear classifier. These
functions read such a pipeline; they compute and return values, never print
or plot.

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
