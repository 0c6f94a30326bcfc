"""Monte Carlo over the uncertain inputs: vectorised, seeded, deterministic for a seed.

For each draw and option:

- the target salary is lognormal with the point target (own figure, else the role's
  average) as its mean and the spread of a published range (own, else the role's, else the
  ML engineer range) read as its central ``salary_range_coverage`` interval (90% by default):
  ``sigma = ln(high / low) / (2 * 1.645)``, ``median = target * exp(-sigma^2 / 2)``. For the
  ML engineer ($120,883; range $72,600-$170,000) sigma is 0.259 and the median $116,907. One
  standard normal per draw is shared by all options (the same person in the same
  market), so "which option is best" compares like with like;
- the job-search gap is gamma distributed with the option's gap as its mean (shape 4:
  coefficient of variation 0.5);
- ``outcomes`` mode (default): the outcome branch is drawn with the option's
  probabilities, so the NPV distribution is the spread of what can happen to the person
  and ``prob_loss`` the chance of ending up behind staying;
- ``expected`` mode: the three branches are weighted by ``p_complete`` and ``p_land_role``
  drawn from beta distributions (or fixed), so the spread is the uncertainty of the
  expected value.

Each draw's NPV equals the discounted sum of its row of the ``(draws, years)`` flow matrix
of :func:`mlkit.decision.cashflows.flows` plus the branch's loans; :func:`npv_draws`
computes it from :class:`mlkit.decision.cashflows.BranchTables`, so memory and time grow
with the draws only. :func:`npv_matrix` builds the matrix; tests check both agree.

One model of uncertainty: the target salary's lognormal has the expected-value NPV's
salary as its mean, and the branches are drawn with its probabilities, so the simulated
mean converges to the expected NPV (after tax, the expected NPV is itself the average over
the salary's lognormal). The loans see each branch's income: in the land branch, where their
cost follows the salary (the Repayment Assistance Plan, the interest deduction after tax), each
draw repays with its own target salary (read on the grid of
:class:`~mlkit.decision.cashflows.BranchTables`) and the expected NPV averages the cost over the
lognormal; every branch's loans use the mean job-search gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlkit.decision.cashflows import _branch_loans, branches, flows, land_loan_flows, loans_follow_salary, scenario_tables, stage_factors
from mlkit.decision.figures import value
from mlkit.decision.inputs import Option, Scenario

PERCENTILES = (5, 25, 50, 75, 95)


@dataclass(frozen=True)
class OptionDraws:
    """The random inputs of one option, one value per draw."""

    p_complete: np.ndarray | float
    p_land_role: np.ndarray | float
    job_search_years: np.ndarray | float
    outcome: np.ndarray | None  # uniform on [0, 1) picking the branch ("outcomes" mode)


@dataclass(frozen=True)
class Draws:
    """Every random number one simulation uses."""

    salary_z: np.ndarray
    options: tuple[OptionDraws, ...]

    @property
    def size(self) -> int:
        return int(self.salary_z.size)


def draw(scenario: Scenario, draws: int, rng: np.random.Generator) -> Draws:
    """Generate the random inputs: the part of a simulation that is pure sampling."""
    a = scenario.assumptions
    outcomes = a.monte_carlo == "outcomes"
    z = rng.standard_normal(draws)
    shape = value("method.job_search_shape")
    per_option = []
    for option in scenario.options:
        if outcomes:
            p_c, p_l = option.p_complete, option.p_land_role
        else:
            p_c = _probability(rng, option.p_complete, draws, a.draw_probabilities, a.probability_concentration)
            p_l = _probability(rng, option.p_land_role, draws, a.draw_probabilities, a.probability_concentration)
        mean_gap = option.job_search_months / 12
        gap = rng.gamma(shape, mean_gap / shape, draws) if mean_gap > 0 else 0.0
        trials = rng.random(draws) if outcomes and 0 < option.p_complete and (option.p_complete < 1 or 0 < option.p_land_role < 1) else None
        per_option.append(OptionDraws(p_c, p_l, gap, trials))
    return Draws(z, tuple(per_option))


def _probability(rng: np.random.Generator, mean: float, n: int, drawn: bool, concentration: float) -> np.ndarray | float:
    if not drawn or mean <= 0 or mean >= 1:
        return mean
    return rng.beta(mean * concentration, (1 - mean) * concentration, n)


def target_salaries(scenario: Scenario, option: Option, draws: Draws) -> np.ndarray:
    """The option's target salary in every draw (lognormal, see the module docstring)."""
    median, sigma = option.salary_spread(scenario.assumptions.salary_range_coverage, scenario.person)
    return median * np.exp(sigma * draws.salary_z)


