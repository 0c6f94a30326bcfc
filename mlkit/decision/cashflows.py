"""The shared cash-flow machinery: one function turns any option into yearly flows.

Year ``t`` (``t = 0 .. H-1``, ``H`` = years to retirement) is the year starting ``t``
years after study begins. All amounts are today's dollars (real).

For an outcome branch with study ending at ``E`` years, the new job starting at
``W = E + job_search_months / 12`` and a post-study salary ``P``:

- baseline ("stay"): ``base_t = salary * (1 + g) ** t``;
- share of year ``t`` spent studying: ``s_t = clip(E - t, 0, 1)``;
- share of year ``t`` in the new job: ``a_t = clip(t + 1 - W, 0, 1)``;
- each part of a year is taxed as that share of a full year at its income (:class:`Taxes`:
  after tax by default, pre-tax with ``pre_tax``): study
  (``income_share * base_t + study_income``, with the Lifetime Learning Credit and the
  section 127 exclusion), job search (``income_share * base_t``), the job
  (``P * stage_t * (1 + g) ** t``, plus the senior premium; ``stage_t`` the career path from
  the entry salary, :func:`stage_factors`), and staying (``base_t``);
- costs: ``s_t * annual_cost`` and, in year 0, the one-off ``upfront_cost``;
- loans: :func:`loan_flows` (money received at disbursement, payments of the plan chosen,
  the interest deduction after tax), so the NPV includes the cost of borrowing.

The branches: complete and land the role (``E = years``, ``P`` = target salary),
complete and fall back (``P`` = fallback salary), drop out (``E = dropout_point * years``,
``P`` = current salary). :func:`flows` gives one series (shape ``(H,)``) or one per Monte
Carlo draw (shape ``(draws, H)``).

:class:`BranchTables` gives the discounted sum of those flows without building them: with
``x_t`` a discounted yearly series and a start ``W = k + frac`` (whole years ``k``),
``sum_t x_t * clip(t + 1 - W, 0, 1) = (1 - frac) * x_k + sum(x[k+1:])``, read from a
table of tail sums (the land branch's rows tabulated on a grid of target salaries). Its
cost grows with the number of draws only, not draws x years; the tests check it equals
``npv(flows(...))``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np

from mlkit.decision.inputs import Assumptions, Option, Person
from mlkit.decision.outcomes import BRANCH_LABELS, BRANCHES, Branch, Income, _stage, branch_income, branches  # noqa: F401 - also their names here


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
    """Share of an earnings difference kept under the flat tax (``1 - tax_rate``), else 1 (the previous release's model)."""
    return 1 - assumptions.tax_rate if assumptions.tax_model == "flat" else 1.0


# --- taxes ----------------------------------------------------------------------------------

class Taxes:
    """After-tax income of yearly wages, for the scenario's tax model.

    ``none``: wages as they are (pre-tax); ``flat``: ``(1 - tax_rate) * wages``; ``brackets``:
    :func:`mlkit.decision.tax.after_tax_income` (federal brackets of the first year of study,
    payroll, ``state_rate``, ``filing_status``).
    """

    def __init__(self, assumptions: Assumptions):
        self.model = assumptions.tax_model
        self.keep = 1 - assumptions.tax_rate if self.model == "flat" else 1.0
        self.year = assumptions.start.year
        self.state_rate = assumptions.state_rate
        self.status = assumptions.filing_status

    @property
    def linear(self) -> bool:
        return self.model != "brackets"

    def net(self, gross, *, credits=0.0, above_the_line=0.0) -> np.ndarray:
        """After-tax income of ``gross`` wages (any shape; ``credits`` and deductions broadcast)."""
        gross = np.asarray(gross, dtype=float)
        if self.model != "brackets":
            return self.keep * gross
        from mlkit.decision.tax import after_tax_income

        return after_tax_income(
            gross, state_rate=self.state_rate, year=self.year, filing_status=self.status,
            above_the_line=above_the_line, credits=credits,
        )

    def study_year(self, option: Option, gross) -> np.ndarray:
        """After-tax income of a full year of study with ``gross`` wages (share kept and study income).

        Brackets: employer aid above IRC section 127's $5,250 is taxable wages (the aid itself is
        already taken off the cost), and a graduate programme's tuition and fees, less tax-free
        aid, earn the Lifetime Learning Credit (IRC section 25A(c)), capped at the federal tax.
        """
        return self.study_of(gross, *_study_key(option)[2:])

    def study_of(self, gross, graduate: bool, tuition: float, fees: float, scholarships: float, aid: float) -> np.ndarray:
        """:meth:`study_year` from the fields it reads (a graduate programme or not, its yearly costs and aid)."""
        gross = np.asarray(gross, dtype=float)
        if self.model != "brackets":
            return self.keep * gross
        from mlkit.decision.tax import employer_aid_exclusion, lifetime_learning_credit

        excluded, taxable = (float(x) for x in employer_aid_exclusion(aid, year=self.year))
        credit = 0.0
        if graduate:
            expenses = max(tuition + fees - scholarships - excluded, 0.0)
            credit = lifetime_learning_credit(expenses, gross + taxable, year=self.year, filing_status=self.status)
        return self.net(gross + taxable, credits=credit) - taxable


# --- career stages -----------------------------------------------------------------------------

def stage_factors(option: Option, person: Person, job_start: float) -> np.ndarray:
    """Salary in the role as a share of the target, year by year, shape ``(H,)``.

    The role starts at ``job_start`` (years after study begins; its whole year ``k`` counts as
    the first in the role): from ``entry / target`` the share rises geometrically to 1 in
    ``years_to_average`` years (:func:`mlkit.decision.salary_path.salary_path`), and stays 1.
    Ones when the option has no career path.
    """
    ratio, years = option.career_stage(person)
    return _stage(ratio, years, person.horizon_years, min(int(job_start), person.horizon_years)).copy()


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
    stage=None,
) -> np.ndarray:
    """Incremental yearly flows (option minus stay) for one branch, or one per draw, before loans.

    Scalars give shape ``(H,)``; arrays of shape ``(n,)`` give ``(n, H)``. Year ``t`` is split
    into study (share ``s_t``), job search (``1 - s_t - a_t``) and the new job (``a_t``); each
    part is taxed as its share of a full year at that income::

        s_t * V_study + (1 - s_t - a_t) * V_search + a_t * V_job - V_base - s_t * annual_cost

    with ``V`` the after-tax income (:class:`Taxes`) of a full year of: study
    (``income_share * base_t + study_income``), search (``income_share * base_t``), the job
    (``salary * stage_t * (1 + g) ** t``, plus the senior premium from ``senior_start``) and
    staying (``base_t``). Pre-tax this is the plain difference of earnings.
    ``stage`` (shape ``(H,)``) is the career path of :func:`stage_factors` (default: none).

    Examples
    --------
    >>> from mlkit.decision.inputs import Assumptions, Option, Person
    >>> p = Person(age=60, salary=50_000, salary_growth=0.0, retirement_age=64)
    >>> o = Option("MS", "masters_in_person", years=1, tuition_per_year=10_000, income_share_while_studying=0)
    >>> flows(o, p, Assumptions(pre_tax=True), study_end=1, work_start=1, salary=60_000).tolist()
    [-60000.0, 10000.0, 10000.0, 10000.0]
    """
    taxes = Taxes(assumptions)
    grow = growth_path(person)
    t = np.arange(grow.size, dtype=float)
    study_end, work_start, salary, senior_premium, senior_start = (
        np.asarray(x, dtype=float)[..., None] for x in (study_end, work_start, salary, senior_premium, senior_start)
    )
    base = person.salary * grow
    share = option.income_share_while_studying
    in_job = np.clip(t + 1 - work_start, 0.0, 1.0)
    studying = np.clip(study_end - t, 0.0, 1.0)
    senior = np.clip(t + 1 - senior_start, 0.0, 1.0)
    path = salary * grow * (1.0 if stage is None else np.asarray(stage, dtype=float))
    job = (1 - senior) * taxes.net(path) + senior * taxes.net(path + senior_premium * grow)
    v_study = taxes.study_year(option, share * base + option.study_income_per_year)
    v_search = taxes.net(share * base)
    out = studying * v_study + (1 - studying - in_job) * v_search + in_job * job - taxes.net(base) - studying * option.annual_cost
    out = np.array(out, dtype=float)
    out[..., 0] -= option.upfront_cost
    return out


