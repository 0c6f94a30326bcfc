"""Unit 03, matrix decompositions: its helpers, its figures, and its checks on answers in other forms.

The checks are also run by the suite-wide tests (solution passes, stub not attempted, each
registered wrong answer refused) and by ``mlkit exercises verify``; the tests here pin the
messages a learner sees for specific mistakes and the forms of a right answer that must pass.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlkit.course.checks import exercises
from mlkit.errors import InputError
from mlkit.topics.decompositions import DIVERGED, descent_iterations, normalise_signs
from verdicts import passed, refused

UNIT = exercises("matrix-decompositions")


# --- mlkit.topics.decompositions ---------------------------------------------------------------


def test_normalise_signs_makes_the_largest_entry_of_each_column_positive():
    vectors = np.array([[0.6, -0.1], [-0.8, -0.9]])
    fixed = normalise_signs(vectors)
    assert fixed.tolist() == [[-0.6, 0.1], [0.8, 0.9]]
    assert np.array_equal(normalise_signs(-vectors), fixed)  # either sign in, the same out


def test_normalise_signs_leaves_its_input_unchanged_and_refuses_a_vector():
    vectors = np.array([[-1.0], [0.5]])
    normalise_signs(vectors)
    assert vectors[0, 0] == -1.0
    with pytest.raises(InputError, match="2-D"):
        normalise_signs(np.array([1.0, -2.0]))


@pytest.mark.parametrize("kappa", [2.0, 10.0, 50.0])
def test_descent_iterations_match_the_contraction_of_the_flattest_direction(kappa):
    # With learning rate 1/kappa on diag(1, kappa), the steep direction is solved in one step and the
    # flat one shrinks by (1 - 1/kappa) per step.
    steps = descent_iterations(np.diag([1.0, kappa]), learning_rate=1 / kappa, start=[1.0, 0.0], tolerance=1e-6)
    assert steps == math.ceil(math.log(1e-6) / math.log(1 - 1 / kappa))


def test_descent_diverges_above_two_over_the_largest_eigenvalue():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    limit = 2 / np.linalg.eigvalsh(A).max()
    assert descent_iterations(A, learning_rate=1.01 * limit) == DIVERGED
    assert descent_iterations(A, learning_rate=0.99 * limit) > 0


def test_descent_stops_at_max_steps():
    assert descent_iterations(np.diag([1.0, 1e-6]), learning_rate=1.0, max_steps=50) == 50


@pytest.mark.parametrize(
    ("A", "rate", "tolerance", "words"),
    [
        (np.ones((2, 3)), 0.1, 1e-6, "square"),
        (np.eye(2), 0.0, 1e-6, "learning_rate"),
        (np.eye(2), 0.1, 1.5, "tolerance"),
    ],
)
def test_descent_iterations_refuses_bad_input(A, rate, tolerance, words):
    with pytest.raises(InputError, match=words):
        descent_iterations(A, learning_rate=rate, tolerance=tolerance)


# --- mlkit.plots.decompositions ----------------------------------------------------------------


def test_the_square_figure_has_one_equal_aspect_panel_per_matrix():
    from mlkit.plots.decompositions import square_images

    fig = square_images([np.eye(2), 2 * np.eye(2)], ["identity", "double"])
    assert [ax.get_title() for ax in fig.axes] == ["identity", "double"]
    assert all(ax.get_aspect() == 1.0 for ax in fig.axes)


def test_the_quadratic_form_figure_labels_each_eigenvalue():
    from mlkit.plots.decompositions import quadratic_form_levels

    fig = quadratic_form_levels([np.diag([1.0, 4.0])], ["bowl"])
    labels = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert labels == ["eigenvector, λ = 1.00", "eigenvector, λ = 4.00"]
    assert fig.axes[0].get_aspect() == 1.0


def test_the_figures_refuse_a_matrix_that_is_not_two_by_two():
    from mlkit.plots.decompositions import quadratic_form_levels

    with pytest.raises(ValueError, match="2x2"):
        quadratic_form_levels([np.eye(3)], ["too big"])


# --- checks: right answers in other forms ------------------------------------------------------


def test_a_volume_factor_returned_as_float32_passes():
    assert passed(UNIT.volume.evaluate(lambda M: np.float32(abs(np.linalg.det(M)))))


def test_a_volume_factor_from_the_singular_values_passes():
    assert passed(UNIT.volume.evaluate(lambda M: np.prod(np.linalg.svd(M, compute_uv=False))))


def test_eigenpairs_as_a_list_of_lists_with_flipped_signs_pass():
    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        return [values[::-1].tolist(), (-vectors[:, ::-1]).tolist()]

    assert passed(UNIT.eigen.evaluate(eigen_descending))


def test_a_low_rank_approximation_built_from_a_sum_of_outer_products_passes():
    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X)
        return sum(s[i] * np.outer(U[:, i], Vt[i]) for i in range(k))

    assert passed(UNIT.low_rank.evaluate(best_rank_k))


def _wine_ratio():
    from sklearn.datasets import load_wine
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    return PCA().fit(StandardScaler().fit_transform(load_wine().data)).explained_variance_ratio_


@pytest.mark.parametrize("form", [np.float32, list, lambda r: r.reshape(-1, 1)], ids=["float32", "list", "column"])
def test_wine_ratios_in_other_forms_pass(form):
    ratio = _wine_ratio()
    assert passed(UNIT.pca_wine.evaluate(form(ratio.astype(np.float32) if form is np.float32 else ratio)))


def test_a_pair_returned_as_a_list_with_numpy_numbers_passes():
    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return [np.float32(2 / values.max()), np.linalg.cond(H)]

    assert passed(UNIT.conditioning.evaluate(rate_and_condition))


# --- checks: specific mistakes get specific messages -------------------------------------------


def test_a_signed_determinant_is_refused_for_its_sign():
    assert refused(UNIT.volume.evaluate(lambda M: np.linalg.det(M)), "negative", "orientation")


def test_eigenvalues_sorted_by_size_ignoring_sign_are_refused():
    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        order = np.argsort(-np.abs(values))
        return values[order], vectors[:, order]

    assert refused(UNIT.eigen.evaluate(eigen_descending), "ignoring their sign")


def test_eigenvectors_left_in_the_order_of_eigh_are_refused():
    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        return values[::-1], vectors

    assert refused(UNIT.eigen.evaluate(eigen_descending), "reorder them")


def test_unnormalised_eigenvectors_are_refused():
    def eigen_descending(A):
        values, vectors = np.linalg.eigh(A)
        return values[::-1], 3 * vectors[:, ::-1]

    assert refused(UNIT.eigen.evaluate(eigen_descending), "length 1")


def test_a_low_rank_approximation_of_the_wrong_rank_is_refused():
    def best_rank_k(X, k):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return U[:, : k + 1] * s[: k + 1] @ Vt[: k + 1]

    assert refused(UNIT.low_rank.evaluate(best_rank_k), "of rank 2; rank 1 is asked for")


def test_rounded_wine_ratios_are_refused_as_rounded():
    assert refused(UNIT.pca_wine.evaluate(_wine_ratio().round(3)), "do not round")


def test_wine_ratios_of_unstandardised_features_are_refused():
    from sklearn.datasets import load_wine
    from sklearn.decomposition import PCA

    raw = PCA().fit(load_wine().data).explained_variance_ratio_
    assert refused(UNIT.pca_wine.evaluate(raw), "standardise")


def test_an_inverted_condition_number_is_refused():
    def rate_and_condition(H):
        values = np.linalg.eigvalsh(H)
        return 2 / values.max(), values.min() / values.max()

    assert refused(UNIT.conditioning.evaluate(rate_and_condition), "below 1")


def test_stubs_are_not_attempted():
    def stub(*args):
        raise NotImplementedError("write this function")

    for exercise in (UNIT.volume, UNIT.eigen, UNIT.low_rank, UNIT.conditioning):
        assert exercise.evaluate(stub).status == "not_attempted", exercise
    assert UNIT.pca_wine.evaluate(...).status == "not_attempted"
