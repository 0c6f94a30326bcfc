"""Right answers in other forms pass, and particular wrong methods fail, in six units' checks.

The verification harness (``mlkit exercises verify``) offers every check equivalent forms of the
solution's answer and mutants of the solution; these tests pin down, one per fault found, what
it showed for the units analysis-visualisation, pipelines-architecture, classification,
clustering, reinforcement-learning and neural-networks: a right answer in another container
(a column vector, integral floats, float32) is accepted, and a wrong method that used to pass
(a split that is not stratified, a model fitted on the test split, a function that ignores its
random generator, gaps filled with zeros) is refused with a message about it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mlkit.course.checks import ERROR, INCORRECT, NOT_ATTEMPTED, PASSED, exercises


def status(exercise, *args) -> str:
    return exercise.evaluate(*args).status


# --- classification ---------------------------------------------------------------------------

CLASSIFICATION = exercises("classification")


def _breast_cancer_split(**settings):
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import breast_cancer

    X, y = breast_cancer.load()
    return train_test_split(X, y, test_size=0.25, **settings)


@pytest.mark.parametrize("seed", range(30))
def test_a_split_without_stratify_is_refused_whatever_the_seed(seed):
    outcome = CLASSIFICATION.split.evaluate(*_breast_cancer_split(random_state=seed))
    assert outcome.status == INCORRECT, outcome
    assert "stratif" in outcome.message


def test_a_split_without_stratify_that_keeps_the_shares_by_chance_is_named_as_such():
    outcome = CLASSIFICATION.split.evaluate(*_breast_cancer_split(random_state=4))  # shares kept by chance
    assert outcome.status == INCORRECT
    assert "without `stratify=`" in outcome.message


def test_a_stratified_split_with_another_seed_than_asked_is_refused():
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import breast_cancer

    X, y = breast_cancer.load()
    outcome = CLASSIFICATION.split.evaluate(*train_test_split(X, y, test_size=0.25, stratify=y, random_state=1))
    assert outcome.status == INCORRECT and "random_state" in outcome.message


def test_the_split_asked_for_passes_with_its_rows_in_another_order():
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import breast_cancer

    X, y = breast_cancer.load()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
    assert status(CLASSIFICATION.split, X_train.sort_index(), X_test.sort_index(), y_train.sort_index(),
                  y_test.sort_index()) == PASSED


def _confusion_answer():
    from mlkit.course.checks.units import classification as unit

    matrix = unit._confusion()
    return matrix[1, 0], matrix[1, 1] / matrix[1].sum()


def test_a_recall_in_float32_is_accepted():
    missed, recall = _confusion_answer()
    assert status(CLASSIFICATION.confusion, missed, np.float32(recall)) == PASSED


def test_a_count_of_missed_tumours_as_an_integral_float_is_accepted():
    missed, recall = _confusion_answer()
    assert status(CLASSIFICATION.confusion, float(missed), recall) == PASSED
    assert status(CLASSIFICATION.confusion, float(missed) + 0.5, recall) == INCORRECT


def test_a_precision_in_float32_is_still_named_as_the_precision():
    from mlkit.course.checks.units import classification as unit

    matrix = unit._confusion()
    outcome = CLASSIFICATION.confusion.evaluate(matrix[1, 0], np.float32(matrix[1, 1] / matrix[:, 1].sum()))
    assert outcome.status == INCORRECT and "precision" in outcome.message


# --- clustering -------------------------------------------------------------------------------

CLUSTERING = exercises("clustering")


def _wine_labels():
    from mlkit.course.checks.units import clustering as unit

    return unit._kmeans_labels()


@pytest.mark.parametrize(
    "form",
    [lambda a: a.reshape(-1, 1), lambda a: a.tolist(), lambda a: tuple(a.tolist()), lambda a: a.astype(float)],
    ids=["column vector", "list", "tuple", "integral floats"],
)
def test_cluster_labels_as_a_column_vector_or_another_container_are_accepted(form):
    assert status(CLUSTERING.kmeans, form(_wine_labels())) == PASSED


def test_cluster_labels_with_decimals_are_refused_with_a_message():
    outcome = CLUSTERING.kmeans.evaluate(_wine_labels() + 0.5)
    assert outcome.status == INCORRECT and "whole numbers" in outcome.message


def test_an_agreement_score_in_float32_is_accepted():
    from sklearn.metrics import adjusted_rand_score

    from mlkit.datasets import wine

    _, y = wine.load()
    from mlkit.course.checks.units import clustering as unit

    labels = unit._kmeans_labels(unit.AGREEMENT_K)
    assert status(CLUSTERING.agreement, np.float32(adjusted_rand_score(y, labels))) == PASSED


def test_counts_as_integral_floats_are_accepted_and_nan_is_refused_cleanly():
    from mlkit.course.checks.units import clustering as unit

    labels = unit._dbscan_labels()
    clusters, noise = len(set(labels.tolist()) - {-1}), int((labels == -1).sum())
    assert status(CLUSTERING.dbscan_count, float(clusters), float(noise)) == PASSED
    scores = unit._silhouettes(scaled=True)
    assert status(CLUSTERING.choose_k, float(max(scores, key=scores.get))) == PASSED
    assert status(CLUSTERING.choose_k, float("nan")) == INCORRECT


# --- analysis and visualisation -------------------------------------------------------------------

ANALYSIS = exercises("analysis-visualisation")


def _penguin_clusters():
    from sklearn.metrics import adjusted_rand_score

    from mlkit.course.checks.units import analysis_visualisation as unit

    measured, _, Z = unit._measured()
    labels = unit._kmeans(Z)
    return labels, adjusted_rand_score(measured["species"], labels)


def test_penguin_cluster_labels_as_a_column_vector_are_accepted():
    labels, agreement = _penguin_clusters()
    from mlkit.course.checks.units import analysis_visualisation as unit

    assert status(ANALYSIS.clusters, labels.reshape(-1, 1), agreement, unit.supply_rule()) == PASSED
    assert status(ANALYSIS.clusters, labels.astype(float).tolist(), np.float32(agreement), unit.supply_rule()) == PASSED


def test_medians_given_as_text_are_refused_without_the_check_failing():
    import pandas as pd

    medians = pd.Series(["long", "short", "long"], index=["Adelie", "Chinstrap", "Gentoo"])
    outcome = ANALYSIS.summary.evaluate(medians)
    assert outcome.status == INCORRECT and "numbers" in outcome.message


# --- pipelines and data architecture ----------------------------------------------------------------

PIPELINES = exercises("pipelines-architecture")


def _prepare(numbers):
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    from mlkit.course.checks.units import pipelines_architecture as unit

    return ColumnTransformer([
        ("numbers", numbers, unit.NUMERIC),
        ("categories", OneHotEncoder(handle_unknown="ignore"), unit.CATEGORICAL),
    ])


def test_gaps_filled_with_a_constant_zero_are_refused():
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    outcome = PIPELINES.preprocess.evaluate(
        _prepare(make_pipeline(SimpleImputer(strategy="constant", fill_value=0), StandardScaler()))
    )
    assert outcome.status == INCORRECT and "median" in outcome.message


def test_gaps_filled_with_the_mean_are_refused():
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    outcome = PIPELINES.preprocess.evaluate(_prepare(make_pipeline(SimpleImputer(strategy="mean"), StandardScaler())))
    assert outcome.status == INCORRECT and "median" in outcome.message


def test_gaps_filled_after_scaling_are_refused():
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    outcome = PIPELINES.preprocess.evaluate(_prepare(make_pipeline(StandardScaler(), SimpleImputer(strategy="median"))))
    assert outcome.status == INCORRECT and "not standardised" in outcome.message


def test_gaps_filled_with_the_median_before_scaling_pass():
    from mlkit.course.checks.units import pipelines_architecture as unit

    assert status(PIPELINES.preprocess, unit.reference_prepare()) == PASSED


def test_a_cross_validated_accuracy_in_float32_is_accepted_and_the_model_left_unfitted():
    from sklearn.utils.validation import check_is_fitted
    from sklearn.exceptions import NotFittedError

    from mlkit.course.checks.units import pipelines_architecture as unit

    model = unit.reference_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        accuracy = unit._cv_accuracy(unit.reference_model())
    assert status(PIPELINES.model, model, np.float32(accuracy)) == PASSED
    assert status(PIPELINES.model, model, accuracy + 0.01) == INCORRECT
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


@pytest.mark.parametrize(
    "low, high, named",
    [(2001, 7000, "exactly 2000 g"), (2000, 6999, "7000 g: the limits"), (1999, 7000, "1999 g"), (2000, 7001, "7001 g")],
)
def test_a_body_mass_range_one_gram_off_is_refused(low, high, named):
    from mlkit.course.checks.units import pipelines_architecture as unit

    outcome = PIPELINES.quality.evaluate(unit._quality_with_mass_range(low, high))
    assert outcome.status == INCORRECT and named in outcome.message


def test_the_body_mass_range_asked_for_passes():
    from mlkit.course.checks.units import pipelines_architecture as unit

    assert status(PIPELINES.quality, unit._quality_with_mass_range(2000, 7000)) == PASSED


# --- reinforcement learning -------------------------------------------------------------------------

RL = exercises("reinforcement-learning")


def _choose_arm(estimates, epsilon, rng):
    """Epsilon-greedy with ties between the best estimates broken at random, as the exercise asks."""
    estimates = np.asarray(estimates, dtype=float)
    if rng.random() < epsilon:
        return int(rng.integers(len(estimates)))
    return int(rng.choice(np.flatnonzero(estimates == estimates.max())))


def test_epsilon_greedy_on_the_global_generator_is_refused():
    def choose(estimates, epsilon, rng):
        if np.random.random() < epsilon:
            return int(np.random.randint(len(estimates)))
        return int(np.argmax(estimates))

    outcome = RL.epsilon_greedy.evaluate(choose)
    assert outcome.status == INCORRECT and "seeded alike" in outcome.message


def test_epsilon_greedy_on_python_random_is_refused():
    import random

    def choose(estimates, epsilon, rng):
        if random.random() < epsilon:
            return random.randrange(len(estimates))
        return int(np.argmax(estimates))

    assert status(RL.epsilon_greedy, choose) == INCORRECT


def test_an_arm_returned_as_an_integral_float_or_numpy_integer_is_accepted():
    assert status(RL.epsilon_greedy, _choose_arm) == PASSED
    assert status(RL.epsilon_greedy, lambda e, eps, rng: float(_choose_arm(e, eps, rng))) == PASSED
    assert status(RL.epsilon_greedy, lambda e, eps, rng: np.int64(_choose_arm(e, eps, rng))) == PASSED
    outcome = RL.epsilon_greedy.evaluate(lambda e, eps, rng: _choose_arm(e, eps, rng) + 0.5)
    assert outcome.status == INCORRECT and "whole number" in outcome.message


def test_an_expected_sarsa_target_as_a_numpy_number_or_a_one_value_array_is_accepted():
    def target(Q, reward, next_state, terminated, epsilon, gamma):   # written out: the check withholds the kit's
        if terminated:
            return reward
        values = Q[next_state]
        best = values == values.max()
        return reward + gamma * (epsilon / len(values) + (1 - epsilon) * best / best.sum()) @ values

    assert status(RL.expected_sarsa, target) == PASSED
    assert status(RL.expected_sarsa, lambda *a: np.float32(target(*a))) == PASSED
    assert status(RL.expected_sarsa, lambda *a: np.array(target(*a))) == PASSED
    one_value = RL.expected_sarsa.evaluate(lambda *a: np.array([target(*a)]))
    assert one_value.status == INCORRECT and "one value (shape (1,))" in one_value.message and ".item()" in one_value.message
    assert status(RL.expected_sarsa, lambda *a: target(*a) + 0.01) == INCORRECT


def _first_visit_values(episodes, n_states, gamma):
    """First-visit Monte Carlo written out: the check withholds the kit's rl.mc_values and rl.mc_returns."""
    sums, counts = np.zeros(n_states), np.zeros(n_states)
    for states, rewards in episodes:
        returns, following = np.zeros(len(rewards)), 0.0
        for t in reversed(range(len(rewards))):
            following = rewards[t] + gamma * following
            returns[t] = following
        seen = set()
        for t, s in enumerate(states):
            if s not in seen:
                seen.add(s)
                sums[s] += returns[t]
                counts[s] += 1
    return sums / np.maximum(counts, 1)