@dataclass(frozen=True)
class BranchArrays:
    """Per-draw branch parameters of one option ("outcomes" mode)."""

    study_end: np.ndarray
    work_start: np.ndarray
    salary: np.ndarray
    senior_premium: np.ndarray
    senior_start: np.ndarray
    branch: np.ndarray  # 0 land, 1 fallback, 2 dropout


def branch_arrays(scenario: Scenario, option: Option, index: int, draws: Draws, target: np.ndarray | None = None) -> BranchArrays:
    """Which branch every draw of one option falls in, with its timing and salary."""
    land_, fallback_, dropout_ = branches(option, scenario.person, scenario.assumptions)
    d = draws.options[index]
    branch = _branch_codes(option, d, draws.size, land_.probability)
    land, complete = branch == 0, branch < 2
    if target is None:
        target = target_salaries(scenario, option, draws)
    study_end = np.where(complete, fallback_.study_end, dropout_.study_end)
    work_start = study_end + d.job_search_years
    salary = np.where(land, target, np.where(complete, fallback_.salary, dropout_.salary))
    premium = np.where(land, option.senior_premium, 0.0)
    senior_start = np.where(land, land_.senior_start, np.inf)  # from the branch's mean job start
    return BranchArrays(study_end, work_start, salary, premium, senior_start, branch)


def npv_draws(scenario: Scenario, draws: Draws, *, with_branches: bool = False):
    """NPV of every option in every draw, shape ``(options, draws)``.

    With ``with_branches`` (``outcomes`` mode), also each draw's branch (0 land,
    1 fall back, 2 drop out), same shape.

    Each option's :class:`~mlkit.decision.cashflows.BranchTables` hold everything that does
    not depend on the draw (study, staying, costs, loans, taxes, the career path); a draw
    then costs a few look-ups at its job start (and, in the land branch, its target salary).
    """
    n = draws.size
    out = np.empty((len(scenario.options), n))
    codes = np.empty((len(scenario.options), n), dtype=np.int8) if with_branches else None
    expected_mode = scenario.assumptions.monte_carlo == "expected"
    located: dict[float, tuple[np.ndarray, np.ndarray]] = {}  # by sigma: options with the same spread share it
    offsets: dict[float, np.ndarray] = {}  # by sigma: the grid index times the tables' row width
    every = scenario_tables(scenario.options, scenario.person, scenario.assumptions)
    for i, option in enumerate(scenario.options):
        tables = every[i]
        d = draws.options[i]
        where = offset = None
        if tables.gridded:
            if tables.sigma not in located:
                located[tables.sigma] = tables.locate(draws.salary_z)
                offsets[tables.sigma] = located[tables.sigma][0] * (tables.years + 2)
            where, offset = located[tables.sigma], offsets[tables.sigma]
        if expected_mode:
            out[i] = _expected_npv(tables, d, draws.salary_z, where)
            continue
        parts = branches(option, scenario.person, scenario.assumptions)
        code = _branch_codes(option, d, n, parts[0].probability)
        if codes is not None:
            codes[i] = code
        work_start = tables.ends.take(code)
        work_start += d.job_search_years
        if d.outcome is None and n and code[0] == 0:  # every draw lands the role
            out[i] = tables.land_value(work_start, draws.salary_z, where)
            continue
        tables.outcome_values(code, work_start, draws.salary_z, where, grid_offset=offset, out=out[i])
    return (out, codes) if with_branches else out


