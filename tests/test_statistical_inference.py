"""Unit 05, statistical inference: the multiple-comparison helpers, the checks and the lesson's topics.

- ``mlkit.topics.inference``: Bonferroni and Holm agree with their textbook definitions, Holm
  rejects everything Bonferroni does, and bad input is refused with a one-line InputError.
- The checks accept right answers in other forms (float32, lists, arrays) and refuse the
  mistakes they name, with a message about that mistake and never the answer.
- The lesson's headings name every topic the unit teaches (the readiness quiz routes to them).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from mlkit.course.checks import exercises
from mlkit.errors import InputError
from mlkit.topics.inference import bonferroni_reject, holm_reject
from verdicts import passed, refused

ROOT = Path(__file__).resolve().parents[1]
UNIT = exercises("statistical-inference")
TOPICS = (
    "expectation", "variance", "covariance", "distributions", "Bayes' theorem", "law of large numbers",
    "central limit theorem", "maximum likelihood", "MAP", "confidence interval", "bootstrap", "t-test",
    "permutation test", "p-value", "multiple comparisons",
)


# --- the helpers -------------------------------------------------------------------------------


def _holm_by_definition(p, alpha):
    """Holm written as the textbook's loop: walk up the sorted p-values, stop at the first failure."""
    m = len(p)
    reject = [False] * m
    for rank, index in enumerate(sorted(range(m), key=lambda i: p[i])):
        if p[index] > alpha / (m - rank):
            break
        reject[index] = True
    return reject


@pytest.mark.parametrize("seed", range(20))
def test_holm_matches_its_definition_and_rejects_at_least_what_bonferroni_does(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 0.1, size=rng.integers(1, 15)) ** rng.uniform(1, 3)
    alpha = rng.choice([0.01, 0.05, 0.1])
    holm, bonferroni = holm_reject(p, alpha), bonferroni_reject(p, alpha)
    assert holm.tolist() == _holm_by_definition(p.tolist(), alpha)
    assert bonferroni.tolist() == [value <= alpha / len(p) for value in p]
    assert not (bonferroni & ~holm).any()


def test_the_helper_module_examples_hold():
    import doctest

    import mlkit.topics.inference as inference

    result = doctest.testmod(inference)
    assert result.attempted > 0 and result.failed == 0


def test_holm_stops_at_the_first_p_value_that_fails():
    # sorted: 0.001 <= 0.05/4, 0.02 > 0.05/3, so 0.024 (<= 0.05/2 on its own) is not rejected either
    assert holm_reject([0.02, 0.001, 0.024, 0.5], alpha=0.05).tolist() == [False, True, False, False]


@pytest.mark.parametrize(
    "p_values, alpha, words",
    [
        ([], 0.05, "non-empty"),
        ([0.2, 1.5], 0.05, "between 0 and 1"),
        ([0.2, float("nan")], 0.05, "between 0 and 1"),
        ([[0.1, 0.2]], 0.05, "1-D"),
        (["a", "b"], 0.05, "numbers"),
        ([0.1, 0.2], 1.0, "alpha"),
        ([0.1, 0.2], 0.0, "alpha"),
    ],
)
@pytest.mark.parametrize("correction", [holm_reject, bonferroni_reject])
def test_bad_p_values_or_levels_are_refused_with_a_one_line_message(correction, p_values, alpha, words):
    with pytest.raises(InputError, match=words) as raised:
        correction(p_values, alpha=alpha)
    assert "\n" not in str(raised.value)


# --- 1. variance algebra ---------------------------------------------------------------------


def test_variances_as_float32_or_numpy_numbers_are_accepted():
    assert passed(UNIT.variance.evaluate(np.float32(4.5**2 * 36), np.float64(30.0), np.float32(math.sqrt(1.2))))


def test_a_rounded_standard_deviation_of_the_mean_is_refused_as_rounded():
    assert refused(UNIT.variance.evaluate(4.5**2 * 36, 30.0, round(math.sqrt(1.2), 2)), "unrounded")


def test_a_variance_of_a_difference_with_the_covariance_added_is_refused():
    assert refused(UNIT.variance.evaluate(4.5**2 * 36, 36 + 9 + 15.0, math.sqrt(1.2)), "sign")


# --- 2. Bayes' theorem, result after result ----------------------------------------------------


def _posterior_after(prior, sensitivity, specificity, results):
    for positive in results:
        fault, no_fault = (sensitivity, 1 - specificity) if positive else (1 - sensitivity, specificity)
        prior = fault * prior / (fault * prior + no_fault * (1 - prior))
    return prior


