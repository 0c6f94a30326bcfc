"""Wrong answers a learner would write that a review found passing, each now refused.

Each test is named for the kind of fault: an answer that ignores the generator it is given, a
rule that takes the first match instead of the best, a scaler that does not standardise, a
scoring other than the one asked for, a tokeniser whose idea of a letter is wider than asked.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from mlkit.course.checks import exercises


def test_a_bootstrap_that_ignores_the_generator_with_a_normal_formula_is_refused():
    def bootstrap_ci(values, n_resamples, rng):
        half = 1.96 * np.std(values, ddof=1) / np.sqrt(len(values))
        return (values.mean() - half, values.mean() + half)

    outcome = exercises("probability-statistics").bootstrap.evaluate(bootstrap_ci)
    assert outcome.status == "incorrect" and "differently seeded generators" in outcome.message


def test_a_bootstrap_drawing_from_the_global_generator_is_refused():
    def bootstrap_ci(values, n_resamples, rng):
        means = [np.random.choice(values, len(values)).mean() for _ in range(n_resamples)]
        return tuple(np.percentile(means, [2.5, 97.5]))

    outcome = exercises("probability-statistics").bootstrap.evaluate(bootstrap_ci)
    assert outcome.status == "incorrect" and "equally seeded generators" in outcome.message


def test_a_router_that_takes_the_first_queue_over_the_threshold_is_refused():
    def choose_queue(probabilities, classes, threshold):
        for probability, queue in zip(probabilities, classes):
            if probability >= threshold:
                return queue
        return "human review"

    outcome = exercises("automation").decide.evaluate(choose_queue)
    assert outcome.status == "incorrect" and "not the most probable one" in outcome.message


@pytest.mark.parametrize("scaler", ["minmax", "centre only"])
def test_a_ridge_pipeline_that_does_not_standardise_is_refused(scaler):
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    step = MinMaxScaler() if scaler == "minmax" else StandardScaler(with_std=False)
    outcome = exercises("regression-model-selection").ridge.evaluate(make_pipeline(step, Ridge(alpha=10)))
    assert outcome.status == "incorrect" and "standardis" in outcome.message


def _search(pipeline_steps, scoring):
    from sklearn.model_selection import GridSearchCV

    from mlkit.course.checks.units.regression_model_selection import _split

    X_dev, X_test, y_dev, y_test = _split()
    from sklearn.pipeline import make_pipeline

    search = GridSearchCV(make_pipeline(*pipeline_steps), {"ridge__alpha": [0.1, 1.0, 10.0]}, cv=5, scoring=scoring)
    search.fit(X_dev, y_dev)
    rmse = float(np.sqrt(np.mean((search.predict(X_test) - y_test) ** 2)))
    return search, rmse


def test_a_search_without_a_scaler_or_with_another_scoring_is_refused():
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    ex = exercises("regression-model-selection")
    right = _search([StandardScaler(), Ridge()], "neg_root_mean_squared_error")
    assert ex.search.evaluate(*right).status == "passed"
    unscaled = _search([Ridge()], "neg_root_mean_squared_error")
    assert ex.search.evaluate(*unscaled).status == "incorrect"
    mse = _search([StandardScaler(), Ridge()], "neg_mean_squared_error")
    outcome = ex.search.evaluate(*mse)
    assert outcome.status == "incorrect" and "neg_mean_squared_error" in outcome.message


@pytest.mark.parametrize("pattern", [r"\w+", r"[a-z0-9']+"])
def test_a_tokeniser_wider_than_the_rules_is_refused(pattern):
    outcome = exercises("nlp").tokenise_num.evaluate(lambda text: re.findall(pattern, text.lower()))
    assert outcome.status == "incorrect", outcome.message
