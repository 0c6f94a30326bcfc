"""The shared cash-flow machinery: one function turns any option into yearly flows.

Year ``t`` (``t = 0 .. H-1``, ``H`` = years to retirement) is the year starting ``t``
years after study begins. All amounts are today's dollars (real).

For an outcome branch with study ending at ``E`` years, the new job starting at
``W = E + job_search_months / 12`` and a post-study salary ``P``:

- baseline ("stay"): ``base_t = salary * (1 + g) ** t``;
- share of year ``t`` spent studying: ``s_t = clip(E - t, 0, 1)``;
- share of year ``t`` in the new job: ``a_t = clip(t + 1 - W, 0, 1)``;
- earnings: ``(1 - a_t) * income_share * base_t + a_t * P * (1 + g) ** t`` (plus the
  senior premium once ``senior_after_years`` in the role);
- costs: ``s_t * annual_cost`` and, in year 0, the one-off ``upfront_cost``;
- incremental flow: ``k * (earnings_t - base_t) - costs_t`` with ``k = 1 - tax_rate``
  when the scenario is after tax, else 1.

The branches: complete and land the role (``E = years``, ``P`` = target salary),
complete and fall back (``P`` = fallback salary), drop out (``E = dropout_point * years``,
``P`` = current salary). Every argument broadcasts, so the same function gives one
series (shape ``(H,)``) or one per Monte Carlo draw (shape ``(draws, H)``).

:func:`branch_npv` gives the discounted sum of those flows without building them: with
``x_t`` a discounted yearly series and a start ``W = k + frac`` (whole years ``k``),
``sum_t x_t * clip(t + 1 - W, 0, 1) = (1 - frac) * x_k + sum(x[k+1:])``, read from a
table of tail sums. Its cost grows with the number of draws only, not draws x years;
the tests check it equals ``npv(flows(...))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlkit.decision.inputs import Assumptions, Option, Person

BRANCHES = ("land", "fallback", "dropout")
BRANCH_LABELS = {
    "land": "complete and land the role",
    "fallback": "complete and fall back",
    "dropout": "drop out",
}


@dataclass(frozen=True)
class Branch:
    """The parameters of one outcome branch of an option."""

    name: str
    probability: float
    study_end: float
    work_start: float
    salary: float
    senior_premium: float
    senior_start: float


def branches(option: Option, person: Person, assumptions: Assumptions) -> tuple[Branch, Branch, Branch]:
    """The three outcome branches of ``option`` with their probabilities (they sum to 1)."""
    gap = option.job_search_months / 12
    done = option.years
    quit_at = assumptions.dropout_point * option.years
    p_c, p_l = option.p_complete, option.p_land_role
    return (
        Branch("land", p_c * p_l, done, done + gap, option.target_salary_value(person), option.senior_premium, done + gap + option.senior_after_years),
        Branch("fallback", p_c * (1 - p_l), done, done + gap, option.fallback_salary_value(person), 0.0, np.inf),
        Branch("dropout", 1 - p_c, quit_at, quit_at + gap, person.salary, 0.0, np.inf),
    )


def growth_path(person: Person) -> np.ndarray:
    """``(1 + g) ** t`` for every year of the horizon."""
    return (1 + person.salary_growth) ** np.arange(person.horizon_years, dtype=float)


def baseline(person: Person) -> np.ndarray:
    """The stay baseline: the current salary growing at the real rate."""
    return person.salary * growth_path(person)


def discount_factors(rate: float, years: int) -> np.ndarray:
    """``(1 + rate) ** -t`` for ``t = 0 .. years-1`` (year 0 undiscounted, as ``npf.npv``)."""
    return (1 + rate) ** -np.arange(years, dtype=float)


def tax_factor(assumptions: Assumptions) -> float:
    """Share of an earnings difference kept: ``1 - tax_rate`` after tax, else 1."""
    return 1 - assumptions.tax_rate if assumptions.after_tax else 1.0


def flows(
    option: Option,
    person: Person,
    assumptions: Assumptions,
    *,
    study_end,
    work_start,
    salary,
    senior_premium=0.0,
    senior_start=np.inf,
) -> np.ndarray:
    """Incremental yearly flows (option minus stay) for one branch, or one per draw.

    Scalars give shape ``(H,)``; arrays of shape ``(n,)`` give ``(n, H)``.

    Examples
    --------
    >>> from mlkit.decision.inputs import Assumptions, Option, Person
    >>> p = Person(age=60, salary=50_000, salary_growth=0.0, retirement_age=64)
    >>> o = Option("MS", "masters_in_person", years=1, tuition_per_year=10_000, income_share_while_studying=0)
    >>> flows(o, p, Assumptions(), study_end=1, work_start=1, salary=60_000).tolist()
    [-60000.0, 10000.0, 10000.0, 10000.0]
    """
    grow = growth_path(person)
    t = np.arange(grow.size, dtype=float)
    study_end, work_start, salary, senior_premium, senior_start = (
        np.asarray(x, dtype=float)[..., None] for x in (study_end, work_start, salary, senior_premium, senior_start)
    )
    base = person.salary * grow
    in_job = np.clip(t + 1 - work_start, 0.0, 1.0)
    studying = np.clip(study_end - t, 0.0, 1.0)
    senior = np.clip(t + 1 - senior_start, 0.0, 1.0)
    post = (salary + senior_premium * senior) * grow
    earnings = (1 - in_job) * option.income_share_while_studying * base + in_job * post
    out = tax_factor(assumptions) * (earnings - base) - studying * option.annual_cost
    out[..., 0] -= option.upfront_cost
    return out


class DiscountedSums:
    """Discounted yearly series of a person's horizon and their tail sums.

    ``d`` discount factors, ``base`` the discounted baseline salary, ``grow`` the discounted
    growth path; each padded with two zeros so a start at or after the horizon reads 0.
    """

    def __init__(self, person: Person, assumptions: Assumptions):
        discount = discount_factors(assumptions.discount_rate, person.horizon_years)
        grow = growth_path(person)
        self.years = person.horizon_years
        self.keep = tax_factor(assumptions)
        series = np.zeros((3, self.years + 2))
        series[0, : self.years] = discount
        series[1, : self.years] = person.salary * grow * discount
        series[2, : self.years] = grow * discount
        tails = np.zeros_like(series)
        tails[:, : self.years] = np.cumsum(series[:, : self.years][:, ::-1], axis=1)[:, ::-1]
        self.series, self.tails = series, tails
        self.total_d, self.total_base = float(tails[0, 0]), float(tails[1, 0])

    def after(self, row: int, start):
        """``sum_t x_t * clip(t + 1 - start, 0, 1)`` for series ``row`` (0 d, 1 base, 2 grow)."""
        start = np.minimum(start, self.years)  # from the horizon on, nothing is left
        k = start.astype(np.intp)  # whole years (starts are never negative)
        return (1 - (start - k)) * self.series[row, k] + self.tails[row, k + 1]

    def after_pair(self, start):
        """:meth:`after` for the baseline and the growth path at once (one index computation)."""
        start = np.minimum(start, self.years)
        k = start.astype(np.intp)
        keep = 1 - (start - k)
        return (
            keep * self.series[1, k] + self.tails[1, k + 1],
            keep * self.series[2, k] + self.tails[2, k + 1],
        )


def branch_npv(option: Option, sums: DiscountedSums, *, study_end, work_start, salary, senior_premium=0.0, senior_start=np.inf):
    """NPV of one branch's flows (see :func:`flows`), for scalars or arrays of draws.

    Examples
    --------
    >>> from mlkit.decision.inputs import Assumptions, Option, Person
    >>> p = Person(age=60, salary=50_000, salary_growth=0.0, retirement_age=64)
    >>> o = Option("MS", "masters_in_person", years=1, tuition_per_year=10_000, income_share_while_studying=0)
    >>> float(branch_npv(o, DiscountedSums(p, Assumptions(discount_rate=0.0)), study_end=1, work_start=1, salary=60_000))
    -30000.0
    """
    base_after, grow_after = sums.after_pair(work_start)
    earnings = option.income_share_while_studying * (sums.total_base - base_after) + salary * grow_after
    if np.any(senior_premium):
        earnings = earnings + senior_premium * sums.after(2, senior_start)
    studying = sums.total_d - sums.after(0, study_end)
    return sums.keep * (earnings - sums.total_base) - option.annual_cost * studying - option.upfront_cost


def branch_flows(option: Option, person: Person, assumptions: Assumptions) -> dict[str, tuple[float, np.ndarray]]:
    """``{branch: (probability, flows)}`` for the three outcome branches of ``option``."""
    return {
        b.name: (
            b.probability,
            flows(
                option, person, assumptions,
                study_end=b.study_end, work_start=b.work_start, salary=b.salary,
                senior_premium=b.senior_premium, senior_start=b.senior_start,
            ),
        )
        for b in branches(option, person, assumptions)
    }


def expected_flows(option: Option, person: Person, assumptions: Assumptions) -> np.ndarray:
    """Probability-weighted flows over the three branches (the expected value per year)."""
    return sum(p * f for p, f in branch_flows(option, person, assumptions).values())
