"""A catalogue of bad inputs through `mlkit decide`: each refused with exit status 2 and a message.

Every case starts from the shipped example (as `mlkit decide --example` writes it), changes
one thing, and runs the command in-process (`mlkit.cli.main`, the same entry point as the
`mlkit` executable). Each must exit with status 2, print no traceback, and name the field,
the value and what is expected. Extreme but valid inputs must give finite numbers and valid
JSON. A few cases run the real executable, for devices and folders.
"""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlkit.cli import main
from mlkit.decision import example_scenario, to_dict

ROOT = Path(__file__).resolve().parent.parent
MLKIT = ROOT / ".venv" / "bin" / "mlkit"
CMU = 1  # the in-person master's in the example, the one with loans

#: (path into the scenario, bad value, text the message must contain besides the field and value)
FIELD_CASES = [
    (("person", "age"), -1, "range"),
    (("person", "age"), 200, "range"),
    (("person", "age"), "30", "expected a number"),
    (("person", "age"), True, "expected a number"),
    (("person", "age"), None, "expected a number"),
    (("person", "salary"), 1e308, "plausible range"),
    (("person", "salary"), 1e10, "plausible range"),
    (("person", "salary"), -5, "negative"),
    (("person", "salary"), float("inf"), "finite"),
    (("person", "salary"), float("nan"), "finite"),
    (("person", "salary"), 10**400, "too large"),
    (("person", "salary_growth"), 2, "write 0.02 for 2%"),
    (("person", "salary_growth"), 0.5, "allowed range"),
    (("person", "retirement_age"), 10, "range"),
    (("person", "retirement_age"), 1e9, "range"),
    (("assumptions", "discount_rate"), 3, "write 0.03 for 3%"),
    (("assumptions", "discount_rate"), -0.01, "allowed range"),
    (("assumptions", "discount_rate"), 1e308, "allowed range"),
    (("assumptions", "discount_rate"), "0.03", "expected a number"),
    (("assumptions", "tax_rate"), 30, "write 0.3 for 30%"),
    (("assumptions", "dropout_point"), 2, "outside [0, 1]"),
    (("assumptions", "start_date"), "tomorrow", "YYYY-MM-DD"),
    (("assumptions", "start_date"), 20270816, "YYYY-MM-DD"),
    (("assumptions", "draws"), 0, "range"),
    (("assumptions", "draws"), 10**12, "range"),
    (("assumptions", "draws"), 2.5, "whole number"),
    (("assumptions", "seed"), -1, "range"),
    (("assumptions", "seed"), 2**70, "range"),
    (("assumptions", "monte_carlo"), "both", "choose one of"),
    (("assumptions", "draw_probabilities"), "yes", "true or false"),
    (("assumptions", "probability_concentration"), 0, "range"),
    (("assumptions", "salary_range_coverage"), 1.5, "range"),
    (("assumptions", "inflation"), 5, "write 0.05 for 5%"),
    (("options", CMU, "years"), -1, "range"),
    (("options", CMU, "years"), 11, "range"),
    (("options", CMU, "tuition_per_year"), -1, "negative"),
    (("options", CMU, "tuition_per_year"), 1e308, "plausible range"),
    (("options", CMU, "tuition_per_year"), 1e9, "plausible range"),
    (("options", CMU, "tuition_per_year"), "52000", "expected a number"),
    (("options", CMU, "fees_per_year"), float("nan"), "finite"),
    (("options", CMU, "extra_housing_per_month"), 1e6, "plausible range"),
    (("options", CMU, "relocation"), -3, "negative"),
    (("options", CMU, "scholarships_per_year"), 1e6, "plausible range"),
    (("options", CMU, "scholarships_per_year"), 70_000, "above the cost they pay for"),
    (("options", CMU, "employer_aid_per_year"), 100_000, "above the cost they pay for"),
    (("options", CMU, "p_complete"), 85, "0.85"),
    (("options", CMU, "p_land_role"), -0.1, "outside [0, 1]"),
    (("options", CMU, "income_share_while_studying"), 2, "outside [0, 1]"),
    (("options", CMU, "target_salary"), 1e308, "plausible range"),
    (("options", CMU, "target_salary"), -120_000, "negative"),
    (("options", CMU, "target_salary_range"), [1, 2, 3], "[low, high]"),
    (("options", CMU, "target_salary_range"), [200_000, 100_000], "0 < low < high"),
    (("options", CMU, "target_salary_range"), "wide", "[low, high]"),
    (("options", CMU, "job_search_months"), 100, "range"),
    (("options", CMU, "senior_after_years"), -1, "range"),
    (("options", CMU, "target_role"), "wizard", "choose one of"),
    (("options", CMU, "target_role"), {"role": 1}, "choose one of"),
    (("options", CMU, "kind"), "phd", "choose one of"),
    (("options", CMU, "name"), "", "non-empty name"),
    (("options", CMU, "name"), 5, "non-empty name"),
    (("options", CMU, "financing", "private_rate"), 9, "write 0.09 for 9%"),
    (("options", CMU, "financing", "private_rate"), 0.9, "allowed range"),
    (("options", CMU, "financing", "private_years"), 0, "range"),
    (("options", CMU, "financing", "private_years"), 2.5, "whole number"),
    (("options", CMU, "financing", "private_fee"), 0.5, "allowed range"),
    (("options", CMU, "financing", "federal_unsubsidised_per_year"), 25_000, "annual limit of $20,500"),
    (("options", CMU, "financing", "federal_unsubsidised_per_year"), 1e308, "plausible range"),
    (("options", CMU, "financing", "private_per_year"), 400_000, "above the cost of attendance"),
    (("options", CMU, "financing", "grad_plus_per_year"), 10_000, "Grad PLUS is closed"),
    (("options", CMU, "financing", "capitalise"), "no", "true or false"),
    (("options", CMU, "financing", "plan"), "forever", "choose one of"),
    (("options", CMU, "financing", "borrow_share"), 2, "outside [0, 1]"),
    (("options", CMU, "financing", "borrow_share"), 0.5, "not both"),
    (("options", CMU, "financing", "prior_federal_graduate_debt"), 90_000, "aggregate limit of $100,000"),
    # Found trying odd inputs as an applicant and an adviser would: each gave a traceback, NaN or a silent answer.
    (("options", CMU, "target_salary_range"), [1e-300, 5_000_000], "more than 100 times the low end"),
    (("options", CMU, "target_salary_range"), [1, 5_000_000], "more than 100 times the low end"),
    (("options", CMU, "entry_salary"), 0, "a starting salary of $0"),
    (("options", CMU, "years"), 0.001, "less than a week of study"),
    (("person", "salary_growth"), 0.2, "beyond any plausible salary"),
    (("assumptions", "start_date"), "9999-12-31", "outside the dates the model's figures cover"),
    (("assumptions", "start_date"), "1900-01-01", "outside the dates the model's figures cover"),
    (("options", CMU, "name"), "two\nlines", "control character"),
    (("options", CMU, "name"), "tab\there", "control character"),
]