def test_first_visit_values_as_a_column_vector_a_list_or_float32_are_accepted():
    values = _first_visit_values
    assert status(RL.first_visit, lambda e, n, g: values(e, n, g).reshape(-1, 1)) == PASSED
    assert status(RL.first_visit, lambda e, n, g: values(e, n, g).tolist()) == PASSED
    assert status(RL.first_visit, lambda e, n, g: values(e, n, g).astype(np.float32)) == PASSED
    assert status(RL.first_visit, lambda e, n, g: values(e, n, g)[::-1]) == INCORRECT


@pytest.fixture(scope="module")
def trained_policy():
    import gymnasium as gym

    from mlkit.topics import reinforcement as rl

    run = rl.q_learning(gym.make("FrozenLake-v1", is_slippery=False), episodes=2000, gamma=0.9, seed=0)
    return run.Q


@pytest.mark.parametrize(
    "form",
    [lambda p: p.astype(float), lambda p: p.reshape(-1, 1), lambda p: p.tolist(), lambda p: p.astype(np.int32)],
    ids=["integral floats", "column vector", "list", "int32"],
)
def test_a_policy_as_integral_floats_or_a_column_vector_is_accepted(trained_policy, form):
    assert status(RL.policy, form(trained_policy.argmax(axis=1))) == PASSED


