"""`mlkit decide` as a user runs it: the example, the table, JSON, and bad files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MLKIT = ROOT / ".venv" / "bin" / "mlkit"


def mlkit(*args, cwd):
    command = [str(MLKIT)] if MLKIT.exists() else [sys.executable, "-m", "mlkit"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decide")
    result = mlkit("decide", "--example", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wrote decision-scenario.json; edit it, then run: mlkit decide decision-scenario.json"
    return folder / "decision-scenario.json"


def test_example_is_written_from_the_shipped_figures(example):
    data = json.loads(example.read_text())
    assert data["version"] == 1
    assert [o["kind"] for o in data["options"]] == ["stay", "masters_in_person", "masters_online", "low_cost_masters", "bootcamp"]
    assert data["options"][1]["tuition_per_year"] == 52_000


def test_example_to_a_named_path_and_no_silent_overwrite(tmp_path):
    assert mlkit("decide", "--example", "mine.json", cwd=tmp_path).returncode == 0
    again = mlkit("decide", "--example", "mine.json", cwd=tmp_path)
    assert again.returncode == 2
    assert "mine.json exists; choose another path or add --force" in again.stderr
    assert mlkit("decide", "--example", "mine.json", "--force", cwd=tmp_path).returncode == 0


def test_table(example):
    from mlkit.decision import evaluate, read, simulate

    result = mlkit("decide", example.name, cwd=example.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Age 28, salary $58,260, retiring at 65: 37 years at a 3.0% real discount rate")
    assert lines[2].split() == ["option", "NPV", "break-even", "IRR", "loan/month", "P(loss)", "P(best)"]
    # The printed figures are the library's, rounded.
    scenario = read(example)
    evaluation = evaluate(scenario)
    simulation = simulate(scenario)
    cmu = evaluation.option("In-person master's (CMU-priced)")
    row = next(line for line in lines if line.startswith("In-person master's (CMU-priced)"))
    assert f"${cmu.npv:,.0f}" in row
    assert f"year {cmu.break_even_year}" in row
    assert f"{cmu.irr:.1%}" in row
    assert f"${cmu.loan.monthly_payment:,.0f}" in row
    assert f"{simulation.option(cmu.name).prob_loss:.0%}" in row
    stay = next(line for line in lines if line.startswith("Stay "))
    assert stay.split()[1:4] == ["$0", "baseline", "-"]
    assert f"Best expected NPV: {evaluation.best}." in result.stdout


def test_json(example):
    from mlkit.decision import evaluate, read

    result = mlkit("decide", example.name, "--format", "json", "--draws", "2000", "--seed", "4", cwd=example.parent)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["draws"], report["seed"], report["horizon_years"]) == (2000, 4, 37)
    evaluation = evaluate(read(example))
    assert report["best_option"] == evaluation.best
    by_name = {o["name"]: o for o in report["options"]}
    for option in evaluation.options:
        assert by_name[option.name]["npv"] == pytest.approx(option.npv)
        assert by_name[option.name]["break_even_year"] == option.break_even_year
    cmu = by_name["In-person master's (CMU-priced)"]
    assert set(cmu["monte_carlo"]) == {"mean", "percentiles", "prob_loss", "prob_best", "branch_shares"}
    assert cmu["loan"]["plan"] == "tiered" and cmu["loan"]["borrowed"] == 128_000


def test_bad_file_gives_the_validation_message_and_exit_2(example, tmp_path):
    data = json.loads(example.read_text())
    data["options"][1]["financing"]["private_rate"] = 9
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = mlkit("decide", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f'mlkit decide: error: {bad}: option "In-person master\'s (CMU-priced)": financing.private_rate = 9: '
        "looks like a percentage; rates are fractions here: write 0.09 for 9%"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"version": 1, "options": []}', "the list of options is empty"),
        ('{"version": 1, "options": [{"name": "MS", "kind": "masters_in_person", "p_land_role": 0.6, "target_role": "wizard"}]}', "target_role = 'wizard': unknown"),
    ],
)
def test_other_bad_files(tmp_path, content, message):
    path = tmp_path / "s.json"
    path.write_text(content)
    result = mlkit("decide", "s.json", cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_missing_argument(tmp_path):
    missing = mlkit("decide", "nope.json", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.json: no such file" in missing.stderr
    bare = mlkit("decide", cwd=tmp_path)
    assert bare.returncode == 2 and "no scenario file given; run `mlkit decide --example`" in bare.stderr


def test_registering_the_command_imports_no_numerical_library():
    code = "import sys, argparse\nimport mlkit.commands.decide as d\nd.register(argparse.ArgumentParser().add_subparsers())\nprint(sorted(m for m in ('numpy', 'numpy_financial', 'pandas', 'mlkit.decision') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_import_mlkit_does_not_import_the_decision_package():
    result = subprocess.run([sys.executable, "-c", "import sys, mlkit; print('mlkit.decision' in sys.modules)"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_decision_package_loads_no_pandas_or_plotting():
    code = "import sys, mlkit.decision\nprint(sorted(m for m in ('pandas', 'matplotlib', 'sklearn', 'ipywidgets', 'scipy') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
