"""The HTML report is self-contained and carries the inputs with their sources, the results and the charts."""

import base64
import re

import pytest

from mlkit import decision
from mlkit.decision.report import build_report
from mlkit.decision.summary import option_rows
from mlkit.decision.verdict import money, verdict

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def page():
    s = decision.example_scenario()
    e = decision.evaluate(s)
    sim = decision.simulate(s, draws=1_000, seed=0)
    v = verdict(e, decision.sensitivity(s), sim)
    charts = {"A chart <with> markup": PNG, "An SVG chart": "<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'></svg>"}
    return s, e, sim, v, build_report(s, e, sim, v, {"loan_risk": 2}, charts, title="Sam & the options", created="2026-11-25")


def test_the_report_links_to_nothing_outside_itself(page):
    html = page[-1]
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html.lower() and "@import" not in html and "url(" not in html


def test_the_report_embeds_the_charts(page):
    html = page[-1]
    assert f"src=\"data:image/png;base64,{base64.b64encode(PNG).decode()}\"" in html
    assert "<svg xmlns='http://www.w3.org/2000/svg'></svg>" in html and "<?xml" not in html
    assert "A chart &lt;with&gt; markup" in html


def test_the_report_carries_inputs_with_sources(page):
    s, e, sim, v, html = page
    assert "Carnegie Mellon University (quoted by the guide), 2022" in html
    assert "US Bureau of Labor Statistics, 2021" in html
    assert "$52,000" in html and "$58,260" in html
    assert "no authoritative source, 2025; an assumption" in html
    assert "your figure" in html  # the private loan is the example's own figure


def test_the_report_carries_the_results_verdict_and_ratings(page):
    s, e, sim, v, html = page
    for row in option_rows(e, sim):
        assert money(row.npv) in html
        assert f"{row.prob_loss:.0%}" in html
    assert v.text.replace("'", "&#x27;") in html
    assert "loan risk" in html and "2 of 5 (rather not)" in html
    assert "Sam &amp; the options" in html and "2026-11-25" in html
    assert "1,000 draws, seed 0" in html


def test_a_minimal_report_needs_only_the_scenario_and_its_evaluation():
    s = decision.example_scenario()
    html = build_report(s, decision.evaluate(s))
    assert "P(losing money)" not in html and "Verdict" not in html
    assert "None of the five questions rated yet" in html


def test_the_report_lists_the_career_path_the_loans_plan_and_inflation_with_their_sources(page):
    html = page[-1]
    # The starting salary the model uses (the ML engineer's $72,600 scaled to the target) and its years to the target.
    assert "starting salary in the target role" in html and "$72,600" in html
    assert "years from the starting salary to the target" in html and "mlkit modelling choice (no published source), 2026" in html
    assert "federal repayment plan" in html and "share of the cost of attendance borrowed" in html
    assert "Federal Open Market Committee, Statement on Longer-Run Goals and Monetary Policy Strategy (January 2012), 2012" in html
