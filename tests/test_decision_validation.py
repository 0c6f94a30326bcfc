"""Every input is checked once, with a message naming the field, the value and what is allowed."""

import math

import pytest

from mlkit.decision import from_dict
from mlkit.decision.inputs import Assumptions, Financing, Option, Person, Scenario
from mlkit.errors import InputError


def scenario_data(**option):
    return {"version": 1, "person": {"age": 30}, "options": [{"name": "Stay"}, {"name": "MS", "kind": "masters_in_person", "years": 2, **option}]}


@pytest.mark.parametrize(
    ("field", "value"),
    [("tuition_per_year", -1), ("fees_per_year", -500.0), ("extra_housing_per_month", -1), ("relocation", -3_000),
     ("scholarships_per_year", -10), ("programme_price", -1)],
)
def test_negative_costs(field, value):
    with pytest.raises(InputError) as info:
        Option("MS", "masters_in_person", **{field: value})
    message = str(info.value)
    assert f'option "MS": {field} = {value!r}' in message
    assert "a negative amount is not allowed" in message


@pytest.mark.parametrize("field", ["p_complete", "p_land_role", "income_share_while_studying"])
@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_probability_outside_zero_one(field, value):
    with pytest.raises(InputError, match=rf'option "MS": {field} = {value}: outside \[0, 1\]'):
        Option("MS", "masters_in_person", target_role="ml_engineer", **{field: value})


def test_probability_written_in_percent_is_explained():
    with pytest.raises(InputError, match=r"p_complete = 85: outside \[0, 1\].*85% is written 0.85"):
        Option("MS", "masters_in_person", p_complete=85)


def test_horizon_ending_before_study_ends():
    with pytest.raises(InputError) as info:
        Scenario(Person(age=63, retirement_age=65), (Option("MS", "masters_in_person", years=2.5),))
    message = str(info.value)
    assert "person.retirement_age = 65" in message and 'before option "MS" finishes its 2.5 years of study' in message


def test_retirement_before_age():
    with pytest.raises(InputError, match="person.retirement_age = 30 with age = 40 leaves no working year"):
        Person(age=40, retirement_age=30)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity(bad):
    with pytest.raises(InputError, match=r"salary = (nan|inf|-inf): expected a finite number; NaN and infinity are not allowed"):
        Person(salary=bad)
    with pytest.raises(InputError, match=r'option "MS": tuition_per_year = (nan|inf|-inf): expected a finite number'):
        Option("MS", "masters_in_person", tuition_per_year=bad)
    with pytest.raises(InputError, match=r"assumptions.discount_rate = (nan|inf|-inf)"):
        Assumptions(discount_rate=bad)


def test_nan_from_json_is_refused():
    # Python's json reads NaN and Infinity literals: the boundary must still refuse them.
    import json

    with pytest.raises(InputError, match="tuition_per_year = nan"):
        from_dict(json.loads('{"version": 1, "options": [{"name": "MS", "kind": "masters_in_person", "tuition_per_year": NaN}]}'))


@pytest.mark.parametrize(
    ("build", "field", "typed", "fraction"),
    [
        (lambda: Financing(private_rate=7.94).check("option \"MS\": financing."), "private_rate", "7.94", "0.0794"),
        (lambda: Assumptions(discount_rate=3), "discount_rate", "3", "0.03"),
        (lambda: Assumptions(tax_rate=30), "tax_rate", "30", "0.3"),
        (lambda: Person(salary_growth=2), "salary_growth", "2", "0.02"),
    ],
)
def test_rate_written_in_percent_is_explained(build, field, typed, fraction):
    with pytest.raises(InputError) as info:
        build()
    message = str(info.value)
    assert f"{field} = {typed}: looks like a percentage" in message
    assert f"write {fraction} for {typed}%" in message


def test_rate_in_percent_inside_a_scenario_file():
    data = scenario_data(financing={"private_per_year": 10_000, "private_rate": 7.94})
    with pytest.raises(InputError, match=r'option "MS": financing.private_rate = 7.94: looks like a percentage; rates are fractions here: write 0.0794 for 7.94%'):
        from_dict(data)


def test_empty_option_list():
    with pytest.raises(InputError, match=r"options = \[\]: the list of options is empty; add at least one option"):
        Scenario(Person(), ())
    with pytest.raises(InputError, match="the list of options is empty"):
        from_dict({"version": 1, "options": []})


def test_unknown_role():
    with pytest.raises(InputError) as info:
        Option("MS", "masters_in_person", target_role="prompt_engineer")
    message = str(info.value)
    assert "target_role = 'prompt_engineer': unknown; choose one of: ml_engineer, data_scientist, data_engineer, software_engineer_ai_ml" in message


def test_unknown_kind():
    with pytest.raises(InputError, match="kind = 'phd': unknown; choose one of: stay, masters_in_person"):
        Option("X", "phd")


def test_landing_a_role_needs_a_target():
    with pytest.raises(InputError, match="p_land_role = 0.5 but no target_role or target_salary"):
        Option("MS", "masters_in_person", p_land_role=0.5)


def test_duplicate_option_names():
    with pytest.raises(InputError, match="the name 'A' is used more than once"):
        Scenario(Person(), (Option("A"), Option("A")))


def test_wrong_types():
    with pytest.raises(InputError, match=r"person.age = '30': expected a number"):
        Person(age="30")
    with pytest.raises(InputError, match="person.age = True: expected a number"):
        Person(age=True)
    with pytest.raises(InputError, match="financing.capitalise = 'yes': expected true or false"):
        Option("MS", "masters_in_person", financing=Financing(capitalise="yes"))
    with pytest.raises(InputError, match="assumptions.start_date = '16/08/2027': expected a date written YYYY-MM-DD"):
        Assumptions(start_date="16/08/2027")
    with pytest.raises(InputError, match="assumptions.draws = 10.5: expected a whole number"):
        Assumptions(draws=10.5)


def test_salary_range_order():
    with pytest.raises(InputError, match=r"target_salary_range = \[170000, 72600\]: expected 0 < low < high"):
        Option("MS", "masters_in_person", target_salary_range=(170_000, 72_600), target_salary=100_000)


def test_valid_inputs_pass():
    s = Scenario(Person(), (Option("Stay"), Option("MS", "masters_in_person", years=2, p_land_role=0.6, target_role="ml_engineer")))
    assert len(s.options) == 2
