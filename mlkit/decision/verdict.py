"""The verdict in plain language, and what drives it, from the model's results.

The verdict names the option with the highest expected NPV, how far ahead it is, how
often the simulation finds it best and how often it loses money, and then the inputs
that would change the answer: the switch points of the one-at-a-time sensitivity
(:func:`~mlkit.decision.sensitivity`), nearest first ("the answer changes if your chance
of landing the target role after the bootcamp falls below 44%").

When the best option or the runner-up takes a shipped figure whose note marks it as weak
evidence (the bootcamp placement rate), the verdict says so: "this answer depends on a
figure with weak evidence: ...".

"Nearest" is measured as the distance from the scenario's value to the switch point,
as a share of the input's sensible range, so a switch 5 points of probability away
comes before one $30,000 of salary away.

Examples
--------
>>> from mlkit.decision import evaluate, example_scenario, sensitivity
>>> s = example_scenario()
>>> v = verdict(evaluate(s), sensitivity(s))
>>> v.best
'Full-time bootcamp'
>>> [d.input for d in v.drivers]
['target_salary', 'target_salary', 'p_land_role']
>>> v.drivers[2].sentence
"the answer changes if your chance of landing the target role after Full-time bootcamp falls below 43% (it is 50% now): then Low-cost online master's (OMSCS) comes out ahead"
>>> [w[52:104] for w in v.weak_evidence]
['the length of study for Full-time bootcamp (14 weeks', 'the chance of landing the target role after Full-tim']
"""

from __future__ import annotations

from dataclasses import dataclass

from mlkit.decision.montecarlo import MonteCarloResult
from mlkit.decision.results import Evaluation
from mlkit.decision.sensitivity import Switch, TornadoBar

#: How many drivers the verdict names.
MAX_DRIVERS = 3

_SUBJECTS = {
    "discount_rate": "the discount rate",
    "salary_growth": "real salary growth",
    "salary": "your current salary",
    "retirement_age": "your retirement age",
    "p_complete": "your chance of completing {option}",
    "p_land_role": "your chance of landing the target role after {option}",
    "target_salary": "the target role's salary after {option}",
    "tuition": "the total tuition of {option}",
    "job_search_months": "the job search after {option}",
}


def format_value(input_name: str, value: float) -> str:
    """An input's value the way a person reads it.

    Examples
    --------
    >>> format_value("p_land_role", 0.4444), format_value("discount_rate", 0.0048), format_value("tuition", 98765.4)
    ('44%', '0.5%', '$98,800')
    >>> format_value("years", 0.2692), format_value("years", 3.0)
    ('14 weeks', '3 years')
    """
    if input_name in ("p_complete", "p_land_role"):
        return f"{value:.0%}"
    if input_name in ("discount_rate", "salary_growth"):
        return f"{value:.1%}"
    if input_name in ("salary", "target_salary", "tuition"):
        return f"${round(value, -2):,.0f}"
    if input_name == "job_search_months":
        return f"{value:.1f} months"
    if input_name == "retirement_age":
        return f"{value:.0f}"
    if input_name == "years":
        return f"{value:g} years" if value >= 1 else f"{value * 52:.0f} weeks"
    return f"{value:g}"


def money(value: float) -> str:
    """Dollars rounded to the nearest hundred, with the sign first (``-$1,200``)."""
    rounded = round(value, -2)
    return f"-${-rounded:,.0f}" if rounded < 0 else f"${rounded:,.0f}"


@dataclass(frozen=True)
class Driver:
    """One input whose change would change the best option."""

    input: str
    option: str | None
    direction: str  # "below" or "above"
    value: float
    base: float
    before: str
    after: str
    distance: float  # |value - base| / (high - low)
    condition: str  # "your chance of ... falls below 44% (it is 50% now)"

    @property
    def sentence(self) -> str:
        return f"the answer changes if {self.condition}: then {self.after} comes out ahead"

    def to_dict(self) -> dict:
        return {**self.__dict__, "sentence": self.sentence}


@dataclass(frozen=True)
class Verdict:
    """The verdict: the best option, the drivers and the whole text.

    Attributes
    ----------
    best, runner_up : str
        Highest and second-highest expected NPV (``runner_up`` is ``None`` with one option).
    headline : str
        One sentence: who comes out ahead, by how much.
    drivers : tuple of Driver
        Up to :data:`MAX_DRIVERS` switch points, nearest first.
    chosen : str or None
        An option the person is looking at; when it is not the best, ``chosen_text`` says
        what it would take for it to come out ahead.
    text : str
        Everything, as a paragraph.
    """

    best: str
    runner_up: str | None
    headline: str
    drivers: tuple[Driver, ...]
    chosen: str | None
    chosen_text: str
    text: str
    weak_evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["drivers"] = [d.to_dict() for d in self.drivers]
        out["weak_evidence"] = list(self.weak_evidence)
        return out


#: A figure whose note starts with this is marked as resting on weak evidence.
WEAK_MARK = "weak evidence"
#: How a weak figure's input is tied to its option in words ("the chance of landing the target role after X").
_PREPOSITION = {"p_land_role": "after", "target_salary": "after", "job_search_months": "after"}


