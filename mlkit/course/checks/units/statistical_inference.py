"""Exercises of unit 05, probability models and statistical inference (``solutions/05_statistical_inference.ipynb``).

The exercises use numbers and functions of their own, not the lesson's data: a shop's
orders for the variance algebra, a machine's fault test for Bayes' theorem, a spam rule's
flagging rate for the Beta-Binomial model. Functions are tried on inputs the learner does
not see: many random samples of skewed, shifted values at several sizes and confidence
levels for the t interval, and p-value lists with ties, caps and out-of-order values for
the adjusted p-values.

Each exercise is a check function decorated with ``EXERCISES.exercise``; below it, builders
of plausible wrong answers (``@<exercise>.wrong_answer``) and the values no failure message
may reveal (``@<exercise>.secret_values``). The test suite runs all three against the
solution notebook.
"""

from __future__ import annotations

import math

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import as_sequence, as_vector, expect_choice, expect_close, expect_number
from mlkit.course.checks.kinds import tolerance_for as _rtol

EXERCISES = ExerciseSet("statistical-inference", "Probability models and statistical inference")


def _returned(result):
    """What a learner's function returned; ``...`` means not attempted yet."""
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    return result


def _close(value: float, target: float, original, rtol: float = 1e-9) -> bool:
    return math.isclose(value, target, rel_tol=_rtol(original, rtol), abs_tol=1e-12)


def _scalar(value):
    """A 0-d NumPy array (``np.array(3.0)``, ``w @ S @ w`` on 0-d input) read as the number it holds."""
    if getattr(value, "shape", None) == () and hasattr(value, "dtype"):
        return value[()]
    return value


def _callable(function, name: str) -> None:
    if not callable(function):
        raise Incorrect(f"`{name}` should be a function, but it is a {type(function).__name__}.")


# --- 1. variance algebra ----------------------------------------------------------------

VAR_X, VAR_Y, COV_XY = 36.0, 9.0, 7.5
COST_PER_ORDER, FIXED_COST = 4.5, 250.0
DAYS = 30


def _variance_answers() -> tuple[float, float, float]:
    return COST_PER_ORDER**2 * VAR_X, VAR_X + VAR_Y - 2 * COV_XY, math.sqrt(VAR_X / DAYS)


@EXERCISES.exercise(
    "variance",
    title="Compute variances of transformed and combined quantities",
    hints=(
        "Three rules: scaling by a multiplies the variance by a squared, a shift leaves it alone; the variance of a "
        "difference involves the covariance; a mean of n independent values has a smaller variance than one value.",
        "Var(aX + b) = a²·Var(X); Var(X − Y) = Var(X) + Var(Y) − 2·Cov(X, Y); Var(mean of n) = Var(X)/n, and a "
        "standard deviation is the square root of a variance.",
        "`var_cost = cost_per_order**2 * var_x`, `var_net = var_x + var_y - 2 * cov_xy`, "
        "`sd_mean = np.sqrt(var_x / days)`.",
    ),
)
def variance(var_cost, var_net, sd_mean):
    cost, net, sd = _variance_answers()
    var_cost, var_net, sd_mean = _scalar(var_cost), _scalar(var_net), _scalar(sd_mean)
    value = expect_number(var_cost, name="var_cost")
    if not _close(value, cost, var_cost):
        if _close(value, COST_PER_ORDER * VAR_X, var_cost):
            raise Incorrect(
                "`var_cost` multiplies the variance by the cost per order itself; scaling a quantity by a factor "
                "scales its variance by the square of the factor."
            )
        if _close(value, COST_PER_ORDER * math.sqrt(VAR_X), var_cost):
            raise Incorrect(
                "`var_cost` is the standard deviation of the cost; the variance is asked for (the square of the "
                "standard deviation)."
            )
        if any(_close(value, cost + shift, var_cost) for shift in (FIXED_COST, FIXED_COST**2)):
            raise Incorrect(
                "`var_cost` includes the fixed cost; adding a constant moves every value by the same amount and "
                "leaves the variance unchanged."
            )
        expect_close(var_cost, cost, name="var_cost")
    value = expect_number(var_net, name="var_net")
    if not _close(value, net, var_net):
        if _close(value, VAR_X + VAR_Y, var_net):
            raise Incorrect("`var_net` leaves out the covariance: X and Y move together, so Var(X − Y) has a covariance term.")
        if _close(value, VAR_X - VAR_Y, var_net) or _close(value, VAR_X - VAR_Y - 2 * COV_XY, var_net):
            raise Incorrect(
                "`var_net` subtracts the variance of Y; the variances of a difference add, because −Y is as "
                "spread out as Y (Var(−Y) = (−1)²·Var(Y))."
            )
        if _close(value, VAR_X + VAR_Y - COV_XY, var_net) or _close(value, VAR_X + VAR_Y + COV_XY, var_net):
            raise Incorrect(
                "`var_net` counts the covariance once; in the variance of a sum or a difference it appears twice "
                "(2·Cov), once for each cross term of the square."
            )
        if _close(value, VAR_X + VAR_Y + 2 * COV_XY, var_net):
            raise Incorrect("`var_net` adds the covariance term; for a difference X − Y its sign is the other one.")
        expect_close(var_net, net, name="var_net")
    value = expect_number(sd_mean, name="sd_mean")
    if not _close(value, sd, sd_mean):
        if _close(value, VAR_X / DAYS, sd_mean):
            raise Incorrect("`sd_mean` is the variance of the mean; the standard deviation is asked for.")
        if _close(value, math.sqrt(VAR_X) / DAYS, sd_mean):
            raise Incorrect(
                "`sd_mean` divides the standard deviation by the number of days; it is the *variance* that is "
                "divided by n, so the standard deviation shrinks with the square root of n."
            )
        if _close(value, math.sqrt(VAR_X), sd_mean):
            raise Incorrect("`sd_mean` is the standard deviation of one day; the mean of many days varies less.")
        expect_close(sd_mean, sd, name="sd_mean")
    return "scaling squares, shifts vanish, covariances count, and means of n values vary √n times less."


