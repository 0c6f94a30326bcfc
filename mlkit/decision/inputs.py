"""What a person tells the model: who they are, the options they weigh, the assumptions.

Every option kind (stay, master's in person / online / hybrid, bootcamp,
certificate, self-study, low-cost online master's) is the same :class:`Option`
dataclass; a kind only sets defaults (see :mod:`mlkit.decision.kinds`) and the
shared cash-flow machinery does the rest. All checks run in ``__post_init__``,
once, when the objects are built (from Python or from JSON); the model trusts
them afterwards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import date

from mlkit.decision import validation as check
from mlkit.decision.financing import PLANS, Financing, check_financing  # noqa: F401 - PLANS: the previous release's name
from mlkit.decision.figures import roles, salary_range
from mlkit.errors import InputError

#: Every option kind, in the order the kit presents them.
KINDS = (
    "stay",
    "masters_in_person",
    "masters_online",
    "masters_hybrid",
    "low_cost_masters",
    "bootcamp",
    "certificate",
    "self_study",
)
#: Kinds that are graduate programmes, and so can be financed with federal graduate loans.
GRADUATE_KINDS = ("masters_in_person", "masters_online", "masters_hybrid", "low_cost_masters")
MONTE_CARLO_MODES = ("outcomes", "expected")


@dataclass(frozen=True)
class Person:
    """The person deciding: their age, current salary and when they expect to retire.

    Parameters
    ----------
    age : float
        Age at the start of the first option's study.
    salary : float
        Current yearly salary (today's dollars, before tax): the "stay" baseline.
    salary_growth : float
        Real yearly growth of salaries (a fraction: 0.02 for 2%).
    retirement_age : float
        The horizon ends at this age.
    """

    age: float = 30
    salary: float = 58_260
    salary_growth: float = 0.02
    retirement_age: float = 65

    def __post_init__(self) -> None:
        where = "person."
        check.number(where, "age", self.age, low=14, high=90)
        check.money(where, "salary", self.salary)
        check.rate(where, "salary_growth", self.salary_growth, low=-0.1, high=0.2)
        check.number(where, "retirement_age", self.retirement_age, low=15, high=100)
        if self.horizon_years < 1:
            raise InputError(
                f"person.retirement_age = {self.retirement_age!r} with age = {self.age!r} leaves no working year; "
                "the retirement age must be at least one year after the current age"
            )

    @property
    def horizon_years(self) -> int:
        """Whole years from now to retirement: the length of every cash-flow series."""
        return int(round(self.retirement_age - self.age))


@dataclass(frozen=True)
class Option:
    """One path a person could take, with its costs and its outcomes.

    Costs are in today's dollars. Outcomes have three branches: complete and land the
    target role (``p_complete * p_land_role``), complete and fall back
    (``p_complete * (1 - p_land_role)``), drop out (``1 - p_complete``).

    Parameters
    ----------
    name : str
        A label unique within the scenario.
    kind : str
        One of :data:`KINDS`; it sets defaults only.
    years : float
        Length of study (0.27 for a 14-week bootcamp).
    tuition_per_year, fees_per_year, caregiving_per_year : float
        Yearly costs while studying (pro rata for part years).
    programme_price : float
        A price paid once at the start (bootcamps, programmes priced as a whole).
    extra_housing_per_month : float
        Housing costs on top of what the person pays now.
    relocation : float
        One-off moving and travel cost at the start.
    scholarships_per_year, employer_aid_per_year : float
        Aid, subtracted from the yearly costs.
    income_share_while_studying : float
        Share of the current salary still earned while studying and while looking for a job
        (0 full-time in person, 1 when keeping the job).
    p_complete, p_land_role : float
        Probability of completing, and of landing the target role once done.
    target_role : str or None
        A role of the shipped table (``ml_engineer``, ``data_scientist``, ``data_engineer``,
        ``software_engineer_ai_ml``); its average salary is the target unless
        ``target_salary`` is given.
    target_salary : float or None
        The person's own figure for the target role's salary.
    target_salary_range : tuple of float or None
        (low, high) range of the target salary for the Monte Carlo; default: the role's
        published range, else the same relative spread around the target.
    fallback_salary : float or None
        Salary after completing without landing the role; default: the current salary.
    job_search_months : float
        Months between the end of study and the new job.
    senior_premium, senior_after_years : float
        Extra yearly salary once senior, and the years in the role before it.
    financing : Financing
        Loans, if any.
    """

    name: str
    kind: str = "stay"
    years: float = 0.0
    tuition_per_year: float = 0.0
    programme_price: float = 0.0
    fees_per_year: float = 0.0
    extra_housing_per_month: float = 0.0
    relocation: float = 0.0
    caregiving_per_year: float = 0.0
    scholarships_per_year: float = 0.0
    employer_aid_per_year: float = 0.0
    income_share_while_studying: float = 1.0
    p_complete: float = 1.0
    p_land_role: float = 0.0
    target_role: str | None = None
    target_salary: float | None = None
    target_salary_range: tuple[float, float] | None = None
    fallback_salary: float | None = None
    job_search_months: float = 0.0
    senior_premium: float = 0.0
    senior_after_years: float = 5.0
    financing: Financing = field(default_factory=Financing)

    def __post_init__(self) -> None:
        check.text("option ", "name", self.name)
        where = f'option "{self.name}": '
        check.choice(where, "kind", self.kind, KINDS)
        check.number(where, "years", self.years, low=0, high=10)
        for name in (
            "tuition_per_year", "programme_price", "fees_per_year", "extra_housing_per_month", "relocation",
            "caregiving_per_year", "scholarships_per_year", "employer_aid_per_year", "senior_premium",
        ):
            check.money(where, name, getattr(self, name))
        check.probability(where, "income_share_while_studying", self.income_share_while_studying)
        check.probability(where, "p_complete", self.p_complete)
        check.probability(where, "p_land_role", self.p_land_role)
        check.number(where, "job_search_months", self.job_search_months, low=0, high=36)
        check.number(where, "senior_after_years", self.senior_after_years, low=0, high=50)
        if self.target_role is not None:
            check.choice(where, "target_role", self.target_role, roles())
        if self.target_salary is not None:
            check.money(where, "target_salary", self.target_salary)
        if self.fallback_salary is not None:
            check.money(where, "fallback_salary", self.fallback_salary)
        if self.target_salary_range is not None:
            low_high = self.target_salary_range
            if not isinstance(low_high, (tuple, list)) or len(low_high) != 2:
                raise check.fail(where, "target_salary_range", low_high, "expected [low, high]")
            low, high = (check.money(where, "target_salary_range", v) for v in low_high)
            if not 0 < low < high:
                raise check.fail(where, "target_salary_range", list(low_high), "expected 0 < low < high")
            object.__setattr__(self, "target_salary_range", (low, high))
        if self.p_land_role > 0 and self.target_role is None and self.target_salary is None:
            raise InputError(
                f"{where}p_land_role = {self.p_land_role!r} but no target_role or target_salary; "
                f"name a role ({', '.join(roles())}) or give target_salary"
            )
        if not isinstance(self.financing, Financing):
            raise check.fail(where, "financing", self.financing, "expected a Financing")
        self.financing.check(where + "financing.")
        if self.financing.federal_unsubsidised_per_year + self.financing.grad_plus_per_year > 0 and self.kind not in GRADUATE_KINDS:
            raise InputError(
                f"{where}financing has federal graduate loans but kind = {self.kind!r} is not a graduate programme; "
                f"federal graduate loans are for {', '.join(GRADUATE_KINDS)}: use private_per_year instead"
            )
        if self.financing.borrows and self.years == 0:
            raise InputError(f"{where}financing borrows but years = 0; loans are disbursed over the years of study")

    @property
    def annual_cost(self) -> float:
        """Yearly cost of studying net of aid (tuition, fees, housing, caregiving - aid)."""
        return (
            self.tuition_per_year + self.fees_per_year + 12 * self.extra_housing_per_month + self.caregiving_per_year
            - self.scholarships_per_year - self.employer_aid_per_year
        )

    @property
    def upfront_cost(self) -> float:
        """One-off cost at the start (programme price and relocation)."""
        return self.programme_price + self.relocation

    @property
    def total_direct_cost(self) -> float:
        """Direct cost of completing the option (today's dollars, undiscounted)."""
        return self.annual_cost * self.years + self.upfront_cost

    def target_salary_value(self, person: Person) -> float:
        """The target role's yearly salary (own figure, else the role table; else the current one)."""
        if self.target_salary is not None:
            return self.target_salary
        if self.target_role is not None:
            return roles()[self.target_role]
        return person.salary

    def fallback_salary_value(self, person: Person) -> float:
        """Salary after completing without the role (default: the current salary)."""
        return person.salary if self.fallback_salary is None else self.fallback_salary

    def salary_spread(self, coverage: float) -> tuple[float, float]:
        """(median, sigma) of the lognormal the Monte Carlo draws the target salary from.

        A range (own, else the role's published one) is read as the central ``coverage``
        interval: ``median = sqrt(low * high)``, ``sigma = ln(high / low) / (2 z)`` with
        ``z`` the standard normal quantile of ``(1 + coverage) / 2``. Without a range the
        median is the point target and sigma is the ML engineer range's sigma.
        """
        z = normal_quantile((1 + coverage) / 2)
        span = self.target_salary_range
        if span is None and self.target_salary is None and self.target_role is not None:
            span = salary_range(self.target_role)
        if span is not None:
            low, high = span
            return math.sqrt(low * high), math.log(high / low) / (2 * z)
        low, high = salary_range("ml_engineer")
        return (self.target_salary or roles().get(self.target_role or "", 0.0)), math.log(high / low) / (2 * z)


@dataclass(frozen=True)
class Assumptions:
    """Model-wide assumptions.

    Parameters
    ----------
    discount_rate : float
        Real yearly discount rate (fraction; FREOPP and federal guidance use 0.03).
    tax_rate : float
        Effective tax on earnings, for take-home pay (and the NPV when ``after_tax``).
    after_tax : bool
        Discount earnings after tax (costs are not deductible). Default: pre-tax, like FREOPP.
    dropout_point : float
        Share of the programme done by someone who drops out (they pay for that share).
    start_date : str
        First day of study, ``YYYY-MM-DD``; loans are first disbursed then, which decides
        the loan rules (1 July 2026 is the cut-off).
    draws, seed : int
        Monte Carlo draws and the seed that makes them repeatable.
    monte_carlo : {"outcomes", "expected"}
        What one draw is: ``outcomes`` (default) draws which branch happens to the person, so
        the spread and the chance of loss include dropping out and missing the role;
        ``expected`` weights the three branches by (drawn) probabilities, so the spread is
        the uncertainty of the expected value only.
    draw_probabilities : bool
        In ``expected`` mode, draw ``p_complete`` and ``p_land_role`` from beta distributions
        around the given values (concentration ``probability_concentration``) instead of
        fixing them. In ``outcomes`` mode it changes nothing: a branch drawn with a
        beta-distributed probability happens exactly as often as with its mean.
    salary_range_coverage : float
        The central share of the lognormal a published salary range covers.
    """

    discount_rate: float = 0.03
    tax_rate: float = 0.30
    after_tax: bool = False
    dropout_point: float = 0.5
    start_date: str = "2027-08-16"
    draws: int = 10_000
    seed: int = 0
    monte_carlo: str = "outcomes"
    draw_probabilities: bool = True
    probability_concentration: float = 20.0
    salary_range_coverage: float = 0.90

    def __post_init__(self) -> None:
        where = "assumptions."
        check.rate(where, "discount_rate", self.discount_rate, low=0.0, high=0.5)
        check.rate(where, "tax_rate", self.tax_rate, low=0.0, high=0.9)
        check.flag(where, "after_tax", self.after_tax)
        check.probability(where, "dropout_point", self.dropout_point)
        object.__setattr__(self, "start_date", check.iso_date(where, "start_date", self.start_date).isoformat())
        check.number(where, "draws", self.draws, low=1, high=10_000_000, integer=True)
        check.number(where, "seed", self.seed, low=0, integer=True)
        check.choice(where, "monte_carlo", self.monte_carlo, MONTE_CARLO_MODES)
        check.flag(where, "draw_probabilities", self.draw_probabilities)
        check.number(where, "probability_concentration", self.probability_concentration, low=2, high=1e6)
        check.number(where, "salary_range_coverage", self.salary_range_coverage, low=0.5, high=0.99)

    @property
    def start(self) -> date:
        return date.fromisoformat(self.start_date)


@dataclass(frozen=True)
class Scenario:
    """A person, the options they weigh, and the assumptions: everything the model needs.

    Checks that involve more than one object run here: at least one option, unique
    names, a horizon that ends after every option's study, loan limits.

    Examples
    --------
    >>> from mlkit.decision.inputs import Option, Person, Scenario
    >>> s = Scenario(Person(age=30, salary=60_000), (Option("Stay"),))
    >>> s.person.horizon_years
    35
    """

    person: Person
    options: tuple[Option, ...]
    assumptions: Assumptions = field(default_factory=Assumptions)

    def __post_init__(self) -> None:
        if not isinstance(self.options, (tuple, list)) or not self.options:
            raise InputError(f"options = {list(self.options) if isinstance(self.options, (tuple, list)) else self.options!r}: the list of options is empty; add at least one option (e.g. staying in the current job and one alternative)")
        object.__setattr__(self, "options", tuple(self.options))
        names = [o.name for o in self.options]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise InputError(f"options: the name {duplicates[0]!r} is used more than once; give each option its own name")
        horizon = self.person.horizon_years
        for option in self.options:
            if option.years >= horizon:
                raise InputError(
                    f"person.retirement_age = {self.person.retirement_age!r}: the horizon ends after {horizon} years, "
                    f'before option "{option.name}" finishes its {option.years:g} years of study; '
                    "the retirement age must come after the end of every option's study"
                )
        for option in self.options:
            check_financing(option.financing, option=option.name, years=option.years, start=self.assumptions.start)

    def option(self, name: str) -> Option:
        for candidate in self.options:
            if candidate.name == name:
                return candidate
        raise InputError(f"no option named {name!r}; options: {', '.join(o.name for o in self.options)}")


def field_names(cls: type) -> tuple[str, ...]:
    """The dataclass field names of ``cls`` (the keys its JSON object may have)."""
    return tuple(f.name for f in fields(cls))


def normal_quantile(p: float) -> float:
    """The standard normal quantile (inverse CDF)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)
