"""Handwritten digits, from scikit-learn's bundled data sets.

1,797 images of handwritten digits, 8 by 8 pixels (E. Alpaydin, C. Kaynak,
"Optical Recognition of Handwritten Digits", UCI Machine Learning Repository,
1998, CC BY 4.0; shipped with scikit-learn). The digits were written on forms,
scanned as 32 by 32 black-and-white bitmaps and reduced: each pixel of the
8 by 8 image counts the ink pixels in one 4 by 4 block of the bitmap, so it is
a whole number from 0 (no ink) to 16 (all ink). Not grey levels of a photograph,
though it is drawn as one.

Examples
--------
>>> from mlkit.datasets import digits
>>> X, y = digits.load()
>>> X.shape, y.shape, int(X.max())
((1797, 64), (1797,), 16)
>>> digits.images().shape
(1797, 8, 8)
"""

from __future__ import annotations

from functools import lru_cache

IMAGE_SHAPE = (8, 8)


@lru_cache(maxsize=1)
def _bunch():
    from sklearn.datasets import load_digits

    return load_digits()


def load():
    """Pixels ``X`` (NumPy array, 1797 x 64, values 0-16) and digit labels ``y`` (0-9).

    Each row of ``X`` is one image read row by row; ``X[i].reshape(8, 8)``
    gives the picture back.
    """
    bunch = _bunch()
    return bunch.data.copy(), bunch.target.copy()


def images():
    """The same images as :func:`load`, shaped 1797 x 8 x 8."""
    return _bunch().images.copy()
