"""Scenario files: JSON with a version, validated on load; the shipped example."""

import json

import pytest

from mlkit.decision import example_scenario, from_dict, read, to_dict, write
from mlkit.decision.scenario import VERSION
from mlkit.errors import InputError


def test_round_trip_through_a_file(tmp_path):
    original = example_scenario()
    path = write(original, tmp_path / "s.json")
    data = json.loads(path.read_text())
    assert data["version"] == VERSION == 1
    assert read(path) == original


def test_every_field_is_written():
    data = to_dict(example_scenario())
    assert set(data) == {"version", "person", "assumptions", "options"}
    masters = data["options"][1]
    assert masters["tuition_per_year"] == 52_000 and masters["financing"]["federal_unsubsidised_per_year"] == 20_500


def test_example_is_built_from_the_shipped_figures():
    s = example_scenario()
    assert s.person.salary == 58_260 and s.person.retirement_age == 65
    kinds = [o.kind for o in s.options]
    assert kinds == ["stay", "masters_in_person", "masters_online", "low_cost_masters", "bootcamp"]
    cmu = s.options[1]
    # CMU's $52,000 plus $1,000 a month of housing: $20,500 federal, the other $43,500 private.
    assert cmu.financing.federal_unsubsidised_per_year + cmu.financing.private_per_year == 52_000 + 12_000
    assert s.options[4].programme_price == 13_500


def test_missing_keys_take_defaults():
    s = from_dict({"version": 1, "options": [{"name": "Stay"}]})
    assert s.person.retirement_age == 65 and s.assumptions.discount_rate == 0.03


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"options": [{"name": "Stay"}]}, 'version: missing; a scenario file starts with "version": 1'),
        ({"version": 2, "options": [{"name": "Stay"}]}, "version = 2: written by a newer mlkit"),
        ({"version": "1", "options": [{"name": "Stay"}]}, "version = '1': expected a whole number"),
        ({"version": 1, "options": [{"name": "Stay", "tution_per_year": 5}]}, "options[0].tution_per_year: unknown field; allowed: name, kind"),
        ({"version": 1, "person": {"agee": 3}, "options": [{"name": "Stay"}]}, "person.agee: unknown field"),
        ({"version": 1, "extra": 1, "options": []}, "extra: unknown top-level field"),
        ({"version": 1, "options": {"name": "Stay"}}, "options = {'name': 'Stay'}: expected a list of options"),
        ({"version": 1, "options": [{"kind": "stay"}]}, "options[0]: "),
        ({"version": 1, "options": [{"name": "MS", "financing": {"loan": 1}}]}, "options[0].financing.loan: unknown field"),
        ([1, 2], "scenario = list: expected a JSON object"),
    ],
)
def test_bad_data_is_refused_with_a_clear_message(data, message):
    with pytest.raises(InputError) as info:
        from_dict(data)
    assert message in str(info.value)


def test_read_names_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1, "options": [{"name": "MS", "p_complete": 1.5}]}')
    with pytest.raises(InputError, match=r"bad.json: option \"MS\": p_complete = 1.5: outside \[0, 1\]"):
        read(bad)
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1,')
    with pytest.raises(InputError, match="broken.json: not valid JSON"):
        read(broken)
    with pytest.raises(InputError, match="no such file; write an example with `mlkit decide --example"):
        read(tmp_path / "missing.json")