def test_a_posterior_returned_as_float32_is_accepted():
    assert passed(UNIT.sequential.evaluate(lambda *args: np.float32(_posterior_after(*args))))


def test_a_posterior_that_ignores_negative_results_is_refused():
    def posterior_after(prior, sensitivity, specificity, results):
        return _posterior_after(prior, sensitivity, specificity, [r for r in results if r])

    assert refused(UNIT.sequential.evaluate(posterior_after), "negative results")


def test_a_posterior_that_does_not_return_the_prior_without_results_is_refused():
    def posterior_after(prior, sensitivity, specificity, results):
        return _posterior_after(prior, sensitivity, specificity, results) if results else 0.0

    assert refused(UNIT.sequential.evaluate(posterior_after), "prior")


# --- 3. Beta-Binomial ----------------------------------------------------------------------------


def _estimates(k, n, a, b):
    return k / n, (k + a - 1) / (n + a + b - 2), (k + a) / (n + a + b)


@pytest.mark.parametrize("form", [list, np.array, lambda t: np.array(t, dtype=np.float32)])
def test_the_three_estimates_as_a_list_or_an_array_are_accepted(form):
    assert passed(UNIT.beta_binomial.evaluate(lambda *args: form(_estimates(*args))))


def test_two_estimates_instead_of_three_are_refused_without_raising():
    assert refused(UNIT.beta_binomial.evaluate(lambda *args: _estimates(*args)[:2]), "three numbers")


# --- 4. the t interval -----------------------------------------------------------------------


def _t_interval(values, level):
    n = len(values)
    half = stats.t.ppf((1 + level) / 2, n - 1) * np.std(values, ddof=1) / np.sqrt(n)
    return np.mean(values) - half, np.mean(values) + half


@pytest.mark.parametrize("form", [list, np.array, lambda t: np.array(t, dtype=np.float32)])
def test_an_interval_as_a_list_or_a_float32_array_is_accepted(form):
    assert passed(UNIT.t_interval.evaluate(lambda values, level: form(_t_interval(values, level))))


def test_scipy_s_own_t_interval_is_accepted():
    def t_interval(values, level):
        return stats.t.interval(level, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))

    assert passed(UNIT.t_interval.evaluate(t_interval))


def test_an_interval_with_its_ends_reversed_is_refused():
    assert refused(UNIT.t_interval.evaluate(lambda values, level: _t_interval(values, level)[::-1]), "high end first")


def test_an_interval_centred_on_the_median_is_refused():
    def t_interval(values, level):
        low, high = _t_interval(values, level)
        shift = np.median(values) - np.mean(values)
        return low + shift, high + shift

    assert refused(UNIT.t_interval.evaluate(t_interval), "median")


# --- 5. adjusted p-values --------------------------------------------------------------------------


def _bonferroni(p):
    return np.minimum(1.0, len(p) * np.asarray(p))


def _holm(p):
    p = np.asarray(p)
    order = np.argsort(p)
    adjusted = np.empty(len(p))
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order]))
    return adjusted


def test_adjusted_p_values_as_lists_or_float32_are_accepted():
    as_list = lambda p: _bonferroni(p).tolist()  # noqa: E731
    as_float32 = lambda p: _holm(p).astype(np.float32)  # noqa: E731
    assert passed(UNIT.adjusted.evaluate(as_list, as_float32))


def test_holm_values_divided_instead_of_multiplied_are_refused():
    assert refused(UNIT.adjusted.evaluate(lambda p: np.asarray(p) / len(p), _holm), "divides")


def test_adjusted_values_agree_with_the_helpers_decisions():
    rng = np.random.default_rng(3)
    for _ in range(50):
        p = rng.uniform(0, 0.2, size=rng.integers(1, 12))
        assert np.array_equal(_holm(p) <= 0.05, holm_reject(p, 0.05))
        assert np.array_equal(_bonferroni(p) <= 0.05, bonferroni_reject(p, 0.05))


# --- 6. judgement ----------------------------------------------------------------------------------


@pytest.mark.parametrize("letter", ["b", " B "])
def test_the_right_letter_in_another_case_or_with_spaces_is_accepted(letter):
    assert passed(UNIT.judgement.evaluate(letter))


# --- the lesson ------------------------------------------------------------------------------------


def _headings(path: str) -> list[str]:
    cells = json.loads((ROOT / path).read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.findall(r"^#{2,3} (.+)$", text, re.M)


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_of_the_unit_is_named_in_a_heading_of_the_lesson(topic):
    headings = _headings("notebooks/05_statistical_inference.ipynb")
    assert any(topic.lower() in heading.lower() for heading in headings), headings