def test_a_q_table_given_as_the_policy_is_refused_cleanly(trained_policy):
    outcome = RL.policy.evaluate(trained_policy)
    assert outcome.status == INCORRECT and "one action per state" in outcome.message
    outcome = RL.policy.evaluate(trained_policy.argmax(axis=1) + 0.5)
    assert outcome.status == INCORRECT and "whole numbers" in outcome.message


# --- neural networks ---------------------------------------------------------------------------------

NEURAL = exercises("neural-networks")


def _fitted(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


def test_an_mlp_fitted_on_the_test_split_is_refused():
    from sklearn.neural_network import MLPClassifier

    from mlkit.course.checks.units import neural_networks as unit

    _, X_test, _, y_test = unit._split()
    for model in (unit._solution_mlp(), MLPClassifier(early_stopping=True, random_state=0)):
        outcome = NEURAL.mlp.evaluate(_fitted(model, X_test, y_test))
        assert outcome.status == INCORRECT and "`X_test`" in outcome.message and "Correct" not in str(outcome)


def test_an_mlp_fitted_on_other_data_of_the_training_size_is_refused():
    from sklearn.neural_network import MLPClassifier

    from mlkit.course.checks.units import neural_networks as unit

    X_train, _, y_train, _ = unit._split()
    model = _fitted(MLPClassifier(solver="lbfgs", max_iter=500, random_state=0), X_train / 16, y_train)
    outcome = NEURAL.mlp.evaluate(model)
    assert outcome.status == INCORRECT and "not fitted on them" in outcome.message


def test_an_mlp_that_stops_before_converging_is_refused():
    from mlkit.course.checks.units import neural_networks as unit

    X_train, _, y_train, _ = unit._split()
    outcome = NEURAL.mlp.evaluate(_fitted(unit._solution_mlp(max_iter=20), X_train, y_train))
    assert outcome.status == INCORRECT and "ConvergenceWarning" in outcome.message


def test_an_mlp_check_sees_the_convergence_warning_even_when_warnings_are_ignored():
    from mlkit.course.checks.units import neural_networks as unit

    X_train, _, y_train, _ = unit._split()
    model = _fitted(unit._solution_mlp(max_iter=20), X_train, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert status(NEURAL.mlp, model) == INCORRECT


@pytest.mark.parametrize("seed", [None, 1])
def test_an_mlp_without_the_random_state_asked_for_is_refused(seed):
    from mlkit.course.checks.units import neural_networks as unit

    X_train, _, y_train, _ = unit._split()
    outcome = NEURAL.mlp.evaluate(_fitted(unit._solution_mlp(random_state=seed), X_train, y_train))
    assert outcome.status == INCORRECT and "random_state" in outcome.message


@pytest.mark.parametrize(
    ("change", "named"),
    [({"hidden_layer_sizes": (32,)}, "hidden_layer_sizes"), ({"learning_rate_init": 0.001}, "learning_rate_init"),
     ({"early_stopping": False}, "early_stopping")],
    ids=["hidden layer", "learning rate", "early stopping"],
)
def test_an_mlp_with_other_settings_than_asked_is_refused_naming_the_setting(change, named):
    from mlkit.course.checks.units import neural_networks as unit

    X_train, _, y_train, _ = unit._split()
    outcome = NEURAL.mlp.evaluate(_fitted(unit._solution_mlp(**change), X_train, y_train))
    assert outcome.status == INCORRECT and named in outcome.message


def test_an_mlp_with_the_hidden_layer_given_as_a_number_is_accepted():
    from mlkit.course.checks.units import neural_networks as unit

    X_train, _, y_train, _ = unit._split()
    assert status(NEURAL.mlp, _fitted(unit._solution_mlp(hidden_layer_sizes=64), X_train, y_train)) == PASSED


def test_the_mlp_asked_for_passes_and_is_scored_on_images_its_copy_never_saw():
    from mlkit.course.checks.units import neural_networks as unit

    X_train, _, y_train, _ = unit._split()
    outcome = NEURAL.mlp.evaluate(_fitted(unit._solution_mlp(), X_train, y_train))
    assert outcome.status == PASSED and "test accuracy" in outcome.message


# --- odd values stay clean in the checks changed here ----------------------------------------------------


@pytest.mark.parametrize(
    "exercise",
    [CLASSIFICATION.confusion, CLUSTERING.kmeans, CLUSTERING.choose_k, RL.policy, ANALYSIS.clusters],
    ids=lambda e: e.id,
)
@pytest.mark.parametrize("value", [None, "text", float("nan"), np.array([]), np.zeros((2, 2))], ids=repr)
def test_odd_values_get_a_message_not_an_error(exercise, value):
    import inspect

    arity = len(inspect.signature(exercise.check_function).parameters)
    outcome = exercise.evaluate(*[value] * arity)
    assert outcome.status in (INCORRECT, NOT_ATTEMPTED) and outcome.message
    assert outcome.status != ERROR


@pytest.mark.parametrize("xlabel", ["Body mass [g]", "body mass (g)", "Body mass in grams", "body mass, g"])
def test_an_axis_unit_spelled_another_way_is_accepted(xlabel):
    from mlkit.course.checks import exercises
    from mlkit.course.checks.units.analysis_visualisation import _figure, _names_unit

    fig = _figure()
    fig.axes[0].set_xlabel(xlabel)
    assert exercises("analysis-visualisation").figure.evaluate(fig).status == "passed"
    fig.axes[0].set_xlabel("body mass")
    assert exercises("analysis-visualisation").figure.evaluate(fig).status == "incorrect"
    assert not _names_unit("bill length", "mm")
