"""Wine recognition, from scikit-learn's bundled data sets.

178 wines grown in the same region of Italy by three cultivars (grape varieties), described by
13 results of chemical analysis (M. Forina et al., PARVUS, 1988; UCI Machine
Learning Repository, CC BY 4.0; shipped with scikit-learn). The features have
very different scales (``proline`` is in the hundreds, ``hue`` around 1),
which makes the data set a good one to show why scaling matters for
distance-based methods.

Examples
--------
>>> from mlkit.datasets import wine
>>> X, y = wine.load()
>>> X.shape, sorted(y.unique().tolist())
((178, 13), [0, 1, 2])
"""

from __future__ import annotations

from functools import lru_cache

TARGET = "cultivar"


@lru_cache(maxsize=1)
def _frame():
    from sklearn.datasets import load_wine

    bunch = load_wine(as_frame=True)
    X = bunch.data.rename(columns={"od280/od315_of_diluted_wines": "od280_od315"})
    return X, bunch.target.rename(TARGET)


def load():
    """Features ``X`` (DataFrame, 13 columns) and ``cultivar`` ``y`` (Series: 0, 1 or 2).

    Returns
    -------
    X : pandas.DataFrame
        178 rows of chemical measurements, each in its own unit.
    y : pandas.Series
        The cultivator (0, 1 or 2): known labels, used only to judge clusters.
    """
    X, y = _frame()
    return X.copy(), y.copy()
