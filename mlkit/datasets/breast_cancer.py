"""Breast cancer diagnosis (Wisconsin), from scikit-learn's bundled data sets.

569 tumours described by 30 measurements of their cell nuclei, each labelled
malignant or benign (W. H. Wolberg, W. N. Street, O. L. Mangasarian,
University of Wisconsin, 1995; shipped with scikit-learn). The label here is
``malignant`` (1 = malignant, 0 = benign), so that the class a screening test
must find is the positive class.

The rows are split once, with a fixed seed, into a part the learner works with
(:func:`load`, 455 rows) and a held-out part (:func:`holdout`, 114 rows) that
only the exercise checks use: a score on it is a score on data the learner's
model has never seen.

Examples
--------
>>> from mlkit.datasets import breast_cancer
>>> X, y = breast_cancer.load()
>>> X.shape, int(y.sum())
((455, 30), 170)
"""

from __future__ import annotations

from functools import lru_cache

TARGET = "malignant"
HOLDOUT_ROWS = 114
SEED = 2026


@lru_cache(maxsize=1)
def _parts():
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    bunch = load_breast_cancer(as_frame=True)
    X = bunch.data
    y = (bunch.target == 0).astype("int64").rename(TARGET)
    X_learn, X_hold, y_learn, y_hold = train_test_split(
        X, y, test_size=HOLDOUT_ROWS, stratify=y, random_state=SEED
    )
    parts = [part.reset_index(drop=True) for part in (X_learn, y_learn, X_hold, y_hold)]
    return tuple(parts)


def load():
    """The learner's part: features ``X`` (DataFrame, 30 columns) and label ``y`` (Series).

    Returns
    -------
    X : pandas.DataFrame
        455 rows, one column per measurement (all ``float64``).
    y : pandas.Series
        ``malignant``: 1 for a malignant tumour, 0 for a benign one.
    """
    X, y, _, _ = _parts()
    return X.copy(), y.copy()


def holdout():
    """The held-out part, for exercise checks only (114 rows, same columns as :func:`load`).

    Lessons and exercises never use it, so a check can score a learner's model
    on data it has never seen.
    """
    _, _, X, y = _parts()
    return X.copy(), y.copy()
