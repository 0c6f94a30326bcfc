"""The decision workbook as an ipywidgets app: the whole of ``app/decision_workbook.ipynb`` (``mlkit app``), and embedded in notebook 21.

Controls are grouped (about you; the option; loans; outcomes; assumptions; taxes), pre-filled
from a scenario (by default :func:`mlkit.decision.example_scenario`, built from the
shipped figures) with each value's source next to it. A change recomputes through the
core (:func:`~mlkit.decision.evaluate`, :func:`~mlkit.decision.simulate`,
:func:`~mlkit.decision.sensitivity`, :func:`mlkit.decision.verdict.verdict`) and redraws
through :mod:`mlkit.plots.decision`; this module computes nothing itself.

How updates stay fast and calm:

- changes are **debounced** (``debounce`` seconds after the last one) and run in a worker
  thread, so the kernel keeps taking input;
- the **numbers first**: table and headline, then the chart on the open tab; charts on
  other tabs are drawn when opened; figures are swapped in place in image widgets (no
  clearing, no flicker);
- the Monte Carlo uses ``draws`` (2,000) while editing, and says so; "Full run" runs the
  scenario's 10,000;
- the sensitivity (what drives the verdict, the tornado) takes a few seconds and follows,
  with its own "working out what drives it…" note; a newer change discards older work;
- "updating…" shows when an update takes longer than ``UPDATING_AFTER`` seconds.

An invalid value shows the model's message next to its control; the results keep
showing the last valid inputs, marked as such, and the rest keeps working.

Stable CSS classes (``mlkit-...``) and ``data-value`` attributes let a browser test read
the numbers.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import re
import threading
import time
from datetime import date

import ipywidgets as w

from mlkit import decision
from mlkit.decision.questions import QUESTIONS, SCALE, rating_from_prior, summarise_ratings
from mlkit.decision.sources import FIELD_LABELS, FINANCING_FIELDS, source_of
from mlkit.decision.summary import loan_schedules, option_rows, payment_text
from mlkit.decision.verdict import money, verdict
from mlkit.errors import InputError

INTERACTIVE_DRAWS = 2_000
UPDATING_AFTER = 0.25

GROUPS = {
    "about you": ("person", ("age", "salary", "salary_growth", "retirement_age")),
    "the option": ("option", ("years", "tuition_per_year", "fees_per_year", "programme_price", "extra_housing_per_month",
                              "relocation", "caregiving_per_year", "health_insurance_per_year", "lost_benefits_per_year",
                              "scholarships_per_year", "employer_aid_per_year", "income_share_while_studying",
                              "study_income_per_year")),
    "loans": ("option", FINANCING_FIELDS + ("plan", "dependants", "borrow_share")),
    "outcomes": ("option", ("p_complete", "p_land_role", "target_salary", "entry_salary", "years_to_average", "fallback_salary",
                            "job_search_months")),
    "assumptions": ("assumptions", ("discount_rate", "tax_rate", "dropout_point", "inflation")),
    "taxes": ("assumptions", ("pre_tax", "state_rate", "filing_status")),
}
INTEGER_FIELDS = ("private_years", "dependants")
#: Inputs chosen from a list: ``(what the list shows, the model's value)``.
CHOICE_FIELDS: dict[str, tuple[tuple[str, object], ...]] = {
    "pre_tax": (("after tax: federal, payroll and state income tax", False), ("before tax (as FREOPP counts it)", True)),
    "filing_status": (("single", "single"), ("married filing jointly", "married_filing_jointly")),
    "plan": (
        ("automatic: standard or tiered, by the loans' dates", "auto"),
        ("standard: 10 years (loans before 1 July 2026 only)", "standard"),
        ("tiered standard: 10 to 25 years by balance", "tiered"),
        ("Repayment Assistance Plan: payments follow income", "rap"),
    ),
}
#: Optional numbers, typed as text: blank means the model's default (shown as the placeholder).
OPTIONAL_FIELDS = ("entry_salary", "years_to_average", "fallback_salary", "borrow_share")
#: Every field of :class:`~mlkit.decision.inputs.Financing`: an option's input of that name lives in its financing.
FINANCING_NAMES = frozenset(f.name for f in dataclasses.fields(decision.Financing))
CHARTS = ("Cash flow", "NPV distribution", "Tornado", "Loan balance")


STYLE = """<style>
/* The workbook's layout: two columns on a wide screen, one on a phone (results first). */
.mlkit-workbook { max-width: 1500px; color: #1f1f1f; }
.mlkit-main { display: flex; flex-wrap: wrap; gap: 0 1.5em; align-items: flex-start; }
.mlkit-inputs-column { flex: 1 1 24em; min-width: 0; max-width: 100%; }
.mlkit-results-column { flex: 1.4 1 30em; min-width: 0; max-width: 100%; }
.mlkit-field-row { flex-wrap: wrap; align-items: center; gap: 0 0.6em; max-width: 100%; }
.mlkit-workbook .widget-label { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; line-height: 1.2; height: auto; min-height: var(--jp-widgets-inline-height); }
.mlkit-field { width: 30em !important; max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); }
.mlkit-field .widget-label { width: 16em !important; min-width: 0; flex-shrink: 1; }
.mlkit-field input { min-width: 7em; }
.mlkit-option-picker, .mlkit-rating, .mlkit-workbook .widget-text, .mlkit-workbook .widget-select-multiple {
  width: 30em !important; max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); }
