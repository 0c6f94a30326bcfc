"""Corrections for multiple comparisons: Bonferroni and Holm.

The statistical-inference unit explains both procedures in words and applies these
functions to simulated studies and to feature screening.

Everything here computes and returns values: nothing prints or plots.

Examples
--------
>>> import numpy as np
>>> p = np.array([0.01, 0.04, 0.02, 0.005])
>>> bonferroni_reject(p, alpha=0.05).tolist()
[True, False, False, True]
>>> holm_reject(p, alpha=0.05).tolist()
[True, True, True, True]
"""

from __future__ import annotations

import numpy as np

from mlkit.errors import InputError


def _p_values(p_values) -> np.ndarray:
    """``p_values`` as a 1-D float array of values in [0, 1]; InputError otherwise."""
    try:
        p = np.asarray(p_values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"p_values: expected numbers between 0 and 1, got {type(p_values).__name__}") from None
    if p.ndim != 1 or p.size == 0:
        raise InputError(f"p_values: expected a non-empty 1-D sequence of p-values, got shape {p.shape}")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise InputError("p_values: every p-value must be a number between 0 and 1")
    return p


def _alpha(alpha: float) -> float:
    if not 0 < alpha < 1:
        raise InputError(f"alpha: expected a level strictly between 0 and 1, got {alpha!r}")
    return float(alpha)


def bonferroni_reject(p_values, alpha: float = 0.05) -> np.ndarray:
    """Which null hypotheses Bonferroni's correction rejects at family-wise level ``alpha``.

    Parameters
    ----------
    p_values : sequence of float, shape (m,)
        One p-value per test, each between 0 and 1.
    alpha : float
        The family-wise error rate to keep, strictly between 0 and 1.

    Returns
    -------
    numpy.ndarray of bool, shape (m,)
        True where ``p <= alpha / m``, in the order of ``p_values``.

    Raises
    ------
    InputError
        When ``p_values`` is empty, not 1-D or holds values outside [0, 1], or ``alpha`` is not in (0, 1).
    """
    p = _p_values(p_values)
    return p <= _alpha(alpha) / p.size


def holm_reject(p_values, alpha: float = 0.05) -> np.ndarray:
    """Which null hypotheses Holm's step-down procedure rejects at family-wise level ``alpha``.

    The p-values are sorted; the i-th smallest (counting from 0) is compared with
    ``alpha / (m - i)``, and hypotheses are rejected up to the first comparison that fails.

    Parameters and errors as :func:`bonferroni_reject`; returns booleans of shape (m,) in the
    order of ``p_values``.
    """
    p = _p_values(p_values)
    level = _alpha(alpha)
    m = p.size
    order = np.argsort(p, kind="stable")
    passes = p[order] <= level / (m - np.arange(m))
    n_rejected = m if passes.all() else int(np.argmin(passes))
    reject = np.zeros(m, dtype=bool)
    reject[order[:n_rejected]] = True
    return reject
