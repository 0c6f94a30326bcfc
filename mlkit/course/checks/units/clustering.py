"""Exercises of unit 16, clustering (``solutions/16_clustering.ipynb``).

Data: :mod:`mlkit.datasets.wine`, 178 wines and their cultivars (grape varieties). Clustering
never sees the cultivars; the checks use them only to judge clusters, as the
lesson does.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect
from mlkit.course.checks.kinds import (
    as_labels,
    as_whole_number,
    expect_choice,
    expect_close,
    expect_number,
)
from mlkit.course.checks.kinds import close_to as _near

EXERCISES = ExerciseSet("clustering", "Clustering")

K = 3
AGREEMENT_K = 4  # exercise 2 judges four clusters, one more than there are cultivars
KS = tuple(range(2, 9))
CHOICE_FEATURES = ("alcohol", "flavanoids", "color_intensity", "proline")  # exercise 3 clusters these only
EPS = 2.1  # smaller than the lesson's 2.3
MIN_SAMPLES = 5


# --- shared data and reference results (computed once, only when a check runs) ----


def _data():
    from mlkit.datasets import wine

    return wine.load()


@lru_cache(maxsize=1)
def _scaled():
    from sklearn.preprocessing import StandardScaler

    X, _ = _data()
    return StandardScaler().fit_transform(X)


@lru_cache(maxsize=4)
def _kmeans_labels(k: int = K, scaled: bool = True):
    from sklearn.cluster import KMeans

    X, _ = _data()
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(_scaled() if scaled else X)


@lru_cache(maxsize=2)
def _choice_data(scaled: bool = True):
    """The four columns of exercise 3, standardised (``X_part``) or raw."""
    from sklearn.preprocessing import StandardScaler

    X, _ = _data()
    part = X[list(CHOICE_FEATURES)].astype(float)
    return StandardScaler().fit_transform(part) if scaled else part.to_numpy()


@lru_cache(maxsize=2)
def _silhouettes(scaled: bool = True) -> dict[int, float]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    data = _choice_data(scaled)
    return {
        k: float(silhouette_score(data, KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(data)))
        for k in KS
    }


@lru_cache(maxsize=1)
def _inertias() -> dict[int, float]:
    from sklearn.cluster import KMeans

    return {k: float(KMeans(n_clusters=k, n_init=10, random_state=0).fit(_choice_data()).inertia_) for k in KS}


@lru_cache(maxsize=1)
def _dbscan_labels():
    from sklearn.cluster import DBSCAN

    return DBSCAN(eps=EPS, min_samples=MIN_SAMPLES).fit_predict(_scaled())


def _ari(a, b) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def _labels_array(labels, *, name: str):
    """The learner's cluster labels as a 1-D integer array with one label per wine.

    Any container of whole numbers is read: a list, a tuple, a column vector, integral floats.
    """
    X, _ = _data()
    return as_labels(labels, name=name, length=len(X), what=f"one cluster label per wine ({len(X)})")


# --- 1. k-means on standardised features ---------------------------------------------------


@EXERCISES.exercise(
    "kmeans",
    title="Cluster the wines with k-means on standardised features",
    hints=(
        "Distances add up differences in every column, so put the columns on one scale first: a pipeline "
        "of a scaler and the clustering.",
        "`make_pipeline(StandardScaler(), KMeans(n_clusters=..., n_init=10, random_state=0))`; "
        "`fit_predict(X)` returns one cluster number per wine.",
        "`labels = make_pipeline(StandardScaler(), KMeans(n_clusters=3, n_init=10, random_state=0)).fit_predict(X)`",
    ),
)
def kmeans(labels):
    import numpy as np

    array = _labels_array(labels, name="labels")
    _, y = _data()
    if np.array_equal(array, np.asarray(y)):
        raise Incorrect("`labels` are the known cultivars themselves. Cluster `X` without them; they only judge the result.")
    found = len(set(array.tolist()))
    if found != K:
        raise Incorrect(f"`labels` has {found} different cluster(s); the exercise asks for {K}.")
    if _ari(array, _kmeans_labels()) >= 0.95:
        return "three clusters found without the cultivars; exercise 2 measures how closely they match them."
    if _ari(array, _kmeans_labels(scaled=False)) >= 0.95:
        raise Incorrect(
            "these are the clusters of the raw measurements, where the feature with the largest numbers decides "
            "alone. Standardise the features before clustering."
        )
    raise Incorrect(
        "these clusters differ from those k-means finds on standardised features with `n_init=10` and "
        "`random_state=0`. Check the steps and their settings."
    )


@kmeans.wrong_answer
def kmeans_unscaled():
    return Answer.of(_kmeans_labels(scaled=False))


@kmeans.wrong_answer
def kmeans_two_clusters():
    return Answer.of(_kmeans_labels(2))


@kmeans.wrong_answer
def kmeans_known_labels():
    _, y = _data()
    return Answer.of(y.to_numpy())


# --- 2. comparing clusters with known labels ---------------------------------------------------


@EXERCISES.exercise(
    "agreement",
    title="Measure how well clusters match known labels",
    hints=(
        "Cluster numbers are names chosen by the algorithm: cluster 2 may be cultivar 0, and there is one more "
        "cluster than cultivars. The measure must not depend on the numbering.",
        "The adjusted Rand index compares which pairs of wines are grouped together, and is corrected so that "
        "a random grouping scores about 0.",
        "`score = adjusted_rand_score(y, labels)`",
    ),
)
def agreement(score):
    from sklearn.metrics import accuracy_score, rand_score

    value = expect_number(score, name="score")
    _, y = _data()
    labels = _kmeans_labels(AGREEMENT_K)
    if _near(value, accuracy_score(y, labels), score):
        raise Incorrect(
            "`score` is the accuracy, which compares cluster numbers with cultivar numbers as if they were the "
            "same names. They are not: use a measure that ignores the numbering."
        )
    if _near(value, rand_score(y, labels), score):
        raise Incorrect(
            "`score` is the plain Rand index, which is high even for a random grouping. Use the version adjusted "
            "for chance."
        )
    expect_close(score, _ari(y, labels), name="score", rtol=1e-9)
    return "the index compares pairs of wines, so it works even with four clusters for three cultivars."


@agreement.wrong_answer
def agreement_accuracy():
    from sklearn.metrics import accuracy_score

    _, y = _data()
    return Answer.of(float(accuracy_score(y, _kmeans_labels(AGREEMENT_K))))


@agreement.wrong_answer
def agreement_unadjusted():
    from sklearn.metrics import rand_score

    _, y = _data()
    return Answer.of(float(rand_score(y, _kmeans_labels(AGREEMENT_K))))


@agreement.secret_values
def agreement_secrets():
    _, y = _data()
    return [f"{_ari(y, _kmeans_labels(AGREEMENT_K)):.3f}"]


# --- 3. choosing the number of clusters ---------------------------------------------------


@EXERCISES.exercise(
    "choose_k",
    title="Choose the number of clusters with the silhouette",
    hints=(
        "For each k, fit k-means on the *standardised* data and compute `silhouette_score(X_part, labels)`.",
        "Unlike inertia, the silhouette does not improve automatically with k: pick the k where it is highest.",
        "Collect the scores in a dict `{k: score}`; `best_k = max(scores, key=scores.get)`.",
    ),
)
def choose_k(best_k):
    tried = f"one of the numbers of clusters tried ({KS[0]} to {KS[-1]})"
    k = as_whole_number(best_k, name="best_k", what=tried)
    if k not in KS:
        raise Incorrect(f"`best_k` should be {tried}, not {best_k!r}.")
    scaled = _silhouettes(scaled=True)
    if k == max(scaled, key=scaled.get):
        return f"mean silhouette {scaled[k]:.3f}, the highest of k = {KS[0]} to {KS[-1]}."
    raw = _silhouettes(scaled=False)
    if k == max(raw, key=raw.get):
        raise Incorrect(
            "that k has the highest silhouette only when it is computed on the unscaled features, where one "
            "feature decides the distances. Use `X_part` for the clustering and for the silhouette."
        )
    inertias = _inertias()
    if k == min(inertias, key=inertias.get):
        raise Incorrect(
            "another k has a higher mean silhouette on the standardised data. That k is also the one with the lowest "
            "inertia, which cannot choose k: inertia always falls as k grows (with k equal to the number of wines it is 0)."
        )
    raise Incorrect("another k has a higher mean silhouette on the standardised data.")


@choose_k.wrong_answer
def choose_k_on_unscaled_data():
    raw = _silhouettes(scaled=False)
    return Answer.of(max(raw, key=raw.get))


@choose_k.wrong_answer
def choose_k_by_lowest_inertia():
    inertias = _inertias()
    return Answer.of(min(inertias, key=inertias.get))


@choose_k.secret_values
def choose_k_secrets():
    scaled = _silhouettes(scaled=True)
    best = max(scaled, key=scaled.get)
    return [f"k = {best},", f"k = {best} ", f"{scaled[best]:.3f}"]


# --- 4. counting DBSCAN's clusters ---------------------------------------------------------


@EXERCISES.exercise(
    "dbscan_count",
    title="Count DBSCAN's clusters and noise points",
    hints=(
        "DBSCAN labels noise points -1. Noise is not a cluster.",
        "`set(found)` lists the distinct labels; remove -1 before counting. `(found == -1).sum()` counts noise.",
        "`n_clusters = len(set(found) - {-1})` and `n_noise = int((found == -1).sum())`",
    ),
)
def dbscan_count(n_clusters, n_noise):
    import numpy as np

    labels = _dbscan_labels()
    clusters = len(set(labels.tolist()) - {-1})
    count = as_whole_number(n_clusters, name="n_clusters", what="a count of clusters, a whole number")
    if count == clusters + 1 and -1 in labels:
        raise Incorrect("`n_clusters` counts the label -1 as a cluster; -1 marks noise points, which belong to no cluster.")
    if count == labels.max() and count != clusters:
        raise Incorrect("`n_clusters` is the largest label, but labels start at 0: one cluster is missing from the count.")
    if count != clusters:
        raise Incorrect(f"`n_clusters` is too {'high' if count > clusters else 'low'}.")
    noise = as_whole_number(n_noise, name="n_noise", what="a count of wines, a whole number")
    if noise == np.sum(labels == 0) and noise != np.sum(labels == -1):
        raise Incorrect("`n_noise` counts the points of cluster 0; noise points have the label -1.")
    if noise != np.sum(labels == -1):
        raise Incorrect(f"`n_noise` is too {'high' if noise > np.sum(labels == -1) else 'low'}.")
    return f"{noise / len(labels):.0%} of the wines are noise at this `eps`: DBSCAN struggles in 13 dimensions."


@dbscan_count.wrong_answer
def dbscan_count_noise_as_cluster():
    labels = _dbscan_labels()
    return Answer.of(len(set(labels.tolist())), int((labels == -1).sum()))


@dbscan_count.wrong_answer
def dbscan_count_largest_label():
    labels = _dbscan_labels()
    return Answer.of(int(labels.max()), int((labels == -1).sum()))


@dbscan_count.wrong_answer
def dbscan_count_cluster_zero_as_noise():
    labels = _dbscan_labels()
    return Answer.of(len(set(labels.tolist()) - {-1}), int((labels == 0).sum()))


@dbscan_count.secret_values
def dbscan_count_secrets():
    labels = _dbscan_labels()
    return [f" {int((labels == -1).sum())} "]


# --- 5. a judgement -----------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "more clusters would still be cut by the same distances, in which one column decides. The problem is "
    "the scale of the features, not the number of groups.",
    "C": "DBSCAN also measures distances, so on these columns it would also see little but the yearly spend.",
    "D": "the silhouette is computed on the same distances as the clustering. A clean split of one dominant "
    "column scores well; it does not show that the other columns were used.",
}


@EXERCISES.exercise(
    "judgement",
    title="Diagnose a customer segmentation",
    hints=(
        "Compare the typical sizes of the two columns. Which one decides a distance between two customers?",
        "Every algorithm of the lesson, and the silhouette, measures distances in the space it is given.",
        "Put the columns on comparable scales (or choose their weights on purpose), then cluster and look again.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="B", feedback=JUDGEMENT_FEEDBACK)
    return "distance-based clustering needs features on scales that say how much each difference should count."


@judgement.wrong_answer
def judgement_more_clusters():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_dbscan():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_trust_silhouette():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'B'", "Option B"]
