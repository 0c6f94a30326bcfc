"""Matrix decompositions for the lessons: sign conventions and gradient descent on a quadratic.

Eigenvectors and singular vectors are defined only up to their sign: ``v`` and ``-v``
are equally right, and which one a library returns can change with the processor.
:func:`normalise_signs` picks one, so that printed and plotted vectors are the same
everywhere. :func:`descent_iterations` counts the steps gradient descent needs on the
quadratic ``f(x) = x.T @ A @ x / 2``, to show how the condition number of ``A`` slows it.

Everything here computes and returns values: nothing prints or plots.

Examples
--------
>>> import numpy as np
>>> normalise_signs(np.array([[0.6, 0.8], [-0.8, 0.6]])).tolist()
[[-0.6, 0.8], [0.8, 0.6]]
>>> descent_iterations(np.diag([1.0, 1.0]), learning_rate=1.0)
1
"""

from __future__ import annotations

import numpy as np

from mlkit.errors import InputError

DIVERGED = -1
"""What :func:`descent_iterations` returns when descent diverges (the distance to the minimum grows)."""


def normalise_signs(vectors) -> np.ndarray:
    """Flip each column of ``vectors`` so that its entry of largest magnitude is positive.

    Parameters
    ----------
    vectors:
        Array of shape ``(d, k)``: ``k`` eigenvectors or singular vectors, one per column.
        Pass ``components.T`` for scikit-learn's ``PCA.components_`` (one per row).

    Returns
    -------
    numpy.ndarray
        A copy of shape ``(d, k)``; each column is the input column or its negative.

    Raises
    ------
    InputError
        When ``vectors`` is not two-dimensional.
    """
    array = np.array(vectors, dtype=float)
    if array.ndim != 2:
        raise InputError(f"vectors must be a 2-D array with one vector per column, got {array.ndim} dimension(s)")
    largest = array[np.argmax(np.abs(array), axis=0), np.arange(array.shape[1])]
    signs = np.where(largest < 0, -1.0, 1.0)
    return array * signs


def descent_iterations(
    A, learning_rate: float, *, start=None, tolerance: float = 1e-6, max_steps: int = 100_000
) -> int:
    """Steps of gradient descent on ``f(x) = x.T @ A @ x / 2`` until ``x`` is close to the minimum at 0.

    Each step is ``x <- x - learning_rate * A @ x``. Descent stops when the distance to the
    minimum has shrunk below ``tolerance`` times the starting distance.

    Parameters
    ----------
    A:
        Symmetric positive definite matrix of shape ``(d, d)``: the Hessian of the quadratic.
    learning_rate:
        Step size, a positive number. Descent converges when it is below ``2 / largest eigenvalue``.
    start:
        Starting point of length ``d``; by default a vector of ones.
    tolerance:
        Relative distance to the minimum at which descent stops, between 0 and 1.
    max_steps:
        Most steps taken; when reached, ``max_steps`` is returned.

    Returns
    -------
    int
        The number of steps, or :data:`DIVERGED` (-1) when the distance grows a thousandfold.

    Raises
    ------
    InputError
        For a matrix that is not square, a learning rate that is not positive, or a
        tolerance outside (0, 1).
    """
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise InputError(f"A must be a square matrix, got shape {A.shape}")
    if not learning_rate > 0:
        raise InputError(f"learning_rate must be a positive number, got {learning_rate!r}")
    if not 0 < tolerance < 1:
        raise InputError(f"tolerance must be between 0 and 1, got {tolerance!r}")
    x = np.ones(len(A)) if start is None else np.array(start, dtype=float)
    initial = np.linalg.norm(x)
    for step in range(1, max_steps + 1):
        x = x - learning_rate * (A @ x)
        distance = np.linalg.norm(x)
        if distance <= tolerance * initial:
            return step
        if distance > 1e3 * initial:
            return DIVERGED
    return max_steps
