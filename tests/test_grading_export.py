"""Gradebook exports for Canvas and Moodle: their import layouts, the same totals as gradebook.csv, no regrading."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from mlkit.cli import main
from mlkit.errors import InputError
from mlkit.grading import GRADED, INVALID, MISSING, gradebook, submissions

EXERCISES = ["split", "cv"]


def result(learner: str, status: str = GRADED, passed: tuple[str, ...] = ()) -> dict:
    items = [
        {"exercise": name, "title": name, "status": "passed" if name in passed else "incorrect", "message": "",
         "points": 1 if name in passed else 0, "max_points": 1}
        for name in EXERCISES
    ]
    return {
        "learner": learner,
        "key": learner.strip("=@+-' ") or "x",
        "unit": "classification",
        "status": status,
        "detail": "",
        "exercises": items,
        "total": sum(i["points"] for i in items),
        "max_points": 2,
    }


@pytest.fixture
def graded(tmp_path) -> Path:
    out = tmp_path / "out"
    gradebook.prepare(out, "classification", EXERCISES)
    for res in (
        result("alice", passed=("split", "cv")),
        result("bob", passed=("cv",)),
        result("carol", MISSING),
        result("dave", INVALID),
        result("=HYPERLINK(evil)", passed=("split",)),
    ):
        gradebook.store(out, res, "<p></p>", "", EXERCISES)
    return out


def read(path: Path) -> list[list[str]]:
    return list(csv.reader(path.open(encoding="utf-8", newline="")))


def totals_of_gradebook(out: Path) -> dict[str, str]:
    return {r["learner"]: r["total"] for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8", newline=""))}


def test_canvas_export_has_canvas_columns_a_points_row_and_the_gradebook_totals(graded):
    (path,) = gradebook.export(graded, ["canvas"], "Classification", 2)
    rows = read(path)
    assert path.name == "canvas.csv"
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Classification"]
    assert rows[1] == ["Points Possible", "", "", "", "", "2"]
    body = rows[2:]
    assert all(r[1] == r[2] == r[4] == "" and r[0] == r[3] for r in body)
    assert {r[3]: r[5] for r in body} == totals_of_gradebook(graded)
    assert {r[3]: r[5] for r in body}["carol"] == "0" and {r[3]: r[5] for r in body}["alice"] == "2"


def test_canvas_export_can_use_the_sis_user_id_and_an_existing_assignment(graded):
    (path,) = gradebook.export(graded, ["canvas"], "Classification", 2, canvas_id="sis", canvas_assignment_id="4711")
    rows = read(path)
    assert rows[0][-1] == "Classification (4711)"
    assert all(r[2] == r[0] and r[3] == "" for r in rows[2:])
    with pytest.raises(InputError, match="--canvas-assignment-id: 'abc' is not a number"):
        gradebook.export(graded, ["canvas"], "Classification", 2, canvas_assignment_id="abc")


@pytest.mark.parametrize("moodle_id, header", [("username", "Username"), ("email", "Email address"), ("idnumber", "ID number")])
def test_moodle_export_has_the_chosen_identifier_and_the_gradebook_totals(graded, moodle_id, header):
    (path,) = gradebook.export(graded, ["moodle"], "Classification", 2, moodle_id=moodle_id)
    rows = read(path)
    assert path.name == "moodle.csv" and rows[0] == [header, "Classification"]
    assert dict(rows[1:]) == totals_of_gradebook(graded)
    assert dict(rows[1:])["dave"] == "0" and dict(rows[1:])["bob"] == "1"


def test_exported_ids_cannot_run_as_spreadsheet_formulas(graded):
    for path in gradebook.export(graded, ["canvas", "moodle"], "Classification", 2):
        cells = [cell for row in read(path) for cell in row]
        assert "'=HYPERLINK(evil)" in cells and "=HYPERLINK(evil)" not in cells


def test_export_formats_are_repeated_or_comma_lists_and_checked():
    assert gradebook.parse_exports(["canvas"]) == ["canvas"]
    assert gradebook.parse_exports(["moodle,Canvas", "canvas"]) == ["moodle", "canvas"]
    assert gradebook.parse_exports(None) == []
    with pytest.raises(InputError, match="'blackboard' is not a format; choose from canvas, moodle"):
        gradebook.parse_exports(["canvas,blackboard"])
    with pytest.raises(InputError, match="--moodle-id"):
        gradebook.moodle_rows([], "T", "name")


def test_the_command_exports_and_a_rerun_with_export_regrades_nothing(tmp_path, capsys, monkeypatch):
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    (subs / "broken.ipynb").write_text('{"cells": [')
    (subs / "empty").mkdir()
    (subs / "notes.txt").write_text("hello")
    roster = tmp_path / "roster.txt"
    roster.write_text("\ufeffbroken\nlate\n", encoding="utf-8")
    base = ["grade", str(subs), "--assignment", "classification", "--out", str(out), "--roster", str(roster)]
    monkeypatch.setattr("mlkit.grading.sandbox.resolve_mode", lambda wanted: "bwrap")  # nothing here reaches a kernel
    assert main(base) == 0
    first = capsys.readouterr()
    assert "notes.txt: skipped: not a notebook" in first.err and not (out / "canvas.csv").exists()
    assert read(out / "skipped.csv")[1][0] == "notes.txt"
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    assert main([*base, "--export", "canvas", "--export", "moodle", "--moodle-id", "email"]) == 0
    second = capsys.readouterr().out
    assert "(3 already graded, not rerun)" in second and "canvas.csv" in second and "moodle.csv" in second
    assert {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()} == stamps
    expected = totals_of_gradebook(out)
    assert set(expected) == {"broken", "empty", "late"} and set(expected.values()) == {"0"}
    assert {r[3]: r[5] for r in read(out / "canvas.csv")[2:]} == expected
    moodle = read(out / "moodle.csv")
    assert moodle[0][0] == "Email address" and dict(moodle[1:]) == expected
    assert main([*base, "--export", "excel"]) == 2
    assert "--export: 'excel' is not a format" in capsys.readouterr().err


def test_an_export_lists_every_stored_learner_once_in_gradebook_order(graded):
    (path,) = gradebook.export(graded, ["moodle"], "Classification", 2)
    assert [r[0] for r in read(path)[1:]] == list(totals_of_gradebook(graded))
    assert "moodle.csv" in os.listdir(graded) and "canvas.csv" not in os.listdir(graded)


def test_skipped_entries_are_listed_with_the_formula_guard(tmp_path):
    (tmp_path / "=HYPERLINK(x).txt").write_text("x")
    (tmp_path / "alice.ipynb").write_text("{}")
    found = submissions.scan(tmp_path, "14_classification.ipynb")
    path = gradebook.write_skipped(tmp_path, found.skipped)
    assert read(path) == [["name", "reason"], ["'=HYPERLINK(x).txt", "skipped: not a notebook (.ipynb) or a learner's folder"]]