def _branch_codes(option: Option, d: OptionDraws, n: int, p_land: float) -> np.ndarray:
    """0 (land), 1 (fall back) or 2 (drop out) for every draw."""
    if d.outcome is None:  # the outcome is certain
        certain = 0 if option.p_complete == 1 and option.p_land_role == 1 else 1 if option.p_complete == 1 else 2
        return np.full(n, certain, dtype=np.int8)
    code = (d.outcome >= p_land).astype(np.int8)
    code += d.outcome >= option.p_complete
    return code


def _expected_npv(tables, d: OptionDraws, z: np.ndarray, located=None) -> np.ndarray:
    """``expected`` mode: the three branches weighted by the draw's probabilities."""
    gap = d.job_search_years
    land = tables.land_value(tables.ends[0] + gap + np.zeros_like(z), z, located)
    fallback = tables.branch_value(1, tables.ends[1] + gap + np.zeros_like(z))
    dropout = tables.branch_value(2, tables.ends[2] + gap + np.zeros_like(z))
    p_c, p_l = d.p_complete, d.p_land_role
    return p_c * p_l * land + p_c * (1 - p_l) * fallback + (1 - p_c) * dropout


def npv_matrix(scenario: Scenario, draws: Draws) -> np.ndarray:
    """The NPVs of :func:`npv_draws` ("outcomes" mode) from explicit ``(draws, years)`` flow matrices."""
    from mlkit.decision.cashflows import discount_factors

    a = scenario.assumptions
    discount = discount_factors(a.discount_rate, scenario.person.horizon_years)
    out = np.empty((len(scenario.options), draws.size))
    for i, option in enumerate(scenario.options):
        b = branch_arrays(scenario, option, i, draws)
        parts = branches(option, scenario.person, a)
        stage = np.where((b.branch == 0)[:, None], stage_factors(option, scenario.person, parts[0].work_start), 1.0)
        matrix = flows(
            option, scenario.person, a,
            study_end=b.study_end, work_start=b.work_start, salary=b.salary,
            senior_premium=b.senior_premium, senior_start=b.senior_start, stage=stage,
        )
        loans = np.stack([_branch_loans(option, scenario.person, a, p) for p in parts])
        matrix = matrix + loans[b.branch]
        land = b.branch == 0
        if loans_follow_salary(option, a) and land.any():  # each draw's own salary
            matrix[land] += land_loan_flows(option, scenario.person, a, b.salary[land]) - loans[0]
        out[i] = matrix @ discount
    return out


@dataclass(frozen=True)
class OptionDistribution:
    """The simulated NPV of one option.

    Attributes
    ----------
    npv : numpy.ndarray
        One NPV per draw.
    mean : float
        Mean NPV (converges to the deterministic expected NPV as the draws grow).
    percentiles : dict of int to float
        5th, 25th, 50th, 75th and 95th percentiles.
    prob_loss : float
        Share of draws with NPV below zero (worse off than staying).
    prob_best : float
        Share of draws in which this option has the highest NPV.
    branch_shares : dict of str to float or None
        Share of draws in each outcome branch (``None`` in ``expected`` mode).
    """

    name: str
    npv: np.ndarray
    mean: float
    percentiles: dict[int, float]
    prob_loss: float
    prob_best: float
    branch_shares: dict[str, float] | None

    def to_dict(self) -> dict:
        return {
            "mean": self.mean,
            "percentiles": {str(k): v for k, v in self.percentiles.items()},
            "prob_loss": self.prob_loss,
            "prob_best": self.prob_best,
            "branch_shares": self.branch_shares,
        }