@variance.wrong_answer
def variance_factor_not_squared():
    cost, net, sd = _variance_answers()
    return Answer.of(COST_PER_ORDER * VAR_X, net, sd)


@variance.wrong_answer
def variance_with_the_fixed_cost():
    cost, net, sd = _variance_answers()
    return Answer.of(cost + FIXED_COST, net, sd)


@variance.wrong_answer
def variance_without_covariance():
    cost, net, sd = _variance_answers()
    return Answer.of(cost, VAR_X + VAR_Y, sd)


@variance.wrong_answer
def variance_difference_subtracts_variances():
    cost, net, sd = _variance_answers()
    return Answer.of(cost, VAR_X - VAR_Y, sd)


@variance.wrong_answer
def variance_covariance_counted_once():
    cost, net, sd = _variance_answers()
    return Answer.of(cost, VAR_X + VAR_Y - COV_XY, sd)


@variance.wrong_answer
def variance_cost_standard_deviation():
    cost, net, sd = _variance_answers()
    return Answer.of(COST_PER_ORDER * math.sqrt(VAR_X), net, sd)


@variance.wrong_answer
def variance_sd_divided_by_n():
    cost, net, sd = _variance_answers()
    return Answer.of(cost, net, math.sqrt(VAR_X) / DAYS)


@variance.wrong_answer
def variance_of_the_mean_not_sd():
    cost, net, sd = _variance_answers()
    return Answer.of(cost, net, VAR_X / DAYS)


@variance.secret_values
def variance_secrets():
    cost, net, sd = _variance_answers()
    return [f"{cost:g}", f"{sd:.4f}", f"{sd:.3f}"]


# --- 2. Bayes' theorem, one result after another -------------------------------------------

_SEQUENTIAL_CASES = (
    (0.02, 0.9, 0.95, [True]),
    (0.02, 0.9, 0.95, [True, True]),
    (0.3, 0.8, 0.9, [True, False, True]),
    (0.1, 0.99, 0.7, [False]),
    (0.05, 0.85, 0.92, []),
    (0.5, 0.6, 0.75, [False, False, True, False]),
    (0.001, 0.95, 0.999, [True, True, False]),
)


def _likelihoods(positive: bool, sensitivity: float, specificity: float) -> tuple[float, float]:
    return (sensitivity, 1 - specificity) if positive else (1 - sensitivity, specificity)


def _sequential(prior, sensitivity, specificity, results, likelihoods=_likelihoods, chain=True) -> float:
    probability = prior
    for positive in results:
        start = probability if chain else prior
        fault, no_fault = likelihoods(positive, sensitivity, specificity)
        probability = fault * start / (fault * start + no_fault * (1 - start))
    return probability


