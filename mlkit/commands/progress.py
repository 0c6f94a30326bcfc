"""``mlkit progress [UNIT]``: your dashboard (per unit, the readiness result, the next step), or one unit's exercises."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "progress",
        help="show where you are: lessons opened and exercises passed per unit, and what to do next",
        description=(
            "Without UNIT: per unit, whether you opened its lesson, the exercises passed and your last "
            "activity (local time), your readiness result and the one next step. With UNIT: that unit's "
            "exercises, each with its status, attempts and last attempt."
        ),
    )
    parser.add_argument("unit", nargs="?", metavar="UNIT", help="a unit's number or id, e.g. 11 or classification")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.add_argument("--all", action="store_true", help="also list units you have not started")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mlkit.course import progress

    if args.unit is not None:
        unit = progress.unit_detail(args.unit)
        print(json.dumps(unit.to_dict(), indent=2) if args.format == "json" else format_unit(unit))
        return 0
    board = progress.dashboard()
    if args.format == "json":
        print(json.dumps(board.to_dict(), indent=2))
        return 0
    print(format_dashboard(board, everything=args.all))
    return 0


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _columns(header: tuple[str, ...], body: list[tuple[str, ...]]) -> list[str]:
    """Left-aligned columns with a rule under the header."""
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _lesson(openings: int) -> str:
    return "not yet" if not openings else "opened" if openings == 1 else f"opened {openings}x"


def format_dashboard(board, everything: bool = False) -> str:
    """The dashboard as plain text: next step, readiness result, one line per unit, where things are.

    Without ``everything``, units not started are left out (all are shown until one is started).
    """
    lines = [f"Next step: {board.next_step.text}.", ""]
    if board.readiness is not None:
        r = board.readiness
        lines.append(f"Readiness check (taken {r.finished_seen or 'earlier'}): {r.summary}")
        if r.path_titles:
            lines.append(f"Your learning path: {len(r.path_titles)} units, about {r.path_hours:g} hours: "
                         + ", ".join(r.path_titles) + ".")
        lines.append("")
    rows = [u for u in board.units if u.started] if not everything else list(board.units)
    rows = rows or list(board.units)
    body = [
        (f"{u.number:02d}", u.title, _lesson(u.lesson_openings),
         f"{u.passed} of {u.exercises}" if u.exercises else "-", u.last_seen or "-")
        for u in rows
    ]
    lines += _columns(("#", "unit", "lesson", "exercises passed", "last activity"), body)
    hidden = len(board.units) - len(rows)
    if hidden:
        lines.append(f"({hidden} units not started yet: `mlkit progress --all` lists them)")
    example = next((u.number for u in rows if u.exercises and u.started), 11)
    lines += ["", f"One unit's exercises: mlkit progress NUMBER (e.g. mlkit progress {example})."]
    if board.copies_folder is not None:
        made = "are in" if board.copies_made else "will go to"
        lines.append(f"Your copies of the notebooks {made} {os.path.join(_shown(board.copies_folder), '')}")
    lines.append(f"Progress store: {board.store}")
    return "\n".join(lines)


def format_unit(unit) -> str:
    """One unit's exercises as plain text: title, status, attempts, last attempt (local time)."""
    lesson = _lesson(unit.lesson_openings)
    lines = [f"Unit {unit.number:02d}: {unit.title}", f"Lesson: {lesson}"]
    if not unit.exercise_list:
        return "\n".join(lines + ["This unit has no exercises."])
    lines += [f"Exercises: {unit.passed} of {unit.exercises} passed", ""]
    body = [
        (str(e.number), e.title, e.status, str(e.attempts), e.last_seen or "-")
        for e in unit.exercise_list
    ]
    return "\n".join(lines + _columns(("#", "exercise", "status", "attempts", "last attempt"), body))