@dataclass(frozen=True)
class MonteCarloResult:
    """Per-option NPV distributions of one seeded simulation."""

    draws: int
    seed: int
    options: tuple[OptionDistribution, ...]

    def option(self, name: str) -> OptionDistribution:
        return next(o for o in self.options if o.name == name)

    def to_dict(self) -> dict:
        return {"draws": self.draws, "seed": self.seed, "options": {o.name: o.to_dict() for o in self.options}}


def simulate(scenario: Scenario, draws: int | None = None, seed: int | None = None) -> MonteCarloResult:
    """Simulate every option ``draws`` times (default: the scenario's 10,000) with ``seed``.

    The same scenario, draws and seed always give the same result.

    Examples
    --------
    >>> from mlkit.decision.scenario import example_scenario
    >>> s = example_scenario()
    >>> simulate(s, draws=1_000, seed=1).option("Stay").prob_loss
    0.0
    """
    a = scenario.assumptions
    n = a.draws if draws is None else int(draws)
    seed = a.seed if seed is None else int(seed)
    sample = draw(scenario, n, np.random.default_rng(seed))
    outcomes = a.monte_carlo == "outcomes"
    values, codes = npv_draws(scenario, sample, with_branches=True) if outcomes else (npv_draws(scenario, sample), None)
    best = np.bincount(_argmax_rows(values), minlength=len(scenario.options)) / n
    quantiles = percentiles(values)
    loss = np.count_nonzero(values < -1e-6, axis=1) / n
    results = []
    for i, option in enumerate(scenario.options):
        shares = _branch_counts(codes[i]) / n if outcomes else np.full(3, np.nan)
        results.append(
            OptionDistribution(
                name=option.name,
                npv=values[i],
                mean=float(values[i].mean()),
                percentiles={p: float(q) for p, q in zip(PERCENTILES, quantiles[:, i])},
                prob_loss=float(loss[i]),
                prob_best=float(best[i]),
                branch_shares={"land": float(shares[0]), "fallback": float(shares[1]), "dropout": float(shares[2])} if outcomes else None,
            )
        )
    return MonteCarloResult(n, seed, tuple(results))


def _branch_counts(code: np.ndarray) -> np.ndarray:
    """``np.bincount(code, minlength=3)`` of branch codes 0, 1, 2, counted without widening the int8 codes."""
    return np.array([np.count_nonzero(code == branch) for branch in range(3)])


def percentiles(values: np.ndarray) -> np.ndarray:
    """``np.percentile(values, PERCENTILES, axis=1)`` (linear interpolation), shape ``(len(PERCENTILES), rows)``.

    The same numbers, read from the sorted rows: NumPy's sort is several times faster than the
    partition at ten points that ``np.percentile`` does, and the interpolation is NumPy's own
    (``numpy.lib._function_base_impl._lerp``: from the lower neighbour below a weight of 0.5,
    from the upper one from 0.5). ``tests/test_decision_vectorised.py`` checks it equals
    ``np.percentile``.
    """
    rows = np.sort(values, axis=1)
    n = rows.shape[1]
    if n < 2 or np.isnan(rows[:, -1]).any():  # NaN sorts last; np.percentile's own rules apply
        return np.percentile(rows, PERCENTILES, axis=1, overwrite_input=True)
    position = (n - 1) * np.true_divide(PERCENTILES, 100)  # below n - 1: every percentile is under 100
    below = np.floor(position).astype(np.intp)
    weight = (position - below)[:, None]
    low, high = rows[:, below].T, rows[:, below + 1].T
    step = high - low
    out = low + step * weight
    np.subtract(high, step * (1 - weight), out=out, where=weight >= 0.5)
    return out


def _argmax_rows(values: np.ndarray) -> np.ndarray:
    """Index of the largest row in every column (the first on a tie), one pass per row."""
    best = np.zeros(values.shape[1], dtype=np.intp)
    top = values[0].copy()
    for i in range(1, values.shape[0]):
        better = values[i] > top
        best[better] = i
        np.maximum(top, values[i], out=top)
    return best
