"""The three outcomes of an option and what the person earns in each, year by year.

An option has three branches: complete and land the target role (``p_complete *
p_land_role``), complete and fall back (``p_complete * (1 - p_land_role)``), drop out
(``1 - p_complete``, leaving ``dropout_point`` of the way through). :func:`branches` gives
their timing and salary; :class:`Income` the gross wages of each year in one of them, as the
cash flows count them (:func:`mlkit.decision.cashflows.flows`), which the loans read too:
the Repayment Assistance Plan's payments follow that income, and so does the student-loan
interest deduction.

Examples
--------
>>> from mlkit.decision.inputs import Assumptions, Option, Person
>>> person = Person(age=30, salary=50_000, salary_growth=0.0, retirement_age=40)
>>> option = Option("MS", "masters_in_person", years=1, income_share_while_studying=0.0, p_land_role=1.0,
...                 target_salary=100_000, entry_salary=50_000, years_to_average=2, job_search_months=6)
>>> land = branches(option, person, Assumptions())[0]
>>> branch_income(option, person, land).gross(person, 5).round(0).tolist()
[0.0, 25000.0, 70711.0, 100000.0, 100000.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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


@lru_cache(maxsize=1024)
def _stage(ratio: float, years: float, horizon: int, first: int) -> np.ndarray:
    """Salary in the role as a share of the target for each of ``horizon`` years, the role starting in year ``first``.

    ``ratio`` (entry / target) until year ``first``, then rising geometrically to 1 in ``years``
    years (:func:`mlkit.decision.salary_path.salary_path`); ones without a career path. Cached:
    treat the array as read-only.
    """
    if ratio >= 1.0 or years <= 0:
        return np.ones(horizon)
    from mlkit.decision.salary_path import salary_path

    length = max(horizon - first, 1)
    path = salary_path(ratio, 1.0, years=length, growth=0.0, years_to_average=min(years, length))
    out = np.full(horizon, ratio)
    out[first:] = path[: horizon - first]
    return out


@dataclass(frozen=True)
class Income:
    """What a person earns in one outcome branch, as the cash flows count it (hashable, for caching).

    :meth:`gross` gives the gross wages of each year from the start of study: the share of
    the current salary kept while studying and looking for a job, the income from work while
    studying, then the salary in the new job on its career path from ``work_start`` (the
    entry salary rising to ``salary`` in ``stage_years`` years), plus the senior premium —
    the same parts, year by year, that :func:`flows` taxes. The loans read it: the
    Repayment Assistance Plan's payments and the student-loan interest deduction depend on it.
    """

    share: float
    study_income: float
    study_end: float
    work_start: float
    salary: float
    senior_premium: float = 0.0
    senior_start: float = np.inf
    stage_ratio: float = 1.0
    stage_years: float = 0.0

    @classmethod
    def flat(cls, salary: float) -> Income:
        """``salary`` from the first day, growing at the real rate (the previous release's loan income)."""
        return cls(0.0, 0.0, 0.0, 0.0, float(salary))

    def gross(self, person: Person, years: int, salary=None) -> np.ndarray:
        """Gross wages of each year ``t = 0 .. years-1`` (today's dollars), shape ``(years,)``.

        ``salary`` (an array of shape ``(n,)``) replaces the branch's salary in the new job:
        one row per salary, shape ``(n, years)``. Years after the horizon continue the
        path (the salary growing at the real rate), for loans repaid after retirement.
        """
        t = np.arange(years, dtype=float)
        grow = (1 + person.salary_growth) ** t
        base = person.salary * grow
        horizon = person.horizon_years
        stage = np.ones(years)
        if self.stage_ratio < 1.0 and self.stage_years > 0:
            first = min(int(self.work_start), horizon)
            stage[: min(horizon, years)] = _stage(self.stage_ratio, self.stage_years, horizon, first)[:years]
        x = self.salary if salary is None else np.asarray(salary, dtype=float)[..., None]
        studying = np.clip(self.study_end - t, 0.0, 1.0)
        in_job = np.clip(t + 1 - self.work_start, 0.0, 1.0)
        senior = np.clip(t + 1 - self.senior_start, 0.0, 1.0)
        job = x * grow * stage + senior * self.senior_premium * grow
        kept = self.share * base
        return studying * (kept + self.study_income) + (1 - studying - in_job) * kept + in_job * job


def branch_income(option: Option, person: Person, branch: Branch) -> Income:
    """The :class:`Income` of ``branch``: its salary, and in the land branch the role's career path."""
    ratio, years = option.career_stage(person) if branch.name == "land" else (1.0, 0.0)
    return Income(
        option.income_share_while_studying, option.study_income_per_year, float(branch.study_end), float(branch.work_start),
        float(branch.salary), float(branch.senior_premium), float(branch.senior_start), float(ratio), float(years),
    )


