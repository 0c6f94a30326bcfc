"""Messages of the dimensionality reduction unit's checks for particular mistakes, and the data it loads.

That every check passes on the solution, says "not attempted" on the stub and fails on
its wrong answers is tested for all units at once in ``test_exercises_discovered.py``.
"""

from __future__ import annotations

from mlkit.course.checks import exercises

UNIT = "dimensionality-reduction"
EX = exercises(UNIT)


def test_a_reconstruction_that_raises_is_reported_as_an_error_in_the_learners_code():
    def broken(pca, images):
        return pca.transfrom(images)

    outcome = EX.reconstruct.evaluate(broken)
    assert outcome.status == "error"
    assert "AttributeError" in outcome.message


def test_digits_loader_gives_flat_images_and_their_pictures():
    import numpy as np

    from mlkit.datasets import digits

    X, y = digits.load()
    images = digits.images()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert np.array_equal(X[5].reshape(8, 8), images[5])
    assert set(np.unique(y)) == set(range(10)) and X.min() == 0 and X.max() == 16
    X[0, 0] = -1
    assert digits.load()[0][0, 0] == 0
