"""Unit 03, matrix decompositions: answers a learner might write that the checks' own wrong-answer list misses.

For each exercise, plausible wrong answers must be refused with a message naming the property that
failed (and never the expected value), and right answers in unusual forms (float32, lists,
another correct algorithm, a differently written option letter) must be accepted.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from mlkit.course.checks import exercises
from verdicts import passed, refused

UNIT = exercises("matrix-decompositions")


def _wine_standardised():
    from sklearn.datasets import load_wine

    X = load_wine().data
    return X, (X - X.mean(axis=0)) / X.std(axis=0)


def _shares(Z):
    s = np.linalg.svd(Z - Z.mean(axis=0), compute_uv=False)
    return s**2 / (s**2).sum()


# --- 1. volume ----------------------------------------------------------------------------------


def test_a_volume_factor_computed_in_float32_passes_even_for_the_singular_matrix():
    assert passed(UNIT.volume.evaluate(lambda M: abs(np.linalg.det(M.astype(np.float32)))))


def test_a_volume_factor_from_an_lu_factorisation_passes():
    assert passed(UNIT.volume.evaluate(lambda M: abs(np.prod(np.diag(scipy.linalg.lu(M)[2])))))


def test_a_volume_factor_from_the_log_determinant_passes():
    assert passed(UNIT.volume.evaluate(lambda M: np.exp(np.linalg.slogdet(M)[1])))


def test_a_volume_factor_from_the_symmetric_eigenvalue_routine_is_refused_for_that_reason():
    outcome = UNIT.volume.evaluate(lambda M: np.prod(np.abs(np.linalg.eigvalsh(M))))
    assert refused(outcome, "eigvalsh", "symmetric")


def test_the_complex_product_of_eig_is_refused_as_complex():
    assert refused(UNIT.volume.evaluate(lambda M: np.prod(np.linalg.eigvals(M))), "complex")


def test_a_rounded_volume_factor_is_refused_as_rounded():
    assert refused(UNIT.volume.evaluate(lambda M: round(abs(np.linalg.det(M)), 2)), "do not round")


def test_the_squared_determinant_is_refused():
    assert refused(UNIT.volume.evaluate(lambda M: np.linalg.det(M) ** 2), "not the factor")


# --- 2. eigen-decomposition ---------------------------------------------------------------------


def test_eig_sorted_by_value_passes():
    def eigen_descending(A):
        values, vectors = np.linalg.eig(A)
        order = np.argsort(values)[::-1]
        return values[order], vectors[:, order]

    assert passed(UNIT.eigen.evaluate(eigen_descending))


def test_an_eigen_decomposition_computed_in_float32_passes():
    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A.astype(np.float32))
        return values[::-1], vectors[:, ::-1]

    assert passed(UNIT.eigen.evaluate(eigen_descending))


def test_scipy_eigh_with_the_eigenvalues_as_a_list_passes():
    def eigen_descending(A):
        values, vectors = scipy.linalg.eigh(A)
        return list(values[::-1]), vectors[:, ::-1]

    assert passed(UNIT.eigen.evaluate(eigen_descending))


def test_rows_reversed_instead_of_columns_are_refused_for_that_reason():
    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        return values[::-1], vectors[::-1]

    assert refused(UNIT.eigen.evaluate(eigen_descending), "rows reversed", "columns")


@pytest.mark.parametrize("side", ["U", "V"])
def test_singular_values_given_as_eigenvalues_are_refused_for_their_lost_signs(side):
    def eigen_descending(A):
        U, s, Vt = np.linalg.svd(A)
        return s, U if side == "U" else Vt.T

    assert refused(UNIT.eigen.evaluate(eigen_descending), "singular values", "signs")


# --- 3. best rank-k approximation ----------------------------------------------------------------


def test_a_low_rank_approximation_computed_in_float32_passes():
    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X.astype(np.float32), full_matrices=False)
        return U[:, :k] * s[:k] @ Vt[:k]

    assert passed(UNIT.low_rank.evaluate(best_rank_k))


def test_a_projection_on_the_top_eigenvectors_of_xtx_passes():
    def best_rank_k(X, k):
        _, vectors = np.linalg.eigh(X.T @ X)
        top = vectors[:, ::-1][:, :k]
        return X @ top @ top.T

    assert passed(UNIT.low_rank.evaluate(best_rank_k))


def test_a_list_of_lists_with_the_other_singular_values_zeroed_passes():
    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        kept = np.where(np.arange(len(s)) < k, s, 0.0)
        return (U * kept @ Vt).tolist()

    assert passed(UNIT.low_rank.evaluate(best_rank_k))


def test_an_approximation_of_the_centred_matrix_plus_the_mean_is_refused_for_its_rank():
    def best_rank_k(X, k):
        mean = X.mean(axis=0)
        U, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
        return U[:, :k] * s[:k] @ Vt[:k] + mean

    assert refused(UNIT.low_rank.evaluate(best_rank_k), "of rank 2; rank 1 is asked for")


def test_vt_used_as_v_is_refused_as_not_the_closest():
    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return U[:, :k] * s[:k] @ Vt[:, :k].T

    assert refused(UNIT.low_rank.evaluate(best_rank_k), "not the closest")


def test_keeping_the_first_k_columns_is_refused_as_not_the_closest():
    def best_rank_k(X, k):
        kept = X.copy()
        kept[:, k:] = 0
        return kept

    assert refused(UNIT.low_rank.evaluate(best_rank_k), "not the closest")


# --- 4. PCA of the wine data ------------------------------------------------------------------------


def test_ratios_from_the_eigenvalues_of_the_correlation_matrix_pass():
    X, _ = _wine_standardised()
    values = np.linalg.eigvalsh(np.corrcoef(X, rowvar=False))[::-1]
    assert passed(UNIT.pca_wine.evaluate(values / values.sum()))


def test_ratios_after_standardising_with_ddof_1_as_a_pandas_series_pass():
    import pandas as pd

    X, _ = _wine_standardised()
    assert passed(UNIT.pca_wine.evaluate(pd.Series(_shares(X / X.std(axis=0, ddof=1)))))


def test_cumulative_ratios_are_refused_as_a_running_total():
    _, Z = _wine_standardised()
    assert refused(UNIT.pca_wine.evaluate(np.cumsum(_shares(Z))), "running total")


def test_ratios_in_percent_are_refused_as_percent():
    _, Z = _wine_standardised()
    assert refused(UNIT.pca_wine.evaluate(100 * _shares(Z)), "percent")


def test_ratios_of_min_max_scaled_features_are_refused_for_the_scaling():
    X, _ = _wine_standardised()
    scaled = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    assert refused(UNIT.pca_wine.evaluate(_shares(scaled)), "range 0 to 1", "standard deviation")


def test_variances_instead_of_ratios_are_refused_for_their_sum():
    _, Z = _wine_standardised()
    s = np.linalg.svd(Z, compute_uv=False)
    assert refused(UNIT.pca_wine.evaluate(s**2 / (len(Z) - 1)), "add up to 1")


# --- 5. learning rate and condition number --------------------------------------------------------


def test_a_pair_computed_in_float32_passes():
    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H.astype(np.float32))
        return 2 / values.max(), values.max() / values.min()

    assert passed(UNIT.conditioning.evaluate(rate_and_condition))


def test_a_pair_from_singular_values_as_an_array_passes():
    def rate_and_condition(H):
        s = np.linalg.svd(H, compute_uv=False)
        return np.array([2 / s[0], s[0] / s[-1]])

    assert passed(UNIT.conditioning.evaluate(rate_and_condition))


def test_a_pair_in_the_other_order_is_refused_for_its_order():
    def rate_and_condition(H):
        return np.linalg.cond(H), 2 / np.linalg.eigvalsh(H).max()

    assert refused(UNIT.conditioning.evaluate(rate_and_condition), "other order")


def test_a_rate_from_the_trace_is_refused_for_using_every_eigenvalue():
    def rate_and_condition(H):
        return 2 / np.trace(H), np.linalg.cond(H)

    assert refused(UNIT.conditioning.evaluate(rate_and_condition), "trace", "largest eigenvalue")


def test_a_rate_from_the_largest_entry_is_refused():
    def rate_and_condition(H):
        return 2 / np.abs(H).max(), np.linalg.cond(H)

    assert refused(UNIT.conditioning.evaluate(rate_and_condition), "not the largest one")


def test_a_squared_condition_number_is_refused():
    def rate_and_condition(H):
        return 2 / np.linalg.eigvalsh(H).max(), np.linalg.cond(H) ** 2

    assert refused(UNIT.conditioning.evaluate(rate_and_condition), "not the ratio of the extreme eigenvalues")


# --- 6. judgement ----------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["c", " C ", "C.", "c)", "(C)", "option C"])
def test_the_right_letter_written_in_other_ways_passes(answer):
    assert passed(UNIT.judgement.evaluate(answer))


@pytest.mark.parametrize("answer", ["E", "B and C", "option B."])
def test_other_answers_are_refused_without_naming_the_right_letter(answer):
    outcome = UNIT.judgement.evaluate(answer)
    assert outcome.status == "incorrect", outcome
    assert "Option C" not in outcome.message and "'C' is" not in outcome.message


# --- no message reveals an expected value -----------------------------------------------------------


def test_refusals_of_the_wine_ratios_never_show_the_first_share():
    _, Z = _wine_standardised()
    first = _shares(Z)[0]
    for wrong in (np.cumsum(_shares(Z)), 100 * _shares(Z), _shares(Z)[::-1]):
        message = UNIT.pca_wine.evaluate(wrong).message
        assert f"{first:.3f}" not in message and f"{first:.1%}" not in message, message