def example_data() -> dict:
    return to_dict(example_scenario())


def changed(data: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(data)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


def run(args, capsys) -> tuple[int, str, str]:
    status = main(["decide", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def refused(status: int, out: str, err: str, *texts: str) -> None:
    assert status == 2, f"exit {status}; stderr: {err}"
    assert "Traceback" not in err and out == ""
    assert err.startswith("mlkit decide: error: ") and err.count("\n") == 1, err
    for text in texts:
        assert text in err, f"{text!r} not in {err!r}"


def shown(value) -> str:
    """How the message writes the value (its repr, or the short form of a huge integer)."""
    try:
        float(value) if isinstance(value, int) else None
    except OverflowError:
        text = str(value)
        return f"{text[:4]}...{text[-3:]} ({len(text)} digits)"
    return repr(value)


@pytest.mark.parametrize(("path", "value", "expected"), FIELD_CASES, ids=[f"{'.'.join(map(str, p))}={v!r}"[:60] for p, v, _ in FIELD_CASES])
def test_a_bad_field_is_refused_naming_field_value_and_expectation(tmp_path, capsys, path, value, expected):
    bad = tmp_path / "s.json"
    bad.write_text(json.dumps(changed(example_data(), path, value)))
    status, out, err = run([bad], capsys)
    field = path[-1]
    refused(status, out, err, expected)
    assert field in err
    if field not in ("target_salary_range", "scholarships_per_year", "employer_aid_per_year", "private_per_year", "prior_federal_graduate_debt"):
        assert f"{field} = {shown(value)}" in err or f"{field} = {value:g}" in err


OTHER_FILES = [
    ("{not json", "not valid JSON"),
    ("", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"version": 2, "options": []}', "version = 2: written by a newer mlkit"),
    ('{"version": "1", "options": []}', "version = '1': expected a whole number"),
    ('{"version": 1, "options": {}}', "options = {}: expected a list"),
    ('{"version": 1, "options": []}', "the list of options is empty"),
    ('{"version": 1, "person": [], "options": [{"name": "Stay"}]}', "person = []: expected a JSON object"),
    ('{"version": 1, "extra": 1, "options": [{"name": "Stay"}]}', "extra: unknown top-level field"),
    ('{"version": 1, "options": [{"name": "Stay", "salary": 1}]}', "options[0].salary: unknown field"),
    ('{"version": 1, "options": [{"kind": "stay"}]}', "required: name"),
    ('{"version": 1, "options": [{"name": "A"}, {"name": "A"}]}', "the name 'A' is used more than once"),
    ('{"version": 1, "options": [{"name": "Zero", "kind": "masters_online", "years": 0, "tuition_per_year": 10000}]}',
     "tuition_per_year = 10000 but years = 0"),
    ('{"version": 1, "options": [{"name": "Boot", "kind": "bootcamp", "years": 0.3, "programme_price": 1000, "financing": {"federal_unsubsidised_per_year": 500}}]}',
     "is not a graduate programme"),
    ('{"version": 1, "person": {"age": 64, "retirement_age": 65}, "options": [{"name": "MS", "kind": "masters_in_person", "years": 2}]}',
     "before option \"MS\" finishes"),
]


@pytest.mark.parametrize(("content", "expected"), OTHER_FILES, ids=[e for _, e in OTHER_FILES])
def test_a_bad_file_is_refused(tmp_path, capsys, content, expected):
    bad = tmp_path / "s.json"
    bad.write_text(content)
    refused(*run([bad], capsys), expected)


def test_a_file_that_is_not_text_is_refused(tmp_path, capsys):
    bad = tmp_path / "s.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    refused(*run([bad], capsys), "cannot read it")


def test_a_huge_file_is_refused(tmp_path, capsys):
    bad = tmp_path / "s.json"
    bad.write_text(" " * 2_000_000)
    refused(*run([bad], capsys), "2,000,000 bytes", "is it the right file?")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--draws", "0"], "--draws = 0: expected a whole number from 1 to 1,000,000"),
        (["--draws", str(10**9)], "--draws = 1000000000: expected a whole number from 1 to 1,000,000"),
        (["--seed", "-1"], "--seed = -1: expected a whole number from 0"),
    ],
)
def test_bad_command_options_are_refused(tmp_path, capsys, args, expected):
    good = tmp_path / "s.json"
    good.write_text(json.dumps(example_data()))
    refused(*run([good, *args], capsys), expected)


def test_paths_that_are_not_files(tmp_path, capsys):
    folder = tmp_path / "folder"
    folder.mkdir()
    refused(*run([folder], capsys), f"{folder}: is a folder")
    refused(*run(["--example", folder, "--force"], capsys), f"{folder}: is a folder")
    refused(*run(["--example", tmp_path / "missing" / "x.json"], capsys), "is not a folder; create it first")
    refused(*run([tmp_path / "nope.json"], capsys), "no such file")
    assert not (folder / "decision-scenario.json").exists()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("args", [["/dev/zero"], ["--example", "/dev/zero", "--force"], ["--example", "/dev/null", "--force"]])
def test_devices_through_the_executable(tmp_path, args):
    command = [str(MLKIT)] if MLKIT.exists() else [sys.executable, "-m", "mlkit"]
    result = subprocess.run([*command, "decide", *args], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a regular file" in result.stderr


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("person", "salary"), 5_000_000),
        (("person", "salary"), 0),
        (("options", CMU, "target_salary"), 5_000_000),
        (("assumptions", "discount_rate"), 0),
        (("assumptions", "discount_rate"), 0.5),
        (("options", CMU, "p_complete"), 0),
        (("person", "retirement_age"), 100),
        (("options", CMU, "target_salary_range"), [10_000, 1_000_000]),
        (("options", CMU, "years"), 1 / 52),
        (("options", CMU, "entry_salary"), 1),
        (("assumptions", "inflation"), 0.2),
        (("options", CMU, "financing", "dependants"), 20),
    ],
)
def test_extreme_valid_inputs_give_finite_numbers_and_valid_json(tmp_path, capsys, path, value):
    good = tmp_path / "s.json"
    good.write_text(json.dumps(changed(example_data(), path, value)))
    status, out, err = run([good, "--format", "json", "--draws", "500"], capsys)
    assert status == 0, err
    assert "NaN" not in out and "Infinity" not in out
    report = json.loads(out)  # valid JSON
    assert report["options"][CMU]["npv"] == pytest.approx(report["options"][CMU]["npv"])
    status, table, err = run([good, "--draws", "500"], capsys)
    assert status == 0 and "nan" not in table.lower() and "inf" not in table.lower().replace("info", "")


