"""Exercises of unit 04, probability and statistics (``solutions/04_probability_statistics.ipynb``).

Data: the Palmer penguins of the ``palmerpenguins`` package (CC0), loaded by
the checks themselves. Checks of simulations accept any correct simulation:
they compare with the theory or with a long reference run, within a tolerance
wider than the simulation's own noise, so a learner's own random draws pass.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

import math
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import FLOAT32_RTOL, as_vector, expect_choice, expect_close, expect_number, refuse_rounded
from mlkit.course.checks.kinds import tolerance_for as _rtol

EXERCISES = ExerciseSet("probability-statistics", "Probability and statistics")

ROLLS = 10_000
PERMUTATIONS = 5000
RESAMPLES = 2000
PRECISE_RESAMPLES = 8000  # an interval that is not the reference's is run again with this many resamples
PERCENTILE_TOLERANCE = 0.7  # percentiles; 8,000 resamples place an end within about 0.2 of its own


# --- shared data (loaded once, only when a check runs) -----------------------------


@lru_cache(maxsize=1)
def _penguins():
    from palmerpenguins import load_penguins

    return load_penguins().dropna(subset=["body_mass_g", "flipper_length_mm", "sex"])


def _column(species: str, column: str, **where):
    frame = _penguins()
    frame = frame[frame["species"] == species]
    for key, value in where.items():
        frame = frame[frame[key] == value]
    return frame[column].to_numpy(dtype=float)


def _permutation_p(a, b, n_permutations, rng) -> float:
    import numpy as np

    observed = b.mean() - a.mean()
    pooled = np.concatenate([a, b])
    differences = np.empty(n_permutations)
    for i in range(n_permutations):
        shuffled = rng.permutation(pooled)
        differences[i] = shuffled[len(a):].mean() - shuffled[: len(a)].mean()
    return float(np.mean(np.abs(differences) >= abs(observed)))


@lru_cache(maxsize=1)
def _reference_p() -> float:
    import numpy as np

    a = _column("Gentoo", "body_mass_g", year=2008)
    b = _column("Gentoo", "body_mass_g", year=2009)
    return _permutation_p(a, b, 20_000, np.random.default_rng(12345))


# --- 1. sampling: dice ----------------------------------------------------------------


@EXERCISES.exercise(
    "dice",
    title="Simulate dice rolls and summarise them",
    hints=(
        "`rng.integers(low, high, size=...)` draws whole numbers from `low` up to, but not including, `high`.",
        "A die shows 1 to 6, so `high` is 7. A comparison `rolls == 6` gives True/False per roll, and the mean "
        "of True/False values is the share of True.",
        "`rolls = rng.integers(1, 7, size=10_000)` and `share_six = np.mean(rolls == 6)`.",
    ),
)
def dice(rolls, share_six):
    import numpy as np

    rolls = as_vector(rolls, name="rolls", length=ROLLS, what=f"{ROLLS:,} rolls in a 1-D array")
    if not np.isfinite(rolls).all() or (rolls != np.round(rolls)).any():
        raise Incorrect("`rolls` holds numbers with decimals; a die shows whole numbers: use `rng.integers`.")
    rolls = rolls.astype(np.int64)  # 4.0 is the face 4: the values are judged, not the dtype
    faces = set(np.unique(rolls).tolist())
    if 0 in faces:
        raise Incorrect("some rolls show 0: a die shows 1 to 6. Check the lower bound of `rng.integers`.")
    if faces == {1, 2, 3, 4, 5}:
        raise Incorrect(
            "no roll shows a 6: the upper bound of `rng.integers` is exclusive, so `high` must be one more than "
            "the largest face."
        )
    if faces != {1, 2, 3, 4, 5, 6}:
        raise Incorrect("`rolls` should hold every face from 1 to 6, and nothing else.")
    counts = np.bincount(rolls, minlength=7)[1:]
    if np.abs(counts / ROLLS - 1 / 6).max() > 0.02:
        raise Incorrect("some faces come up far more often than others: the die should be fair.")
    value = expect_number(share_six, name="share_six")
    if value == counts[5]:
        raise Incorrect("`share_six` is the number of sixes; the share (a number between 0 and 1) is asked for.")
    expect_close(share_six, counts[5] / ROLLS, name="share_six", rtol=1e-9)
    return f"a share of {value:.4f} sixes, close to 1/6 = {1 / 6:.4f}, as the law of large numbers promises."


@dice.wrong_answer
def dice_off_by_one():
    import numpy as np

    rolls = np.random.default_rng(0).integers(1, 6, size=ROLLS)
    return Answer.of(rolls, np.mean(rolls == 6))


@dice.wrong_answer
def dice_from_zero():
    import numpy as np

    rolls = np.random.default_rng(0).integers(0, 6, size=ROLLS)
    return Answer.of(rolls, np.mean(rolls == 6))


@dice.wrong_answer
def dice_count_not_share():
    import numpy as np

    rolls = np.random.default_rng(0).integers(1, 7, size=ROLLS)
    return Answer.of(rolls, int(np.sum(rolls == 6)))


# --- 2. Bayes' rule -----------------------------------------------------------------

_BAYES_CASES = ((0.01, 0.9, 0.95), (0.2, 0.8, 0.9), (0.001, 0.99, 0.99), (0.5, 0.7, 0.6))


def _posterior(prevalence, sensitivity, specificity) -> float:
    hit = sensitivity * prevalence
    return hit / (hit + (1 - specificity) * (1 - prevalence))


@EXERCISES.exercise(
    "bayes",
    title="Apply Bayes' rule to a diagnostic test",
    hints=(
        "Among all the people who test positive, what share is sick? Count two groups: sick people who test "
        "positive, and healthy people who test positive.",
        "Sick and positive: `sensitivity * prevalence`. Healthy and positive: `(1 - specificity) * (1 - prevalence)`.",
        "`return sensitivity * prevalence / (sensitivity * prevalence + (1 - specificity) * (1 - prevalence))`",
    ),
)
def bayes(posterior):
    if not callable(posterior):
        raise Incorrect(f"`posterior` should be a function, but it is a {type(posterior).__name__}.")
    for prevalence, sensitivity, specificity in _BAYES_CASES:
        shown = f"posterior({prevalence}, {sensitivity}, {specificity})"
        result = call_learner(posterior, prevalence, sensitivity, specificity)
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        value = expect_number(result, name=shown)
        expected = _posterior(prevalence, sensitivity, specificity)
        if math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-12):
            continue
        if math.isclose(value, sensitivity, rel_tol=1e-9):
            raise Incorrect(
                f"`{shown}` returned the sensitivity, the chance of a positive test *given* the disease. The question "
                "is the reverse: the chance of the disease given a positive test, which depends on the prevalence."
            )
        if math.isclose(value, sensitivity * prevalence / (sensitivity * prevalence + specificity * (1 - prevalence)), rel_tol=1e-9):
            raise Incorrect(
                f"`{shown}` uses the specificity as the healthy people's chance of testing positive; specificity is "
                "their chance of testing *negative*."
            )
        if math.isclose(value, sensitivity / (sensitivity + 1 - specificity), rel_tol=1e-9):
            raise Incorrect(
                f"`{shown}` ignores the prevalence: it weighs sick and healthy people as if they were equally "
                "common. Multiply each chance of a positive test by the share of people it applies to."
            )
        if not 0 <= value <= 1:
            raise Incorrect(f"`{shown}` returned {value:.4g}, which is not a probability (between 0 and 1).")
        raise Incorrect(f"`{shown}` returned {value:.4g}, which is not the probability of the disease given a positive test.")
    return "for a rare disease, most positives are false even with an accurate test."


@bayes.wrong_answer
def bayes_sensitivity():
    def posterior(prevalence, sensitivity, specificity):
        return sensitivity

    return Answer.of(posterior)


@bayes.wrong_answer
def bayes_specificity_as_false_positive_rate():
    def posterior(prevalence, sensitivity, specificity):
        hit = sensitivity * prevalence
        return hit / (hit + specificity * (1 - prevalence))

    return Answer.of(posterior)


@bayes.wrong_answer
def bayes_without_prevalence():
    def posterior(prevalence, sensitivity, specificity):
        return sensitivity / (sensitivity + (1 - specificity))

    return Answer.of(posterior)


@bayes.secret_values
def bayes_secrets():
    return [f"{_posterior(*case):.4g}" for case in _BAYES_CASES]


# --- 3. bootstrap confidence interval -----------------------------------------------


@EXERCISES.exercise(
    "bootstrap",
    title="Compute a bootstrap confidence interval",
    hints=(
        "Repeat `n_resamples` times: draw a resample of the same size as `values`, with replacement, and keep "
        "its mean. Then look at where the middle 95% of those means lie.",
        "`rng.choice(values, size=len(values), replace=True)` draws one resample; `np.percentile(means, [2.5, 97.5])` "
        "gives the two ends of the interval.",
        "`means = [rng.choice(values, size=len(values), replace=True).mean() for _ in range(n_resamples)]`, "
        "then `low, high = np.percentile(means, [2.5, 97.5])` and `return low, high`.",
    ),
)
def bootstrap(bootstrap_ci):
    import numpy as np

    if not callable(bootstrap_ci):
        raise Incorrect(f"`bootstrap_ci` should be a function, but it is a {type(bootstrap_ci).__name__}.")
    intervals = {}
    for species in ("Gentoo", "Chinstrap"):
        values = _column(species, "body_mass_g")
        result = call_learner(bootstrap_ci, values.copy(), RESAMPLES, np.random.default_rng(7))
        shown = f"the interval for the {species} masses"
        low, high = intervals[species] = _interval(result)
        if not low <= high:
            raise Incorrect(f"in {shown}, the low end is above the high end.")
        mean = values.mean()
        width = high - low
        expected = 2 * 1.96 * values.std(ddof=1) / math.sqrt(len(values))
        if width < 1e-9:
            raise Incorrect(
                f"{shown} has no width: every resample has the same mean. Are the resamples drawn with replacement?"
            )
        if not low < mean < high:
            raise Incorrect(f"{shown} does not contain the sample mean; it should be centred near it.")
        if width > 4 * expected:
            raise Incorrect(
                f"{shown} is as wide as the spread of the penguins themselves: it describes where individual masses "
                "lie, not where the *mean* could lie. Take percentiles of the resampled means."
            )
        if not 0.88 * expected < width < 1.12 * expected:
            raise Incorrect(
                f"{shown} is too {'narrow' if width < expected else 'wide'} for a 95% interval of the mean: check the "
                "percentiles and that each resample has as many values as the data."
            )
    _expect_resampling_with_rng(bootstrap_ci)
    # Where each end lies in the distribution of resampled means: the 2.5th and 97.5th percentiles. Most
    # right answers draw the same random numbers as the reference and give its interval exactly; any
    # other is run again with more resamples and placed in a long reference run of resampled means.
    low, high = intervals["Gentoo"]
    reference = _canonical_interval("Gentoo", RESAMPLES, 7)
    rtol = max(1e-9, FLOAT32_RTOL)
    if not (math.isclose(low, reference[0], rel_tol=rtol) and math.isclose(high, reference[1], rel_tol=rtol)):
        values = _column("Gentoo", "body_mass_g")
        result = call_learner(bootstrap_ci, values.copy(), PRECISE_RESAMPLES, np.random.default_rng(8))
        means = _resampled_means("Gentoo")
        low, high = _interval(result)
        for end, value, wanted in (("low", low, 2.5), ("high", high, 97.5)):
            level = 100 * np.searchsorted(means, value) / len(means)
            if abs(level - wanted) > PERCENTILE_TOLERANCE:
                raise Incorrect(
                    f"with {PRECISE_RESAMPLES:,} resamples of the Gentoo masses, the {end} end of the interval lies "
                    f"at percentile {level:.1f} of the resampled means; a 95% percentile interval runs from "
                    "percentile 2.5 to percentile 97.5, leaving 2.5% of the means on each side."
                )
    return "the interval matches the normal-theory interval for a mean, and works for any statistic."


def _expect_resampling_with_rng(bootstrap_ci) -> None:
    """Equally seeded generators give the same interval, differently seeded ones another.

    An interval that ignores ``rng`` (a normal-theory formula, NumPy's global generator) fails one
    of the two: the exercise is to resample, with the generator given.
    """
    import numpy as np

    values = _column("Gentoo", "body_mass_g")
    first, again, other = (
        _interval(call_learner(bootstrap_ci, values.copy(), RESAMPLES, np.random.default_rng(seed))) for seed in (11, 11, 12)
    )
    if first != again:
        raise Incorrect(
            "two calls with equally seeded generators gave different intervals: draw every resample with `rng`, "
            "not with NumPy's global generator (`np.random...`)."
        )
    if first == other:
        raise Incorrect(
            "calls with differently seeded generators gave exactly the same interval, so the resamples do not come "
            "from `rng`: draw each resample with `rng` and take percentiles of the resampled means."
        )


def _interval(result) -> tuple[float, float]:
    """``(low, high)`` from what ``bootstrap_ci`` returned: a tuple, a list or an array of two numbers."""
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        low, high = (float(v) for v in np.asarray(result, dtype=float).ravel())
    except (TypeError, ValueError):
        raise Incorrect("`bootstrap_ci` should return two numbers, the low and the high end of the interval.") from None
    return low, high


@lru_cache(maxsize=4)
def _canonical_interval(species: str, n_resamples: int, seed: int) -> tuple[float, float]:
    """The interval of the worked solution, from the same random numbers (``rng.choice`` draws by row)."""
    import numpy as np

    values = _column(species, "body_mass_g")
    rng = np.random.default_rng(seed)
    means = rng.choice(values, size=(n_resamples, len(values)), replace=True).mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


@lru_cache(maxsize=2)
def _resampled_means(species: str):
    """The sorted means of 200,000 resamples: the bootstrap distribution of the mean, closely."""
    import numpy as np

    values = _column(species, "body_mass_g")
    rng = np.random.default_rng(2024)
    chunks = [values[rng.integers(0, len(values), (10_000, len(values)))].mean(axis=1) for _ in range(20)]
    return np.sort(np.concatenate(chunks))


@bootstrap.wrong_answer
def bootstrap_without_replacement():
    import numpy as np

    def bootstrap_ci(values, n_resamples, rng):
        means = [rng.choice(values, size=len(values), replace=False).mean() for _ in range(n_resamples)]
        return tuple(np.percentile(means, [2.5, 97.5]))

    return Answer.of(bootstrap_ci)


@bootstrap.wrong_answer
def bootstrap_normal_theory_without_resampling():
    import numpy as np

    def bootstrap_ci(values, n_resamples, rng):
        half = 1.96 * np.std(values, ddof=1) / np.sqrt(len(values))
        return (values.mean() - half, values.mean() + half)

    return Answer.of(bootstrap_ci)


@bootstrap.wrong_answer
def bootstrap_with_the_global_generator():
    import numpy as np

    def bootstrap_ci(values, n_resamples, rng):
        means = [np.random.choice(values, len(values)).mean() for _ in range(n_resamples)]
        return tuple(np.percentile(means, [2.5, 97.5]))

    return Answer.of(bootstrap_ci)


@bootstrap.wrong_answer
def bootstrap_percentiles_of_the_data():
    import numpy as np

    def bootstrap_ci(values, n_resamples, rng):
        return tuple(np.percentile(values, [2.5, 97.5]))

    return Answer.of(bootstrap_ci)


@bootstrap.wrong_answer
def bootstrap_lopsided_percentiles():
    import numpy as np

    def bootstrap_ci(values, n_resamples, rng):
        means = [rng.choice(values, size=len(values), replace=True).mean() for _ in range(n_resamples)]
        return tuple(np.percentile(means, [1.25, 97.5]))

    return Answer.of(bootstrap_ci)


@bootstrap.wrong_answer
def bootstrap_ninety_percent():
    import numpy as np

    def bootstrap_ci(values, n_resamples, rng):
        means = [rng.choice(values, size=len(values), replace=True).mean() for _ in range(n_resamples)]
        return tuple(np.percentile(means, [5, 95]))

    return Answer.of(bootstrap_ci)


# --- 4. permutation test ------------------------------------------------------------


@EXERCISES.exercise(
    "permutation",
    title="Run a permutation test",
    hints=(
        "Pool the two groups. Shuffling the pooled values and splitting them again at the same sizes simulates "
        "'the group labels do not matter'.",
        "For each shuffle, compute the difference of the two groups' means. The p-value is the share of shuffles "
        "whose difference is at least as large, in absolute value, as the observed one (two-sided).",
        "Loop `n_permutations` times over `shuffled = rng.permutation(pooled)`, store "
        "`shuffled[len(a):].mean() - shuffled[:len(a)].mean()`, then "
        "`return np.mean(np.abs(differences) >= abs(observed))`.",
    ),
)
def permutation(permutation_p_value):
    import numpy as np

    if not callable(permutation_p_value):
        raise Incorrect(f"`permutation_p_value` should be a function, but it is a {type(permutation_p_value).__name__}.")
    a = _column("Gentoo", "body_mass_g", year=2008)
    b = _column("Gentoo", "body_mass_g", year=2009)
    result = call_learner(permutation_p_value, a.copy(), b.copy(), PERMUTATIONS, np.random.default_rng(3))
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    value = expect_number(result, name="permutation_p_value(...)")
    if not 0 <= value <= 1:
        raise Incorrect(f"the p-value is {value:.4g}; a p-value is a share of shuffles, between 0 and 1.")
    reference = _reference_p()
    tolerance = 0.03
    if abs(value - reference) > tolerance:
        if value > 0.99:
            raise Incorrect(
                "every shuffle gives a difference at least as large as the observed one: the shuffles do not mix "
                "the two groups. Pool them, shuffle the pooled values, then split at the original sizes."
            )
        if abs(value - reference / 2) <= tolerance:
            raise Incorrect(
                "the p-value looks one-sided: it counts only differences in one direction. Compare absolute "
                "values, so that a difference as large in the other direction counts too."
            )
        if abs(value - (1 - reference)) <= tolerance:
            raise Incorrect(
                "the p-value counts the shuffles with a *smaller* difference than observed; it should count those "
                "with a difference at least as large."
            )
        raise Incorrect(
            "on Gentoo body masses of 2008 against 2009, the p-value is too "
            f"{'high' if value > reference else 'low'} for a two-sided permutation test of the difference in means."
        )
    _varies_with_the_seed(permutation_p_value, a, b)
    males = _column("Adelie", "body_mass_g", sex="male")
    females = _column("Adelie", "body_mass_g", sex="female")
    strong = expect_number(
        call_learner(permutation_p_value, females.copy(), males.copy(), 1000, np.random.default_rng(4)),
        name="permutation_p_value(...)",
    )
    if strong > 0.01:
        raise Incorrect(
            "for male against female Adelie penguins, whose masses differ by about 700 g, the p-value should be "
            "close to 0; check that each shuffle is compared with the observed difference."
        )
    _counts_ties(permutation_p_value)
    return "the p-value is the share of label shuffles at least as extreme as the data."


def _varies_with_the_seed(permutation_p_value, a, b) -> None:
    """The p-value comes from shuffles drawn from ``rng``: the same seed, the same value; other seeds, others."""
    import numpy as np

    def p_value(seed):
        result = call_learner(permutation_p_value, a.copy(), b.copy(), 1000, np.random.default_rng(seed))
        return expect_number(result, name="permutation_p_value(...)")

    first, again, *others = (p_value(seed) for seed in (10, 10, 11, 12, 13))
    if first != again:
        raise Incorrect(
            "called twice with random generators seeded alike, `permutation_p_value` returned two different "
            "p-values: the shuffles should be drawn from its `rng` argument, so that a seed makes the result "
            "reproducible."
        )
    if all(other == first for other in others):
        raise Incorrect(
            "`permutation_p_value` returns the same p-value whatever the seed of its `rng`: a permutation "
            "p-value is a share of random shuffles, drawn from `rng`, and it varies a little from seed to seed."
        )


#: Two small groups of 0/1 values, where many shuffles give exactly the observed difference in means, and
#: the exact two-sided p-values with ties counted (>=) and not counted (>): 1 - C(6,3)²/C(12,6), 2·37/C(12,6).
_TIES = ((0.0, 0.0, 0.0, 0.0, 1.0, 1.0), (1.0, 1.0, 1.0, 1.0, 0.0, 0.0))
_TIES_P = 1 - 400 / 924
_TIES_P_STRICT = 74 / 924


def _counts_ties(permutation_p_value) -> None:
    import numpy as np

    a, b = (np.array(group) for group in _TIES)
    result = call_learner(permutation_p_value, a, b, 2000, np.random.default_rng(5))
    value = expect_number(result, name="permutation_p_value(...)")
    if abs(value - _TIES_P) <= 0.05:
        return
    if abs(value - _TIES_P_STRICT) <= 0.03:
        raise Incorrect(
            "on two groups of 0/1 values, where many shuffles give exactly the observed difference, the p-value "
            "is the share of shuffles with a strictly larger difference; 'at least as large' counts the differences "
            "equal to the observed one too."
        )
    raise Incorrect(
        "on two groups of six 0/1 values, the p-value is too "
        f"{'high' if value > _TIES_P else 'low'} for a two-sided permutation test of the difference in means."
    )


@permutation.wrong_answer
def permutation_one_sided():
    import numpy as np

    def permutation_p_value(a, b, n_permutations, rng):
        observed = b.mean() - a.mean()
        pooled = np.concatenate([a, b])
        diffs = []
        for _ in range(n_permutations):
            s = rng.permutation(pooled)
            diffs.append(s[len(a):].mean() - s[: len(a)].mean())
        return np.mean(np.array(diffs) >= observed)

    return Answer.of(permutation_p_value)


@permutation.wrong_answer
def permutation_smaller_differences():
    import numpy as np

    def permutation_p_value(a, b, n_permutations, rng):
        observed = b.mean() - a.mean()
        pooled = np.concatenate([a, b])
        diffs = []
        for _ in range(n_permutations):
            s = rng.permutation(pooled)
            diffs.append(s[len(a):].mean() - s[: len(a)].mean())
        return np.mean(np.abs(diffs) < abs(observed))

    return Answer.of(permutation_p_value)


@permutation.wrong_answer
def permutation_shuffles_within_groups():
    import numpy as np

    def permutation_p_value(a, b, n_permutations, rng):
        observed = b.mean() - a.mean()
        diffs = [rng.permutation(b).mean() - rng.permutation(a).mean() for _ in range(n_permutations)]
        return np.mean(np.abs(diffs) >= abs(observed))

    return Answer.of(permutation_p_value)


@permutation.wrong_answer
def permutation_t_test_without_shuffles():
    from scipy import stats

    def permutation_p_value(a, b, n_permutations, rng):
        return stats.ttest_ind(a, b, equal_var=False).pvalue

    return Answer.of(permutation_p_value)


@permutation.wrong_answer
def permutation_strictly_larger_differences():
    import numpy as np

    def permutation_p_value(a, b, n_permutations, rng):
        observed = b.mean() - a.mean()
        pooled = np.concatenate([a, b])
        diffs = []
        for _ in range(n_permutations):
            s = rng.permutation(pooled)
            diffs.append(s[len(a):].mean() - s[: len(a)].mean())
        return np.mean(np.abs(diffs) > abs(observed))

    return Answer.of(permutation_p_value)


@permutation.wrong_answer
def permutation_groups_split_one_off():
    import numpy as np

    def permutation_p_value(a, b, n_permutations, rng):
        observed = b.mean() - a.mean()
        pooled = np.concatenate([a, b])
        diffs = []
        for _ in range(n_permutations):
            s = rng.permutation(pooled)
            diffs.append(s[len(a) + 1 :].mean() - s[: len(a)].mean())
        return np.mean(np.abs(diffs) >= abs(observed))

    return Answer.of(permutation_p_value)


@permutation.secret_values
def permutation_secrets():
    return [f"{_reference_p():.3f}", f"{_reference_p():.2f}"]


# --- 5. maximum likelihood -----------------------------------------------------------


@EXERCISES.exercise(
    "mle",
    title="Fit a normal distribution by maximum likelihood",
    hints=(
        "For a normal distribution, the maximum-likelihood estimates have a closed form: the lesson's last "
        "section names them.",
        "The mean's estimate is the sample mean. The standard deviation's divides by n, not n - 1.",
        "`mu_hat = flippers.mean()` and `sigma_hat = flippers.std(ddof=0)` (the default of NumPy's `std`).",
    ),
)
def mle(mu_hat, sigma_hat):
    import numpy as np

    flippers = _column("Adelie", "flipper_length_mm")
    mu = expect_number(mu_hat, name="mu_hat")
    if not math.isclose(mu, flippers.mean(), rel_tol=_rtol(mu_hat, 1e-9)):
        if math.isclose(mu, float(np.median(flippers)), rel_tol=_rtol(mu_hat, 1e-9)):
            raise Incorrect("`mu_hat` is the median; the maximum-likelihood estimate of a normal's mean is another statistic.")
        refuse_rounded(mu, float(flippers.mean()), name="mu_hat")
        raise Incorrect("`mu_hat` is not the maximum-likelihood estimate of the mean of the Adelie flipper lengths.")
    sigma = expect_number(sigma_hat, name="sigma_hat")
    if math.isclose(sigma, flippers.std(ddof=1), rel_tol=_rtol(sigma_hat, 1e-9)):
        raise Incorrect(
            "`sigma_hat` divides by n - 1: that is the unbiased estimate of the variance, not the "
            "maximum-likelihood one."
        )
    if math.isclose(sigma, flippers.var(), rel_tol=1e-6):
        raise Incorrect("`sigma_hat` is a variance (in mm²); the standard deviation is its square root.")
    expect_close(sigma_hat, flippers.std(ddof=0), name="sigma_hat", rtol=1e-6)
    return "the sample mean and the standard deviation with n maximise the normal likelihood."


@mle.wrong_answer
def mle_unbiased_sigma():
    flippers = _column("Adelie", "flipper_length_mm")
    return Answer.of(flippers.mean(), flippers.std(ddof=1))


@mle.wrong_answer
def mle_variance():
    flippers = _column("Adelie", "flipper_length_mm")
    return Answer.of(flippers.mean(), flippers.var())


@mle.wrong_answer
def mle_median():
    import numpy as np

    flippers = _column("Adelie", "flipper_length_mm")
    return Answer.of(float(np.median(flippers)), flippers.std())


@mle.secret_values
def mle_secrets():
    flippers = _column("Adelie", "flipper_length_mm")
    return [f"{flippers.mean():.2f}", f"{flippers.std():.3f}"]


# --- 6. a judgement -----------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "a p-value is computed assuming there is no difference; it cannot be the probability of that "
    "assumption. It says how surprising the data would be if there were no difference.",
    "B": "a p-value says nothing about the size or importance of a difference: a tiny, useless difference "
    "becomes 'significant' with enough data. Look at the difference itself, with its confidence interval.",
    "D": "the chance that a result replicates depends on the true effect and the next sample's size; a "
    "p-value of 0.03 does not translate into a 97% chance of anything.",
}


@EXERCISES.exercise(
    "judgement",
    title="Interpret a p-value",
    hints=(
        "A permutation test shuffles labels to simulate a world in which the groups do not differ.",
        "The p-value is a share of those simulated shuffles. Which statement describes such a share?",
        "It is the chance, in a world without a difference, of a difference at least as large as the observed one.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="C", feedback=JUDGEMENT_FEEDBACK)
    return "a p-value measures surprise under 'no difference', not the truth of a hypothesis nor an effect's size."


@judgement.wrong_answer
def judgement_probability_of_null():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_importance():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_replication():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'C'", "Option C"]
