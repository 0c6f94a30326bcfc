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
from mlkit.decision.financing import PLANS, Financing, check_cost_of_attendance, check_financing, resolve  # noqa: F401 - PLANS: the previous release's name
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
FILING_STATUSES = ("single", "married_filing_jointly")


def default_state_rate() -> float:
    """The shipped effective state income tax rate (``tax.state.effective_rate``), else 0 (none shipped: state tax left out unless entered)."""
    from mlkit.decision.figures import all_figures, value

    key = "tax.state.effective_rate"
    return value(key) if any(f.key == key for f in all_figures()) else 0.0
#: Option fields in dollars (checked against :data:`mlkit.decision.validation.RANGES`).
MONEY_FIELDS = (
    "tuition_per_year", "programme_price", "fees_per_year", "extra_housing_per_month", "relocation",
    "caregiving_per_year", "health_insurance_per_year", "lost_benefits_per_year", "scholarships_per_year",
    "employer_aid_per_year", "study_income_per_year", "senior_premium",
)
#: Option fields paid or received per year of study: they need ``years > 0``.
YEARLY_FIELDS = (
    "tuition_per_year", "fees_per_year", "extra_housing_per_month", "caregiving_per_year", "health_insurance_per_year",
    "lost_benefits_per_year", "scholarships_per_year", "employer_aid_per_year", "study_income_per_year",
)


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
        check.check_fields(self, "person", where, ("age", "salary", "salary_growth", "retirement_age"))
        if self.horizon_years < 1:
            raise InputError(
                f"person.retirement_age = {self.retirement_age:g} with age = {self.age:g} leaves no working year; "
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
    health_insurance_per_year : float
        Student health insurance bought while studying (when the employer's cover is lost).
    lost_benefits_per_year : float
        Employer benefits given up while studying (retirement match, cover not replaced);
        a cost, not borrowable.
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
    study_income_per_year : float
        Income from an internship or part-time work while studying (today's dollars a year
        of study), on top of the share of the current salary kept.
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
    entry_salary : float or None
        Starting salary in the target role; default: the role's shipped entry salary scaled to
        the target (``target * role entry / role average``), or the target itself (no career
        stages) for a target without a role.
    years_to_average : float or None
        Years in the role from the entry salary to the target (the all-levels average),
        geometric in between (:func:`mlkit.decision.salary_path.salary_path`); default: the
        shipped ``salary.years_to_average``.
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
    health_insurance_per_year: float = 0.0
    lost_benefits_per_year: float = 0.0
    scholarships_per_year: float = 0.0
    employer_aid_per_year: float = 0.0
    income_share_while_studying: float = 1.0
    study_income_per_year: float = 0.0
    p_complete: float = 1.0
    p_land_role: float = 0.0
    target_role: str | None = None
    target_salary: float | None = None
    target_salary_range: tuple[float, float] | None = None
    entry_salary: float | None = None
    years_to_average: float | None = None
    fallback_salary: float | None = None
    job_search_months: float = 0.0
    senior_premium: float = 0.0
    senior_after_years: float = 5.0
    financing: Financing = field(default_factory=Financing)

    def __post_init__(self) -> None:
        check.text("option ", "name", self.name)
        where = f'option "{self.name}": '
        check.choice(where, "kind", self.kind, KINDS)
        check.check_fields(self, "option", where, MONEY_FIELDS + (
            "years", "income_share_while_studying", "p_complete", "p_land_role", "job_search_months", "senior_after_years",
        ))
        if self.target_role is not None:
            check.choice(where, "target_role", self.target_role, roles())
        for name in ("target_salary", "fallback_salary", "entry_salary", "years_to_average"):
            if getattr(self, name) is not None:
                check.check_fields(self, "option", where, (name,))
        if self.entry_salary == 0:
            raise check.fail(where, "entry_salary", self.entry_salary,
                             "a starting salary of $0 in the target role; give the salary you expect to start at, or leave "
                             "it out for the default (the role's entry salary scaled to the target)")
        if self.target_salary_range is not None:
            low_high = self.target_salary_range
            if not isinstance(low_high, (tuple, list)) or len(low_high) != 2:
                raise check.fail(where, "target_salary_range", low_high, "expected [low, high]")
            low, high = (check.checked(where, "option", "target_salary_range", v) for v in low_high)
            if not 0 < low < high:
                raise check.fail(where, "target_salary_range", list(low_high), "expected 0 < low < high")
            if high > check.MAX_RANGE_RATIO * low:
                raise check.fail(where, "target_salary_range", list(low_high),
                                 f"the high end is more than {check.MAX_RANGE_RATIO} times the low end; give the range of "
                                 "salaries the role pays, e.g. [72600, 170000]")
            object.__setattr__(self, "target_salary_range", (low, high))
        if self.p_land_role > 0 and self.target_role is None and self.target_salary is None:
            raise InputError(
                f"{where}p_land_role = {self.p_land_role:g} but no target_role or target_salary; "
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
        self._check_costs(where)

    def _check_costs(self, where: str) -> None:
        """A programme of 0 years has no yearly costs; aid never exceeds the cost it pays for."""
        if self.years == 0:
            yearly = [n for n in YEARLY_FIELDS if getattr(self, n) > 0]
            if yearly:
                raise InputError(
                    f"{where}{yearly[0]} = {getattr(self, yearly[0]):g} but years = 0: yearly costs and aid are paid over "
                    "the years of study; give the programme's length in years (0.27 for 14 weeks), or enter a one-off "
                    "price as programme_price"
                )
        aid = self.scholarships_per_year + self.employer_aid_per_year
        gross = self.gross_annual_cost + (self.programme_price / self.years if self.years else 0.0)
        if aid > gross + 1e-6:
            raise InputError(
                f"{where}scholarships_per_year + employer_aid_per_year = {aid:,.2f}: above the cost they pay for "
                f"(${gross:,.2f} a year: tuition, fees, housing, caregiving, insurance and the programme price spread over "
                "the years); aid is subtracted from the cost of study and cannot turn it into income; "
                "lower the aid to at most the cost"
            )

    @property
    def gross_annual_cost(self) -> float:
        """Yearly cost of studying before aid (tuition, fees, extra housing, caregiving, health insurance, lost benefits)."""
        return (
            self.tuition_per_year + self.fees_per_year + 12 * self.extra_housing_per_month + self.caregiving_per_year
            + self.health_insurance_per_year + self.lost_benefits_per_year
        )

    @property
    def annual_cost(self) -> float:
        """Yearly cost of studying net of aid (:attr:`gross_annual_cost` - scholarships - employer aid)."""
        return self.gross_annual_cost - self.scholarships_per_year - self.employer_aid_per_year

    @property
    def cost_of_attendance_per_year(self) -> float:
        """What may be borrowed each year of study: tuition, fees, housing, caregiving and insurance,
        plus the one-off costs (programme price, relocation) spread over the years, less aid."""
        if self.years == 0:
            return 0.0
        return self.annual_cost - self.lost_benefits_per_year + self.upfront_cost / self.years

    def loans(self, start: date) -> Financing:
        """The financing with explicit yearly amounts (:func:`~mlkit.decision.financing.resolve`)."""
        return resolve(self.financing, cost_per_year=self.cost_of_attendance_per_year, graduate=self.kind in GRADUATE_KINDS, start=start)

    def with_loans(self, start: date) -> Option:
        """This option with :meth:`loans` as its financing (what the loan arithmetic reads)."""
        if self.financing.borrow_share is None:
            return self
        import dataclasses

        return dataclasses.replace(self, financing=self.loans(start))

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

    def career_stage(self, person: Person) -> tuple[float, float]:
        """(entry / target, years to the target): the career path of the target role.

        ``(1.0, 0.0)`` means the target salary from the first day in the role.
        """
        from mlkit.decision.salary_path import default_years_to_average, entry_salary

        target = self.target_salary_value(person)
        if target <= 0:
            return 1.0, 0.0
        entry = self.entry_salary
        if entry is None and self.target_role is not None:
            published = entry_salary(self.target_role)
            entry = None if published is None else target * published / roles()[self.target_role]
        if entry is None or entry <= 0:
            return 1.0, 0.0
        years = default_years_to_average() if self.years_to_average is None else self.years_to_average
        return min(entry / target, 1.0), float(years)

    def fallback_salary_value(self, person: Person) -> float:
        """Salary after completing without the role (default: the current salary)."""
        return person.salary if self.fallback_salary is None else self.fallback_salary

    def salary_spread(self, coverage: float, person: Person | None = None) -> tuple[float, float]:
        """(median, sigma) of the lognormal the Monte Carlo draws the target salary from.

        One model of uncertainty: the lognormal's *mean* is the point target salary the
        expected-value NPV uses (:meth:`target_salary_value`), so the simulation's mean
        converges to the expected NPV, and typing the role's figure as ``target_salary``
        gives the same draws as naming the role. The range (own, else the role's published
        one, else the ML engineer range) sets the spread only: read as the central
        ``coverage`` interval, ``sigma = ln(high / low) / (2 z)`` with ``z`` the standard
        normal quantile of ``(1 + coverage) / 2``; then ``median = target * exp(-sigma^2 / 2)``.

        Parameters
        ----------
        coverage : float
            Central share of the distribution the range covers (0.5 to 0.99).
        person : Person, optional
            For an option without a target role or salary, whose target is the current salary.
        """
        z = normal_quantile((1 + coverage) / 2)
        span = self.target_salary_range
        if span is None and self.target_role is not None:
            span = salary_range(self.target_role)
        if span is None:
            span = salary_range("ml_engineer")
        low, high = span
        sigma = math.log(high / low) / (2 * z)
        if person is not None:
            centre = self.target_salary_value(person)
        else:
            centre = self.target_salary if self.target_salary is not None else roles().get(self.target_role or "", 0.0)
        return centre * math.exp(-sigma**2 / 2), sigma


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
    inflation : float
        Yearly inflation turning the loans' nominal payments into today's dollars (the model's
        other flows are real). Default 0.02: the Federal Reserve's longer-run inflation goal
        (FOMC, Statement on Longer-Run Goals and Monetary Policy Strategy).
    pre_tax : bool
        Compare earnings before tax (like FREOPP). Default false: after tax, from the federal
        brackets of the first year of study, payroll taxes and ``state_rate`` (see
        :mod:`mlkit.decision.tax`), with the Lifetime Learning Credit on graduate tuition,
        IRC section 127's exclusion of employer aid and the student-loan interest deduction.
    state_rate : float or None
        Effective state income tax rate on AGI (fraction, 0 to 0.15). Default 0: **state income
        tax is not included unless you enter your state's rate** (several states levy none on
        wages; elsewhere the effective rate depends on the state and the income, and the kit
        ships no citable national average). A ``tax.state.effective_rate`` row in
        ``decision_figures.csv`` would become the default.
    filing_status : {"single", "married_filing_jointly"}
        For the federal brackets, the standard deduction and the phase-outs.

    ``after_tax`` and ``tax_rate`` are the previous release's flat effective tax: with
    ``after_tax`` true (and ``pre_tax`` false) earnings are taxed at ``tax_rate`` instead of
    the brackets; ``tax_rate`` also gives take-home pay in the loan view.
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
    inflation: float = 0.02
    pre_tax: bool = False
    state_rate: float | None = None
    filing_status: str = "single"

    def __post_init__(self) -> None:
        where = "assumptions."
        check.flag(where, "pre_tax", self.pre_tax)
        if self.state_rate is None:
            object.__setattr__(self, "state_rate", default_state_rate())
        check.check_fields(self, "assumptions", where, ("state_rate",))
        check.choice(where, "filing_status", self.filing_status, FILING_STATUSES)
        check.check_fields(self, "assumptions", where, ("discount_rate", "tax_rate", "dropout_point", "draws", "seed",
                                                         "probability_concentration", "salary_range_coverage", "inflation"))
        check.flag(where, "after_tax", self.after_tax)
        object.__setattr__(self, "start_date", check.iso_date(where, "start_date", self.start_date).isoformat())
        check.choice(where, "monte_carlo", self.monte_carlo, MONTE_CARLO_MODES)
        check.flag(where, "draw_probabilities", self.draw_probabilities)

    @property
    def start(self) -> date:
        return date.fromisoformat(self.start_date)

    @property
    def tax_model(self) -> str:
        """``"none"`` (pre-tax), ``"flat"`` (the previous release's ``after_tax`` at ``tax_rate``) or ``"brackets"``."""
        if self.pre_tax:
            return "none"
        return "flat" if self.after_tax else "brackets"


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
        self._check_salary_paths()
        for option in self.options:
            if 0 < option.years < check.MIN_YEARS:
                raise check.fail(f'option "{option.name}": ', "years", option.years,
                                 "less than a week of study; give the length in years (0.27 for 14 weeks, 2 for two years), "
                                 "or 0 for an option without study")
        for option in self.options:
            if option.years >= horizon:
                raise InputError(
                    f"person.retirement_age = {self.person.retirement_age:g}: the horizon ends after {horizon} years, "
                    f'before option "{option.name}" finishes its {option.years:g} years of study; '
                    "the retirement age must come after the end of every option's study"
                )
        for option in self.options:
            money = option.loans(self.assumptions.start)
            check_financing(money, option=option.name, years=option.years, start=self.assumptions.start)
            check_cost_of_attendance(money, option=option.name, cost_per_year=option.cost_of_attendance_per_year)

    def _check_salary_paths(self) -> None:
        """Refuse a real growth that takes a salary beyond :data:`~mlkit.decision.validation.MAX_PATH_SALARY` by retirement."""
        person = self.person
        growth = (1 + person.salary_growth) ** max(person.horizon_years - 1, 0)
        if growth <= 1:
            return
        top = max([person.salary] + [max(o.target_salary_value(person) + o.senior_premium, o.fallback_salary_value(person))
                                     for o in self.options])
        if top * growth > check.MAX_PATH_SALARY:
            raise check.fail(
                "person.", "salary_growth", person.salary_growth,
                f"over the {person.horizon_years} years to retirement it takes a salary of ${top:,.0f} to "
                f"${top * growth:,.0f} a year, beyond any plausible salary (${check.MAX_PATH_SALARY:,.0f}); real salary "
                "growth is a few percent a year (0.02 for 2%)",
            )

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
