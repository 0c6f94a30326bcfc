"""Results of the deterministic model: NPV, break-even, IRR and loans, per option and branch.

- **NPV**: ``numpy_financial.npv(rate, flows)``; year 0 (the first year of study) is not
  discounted, every later year ``t`` by ``(1 + rate) ** t``.
- **Break-even**: the first year from which the cumulative discounted flow stays above
  zero to the horizon, counted from 1 (year 1 is the first year of study); ``None``
  ("never") when it does not.
- **IRR**: only when the flows change sign exactly once (then it is unique); otherwise
  ``irr`` is ``None`` and ``irr_reason`` says why.
- **Expected value**: flows weighted by the branch probabilities; NPV is linear, so the
  expected NPV equals the probability-weighted branch NPVs.
- **Financing**: each branch's flows include its loans (money received at each
  disbursement, net of fees, minus the plan's payments; see
  :func:`mlkit.decision.cashflows.loan_flows`), so the NPV, break-even, IRR and the verdict
  include the cost of borrowing; ``npv_loan_free`` is the same without loans and
  ``financing_cost`` the difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy_financial as npf

from mlkit.decision.cashflows import BRANCHES, branch_flows, loans_follow_salary, scenario_tables
from mlkit.decision.inputs import Scenario
from mlkit.decision.loans import LoanSummary, summarise

HORIZON_VIEWS = (5, 10, 20, 30, 40)
_TINY = 1e-6  # dollars: smaller flows count as zero


def npv(rate: float, flows: np.ndarray) -> float:
    """Net present value with year 0 undiscounted (``numpy_financial.npv``).

    Examples
    --------
    >>> npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000]).__round__(5)
    3065.22267
    """
    return float(npf.npv(rate, np.asarray(flows, dtype=float)))


def break_even_year(rate: float, flows: np.ndarray) -> int | None:
    """First year (1-based) from which the cumulative discounted flow stays positive, else ``None``.

    Examples
    --------
    >>> break_even_year(0.0, [-100, 60, 60])  # cumulative -100, -40, 20: positive in year 3
    3
    >>> break_even_year(0.0, [-100, 50, 50]) is None
    True
    """
    values = np.asarray(flows, dtype=float)
    cumulative = np.cumsum(values * (1 + rate) ** -np.arange(values.size))
    positive = cumulative > _TINY
    if not positive[-1]:
        return None
    not_positive = np.flatnonzero(~positive)
    return int(not_positive[-1] + 2) if not_positive.size else 1


def sign_changes(flows: np.ndarray) -> int:
    """How many times the flows change sign (zeros skipped)."""
    values = np.asarray(flows, dtype=float)
    signs = np.sign(values[np.abs(values) > _TINY])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def irr_or_reason(flows: np.ndarray) -> tuple[float | None, str]:
    """The IRR when the flows change sign exactly once, else ``(None, reason)``.

    Examples
    --------
    >>> round(irr_or_reason([-100, 39, 59, 55, 20])[0], 5)
    0.28095
    >>> irr_or_reason([-100, 100, 0, -7])
    (None, 'the flows change sign 2 times, so the rate of return is not unique; use the NPV')
    """
    values = np.asarray(flows, dtype=float)
    material = values[np.abs(values) > _TINY]
    if material.size == 0:
        return None, "no difference from staying"
    changes = sign_changes(values)
    if changes == 0:
        if material[0] < 0:
            return None, "the flows never turn positive: the option never pays back, so it has no rate of return"
        return None, "the flows are never negative: nothing is invested, so a rate of return is not defined"
    if changes > 1:
        return None, f"the flows change sign {changes} times, so the rate of return is not unique; use the NPV"
    rate = float(npf.irr(values))
    if not np.isfinite(rate):
        return None, "numpy-financial found no rate of return for these flows"
    return rate, ""


@dataclass(frozen=True)
class BranchResult:
    """One outcome branch of an option on its own."""

    name: str
    probability: float
    flows: np.ndarray
    npv: float
    break_even_year: int | None
    irr: float | None
    irr_reason: str

    def to_dict(self, with_flows: bool = False) -> dict:
        out = {
            "probability": self.probability,
            "npv": self.npv,
            "break_even_year": self.break_even_year,
            "irr": self.irr,
            "irr_reason": self.irr_reason,
        }
        if with_flows:
            out["flows"] = self.flows.tolist()
        return out


@dataclass(frozen=True)
class OptionResult:
    """Everything the deterministic model says about one option.

    Attributes
    ----------
    flows : numpy.ndarray
        Expected incremental flow per year (option minus stay, probability-weighted).
    npv : float
        Expected NPV at the scenario's discount rate over the horizon.
    npv_by_horizon : dict of int to float
        The expected NPV counting only the first 5, 10, 20, 30, 40 years (those within the horizon).
    break_even_year, irr, irr_reason
        See :func:`break_even_year` and :func:`irr_or_reason`, for the expected flows.
    branches : dict of str to BranchResult
        ``land``, ``fallback`` and ``dropout``.
    loan : LoanSummary or None
        The financing view.
    npv_loan_free : float
        The expected NPV as if the costs were paid without borrowing (equal to ``npv`` without loans).
    financing_cost : float
        ``npv_loan_free - npv``: the present value of the loans' interest and fees on the plan
        chosen, probability-weighted over the branches (a dropout borrows less).
    """

    name: str
    kind: str
    total_direct_cost: float
    flows: np.ndarray
    npv: float
    npv_by_horizon: dict[int, float]
    break_even_year: int | None
    irr: float | None
    irr_reason: str
    branches: dict[str, BranchResult]
    loan: LoanSummary | None
    npv_loan_free: float = 0.0
    financing_cost: float = 0.0

    @property
    def is_baseline(self) -> bool:
        """True when the option does not differ from staying (all flows zero)."""
        return not np.any(np.abs(self.flows) > _TINY)

    def to_dict(self, with_flows: bool = False) -> dict:
        out = {
            "name": self.name,
            "kind": self.kind,
            "total_direct_cost": self.total_direct_cost,
            "npv": self.npv,
            "npv_loan_free": self.npv_loan_free,
            "financing_cost": self.financing_cost,
            "npv_by_horizon": {str(k): v for k, v in self.npv_by_horizon.items()},
            "break_even_year": self.break_even_year,
            "irr": self.irr,
            "irr_reason": self.irr_reason,
            "branches": {k: b.to_dict(with_flows) for k, b in self.branches.items()},
            "loan": self.loan.to_dict() if self.loan else None,
        }
        if with_flows:
            out["flows"] = self.flows.tolist()
        return out


@dataclass(frozen=True)
class Evaluation:
    """The deterministic results of a scenario: one :class:`OptionResult` per option."""

    scenario: Scenario
    options: tuple[OptionResult, ...]

    @property
    def best(self) -> str:
        """Name of the option with the highest expected NPV (the first one on a tie)."""
        return max(self.options, key=lambda r: r.npv).name

    def option(self, name: str) -> OptionResult:
        return next(r for r in self.options if r.name == name)

    def to_dict(self, with_flows: bool = False) -> dict:
        return {
            "horizon_years": self.scenario.person.horizon_years,
            "discount_rate": self.scenario.assumptions.discount_rate,
            "best_option": self.best,
            "options": [r.to_dict(with_flows) for r in self.options],
        }


def evaluate(scenario: Scenario) -> Evaluation:
    """Cash flows, NPV, break-even, IRR, branches and loans for every option.

    Examples
    --------
    >>> from mlkit.decision.inputs import Assumptions, Option, Person, Scenario
    >>> s = Scenario(Person(age=30, salary=60_000, salary_growth=0.0, retirement_age=35),
    ...              (Option("Stay"), Option("Course", "certificate", years=1, tuition_per_year=1_000,
    ...                                     p_land_role=1.0, target_salary=70_000)), Assumptions(pre_tax=True))
    >>> result = evaluate(s).option("Course")
    >>> result.flows.tolist()
    [-1000.0, 10000.0, 10000.0, 10000.0, 10000.0]
    """
    rate = scenario.assumptions.discount_rate
    # The land branches' loans that follow the salary are tabulated for all such options at once.
    scenario_tables([o for o in scenario.options if loans_follow_salary(o, scenario.assumptions)], scenario.person, scenario.assumptions)
    results = []
    for option in scenario.options:
        parts = branch_flows(option, scenario.person, scenario.assumptions)
        expected = sum(p * f for p, f in parts.values())
        loan_free = sum(p * f for p, f in branch_flows(option, scenario.person, scenario.assumptions, with_loans=False).values())
        value_loan_free = npv(rate, loan_free)
        branch_results = {}
        for name in BRANCHES:
            probability, series = parts[name]
            branch_irr, branch_reason = irr_or_reason(series)
            branch_results[name] = BranchResult(
                name, probability, series, npv(rate, series), break_even_year(rate, series), branch_irr, branch_reason
            )
        value, reason = irr_or_reason(expected)
        results.append(
            OptionResult(
                name=option.name,
                kind=option.kind,
                total_direct_cost=option.total_direct_cost,
                flows=expected,
                npv=npv(rate, expected),
                npv_by_horizon={h: npv(rate, expected[:h]) for h in HORIZON_VIEWS if h <= expected.size},
                break_even_year=break_even_year(rate, expected),
                irr=value,
                irr_reason=reason,
                branches=branch_results,
                loan=summarise(option.with_loans(scenario.assumptions.start), scenario.person, scenario.assumptions),
                npv_loan_free=value_loan_free,
                financing_cost=value_loan_free - npv(rate, expected),
            )
        )
    return Evaluation(scenario, tuple(results))


def expected_npvs(scenario: Scenario) -> np.ndarray:
    """Expected NPV of every option, in scenario order (the fast path sensitivity uses).

    Equal to ``[r.npv for r in evaluate(scenario).options]`` without building the flows.
    """
    from mlkit.decision.cashflows import branch_tables, branches

    out = np.empty(len(scenario.options))
    for i, option in enumerate(scenario.options):
        tables = branch_tables(option, scenario.person, scenario.assumptions)
        land, fallback, dropout = branches(option, scenario.person, scenario.assumptions)
        values = (
            tables.land_expected(land.work_start, land.salary),
            float(tables.branch_value(1, np.array(fallback.work_start))),
            float(tables.branch_value(2, np.array(dropout.work_start))),
        )
        out[i] = float(np.dot([land.probability, fallback.probability, dropout.probability], values))
    return out
