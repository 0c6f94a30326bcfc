"""Where each input's value comes from: a shipped figure (with its source) or the person.

The workbook shows a source next to every control and the report lists it with every
input. A value is credited to a shipped figure when it equals that figure (or the figure
as an option kind uses it: a bootcamp's 14 weeks as 0.2692 years, OMSCS's $7,000 total as
a yearly tuition over three years); any other value is the person's own, and the source
then names the default it replaced.

Examples
--------
>>> from mlkit.decision.scenario import example_scenario
>>> s = example_scenario()
>>> source_of(s, "person", "salary").text
'US Bureau of Labor Statistics, 2021'
>>> source_of(s, "In-person master's (CMU-priced)", "tuition_per_year").key
'tuition.cmu_ml_masters'
>>> source_of(s, "person", "age").text
'your figure'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from mlkit.decision.figures import Figure, figure
from mlkit.decision.inputs import Assumptions, Financing, Option, Scenario

#: A candidate figure for a field, and how an option turns the figure into the field's value.
Candidate = tuple[str, Callable[[Option], float]]


def _same(option: Option) -> float:
    return 1.0


def _per_year_of(option: Option) -> float:
    return 1.0 / option.years if option.years else 0.0


#: Fields of the person and of the assumptions, with the figure each default comes from.
PERSON_FIGURES: dict[str, str] = {
    "salary": "salary.all_occupations",
    "salary_growth": "method.wage_growth",
    "retirement_age": "method.retirement_age",
}
ASSUMPTION_FIGURES: dict[str, str] = {
    "discount_rate": "method.discount_rate",
    "tax_rate": "method.tax_rate",
    "dropout_point": "method.dropout_point",
    "draws": "method.draws",
    "salary_range_coverage": "salary.range_coverage",
    "inflation": "method.inflation",
}

#: Option fields: the figures a value may come from, in the order they are tried.
OPTION_FIGURES: dict[str, tuple[Candidate, ...]] = {
    "years": (
        ("masters.full_time.years", _same),
        ("masters.part_time.years", _same),
        ("low_cost_masters.years", _same),
        ("self_study.years", _same),
        ("bootcamp.full_time.weeks", lambda o: 1 / 52),
        ("certificate.months", lambda o: 1 / 12),
    ),
    "tuition_per_year": (
        ("tuition.cmu_ml_masters", _same),
        ("tuition.private_nonprofit", _same),
        ("tuition.public_in_state", _same),
        ("low_cost_masters.omscs.total", _per_year_of),
        ("low_cost_masters.ut_austin.total", _per_year_of),
        ("certificate.monthly", lambda o: 12.0),
    ),
    "programme_price": (("bootcamp.full_time.price", _same), ("bootcamp.part_time.price", _same)),
    "extra_housing_per_month": (("housing.extra_per_month", _same),),
    "relocation": (("masters.relocation", _same),),
    "income_share_while_studying": (
        ("masters.in_person.income_share", _same),
        ("masters.hybrid.income_share", _same),
        ("masters.part_time.income_share", _same),
    ),
    "p_complete": (
        ("completion.selective_full_time", _same),
        ("completion.national", _same),
        ("bootcamp.p_complete", _same),
        ("certificate.p_complete", _same),
        ("self_study.p_complete", _same),
    ),
    "p_land_role": (
        ("outcome.p_land_role", _same),
        ("bootcamp.p_land_role", _same),
        ("certificate.p_land_role", _same),
        ("self_study.p_land_role", _same),
    ),
    "job_search_months": (("outcome.job_search_months", _same),),
    "federal_unsubsidised_per_year": (("loan.unsub_grad.annual_limit", _same),),
    "private_rate": (("loan.private.rate", _same),),
    "private_years": (("loan.private.years", _same),),
}
#: Option fields whose preferred figure depends on the kind (tried first).
KIND_FIRST: dict[tuple[str, str], str] = {
    ("masters_in_person", "p_complete"): "completion.selective_full_time",
    ("bootcamp", "p_complete"): "bootcamp.p_complete",
    ("bootcamp", "p_land_role"): "bootcamp.p_land_role",
    ("certificate", "p_complete"): "certificate.p_complete",
    ("certificate", "p_land_role"): "certificate.p_land_role",
    ("self_study", "p_complete"): "self_study.p_complete",
    ("self_study", "p_land_role"): "self_study.p_land_role",
    ("masters_in_person", "income_share_while_studying"): "masters.in_person.income_share",
    ("masters_hybrid", "income_share_while_studying"): "masters.hybrid.income_share",
    ("low_cost_masters", "years"): "low_cost_masters.years",
}


@dataclass(frozen=True)
class Source:
    """Where one input's value comes from.

    Attributes
    ----------
    key : str or None
        The shipped figure's key, or ``None`` for the person's own figure.
    text : str
        What to show: ``"<source>, <year>"`` (``"; an assumption"`` added for estimates and
        modelling choices), or ``"your figure"``.
    note : str
        The figure's note, or for the person's own figure the default it replaced.
    assumption : bool
        True for an estimate or modelling choice rather than a published number.
    """

    key: str | None
    text: str
    note: str = ""
    assumption: bool = False

    @property
    def is_own(self) -> bool:
        return self.key is None

    def to_dict(self) -> dict:
        return {"key": self.key, "text": self.text, "note": self.note, "assumption": self.assumption}


def _from_figure(row: Figure) -> Source:
    text = f"{row.source}, {row.year}" + ("; an assumption" if row.assumption else "")
    return Source(row.key, text, row.note, row.assumption)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-3 * max(1.0, abs(a), abs(b))


def _own(default: Figure | None) -> Source:
    if default is None:
        return Source(None, "your figure")
    return Source(None, "your figure", f"default {default.value:g} from {default.source}, {default.year}")


def _default_of(cls: type, field: str) -> object:
    """The dataclass default of ``cls.field`` (``None`` when it has none)."""
    for item in fields(cls):
        if item.name == field:
            return item.default
    return None


def _choice(value: object, default: object) -> Source:
    """The source of a switch or a choice (a plan, a filing status): the kit's default or the person's."""
    return Source(None, "the kit's default") if value == default else Source(None, "your choice")


def source_of(scenario: Scenario, owner: str, field: str) -> Source:
    """The source of ``field`` of ``owner`` (``"person"``, ``"assumptions"`` or an option's name)."""
    if owner in ("person", "assumptions"):
        value = getattr(getattr(scenario, owner), field)
        if owner == "assumptions" and isinstance(value, (bool, str)):
            return _choice(value, _default_of(Assumptions, field))
        if owner == "assumptions" and field == "state_rate":
            from mlkit.decision.inputs import default_state_rate

            return state_rate_default_source() if _close(float(value), default_state_rate()) else _own(None)
        table = PERSON_FIGURES if owner == "person" else ASSUMPTION_FIGURES
        key = table.get(field)
        if key is None:
            return _own(None)
        row = figure(key)
        return _from_figure(row) if _close(float(value), row.value) else _own(row)
    option = scenario.option(owner)
    if field == "target_salary":
        return _target_salary_source(option)
    if field == "fallback_salary" and option.fallback_salary is None:
        return Source(None, "your current salary")
    if field == "entry_salary" and option.entry_salary is None:
        return _entry_salary_source(option)
    if field == "years_to_average" and option.years_to_average is None:
        return _from_figure(figure("salary.years_to_average"))
    financing = field in _FINANCING_NAMES
    value = getattr(option.financing, field) if financing else getattr(option, field)
    if isinstance(value, (bool, str)):
        return _choice(value, _default_of(Financing if financing else Option, field))
    if field == "borrow_share" and value is None:
        return Source(None, "not used: the yearly loan amounts apply")
    if value is None:
        return _own(None)
    if option.kind == "stay":
        return Source(None, "not used when staying")
    if float(value) == 0.0 and field not in ("income_share_while_studying", "p_complete", "p_land_role"):
        return Source(None, "none", "no such cost or amount for this option")
    candidates = list(OPTION_FIGURES.get(field, ()))
    first = KIND_FIRST.get((option.kind, field))
    if first:
        candidates.sort(key=lambda c: c[0] != first)
    for key, factor in candidates:
        row = figure(key, scenario.assumptions.start.year if key.startswith("loan.unsub") else None)
        if _close(float(value), row.value * factor(option)):
            return _from_figure(row)
    return _own(figure(candidates[0][0]) if candidates else None)


def _entry_salary_source(option: Option) -> Source:
    """The default entry salary: the role's shipped entry figure scaled to the target, else the target itself."""
    if option.target_role is None:
        return Source(None, "the target salary (no career stages)")
    row = figure(f"role.{option.target_role}.entry_salary")
    return Source(row.key, f"scaled from {row.source}, {row.year}; an assumption", row.note, True)


def _target_salary_source(option: Option) -> Source:
    if option.target_salary is not None:
        return _own(figure(f"role.{option.target_role}.salary") if option.target_role else None)
    if option.target_role is not None:
        return _from_figure(figure(f"role.{option.target_role}.salary"))
    return Source(None, "your current salary")


#: A person-readable label and a unit for the inputs the workbook and the report show.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "age": ("age", "years"),
    "salary": ("current salary", "$/year"),
    "salary_growth": ("real salary growth", "fraction/year"),
    "retirement_age": ("retirement age", "years"),
    "discount_rate": ("discount rate (real)", "fraction/year"),
    "tax_rate": ("effective tax rate", "fraction"),
    "dropout_point": ("share done when dropping out", "fraction"),
    "draws": ("Monte Carlo draws", "count"),
    "years": ("length of study", "years"),
    "tuition_per_year": ("tuition", "$/year"),
    "programme_price": ("programme price", "$ once"),
    "extra_housing_per_month": ("extra housing", "$/month"),
    "relocation": ("relocation", "$ once"),
    "income_share_while_studying": ("income kept while studying", "fraction"),
    "p_complete": ("chance of completing", "probability"),
    "p_land_role": ("chance of landing the target role", "probability"),
    "target_salary": ("target role's salary", "$/year"),
    "job_search_months": ("job-search gap", "months"),
    "federal_unsubsidised_per_year": ("federal unsubsidised loan", "$/year"),
    "private_per_year": ("private loan", "$/year"),
    "grad_plus_per_year": ("Grad PLUS loan", "$/year"),
    "private_rate": ("private loan rate", "fraction/year"),
    "private_years": ("private loan term", "years"),
    "fees_per_year": ("fees", "$/year"),
    "caregiving_per_year": ("caregiving", "$/year"),
    "health_insurance_per_year": ("student health insurance", "$/year"),
    "lost_benefits_per_year": ("benefits lost while studying", "$/year"),
    "scholarships_per_year": ("scholarships", "$/year"),
    "employer_aid_per_year": ("employer tuition aid", "$/year"),
    "study_income_per_year": ("income from an internship or part-time work while studying", "$/year"),
    "fallback_salary": ("salary if you finish without the role", "$/year"),
    "state_rate": ("state income tax rate (effective)", "fraction"),
    "inflation": ("inflation (turns loan payments into today's dollars)", "fraction/year"),
    "pre_tax": ("earnings compared", "after or before tax"),
    "filing_status": ("tax filing status", "single or married filing jointly"),
    "plan": ("federal repayment plan", "plan"),
    "borrow_share": ("share of the cost of attendance borrowed", "fraction; blank: the yearly loans above"),
    "dependants": ("dependants on your tax return", "people"),
    "entry_salary": ("starting salary in the target role", "$/year; blank: the default"),
    "years_to_average": ("years from the starting salary to the target", "years; blank: the default"),
}
PERSON_FIELDS = ("age", "salary", "salary_growth", "retirement_age")
ASSUMPTION_FIELDS = ("discount_rate", "tax_rate", "dropout_point")
OPTION_FIELDS = (
    "years", "tuition_per_year", "programme_price", "extra_housing_per_month", "relocation",
    "income_share_while_studying", "p_complete", "p_land_role", "target_salary", "job_search_months",
)
#: Further inputs that change the result, listed in the report (the workbook shows the ones above).
REPORT_OPTION_FIELDS = OPTION_FIELDS + (
    "fees_per_year", "caregiving_per_year", "health_insurance_per_year", "lost_benefits_per_year",
    "scholarships_per_year", "employer_aid_per_year", "study_income_per_year", "entry_salary", "years_to_average",
    "fallback_salary",
)
#: Loan inputs the report lists besides, for an option that borrows.
REPORT_FINANCING_FIELDS = ("plan", "dependants", "borrow_share")
REPORT_ASSUMPTION_FIELDS = ASSUMPTION_FIELDS + ("state_rate", "inflation")
FINANCING_FIELDS = ("federal_unsubsidised_per_year", "private_per_year", "private_rate", "private_years")
#: Every field of :class:`~mlkit.decision.inputs.Financing` (an option's field of that name lives in its financing).
_FINANCING_NAMES = frozenset(f.name for f in fields(Financing))


