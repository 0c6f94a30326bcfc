"""Unit 05, statistical inference: answers a learner might write, beyond the ones the checks name.

For every exercise: at least two plausible wrong answers that ``mlkit/course/checks/units/
statistical_inference.py`` does not list as mutants (each refused with a message about the
property that failed, never the answer) and right answers in unusual forms or by another
correct method (each accepted).
"""

from __future__ import annotations

import math
import numpy as np
import pytest
from scipy import optimize, stats

from mlkit.course.checks import exercises
from verdicts import passed, refused

UNIT = exercises("statistical-inference")

VAR_X, VAR_Y, COV_XY, COST, FIXED, DAYS = 36.0, 9.0, 7.5, 4.5, 250.0, 30
RIGHT_COST, RIGHT_NET, RIGHT_SD = COST**2 * VAR_X, VAR_X + VAR_Y - 2 * COV_XY, math.sqrt(VAR_X / DAYS)


# --- 1. variance algebra ---------------------------------------------------------------------

SECRETS_1 = (f"{RIGHT_COST:g}", f"{RIGHT_NET:g}", f"{RIGHT_SD:.3f}")


def test_a_variance_of_a_difference_with_the_covariance_counted_once_is_refused():
    outcome = UNIT.variance.evaluate(RIGHT_COST, VAR_X + VAR_Y - COV_XY, RIGHT_SD)
    assert refused(outcome, "var_net", "twice", hidden=SECRETS_1)


def test_the_standard_deviation_of_the_cost_instead_of_its_variance_is_refused():
    outcome = UNIT.variance.evaluate(COST * math.sqrt(VAR_X), RIGHT_NET, RIGHT_SD)
    assert refused(outcome, "var_cost", "standard deviation", hidden=SECRETS_1)


def test_a_standard_deviation_of_the_mean_with_n_minus_one_days_is_refused():
    outcome = UNIT.variance.evaluate(RIGHT_COST, RIGHT_NET, math.sqrt(VAR_X / (DAYS - 1)))
    assert refused(outcome, "sd_mean", hidden=SECRETS_1)


def test_variances_from_a_covariance_matrix_as_zero_dimensional_arrays_are_accepted():
    sigma = np.array([[VAR_X, COV_XY], [COV_XY, VAR_Y]])
    contrast = np.array([1.0, -1.0])
    var_net = contrast @ sigma @ contrast  # Var(wᵀZ) = wᵀΣw with w = (1, −1)
    assert passed(UNIT.variance.evaluate(np.array(RIGHT_COST), var_net, np.float32(np.sqrt(sigma[0, 0] / DAYS))))


# --- 2. Bayes' theorem, result after result ----------------------------------------------------


def _posterior(prior, sensitivity, specificity, results):
    for positive in results:
        fault, no_fault = (sensitivity, 1 - specificity) if positive else (1 - sensitivity, specificity)
        prior = fault * prior / (fault * prior + no_fault * (1 - prior))
    return prior


def test_likelihoods_multiplied_without_dividing_by_the_evidence_are_refused():
    def posterior_after(prior, sensitivity, specificity, results):
        value = prior
        for positive in results:
            value *= sensitivity if positive else 1 - sensitivity
        return value

    assert refused(UNIT.sequential.evaluate(posterior_after), "not the probability of the fault")


def test_a_posterior_from_the_last_result_only_is_refused():
    def posterior_after(prior, sensitivity, specificity, results):
        return _posterior(prior, sensitivity, specificity, results[-1:])

    assert refused(UNIT.sequential.evaluate(posterior_after), "posterior_after")


def test_posterior_odds_returned_instead_of_a_probability_are_refused():
    def posterior_after(prior, sensitivity, specificity, results):
        probability = _posterior(prior, sensitivity, specificity, results)
        return probability / (1 - probability)

    assert refused(UNIT.sequential.evaluate(posterior_after), "posterior_after")


def test_the_odds_form_with_likelihood_ratios_is_accepted():
    def posterior_after(prior, sensitivity, specificity, results):
        odds = prior / (1 - prior)
        for positive in results:
            odds *= sensitivity / (1 - specificity) if positive else (1 - sensitivity) / specificity
        return odds / (1 + odds)

    assert passed(UNIT.sequential.evaluate(posterior_after))


def test_a_recursive_posterior_returning_a_numpy_scalar_is_accepted():
    def posterior_after(prior, sensitivity, specificity, results):
        if len(results) == 0:
            return np.float64(prior)
        return posterior_after(_posterior(prior, sensitivity, specificity, results[:1]), sensitivity, specificity,
                               results[1:])

    assert passed(UNIT.sequential.evaluate(posterior_after))


# --- 3. Beta-Binomial ----------------------------------------------------------------------------


def test_a_map_estimate_with_the_posterior_mean_s_denominator_is_refused():
    def beta_binomial_estimates(k, n, a, b):
        return k / n, (k + a - 1) / (n + a + b), (k + a) / (n + a + b)

    assert refused(UNIT.beta_binomial.evaluate(beta_binomial_estimates), "MAP estimate")


def test_a_posterior_mean_with_the_map_s_denominator_is_refused():
    def beta_binomial_estimates(k, n, a, b):
        return k / n, (k + a - 1) / (n + a + b - 2), (k + a) / (n + a + b - 2)

    assert refused(UNIT.beta_binomial.evaluate(beta_binomial_estimates), "posterior mean")