def test_integer_and_float_inputs_give_the_same_result(tmp_path, capsys):
    results = []
    for rate in (0, 0.0):
        good = tmp_path / f"s{rate!r}.json"
        good.write_text(json.dumps(changed(example_data(), ("assumptions", "discount_rate"), rate)))
        status, out, err = run([good, "--format", "json", "--draws", "300"], capsys)
        assert status == 0, err
        results.append(json.loads(out))
    assert results[0] == results[1]


def test_the_catalogue_is_large_enough():
    assert len(FIELD_CASES) + len(OTHER_FILES) + 2 + 3 + 4 + 3 >= 60


def test_every_file_writing_path_refuses_folders_devices_and_files_in_the_way(tmp_path):
    from mlkit.decision import write
    from mlkit.decision.store import ScenarioStore
    from mlkit.errors import InputError

    scenario = example_scenario()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        ScenarioStore(blocker / "scenarios").save("plan", scenario)
    store = ScenarioStore(tmp_path / "store")
    (tmp_path / "store" / "plan.json").mkdir(parents=True)
    with pytest.raises(InputError, match="not a regular file"):
        store.save("plan", scenario, overwrite=True)
    with pytest.raises(InputError, match="is a folder"):
        write(scenario, tmp_path)
    with pytest.raises(InputError, match="exists; choose another path"):
        write(scenario, blocker, overwrite=False)
    if Path("/dev/null").exists():
        with pytest.raises(InputError, match="not a regular file"):
            write(scenario, "/dev/null")
    assert blocker.read_text() == "x"


