"""Exercises of unit 17, dimensionality reduction (``solutions/17_dimensionality_reduction.ipynb``).

Data: :mod:`mlkit.datasets.digits` (8 x 8 images of handwritten digits) and
:mod:`mlkit.datasets.wine` (chemical measurements in different units).

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import copy
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, call_learner
from mlkit.course.checks.kinds import as_whole_number, expect_choice, expect_close, expect_number, refuse_rounded

EXERCISES = ExerciseSet("dimensionality-reduction", "Dimensionality reduction")

SHARE = 0.95
CHECK_COMPONENTS = (3, 10)  # the reconstruction is checked with PCAs of these sizes
CHECK_ROWS = 50


# --- shared data and reference results (computed once, only when a check runs) ----


def _digits():
    from mlkit.datasets import digits

    return digits.load()


@lru_cache(maxsize=2)
def _components_needed(scaled: bool = False) -> dict[str, int]:
    """Components needed to keep ``SHARE`` of the digits' variance, and the off-by-one position."""
    import numpy as np
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    X, _ = _digits()
    data = StandardScaler().fit_transform(X) if scaled else X
    cumulative = np.cumsum(PCA().fit(data).explained_variance_ratio_)
    position = int(np.argmax(cumulative >= SHARE))
    return {"count": position + 1, "position": position}


@lru_cache(maxsize=1)
def _wine_first() -> dict[str, float]:
    """The first two components' share of variance of the wine data, scaled and raw, and their variance."""
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    from mlkit.datasets import wine

    X, _ = wine.load()
    scaled = PCA().fit(StandardScaler().fit_transform(X))
    return {
        "scaled": float(scaled.explained_variance_ratio_[:2].sum()),
        "raw": float(PCA().fit(X).explained_variance_ratio_[:2].sum()),
        "variance": float(scaled.explained_variance_[:2].sum()),
        "first": float(scaled.explained_variance_ratio_[0]),
    }


@lru_cache(maxsize=2)
def _fitted_pca(components: int):
    from sklearn.decomposition import PCA

    X, _ = _digits()
    return PCA(n_components=components).fit(X)


# --- 1. how many components --------------------------------------------------------


@EXERCISES.exercise(
    "n_components",
    title="Count the components that keep 95% of the variance",
    hints=(
        "`PCA().fit(X).explained_variance_ratio_` gives each component's share; `np.cumsum` adds them up.",
        "`np.argmax(cumulative >= 0.95)` is the *position* of the first component that reaches 95%. "
        "Positions start at 0; counts of components start at 1.",
        "`n_components = int(np.argmax(np.cumsum(PCA().fit(X).explained_variance_ratio_) >= 0.95)) + 1`",
    ),
)
def n_components(n_components):
    value = as_whole_number(n_components, name="n_components", what="a count of components, so a whole number")
    right = _components_needed()
    if value == right["position"]:
        raise Incorrect(
            "`n_components` is one short: with that many components, less than 95% of the variance is kept. "
            "A count of components starts at 1, where a position in an array starts at 0."
        )
    if value == _components_needed(scaled=True)["count"]:
        raise Incorrect(
            "that is the count for standardised pixels. Pixels share one unit (grey levels from 0 to 16), so "
            "PCA uses them as they are; standardising would blow up nearly blank border pixels."
        )
    if value != right["count"]:
        raise Incorrect(f"`n_components` is too {'high' if value > right['count'] else 'low'}.")
    return "fewer than half of the 64 pixels' worth of numbers keep 95% of the variation."


@n_components.wrong_answer
def n_components_position_not_count():
    return Answer.of(_components_needed()["position"])


@n_components.wrong_answer
def n_components_on_standardised_pixels():
    return Answer.of(_components_needed(scaled=True)["count"])


@n_components.secret_values
def n_components_secrets():
    return [str(_components_needed()["count"])]


# --- 2. scaling before PCA ------------------------------------------------------------------


@EXERCISES.exercise(
    "first_share",
    title="Read the share of the first two components after standardising",
    hints=(
        "The wine measurements have different units. A pipeline of `StandardScaler()` and `PCA()` puts them "
        "on one scale before the components are found.",
        "After fitting, the PCA step is the pipeline's last step, `pipeline[-1]`; its "
        "`explained_variance_ratio_` holds one share per component, largest first: add up the first two.",
        "`first_share = make_pipeline(StandardScaler(), PCA()).fit(X_wine)[-1].explained_variance_ratio_[:2].sum()`",
    ),
)
def first_share(first_share):
    value = expect_number(first_share, name="first_share")
    reference = _wine_first()
    if abs(value - reference["raw"]) < 1e-6:
        raise Incorrect(
            "`first_share` is nearly all of the variance: that is PCA on the raw measurements, where the feature "
            "with the largest numbers is the first component on its own. Standardise first."
        )
    if abs(value - reference["variance"]) < 1e-6 * reference["variance"]:
        raise Incorrect(
            "`first_share` is larger than 1, so it is the components' variance, not their share of the total. "
            "Use the *ratio* attribute."
        )
    if not 0 < value <= 1:
        raise Incorrect("`first_share` should be a share of the variance, between 0 and 1.")
    if abs(value - reference["first"]) < 1e-6:
        raise Incorrect(
            "`first_share` is the share of the first component alone; add the second component's share to it, "
            "as a two-dimensional plot of the first two components shows both."
        )
    expect_close(value, reference["scaled"], name="first_share", rtol=1e-6)
    return "on standardised features, two components keep about half of the variation of 13 measurements."