def _swapped_negatives(positive, sensitivity, specificity):
    return (sensitivity, 1 - specificity) if positive else (specificity, 1 - sensitivity)


@EXERCISES.exercise(
    "sequential",
    title="Update a probability with Bayes' theorem, one test result after another",
    hints=(
        "Handle the results one at a time: Bayes' theorem gives the probability after one result, and that "
        "probability is the prior for the next one.",
        "A positive result has likelihood `sensitivity` if the fault is there and `1 - specificity` if not; a "
        "negative result has `1 - sensitivity` and `specificity`. Posterior = likelihood × prior / (sum of both "
        "likelihood × prior terms).",
        "Loop `for positive in results:`, pick the two likelihoods, then "
        "`probability = given_fault * probability / (given_fault * probability + given_no_fault * (1 - probability))`.",
    ),
)
def sequential(posterior_after):
    _callable(posterior_after, "posterior_after")
    for prior, sensitivity, specificity, results in _SEQUENTIAL_CASES:
        shown = f"posterior_after({prior}, {sensitivity}, {specificity}, {results})"
        result = _returned(call_learner(posterior_after, prior, sensitivity, specificity, list(results)))
        value = expect_number(result, name=shown)
        expected = _sequential(prior, sensitivity, specificity, results)
        if _close(value, expected, result, rtol=1e-7):
            continue
        if not results:
            raise Incorrect(f"`{shown}` should return the prior: with no results there is nothing to update.")
        if _close(value, _sequential(prior, sensitivity, specificity, [True] * len(results)), result, 1e-7):
            raise Incorrect(
                f"`{shown}` treats every result as positive; a negative result (`False`) is evidence against the fault."
            )
        if _close(value, _sequential(prior, sensitivity, specificity, [r for r in results if r]), result, 1e-7):
            raise Incorrect(f"`{shown}` ignores the negative results; they lower the probability of the fault.")
        if _close(value, _sequential(prior, sensitivity, specificity, results, chain=False), result, 1e-7):
            raise Incorrect(
                f"`{shown}` starts every update from the base rate; each result should update the probability "
                "left by the results before it."
            )
        if _close(value, _sequential(prior, sensitivity, specificity, results, _swapped_negatives), result, 1e-7):
            raise Incorrect(
                f"`{shown}` uses the wrong likelihoods for a negative result: a machine with the fault tests "
                "negative with probability 1 − sensitivity, one without it with probability specificity."
            )
        if not 0 <= value <= 1:
            raise Incorrect(f"`{shown}` returned {value:.4g}, which is not a probability (between 0 and 1).")
        raise Incorrect(f"`{shown}` returned {value:.4g}, which is not the probability of the fault given these results.")
    return "each posterior is the next prior: two positive tests say far more than one."


@sequential.wrong_answer
def sequential_every_result_positive():
    def posterior_after(prior, sensitivity, specificity, results):
        return _sequential(prior, sensitivity, specificity, [True] * len(results))

    return Answer.of(posterior_after)


@sequential.wrong_answer
def sequential_from_the_base_rate_each_time():
    def posterior_after(prior, sensitivity, specificity, results):
        return _sequential(prior, sensitivity, specificity, results, chain=False)

    return Answer.of(posterior_after)


@sequential.wrong_answer
def sequential_negative_likelihoods_swapped():
    def posterior_after(prior, sensitivity, specificity, results):
        return _sequential(prior, sensitivity, specificity, results, _swapped_negatives)

    return Answer.of(posterior_after)


@sequential.secret_values
def sequential_secrets():
    return [f"{_sequential(*case):.4g}" for case in _SEQUENTIAL_CASES if case[3]]


# --- 3. Beta-Binomial: maximum likelihood, MAP, posterior mean ---------------------------------

_BETA_CASES = ((7, 30, 2, 8), (0, 12, 1, 1), (45, 60, 5, 5), (3, 4, 2, 2), (18, 200, 3, 40), (5, 5, 1.5, 2.5))


# A MAP found by a numerical optimiser (scipy.optimize on the log posterior) is right to about 1e-6;
# every mistake named below is off by more than 1e-2 on these cases.
_BETA_RTOL = (1e-9, 1e-5, 1e-9)
_BETA_ATOL = (1e-12, 1e-5, 1e-12)


