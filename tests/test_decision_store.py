"""Named scenarios: save, load, list, compare; never overwrite without being asked; atomic writes."""

import dataclasses
import json
import threading

import pytest

from mlkit import decision
from mlkit.decision.store import ScenarioStore, check_name, compare, default_folder
from mlkit.errors import InputError


@pytest.fixture
def store(tmp_path):
    return ScenarioStore(tmp_path / "scenarios")


def _cheaper(scenario, price):
    option = dataclasses.replace(scenario.option("Full-time bootcamp"), programme_price=price)
    return dataclasses.replace(scenario, options=tuple(option if o.name == option.name else o for o in scenario.options))


def test_save_and_load_round_trip_with_ratings(store):
    s = decision.example_scenario()
    path = store.save("my plan", s, {"loan_risk": 2})
    assert path.name == "my plan.json"
    assert json.loads(path.read_text())["version"] == 1
    saved = store.load("my plan")
    assert decision.to_dict(saved.scenario) == decision.to_dict(s)
    assert saved.ratings == {"loan_risk": 2}
    assert store.names() == ["my plan"]
    assert decision.read(path) == s  # a plain scenario file: mlkit decide reads it


def test_the_default_folder_is_in_the_users_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path))
    assert default_folder() == tmp_path / "scenarios"
    assert ScenarioStore().folder == tmp_path / "scenarios"


def test_an_existing_name_is_refused_not_overwritten(store):
    s = decision.example_scenario()
    store.save("plan", s)
    before = store.path("plan").read_bytes()
    with pytest.raises(InputError, match="a scenario named 'plan' is already saved; choose another name"):
        store.save("plan", _cheaper(s, 1.0))
    assert store.path("plan").read_bytes() == before
    assert store.free_name("plan") == "plan-2"
    store.save("plan", _cheaper(s, 1.0), overwrite=True)
    assert store.load("plan").scenario.option("Full-time bootcamp").programme_price == 1.0
    assert [p.name for p in store.folder.iterdir()] == ["plan.json"]  # no temporary file left


def test_two_writers_of_one_name_cannot_both_succeed(store):
    s = decision.example_scenario()
    outcomes = []

    def save(price):
        try:
            store.save("race", _cheaper(s, price))
            outcomes.append(("saved", price))
        except InputError:
            outcomes.append(("refused", price))

    threads = [threading.Thread(target=save, args=(float(i),)) for i in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = [price for kind, price in outcomes if kind == "saved"]
    assert len(saved) == 1
    assert store.load("race").scenario.option("Full-time bootcamp").programme_price == saved[0]


@pytest.mark.parametrize("name", ["", "  ", "../escape", "a/b", ".hidden", "x" * 61, "plan.", 3])
def test_bad_names_are_refused(name):
    with pytest.raises(InputError, match="scenario name"):
        check_name(name)


def test_missing_and_damaged_files_are_named(store):
    with pytest.raises(InputError, match="no saved scenario named 'nope'; saved: none yet"):
        store.load("nope")
    store.folder.mkdir(parents=True)
    (store.folder / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.json: not a readable scenario file"):
        store.load("broken")
    (store.folder / "wrong.json").write_text(json.dumps({"version": 1, "options": []}), encoding="utf-8")
    with pytest.raises(InputError, match=r"wrong.json: options = \[\]"):
        store.load("wrong")


def test_delete_removes_scenario_and_ratings(store):
    store.save("gone", decision.example_scenario(), {"flexibility": 4})
    store.delete("gone")
    assert store.names() == [] and list(store.folder.iterdir()) == []
    with pytest.raises(InputError):
        store.delete("gone")


def test_compare_lines_up_saved_scenarios(store):
    s = decision.example_scenario()
    store.save("as shipped", s)
    store.save("pricey bootcamp", _cheaper(s, 200_000.0))
    result = compare(store, ["as shipped", "pricey bootcamp"])
    base, pricey = decision.evaluate(s), decision.evaluate(_cheaper(s, 200_000.0))
    assert result.best == {"as shipped": "Full-time bootcamp", "pricey bootcamp": pricey.best}
    assert result.best["pricey bootcamp"] != "Full-time bootcamp"
    row = result.npv["Full-time bootcamp"]
    assert row["as shipped"] == pytest.approx(base.option("Full-time bootcamp").npv)
    assert row["pricey bootcamp"] == pytest.approx(pricey.option("Full-time bootcamp").npv)
    frame = result.frame()
    assert list(frame.columns) == ["as shipped", "pricey bootcamp"]
    assert frame.loc["best option", "as shipped"] == "Full-time bootcamp"
    with pytest.raises(InputError, match="choose at least one"):
        compare(store, [])