.mlkit-option-picker .widget-label, .mlkit-rating .widget-label { width: 12em !important; min-width: 12em; }
.mlkit-workbook .jupyter-button { width: auto; min-width: 6em; padding: 0 1em; }
.mlkit-source, .mlkit-note { color: #4a4a4a; font-size: 0.9em; max-width: 100%; }
.mlkit-chart img, img.mlkit-chart { width: 100% !important; max-width: 680px; height: auto !important; }
.mlkit-results-table { border-collapse: collapse; font-size: 0.92em; width: 100%; }
.mlkit-results-table th, .mlkit-results-table td { padding: 3px 6px; text-align: left; vertical-align: top; }
.mlkit-results-table thead th { border-bottom: 1px solid #767676; }
.mlkit-results-table td.mlkit-num { text-align: right; }
.mlkit-verdict-text { margin: 0.6em 0; line-height: 1.4; }
/* Drop-downs grow with a label that wraps, so nothing overlaps the select or what follows. */
.mlkit-workbook .widget-dropdown { height: auto; }
.mlkit-workbook .widget-dropdown > select { height: var(--jp-widgets-inline-height); }
/* A table wider than its column scrolls inside it instead of losing columns. */
.mlkit-results .widget-html-content { overflow-x: auto; line-height: 1.35; }
/* Chart tabs wrap onto a second row rather than cut their names short. */
.mlkit-workbook .widget-tab > .lm-TabBar { height: auto; min-height: var(--jp-widgets-horizontal-tab-height); }
.mlkit-workbook .widget-tab > .lm-TabBar .lm-TabBar-content { flex-wrap: wrap; }
.mlkit-workbook .widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 1 auto; }
/* Closed groups and inactive chart tabs: text meets WCAG AA on their grey background. */
.mlkit-workbook .jupyter-widget-Collapse-header, .mlkit-workbook .widget-tab > .lm-TabBar .lm-TabBar-tab { color: #333; }
/* Keyboard focus is plainly visible (at least 3:1 against the page). */
.mlkit-workbook input:focus-visible, .mlkit-workbook select:focus-visible, .mlkit-workbook button:focus-visible,
.mlkit-workbook .lm-TabBar-tab:focus-visible { outline: 2px solid #1a5fb4 !important; outline-offset: 1px; }
@media (max-width: 1000px) {
  .mlkit-main { flex-direction: column-reverse; }
  .mlkit-inputs-column, .mlkit-results-column { flex-basis: auto; width: 100%; }
  .mlkit-field, .mlkit-option-picker, .mlkit-rating, .mlkit-saved-picker, .mlkit-workbook .widget-text,
  .mlkit-workbook .widget-select-multiple { width: 100% !important; flex-wrap: wrap; }
  .mlkit-workbook .widget-label { width: 100% !important; min-width: 0 !important; text-align: left !important; }
  .mlkit-results-table thead { display: none; }
  .mlkit-results-table, .mlkit-results-table tbody, .mlkit-results-table tr, .mlkit-results-table td, .mlkit-results-table tbody th { display: block; width: 100%; }
  .mlkit-results-table tr { border: 1px solid #b0b0b0; border-radius: 6px; margin: 0 0 0.8em 0; padding: 0.3em 0; box-sizing: border-box; }
  .mlkit-results-table td { text-align: right; box-sizing: border-box; }
  .mlkit-results-table td::before { content: attr(data-label); float: left; font-weight: 600; text-align: left; padding-right: 0.5em; }
  .mlkit-results-table .mlkit-option-name { font-weight: 700; text-align: left; box-sizing: border-box; }
  .mlkit-results-table .mlkit-option-name::before { content: none; }
}
</style>"""


#: What each chart shows, in words: its text alternative (the image's title, read by screen readers).
CHART_DESCRIPTIONS = {
    "Cash flow": "Cumulative discounted cash flow of each option against staying, by age, one line per option; "
                 "a dot marks the break-even year. The numbers are in the results table.",
    "NPV distribution": "Distribution of each option's NPV over the Monte Carlo's simulated futures; "
                        "the chance of losing money and of being best are in the results table.",
    "Tornado": "For the chosen option, how far its expected NPV moves when each input goes from the low to the "
               "high end of its range, largest first; the verdict names the inputs that change the answer.",
    "Loan balance": "Loan balance of each borrowing option over time, from the first disbursement to the last payment.",
}


def in_words(message: str) -> str:
    """A model message for a person: field names as their labels, no Python.

    ``option "X": financing.private_rate = 1.5: ...`` reads ``option "X": private loan rate = 1.5: ...``;
    the store's hint ``(overwrite=True)`` becomes words.

    >>> in_words('option "A": financing.federal_unsubsidised_per_year = -5.0: a negative amount is not allowed')
    'option "A": federal unsubsidised loan = -5.0: a negative amount is not allowed'
    >>> in_words("assumptions.state_rate = 0.3: outside the allowed range [0, 0.15]")
    'state income tax rate (effective) = 0.3: outside the allowed range [0, 0.15]'
    >>> in_words('option "A": scholarships_per_year + employer_aid_per_year = 9.0: above the cost; or use borrow_share')
    'option "A": scholarships + employer tuition aid = 9.0: above the cost; or use share of the cost of attendance borrowed'

    A name with an underscore is a field wherever it appears; a one-word name (``age``,
    ``years``, ``plan``) only where a value follows it (``years = 0``), so the words of a
    sentence stay as they are.
    """
    message = message.replace(", or replace it on purpose (overwrite=True)", "")
    message = message.replace("financing.", "")
    message = re.sub(r"\b(?:person|assumptions)\.(?=\w+ =)", "", message)
    for field, (label, _) in sorted(FIELD_LABELS.items(), key=lambda item: -len(item[0])):
        follows = r"(?![\w.])" if "_" in field else r"(?= =| \+ )"
        message = re.sub(rf"(?<![\w.]){re.escape(field)}{follows}", label, message)
    return message


def _row(*children) -> w.HBox:
    """A row of widgets that wraps onto the next line on a narrow screen."""
    row = w.HBox(list(children))
    row.add_class("mlkit-field-row")
    return row


def _css(field: str) -> str:
    return "mlkit-input-" + field.replace("_", "-")


def option_value(option: decision.Option, field: str) -> object:
    """The model's value of an option's input ``field`` (from its financing for a loan input)."""
    return getattr(option.financing, field) if field in FINANCING_NAMES else getattr(option, field)


def _shown(field: str, value: object) -> object:
    """A model value as its control holds it: an optional number as text (blank for ``None``)."""
    if field not in OPTIONAL_FIELDS:
        return value
    return "" if value is None else f"{value:.10g}"


def _parsed(where: str, field: str, value: object) -> object:
    """A control's value as the model takes it: an optional number's text read as a number, blank as ``None``.

    Raises
    ------
    InputError
        For text that is not a number, naming the field (so the message lands beside it).
    """
    if field not in OPTIONAL_FIELDS:
        return value
    text = str(value).strip().replace(",", "").replace("$", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        unit = FIELD_LABELS[field][1].split(";")[0]
        raise InputError(f"{where}{field} = {str(value)!r}: expected a number ({unit}), or leave it blank for the default") from None


def field_help(owner_kind: str, field: str) -> str:
    """The tooltip of an input: what it is, its unit and the range the model accepts (:data:`~mlkit.decision.validation.RANGES`).

    >>> field_help("assumptions", "state_rate")
    'state income tax rate (effective), a fraction: 0 to 0.15 accepted (0.05 for 5%); 0 leaves state income tax out'
    """
    from mlkit.decision.validation import RANGES

    label, unit = FIELD_LABELS[field]
    if field in CHOICE_FIELDS:
        return f"{label}: one of " + "; ".join(shown for shown, _ in CHOICE_FIELDS[field])
    owner = "financing" if owner_kind == "option" and field in FINANCING_NAMES else owner_kind
    spec = RANGES.get(f"{owner}.{field}")
    text = f"{label}, {_unit_words(unit.split(';')[0].strip())}"
    if spec is not None and spec.kind == "money":
        text += f": ${spec.low:,.0f} to ${spec.high:,.0f} accepted"
    elif spec is not None:
        text += f": {spec.low:,.10g} to {spec.high:,.10g} accepted"
        if spec.kind in ("rate", "probability"):
            text += " (0.05 for 5%)"
    return text + EXTRA_HELP.get(field, "")


#: What a tooltip adds for some inputs (how a blank or a 0 is read).
EXTRA_HELP = {
    "state_rate": "; 0 leaves state income tax out",
    "borrow_share": "; blank borrows the yearly amounts above (set them to 0 to use a share)",
    "entry_salary": "; blank: the role's entry salary scaled to the target",
    "fallback_salary": "; blank: your current salary",
    "dependants": "; each lowers the Repayment Assistance Plan payment by $50 a month",
    "study_income_per_year": "; on top of the share of your salary you keep",
    "years_to_average": "; blank: the kit's default; 0 starts at the target salary",
    "scholarships_per_year": "; grants too: subtracted from the cost, at most the cost it pays for",
    "employer_aid_per_year": "; $5,250 a year is tax-free (IRC section 127), the rest is taxed as wages",
    "caregiving_per_year": "; childcare or other care paid because you study",
    "fees_per_year": "; required fees on top of tuition",
}


def _unit_words(unit: str) -> str:
    words = {"$/year": "dollars a year", "$/month": "dollars a month", "$ once": "dollars, once", "fraction": "a fraction",
             "fraction/year": "a fraction a year", "probability": "a probability", "people": "a number of people"}
    return words.get(unit, f"in {unit}")


def default_text(field: str, option: decision.Option, person: decision.Person) -> str:
    """The placeholder of an optional input: what a blank means for ``option`` (``$72,600 (the default)``)."""
    if field == "borrow_share":
        return "blank: the yearly loan amounts"
    if field == "fallback_salary":
        return f"blank: ${person.salary:,.0f} (your current salary)"
    if field == "years_to_average":
        from mlkit.decision.salary_path import default_years_to_average

        return f"blank: {default_years_to_average():g} years (the default)"
    ratio, _years = option.career_stage(person)
    return f"blank: ${ratio * option.target_salary_value(person):,.0f} (the default)"


@dataclasses.dataclass
class FieldControl:
    """One input: its widget, its source label and its message line."""

    field: str
    owner_kind: str  # "person", "option" or "assumptions"
    widget: w.Widget
    source: w.HTML
    message: w.HTML
    box: w.Widget


class DecisionWorkbook:
    """The workbook app; display it (last value of a cell) or use ``.widget``.

    Parameters
    ----------
    scenario : Scenario, optional
        Starting values (default: the example scenario from the shipped figures).
    draws : int
        Monte Carlo draws while editing (the full run uses the scenario's own).
    store : ScenarioStore, optional
        Where named scenarios are saved (default: ``<user data folder>/scenarios``).
    prior : "auto", Prior or None
        The readiness prior: ``"auto"`` loads the saved one (:func:`mlkit.readiness.load_prior`).
    background : bool
        Update in a worker thread after ``debounce`` seconds (the interactive default);
        ``False`` updates at once, in the caller's thread (tests, benchmarks).
    debounce : float
        Seconds to wait after the last change before updating.
    """

    def __init__(self, scenario=None, *, draws: int = INTERACTIVE_DRAWS, store=None, prior="auto",
                 background: bool = True, debounce: float = 0.1):
        self.base = scenario if scenario is not None else decision.example_scenario()
        self.draws = int(draws)
        self.background = background
        self.debounce = debounce
        if store is None:
            from mlkit.decision.store import ScenarioStore

            store = ScenarioStore()
        self.store = store
        self.prior = self._load_prior() if prior == "auto" else prior
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._generation = 0
        self._requested_at = 0.0
        self._worker: threading.Thread | None = None
        self._suspended = False
        self.values: dict[tuple[str, str], object] = {}
        self._load_values(self.base)
        self.scenario = self.base
        self.evaluation = None
        self.simulation = None
        self.bars = None
        self.verdict = None
        self.full_run = False
        self._dirty = set(CHARTS)
        self.last_update_seconds: float | None = None
        self._build()
        self.update()

    # -- state ------------------------------------------------------------------

    def _load_prior(self):
        try:
            from mlkit.readiness import load_prior

            return load_prior()
        except InputError:
            return None

    def _load_values(self, scenario) -> None:
        self.values = {}
        for owner_kind, fields in GROUPS.values():
            for field in fields:
                if owner_kind == "option":
                    for option in scenario.options:
                        self.values[(option.name, field)] = _shown(field, option_value(option, field))
                else:
                    self.values[(owner_kind, field)] = _shown(field, getattr(getattr(scenario, owner_kind), field))

    def build_scenario(self):
        """The scenario the controls describe (raises the model's :class:`InputError`)."""
        with self._lock:
            values = dict(self.values)

        def own(owner: str, kind: str, where: str = "") -> dict:
            names = [f for owner_kind, fields in GROUPS.values() if owner_kind == kind for f in fields]
            return {f: _parsed(where + ("financing." if f in FINANCING_NAMES else ""), f, values[(owner, f)]) for f in names}

        person = dataclasses.replace(self.base.person, **own("person", "person"))
        assumptions = dataclasses.replace(self.base.assumptions, **own("assumptions", "assumptions"))
        options = []
        for option in self.base.options:
            where = f'option "{option.name}": '
            chosen = own(option.name, "option", where)
            money_ = {f: chosen.pop(f) for f in list(chosen) if f in FINANCING_NAMES}
            options.append(dataclasses.replace(option, financing=dataclasses.replace(option.financing, **money_), **chosen))
        return decision.Scenario(person, tuple(options), assumptions)

    @property
    def chosen(self) -> str:
        """The option the controls edit and the tornado shows."""
        return self.option_picker.value

    # -- layout -----------------------------------------------------------------

    def _control(self, owner_kind: str, field: str) -> FieldControl:
        label, unit = FIELD_LABELS[field]
        description = f"{label} ({unit})"
        help_text = field_help(owner_kind, field)
        if field in CHOICE_FIELDS:
            widget = w.Dropdown(options=CHOICE_FIELDS[field], description=label, tooltip=help_text)
        elif field in OPTIONAL_FIELDS:
            widget = w.Text(description=description, placeholder="blank: the default", continuous_update=False, tooltip=help_text)
        elif field in INTEGER_FIELDS:
            widget = w.IntText(description=description, tooltip=help_text)
        else:
            widget = w.FloatText(description=description, tooltip=help_text)
        widget.add_class(_css(field))
        widget.add_class("mlkit-field")
        source = w.HTML()
        source.add_class("mlkit-source")
        message = w.HTML()
        message.add_class("mlkit-error")
        message.add_class(_css(field) + "-error")
        row = w.HBox([widget, source])
        row.add_class("mlkit-field-row")
        box = w.VBox([row, message])
        control = FieldControl(field, owner_kind, widget, source, message, box)
        widget.observe(lambda change, c=control: self._on_value(c, change["new"]), names="value")
        return control

    def _build(self) -> None:
        names = [o.name for o in self.base.options]
        movable = [n for n, o in zip(names, self.base.options) if o.kind != "stay"] or names
        self.option_picker = w.Dropdown(options=movable, value=movable[-1] if len(movable) else None,
                                        description="Option to edit and examine")
        self.option_picker.add_class("mlkit-option-picker")
        self.option_picker.observe(lambda change: self._on_pick(), names="value")
        self.controls: dict[str, FieldControl] = {}
        sections = []
        for title, (owner_kind, fields) in GROUPS.items():
            boxes = []
            for field in fields:
                control = self._control(owner_kind, field)
                self.controls[field] = control
                boxes.append(control.box)
            sections.append((title, w.VBox(boxes)))
        self.prior_box = w.VBox(self._prior_widgets())
        sections[3] = (sections[3][0], w.VBox([sections[3][1], self.prior_box]))
        self.inputs = w.Accordion(children=[box for _, box in sections], titles=tuple(t for t, _ in sections))
        self.inputs.selected_index = 0
        self.general_message = w.HTML()
        self.general_message.add_class("mlkit-error")
        self.general_message.add_class("mlkit-general-error")

        self.status = w.HTML()
        self.status.add_class("mlkit-status")
        self.draws_note = w.HTML()
        self.full_button = w.Button(description=f"Full run ({self.base.assumptions.draws:,} draws)")
        self.full_button.add_class("mlkit-full-run")
        self.full_button.on_click(lambda _: self.run_full())
        self.table = w.HTML()
        self.table.add_class("mlkit-results")
        self.verdict_html = w.HTML()
        self.verdict_html.add_class("mlkit-verdict")
        self.images = {name: w.Image(format="png") for name in CHARTS}  # the page gives each its alt text from the PNG
        for name, image in self.images.items():
            image.add_class("mlkit-chart")
            image.add_class("mlkit-chart-" + name.lower().replace(" ", "-"))
        self.charts = w.Tab(children=[self.images[n] for n in CHARTS], titles=CHARTS)
        self.charts.observe(lambda change: self._on_tab(), names="selected_index")

        self.rating_controls = {}
        rating_rows = []
        fit = rating_from_prior(self.prior)
        for q in QUESTIONS:
            dropdown = w.Dropdown(options=[("not rated", 0)] + [(f"{k} – {v}", k) for k, v in SCALE.items()],
                                  value=(fit or 0) if q.id == "programme_fit" else 0,
                                  description=q.label)
            dropdown.add_class("mlkit-rating-" + q.id.replace("_", "-"))
            dropdown.observe(lambda change: self._show_ratings(), names="value")
            self.rating_controls[q.id] = dropdown
            dropdown.add_class("mlkit-rating")
            row = w.HBox([dropdown, w.HTML(f"<span class='mlkit-note'>{html.escape(q.prompt)}</span>")])
            row.add_class("mlkit-field-row")
            rating_rows.append(row)
        self.ratings_summary = w.HTML()
        self.ratings_summary.add_class("mlkit-ratings-summary")
        ratings_box = w.VBox([w.HTML("<b>Beyond the money</b>: rate each question from 1 (a clear no) to 5 (a clear yes). "
                                     "The ratings sit beside the numbers; they are not part of the NPV.")] + rating_rows)

        self.scenario_box = self._scenario_widgets()
        status_row = w.HBox([self.status, self.draws_note, self.full_button])
        status_row.add_class("mlkit-field-row")
        results = w.VBox([status_row, self.verdict_html, self.table, self.ratings_summary, self.charts])
        results.add_class("mlkit-results-column")
        inputs = w.VBox([self.option_picker, self.general_message, self.inputs])
        inputs.add_class("mlkit-inputs-column")
        main = w.HBox([inputs, results])
        main.add_class("mlkit-main")
        self.widget = w.VBox([w.HTML(STYLE), main, ratings_box, self.scenario_box])
        self.widget.add_class("mlkit-workbook")
        self._show_ratings()
        self._fill_controls()

    def _prior_widgets(self) -> list:
        if self.prior is None:
            return [w.HTML("<span class='mlkit-prior' style='color:#555'>No readiness self-assessment saved yet: "
                           "take it in <code>01_readiness.ipynb</code> for a rough starting value of your chance of completing.</span>")]
        note = w.HTML(f"<span class='mlkit-prior'>Readiness prior: {html.escape(str(self.prior))}</span>")
        button = w.Button(description=f"Use {self.prior.completion_probability:.2f} as the chance of completing")
        button.add_class("mlkit-use-prior")
        button.on_click(lambda _: self.use_prior())
        return [note, button]

    def use_prior(self) -> None:
        """Set the chosen option's chance of completing to the readiness prior (a rough value, yours to change)."""
        if self.prior is not None:
            self.controls["p_complete"].widget.value = float(self.prior.completion_probability)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -- controls -> values -----------------------------------------------------

    def _owner(self, control: FieldControl) -> str:
        return self.chosen if control.owner_kind == "option" else control.owner_kind

    def _fill_controls(self) -> None:
        """Show the values (and sources) of the person, the assumptions and the chosen option."""
        self._suspended = True
        try:
            for field, control in self.controls.items():
                value = self.values[(self._owner(control), field)]
                if field == "target_salary" and value is None:
                    value = self.scenario.option(self.chosen).target_salary_value(self.scenario.person)
                if field in CHOICE_FIELDS or field in OPTIONAL_FIELDS:
                    control.widget.value = value
                else:
                    control.widget.value = int(value) if field in INTEGER_FIELDS else float(value)
        finally:
            self._suspended = False
        self._show_sources()

    def _show_sources(self) -> None:
        option = self.scenario.option(self.chosen)
        for field, control in self.controls.items():
            if field in OPTIONAL_FIELDS:
                control.widget.placeholder = default_text(field, option, self.scenario.person)
            try:
                src = source_of(self.scenario, self._owner(control), field)
                title = html.escape(src.note, quote=True)
                control.source.value = f"<span style='color:#555;font-size:0.85em' title='{title}'>{html.escape(src.text)}</span>"
            except InputError:
                control.source.value = ""

    def _on_pick(self) -> None:
        self._fill_controls()
        for control in self.controls.values():
            control.message.value = ""
        self.request_update(reason="option")

    def _on_value(self, control: FieldControl, value) -> None:
        if self._suspended:
            return
        with self._lock:
            self.values[(self._owner(control), control.field)] = value
        self._last_changed = control
        self.full_run = False
        self.request_update()

    def _on_tab(self) -> None:
        name = CHARTS[self.charts.selected_index or 0]
        if name in self._dirty and self.evaluation is not None:
            self._draw(name)

    # -- updating ---------------------------------------------------------------

    def request_update(self, reason: str = "value") -> None:
        """Ask for an update: at once (``background=False``) or debounced in the worker thread."""
        if not self.background:
            self.update()
            return
        with self._wake:
            self._generation += 1
            self._requested_at = time.monotonic()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="mlkit-workbook", daemon=True)
                self._worker.start()
            self._wake.notify_all()

    def _work(self) -> None:
        done = 0
        while True:
            with self._wake:
                while self._generation == done:
                    if not self._wake.wait(timeout=60):
                        if self._generation == done:
                            self._worker = None
                            return
                wait = self._requested_at + self.debounce - time.monotonic()
                generation = self._generation
            if wait > 0:
                time.sleep(wait)
                with self._lock:
                    if self._generation != generation:
                        continue  # more changes came: wait for them to settle
            done = generation
            try:
                self.update(generation)
            except Exception as error:  # keep the worker alive; show what went wrong
                self.status.value = f"<span style='color:#b00'>update failed: {html.escape(repr(error))}</span>"

    def _stale(self, generation: int | None) -> bool:
        return generation is not None and generation != self._generation

    def update(self, generation: int | None = None) -> bool:
        """Recompute and redraw: numbers, the open chart, then the sensitivity and verdict.

        Returns False when the inputs are invalid (the messages are shown) or when a newer
        change made this update stale.
        """
        started = time.perf_counter()
        timer = threading.Timer(UPDATING_AFTER, self._show_updating)
        if self.background:
            timer.start()
        try:
            ok = self.update_numbers()
        finally:
            timer.cancel()
        if not ok:
            return False
        self.last_update_seconds = time.perf_counter() - started
        self.status.value = "<span class='mlkit-up-to-date' style='color:#1a6b3c'>up to date</span>"
        if self._stale(generation):
            return False
        return self.update_drivers(generation)

    def update_numbers(self) -> bool:
        """Validate, recompute (evaluation, quick Monte Carlo), show the table and redraw the open chart."""
        try:
            scenario = self.build_scenario()
        except InputError as error:
            self._show_error(str(error))
            return False
        self._clear_errors()
        self.scenario = scenario
        self._show_sources()
        self.evaluation = decision.evaluate(scenario)
        draws = scenario.assumptions.draws if self.full_run else min(self.draws, scenario.assumptions.draws)
        self.simulation = decision.simulate(scenario, draws=draws)
        self.bars = None
        self._show_numbers()
        self._dirty = set(CHARTS)
        self._draw(CHARTS[self.charts.selected_index or 0])
        return True

    def update_drivers(self, generation: int | None = None) -> bool:
        """The slow part: sensitivity, the verdict with its drivers, and the tornado if its tab is open."""
        self.bars = decision.sensitivity(self.scenario)
        if self._stale(generation):
            return False
        self._show_verdict()
        if "Tornado" in self._dirty and CHARTS[self.charts.selected_index or 0] == "Tornado":
            self._draw("Tornado")
        return True

    def run_full(self) -> None:
        """Rerun the Monte Carlo with the scenario's full number of draws."""
        self.full_run = True
        self.request_update(reason="full")

    def _show_updating(self) -> None:
        self.status.value = "<span class='mlkit-updating' style='color:#8a4b00'>updating…</span>"

    def _clear_errors(self) -> None:
        for control in self.controls.values():
            control.message.value = ""
        self.general_message.value = ""

    def _show_error(self, message: str) -> None:
        """Put the model's message next to the control it names, in words.

        Of the controls a message names (``scholarships_per_year + employer_aid_per_year = ...``
        names two), the one changed last, else the first named. A message that names no control
        (loans above the cost of attendance after an aid or a cost changed) goes under the
        control changed last, where the person is looking, else above the controls.
        """
        self._clear_errors()
        text = f"<span style='color:#b00'>{html.escape(in_words(message))}</span>"
        named = []
        for field, control in self.controls.items():
            found = re.search(rf"(^|[\s.]){re.escape(field)}( =| \+ )", message)
            if found and (control.owner_kind != "option" or f'"{self._owner(control)}"' in message):
                named.append((found.start(), control))
        last = getattr(self, "_last_changed", None)
        target = None
        if named:
            target = last if last in [c for _, c in named] else min(named, key=lambda item: item[0])[1]
        elif last is not None:
            target = last
        if target is not None:
            target.message.value = text
        else:
            self.general_message.value = text
        self.status.value = ("<span class='mlkit-invalid' style='color:#b00'>input error: the results below are for the "
                             "last valid inputs</span>")

    # -- showing results ----------------------------------------------------------

    def _show_numbers(self) -> None:
        sim = self.simulation
        self.draws_note.value = (
            f"<span style='color:#555;font-size:0.85em'>Monte Carlo: {sim.draws:,} draws"
            + ("" if sim.draws >= self.scenario.assumptions.draws else " while editing, for speed") + "</span>"
        )
        self.table.value = results_html(self.evaluation, sim)
        v = verdict(self.evaluation, [], sim)
        self.verdict = v
        self.verdict_html.value = (
            f"<div class='mlkit-verdict-text' data-best='{html.escape(v.best, quote=True)}'>{html.escape(v.text)}</div>"
            "<div class='mlkit-verdict-pending' style='color:#8a4b00'>working out what drives it…</div>"
        )

    def _show_verdict(self) -> None:
        v = verdict(self.evaluation, self.bars, self.simulation, chosen=self.chosen)
        self.verdict = v
        self.verdict_html.value = (
            f"<div class='mlkit-verdict-text' data-best='{html.escape(v.best, quote=True)}'>{html.escape(v.text)}</div>"
        )

    def _show_ratings(self) -> None:
        self.ratings_summary.value = f"<div style='color:#333'><b>Beyond the money:</b> {html.escape(summarise_ratings(self.ratings).text)}</div>"

    @property
    def ratings(self) -> dict[str, int]:
        return {k: d.value for k, d in self.rating_controls.items() if d.value}

    def figure(self, name: str):
        """The chart ``name`` (one of :data:`CHARTS`) for the current results, as a Figure."""
        from mlkit.plots import decision as plots

        if name == "Cash flow":
            return plots.cash_flow_figure(self.evaluation)
        if name == "NPV distribution":
            return plots.npv_distribution_figure(self.simulation)
        if name == "Tornado":
            if self.bars is None:
                return None
            return plots.tornado_figure(self.bars, self.chosen, self.evaluation.option(self.chosen).npv)
        if name == "Loan balance":
            return plots.loan_balance_figure(loan_schedules(self.scenario), options=[o.name for o in self.scenario.options])
        raise InputError(f"chart = {name!r}: choose one of {', '.join(CHARTS)}")

    def _draw(self, name: str) -> None:
        from mlkit.plots.decision import png_bytes

        fig = self.figure(name)
        if fig is None:
            return
        self.images[name].value = png_bytes(fig)
        self._dirty.discard(name)

    # -- scenarios ----------------------------------------------------------------

    def _scenario_widgets(self) -> w.Widget:
        self.name_box = w.Text(description="Name", placeholder="e.g. online part-time")
        self.name_box.add_class("mlkit-scenario-name")
        save = w.Button(description="Save")
        save.add_class("mlkit-save")
        save.on_click(lambda _: self.save())
        self.saved_picker = w.Dropdown(options=self.store.names(), description="Saved")
        self.saved_picker.add_class("mlkit-saved-picker")
        load = w.Button(description="Load")
        load.add_class("mlkit-load")
        load.on_click(lambda _: self.load(self.saved_picker.value))
        self.compare_picker = w.SelectMultiple(options=self.store.names(), description="Compare", rows=4)
        compare = w.Button(description="Compare")
        compare.on_click(lambda _: self.compare(list(self.compare_picker.value)))
        report = w.Button(description="Export report (HTML)")
        report.add_class("mlkit-export")
        report.on_click(lambda _: self.export_report())
        self.scenario_message = w.HTML()
        self.scenario_message.add_class("mlkit-scenario-message")
        self.comparison = w.HTML()
        self.comparison.add_class("mlkit-comparison")
        return w.VBox([
            w.HTML("<b>Scenarios</b>: save these inputs under a name, load them later, compare saved ones, "
                   "or export a report to send to a partner or an adviser."),
            *[_row(*items) for items in ((self.name_box, save, report), (self.saved_picker, load), (self.compare_picker, compare))],
            self.scenario_message, self.comparison,
        ])

    def _refresh_saved(self) -> None:
        names = self.store.names()
        self.saved_picker.options = names
        self.compare_picker.options = names

    def save(self, name: str | None = None, overwrite: bool = False):
        """Save the current inputs (and ratings) as ``name``; an existing name is refused, not overwritten."""
        name = self.name_box.value if name is None else name
        try:
            path = self.store.save(name, self.build_scenario(), self.ratings, overwrite=overwrite)
        except InputError as error:
            free = ""
            try:
                free = self.store.free_name(name)
            except InputError:
                pass
            hint = f" A free name: {html.escape(free)!r}." if free and free != name.strip() else ""
            self.scenario_message.value = f"<span style='color:#b00'>{html.escape(in_words(str(error)))}{hint}</span>"
            return None
        self._refresh_saved()
        self.scenario_message.value = f"Saved as {html.escape(name.strip())!r} in {html.escape(str(path.parent))}."
        return path

    def load(self, name: str | None) -> bool:
        """Load a saved scenario into the controls and update."""
        if not name:
            self.scenario_message.value = "<span style='color:#b00'>no saved scenario chosen</span>"
            return False
        try:
            saved = self.store.load(name)
        except InputError as error:
            self.scenario_message.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            return False
        self.base = saved.scenario
        self.scenario = saved.scenario
        with self._lock:
            self._load_values(saved.scenario)
        names = [o.name for o in saved.scenario.options if o.kind != "stay"] or [o.name for o in saved.scenario.options]
        shown = self.option_picker.value if self.option_picker.value in names else names[-1]  # keep the option in view
        self._suspended = True
        try:
            self.option_picker.options = names
            self.option_picker.value = shown
            for qid, dropdown in self.rating_controls.items():
                dropdown.value = saved.ratings.get(qid, 0)
        finally:
            self._suspended = False
        self._fill_controls()
        self.name_box.value = saved.name
        self.scenario_message.value = f"Loaded {html.escape(saved.name)!r}."
        self.request_update(reason="load")
        return True

    def compare(self, names: list[str]):
        """Show saved scenarios side by side (expected NPV per option, best option)."""
        from mlkit.decision.store import compare

        try:
            result = compare(self.store, names)
        except InputError as error:
            self.comparison.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            return None
        rows = ["<table class='mlkit-comparison-table'><tr><th>option</th>" + "".join(f"<th>{html.escape(n)}</th>" for n in result.names) + "</tr>"]
        for option, by_name in result.npv.items():
            cells = "".join(f"<td style='text-align:right'>{'—' if by_name[n] is None else money(by_name[n])}</td>" for n in result.names)
            rows.append(f"<tr><td>{html.escape(option)}</td>{cells}</tr>")
        rows.append("<tr><td><b>best option</b></td>" + "".join(f"<td>{html.escape(result.best[n])}</td>" for n in result.names) + "</tr></table>")
        self.comparison.value = "\n".join(rows)
        return result

    def report_html(self) -> str:
        """The self-contained HTML report of the current inputs and results (full Monte Carlo)."""
        from mlkit.decision.report import build_report
        from mlkit.plots.decision import png_bytes

        scenario = self.build_scenario()
        evaluation = decision.evaluate(scenario)
        simulation = decision.simulate(scenario)
        bars = decision.sensitivity(scenario)
        v = verdict(evaluation, bars, simulation, chosen=self.chosen)
        from mlkit.plots import decision as plots

        charts = {
            "Cumulative cash flow against staying": png_bytes(plots.cash_flow_figure(evaluation)),
            "NPV distribution": png_bytes(plots.npv_distribution_figure(simulation)),
            f"What moves the NPV of {self.chosen}": png_bytes(plots.tornado_figure(bars, self.chosen, evaluation.option(self.chosen).npv)),
            "Loan balance over time": png_bytes(plots.loan_balance_figure(loan_schedules(scenario), options=[o.name for o in scenario.options])),
        }
        title = f"Is an ML master's worth it? {self.name_box.value.strip()}".rstrip() if self.name_box.value.strip() else None
        kwargs = {"title": title} if title else {}
        return build_report(scenario, evaluation, simulation, v, self.ratings, charts, **kwargs)

    def export_report(self, folder=None):
        """Write the report to ``<user data folder>/reports/`` (a new file each time) and offer it for download."""
        from mlkit.decision.store import _write_atomic
        from mlkit.paths import user_data_dir

        try:
            page = self.report_html()
        except InputError as error:
            self.scenario_message.value = f"<span style='color:#b00'>cannot export: {html.escape(str(error))}</span>"
            return None
        folder = user_data_dir() / "reports" if folder is None else folder
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", self.name_box.value.strip()).strip("-") or "decision"
        stem = f"{stem}-{date.today().isoformat()}"
        path, number = folder / f"{stem}.html", 2
        while True:
            try:
                _write_atomic(path, page, overwrite=False)
                break
            except FileExistsError:
                path, number = folder / f"{stem}-{number}.html", number + 1
        link = base64.b64encode(page.encode("utf-8")).decode("ascii")
        self.scenario_message.value = (
            f"Report written to {html.escape(str(path))}. "
            f"<a download='{html.escape(path.name, quote=True)}' href='data:text/html;base64,{link}'>Download it</a>."
        )
        return path


RESULT_COLUMNS = ("option", "expected NPV vs staying", "break-even", "IRR", "loan payment",
                  "payment as a share of take-home pay (with the role, without)", "chance of losing money",
                  "chance of being best")


def results_html(evaluation, simulation) -> str:
    """The results table, with ``data-value`` attributes holding the raw numbers.

    Money reads ``$58,260``, rates ``3.0%``; on a narrow screen each row becomes a card whose
    cells carry their column's name (``data-label``).
    """
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in RESULT_COLUMNS)
    lines = [f"<table class='mlkit-results-table'><thead><tr>{head}</tr></thead><tbody>"]

    def pct(value):
        return "—" if value is None else f"{value:.0%}"

    for row in option_rows(evaluation, simulation):
        irr = f"{row.irr:.1%}" if row.irr is not None else f"<span title='{html.escape(row.irr_reason, quote=True)}'>n/a</span>"
        payment = payment_text(row, "/mo")
        values = (
            ("mlkit-option-name", "", html.escape(row.name)),
            ("mlkit-npv mlkit-num", f" data-value='{row.npv:.2f}'", money(row.npv)),
            ("mlkit-break-even", "", f"year {row.break_even_year}" if row.break_even_year else "never"),
            ("mlkit-irr", "", irr),
            ("mlkit-payment mlkit-num", "", payment),
            ("mlkit-payment-share", "", f"{pct(row.payment_share_land)}, {pct(row.payment_share_fallback)}"),
            ("mlkit-prob-loss", f" data-value='{row.prob_loss:.4f}'", pct(row.prob_loss)),
            ("mlkit-prob-best", f" data-value='{row.prob_best:.4f}'", pct(row.prob_best)),
        )
        cells = "".join(
            f"<{tag} class='{css}' data-label='{html.escape(label, quote=True)}'{data}{scope}>{shown}</{tag}>"
            for (css, data, shown), label, (tag, scope) in zip(
                values, RESULT_COLUMNS, [("th", " scope='row'")] + [("td", "")] * (len(values) - 1)
            )
        )
        lines.append(f"<tr data-option='{html.escape(row.name, quote=True)}'>{cells}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)
