"""One-at-a-time sensitivity (tornado data) and the values at which the best option changes.

Each main input is moved, alone, to the low and the high end of its sensible range
(the sensible ranges of the README's defaults table; a range is widened to include the scenario's own value), and the
expected NPV of every option is recomputed. Where the option with the highest expected
NPV differs somewhere between the scenario's value and an end of the range, the value
at which it changes is found by a grid search followed by bisection, so a workbook can
say "the answer changes if your chance of landing the role falls below 45%".

Inputs: the discount rate, real salary growth, the current salary, the retirement age
(for everybody), and per option that is not "stay": the probability of completing, the
probability of landing the role, the target salary (its published range), the tuition
(0.5x to 1.5x) and the job-search gap (0 to 9 months). The target salary's range is the
central interval the Monte Carlo's lognormal covers (the published range where there is one).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlkit.decision.financing import fit_to_cost
from mlkit.decision.inputs import Option, Scenario, normal_quantile
from mlkit.decision.results import expected_npvs
from mlkit.decision.validation import RANGES
from mlkit.errors import InputError

GRID_POINTS = 12
BISECTIONS = 30


@dataclass(frozen=True)
class Switch:
    """Where the best option changes: at ``value``, from ``before`` to ``after``."""

    value: float
    before: str
    after: str

    def to_dict(self) -> dict:
        return {"value": self.value, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class TornadoBar:
    """One input moved from ``low`` to ``high`` with everything else at the scenario's values.

    Attributes
    ----------
    input : str
        Field name (``discount_rate``, ``p_land_role``, ...).
    option : str or None
        The option whose input it is (``None`` for inputs shared by all options).
    low, base, high : float
        The range's ends and the scenario's own value.
    npv_low, npv_high : dict of str to float
        Expected NPV of every option at ``low`` and ``high``.
    best_low, best_high : str
        The best option at each end.
    swing : float
        The largest change of any option's NPV between the two ends (the bar's length).
    switch_below, switch_above : Switch or None
        The nearest value below / above ``base`` at which the best option changes.
    """

    input: str
    label: str
    option: str | None
    low: float
    base: float
    high: float
    npv_low: dict[str, float]
    npv_high: dict[str, float]
    best_low: str
    best_high: str
    swing: float
    switch_below: Switch | None
    switch_above: Switch | None

    def to_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["switch_below"] = self.switch_below.to_dict() if self.switch_below else None
        out["switch_above"] = self.switch_above.to_dict() if self.switch_above else None
        return out


@dataclass(frozen=True)
class _Input:
    name: str
    label: str
    option: str | None
    low: float
    base: float
    high: float
    apply: Callable[[Scenario, float], Scenario]


def _replace_option(scenario: Scenario, name: str, **changes) -> Scenario:
    options = tuple(dataclasses.replace(o, **changes) if o.name == name else o for o in scenario.options)
    return dataclasses.replace(scenario, options=options)


def _span(low: float, base: float, high: float) -> tuple[float, float]:
    return min(low, base), max(high, base)


def inputs(scenario: Scenario) -> list[_Input]:
    """The inputs the sensitivity moves, with their ranges."""
    person, a = scenario.person, scenario.assumptions
    longest = max(o.years + o.job_search_months / 12 for o in scenario.options)
    rate_low, rate_high = _span(0.0, a.discount_rate, 0.07)
    items = [
        _Input("discount_rate", "discount rate", None, rate_low, a.discount_rate, rate_high,
               lambda s, v: dataclasses.replace(s, assumptions=dataclasses.replace(s.assumptions, discount_rate=v))),
        _Input("salary_growth", "real salary growth", None, min(0.0, person.salary_growth), person.salary_growth, max(0.04, person.salary_growth),
               lambda s, v: dataclasses.replace(s, person=dataclasses.replace(s.person, salary_growth=v))),
        _Input("salary", "current salary", None, 0.7 * person.salary, person.salary, min(1.3 * person.salary, RANGES["person.salary"].high),
               lambda s, v: dataclasses.replace(s, person=dataclasses.replace(s.person, salary=v))),
    ]
    earliest = person.age + int(np.floor(longest)) + 2
    low_age, high_age = min(max(60.0, earliest), person.retirement_age), max(70.0, person.retirement_age)
    if high_age > low_age:
        items.append(_Input("retirement_age", "retirement age", None, low_age, person.retirement_age, high_age,
                            lambda s, v: dataclasses.replace(s, person=dataclasses.replace(s.person, retirement_age=float(round(v))))))
    for option in scenario.options:
        if option.kind == "stay":
            continue
        items.extend(_option_inputs(scenario, option))
    return [_within_what_the_model_accepts(item, scenario) for item in items]


def _within_what_the_model_accepts(item: _Input, scenario: Scenario) -> _Input:
    """``item`` with each end brought towards the scenario's value until the model accepts it.

    A range end can leave what validation accepts in combination with the scenario's other
    inputs (a higher salary growth over a long horizon passing the largest plausible salary):
    the end becomes the furthest accepted value, found by bisection.
    """
    def accepted(value: float) -> bool:
        try:
            item.apply(scenario, value)
        except InputError:
            return False
        return True

    ends = []
    for end in (item.low, item.high):
        if not accepted(end):
            inside, outside = item.base, end
            for _ in range(BISECTIONS):
                middle = (inside + outside) / 2
                inside, outside = (middle, outside) if accepted(middle) else (inside, middle)
            end = inside
        ends.append(end)
    return dataclasses.replace(item, low=ends[0], high=ends[1])


def _option_inputs(scenario: Scenario, option: Option) -> list[_Input]:
    name = option.name
    out = []
    if option.p_complete > 0:
        low, high = _span(0.6, option.p_complete, 0.95)
        out.append(_Input("p_complete", "chance of completing", name, low, option.p_complete, high,
                          lambda s, v, n=name: _replace_option(s, n, p_complete=v)))
    if option.p_land_role > 0:
        low, high = _span(0.3, option.p_land_role, 0.9)
        out.append(_Input("p_land_role", "chance of landing the role", name, low, option.p_land_role, high,
                          lambda s, v, n=name: _replace_option(s, n, p_land_role=v)))
        target = option.target_salary_value(scenario.person)
        median, sigma = option.salary_spread(scenario.assumptions.salary_range_coverage, scenario.person)
        z = normal_quantile((1 + scenario.assumptions.salary_range_coverage) / 2)
        low, high = _span(median * np.exp(-z * sigma), target, min(median * np.exp(z * sigma), RANGES["option.target_salary"].high))
        out.append(_Input("target_salary", "target salary", name, float(low), target, float(high),
                          lambda s, v, n=name: _replace_option(s, n, target_salary=v)))
    tuition = option.tuition_per_year * option.years + option.programme_price
    if tuition > 0:
        # 1.5x, or less where that would leave the plausible range of validation.RANGES
        room = min(
            RANGES["option.tuition_per_year"].high / option.tuition_per_year if option.tuition_per_year else np.inf,
            RANGES["option.programme_price"].high / option.programme_price if option.programme_price else np.inf,
        )
        # 0.5x, or more where aid would otherwise exceed the cost it pays for
        scaled = option.tuition_per_year + (option.programme_price / option.years if option.years else 0.0)
        other = option.gross_annual_cost - option.tuition_per_year
        aid = option.scholarships_per_year + option.employer_aid_per_year
        floor = min(1.0, max(0.5, (aid - other) / scaled if scaled else 0.0))
        out.append(_Input("tuition", "tuition (total)", name, floor * tuition, tuition, max(tuition, min(1.5, room) * tuition),
                          lambda s, v, n=name, t=tuition, o=option: _with_tuition(s, n, o, v / t)))
    if option.years > 0 or option.job_search_months > 0:
        low, high = _span(0.0, option.job_search_months, 9.0)
        out.append(_Input("job_search_months", "job-search gap (months)", name, low, option.job_search_months, high,
                          lambda s, v, n=name: _replace_option(s, n, job_search_months=v)))
    return out


def _with_tuition(scenario: Scenario, name: str, option: Option, factor: float) -> Scenario:
    """``scenario`` with option ``name``'s tuition and programme price times ``factor``; its loans follow the cost down."""
    changed = dataclasses.replace(option, tuition_per_year=option.tuition_per_year * factor, programme_price=option.programme_price * factor)
    money = fit_to_cost(changed.financing, changed.cost_of_attendance_per_year)
    return _replace_option(scenario, name, tuition_per_year=changed.tuition_per_year, programme_price=changed.programme_price, financing=money)


