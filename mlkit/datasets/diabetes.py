"""Diabetes progression, from scikit-learn's bundled data sets.

442 patients described by ten baseline measurements (age, sex, body-mass index,
blood pressure and six blood-serum measurements), with a number measuring how
far the disease progressed one year later (B. Efron, T. Hastie, I. Johnstone,
R. Tibshirani, "Least Angle Regression", Annals of Statistics, 2004; shipped
with scikit-learn under its BSD-3-Clause licence). The measurements are given
in their original units (``scaled=False``), not the centred and scaled version
scikit-learn loads by default, so that a lesson can show why scaling matters.
The six serum columns are renamed from ``s1``..``s6`` to what they measure.

The rows are split once, with a fixed seed, into a part the learner works with
(:func:`load`, 354 rows) and a held-out part (:func:`holdout`, 88 rows) that
only the exercise checks use.

Examples
--------
>>> from mlkit.datasets import diabetes
>>> X, y = diabetes.load()
>>> X.shape, list(X.columns[:4])
((354, 10), ['age', 'sex', 'bmi', 'bp'])
"""

from __future__ import annotations

from functools import lru_cache

TARGET = "progression"
HOLDOUT_ROWS = 88
SEED = 2026
SERUM_NAMES = {
    "s1": "tc",  # total serum cholesterol
    "s2": "ldl",  # low-density lipoproteins
    "s3": "hdl",  # high-density lipoproteins
    "s4": "tch",  # total cholesterol / HDL
    "s5": "ltg",  # log of serum triglycerides
    "s6": "glu",  # blood sugar level
}


@lru_cache(maxsize=1)
def _parts():
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    bunch = load_diabetes(as_frame=True, scaled=False)
    X = bunch.data.rename(columns=SERUM_NAMES)
    y = bunch.target.rename(TARGET)
    X_learn, X_hold, y_learn, y_hold = train_test_split(X, y, test_size=HOLDOUT_ROWS, random_state=SEED)
    return tuple(part.reset_index(drop=True) for part in (X_learn, y_learn, X_hold, y_hold))


def load():
    """The learner's part: features ``X`` (DataFrame, 10 columns) and target ``y`` (Series).

    Returns
    -------
    X : pandas.DataFrame
        354 rows: ``age`` (years), ``sex`` (coded 1 or 2), ``bmi``, ``bp``
        (mean blood pressure) and the serum measurements ``tc``, ``ldl``,
        ``hdl``, ``tch``, ``ltg``, ``glu``.
    y : pandas.Series
        ``progression``: a measure of disease progression one year later.
    """
    X, y, _, _ = _parts()
    return X.copy(), y.copy()


def holdout():
    """The held-out part, for exercise checks only (88 rows, same columns as :func:`load`)."""
    _, _, X, y = _parts()
    return X.copy(), y.copy()