def _beta_estimates(k, n, a, b) -> tuple[float, float, float]:
    return k / n, (k + a - 1) / (n + a + b - 2), (k + a) / (n + a + b)


@EXERCISES.exercise(
    "beta_binomial",
    title="Estimate a rate by maximum likelihood, MAP and the posterior mean",
    hints=(
        "With a Beta(a, b) prior and k successes in n trials, the posterior is Beta(a + k, b + n − k). Maximum "
        "likelihood ignores the prior; MAP is where the posterior peaks; the posterior mean is its average.",
        "A Beta(α, β) distribution has its peak (mode) at (α − 1)/(α + β − 2) and its mean at α/(α + β); put in the "
        "posterior's α and β.",
        "`mle = successes / trials`, `map_estimate = (successes + a - 1) / (trials + a + b - 2)`, "
        "`posterior_mean = (successes + a) / (trials + a + b)`; return the three in that order.",
    ),
)
def beta_binomial(beta_binomial_estimates):
    _callable(beta_binomial_estimates, "beta_binomial_estimates")
    names = ("maximum-likelihood estimate", "MAP estimate", "posterior mean")
    for k, n, a, b in _BETA_CASES:
        shown = f"beta_binomial_estimates({k}, {n}, {a}, {b})"
        result = _returned(call_learner(beta_binomial_estimates, k, n, a, b))
        if hasattr(result, "tolist") and not isinstance(result, (tuple, list)):
            result = list(result.ravel()) if hasattr(result, "ravel") else result
        parts = as_sequence(result, name=shown, length=3, what="three numbers: the MLE, the MAP estimate and the posterior mean")
        values = [expect_number(v, name=shown) for v in parts]
        expected = _beta_estimates(k, n, a, b)
        if all(
            math.isclose(v, e, rel_tol=_rtol(p, rtol), abs_tol=atol)
            for v, e, p, rtol, atol in zip(values, expected, parts, _BETA_RTOL, _BETA_ATOL)
        ):
            continue
        mle, map_estimate, mean = expected
        if _close(values[1], mean, parts[1]) and _close(values[2], map_estimate, parts[2]) and map_estimate != mean:
            raise Incorrect(f"`{shown}`: the MAP estimate and the posterior mean are in each other's places.")
        swapped = _beta_estimates(k, n, b, a)
        if not _close(values[0], mle, parts[0]):
            if _close(values[0], map_estimate, parts[0]) or _close(values[0], mean, parts[0]):
                raise Incorrect(f"`{shown}`: the maximum-likelihood estimate uses the prior; it depends on the data alone.")
            raise Incorrect(f"`{shown}`: the first value is not the maximum-likelihood estimate of the rate.")
        if _close(values[1], swapped[1], parts[1]) or _close(values[2], swapped[2], parts[2]):
            raise Incorrect(f"`{shown}` counts `a` and `b` the wrong way round: `a` acts as prior successes, `b` as failures.")
        for index in (1, 2):
            if not math.isclose(values[index], expected[index], rel_tol=_rtol(parts[index], _BETA_RTOL[index]),
                                abs_tol=_BETA_ATOL[index]):
                if index == 1 and _close(values[1], mean, parts[1]):
                    raise Incorrect(f"`{shown}`: the MAP estimate is the posterior's peak (its mode), not its mean.")
                if index == 2 and _close(values[2], map_estimate, parts[2]):
                    raise Incorrect(f"`{shown}`: the posterior mean is the posterior's average, not its peak.")
                raise Incorrect(f"`{shown}`: the {names[index]} is not right.")
    return "MAP and the posterior mean sit between the prior's rate and k/n, closer to k/n as the data grow."


@beta_binomial.wrong_answer
def beta_binomial_map_is_the_mean():
    def beta_binomial_estimates(successes, trials, a, b):
        mean = (successes + a) / (trials + a + b)
        return successes / trials, mean, mean

    return Answer.of(beta_binomial_estimates)


@beta_binomial.wrong_answer
def beta_binomial_prior_swapped():
    def beta_binomial_estimates(successes, trials, a, b):
        return _beta_estimates(successes, trials, b, a)

    return Answer.of(beta_binomial_estimates)


