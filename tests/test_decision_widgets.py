"""The workbook widget, in-process: controls change the results, invalid values show messages, scenarios and reports."""

import dataclasses
import re
import time

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from mlkit import decision  # noqa: E402
from mlkit.decision.store import ScenarioStore  # noqa: E402
from mlkit.widgets.decision import CHARTS, DecisionWorkbook  # noqa: E402

MASTERS = "In-person master's (CMU-priced)"
BOOTCAMP = "Full-time bootcamp"


def _small():
    s = decision.example_scenario()
    return dataclasses.replace(s, options=(s.options[0], s.options[1], s.options[4]))


def npvs(app):
    found = re.findall(r"<tr data-option='([^']*)'>.*?class='mlkit-npv[^']*'[^>]*data-value='([-0-9.]+)'", app.table.value)
    return {name.replace("&#x27;", "'"): float(value) for name, value in found}


@pytest.fixture
def app(tmp_path):
    return DecisionWorkbook(_small(), store=ScenarioStore(tmp_path / "scenarios"), prior=None, background=False, draws=500)


def test_it_opens_with_the_scenarios_results_and_sources(app):
    e = decision.evaluate(_small())
    assert npvs(app) == pytest.approx({r.name: r.npv for r in e.options}, abs=0.01)
    assert app.chosen == BOOTCAMP
    assert app.controls["programme_price"].widget.value == 13_500
    assert "RTI International 2019" in app.controls["programme_price"].source.value
    assert "US Bureau of Labor Statistics, 2021" in app.controls["salary"].source.value
    assert "up to date" in app.status.value
    assert "500 draws while editing" in app.draws_note.value
    assert app.verdict.best == BOOTCAMP and "What drives it" in app.verdict_html.value
    assert app.images["Cash flow"].value.tobytes().startswith(b"\x89PNG")
    assert bytes(app.images["Loan balance"].value) == b""  # drawn when its tab is opened


def test_raising_the_price_and_lowering_the_chance_of_the_role_lower_the_npv(app):
    start = npvs(app)[BOOTCAMP]
    app.controls["programme_price"].widget.value = 30_000
    pricier = npvs(app)[BOOTCAMP]
    assert pricier == pytest.approx(start - (30_000 - 13_500))
    assert "your figure" in app.controls["programme_price"].source.value
    app.controls["p_land_role"].widget.value = 0.3
    assert npvs(app)[BOOTCAMP] < pricier
    assert app.verdict.best == MASTERS
    assert f"On these numbers, {MASTERS}".replace("'", "&#x27;") in app.verdict_html.value


def test_an_invalid_value_shows_the_models_message_and_the_rest_keeps_working(app):
    before = app.table.value
    app.controls["p_land_role"].widget.value = 1.5
    message = app.controls["p_land_role"].message.value
    assert 'option &quot;Full-time bootcamp&quot;: chance of landing the target role = 1.5: outside [0, 1]' in message
    assert "input error" in app.status.value
    assert app.table.value == before  # the last valid results stay
    app.controls["salary"].widget.value = 70_000  # another control still works...
    assert app.table.value == before  # ...but results wait until the invalid value is fixed
    app.controls["p_land_role"].widget.value = 0.5
    assert app.controls["p_land_role"].message.value == ""
    assert app.table.value != before and "up to date" in app.status.value


def test_a_scenario_wide_error_lands_next_to_the_field_it_names(app):
    app.option_picker.value = MASTERS
    app.controls["federal_unsubsidised_per_year"].widget.value = 30_000
    assert "above the annual limit" in app.controls["federal_unsubsidised_per_year"].message.value
    app.controls["federal_unsubsidised_per_year"].widget.value = 20_500
    assert app.controls["federal_unsubsidised_per_year"].message.value == ""


