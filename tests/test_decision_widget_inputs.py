"""The workbook's controls for taxes, repayment plans, borrowing a share, insurance, benefits, income while
studying and career-stage salaries: each sets its scenario field, moves the NPV the way it should, and an
out-of-range value shows the model's message beside it."""

import dataclasses
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from mlkit import decision  # noqa: E402
from mlkit.decision.sources import FIELD_LABELS  # noqa: E402
from mlkit.decision.store import ScenarioStore  # noqa: E402
from mlkit.decision.validation import RANGES  # noqa: E402
from mlkit.widgets.decision import CHOICE_FIELDS, GROUPS, DecisionWorkbook  # noqa: E402

MASTERS = "In-person master's (CMU-priced)"
BOOTCAMP = "Full-time bootcamp"
#: The inputs these controls add, with where the model keeps them.
NEW_FIELDS = {
    "pre_tax": "assumptions", "state_rate": "assumptions", "filing_status": "assumptions",
    "plan": "financing", "borrow_share": "financing", "dependants": "financing",
    "health_insurance_per_year": "option", "lost_benefits_per_year": "option", "study_income_per_year": "option",
    "entry_salary": "option", "fallback_salary": "option",
}


class NumbersOnly(DecisionWorkbook):
    """The workbook without the slow sensitivity (the verdict's drivers): the numbers are what these tests read."""

    def update_drivers(self, generation=None):
        return True


@pytest.fixture
def app(tmp_path):
    s = decision.example_scenario()
    small = dataclasses.replace(s, options=(s.options[0], s.options[1], s.options[4]))
    workbook = NumbersOnly(small, store=ScenarioStore(tmp_path / "scenarios"), prior=None, background=False, draws=200)
    workbook.option_picker.value = MASTERS
    return workbook


def npv(app, name=MASTERS):
    found = re.findall(r"<tr data-option='([^']*)'>.*?class='mlkit-npv[^']*'[^>]*data-value='([-0-9.]+)'", app.table.value)
    return {n.replace("&#x27;", "'"): float(v) for n, v in found}[name]


def model_value(scenario, field, name=MASTERS):
    where = NEW_FIELDS[field]
    if where == "assumptions":
        return getattr(scenario.assumptions, field)
    option = scenario.option(name)
    return getattr(option.financing if where == "financing" else option, field)


def test_every_new_input_has_a_labelled_control_with_its_unit_and_range(app):
    grouped = {field: title for title, (_, fields) in GROUPS.items() for field in fields}
    for field, where in NEW_FIELDS.items():
        control = app.controls[field]
        label, unit = FIELD_LABELS[field]
        assert label in control.widget.description and "_" not in control.widget.description, field
        assert control.box.layout.display != "none" and grouped[field] in ("the option", "loans", "outcomes", "taxes")
        tip = control.widget.tooltip
        if field in CHOICE_FIELDS:
            assert all(shown in tip for shown, _ in CHOICE_FIELDS[field]), field
            continue
        spec = RANGES[f"{where}.{field}"]
        high = f"${spec.high:,.0f}" if spec.kind == "money" else f"{spec.high:,.10g}"
        assert f"{spec.low:,.10g}".lstrip("$") in tip and high in tip, (field, tip)
        assert unit.split(";")[0].strip() in control.widget.description, field
    assert [t for t in GROUPS if t == "taxes"] and {GROUPS["taxes"][1]} == {("pre_tax", "state_rate", "filing_status")}


# (field, setup, value, direction): the new value moves the master's expected NPV up (+1) or down (-1).
DIRECTIONS = [
    # Before tax the master's salary gain is not taxed.
    ("pre_tax", {}, True, +1),
    # A state income tax takes a share of the gain.
    ("state_rate", {}, 0.05, -1),
    # Joint brackets are twice as wide: less of the gain is taxed at the higher rates.
    ("filing_status", {}, "married_filing_jointly", +1),
    # RAP waives the interest a low income cannot cover (without the role, after dropping out).
    ("plan", {}, "rap", +1),
    # On RAP each dependant lowers the payment by $50 a month, and the unpaid interest is waived.
    ("dependants", {"plan": "rap"}, 2, +1),
    # Borrowing all the cost (at 9% privately) instead of half of it costs more in interest.
    ("borrow_share", {"federal_unsubsidised_per_year": 0.0, "private_per_year": 0.0, "borrow_share": "0.5"}, "1", -1),
    ("health_insurance_per_year", {}, 3_000.0, -1),
    ("lost_benefits_per_year", {}, 5_000.0, -1),
    ("study_income_per_year", {}, 10_000.0, +1),
    # A lower start in the role than the default (about $72,600 scaled to the target).
    ("entry_salary", {}, "60000", -1),
    # Finishing without the role at $80,000 instead of the current $58,260.
    ("fallback_salary", {}, "80,000", +1),
]


