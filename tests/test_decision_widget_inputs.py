"""The workbook's controls for taxes, repayment plans, borrowing a share, fees, caregiving, insurance, benefits,
scholarships, employer aid, income while studying, career-stage salaries and inflation: each sets its scenario
field, moves the NPV the way it should, and an out-of-range value shows the model's message beside it, the
message `mlkit decide` gives for the same value in a scenario file."""

import dataclasses
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from mlkit import decision  # noqa: E402
from mlkit.decision.sources import FIELD_LABELS  # noqa: E402
from mlkit.decision.store import ScenarioStore  # noqa: E402
from mlkit.decision.validation import RANGES  # noqa: E402
from mlkit.widgets.decision import CHOICE_FIELDS, GROUPS, OPTIONAL_FIELDS, DecisionWorkbook  # noqa: E402

MASTERS = "In-person master's (CMU-priced)"
BOOTCAMP = "Full-time bootcamp"
#: The inputs these controls add, with where the model keeps them.
NEW_FIELDS = {
    "pre_tax": "assumptions", "state_rate": "assumptions", "filing_status": "assumptions",
    "plan": "financing", "borrow_share": "financing", "dependants": "financing",
    "health_insurance_per_year": "option", "lost_benefits_per_year": "option", "study_income_per_year": "option",
    "entry_salary": "option", "fallback_salary": "option",
    "fees_per_year": "option", "caregiving_per_year": "option", "scholarships_per_year": "option",
    "employer_aid_per_year": "option", "years_to_average": "option", "inflation": "assumptions",
}
#: Loans that follow the costs, so that aid lowers them instead of leaving more borrowed than the costs.
FOLLOWING = {"federal_unsubsidised_per_year": 0.0, "private_per_year": 0.0, "borrow_share": "1"}


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
        assert control.box.layout.display != "none" and grouped[field] in ("the option", "loans", "outcomes", "taxes", "assumptions")
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
    ("fees_per_year", {}, 2_000.0, -1),
    ("caregiving_per_year", {}, 6_000.0, -1),
    # Aid lowers the cost, and the loans that follow it.
    ("scholarships_per_year", FOLLOWING, 10_000.0, +1),
    ("employer_aid_per_year", FOLLOWING, 5_000.0, +1),
    # Eight years instead of five from the starting salary to the role's average: less earned on the way.
    ("years_to_average", {}, "8", -1),
    # Higher inflation makes the loans' fixed nominal payments worth less in today's dollars.
    ("inflation", {}, 0.04, +1),
]