def test_a_result_that_is_not_finite_is_refused_not_printed():
    from mlkit.commands.decide import check_finite
    from mlkit.errors import InputError

    report = {"options": [{"name": "MS", "npv": 1.0, "monte_carlo": {"percentiles": {"5": float("nan")}}}]}
    with pytest.raises(InputError, match=r'option "MS": the model gave monte_carlo.percentiles.5 = nan'):
        check_finite(report)
    check_finite({"options": [{"name": "MS", "npv": 1.0, "loan": None}]})


def test_the_sensitivity_keeps_its_ranges_within_what_the_model_accepts():
    # A long career at a high salary: the tornado's 4% growth would pass the largest plausible salary; the bar stops short.
    import dataclasses

    from mlkit.decision import sensitivity
    from mlkit.decision.validation import MAX_PATH_SALARY

    base = example_scenario()
    s = dataclasses.replace(base, person=dataclasses.replace(base.person, age=20, retirement_age=90, salary=4_000_000))
    bar = next(b for b in sensitivity(s) if b.input == "salary_growth")
    top = 4_000_000
    assert 0.02 < bar.high < 0.04
    assert top * (1 + bar.high) ** (s.person.horizon_years - 1) <= MAX_PATH_SALARY
    assert top * (1 + bar.high + 0.001) ** (s.person.horizon_years - 1) > MAX_PATH_SALARY