@first_share.wrong_answer
def first_share_unscaled():
    return Answer.of(_wine_first()["raw"])


@first_share.wrong_answer
def first_share_variance_not_ratio():
    return Answer.of(_wine_first()["variance"])


@first_share.wrong_answer
def first_share_first_component_only():
    return Answer.of(_wine_first()["first"])


@first_share.secret_values
def first_share_secrets():
    return [f"{_wine_first()['scaled']:.3f}"]


# --- 3. reconstruction ------------------------------------------------------------------------


@EXERCISES.exercise(
    "reconstruct",
    title="Write the reconstruction of images from a fitted PCA",
    hints=(
        "Two steps: project the images on the components (their scores), then go back to pixel space.",
        "Going back: each image is the mean image plus its scores times the components, "
        "`pca.mean_ + scores @ pca.components_`. `pca.inverse_transform(scores)` does exactly that.",
        "`return pca.inverse_transform(pca.transform(images))`",
    ),
)
def reconstruct(reconstruct):
    import numpy as np

    if not callable(reconstruct):
        raise Incorrect(f"`reconstruct` should be a function, but it is a {type(reconstruct).__name__}.")
    X, _ = _digits()
    images = X[:CHECK_ROWS]
    for components in CHECK_COMPONENTS:
        pca = _fitted_pca(components)
        given = copy.deepcopy(pca)  # the learner's function gets a copy: the reference stays as fitted
        result = call_learner(reconstruct, given, images.copy())
        if not _same_pca(given, pca):
            raise Incorrect(
                "`reconstruct` changes the fitted PCA it is given: after the call, its mean or components are not "
                "the ones it learned. Use `pca` as it is; fitting it again on the images replaces what it learned."
            )
        if result is None:
            raise Incorrect("`reconstruct` returns nothing: end it with a `return` of the reconstructed images.")
        try:
            result = np.asarray(result, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect("`reconstruct` should return an array of numbers.") from None
        if result.shape == (len(images), components):
            raise Incorrect(
                f"`reconstruct` returns {components} numbers per image: the scores on the components. Go back "
                "from the scores to the 64 pixels."
            )
        if result.shape != images.shape:
            raise Incorrect(f"`reconstruct` returns shape {result.shape} for images of shape {images.shape}.")
        expected = pca.inverse_transform(pca.transform(images))
        if np.allclose(result, images):
            raise Incorrect(
                "`reconstruct` gives the images back unchanged; with fewer components than pixels, the "
                "reconstruction loses detail. Go through the scores."
            )
        if np.allclose(result + pca.mean_, expected):
            raise Incorrect("the reconstructed images lack the mean image: PCA centres the data, so add `pca.mean_` back.")
        if not np.allclose(result, expected):
            refuse_rounded(result, expected, name="the result of `reconstruct`")
            raise Incorrect(f"with a PCA of {components} components, `reconstruct` does not give the reconstruction.")
    return "every image is the mean plus a weighted sum of the components; the weights are its scores."


def _same_pca(given, fitted) -> bool:
    """Whether the PCA the learner's function was given still holds what ``fitted`` learned."""
    import numpy as np

    try:
        return all(
            np.array_equal(np.asarray(getattr(given, name)), getattr(fitted, name))
            for name in ("mean_", "components_", "explained_variance_")
        )
    except Exception:  # noqa: BLE001 - an attribute removed or replaced by something else
        return False


@reconstruct.wrong_answer
def reconstruct_refits_the_pca():
    return Answer.of(lambda pca, images: pca.inverse_transform(pca.fit_transform(images)))


@reconstruct.wrong_answer
def reconstruct_returns_scores():
    return Answer.of(lambda pca, images: pca.transform(images))


@reconstruct.wrong_answer
def reconstruct_forgets_the_mean():
    return Answer.of(lambda pca, images: pca.transform(images) @ pca.components_)


@reconstruct.wrong_answer
def reconstruct_returns_the_input():
    return Answer.of(lambda pca, images: images)


# --- 4. a judgement -----------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "B": "t-SNE has no `transform`: it cannot place the new transactions that arrive every second, and its "
    "coordinates keep neighbourhoods, not the information a model needs.",
    "C": "fitting PCA on the test rows too lets them shape the features, so the test score is no longer a score "
    "on unseen data; and in production the new rows are not available at fitting time anyway.",
    "D": "two t-SNE coordinates are made for the eye; they cannot be computed for new transactions, and "
    "islands on a map say little about how well a model would predict.",
}


@EXERCISES.exercise(
    "judgement",
    title="Choose a reduction for a production model",
    hints=(
        "The model scores new transactions as they arrive. Which method can turn a new row into reduced "
        "features?",
        "Whatever the method, it must learn only from the training data, like every step of a model.",
        "A reduction that can transform new rows, fitted inside the model's pipeline.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="A", feedback=JUDGEMENT_FEEDBACK)
    return "PCA can transform new rows and, in a pipeline, learns only from the training data."


@judgement.wrong_answer
def judgement_tsne_features():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_pca_on_everything():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_tsne_map():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'A'", "Option A"]
