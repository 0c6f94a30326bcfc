"""Exercises of unit 03, matrix decompositions (``solutions/03_matrix_decompositions.ipynb``).

The functions the learner writes (volume factor, sorted eigen-decomposition, best low-rank
approximation, learning-rate limit and condition number) are tried on matrices the check
generates with fixed seeds: uncentred, of several shapes and scales, some with negative
determinants or eigenvalues, so that a formula right only on the lesson's matrices fails.
The PCA exercise uses scikit-learn's wine data, which the lesson uses only for condition
numbers, and compares with scikit-learn's ``PCA``. Each exercise is a check function decorated
with ``EXERCISES.exercise``; below it, builders of plausible wrong answers
(``@<exercise>.wrong_answer``) and the values no failure message may reveal
(``@<exercise>.secret_values``).
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import (
    as_pair,
    as_vector,
    close_to,
    expect_array,
    expect_choice,
    expect_number,
    refuse_rounded,
    rounded_places,
)

EXERCISES = ExerciseSet("matrix-decompositions", "Matrix decompositions: eigenvalues, SVD and PCA")


# --- shared helpers -----------------------------------------------------------------------


def _shown(matrix) -> str:
    """A short description of a test matrix for a message: its shape, never its entries."""
    rows, columns = matrix.shape
    return f"a {rows}x{columns} matrix"


def _function(value, name: str):
    if not callable(value):
        raise Incorrect(f"`{name}` should be a function, but it is a {type(value).__name__}.")
    return value


def _returned_number(result, call: str) -> float:
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    return expect_number(result, name=call)


def _returned_matrix(result, call: str, shape: tuple):
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"`{call}` returned a {type(result).__name__}; an array of numbers is asked for.") from None
    if array.shape != shape:
        raise Incorrect(f"`{call}` returned shape {array.shape}; shape {shape} is asked for.")
    if not np.isfinite(array).all():
        raise Incorrect(f"`{call}` returned NaN or infinite values.")
    return array


FLOAT32_COMPUTED_RTOL = 1e-4
"""Relative tolerance for an answer computed in float32: about 7 digits, less what the matrix amplifies."""


def _computed_rtol(result, default: float) -> float:
    """``default``, or the looser tolerance a result computed in float32 (any part of it) can hold."""
    import numpy as np

    items = result if isinstance(result, (tuple, list)) else (result,)
    for item in items:
        dtype = getattr(item, "dtype", None)
        if dtype is not None and np.dtype(dtype).kind in "fc" and np.dtype(dtype).itemsize <= 4:
            return FLOAT32_COMPUTED_RTOL
    return default


def _rng(seed: int):
    import numpy as np

    return np.random.default_rng(seed)


# --- 1. volume scaling ----------------------------------------------------------------------


def _volume_cases():
    """Square matrices: uncentred random ones of sizes 3 and 4 (the second with a negative determinant), a mirror
    (determinant -1) and a singular one."""
    import numpy as np

    rng = _rng(3)
    mirror = np.array([[0.0, 1.0], [1.0, 0.0]])
    uncentred = rng.normal(loc=2.0, scale=1.5, size=(3, 3))
    scaled = rng.normal(scale=3.0, size=(4, 4))
    if np.linalg.det(scaled) > 0:
        scaled[:, [0, 1]] = scaled[:, [1, 0]]  # a negative determinant, so the sign matters
    singular = rng.normal(size=(3, 3))
    singular[:, 2] = singular[:, 0] - 2 * singular[:, 1]
    return (uncentred, scaled, mirror, singular)


@EXERCISES.exercise(
    "volume",
    title="Compute the factor by which a matrix scales volumes",
    hints=(
        "The determinant measures how a matrix scales volume; its sign only says whether the map flips "
        "orientation, like a mirror.",
        "`np.linalg.det(M)` gives the signed factor; a volume factor cannot be negative.",
        "`return abs(np.linalg.det(M))`",
    ),
)
def volume(volume_scale):
    import numpy as np

    volume_scale = _function(volume_scale, "volume_scale")
    for M in _volume_cases():
        call = f"volume_scale({_shown(M)})"
        result = call_learner(volume_scale, M.copy())
        if isinstance(result, complex) or getattr(getattr(result, "dtype", None), "kind", "") == "c":
            raise Incorrect(
                f"`{call}` returned a complex number (as `np.linalg.eig` gives for a matrix that is not symmetric); "
                "a volume factor is a real number, never negative."
            )
        value = _returned_number(result, call)
        expected = abs(float(np.linalg.det(M)))
        rtol = _computed_rtol(result, 1e-6)
        hadamard = float(np.prod(np.linalg.norm(M, axis=0)))  # the largest |det| columns of these lengths allow
        if close_to(value, expected, result, rtol=rtol, atol=max(1e-9, 1e-2 * rtol * hadamard)):
            continue
        if value == round(value, 4) and rounded_places(value, expected) is not None:
            refuse_rounded(value, expected, name=call)
        if value < 0:
            raise Incorrect(
                f"`{call}` returned a negative number: a volume cannot shrink below zero. The sign of the "
                "determinant says whether the map flips orientation, not how much it scales."
            )
        if np.isclose(value, abs(np.prod(np.diag(M))), rtol=1e-6):
            raise Incorrect(
                f"`{call}` is the product of the diagonal entries, which gives the volume factor only for a "
                "triangular matrix."
            )
        if np.isclose(value, abs(np.trace(M)), rtol=1e-6):
            raise Incorrect(f"`{call}` is the sum of the diagonal (the trace), which is not a volume factor.")
        if np.isclose(value, np.prod(np.abs(np.linalg.eigvalsh(M))), rtol=1e-6):
            raise Incorrect(
                f"`{call}` comes from `eigvalsh` or `eigh`, which assume a symmetric matrix and read only one "
                "triangle of it; this matrix is not symmetric."
            )
        raise Incorrect(f"`{call}` is not the factor by which that matrix scales volumes.")
    return "a mirror keeps volumes (factor 1) and a singular matrix flattens them (factor 0)."


@volume.wrong_answer
def volume_signed():
    import numpy as np

    def volume_scale(M):
        return np.linalg.det(M)

    return Answer.of(volume_scale)


@volume.wrong_answer
def volume_diagonal_product():
    import numpy as np

    def volume_scale(M):
        return abs(np.prod(np.diag(M)))

    return Answer.of(volume_scale)


@volume.wrong_answer
def volume_symmetric_routine():
    import numpy as np

    def volume_scale(M):
        return np.prod(np.abs(np.linalg.eigvalsh(M)))

    return Answer.of(volume_scale)


@volume.wrong_answer
def volume_trace():
    import numpy as np

    def volume_scale(M):
        return abs(np.trace(M))

    return Answer.of(volume_scale)


# --- 2. eigen-decomposition, largest first ----------------------------------------------------


def _symmetric_cases():
    """Symmetric matrices with negative eigenvalues; in the first, sorting by size, by value and ascending all differ."""
    import numpy as np

    cases = []
    for seed, size, shift in ((13, 5, -0.5), (12, 3, 1.5), (11, 2, 0.0)):
        rng = _rng(seed)
        B = rng.normal(loc=shift, size=(size, size))
        cases.append((B + B.T) / 2 + np.diag(rng.normal(scale=2.0, size=size)))
    return cases


def _descending(A):
    import numpy as np

    values, vectors = np.linalg.eigh(A)
    return values[::-1], vectors[:, ::-1]


def _are_eigenvectors(A, vectors, values) -> bool:
    import numpy as np

    scale = max(1.0, float(np.abs(A).max()))
    return bool(np.allclose(A @ vectors, vectors * values, atol=1e-5 * scale))


@EXERCISES.exercise(
    "eigen",
    title="Compute an eigen-decomposition sorted from the largest eigenvalue",
    hints=(
        "For a symmetric matrix use `np.linalg.eigh`; it returns the eigenvalues in ascending order and the "
        "eigenvectors as columns.",
        "`np.argsort` gives the positions that sort an array in ascending order, and reversing them gives "
        "descending order. Use the same positions for the eigenvalues and for the columns of the eigenvectors, so "
        "that each column stays with its eigenvalue.",
        "`values, vectors = np.linalg.eigh(A)`, `order = np.argsort(values)[::-1]`, "
        "`return values[order], vectors[:, order]`.",
    ),
)
def eigen(eigen_descending):
    import numpy as np

    eigen_descending = _function(eigen_descending, "eigen_descending")
    for A in _symmetric_cases():
        size = len(A)
        call = f"eigen_descending({_shown(A)})"
        result = call_learner(eigen_descending, A.copy())
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        values_given, vectors_given = as_pair(result, name=call, what="a pair `(eigenvalues, eigenvectors)`")
        values = as_vector(values_given, name=f"{call}[0]", length=size, what=f"{size} eigenvalues")
        vectors = _returned_matrix(vectors_given, f"{call}[1]", (size, size))
        expected_values, _ = _descending(A)
        scale = float(np.abs(expected_values).max())
        if not np.allclose(values, expected_values, rtol=1e-6, atol=_computed_rtol(values_given, 1e-9) * scale):
            _explain_values(values, expected_values, call)
        if not _are_eigenvectors(A, vectors, values):
            _explain_vectors(A, vectors, values, call)
        if not np.allclose(np.linalg.norm(vectors, axis=0), 1.0, atol=1e-5):
            raise Incorrect(f"the columns of `{call}[1]` point the right way but are not of length 1.")
    return "each column `v` satisfies `A @ v = λ v`, in order from the largest eigenvalue."


def _explain_values(values, expected_values, call: str) -> None:
    import numpy as np

    if np.allclose(values, expected_values[::-1], rtol=1e-6, atol=1e-9):
        raise Incorrect(f"the eigenvalues of `{call}` are in ascending order; the largest should come first.")
    by_size = expected_values[np.argsort(-np.abs(expected_values), kind="stable")]
    if np.allclose(values, by_size, rtol=1e-6, atol=1e-9):
        raise Incorrect(
            f"the eigenvalues of `{call}` are sorted by size, ignoring their sign; sort them by value, so "
            "that a negative eigenvalue comes after every positive one."
        )
    if np.allclose(values, np.sort(np.abs(expected_values))[::-1], rtol=1e-6, atol=1e-9):
        raise Incorrect(
            f"the first item `{call}` returned holds the sizes of the eigenvalues, all positive: those are singular "
            "values. The eigenvalues of a symmetric matrix keep their signs; use the eigenvalue routine for them."
        )
    raise Incorrect(f"the first item `{call}` returned is not the list of eigenvalues of that matrix.")


def _explain_vectors(A, vectors, values, call: str) -> None:
    if _are_eigenvectors(A, vectors.T, values):
        raise Incorrect(f"`{call}[1]` holds the eigenvectors in its rows; put them in its columns.")
    if _are_eigenvectors(A, vectors[::-1, ::-1], values) or _are_eigenvectors(A, vectors[::-1], values):
        raise Incorrect(
            f"`{call}[1]` has its rows reversed; the eigenvectors are its columns, so reorder the columns."
        )
    if _are_eigenvectors(A, vectors[:, ::-1], values):
        raise Incorrect(
            f"the columns of `{call}[1]` are eigenvectors, but in the order of `eigh`: reorder them like the "
            "eigenvalues, so that column i goes with eigenvalue i."
        )
    raise Incorrect(f"the columns of `{call}[1]` are not eigenvectors matching the eigenvalues in order.")


@eigen.wrong_answer
def eigen_ascending():
    import numpy as np

    def eigen_descending(A):
        return np.linalg.eigh(A)

    return Answer.of(eigen_descending)


@eigen.wrong_answer
def eigen_vectors_not_reordered():
    import numpy as np

    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        return values[::-1], vectors

    return Answer.of(eigen_descending)


@eigen.wrong_answer
def eigen_vectors_in_rows():
    import numpy as np

    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        return values[::-1], vectors[:, ::-1].T

    return Answer.of(eigen_descending)


@eigen.wrong_answer
def eigen_rows_reversed():
    import numpy as np

    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        return values[::-1], vectors[::-1]

    return Answer.of(eigen_descending)


@eigen.wrong_answer
def eigen_singular_values():
    import numpy as np

    def eigen_descending(A):
        U, s, Vt = np.linalg.svd(A)
        return s, U

    return Answer.of(eigen_descending)


@eigen.wrong_answer
def eigen_sorted_by_size():
    import numpy as np

    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        order = np.argsort(-np.abs(values), kind="stable")
        return values[order], vectors[:, order]

    return Answer.of(eigen_descending)


# --- 3. best low-rank approximation ------------------------------------------------------------


def _low_rank_cases():
    """(X, k): uncentred, wide and tall, and a k equal to the full rank."""
    rng = _rng(21)
    return (
        (rng.normal(loc=3.0, scale=2.0, size=(6, 4)), 1),
        (rng.normal(scale=5.0, size=(5, 8)), 2),
        (rng.normal(loc=-1.0, size=(10, 7)) * [1, 2, 3, 4, 5, 6, 7], 3),
        (rng.normal(size=(4, 3)), 3),
    )


def _best_rank(X, k):
    import numpy as np

    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return U[:, :k] * s[:k] @ Vt[:k]


@EXERCISES.exercise(
    "low_rank",
    title="Compute the best rank-k approximation of a matrix",
    hints=(
        "By the Eckart-Young theorem, the best rank-k approximation keeps the k largest singular values of the SVD "
        "and drops the others.",
        "`np.linalg.svd` with `full_matrices=False` returns `U`, the singular values `s` (largest first) and `Vt`. "
        "Keep the first k columns of `U`, the first k values of `s` and the first k rows of `Vt`, and multiply them "
        "back together.",
        "`return U[:, :k] * s[:k] @ Vt[:k]` (the `* s[:k]` scales each column of `U` by its singular value).",
    ),
)
def low_rank(best_rank_k):
    import numpy as np

    best_rank_k = _function(best_rank_k, "best_rank_k")
    for X, k in _low_rank_cases():
        call = f"best_rank_k({_shown(X)}, k={k})"
        result = call_learner(best_rank_k, X.copy(), k)
        value = _returned_matrix(result, call, X.shape)
        expected = _best_rank(X, k)
        rtol = _computed_rtol(result, 1e-6)
        if np.allclose(value, expected, rtol=rtol, atol=rtol * 1e-2 * np.abs(X).max()):
            continue
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        if np.allclose(value, U[:, :k] @ Vt[:k]):
            raise Incorrect(f"`{call}` leaves out the singular values: each kept piece is scaled by its `s`.")
        if np.allclose(value, U[:, -k:] * s[-k:] @ Vt[-k:]):
            raise Incorrect(f"`{call}` keeps the smallest singular values; the best approximation keeps the largest.")
        rank = int(np.linalg.matrix_rank(value, tol=1e-5 * s[0]))  # above the rounding of a float32 answer
        if rank != k:
            raise Incorrect(f"`{call}` returned a matrix of rank {rank}; rank {k} is asked for.")
        error = np.linalg.norm(X - value) / np.linalg.norm(X - expected)
        raise Incorrect(
            f"`{call}` has rank {k} but is not the closest such matrix: its error is {error:.2f} times the smallest "
            "possible."
        )
    return "its error equals the square root of the sum of the discarded squared singular values."


@low_rank.wrong_answer
def low_rank_without_singular_values():
    import numpy as np

    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return U[:, :k] @ Vt[:k]

    return Answer.of(best_rank_k)


@low_rank.wrong_answer
def low_rank_smallest_values():
    import numpy as np

    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return U[:, -k:] * s[-k:] @ Vt[-k:]

    return Answer.of(best_rank_k)


@low_rank.wrong_answer
def low_rank_one_too_many():
    import numpy as np

    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return U[:, : k + 1] * s[: k + 1] @ Vt[: k + 1]

    return Answer.of(best_rank_k)


# --- 4. PCA of the wine data by SVD --------------------------------------------------------------


@lru_cache(maxsize=1)
def _wine():
    from sklearn.datasets import load_wine

    return load_wine().data


def _ratio_by_svd(Z):
    import numpy as np

    s = np.linalg.svd(Z, compute_uv=False)
    return s**2 / (s**2).sum()


@lru_cache(maxsize=1)
def _wine_ratio():
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    return PCA().fit(StandardScaler().fit_transform(_wine())).explained_variance_ratio_


@EXERCISES.exercise(
    "pca_wine",
    title="Compute PCA's explained variance ratios of the wine data with an SVD",
    hints=(
        "Standardise each column first (subtract its mean, divide by its standard deviation); then the squared "
        "singular values of that matrix are proportional to the variances of the components.",
        "`np.linalg.svd(Z, compute_uv=False)` returns only the singular values `s`, largest first; the ratio of "
        "component i is `s[i]**2` divided by the sum of all `s**2`.",
        "`Z = (X_wine - X_wine.mean(axis=0)) / X_wine.std(axis=0)`, "
        "`s = np.linalg.svd(Z, compute_uv=False)`, `ratio = s**2 / (s**2).sum()`.",
    ),
)
def pca_wine(ratio):
    import numpy as np

    expected = _wine_ratio()
    X = _wine()
    values = as_vector(ratio, name="ratio", length=len(expected), what=f"{len(expected)} ratios, one per component")
    if np.allclose(values, expected, rtol=1e-6, atol=1e-9):
        return "the first components' shares match scikit-learn's `explained_variance_ratio_`."
    refuse_rounded(values, expected, name="ratio")
    if np.allclose(values, np.cumsum(expected), rtol=1e-4):
        raise Incorrect(
            "`ratio` grows to 1: it is the running total of the shares. Give each component's own share."
        )
    if np.allclose(values, 100 * expected, rtol=1e-4):
        raise Incorrect("`ratio` is in percent; give each share as a fraction of 1.")
    if not np.isclose(values.sum(), 1.0, rtol=1e-4):
        raise Incorrect(
            "`ratio` does not add up to 1: divide each component's variance by the total variance."
        )
    if np.allclose(values, expected[::-1], rtol=1e-6, atol=1e-9):
        raise Incorrect("`ratio` is in ascending order; the component of largest variance comes first.")
    if np.allclose(values, _ratio_by_svd(X - X.mean(axis=0)), rtol=1e-4):
        raise Incorrect(
            "`ratio` matches PCA of the features in their original units, where the columns with the largest "
            "numbers dominate; standardise each column first."
        )
    if np.allclose(values, _ratio_by_svd(X / X.std(axis=0)), rtol=1e-4):
        raise Incorrect("`ratio` matches scaled features that were not centred: subtract each column's mean too.")
    if np.allclose(values, _ratio_by_svd(_min_max(X) - _min_max(X).mean(axis=0)), rtol=1e-4):
        raise Incorrect(
            "`ratio` matches features scaled to the range 0 to 1, not standardised: divide each centred column by "
            "its standard deviation."
        )
    s = np.linalg.svd((X - X.mean(axis=0)) / X.std(axis=0), compute_uv=False)
    if np.allclose(values, s / s.sum(), rtol=1e-4):
        raise Incorrect("`ratio` uses the singular values themselves; a component's variance is its singular value squared.")
    expect_array(values, expected, name="ratio", rtol=1e-6)


def _min_max(X):
    return (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))


@pca_wine.wrong_answer
def pca_wine_cumulative():
    import numpy as np

    return Answer.of(np.cumsum(_wine_ratio()))


@pca_wine.wrong_answer
def pca_wine_min_max():
    Z = _min_max(_wine())
    return Answer.of(_ratio_by_svd(Z - Z.mean(axis=0)))


@pca_wine.wrong_answer
def pca_wine_unstandardised():
    X = _wine()
    return Answer.of(_ratio_by_svd(X - X.mean(axis=0)))


@pca_wine.wrong_answer
def pca_wine_not_centred():
    X = _wine()
    return Answer.of(_ratio_by_svd(X / X.std(axis=0)))


@pca_wine.wrong_answer
def pca_wine_singular_values_not_squared():
    import numpy as np

    X = _wine()
    s = np.linalg.svd((X - X.mean(axis=0)) / X.std(axis=0), compute_uv=False)
    return Answer.of(s / s.sum())


@pca_wine.wrong_answer
def pca_wine_ascending():
    return Answer.of(_wine_ratio()[::-1].copy())


@pca_wine.secret_values
def pca_wine_secrets():
    first = float(_wine_ratio()[0])
    return [f"{first:.4f}", f"{first:.3f}", f"{first:.1%}"]


# --- 5. learning rate and condition number ----------------------------------------------------------


def _hessian_cases():
    """Symmetric positive definite matrices of several sizes and scales, and a diagonal one."""
    import numpy as np

    cases = [np.diag([0.5, 8.0, 2.0])]
    for seed, size, scale in ((31, 2, 1.0), (32, 4, 10.0), (33, 6, 0.1)):
        rng = _rng(seed)
        B = rng.normal(loc=0.5, scale=scale, size=(size, size))
        cases.append(B @ B.T + 0.1 * scale**2 * np.eye(size))
    return cases


def _rate_and_condition(H):
    import numpy as np

    values = np.linalg.eigvalsh(H)
    return 2 / values.max(), values.max() / values.min()


@EXERCISES.exercise(
    "conditioning",
    title="Compute the largest stable learning rate and the condition number of a Hessian",
    hints=(
        "Both numbers come from the eigenvalues of the symmetric matrix `H`: the steepest direction limits the "
        "learning rate, and the ratio of the steepest to the flattest is the condition number.",
        "`np.linalg.eigvalsh(H)` returns the eigenvalues; descent on the quadratic diverges above "
        "2 / (largest eigenvalue).",
        "`values = np.linalg.eigvalsh(H)`, `return 2 / values.max(), values.max() / values.min()`.",
    ),
)
def conditioning(rate_and_condition):
    import numpy as np

    rate_and_condition = _function(rate_and_condition, "rate_and_condition")
    for H in _hessian_cases():
        call = f"rate_and_condition({_shown(H)})"
        result = call_learner(rate_and_condition, H.copy())
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        rate_given, kappa_given = as_pair(result, name=call, what="a pair `(learning_rate, condition_number)`")
        rate = _returned_number(rate_given, f"{call}[0]")
        kappa = _returned_number(kappa_given, f"{call}[1]")
        right_rate, right_kappa = _rate_and_condition(H)
        values = np.linalg.eigvalsh(H)
        rtol = _computed_rtol(result, 1e-6)
        if not close_to(rate, right_rate, rate_given, rtol=rtol) and close_to(kappa, right_rate, kappa_given, rtol=rtol):
            raise Incorrect(
                f"`{call}` returns the two numbers in the other order: the learning rate first, then the condition "
                "number."
            )
        if not close_to(rate, right_rate, rate_given, rtol=rtol):
            if close_to(rate, right_rate / 2, rate_given, rtol=1e-6):
                raise Incorrect(
                    f"the learning rate of `{call}` is half the limit: descent still converges up to 2 over the "
                    "largest eigenvalue."
                )
            if close_to(rate, 2 / values.min(), rate_given, rtol=1e-6):
                raise Incorrect(
                    f"the learning rate of `{call}` would make descent diverge along the steepest direction: the "
                    "limit comes from the largest eigenvalue."
                )
            if close_to(rate, 2 / values.sum(), rate_given, rtol=1e-6):
                raise Incorrect(
                    f"the learning rate of `{call}` uses the trace, the sum of all the eigenvalues: a safe rate, but "
                    "smaller than the limit, which only the largest eigenvalue sets."
                )
            raise Incorrect(f"the learning rate of `{call}` is not the largest one at which descent converges.")
        if not close_to(kappa, right_kappa, kappa_given, rtol=10 * rtol if rtol > 1e-6 else rtol):
            if kappa < 1:
                raise Incorrect(f"the condition number of `{call}` is below 1; it is the largest over the smallest.")
            if close_to(kappa, np.sqrt(right_kappa), kappa_given, rtol=1e-6):
                raise Incorrect(
                    f"the condition number of `{call}` is a square root too small: for a symmetric positive definite "
                    "matrix it is the ratio of its eigenvalues themselves."
                )
            raise Incorrect(f"the condition number of `{call}` is not the ratio of the extreme eigenvalues.")
    return "descent converges below 2/λ_max and needs more steps as λ_max/λ_min grows."


@conditioning.wrong_answer
def conditioning_one_over_lambda():
    import numpy as np

    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return 1 / values.max(), values.max() / values.min()

    return Answer.of(rate_and_condition)


@conditioning.wrong_answer
def conditioning_smallest_eigenvalue():
    import numpy as np

    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return 2 / values.min(), values.max() / values.min()

    return Answer.of(rate_and_condition)


@conditioning.wrong_answer
def conditioning_inverted_ratio():
    import numpy as np

    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return 2 / values.max(), values.min() / values.max()

    return Answer.of(rate_and_condition)


@conditioning.wrong_answer
def conditioning_swapped():
    import numpy as np

    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return values.max() / values.min(), 2 / values.max()

    return Answer.of(rate_and_condition)


@conditioning.wrong_answer
def conditioning_trace():
    import numpy as np

    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return 2 / np.trace(H), values.max() / values.min()

    return Answer.of(rate_and_condition)


@conditioning.wrong_answer
def conditioning_square_root():
    import numpy as np

    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return 2 / values.max(), np.sqrt(values.max() / values.min())

    return Answer.of(rate_and_condition)


# --- 6. a judgement ---------------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "a determinant far from zero says nothing about how close a matrix is to singular: it changes with the "
    "scale of the columns. The condition number measures that, and it was printed above the options.",
    "B": "solving instead of inverting is a better habit, but it still works on XᵀX, whose condition number is "
    "the square of X's; the digits lost to that squaring stay lost.",
    "D": "standardising changes the units of the columns, not the fact that two of them are nearly the same; a "
    "near-duplicate column leaves a tiny singular value whatever its scale.",
}


def _letter(answer):
    """``answer`` with an "option" in front or a full stop or bracket after a letter removed ("C.", "option c")."""
    import re

    if not isinstance(answer, str):
        return answer
    match = re.fullmatch(r"\s*(?:option\s+)?\(?([A-Za-z])[.)]?\s*", answer, flags=re.IGNORECASE)
    return match.group(1) if match else answer


@EXERCISES.exercise(
    "judgement",
    title="Choose how to fit least squares on nearly dependent columns",
    hints=(
        "Compare the condition numbers printed for `X` and for `XᵀX`, and remember how many digits float64 keeps.",
        "Which methods work on `X` itself, and which form `XᵀX` first? Section 9 of the lesson solves least "
        "squares without forming it.",
        "A method based on the SVD of `X` (the pseudo-inverse, `lstsq`) faces the condition number of `X`, not "
        "its square.",
    ),
)
def judgement(answer):
    expect_choice(_letter(answer), name="answer", correct="C", feedback=JUDGEMENT_FEEDBACK)
    return "the SVD works on X, whose condition number is the square root of XᵀX's."


@judgement.wrong_answer
def judgement_determinant():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_solve_normal_equations():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_standardise():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'C'", "Option C"]