@pytest.mark.parametrize("field, setup, value, direction", DIRECTIONS, ids=[d[0] for d in DIRECTIONS])
def test_each_new_control_sets_its_field_and_moves_the_npv_the_expected_way(app, field, setup, value, direction):
    for name, given in setup.items():
        app.controls[name].widget.value = given
    assert app.controls[field].message.value == "" and "up to date" in app.status.value
    before, old = npv(app), model_value(app.scenario, field)
    app.controls[field].widget.value = value
    assert "up to date" in app.status.value, app.general_message.value + app.controls[field].message.value
    expected = float(value.replace(",", "")) if isinstance(value, str) and field in ("entry_salary", "fallback_salary", "borrow_share") else value
    assert model_value(app.scenario, field) == expected != old
    after = npv(app)
    assert (after - before) * direction > 1.0, (field, before, after)
    # The number shown is the model's expected NPV for the scenario the controls describe.
    assert after == pytest.approx(decision.evaluate(app.build_scenario()).option(MASTERS).npv, abs=0.01)


def test_a_blank_optional_salary_goes_back_to_the_default(app):
    start = npv(app)
    assert app.controls["entry_salary"].widget.value == "" and "blank: $" in app.controls["entry_salary"].widget.placeholder
    app.controls["entry_salary"].widget.value = "60000"
    assert npv(app) < start
    app.controls["entry_salary"].widget.value = "  "
    assert app.scenario.option(MASTERS).entry_salary is None and npv(app) == pytest.approx(start)
    assert "$58,260 (your current salary)" in app.controls["fallback_salary"].widget.placeholder


BAD = [
    ("state_rate", 0.3, "state income tax rate (effective) = 0.3: outside the allowed range [0, 0.15]"),
    ("state_rate", 5.0, "looks like a percentage"),
    ("dependants", 25, "dependants on your tax return = 25: outside the allowed range from 0 to 20"),
    ("borrow_share", "1.5", "share of the cost of attendance borrowed = 1.5: outside [0, 1]"),
    ("borrow_share", "0.5", "give either borrow_share"),
    ("entry_salary", "sixty thousand", "starting salary in the target role = &#x27;sixty thousand&#x27;: expected a number"),
    ("fallback_salary", "-5000", "a negative amount is not allowed"),
    ("fallback_salary", "9e99", "above the plausible range of 0 to 5,000,000"),
    ("health_insurance_per_year", 60_000.0, "student health insurance = 60000.0: above the plausible range of 0 to 50,000"),
    ("lost_benefits_per_year", -1.0, "benefits lost while studying = -1.0: a negative amount is not allowed"),
    ("study_income_per_year", 6e6, "above the plausible range of 0 to 5,000,000"),
]


@pytest.mark.parametrize("field, bad, shown", BAD, ids=[f"{f}={b}" for f, b, _ in BAD])
def test_an_out_of_range_value_shows_the_message_beside_its_field(app, field, bad, shown):
    before, good = app.table.value, app.controls[field].widget.value
    app.controls[field].widget.value = bad
    message = app.controls[field].message.value
    assert shown in message, message
    assert "Traceback" not in message and "Error" not in message and app.general_message.value == ""
    assert "input error" in app.status.value and app.table.value == before
    app.controls[field].widget.value = good
    assert app.controls[field].message.value == "" and "up to date" in app.status.value


def test_the_new_inputs_are_kept_per_option_and_survive_save_and_load(app):
    app.controls["plan"].widget.value = "rap"
    app.controls["study_income_per_year"].widget.value = 8_000.0
    app.controls["state_rate"].widget.value = 0.04
    app.option_picker.value = BOOTCAMP
    assert app.controls["plan"].widget.value == "auto" and app.controls["study_income_per_year"].widget.value == 0
    assert app.controls["state_rate"].widget.value == 0.04  # an assumption: the same for every option
    assert app.save("taxes and RAP") is not None
    app.controls["state_rate"].widget.value = 0.0
    assert app.load("taxes and RAP")
    app.option_picker.value = MASTERS
    assert (app.controls["plan"].widget.value, app.controls["study_income_per_year"].widget.value) == ("rap", 8_000)
    assert app.controls["state_rate"].widget.value == 0.04
    assert app.build_scenario().option(MASTERS).financing.plan == "rap"