def test_picking_an_option_shows_its_values(app):
    app.option_picker.value = MASTERS
    assert app.controls["tuition_per_year"].widget.value == 52_000
    assert "Carnegie Mellon" in app.controls["tuition_per_year"].source.value
    app.controls["tuition_per_year"].widget.value = 60_000
    app.option_picker.value = BOOTCAMP
    assert app.controls["tuition_per_year"].widget.value == 0
    app.option_picker.value = MASTERS
    assert app.controls["tuition_per_year"].widget.value == 60_000  # edits are kept per option
    assert app.build_scenario().option(MASTERS).tuition_per_year == 60_000


def test_charts_are_drawn_when_their_tab_opens(app):
    app.charts.selected_index = CHARTS.index("Loan balance")
    assert app.images["Loan balance"].value.tobytes().startswith(b"\x89PNG")
    app.charts.selected_index = CHARTS.index("Tornado")
    assert app.images["Tornado"].value.tobytes().startswith(b"\x89PNG")


def test_ratings_sit_beside_the_numbers_and_do_not_change_them(app):
    before = app.table.value
    app.rating_controls["loan_risk"].value = 1
    assert "loan risk (1 of 5)" in app.ratings_summary.value
    assert app.table.value == before


def test_save_refuses_an_existing_name_then_load_and_compare(app):
    app.rating_controls["flexibility"].value = 4
    assert app.save("shipped") is not None
    app.controls["programme_price"].widget.value = 40_000
    assert app.save("shipped") is None
    assert "already saved" in app.scenario_message.value and "shipped-2" in app.scenario_message.value
    assert app.store.load("shipped").scenario.option(BOOTCAMP).programme_price == 13_500
    assert app.save("pricey") is not None
    assert app.saved_picker.options == ("pricey", "shipped")
    result = app.compare(["shipped", "pricey"])
    assert result.best["shipped"] == BOOTCAMP
    assert "mlkit-comparison-table" in app.comparison.value
    assert app.load("shipped")
    assert app.controls["programme_price"].widget.value == 13_500
    assert app.rating_controls["flexibility"].value == 4
    assert npvs(app)[BOOTCAMP] == pytest.approx(decision.evaluate(_small()).option(BOOTCAMP).npv, abs=0.01)
    assert not app.load("missing") and "no saved scenario named &#x27;missing&#x27;" in app.scenario_message.value


def test_export_writes_a_new_self_contained_report_each_time(app, tmp_path):
    app.name_box.value = "my plan"
    first = app.export_report(folder=tmp_path / "reports")
    second = app.export_report(folder=tmp_path / "reports")
    assert first != second and first.name.startswith("my-plan-")
    page = first.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 4 and "<script" not in page
    assert "Download it" in app.scenario_message.value


def test_a_saved_readiness_prior_is_offered_as_a_rough_value(tmp_path, monkeypatch):
    from mlkit.readiness import load_answers, sample_answers_path, save_prior, score, suggest_prior

    monkeypatch.setenv("MLKIT_HOME", str(tmp_path))
    save_prior(suggest_prior(score(load_answers(sample_answers_path()))))
    app = DecisionWorkbook(_small(), store=ScenarioStore(tmp_path / "s"), background=False, draws=500)
    assert app.prior.completion_probability == 0.58
    assert "rough prior" in app.prior_box.children[0].value
    assert app.rating_controls["programme_fit"].value == 2
    app.use_prior()
    assert app.build_scenario().option(BOOTCAMP).p_complete == 0.58
    assert "your figure" in app.controls["p_complete"].source.value


def test_background_updates_are_debounced_and_arrive(tmp_path):
    app = DecisionWorkbook(_small(), store=ScenarioStore(tmp_path), prior=None, background=True, debounce=0.05, draws=500)
    start = npvs(app)[BOOTCAMP]
    for price in (14_000, 15_000, 16_000):  # three quick changes: one update with the last value
        app.controls["programme_price"].widget.value = price
    deadline = time.monotonic() + 60
    while npvs(app)[BOOTCAMP] == start and time.monotonic() < deadline:
        time.sleep(0.05)
    assert npvs(app)[BOOTCAMP] == pytest.approx(start - 2_500)
    while "What drives it" not in app.verdict_html.value and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "What drives it" in app.verdict_html.value