@beta_binomial.wrong_answer
def beta_binomial_mle_with_prior():
    def beta_binomial_estimates(successes, trials, a, b):
        mle, map_estimate, mean = _beta_estimates(successes, trials, a, b)
        return map_estimate, map_estimate, mean

    return Answer.of(beta_binomial_estimates)


@beta_binomial.wrong_answer
def beta_binomial_map_and_mean_exchanged():
    def beta_binomial_estimates(successes, trials, a, b):
        mle, map_estimate, mean = _beta_estimates(successes, trials, a, b)
        return mle, mean, map_estimate

    return Answer.of(beta_binomial_estimates)


@beta_binomial.secret_values
def beta_binomial_secrets():
    return [f"{_beta_estimates(*case)[i]:.4g}" for case in _BETA_CASES[:1] for i in (1, 2)]


# --- 4. a t interval -------------------------------------------------------------------------


def _t_cases():
    """(values, level): skewed, shifted samples of many sizes, at several levels (fixed seed)."""
    import numpy as np

    rng = np.random.default_rng(505)
    cases = []
    for size, level in [(2, 0.9), (3, 0.95), (4, 0.8), (5, 0.99), (8, 0.9), (12, 0.5), (20, 0.95), (40, 0.99),
                        (75, 0.9), (200, 0.95)]:
        for _ in range(2):
            values = 30.0 + 12.0 * rng.exponential(1.0, size) ** 1.5
            cases.append((values, level))
    return cases


def _t_reference(values, level, quantile=None, ddof=1, df_shift=1, centre=None, root=True):
    import numpy as np
    from scipy import stats

    n = len(values)
    spread = np.std(values, ddof=ddof)
    se = spread / np.sqrt(n) if root else spread
    q = stats.t.ppf((1 + level) / 2, df=n - df_shift) if quantile is None else quantile
    middle = np.mean(values) if centre is None else centre
    return float(middle - q * se), float(middle + q * se)


def _t_mistakes(values, level):
    import numpy as np
    from scipy import stats

    n = len(values)
    return (
        (_t_reference(values, level, quantile=stats.norm.ppf((1 + level) / 2)),
         "uses the normal distribution's quantile; with an estimated standard deviation the quantile comes from "
         "Student's t with n − 1 degrees of freedom, which is wider for small samples."),
        (_t_reference(values, level, quantile=stats.t.ppf(level, df=n - 1)),
         "puts all of 1 − level in one tail; a two-sided interval leaves half of it on each side."),
        (_t_reference(values, level, ddof=0),
         "uses the standard deviation with n in the denominator; the sample standard deviation divides by n − 1."),
        (_t_reference(values, level, df_shift=0),
         "uses n degrees of freedom; an interval that estimates the standard deviation has n − 1."),
        (_t_reference(values, level, root=False),
         "uses the standard deviation of the values; the interval for a mean uses its standard error, s/√n."),
        (_t_reference(values, level, centre=float(np.median(values))),
         "is centred on the median; the interval is for the mean."),
    )


@EXERCISES.exercise(
    "t_interval",
    title="Build a normal-theory (t) confidence interval for a mean",
    hints=(
        "The interval is the sample mean plus and minus a quantile times the standard error of the mean.",
        "The standard error is the sample standard deviation (`ddof=1`) divided by the square root of n. A two-sided "
        "interval at `level` uses the t quantile at (1 + level)/2, with n − 1 degrees of freedom.",
        "`standard_error = np.std(values, ddof=1) / np.sqrt(n)`, `quantile = stats.t.ppf((1 + level) / 2, df=n - 1)`, "
        "then return the mean minus and plus `quantile * standard_error`.",
    ),
)
def t_interval(t_interval):
    import numpy as np

    _callable(t_interval, "t_interval")
    for values, level in _t_cases():
        shown = f"`t_interval` on a sample of {len(values)} values at level {level}"
        result = _returned(call_learner(t_interval, values.copy(), level))
        low, high = _pair(result, shown)
        expected = _t_reference(values, level)
        rtol = _rtol(result, 1e-7)
        if np.allclose([low, high], expected, rtol=rtol, atol=1e-9):
            continue
        if np.allclose([high, low], expected, rtol=rtol, atol=1e-9):
            raise Incorrect(f"{shown} returned the high end first; return `(low, high)`.")
        for wrong, message in _t_mistakes(values, level):
            if np.allclose([low, high], wrong, rtol=rtol, atol=1e-9):
                raise Incorrect(f"{shown} {message}")
        if not low < high:
            raise Incorrect(f"{shown}: the low end is not below the high end.")
        if not low < np.mean(values) < high:
            raise Incorrect(f"{shown} does not contain the sample mean; the interval is centred on it.")
        width, right = high - low, expected[1] - expected[0]
        raise Incorrect(f"{shown} is too {'narrow' if width < right else 'wide'} or off-centre for a t interval.")
    return "the t quantile widens small-sample intervals; for large n it approaches the normal's."