def test_the_prior_mean_instead_of_the_posterior_mean_is_refused():
    def beta_binomial_estimates(k, n, a, b):
        return k / n, (k + a - 1) / (n + a + b - 2), a / (a + b)

    assert refused(UNIT.beta_binomial.evaluate(beta_binomial_estimates), "posterior mean")


def test_estimates_from_the_posterior_s_parameters_as_a_numpy_array_are_accepted():
    def beta_binomial_estimates(k, n, a, b):
        alpha, beta = a + k, b + n - k  # the posterior is Beta(alpha, beta)
        return np.array([k / n, (alpha - 1) / (alpha + beta - 2), stats.beta(alpha, beta).mean()])

    assert passed(UNIT.beta_binomial.evaluate(beta_binomial_estimates))


def test_a_map_found_by_a_numerical_optimiser_and_a_mean_from_scipy_are_accepted():
    def beta_binomial_estimates(k, n, a, b):
        posterior = stats.beta(a + k, b + n - k)
        # the peak of the log posterior, found numerically with the optimiser's default tolerance
        peak = optimize.minimize_scalar(lambda t: -posterior.logpdf(t), bounds=(0, 1), method="bounded")
        return k / n, peak.x, posterior.mean()

    assert passed(UNIT.beta_binomial.evaluate(beta_binomial_estimates))


# --- 4. the t interval -----------------------------------------------------------------------


def _half_width(values, level, spread):
    n = len(values)
    return stats.t.ppf((1 + level) / 2, n - 1) * spread / np.sqrt(n)


def test_an_interval_built_from_the_variance_instead_of_the_standard_deviation_is_refused():
    def t_interval(values, level):
        half = _half_width(values, level, np.var(values, ddof=1))
        return np.mean(values) - half, np.mean(values) + half

    assert refused(UNIT.t_interval.evaluate(t_interval), "t_interval")


def test_an_interval_with_the_quantile_at_one_minus_half_the_level_is_refused():
    def t_interval(values, level):
        n = len(values)
        half = stats.t.ppf(1 - level / 2, n - 1) * stats.sem(values)
        return np.mean(values) - half, np.mean(values) + half

    assert refused(UNIT.t_interval.evaluate(t_interval), "too narrow")


def test_an_interval_from_the_lower_tail_quantile_and_stats_sem_is_accepted():
    def t_interval(values, level):
        quantile = -stats.t.ppf((1 - level) / 2, df=len(values) - 1)  # the same quantile, by symmetry
        centre = float(np.sum(values) / len(values))
        return [centre - quantile * stats.sem(values), centre + quantile * stats.sem(values)]

    assert passed(UNIT.t_interval.evaluate(t_interval))


# --- 5. adjusted p-values --------------------------------------------------------------------------


def _bonferroni(p):
    return np.minimum(1.0, len(p) * np.asarray(p))


def _holm_loop(p):
    """Holm by its definition: the i-th smallest gets max over j <= i of min(1, (m - j) p_(j))."""
    m, order = len(p), sorted(range(len(p)), key=lambda i: p[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted


def test_a_step_up_running_minimum_instead_of_holm_s_running_maximum_is_refused():
    def hochberg_like(p):
        p = np.asarray(p)
        m, order = len(p), np.argsort(p)
        stepped = np.minimum.accumulate(((m - np.arange(m)) * p[order])[::-1])[::-1]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(1.0, stepped)
        return adjusted

    assert refused(UNIT.adjusted.evaluate(_bonferroni, hochberg_like), "holm_adjusted")


def test_a_running_maximum_taken_in_the_input_order_is_refused():
    def holm_adjusted(p):
        p = np.asarray(p)
        m, order = len(p), np.argsort(p)
        factors = np.empty(m)
        factors[order] = m - np.arange(m)
        return np.minimum(1.0, np.maximum.accumulate(factors * p))

    assert refused(UNIT.adjusted.evaluate(_bonferroni, holm_adjusted), "holm_adjusted")


def test_bonferroni_with_m_minus_one_tests_is_refused():
    assert refused(UNIT.adjusted.evaluate(lambda p: np.minimum(1.0, (len(p) - 1) * np.asarray(p)), _holm_loop),
                   "bonferroni_adjusted")


def test_holm_written_as_a_loop_returning_lists_and_a_clipped_bonferroni_are_accepted():
    clipped = lambda p: np.clip(len(p) * np.asarray(p), 0, 1).tolist()  # noqa: E731
    assert passed(UNIT.adjusted.evaluate(clipped, lambda p: _holm_loop(list(p))))


# --- 6. judgement ----------------------------------------------------------------------------------


@pytest.mark.parametrize("answer, words", [("E", "choose one of"), (2, "letters"), ("A", "Option A")])
def test_a_letter_that_is_no_option_a_number_or_a_wrong_option_is_refused(answer, words):
    assert refused(UNIT.judgement.evaluate(answer), words, hidden=("Option B", "correct"))


def test_the_right_letter_with_a_tab_and_a_newline_is_accepted():
    assert passed(UNIT.judgement.evaluate("\tb\n"))