@pytest.mark.parametrize("field, setup, value, direction", DIRECTIONS, ids=[d[0] for d in DIRECTIONS])
def test_each_new_control_sets_its_field_and_moves_the_npv_the_expected_way(app, field, setup, value, direction):
    for name, given in setup.items():
        app.controls[name].widget.value = given
    assert app.controls[field].message.value == "" and "up to date" in app.status.value
    before, old = npv(app), model_value(app.scenario, field)
    app.controls[field].widget.value = value
    assert "up to date" in app.status.value, app.general_message.value + app.controls[field].message.value
    expected = float(value.replace(",", "")) if isinstance(value, str) and field in OPTIONAL_FIELDS else value
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
    ("borrow_share", "0.5", "give either share of the cost of attendance borrowed (the loans follow the costs)"),
    ("entry_salary", "sixty thousand", "starting salary in the target role = &#x27;sixty thousand&#x27;: expected a number"),
    ("fallback_salary", "-5000", "a negative amount is not allowed"),
    ("fallback_salary", "9e99", "above the plausible range of 0 to 5,000,000"),
    ("health_insurance_per_year", 60_000.0, "student health insurance = 60000.0: above the plausible range of 0 to 50,000"),
    ("lost_benefits_per_year", -1.0, "benefits lost while studying = -1.0: a negative amount is not allowed"),
    ("study_income_per_year", 6e6, "above the plausible range of 0 to 5,000,000"),
    ("fees_per_year", -1.0, "fees = -1.0: a negative amount is not allowed"),
    ("caregiving_per_year", float("nan"), "caregiving = nan: expected a finite number"),
    ("scholarships_per_year", 300_000.0, "scholarships = 300000.0: above the plausible range of 0 to 250,000"),
    ("employer_aid_per_year", 100_000.0, "scholarships + employer tuition aid = 100,000.00: above the cost they pay for"),
    ("scholarships_per_year", 10_000.0, "yearly borrowing of $64,000.00 (federal unsubsidised loan + Grad PLUS loan + private loan) "
                                        "is above the cost of attendance of $55,500.00"),
    ("years_to_average", "five", "years from the starting salary to the target = &#x27;five&#x27;: expected a number"),
    ("years_to_average", "50", "outside the allowed range from 0 to 40"),
    ("inflation", 3.0, "inflation (turns loan payments into today&#x27;s dollars) = 3.0: looks like a percentage"),
    ("inflation", 0.5, "outside the allowed range [0, 0.2]"),
    # Odd values an applicant might type: each gets a message, never a traceback, NaN or a silent answer.
    ("entry_salary", "nan", "starting salary in the target role = nan: expected a finite number"),
    ("entry_salary", "1e400", "starting salary in the target role = inf: expected a finite number"),
    ("entry_salary", "0", "a starting salary of $0 in the target role"),
    ("years_to_average", "inf", "expected a finite number"),
    ("years", 0.001, "length of study = 0.001: less than a week of study"),
    ("inflation", float("nan"), "expected a finite number"),
    ("salary_growth", 0.2, "real salary growth = 0.2: over the 37 years to retirement"),
    ("p_land_role", float("-inf"), "chance of landing the target role = -inf: expected a finite number"),
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


# (field, value): each bad value of BAD again, typed in a scenario file for `mlkit decide`.
SAME_AS_THE_COMMAND = [(f, b) for f, b, _ in BAD if f in ("fees_per_year", "caregiving_per_year", "scholarships_per_year",
                                                          "employer_aid_per_year", "years_to_average", "inflation",
                                                          "state_rate", "fallback_salary")]


@pytest.mark.parametrize("field, bad", SAME_AS_THE_COMMAND, ids=[f"{f}={b}" for f, b in SAME_AS_THE_COMMAND])
def test_the_message_is_the_one_the_command_line_gives_in_words(app, field, bad, tmp_path, capsys):
    import html
    import json
    import math

    from mlkit import cli
    from mlkit.widgets.decision import in_words

    data = decision.to_dict(app.build_scenario())
    owner = NEW_FIELDS.get(field, "option")
    number = _number(bad)
    if owner == "assumptions":
        data["assumptions"][field] = number
    else:
        target = next(o for o in data["options"] if o["name"] == MASTERS)
        (target["financing"] if owner == "financing" else target)[field] = number
    path = tmp_path / "s.json"
    # JSON has no NaN: a file says it as a string the reader refuses the same way; compare the rest only.
    text = json.dumps(data, allow_nan=True)
    path.write_text(text, encoding="utf-8")
    status = cli.main(["decide", str(path)])
    said = capsys.readouterr().err.strip()
    assert status == 2 and "Traceback" not in said
    app.controls[field].widget.value = bad
    shown = html.unescape(re.sub(r"<[^>]+>", "", app.controls[field].message.value))
    if isinstance(number, float) and math.isnan(number):
        assert "finite number" in said and "finite number" in shown
        return
    if isinstance(number, str):
        assert "expected a number" in said and "expected a number" in shown
        return
    assert in_words(said.removeprefix("mlkit decide: error: ").removeprefix(f"{path}: ")) == shown


def _number(typed):
    """What a number typed in a text box is in a scenario file: the number, or the text when it is none."""
    if not isinstance(typed, str):
        return typed
    try:
        return float(typed)
    except ValueError:
        return typed