def weak_evidence(evaluation: Evaluation, names: list[str]) -> tuple[str, ...]:
    """Sentences for the inputs of options ``names`` that take a shipped figure marked as weak evidence.

    A figure is weak when its note in ``decision_figures.csv`` starts with "weak evidence"
    (the bootcamp placement rate). Each sentence says which input, its value and why, e.g.
    "this answer depends on a figure with weak evidence: the chance of landing the target
    role after Full-time bootcamp (50%): 2016 placement rates of web-development bootcamps ...".
    """
    from mlkit.decision.sources import FIELD_LABELS, OPTION_FIELDS, source_of

    scenario = evaluation.scenario
    found = []
    for name in names:
        option = scenario.option(name)
        for field in OPTION_FIELDS:
            source = source_of(scenario, name, field)
            if source.key is None or not source.note.lower().startswith(WEAK_MARK):
                continue
            value = option.target_salary_value(scenario.person) if field == "target_salary" else getattr(option, field)
            reason = source.note[len(WEAK_MARK):].lstrip(" :")
            found.append(
                f"this answer depends on a figure with weak evidence: the {FIELD_LABELS[field][0]} {_PREPOSITION.get(field, 'for')} {name} "
                f"({format_value(field, value)}, {source.text}): {reason}"
            )
    return tuple(dict.fromkeys(found))


def _subject(bar: TornadoBar) -> str:
    return _SUBJECTS.get(bar.input, bar.label).format(option=bar.option)


def _driver(bar: TornadoBar, switch: Switch, direction: str) -> Driver:
    span = bar.high - bar.low
    distance = abs(switch.value - bar.base) / span if span > 0 else float("inf")
    verb = "falls below" if direction == "below" else "rises above"
    condition = f"{_subject(bar)} {verb} {format_value(bar.input, switch.value)} (it is {format_value(bar.input, bar.base)} now)"
    return Driver(bar.input, bar.option, direction, switch.value, bar.base, switch.before, switch.after, distance, condition)


def drivers(bars: list[TornadoBar]) -> list[Driver]:
    """Every switch point of the sensitivity as a :class:`Driver`, nearest first."""
    found = []
    for bar in bars:
        if bar.switch_below is not None:
            found.append(_driver(bar, bar.switch_below, "below"))
        if bar.switch_above is not None:
            found.append(_driver(bar, bar.switch_above, "above"))
    found.sort(key=lambda d: (d.distance, d.input, d.option or ""))
    return found


def verdict(
    evaluation: Evaluation,
    bars: list[TornadoBar],
    simulation: MonteCarloResult | None = None,
    chosen: str | None = None,
) -> Verdict:
    """The verdict for ``evaluation`` with the sensitivity ``bars`` (and the simulation, if run).

    Parameters
    ----------
    evaluation : Evaluation
        :func:`~mlkit.decision.evaluate` of the scenario.
    bars : list of TornadoBar
        :func:`~mlkit.decision.sensitivity` of the same scenario.
    simulation : MonteCarloResult, optional
        Adds how often the best option is best and loses money.
    chosen : str, optional
        An option the person is looking at; the verdict says what would make it best.
    """
    ranked = sorted(evaluation.options, key=lambda r: r.npv, reverse=True)
    top = ranked[0]
    runner = ranked[1] if len(ranked) > 1 else None
    if top.is_baseline or top.npv <= 1e-6:
        headline = "On these numbers, staying where you are comes out ahead: no option's expected NPV beats it."
    else:
        headline = f"On these numbers, {top.name} comes out ahead, with an expected NPV of {money(top.npv)} over staying"
        if runner is not None:
            headline += f", {money(top.npv - runner.npv)} more than {runner.name}"
        headline += "."
    parts = [headline]
    if simulation is not None:
        dist = simulation.option(top.name)
        if top.is_baseline:
            parts.append(f"Across {simulation.draws:,} simulated futures staying is the best choice in {dist.prob_best:.0%} of them.")
        else:
            parts.append(
                f"Across {simulation.draws:,} simulated futures it is the best choice in {dist.prob_best:.0%} of them "
                f"and leaves you worse off than staying in {dist.prob_loss:.0%}."
            )
    found = drivers(bars)
    named = tuple(found[:MAX_DRIVERS])
    if named:
        clauses = [f"{d.condition}, {d.after} comes out ahead" for d in named]
        joined = clauses[0] if len(clauses) == 1 else "; if ".join(clauses[:-1]) + "; or if " + clauses[-1]
        parts.append(f"What drives it: if {joined}.")
    elif bars:
        widest = max(bars, key=lambda b: b.swing)
        parts.append(
            "No single input moved across its sensible range changes the answer; "
            f"the one that moves the NPV most is {_subject(widest)} (a swing of {money(widest.swing)})."
        )
    weak = weak_evidence(evaluation, [r.name for r in (top, runner) if r is not None and not r.is_baseline])
    if weak:
        parts.append("; ".join(w[0].upper() + w[1:] if i == 0 else w for i, w in enumerate(weak)) + ".")
    chosen_text = ""
    if chosen is not None and chosen != top.name:
        mine = evaluation.option(chosen)
        towards = [d for d in found if d.after == chosen]
        chosen_text = f"{chosen}: expected NPV {money(mine.npv)}, {money(top.npv - mine.npv)} behind {top.name}."
        if towards:
            chosen_text += f" It would come out ahead if {towards[0].condition}."
        else:
            chosen_text += " No single input within its sensible range makes it the best; it would take several changes together."
        parts.append(chosen_text)
    return Verdict(top.name, runner.name if runner else None, headline, named, chosen, chosen_text, " ".join(parts), weak)
