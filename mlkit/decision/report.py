"""A self-contained HTML report of one scenario, to send to a partner or an adviser.

:func:`build_report` turns results the model has already computed (and charts already
rendered, as PNG bytes or SVG text) into one HTML page: the verdict, the self-ratings,
the results per option, every input with its source, and the charts embedded as base64
``data:`` images. It links to nothing outside itself (no scripts, style sheets, fonts
or images from the network), so it opens the same offline, attached to an e-mail.

Core layer: it formats values and escapes text; it neither computes results nor draws.

Examples
--------
>>> from mlkit.decision import evaluate, example_scenario
>>> page = build_report(example_scenario(), evaluate(example_scenario()), title="Sam's options")
>>> page.startswith("<!DOCTYPE html>"), "Carnegie Mellon University" in page, "<script" in page
(True, True, False)
"""

from __future__ import annotations

import base64
import html
from datetime import date

from mlkit.decision.inputs import Scenario
from mlkit.decision.montecarlo import MonteCarloResult
from mlkit.decision.questions import QUESTIONS, SCALE, summarise_ratings
from mlkit.decision.results import Evaluation
from mlkit.decision.sources import input_rows
from mlkit.decision.summary import option_rows, payment_text
from mlkit.decision.verdict import Verdict, money

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.source { color: #555; font-size: 0.85em; }
.verdict { background: #f4f7fb; border-left: 4px solid #1f77b4; padding: 0.6em 1em; }
figure { margin: 1em 0; } figcaption { font-size: 0.85em; color: #555; }
.note { color: #555; font-size: 0.85em; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fmt(unit: str, value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit.startswith("$"):
        return f"${float(value):,.0f}"
    if unit in ("fraction", "fraction/year", "probability"):
        return f"{float(value):.1%}" if float(value) < 0.1 and unit == "fraction/year" else f"{float(value):.0%}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def chart_tag(title: str, image: bytes | str) -> str:
    """An ``<figure>`` with ``image`` embedded: PNG bytes as a base64 ``data:`` URI, SVG text inline."""
    if isinstance(image, str):
        body = image[image.find("<svg"):] if "<svg" in image else _e(image)
    else:
        body = f'<img alt="{_e(title)}" src="data:image/png;base64,{base64.b64encode(image).decode("ascii")}">'
    return f"<figure>{body}<figcaption>{_e(title)}</figcaption></figure>"


def results_table(evaluation: Evaluation, simulation: MonteCarloResult | None = None) -> str:
    """The per-option results as an HTML table."""
    head = ["option", "expected NPV vs staying", "break-even", "IRR", "loan payment / month", "payment share of take-home (role / no role)"]
    if simulation is not None:
        head += ["P(losing money)", "P(best)"]
    lines = ["<table class='results'><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for row in option_rows(evaluation, simulation):
        irr = f"{row.irr:.1%}" if row.irr is not None else f"<span class='source'>{_e(row.irr_reason)}</span>"
        cells = [
            _e(row.name),
            f"<td class='num'>{_e(money(row.npv))}",
            f"<td class='num'>{'year ' + str(row.break_even_year) if row.break_even_year else 'never'}",
            f"<td>{irr}",
            f"<td class='num'>{_e(payment_text(row))}",
            f"<td class='num'>{_percent(row.payment_share_land)} / {_percent(row.payment_share_fallback)}",
        ]
        if simulation is not None:
            cells += [f"<td class='num'>{_percent(row.prob_loss)}", f"<td class='num'>{_percent(row.prob_best)}"]
        lines.append("<tr><td>" + "</td>".join(cells) + "</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


def tax_basis(scenario: Scenario) -> str:
    """Whether the report's figures are before or after tax, in one sentence."""
    from mlkit.decision.inputs import default_state_rate

    a = scenario.assumptions
    if a.tax_model == "none":
        return "All figures are before tax (pre-tax earnings, as FREOPP's graduate ROI counts them)."
    if a.tax_model == "flat":
        return f"All figures are after a flat effective tax rate of {a.tax_rate:.1%} on earnings."
    state = a.state_rate if a.state_rate is not None else default_state_rate()
    return (f"All figures are after tax: federal income tax (2026 brackets, {a.filing_status.replace('_', ' ')}), "
            f"payroll taxes and {state_tax_words(state)}, with the education credit, the student-loan "
            "interest deduction and the $5,250 tax-free employer tuition aid where they apply.")


def state_tax_words(rate: float) -> str:
    """The state income tax the figures include, in words.

    The kit ships no state rate (no citable average effective rate was found), so with the
    default of 0 the sentence says state income tax is left out until the person enters theirs.

    >>> state_tax_words(0.0)
    "no state income tax (none is included unless you enter your state's effective rate)"
    >>> state_tax_words(0.05)
    'a state income tax rate of 5.0%'
    """
    if rate == 0:
        return "no state income tax (none is included unless you enter your state's effective rate)"
    return f"a state income tax rate of {rate:.1%}"


def inputs_table(scenario: Scenario) -> str:
    """Every input with its value and source, as an HTML table."""
    lines = ["<table class='inputs'><tr><th>for</th><th>input</th><th>value</th><th>source</th></tr>"]
    for row in input_rows(scenario, every=True):
        note = f"<br><span class='source'>{_e(row.source.note)}</span>" if row.source.note else ""
        lines.append(
            f"<tr><td>{_e(row.owner)}</td><td>{_e(row.label)}</td><td class='num'>{_e(_fmt(row.unit, row.value))}</td>"
            f"<td>{_e(row.source.text)}{note}</td></tr>"
        )
    lines.append("</table>")
    return "\n".join(lines)


def ratings_section(ratings: dict | None) -> str:
    summary = summarise_ratings(ratings or {})
    lines = [f"<p>{_e(summary.text)}</p>", "<table class='ratings'><tr><th>question</th><th>rating</th></tr>"]
    for q in QUESTIONS:
        value = summary.ratings.get(q.id)
        shown = f"{value} of 5 ({SCALE[value]})" if value else "not rated"
        lines.append(f"<tr><td><b>{_e(q.label)}</b>: {_e(q.prompt)}</td><td>{_e(shown)}</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


def build_report(
    scenario: Scenario,
    evaluation: Evaluation,
    simulation: MonteCarloResult | None = None,
    verdict: Verdict | None = None,
    ratings: dict | None = None,
    charts: dict[str, bytes | str] | None = None,
    title: str = "Is an ML master's worth it? My decision workbook",
    created: date | str | None = None,
) -> str:
    """One self-contained HTML page for ``scenario`` and its results.

    Parameters
    ----------
    scenario, evaluation
        The scenario and :func:`~mlkit.decision.evaluate` of it.
    simulation : MonteCarloResult, optional
        Adds the chance of losing money and of being best.
    verdict : Verdict, optional
        :func:`mlkit.decision.verdict.verdict`; shown first.
    ratings : dict, optional
        Self-ratings of the five questions (``{question id: 1..5}``).
    charts : dict of str to bytes or str, optional
        Caption to PNG bytes (embedded as base64) or SVG text (inlined).
    title : str
    created : date or str, optional
        Shown under the title (default: today).
    """
    created = created or date.today().isoformat()
    a = scenario.assumptions
    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='note'>Made with the mlkit decision workbook on {_e(created)}. Amounts are in today's dollars, "
        f"discounted at {a.discount_rate:.1%} a year (real) to age {scenario.person.retirement_age:g}; "
        "NPV is measured against staying in the current job.</p>",
        f"<p class='note'><b>{_e(tax_basis(scenario))}</b></p>",
    ]
    if verdict is not None:
        parts += ["<h2>Verdict</h2>", f"<div class='verdict'>{_e(verdict.text)}</div>"]
    parts += ["<h2>Beyond the money</h2>", ratings_section(ratings)]
    parts += ["<h2>Results per option</h2>", results_table(evaluation, simulation)]
    if simulation is not None:
        parts.append(f"<p class='note'>Monte Carlo: {simulation.draws:,} draws, seed {simulation.seed}.</p>")
    for title_, image in (charts or {}).items():
        parts.append(chart_tag(title_, image))
    parts += [
        "<h2>Inputs and their sources</h2>",
        "<p class='note'>“your figure” marks a value entered by the person; “an assumption” marks an estimate or a modelling choice rather than a published number.</p>",
        inputs_table(scenario),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
