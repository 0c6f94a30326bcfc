"""Results on disk: one JSON file per learner, and the gradebook CSV files rebuilt from them.

Layout of the output folder::

    OUT/assignment.json          which unit the folder grades (a rerun must grade the same one)
    OUT/results/<learner>.json   one learner's result, written when their submission finishes
    OUT/feedback/<learner>.html  the page to send the learner
    OUT/logs/<learner>.log       the end of the grader's log for that submission (for the instructor)
    OUT/gradebook.csv            a row per learner: points per exercise, total, status
    OUT/grades_long.csv          a row per learner and exercise: status, points, message

Every file is written to a temporary name and moved into place (``os.replace``),
so a run stopped at any moment leaves only whole files; the CSV files are
rebuilt from ``results/`` after each submission.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

from mlkit import files
from mlkit.errors import InputError
from mlkit.grading import STATUS_WORDS

_lock = threading.Lock()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` atomically, byte for byte (CSV rows keep their own line endings)."""
    files.write_atomic(path, text, newline="")


def prepare(out: Path, unit: str, exercises: list[str]) -> None:
    """Create the output folder, or check that it grades the same unit as before."""
    out = Path(out)
    marker = out / "assignment.json"
    if marker.is_file():
        try:
            known = json.loads(marker.read_text(encoding="utf-8")).get("unit")
        except ValueError:
            known = None
        if known != unit:
            raise InputError(f"--out: {str(out)!r} holds the grades of unit {known!r}; choose another folder for {unit!r}")
    for sub in ("results", "feedback", "logs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    write_atomic(marker, json.dumps({"unit": unit, "exercises": exercises}, indent=1) + "\n")


def result_path(out: Path, key: str) -> Path:
    return Path(out) / "results" / f"{key}.json"


def read_result(out: Path, key: str) -> dict | None:
    """A learner's stored result, or None when there is none (or it is unreadable)."""
    try:
        return json.loads(result_path(out, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def all_results(out: Path) -> list[dict]:
    """Every stored result, sorted by learner id."""
    found = []
    for path in sorted((Path(out) / "results").glob("*.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(found, key=lambda r: r.get("learner", ""))


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue()


def gradebook_rows(results: list[dict], exercises: list[str]) -> list[list]:
    """The wide gradebook: header, then a row per learner."""
    rows: list[list] = [["learner", "status", *exercises, "total", "max_points", "detail"]]
    for result in results:
        points = {e["exercise"]: e["points"] for e in result.get("exercises", [])}
        rows.append(
            [
                result["learner"],
                STATUS_WORDS.get(result["status"], result["status"]),
                *[points.get(name, 0) for name in exercises],
                result.get("total", 0),
                result.get("max_points", 0),
                result.get("detail", ""),
            ]
        )
    return rows


def long_rows(results: list[dict]) -> list[list]:
    """The long gradebook: a row per learner and exercise."""
    rows: list[list] = [["learner", "submission_status", "exercise", "status", "points", "max_points", "message"]]
    for result in results:
        for item in result.get("exercises", []):
            rows.append(
                [
                    result["learner"],
                    STATUS_WORDS.get(result["status"], result["status"]),
                    item["exercise"],
                    item["status"],
                    item["points"],
                    item["max_points"],
                    item["message"],
                ]
            )
    return rows


def store(out: Path, result: dict, feedback_html: str, log_text: str, exercises: list[str]) -> None:
    """Store one learner's result, feedback and log, then rebuild both CSV files."""
    out = Path(out)
    key = result["key"]
    with _lock:
        write_atomic(out / "feedback" / f"{key}.html", feedback_html)
        write_atomic(out / "logs" / f"{key}.log", log_text)
        write_atomic(result_path(out, key), json.dumps(result, indent=1, sort_keys=True) + "\n")
        rebuild(out, exercises)


def rebuild(out: Path, exercises: list[str]) -> None:
    """Rewrite ``gradebook.csv`` and ``grades_long.csv`` from the stored results."""
    results = all_results(out)
    write_atomic(Path(out) / "gradebook.csv", _csv(gradebook_rows(results, exercises)))
    write_atomic(Path(out) / "grades_long.csv", _csv(long_rows(results)))