def state_rate_default_source() -> Source:
    """Where the default state income tax rate comes from: a shipped figure, else none (state tax left out)."""
    from mlkit.decision.figures import all_figures

    key = "tax.state.effective_rate"
    if any(f.key == key for f in all_figures()):
        return _from_figure(figure(key))
    return Source(None, "not included unless you enter your state's effective rate",
                  "the kit ships no state rate: no citable national average effective rate was found")


@dataclass(frozen=True)
class InputRow:
    """One input of a scenario with its value and source (for a report or a table)."""

    owner: str
    field: str
    label: str
    unit: str
    value: object
    source: Source


def input_rows(scenario: Scenario, *, every: bool = False) -> list[InputRow]:
    """Every input the workbook shows, with its source: the person, the assumptions, each option.

    With ``every``, also the inputs the report lists besides (fees, aid, insurance, income
    while studying, the career path's starting salary and years, the salary without the role,
    the repayment plan, dependants and share borrowed, the state tax rate, inflation). For "stay"
    only the person and assumptions matter; an option's loan fields are listed only when it
    borrows.
    """
    from mlkit.decision.inputs import default_state_rate

    rows = []

    def add(owner: str, field: str, value: object, source: Source | None = None) -> None:
        label, unit = FIELD_LABELS[field]
        rows.append(InputRow(owner, field, label, unit, value, source or source_of(scenario, owner, field)))

    for field in PERSON_FIELDS:
        add("person", field, getattr(scenario.person, field))
    for field in REPORT_ASSUMPTION_FIELDS if every else ASSUMPTION_FIELDS:
        value = getattr(scenario.assumptions, field, None)
        if field == "state_rate" and (value is None or value == default_state_rate()):
            add("assumptions", field, default_state_rate(), state_rate_default_source())
        elif field == "state_rate":
            add("assumptions", field, value, Source(None, "your figure"))
        else:
            add("assumptions", field, value)
    for option in scenario.options:
        if option.kind == "stay":
            continue
        for field in REPORT_OPTION_FIELDS if every else OPTION_FIELDS:
            if field == "target_salary":
                value = option.target_salary_value(scenario.person)
            elif field == "fallback_salary":
                value = option.fallback_salary_value(scenario.person)
            elif field in ("entry_salary", "years_to_average"):
                ratio, years = option.career_stage(scenario.person)  # the values the model uses, a blank's default too
                value = ratio * option.target_salary_value(scenario.person) if field == "entry_salary" else years
            else:
                value = getattr(option, field)
            add(option.name, field, value)
        if option.financing.borrows:
            for field in FINANCING_FIELDS + (REPORT_FINANCING_FIELDS if every else ()):
                add(option.name, field, getattr(option.financing, field))
    return rows