class DiscountedSums:
    """Discounted yearly series of a person's horizon and their tail sums (pre-tax, linear parts).

    ``d`` discount factors, ``base`` the discounted baseline salary, ``grow`` the discounted
    growth path; each padded with two zeros so a start at or after the horizon reads 0.
    Kept for the previous release's callers; the model itself uses :class:`BranchTables`.
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
        self.series, self.tails = series, tail_sums(series)
        self.total_d, self.total_base = float(self.tails[0, 0]), float(self.tails[1, 0])

    def after(self, row: int, start):
        """``sum_t x_t * clip(t + 1 - start, 0, 1)`` for series ``row`` (0 d, 1 base, 2 grow)."""
        return after(self.series[row], self.tails[row], start, self.years)

    def after_pair(self, start):
        """:meth:`after` for the baseline and the growth path at once."""
        return self.after(1, start), self.after(2, start)


def tail_sums(series: np.ndarray) -> np.ndarray:
    """``tails[..., k] = sum(series[..., k:])`` (the last axis padded with zeros stays zero)."""
    return np.cumsum(series[..., ::-1], axis=-1)[..., ::-1]


def after(series: np.ndarray, tails: np.ndarray, start, years: int):
    """``sum_t x_t * clip(t + 1 - start, 0, 1)`` from a padded series and its tail sums."""
    start = np.minimum(start, years)  # from the horizon on, nothing is left
    k = np.asarray(start).astype(np.intp)
    return (1 - (start - k)) * series[k] + tails[k + 1]


def branch_npv(option: Option, sums: DiscountedSums, *, study_end, work_start, salary, senior_premium=0.0, senior_start=np.inf):
    """NPV of one branch's flows (pre-tax or flat tax, no career path, no loans), for scalars or arrays of draws.

    The previous release's fast formula, kept for its callers; see :class:`BranchTables`.

    Examples
    --------
    >>> from mlkit.decision.inputs import Assumptions, Option, Person
    >>> p = Person(age=60, salary=50_000, salary_growth=0.0, retirement_age=64)
    >>> o = Option("MS", "masters_in_person", years=1, tuition_per_year=10_000, income_share_while_studying=0)
    >>> float(branch_npv(o, DiscountedSums(p, Assumptions(discount_rate=0.0, pre_tax=True)), study_end=1, work_start=1, salary=60_000))
    -30000.0
    """
    base_after, grow_after = sums.after_pair(work_start)
    earnings = option.income_share_while_studying * (sums.total_base - base_after) + salary * grow_after
    if np.any(senior_premium):
        earnings = earnings + senior_premium * sums.after(2, senior_start)
    studying = sums.total_d - sums.after(0, study_end)
    return sums.keep * (earnings - sums.total_base) - study_cost(option, sums.keep) * studying - option.upfront_cost


def study_cost(option: Option, keep: float) -> float:
    """Net yearly cost of a year of study: costs less aid, less the income earned while studying (after ``keep``)."""
    return option.annual_cost - keep * option.study_income_per_year


# --- the fast path: per-branch tables ---------------------------------------------------------

#: The target salary grid of :class:`BranchTables`: ``GRID_POINTS`` values of the lognormal's
#: ``z`` evenly from ``-GRID_Z`` to ``GRID_Z`` (draws beyond are read at the ends).
GRID_POINTS = 201
GRID_Z = 5.0
#: Salaries the expected value averages over (after tax): a trapezoid rule on the normal.
EXPECTATION_POINTS = 41


class BranchTables:
    """Everything the NPV of one option needs per branch, so a draw costs a few look-ups.

    For branch ``b`` (0 land, 1 fall back, 2 drop out) with its study end ``E_b`` and a
    draw's job start ``W = k + frac``::

        npv = head[b] + (1 - frac) * job[b, k] + job_tail[b, k + 1]

    where ``head[b]`` is the discounted sum of everything but the job (study, search,
    staying, costs, loans: :func:`flows` with no job) and ``job[b, t] = d_t * (V_job_t -
    V_search_t)``. The land branch's job depends on the draw's target salary: with a linear
    tax (pre-tax or flat) it is ``x * unit + constant``, exact; with the brackets its rows are
    tabulated on a grid of salaries (:data:`GRID_POINTS` points of the lognormal) and read by
    linear interpolation, within a few dollars. The senior premium starts ``senior_after_years`` after
    the branch's mean job start, and the career path is counted from it too.

    Where the loans' cost follows the salary (the Repayment Assistance Plan, or the interest
    deduction after tax: :func:`loans_follow_salary`), the land branch's loan cost is tabulated
    on the same grid (:meth:`loan_costs`) and read at each draw's salary, and the expected value
    averages it over the salary's lognormal; the loans are computed with each branch's mean job
    start.
    """

    def __init__(self, option: Option, person: Person, assumptions: Assumptions, median: float, sigma: float):
        horizon = person.horizon_years
        self.years = horizon
        taxes = Taxes(assumptions)
        discount = discount_factors(assumptions.discount_rate, horizon)
        grow = growth_path(person)
        share = option.income_share_while_studying
        t = np.arange(horizon, dtype=float)
        v_base = _net_of_share(person, assumptions, 1.0)
        v_search = _net_of_share(person, assumptions, share)
        v_study = _net_of_study(person, assumptions, _study_key(option))
        parts = branches(option, person, assumptions)
        self.ends = np.array([b.study_end for b in parts])
        self.loans_vary = loans_follow_salary(option, assumptions)
        costs = np.zeros(3)
        for i, b in enumerate(parts):
            if i or not self.loans_vary:  # the land branch's loans, when they follow the salary: from loan_costs
                costs[i] = -float(_branch_loans(option, person, assumptions, b) @ discount)
        head = np.empty(3)
        job = np.zeros((3, horizon + 2))
        for i, b in enumerate(parts):
            studying = np.clip(b.study_end - t, 0.0, 1.0)
            before = studying * (v_study - v_search - option.annual_cost) + v_search - v_base
            head[i] = float(before @ discount) - option.upfront_cost - costs[i]
            if i:
                job[i, :horizon] = discount * (_net_of_salary(person, assumptions, float(b.salary)) - v_search)
        self.head = head
        self.job, self.job_tail = job, tail_sums(job)
        # The land branch on a grid of target salaries.
        land = parts[0]
        stage = stage_factors(option, person, land.work_start)
        senior = np.clip(t + 1 - land.senior_start, 0.0, 1.0)
        self.median, self.sigma = median, sigma
        self.linear = taxes.linear
        self._land_inputs = (taxes, discount, grow * stage, senior, option.senior_premium * grow, v_search)
        self._grids: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        if self.linear:
            # The job's after-tax income is keep * (x * path + premium): one row per x, one constant row.
            rows = np.zeros((2, horizon + 2))
            rows[0, :horizon] = discount * taxes.keep * grow * stage
            rows[1, :horizon] = discount * (taxes.keep * senior * option.senior_premium * grow - v_search)
            self.land, self.land_tail = rows, tail_sums(rows)
        self.z = np.linspace(-GRID_Z, GRID_Z, GRID_POINTS)
        self.grid = median * np.exp(sigma * self.z)
        self._option, self._person, self._assumptions = option, person, assumptions
        self._loan_rows: np.ndarray | None = None
        self._job_flat = self._all_flat = None

    @property
    def gridded(self) -> bool:
        """Whether a draw's target salary is read on the grid (brackets, or loans that follow the salary)."""
        return not self.linear or self.loans_vary

    def land_loan_rows(self, points: int = GRID_POINTS) -> np.ndarray:
        """The land branch's loan flows at ``points`` salaries of the lognormal, shape ``(points, H)`` (:func:`land_loan_flows`).

        Computed once, on the grid (one Repayment Assistance Plan schedule per grid salary, in one
        call); the :data:`EXPECTATION_POINTS` values of ``z`` are every fifth of the grid's.
        """
        step = (GRID_POINTS - 1) // (points - 1)
        if step * (points - 1) != GRID_POINTS - 1:
            raise ValueError(f"points = {points}: the grid of {GRID_POINTS} has no even subset of that size")
        if self._loan_rows is None:
            if self.loans_vary:
                self._set_loan_rows(land_loan_flows(self._option, self._person, self._assumptions, self.grid))
            else:
                self._set_loan_rows(np.zeros((GRID_POINTS, self.years)))
        return self._loan_rows[::step]

    def _set_loan_rows(self, rows: np.ndarray) -> None:
        rows.flags.writeable = False
        self._loan_rows = rows

    def loan_costs(self, points: int = GRID_POINTS) -> np.ndarray:
        """The land branch's loan cost (present value) at ``points`` salaries of the lognormal (zeros when it does not vary)."""
        return -(self.land_loan_rows(points) @ discount_factors(self._assumptions.discount_rate, self.years))

    def land_rows(self, points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(z, rows, tails) of the land branch's job on ``points`` values of ``z`` from ``-GRID_Z`` to ``GRID_Z`` (brackets)."""
        if points not in self._grids:
            taxes, discount, path_unit, senior, premium, v_search = self._land_inputs
            z = np.linspace(-GRID_Z, GRID_Z, points)
            path = (self.median * np.exp(self.sigma * z))[:, None] * path_unit
            v_job = taxes.net(path)
            if senior.any() and premium.any():
                v_job = (1 - senior) * v_job + senior * taxes.net(path + premium)
            rows = np.zeros((points, self.years + 2))
            rows[:, : self.years] = discount * (v_job - v_search)
            tails = tail_sums(rows)
            if self.loans_vary:
                # Every read takes exactly one tail entry: the loan cost of the salary rides along with it.
                tails -= self.loan_costs(points)[:, None]
            self._grids[points] = (z, rows, tails)
        return self._grids[points]

    def branch_value(self, branch: int, work_start) -> np.ndarray:
        """NPV of the fall-back (1) or drop-out (2) branch for job starts ``work_start``."""
        return self.head[branch] + after(self.job[branch], self.job_tail[branch], work_start, self.years)

    def outcome_values(self, code: np.ndarray, work_start: np.ndarray, z: np.ndarray,
                       located: tuple[np.ndarray, np.ndarray] | None = None, land: np.ndarray | None = None,
                       grid_offset: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """The NPV of every draw in its own branch ``code`` (0 land, 1 fall back, 2 drop out).

        :meth:`land_value` for the draws of the land branch, :meth:`branch_value` for the others,
        with the same arithmetic draw by draw (so the same numbers, bit for bit), computed over
        all the draws at once, in place: gathers from flat tables cost less than splitting the
        draws by branch. ``land``: ``code == 0``, when already known; ``grid_offset``: the grid
        index of :meth:`locate` times ``years + 2``, when already known (it depends on the spread
        only); ``out``: where to write the values (a new array by default).

        With the brackets every draw is read from one table of three blocks (:meth:`_flat_all`),
        the land branch's grid and the other two branches' rows repeated once per grid salary,
        as the land branch is: ``head[b] + at_low + w * (at_high - at_low)``. In the blocks of
        the other branches the row "above" is the row itself, so ``at_high - at_low`` is exactly
        0 and the draw's value is ``head[b] + ((1 - frac) * job[b, k] + job_tail[b, k + 1])``,
        that of :meth:`branch_value`.
        """
        width = self.years + 2
        start = np.minimum(work_start, self.years)
        k = start.astype(np.intp)
        keep = start - k
        np.subtract(1, keep, out=keep)  # 1 - (start - k)
        at = code.astype(np.intp)
        value = self.head.take(at)
        if not self.linear:
            g, w = located if located is not None else self.locate(z)
            if grid_offset is None:
                grid_offset = g * width
            rows, tail_next, rows_up, tail_up_next = self._flat_all()
            at *= GRID_POINTS * width
            at += grid_offset
            at += k
            part = rows.take(at)
            part *= keep
            part += tail_next.take(at)  # at_low (in the other branches: (1 - frac) * job[b, k] + job_tail[b, k + 1])
            high = rows_up.take(at)
            high *= keep
            high += tail_up_next.take(at)  # at_high (in the other branches: at_low, exactly)
            high -= part
            high *= w
            part += value  # head[b] + at_low
            return np.add(part, high, out=out)  # ... + w * (at_high - at_low), which is +0.0 in the other branches
        at *= width
        at += k
        job, job_tail_next = self._flat_job()
        part = job.take(at)
        part *= keep
        part += job_tail_next.take(at)
        value += part  # head[b] + ((1 - frac) * job[b, k] + job_tail[b, k + 1]), as branch_value
        if land is None:
            land = code == 0
        if land.any():
            np.copyto(value, self.land_value(work_start, z, located), where=land)
        if out is None:
            return value
        out[...] = value
        return out

    def _flat_job(self) -> tuple[np.ndarray, np.ndarray]:
        """``job`` flattened, and ``job_tail`` flattened and shifted by one (entry ``i`` is entry ``i + 1``)."""
        if self._job_flat is None:
            self._job_flat = (self.job.ravel(), _shifted(self.job_tail.ravel(), 1))
        return self._job_flat

    def _flat_all(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The tables of :meth:`outcome_values` with the brackets, flattened: shape ``(3, GRID_POINTS, years + 2)``.

        Block 0 is the land branch's grid (:meth:`land_rows`), blocks 1 and 2 the fall-back and
        drop-out rows (``job``, ``job_tail``) once per grid salary. Returned: the rows, the tails
        shifted by one (entry ``i`` is entry ``i + 1``), and the same two one grid salary up
        (shifted by a row more), all views of two arrays. A draw reads row ``g <= GRID_POINTS - 2``
        of a block and the row above, in the same block: in blocks 1 and 2 that is the same row.
        """
        if self._all_flat is None:
            _z, land_rows, land_tails = self.land_rows(GRID_POINTS)
            width = self.years + 2
            rows = np.empty((3, GRID_POINTS, width))
            tails = np.empty((3, GRID_POINTS, width))
            rows[0], tails[0] = land_rows, land_tails
            rows[1:] = self.job[1:, None, :]
            tails[1:] = self.job_tail[1:, None, :]
            flat, tail = rows.ravel(), tails.ravel()
            self._all_flat = (flat, tail[1:], flat[width:], tail[width + 1 :])
        return self._all_flat

    def locate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(grid index, interpolation weight) of the target salaries of the standard normals ``z``.

        Depends on the spread only, so options with the same ``sigma`` share it (see :func:`locate`).
        """
        return locate(z, self.sigma)

    def land_value(self, work_start, z, located: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """NPV of the land branch for job starts ``work_start`` and the target salaries' standard normals ``z``.

        ``located``: :meth:`locate` of ``z``, when already known.
        """
        work_start = np.minimum(work_start, self.years)
        k = np.asarray(work_start).astype(np.intp)
        keep = 1 - (work_start - k)
        if self.gridded:
            g, w = located if located is not None else self.locate(z)
        if self.linear:  # exact: the value is linear in the salary
            x = self.median * np.exp(self.sigma * z)
            unit = keep * self.land[0, k] + self.land_tail[0, k + 1]
            constant = keep * self.land[1, k] + self.land_tail[1, k + 1]
            if self.loans_vary:
                cost = self.loan_costs()
                return self.head[0] + constant + x * unit - (cost[g] + w * (cost[g + 1] - cost[g]))
            return self.head[0] + constant + x * unit
        _z, rows, tails = self.land_rows(GRID_POINTS)  # the tails carry the loans' cost
        width = self.years + 2
        flat, tail = rows.ravel(), tails.ravel()
        low = g * width + k
        high = low + width
        at_low = keep * flat[low] + tail[low + 1]
        at_high = keep * flat[high] + tail[high + 1]
        return self.head[0] + at_low + w * (at_high - at_low)

    def land_expected(self, work_start: float, target: float) -> float:
        """The land branch's NPV averaged over the target salary's lognormal (at its mean when the tax is linear).

        Loans that follow the salary are averaged over the lognormal too (their cost is not linear in it).
        """
        weights = normal_weights(np.linspace(-GRID_Z, GRID_Z, EXPECTATION_POINTS))
        if self.linear:
            loans = float(weights @ self.loan_costs(EXPECTATION_POINTS)) if self.loans_vary else 0.0
            work_start = min(work_start, self.years)
            k = int(work_start)
            keep = 1 - (work_start - k)
            unit = keep * self.land[0, k] + self.land_tail[0, k + 1]
            constant = keep * self.land[1, k] + self.land_tail[1, k + 1]
            return float(self.head[0] + constant + target * unit) - loans
        # The average over the salary's lognormal, on EXPECTATION_POINTS values of z (trapezoid).
        z, rows, tails = self.land_rows(EXPECTATION_POINTS)
        work_start = min(work_start, self.years)
        k = int(work_start)
        values = (1 - (work_start - k)) * rows[:, k] + tails[:, k + 1]
        return float(self.head[0] + weights @ values)  # the tails carry the loans' cost

    def expectation_salaries(self) -> tuple[np.ndarray, np.ndarray]:
        """(salaries, weights): where :meth:`land_expected` evaluates the land branch, and their weights."""
        z = np.linspace(-GRID_Z, GRID_Z, EXPECTATION_POINTS)
        return self.median * np.exp(self.sigma * z), normal_weights(z)


def _shifted(flat: np.ndarray, by: int) -> np.ndarray:
    """``flat`` moved ``by`` places to the left (entry ``i`` is ``flat[i + by]``), zeros at the end."""
    out = np.zeros_like(flat)
    out[: flat.size - by] = flat[by:]
    return out


def locate(z: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Grid index ``g`` and weight ``w`` with ``x = (1 - w) * grid[g] + w * grid[g + 1]`` for ``x ~ exp(sigma * z)``.

    The grid is :class:`BranchTables`'s (``GRID_POINTS`` values of ``z`` on ``[-GRID_Z, GRID_Z]``,
    any median: the weight does not depend on it); ``z`` beyond it is read at its ends.
    """
    clipped = np.clip(z, -GRID_Z, GRID_Z)
    step = 2 * GRID_Z / (GRID_POINTS - 1)
    g = np.minimum(((clipped + GRID_Z) / step).astype(np.intp), GRID_POINTS - 2)
    low = np.exp(sigma * (g * step - GRID_Z))
    span = low * np.expm1(sigma * step)
    w = np.divide(np.exp(sigma * clipped) - low, span, out=np.zeros_like(clipped), where=span > 0)
    return g, w


@lru_cache(maxsize=512)
def _net_of_share(person: Person, assumptions: Assumptions, share: float) -> np.ndarray:
    """After-tax income of ``share`` of the baseline salary, year by year (cached)."""
    out = Taxes(assumptions).net(share * person.salary * growth_path(person))
    out.flags.writeable = False
    return out


@lru_cache(maxsize=512)
def _net_of_salary(person: Person, assumptions: Assumptions, salary: float) -> np.ndarray:
    """After-tax income of ``salary`` growing at the real rate, year by year (cached)."""
    out = Taxes(assumptions).net(salary * growth_path(person))
    out.flags.writeable = False
    return out


def _study_key(option: Option) -> tuple:
    """The fields of ``option`` the tax of a study year depends on."""
    from mlkit.decision.inputs import GRADUATE_KINDS

    return (
        option.income_share_while_studying, option.study_income_per_year, option.kind in GRADUATE_KINDS,
        option.tuition_per_year, option.fees_per_year, option.scholarships_per_year, option.employer_aid_per_year,
    )


@lru_cache(maxsize=512)
def _net_of_study(person: Person, assumptions: Assumptions, key: tuple) -> np.ndarray:
    """:meth:`Taxes.study_year` of the baseline, year by year, for the study fields ``key`` (cached)."""
    share, income, *fields = key
    out = Taxes(assumptions).study_of(share * person.salary * growth_path(person) + income, *fields)
    out.flags.writeable = False
    return out


def normal_weights(z: np.ndarray) -> np.ndarray:
    """Trapezoid weights of the standard normal on the even grid ``z`` (summing to 1)."""
    if z[0] == -GRID_Z and z[-1] == GRID_Z and z.size in _EVEN_WEIGHTS:
        return _EVEN_WEIGHTS[z.size]
    return _weights(z)


def _weights(z: np.ndarray) -> np.ndarray:
    density = np.exp(-z**2 / 2)
    density[[0, -1]] /= 2
    return density / density.sum()


_EVEN_WEIGHTS = {points: _weights(np.linspace(-GRID_Z, GRID_Z, points)) for points in (GRID_POINTS, EXPECTATION_POINTS)}


def scenario_tables(options, person: Person, assumptions: Assumptions) -> list[BranchTables]:
    """:func:`branch_tables` of every option, with every option's loans computed together first.

    The loans of each branch at its point salary (:func:`_loan_flows`, what
    :class:`BranchTables` reads) and, where their cost follows the salary, the land branch's
    loans on the salary grid (:meth:`BranchTables.land_loan_rows`): on the Repayment Assistance
    Plan each is a month-by-month simulation whose cost is per month, not per loan, so every
    option's are simulated in one call (:func:`_loan_rows_many`), with the same numbers as one
    at a time. Done once per scenario (then the tables are cached).
    """
    todo = [option for option in dict.fromkeys(options) if (option, person, assumptions) not in _PREPARED]
    land_rows = {}
    if todo:
        keys, requests, grids = {}, [], []
        for option in todo:
            parts = branches(option, person, assumptions)
            follows = loans_follow_salary(option, assumptions)
            for i, b in enumerate(parts):
                if i or not follows:
                    income = branch_income(option, person, b) if follows else None
                    key = _loan_key(option, person, assumptions, float(b.study_end), income)
                    if key is not None and key not in _LOAN_FLOWS and key not in keys:
                        keys[key] = len(requests)
                        requests.append((*key[:3], income, None))
            land = parts[0]
            if follows and land.study_end > 0:
                median, sigma = option.salary_spread(assumptions.salary_range_coverage, person)
                grid = median * np.exp(sigma * np.linspace(-GRID_Z, GRID_Z, GRID_POINTS))  # BranchTables.grid
                grids.append((option, len(requests)))
                requests.append((option.loans(assumptions.start), option.kind, float(land.study_end), branch_income(option, person, land), grid))
        if len(requests) > 1:
            rows = _loan_rows_many(requests, person, assumptions)
            for key, at in keys.items():
                _keep_loan_flows(key, rows[at][0])
            land_rows = {option: rows[at] for option, at in grids}
    tables = [branch_tables(option, person, assumptions) for option in options]
    if len(_PREPARED) + len(todo) > _LOAN_FLOWS_SIZE:
        _PREPARED.clear()  # only saves looking the loans up again
    for option in todo:
        _PREPARED.add((option, person, assumptions))
    for option, t in zip(options, tables):
        if t._loan_rows is None and option in land_rows:
            t._set_loan_rows(land_rows[option])
    return tables


#: The ``(option, person, assumptions)`` whose loans :func:`scenario_tables` has computed.
_PREPARED: set[tuple] = set()


@lru_cache(maxsize=256)
def branch_tables(option: Option, person: Person, assumptions: Assumptions) -> BranchTables:
    """The :class:`BranchTables` of ``option`` (cached: options, people and assumptions are immutable)."""
    median, sigma = option.salary_spread(assumptions.salary_range_coverage, person)
    return BranchTables(option, person, assumptions, median, sigma)


def branch_flows(
    option: Option, person: Person, assumptions: Assumptions, *, with_loans: bool = True
) -> dict[str, tuple[float, np.ndarray]]:
    """``{branch: (probability, flows)}`` for the three outcome branches of ``option``.

    With ``with_loans`` (default) each branch's flows include its loans' flows
    (:func:`loan_flows`: a person who drops out borrows only for the years studied);
    without, they are the loan-free flows. The land branch starts its career path at its
    job start; with the tax brackets its flows are averaged over the target salary's
    lognormal (the tax is not linear, so the expected value is not the value at the mean), and
    so are its loans where their cost follows the salary (:func:`loans_follow_salary`). Each
    branch's loans see what the person earns in it (:class:`Income`).
    """
    taxes = Taxes(assumptions)
    out = {}
    for b in branches(option, person, assumptions):
        stage = stage_factors(option, person, b.work_start) if b.name == "land" else None
        salary = b.salary
        weights = None
        if b.name == "land" and not taxes.linear:
            salary, weights = branch_tables(option, person, assumptions).expectation_salaries()
        series = flows(
            option, person, assumptions,
            study_end=b.study_end, work_start=b.work_start, salary=salary,
            senior_premium=b.senior_premium, senior_start=b.senior_start, stage=stage,
        )
        if weights is not None:
            series = weights @ series
        if with_loans:
            if b.name == "land" and loans_follow_salary(option, assumptions):
                # The loans' cost is not linear in the salary: averaged over its lognormal, like the Monte Carlo.
                tables = branch_tables(option, person, assumptions)
                series = series + tables.expectation_salaries()[1] @ tables.land_loan_rows(EXPECTATION_POINTS)
            else:
                series = series + _branch_loans(option, person, assumptions, b)
        out[b.name] = (b.probability, series)
    return out


def expected_flows(option: Option, person: Person, assumptions: Assumptions) -> np.ndarray:
    """Probability-weighted flows over the three branches (the expected value per year)."""
    return sum(p * f for p, f in branch_flows(option, person, assumptions).values())


# --- financing inside the answer --------------------------------------------------------------

def loan_flows(
    option: Option, person: Person, assumptions: Assumptions, study_years: float | None = None, salary: float | None = None,
    *, branch: str | None = None,
) -> np.ndarray:
    """Yearly cash flows of the option's loans, shape ``(H,)``: money received minus payments.

    Each disbursement adds what reaches the student (the principal net of its origination
    fee) in the year it is paid; each monthly payment of the plan chosen (see
    :func:`mlkit.decision.loans.summarise`) is subtracted in the year it falls in. Years
    count from the start of study, like :func:`flows`. Payments after the horizon are
    brought back to its last year at the discount rate, so the discounted sum is the whole
    cost of the loans. The servicer bills nominal dollars; each amount is turned into today's
    dollars with the scenario's ``inflation`` (``amount / (1 + inflation) ** t``), like every
    other flow of the model.

    ``study_years`` (default: the whole programme) is how long the person studies and
    borrows: a person who drops out borrows for the years they studied and starts to
    repay six months after leaving.

    The income the loans see (the AGI of the Repayment Assistance Plan, the income that phases
    out the interest deduction after tax): with ``branch`` (``"land"``, ``"fallback"`` or
    ``"dropout"``), what the person earns in that outcome (:func:`branch_income`: the share of
    the salary kept, the job search, the entry salary rising to the target); else ``salary``
    from the first day, growing at the real rate (default: the current salary, and no
    interest deduction). On RAP, :func:`mlkit.decision.repayment.rap_schedule` gives the
    payments over up to 30 years, with unpaid interest waived and the rest forgiven. Private
    loans keep their own term.
    """
    if branch is not None:
        chosen = next(b for b in branches(option, person, assumptions) if b.name == branch)
        years = chosen.study_end if study_years is None else float(study_years)
        return _loan_flows(option, person, assumptions, years, branch_income(option, person, chosen)).copy()
    years = option.years if study_years is None else float(study_years)
    return _loan_flows(option, person, assumptions, years, None if salary is None else Income.flat(salary)).copy()


def _loan_flows(option: Option, person: Person, assumptions: Assumptions, study_years: float, income: Income | None = None) -> np.ndarray:
    """:func:`loan_flows`, read-only, cached on what the loans depend on (not on tuition once the loans are known)."""
    key = _loan_key(option, person, assumptions, study_years, income)
    if key is None:
        return np.zeros(person.horizon_years)
    found = _LOAN_FLOWS.get(key)
    if found is None:
        money, kind, study_years, person, assumptions, income = key
        found = _keep_loan_flows(key, _loan_rows(money, kind, study_years, person, assumptions, income)[0])
    return found


def _loan_key(option: Option, person: Person, assumptions: Assumptions, study_years: float, income: Income | None):
    """What :func:`_loan_flows` depends on, ``(money, kind, study_years, person, assumptions, income)`` (``None``: no loans)."""
    if not option.financing.borrows or study_years <= 0:
        return None
    return option.loans(assumptions.start), option.kind, float(study_years), person, assumptions, income


#: The loan flows of :func:`_loan_flows` by :func:`_loan_key` (read-only arrays; the oldest dropped beyond the size).
_LOAN_FLOWS: dict[tuple, np.ndarray] = {}
_LOAN_FLOWS_SIZE = 4096


def _keep_loan_flows(key: tuple, flows_: np.ndarray) -> np.ndarray:
    """Store one series of :data:`_LOAN_FLOWS` (read-only) and return it."""
    flows_.flags.writeable = False
    if len(_LOAN_FLOWS) >= _LOAN_FLOWS_SIZE:
        del _LOAN_FLOWS[next(iter(_LOAN_FLOWS))]
    _LOAN_FLOWS[key] = flows_
    return flows_


def land_loan_flows(option: Option, person: Person, assumptions: Assumptions, salaries) -> np.ndarray:
    """The land branch's loan flows for each target salary of ``salaries`` (shape ``(n,)``), shape ``(n, H)``.

    The loans depend on the salary on the Repayment Assistance Plan and, after tax, through the
    interest deduction: the Monte Carlo reads them for each draw's salary (on the grid of
    :class:`BranchTables`), and the expected value averages them over the salary's spread.
    """
    salaries = np.asarray(salaries, dtype=float)
    land = branches(option, person, assumptions)[0]
    if not option.financing.borrows or land.study_end <= 0:
        return np.zeros((salaries.size, person.horizon_years))
    return _loan_rows(option.loans(assumptions.start), option.kind, float(land.study_end), person, assumptions,
                      branch_income(option, person, land), salaries)


def loans_follow_salary(option: Option, assumptions: Assumptions) -> bool:
    """Whether the cost of ``option``'s loans depends on the salary earned (RAP, or the interest deduction after tax)."""
    return option.financing.borrows and (option.financing.plan == "rap" or assumptions.tax_model == "brackets")


def _loan_rows(money, kind: str, study_years: float, person: Person, assumptions: Assumptions, income: Income | None, salaries=None) -> np.ndarray:
    """The loan flows of :func:`loan_flows`, one row per salary of ``salaries`` (one row without), shape ``(n, H)``."""
    return _loan_rows_many([(money, kind, study_years, income, salaries)], person, assumptions)[0]


def _loan_rows_many(requests, person: Person, assumptions: Assumptions) -> list[np.ndarray]:
    """:func:`_loan_rows` of each ``(money, kind, study_years, income, salaries)`` of ``requests``, in order.

    The Repayment Assistance Plan is simulated month by month, a loop whose cost is per month, not
    per row: the schedules of every request are run in one call of
    :func:`~mlkit.decision.repayment.rap_schedule` (each row's arithmetic is its own, so the
    result is the same, bit for bit, as one call per request). The requests of one row (a
    branch at its point salary) are then finished together (:func:`_finish_singles`).
    """
    from mlkit.decision.loans import federal_rap_inputs
    from mlkit.decision.repayment import RapSchedule, rap_schedule

    pending = [_LoanRows(*request, person, assumptions) for request in requests]
    wanted = [(p, federal_rap_inputs(p.terms, person, assumptions, p.wages)) for p in pending if p.rap]
    wanted = [(p, inputs) for p, inputs in wanted if inputs is not None]
    plans: dict[int, RapSchedule] = {}
    if len(wanted) == 1:
        p, (balance, rate, agi) = wanted[0]
        plans[id(p)] = rap_schedule(balance, rate, agi, dependants=p.dependants)
    elif wanted:
        sizes = [inputs[2].shape[0] for _, inputs in wanted]
        together = rap_schedule(
            np.repeat([inputs[0] for _, inputs in wanted], sizes),
            np.repeat([inputs[1] for _, inputs in wanted], sizes),
            np.concatenate([inputs[2] for _, inputs in wanted]),
            dependants=np.repeat([float(p.dependants) for p, _ in wanted], sizes),
        )
        edges = np.cumsum([0, *sizes])
        for (p, _), low, high in zip(wanted, edges[:-1], edges[1:]):
            plans[id(p)] = RapSchedule(**{name: getattr(together, name)[low:high] for name in
                                          ("payment", "interest_charged", "interest_waived", "principal_support",
                                           "balance", "forgiven", "payments_made")})
    singles = [p for p in pending if p.terms is not None and p.rows == 1]
    done = _finish_singles(singles, plans) if len(singles) > 1 else {}
    return [done[id(p)] if id(p) in done else p.finish(plans.get(id(p))) for p in pending]


def _finish_singles(pending: list, plans: dict) -> dict[int, np.ndarray]:
    """:meth:`_LoanRows.finish` of many one-row requests (same person and assumptions) at once, by ``id`` of the request.

    The same arithmetic row by row as each request's own :meth:`~_LoanRows.finish` (so the same
    numbers, bit for bit; ``tests/test_decision_vectorised.py`` checks it), on the requests'
    rows stacked: the RAP payments of the requests whose repayment starts at the same time
    together, the tax on a forgiven balance and the interest deduction of every row in one
    call each. The deduction is taken over every year in which some row pays interest: a row
    paying none that year gets a deduction of 0 and adds exactly 0. Its tax is
    :func:`mlkit.decision.tax.tax_breakdown` itself, which :func:`~mlkit.decision.tax.after_tax_income`
    uses for one row (never more than a few hundred years); the discounting of the years after
    the horizon is one row at a time, as before (one matrix-vector product per row, the same
    BLAS call).
    """
    from mlkit.decision.loans import RAP_YEARS

    first_row = pending[0]
    person, assumptions = first_row.person, first_row.assumptions
    horizon, size = person.horizon_years, first_row.size
    taxes = Taxes(assumptions)
    yearly = np.stack([p.fixed for p in pending])
    interest = np.stack([p.fixed_interest for p in pending])
    has_income = np.array([p.income is not None for p in pending])
    wages = np.zeros((len(pending), size))
    for i, p in enumerate(pending):
        if p.wages is not None:
            wages[i] = p.wages[0]
    by_start: dict[tuple, list[int]] = {}
    for i, p in enumerate(pending):
        if p.rap and plans.get(id(p)) is not None:
            by_start.setdefault((p.first, p.real), []).append(i)
    for (first, real), chosen in by_start.items():
        rows = np.array(chosen)
        times = first + np.arange(12 * RAP_YEARS) / 12
        months = times.astype(np.intp)
        worth = real**-times
        chosen_plans = [plans[id(pending[i])] for i in chosen]
        block = yearly[rows]
        _add_by_year(block, months, _by_month(-(np.concatenate([plan.payment for plan in chosen_plans]) / 12), worth))
        yearly[rows] = block
        block = interest[rows]
        _add_by_year(block, months, _by_month(np.concatenate([plan.interest_charged for plan in chosen_plans]) / 12, worth))
        interest[rows] = block
        if not taxes.linear:
            taxed = rows[has_income[rows]]
            if taxed.size:
                forgiven = np.concatenate([plans[id(pending[i])].forgiven.sum(axis=-1) for i in taxed]) * worth[-1]
                yearly[taxed, months[-1]] -= _tax_on_forgiveness(forgiven, wages[taxed, months[-1]], taxes)
    if not taxes.linear and has_income.any():
        from mlkit.decision.tax import student_loan_interest_deduction, tax_breakdown

        taxed = np.flatnonzero(has_income)
        paid = interest[taxed]
        paying = np.flatnonzero(paid.any(axis=0))
        if paying.size:
            earned = wages[taxed][:, paying]
            deduction = student_loan_interest_deduction(paid[:, paying], earned, year=taxes.year, filing_status=taxes.status)
            rates = {"state_rate": taxes.state_rate, "year": taxes.year, "filing_status": taxes.status}
            gain = tax_breakdown(earned, above_the_line=deduction, **rates).net - tax_breakdown(earned, **rates).net
            yearly[np.ix_(taxed, paying)] += np.where(deduction > 0, gain, 0.0)
    discount = discount_factors(assumptions.discount_rate, size)
    out = yearly[:, :horizon].copy()
    done = {}
    for i, p in enumerate(pending):
        out[i, -1:] += yearly[i : i + 1, horizon:] @ discount[horizon:] / discount[horizon - 1]
        done[id(p)] = out[i : i + 1]
    return done


@lru_cache(maxsize=1024)
def _fixed_loan_flows(money, kind: str, study_years: float, size: int, start: date, real: float):
    """``(terms, first, fixed, fixed_interest)`` of a :class:`_LoanRows`: what does not depend on the income (cached, read-only).

    The repayment terms; the years from the start of study to the first payment; by year (today's
    dollars, ``size`` years), the money received less the level payments of the private loans (and
    of the federal ones off RAP), and the interest in those payments.
    """
    from mlkit.decision.loans import repayment_terms

    studied = Option("loans", kind, years=study_years, financing=money)
    terms = repayment_terms(studied, start)
    loans = list(terms.loans)
    fixed = np.zeros(size)
    fixed_interest = np.zeros(size)
    for loan in loans:
        t = (date.fromisoformat(loan.disbursed) - start).days / 365.25
        fixed[int(t)] += loan.principal * (1 - loan.fee) / real**t
    first = (terms.repay - start).days / 365.25
    schedule = [(terms.private_payment, terms.private_months)]
    if terms.plan != "rap":
        schedule.append((terms.federal_payment, terms.federal_months))
    for (payment, months), share in zip(schedule, _interest_shares(loans, schedule, terms.plan)):
        if payment > 0 and months > 0:
            times = first + np.arange(months) / 12
            np.add.at(fixed, times.astype(np.intp), -payment / real**times)
            np.add.at(fixed_interest, times.astype(np.intp), share * payment / real**times)
    for array in (fixed, fixed_interest):
        array.flags.writeable = False
    return terms, first, fixed, fixed_interest


class _LoanRows:
    """One request of :func:`_loan_rows_many`: everything before the RAP schedule, then :meth:`finish` with it."""

    def __init__(self, money, kind: str, study_years: float, income: Income | None, salaries, person: Person, assumptions: Assumptions):
        self.person, self.assumptions, self.income = person, assumptions, income
        self.dependants = money.dependants
        horizon = person.horizon_years
        self.rows = 1 if salaries is None else int(np.size(salaries))
        self.rap = False
        self.terms = self.wages = None
        if not money.borrows:
            Option("loans", kind, years=study_years, financing=money)  # the checks of a borrowing request
            return
        size = self.size = horizon + 50 + horizon  # long enough for the longest plan
        self.real = 1 + assumptions.inflation  # nominal dollars at time t are worth 1 / real ** t of today's
        self.terms, self.first, self.fixed, self.fixed_interest = _fixed_loan_flows(money, kind, study_years, size, assumptions.start, self.real)
        if income is not None:
            self.wages = np.atleast_2d(income.gross(person, size, salaries))
        elif self.terms.plan == "rap":
            self.wages = np.atleast_2d(Income.flat(person.salary).gross(person, size))
        self.rap = self.terms.plan == "rap"

    def finish(self, plan) -> np.ndarray:
        """The rows, given the RAP schedule of :attr:`terms` (``None`` without one)."""
        from mlkit.decision.loans import RAP_YEARS

        person, assumptions, income, wages, rows = self.person, self.assumptions, self.income, self.wages, self.rows
        horizon = person.horizon_years
        if self.terms is None:
            return np.zeros((rows, horizon))
        size, first, real = self.size, self.first, self.real
        yearly = np.repeat(self.fixed[None, :], rows, axis=0)
        interest = np.repeat(self.fixed_interest[None, :], rows, axis=0)
        taxes = Taxes(assumptions)
        if self.rap and plan is not None:
            times = first + np.arange(12 * RAP_YEARS) / 12
            months = times.astype(np.intp)
            worth = real**-times
            _add_by_year(yearly, months, _by_month(-(plan.payment / 12), worth))
            _add_by_year(interest, months, _by_month(plan.interest_charged / 12, worth))
            if not taxes.linear and income is not None:
                yearly[:, months[-1]] -= _tax_on_forgiveness(plan.forgiven.sum(axis=-1) * worth[-1], wages[:, months[-1]], taxes)
        if not taxes.linear and income is not None:
            # IRC section 221: interest paid is deducted above the line (up to $2,500, phased out by MAGI).
            from mlkit.decision.tax import student_loan_interest_deduction

            paying = np.flatnonzero(interest.any(axis=0))  # the years with interest paid: the only ones the deduction changes
            if paying.size:
                earned = np.broadcast_to(wages, interest.shape)[:, paying]
                deduction = student_loan_interest_deduction(interest[:, paying], earned, year=taxes.year, filing_status=taxes.status)
                yearly[:, paying] += np.where(deduction > 0, taxes.net(earned, above_the_line=deduction) - taxes.net(earned), 0.0)
        discount = discount_factors(assumptions.discount_rate, size)
        out = yearly[:, :horizon].copy()
        out[:, -1] += yearly[:, horizon:] @ discount[horizon:] / discount[horizon - 1]
        return out


def _tax_on_forgiveness(forgiven: np.ndarray, wages: np.ndarray, taxes: Taxes) -> np.ndarray:
    """Federal income tax on a balance forgiven under RAP (today's dollars), on top of that year's wages.

    Since 2026 a balance forgiven under an income-driven plan is taxable income (IRC section
    108(f)(5) excluded only discharges before 1 January 2026; ``tax.idr_forgiveness_taxable``):
    the extra federal income tax is the tax on wages plus the forgiven balance less the tax on
    the wages alone. It is not wages, so no payroll tax; state treatment varies and is left out.
    """
    from mlkit.decision.figures import value
    from mlkit.decision.tax import federal_income_tax, standard_deduction

    if not value("tax.idr_forgiveness_taxable") or not np.any(forgiven > 0):
        return np.zeros_like(forgiven)
    taxable = np.maximum(wages - standard_deduction(year=taxes.year, filing_status=taxes.status), 0.0)
    return (federal_income_tax(taxable + forgiven, year=taxes.year, filing_status=taxes.status)
            - federal_income_tax(taxable, year=taxes.year, filing_status=taxes.status))


def _by_month(yearly: np.ndarray, worth: np.ndarray) -> np.ndarray:
    """``np.repeat(yearly, 12, axis=-1) * worth``: each year's amount in each of its months, times that month's ``worth``."""
    return (yearly[..., None] * worth.reshape(-1, 12)).reshape(yearly.shape[:-1] + (-1,))


def _add_by_year(rows: np.ndarray, years: np.ndarray, values: np.ndarray) -> None:
    """Add each column of ``values`` (shape ``(n, m)``) to ``rows`` at the column ``years[j]`` (non-decreasing)."""
    starts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])
    rows[:, years[starts]] += np.add.reduceat(values, starts, axis=-1)


def _interest_shares(loans, schedule, plan: str) -> list[float]:
    """Share of each level-payment stream of ``schedule`` that is interest (private first, then federal).

    A level-payment stream: ``1 - balance / total paid``; the same share is applied to every
    payment (an approximation: early payments carry more interest). On RAP the federal
    interest comes from the plan's own schedule instead.
    """
    groups = [[loan for loan in loans if loan.kind == "private"], [loan for loan in loans if loan.kind != "private"]]
    shares = []
    for (payment, months), group in zip(schedule, groups):
        paid = float(payment) * months
        owed = sum(loan.principal + loan.accrued_interest for loan in group)
        shares.append(max(0.0, 1 - owed / paid) if paid > 0 else 0.0)
    return shares


def financing_cost(
    option: Option, person: Person, assumptions: Assumptions, study_years: float | None = None, salary: float | None = None,
    *, branch: str | None = None,
) -> float:
    """Present value of the loans' cost (payments minus money received, discounted; positive = a cost).

    ``salary`` and ``branch`` as for :func:`loan_flows`.
    """
    series = loan_flows(option, person, assumptions, study_years, salary, branch=branch)
    return -float(series @ discount_factors(assumptions.discount_rate, series.size))


def branch_financing_costs(option: Option, person: Person, assumptions: Assumptions) -> np.ndarray:
    """:func:`financing_cost` of the three branches (land, fall back, drop out) at their point salaries, shape ``(3,)``."""
    discount = discount_factors(assumptions.discount_rate, person.horizon_years)
    return np.array([-float(_branch_loans(option, person, assumptions, b) @ discount) for b in branches(option, person, assumptions)])


def _branch_loans(option: Option, person: Person, assumptions: Assumptions, branch: Branch) -> np.ndarray:
    """The loan flows of ``branch`` at its point salary (read-only, cached)."""
    income = branch_income(option, person, branch) if loans_follow_salary(option, assumptions) else None
    return _loan_flows(option, person, assumptions, float(branch.study_end), income)


def clear_caches() -> None:
    """Forget every table computed for a person, an option or an assumption (what a new scenario starts without).

    The shipped figures and tax brackets, read once per process, are kept. For benchmarks
    that time the model as a change in the workbook meets it ("cold").
    """
    for cached in (branch_tables, _fixed_loan_flows, _net_of_share, _net_of_salary, _net_of_study, _stage):
        cached.cache_clear()
    _LOAN_FLOWS.clear()
    _PREPARED.clear()