def _pair(result, shown: str) -> tuple[float, float]:
    import numpy as np

    try:
        array = np.asarray(result, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Incorrect(f"{shown} should return two numbers, `(low, high)`.") from None
    if array.shape != (2,):
        raise Incorrect(f"{shown} returned {array.size} numbers; two are asked for, `(low, high)`.")
    return float(array[0]), float(array[1])


def _wrong_t(**changes):
    def t_interval(values, level):
        return _t_reference(values, level, **changes)

    return Answer.of(t_interval)


@t_interval.wrong_answer
def t_interval_normal_quantile():
    from scipy import stats

    def t_interval(values, level):
        return _t_reference(values, level, quantile=stats.norm.ppf((1 + level) / 2))

    return Answer.of(t_interval)


@t_interval.wrong_answer
def t_interval_population_sd():
    return _wrong_t(ddof=0)


@t_interval.wrong_answer
def t_interval_without_root_n():
    return _wrong_t(root=False)


@t_interval.wrong_answer
def t_interval_one_tail_quantile():
    from scipy import stats

    def t_interval(values, level):
        return _t_reference(values, level, quantile=stats.t.ppf(level, df=len(values) - 1))

    return Answer.of(t_interval)


@t_interval.wrong_answer
def t_interval_n_degrees_of_freedom():
    return _wrong_t(df_shift=0)


# --- 5. adjusted p-values ------------------------------------------------------------------------


def _adjusted_cases():
    import numpy as np

    rng = np.random.default_rng(2718)
    return (
        np.array([0.01, 0.04, 0.03, 0.005]),
        np.array([0.01, 0.011, 0.2, 0.0001, 0.5]),
        np.array([0.3, 0.6, 0.9]),
        np.array([0.02, 0.02, 0.5, 0.001]),
        np.array([0.04]),
        rng.uniform(0, 1, 12) ** 3,
        np.sort(rng.uniform(0, 0.06, 8))[::-1].copy(),
    )


def _bonferroni(p):
    import numpy as np

    return np.minimum(1.0, len(p) * p)


def _holm(p, running_max=True, cap=True, offset=0, original_order=True):
    import numpy as np

    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = (m - np.arange(m) + offset) * p[order]
    if running_max:
        stepped = np.maximum.accumulate(stepped)
    if cap:
        stepped = np.minimum(1.0, stepped)
    if not original_order:
        return stepped
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted


def _adjusted_values(function, p, name: str):
    import numpy as np

    shown = f"`{name}({np.round(p, 4).tolist()})`"
    result = _returned(call_learner(function, p.copy()))
    return as_vector(result, name=shown, length=len(p), what=f"{len(p)} adjusted p-values, one per p-value"), shown, result


@EXERCISES.exercise(
    "adjusted",
    title="Adjust p-values for multiple comparisons (Bonferroni and Holm)",
    hints=(
        "Both corrections make each p-value larger according to how many tests were run. Bonferroni treats every "
        "p-value alike; Holm gives the smallest the largest factor and relaxes step by step.",
        "Bonferroni: m·p capped at 1. Holm: sort with `np.argsort`; multiply the sorted values by m, m − 1, …, 1; take "
        "the running maximum (`np.maximum.accumulate`); cap at 1; write them back at the sorted positions.",
        "`order = np.argsort(p)`, `stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])`, then "
        "`adjusted[order] = np.minimum(1.0, stepped)` in an array of length m.",
    ),
)
def adjusted(bonferroni_adjusted, holm_adjusted):
    import numpy as np

    _callable(bonferroni_adjusted, "bonferroni_adjusted")
    _callable(holm_adjusted, "holm_adjusted")
    for p in _adjusted_cases():
        value, shown, raw = _adjusted_values(bonferroni_adjusted, p, "bonferroni_adjusted")
        rtol = _rtol(raw, 1e-9)
        if not np.allclose(value, _bonferroni(p), rtol=rtol, atol=1e-12):
            if np.allclose(value, len(p) * p, rtol=rtol, atol=1e-12):
                raise Incorrect(f"{shown} returned values above 1; an adjusted p-value is capped at 1.")
            if np.allclose(value, p / len(p), rtol=rtol, atol=1e-12):
                raise Incorrect(
                    f"{shown} divides the p-values by the number of tests; dividing the *level* by m is the same as "
                    "multiplying each p-value by m."
                )
            raise Incorrect(f"{shown} does not return the Bonferroni-adjusted p-values.")
    for p in _adjusted_cases():
        value, shown, raw = _adjusted_values(holm_adjusted, p, "holm_adjusted")
        rtol = _rtol(raw, 1e-9)
        if np.allclose(value, _holm(p), rtol=rtol, atol=1e-12):
            continue
        if np.allclose(value, _holm(p, original_order=False), rtol=rtol, atol=1e-12):
            raise Incorrect(f"{shown} returned the adjusted values in sorted order; return them in the order of the input.")
        if np.allclose(value, _holm(p, running_max=False), rtol=rtol, atol=1e-12):
            raise Incorrect(
                f"{shown}: in sorted order the adjusted values go down somewhere; Holm's step-down rule needs the "
                "running maximum, so that a hypothesis is rejected only if all smaller p-values are."
            )
        if np.allclose(value, _holm(p, cap=False), rtol=rtol, atol=1e-12):
            raise Incorrect(f"{shown} returned values above 1; an adjusted p-value is capped at 1.")
        if np.allclose(value, _bonferroni(p), rtol=rtol, atol=1e-12):
            raise Incorrect(f"{shown} gives Bonferroni's values; Holm's factor shrinks from m for the smallest p-value to 1 for the largest.")
        if any(np.allclose(value, _holm(p, offset=shift), rtol=rtol, atol=1e-12) for shift in (-1, 1)):
            raise Incorrect(f"{shown}: the factors are off by one; the smallest p-value is multiplied by m, the largest by 1.")
        raise Incorrect(f"{shown} does not return Holm's adjusted p-values.")
    return "reject where the adjusted p-value is at most α; Holm never rejects less than Bonferroni."


@adjusted.wrong_answer
def adjusted_bonferroni_uncapped():
    return Answer.of(lambda p: len(p) * p, _holm)


@adjusted.wrong_answer
def adjusted_holm_without_running_max():
    return Answer.of(_bonferroni, lambda p: _holm(p, running_max=False))


@adjusted.wrong_answer
def adjusted_holm_in_sorted_order():
    return Answer.of(_bonferroni, lambda p: _holm(p, original_order=False))


@adjusted.wrong_answer
def adjusted_holm_factors_off_by_one():
    return Answer.of(_bonferroni, lambda p: _holm(p, offset=1))


@adjusted.wrong_answer
def adjusted_holm_is_bonferroni():
    return Answer.of(_bonferroni, _bonferroni)


# --- 6. a judgement --------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "a p-value is computed as if the model made no difference; it is not the probability that it makes none. "
    "And with 15 metrics tested, one small p-value is not surprising.",
    "C": "a p-value does not measure the size of an effect: with 20,000 users per group even a tiny difference can "
    "give a small p-value. And one metric out of 15 under 0.05 is what chance often produces.",
    "D": "a large p-value does not show that there is no effect; the test may simply be unable to detect it.",
}


@EXERCISES.exercise(
    "judgement",
    title="Judge a significant result among many tests",
    hints=(
        "How many tests were run, and how often does a test give p < 0.05 when nothing is going on?",
        "With 15 tests under the null, the chance of at least one p < 0.05 is 1 − 0.95^15. Apply Holm: what does the "
        "smallest of 15 p-values get multiplied by?",
        "The result does not survive a correction for 15 comparisons; the honest next step is a new, planned test.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="B", feedback=JUDGEMENT_FEEDBACK)
    return "many tests make a small p-value cheap; correct for them and confirm with a planned test."


@judgement.wrong_answer
def judgement_probability_of_null():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_effect_size():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_absence_of_evidence():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'B'", "Option B"]