def _best(scenario: Scenario) -> str:
    values = expected_npvs(scenario)
    return scenario.options[int(np.argmax(values))].name


def _switch(item: _Input, scenario: Scenario, towards: float, base_best: str) -> Switch | None:
    """The value nearest the base, on the way to ``towards``, where the best option changes."""
    if towards == item.base:
        return None
    inside = item.base
    for point in np.linspace(item.base, towards, GRID_POINTS + 1)[1:]:
        best = _best(item.apply(scenario, float(point)))
        if best != base_best:
            outside = float(point)
            for _ in range(BISECTIONS):
                middle = (inside + outside) / 2
                if _best(item.apply(scenario, middle)) == base_best:
                    inside = middle
                else:
                    outside = middle
            return Switch(value=(inside + outside) / 2, before=base_best, after=_best(item.apply(scenario, outside)))
        inside = float(point)
    return None


def sensitivity(scenario: Scenario) -> list[TornadoBar]:
    """Tornado data for every main input, longest bar first.

    Examples
    --------
    >>> from mlkit.decision.scenario import example_scenario
    >>> bars = sensitivity(example_scenario())
    >>> bars[0].swing >= bars[-1].swing
    True
    """
    names = [o.name for o in scenario.options]
    base_best = _best(scenario)
    bars = []
    for item in inputs(scenario):
        at_low = expected_npvs(item.apply(scenario, item.low))
        at_high = expected_npvs(item.apply(scenario, item.high))
        bars.append(
            TornadoBar(
                input=item.name,
                label=item.label,
                option=item.option,
                low=item.low,
                base=item.base,
                high=item.high,
                npv_low=dict(zip(names, at_low.tolist())),
                npv_high=dict(zip(names, at_high.tolist())),
                best_low=names[int(np.argmax(at_low))],
                best_high=names[int(np.argmax(at_high))],
                swing=float(np.max(np.abs(at_high - at_low))),
                switch_below=_switch(item, scenario, item.low, base_best),
                switch_above=_switch(item, scenario, item.high, base_best),
            )
        )
    bars.sort(key=lambda bar: bar.swing, reverse=True)
    return bars
