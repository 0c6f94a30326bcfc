"""The curriculum catalogue: its rules, and the tools that read it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlkit.course import curriculum

ROOT = Path(__file__).resolve().parents[1]
FIVE_AREAS = {"mathematics", "programming", "data", "methods", "ai"}


def test_shipped_catalogue_is_valid():
    assert curriculum.validate(root=ROOT) == []


def test_catalogue_covers_every_area_with_twenty_units():
    units = curriculum.units()
    assert len(units) >= 20
    assert FIVE_AREAS <= {u.area for u in units}


def test_ids_and_numbers_are_unique():
    units = curriculum.units()
    assert len({u.id for u in units}) == len(units)
    assert len({u.number for u in units}) == len(units)


def test_notebook_names_follow_the_unit_number():
    for unit in curriculum.units():
        for path in unit.notebooks:
            assert Path(path).name.startswith(f"{unit.number:02d}_"), path


def test_study_order_puts_prerequisites_first():
    order = [u.id for u in curriculum.study_order()]
    for unit in curriculum.units():
        for pre in unit.prerequisites:
            assert order.index(pre) < order.index(unit.id)


def test_study_order_of_a_selection_keeps_only_the_selection():
    order = [u.id for u in curriculum.study_order(["classification", "python-numpy"])]
    assert order == ["python-numpy", "classification"]


def test_unknown_unit_names_the_known_ones():
    with pytest.raises(curriculum.UnknownUnitError, match="the catalogue has: readiness"):
        curriculum.get_unit("no-such-unit")


def _write_catalogue(tmp_path, units_text):
    path = tmp_path / "catalogue.toml"
    path.write_text('[areas]\nmethods = "Methods"\n' + units_text)
    return path


UNIT = """
[[units]]
id = "{id}"
number = {number}
title = "T"
area = "methods"
status = "{status}"
lesson = "notebooks/{number:02d}_x.ipynb"
exercises = ""
solutions = ""
prerequisites = {pre}
objectives = ["a", "b", "c"]
minutes = 10
roles = ["ml-engineer"]
"""


def test_cycle_in_prerequisites_is_reported(tmp_path):
    text = UNIT.format(id="a", number=1, status="planned", pre='["b"]') + UNIT.format(
        id="b", number=2, status="planned", pre='["a"]'
    )
    problems = curriculum.validate(_write_catalogue(tmp_path, text), root=tmp_path)
    assert any("prerequisite cycle" in p for p in problems)


def test_missing_prerequisite_and_duplicate_id_are_reported(tmp_path):
    text = UNIT.format(id="a", number=1, status="planned", pre='["ghost"]') + UNIT.format(
        id="a", number=2, status="planned", pre="[]"
    )
    problems = curriculum.validate(_write_catalogue(tmp_path, text), root=tmp_path)
    assert "a: id is used twice" in problems
    assert "a: prerequisite 'ghost' is not a unit" in problems


def test_available_unit_needs_its_notebooks(tmp_path):
    text = UNIT.format(id="a", number=1, status="available", pre="[]")
    path = _write_catalogue(tmp_path, text)
    assert curriculum.validate(path, root=tmp_path) == ["a: notebooks/01_x.ipynb does not exist"]
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_x.ipynb").write_text("{}")
    assert curriculum.validate(path, root=tmp_path) == []


def test_markdown_table_links_only_available_units():
    text = curriculum.markdown_table()
    for unit in curriculum.units():
        linked = f"[{unit.title}]({unit.lesson})" in text
        assert linked == unit.available, unit.id


def test_readme_table_matches_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert curriculum.markdown_table() in readme, "README's curriculum table is stale: paste `mlkit curriculum --format markdown`"


def _mlkit(*args):
    return subprocess.run([sys.executable, "-m", "mlkit", *args], capture_output=True, text=True, cwd=ROOT)


def test_command_lists_units_as_json():
    result = _mlkit("curriculum", "--format", "json")
    assert result.returncode == 0, result.stderr
    units = json.loads(result.stdout)
    assert len(units) >= 20
    assert FIVE_AREAS <= {u["area"] for u in units}
    assert {"id", "title", "prerequisites", "objectives", "minutes", "roles", "status"} <= set(units[0])


def test_command_table_and_area_filter():
    result = _mlkit("curriculum", "--area", "mathematics")
    assert result.returncode == 0
    assert "linear-algebra" in result.stdout and "classification" not in result.stdout


def test_command_rejects_an_unknown_area_without_traceback():
    result = _mlkit("curriculum", "--area", "astrology")
    assert result.returncode == 2
    assert "unknown area 'astrology'" in result.stderr
    assert "Traceback" not in result.stderr
