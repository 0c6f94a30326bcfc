"""Results on disk: one JSON file per learner, and the gradebook CSV files rebuilt from them.

Layout of the output folder::

    OUT/assignment.json          which unit the folder grades (a rerun must grade the same one)
    OUT/results/<learner>.json   one learner's result, written when their submission finishes
    OUT/feedback/<learner>.html  the page to send the learner
    OUT/logs/<learner>.log       the end of the grader's log for that submission (for the instructor)
    OUT/gradebook.csv            a row per learner: points per exercise, total, status
    OUT/grades_long.csv          a row per learner and exercise: status, points, message
    OUT/canvas.csv, moodle.csv   with ``--export``: the totals in a learning platform's import format
    OUT/skipped.csv              entries of the submissions folder that are no learner's, and why

Every file is written to a temporary name and moved into place (``os.replace``),
so a run stopped at any moment leaves only whole files; the CSV files are
rebuilt from ``results/`` after each submission.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from pathlib import Path

from mlkit import files
from mlkit.errors import InputError
from mlkit.grading import STATUS_WORDS

_lock = threading.Lock()


def clean_text(text: str) -> str:
    """``text`` with whatever UTF-8 cannot encode (a lone surrogate such as ``"\\udc80"``) as a backslash escape.

    Messages and error names come from the learner's kernel; JSON can carry a
    lone surrogate, which would make writing any file of the row fail.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


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
    """Every stored result, sorted by learner id; one per learner.

    A folder graded by an older version may hold a learner's result under an
    older file name too: the one named by the learner's current key is kept.
    """
    from mlkit.grading.submissions import file_key

    found: dict[str, dict] = {}
    for path in sorted((Path(out) / "results").glob("*.json")):
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(result, dict):
            continue
        learner = str(result.get("learner", ""))
        if learner not in found or path.stem == file_key(learner):
            found[learner] = result
    return sorted(found.values(), key=lambda r: r.get("learner", ""))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Every character some reader takes as the end of a line or record: a cell holding one unquoted
# would start a new row there, whose first cell the formula check never saw.
_LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula, on one line: a leading ``'`` when it could start one.

    Line and record separators (``\\r``, ``\\n``, ``\\v``, ``\\f``,
    ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028``, ``\\u2029``) become spaces
    first, so a cell can never start a row; text UTF-8 cannot hold (a lone
    surrogate) is written as a backslash escape. The formula check is made
    after leading spaces too (``" =cmd()"``), and for the full-width forms of
    ``= + - @`` that some spreadsheets accept.
    """
    text = _LINE_BREAKS.sub(" ", clean_text(str(value)))
    return "'" + text if text[:1] in _FORMULA_START or text.lstrip(" ")[:1] in _FORMULA_START else text


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


# --- Exports for learning platforms -------------------------------------------------------------

EXPORT_FORMATS = ("canvas", "moodle")
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_IDS = {"login": "SIS Login ID", "sis": "SIS User ID"}
MOODLE_IDS = {"username": "Username", "email": "Email address", "idnumber": "ID number"}


def parse_exports(values: list[str] | None) -> list[str]:
    """The export formats asked for: ``--export`` given any number of times, each a name or a comma list.

    Raises
    ------
    InputError
        For a name other than those in :data:`EXPORT_FORMATS`.
    """
    chosen: list[str] = []
    for value in values or []:
        for name in (part.strip().lower() for part in value.split(",")):
            if name not in EXPORT_FORMATS:
                raise InputError(f"--export: {name!r} is not a format; choose from {', '.join(EXPORT_FORMATS)} (or a comma list)")
            if name not in chosen:
                chosen.append(name)
    return chosen


def canvas_rows(
    results: list[dict], title: str, max_points: float, id_column: str = "login", assignment_id: str = ""
) -> list[list]:
    """A Canvas gradebook import: ``Student, ID, SIS User ID, SIS Login ID, Section, <title> (<id>)``.

    The second row is Canvas's ``Points Possible`` row. The learner id goes in
    the ``Student`` column and in ``SIS Login ID`` (``id_column="login"``) or
    ``SIS User ID`` (``"sis"``); Canvas's own ``ID`` and ``Section`` are left
    blank. The score is the learner's total in ``gradebook.csv`` (0 for a
    missing or invalid submission). Without ``assignment_id`` the column is the
    bare title, which Canvas imports as a new assignment.

    Raises
    ------
    InputError
        For an ``id_column`` other than ``login``/``sis``, or an ``assignment_id`` that is not a number.
    """
    if id_column not in CANVAS_IDS:
        raise InputError(f"--canvas-id: {id_column!r} is not one of {', '.join(CANVAS_IDS)}")
    if assignment_id and not (str(assignment_id).isascii() and str(assignment_id).isdigit()):
        raise InputError(
            f"--canvas-assignment-id: {assignment_id!r} is not a number; use the number at the end of the "
            "assignment's address in Canvas (…/assignments/12345)"
        )
    column = f"{title} ({assignment_id})" if assignment_id else title
    rows: list[list] = [[*CANVAS_FIXED, column], ["Points Possible", "", "", "", "", max_points]]
    where = CANVAS_FIXED.index(CANVAS_IDS[id_column])
    for result in results:
        row: list = [result["learner"], "", "", "", "", result.get("total", 0)]
        row[where] = result["learner"]
        rows.append(row)
    return rows


def moodle_rows(results: list[dict], title: str, id_column: str = "username") -> list[list]:
    """A Moodle grade import (Grades > Import > CSV file): an identifier column and one grade item column.

    ``id_column`` names what the learner ids are in Moodle: ``username``
    (column ``Username``), ``email`` (``Email address``) or ``idnumber``
    (``ID number``); in Moodle's import form map that column to the same user
    field and the ``title`` column to the grade item. Scores are the totals of
    ``gradebook.csv`` (0 for a missing or invalid submission).

    Raises
    ------
    InputError
        For an ``id_column`` other than ``username``, ``email`` or ``idnumber``.
    """
    if id_column not in MOODLE_IDS:
        raise InputError(f"--moodle-id: {id_column!r} is not one of {', '.join(MOODLE_IDS)}")
    rows: list[list] = [[MOODLE_IDS[id_column], title]]
    rows.extend([result["learner"], result.get("total", 0)] for result in results)
    return rows


def export(
    out: Path,
    formats: list[str],
    title: str,
    max_points: float,
    *,
    canvas_id: str = "login",
    canvas_assignment_id: str = "",
    moodle_id: str = "username",
) -> list[Path]:
    """Write ``OUT/canvas.csv`` and/or ``OUT/moodle.csv`` from the stored results; returns the files written.

    The rows are the learners of ``gradebook.csv``, in its order, with its totals.
    """
    results = all_results(out)
    written = []
    for name in formats:
        if name == "canvas":
            rows = canvas_rows(results, title, max_points, canvas_id, canvas_assignment_id)
        else:
            rows = moodle_rows(results, title, moodle_id)
        path = Path(out) / f"{name}.csv"
        write_atomic(path, _csv(rows))
        written.append(path)
    return written


def write_skipped(out: Path, skipped: list[tuple[str, str]]) -> Path:
    """Write ``OUT/skipped.csv``: each entry of the submissions folder that is no learner's, and why."""
    path = Path(out) / "skipped.csv"
    write_atomic(path, _csv([["name", "reason"], *[list(item) for item in skipped]]))
    return path
