"""``mlkit progress``: exercises passed per unit, from the learner's progress store."""

from __future__ import annotations

import argparse
import json


def register(subparsers) -> None:
    parser = subparsers.add_parser("progress", help="show which exercises you have passed, per unit")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.add_argument("--all", action="store_true", help="also list units you have not started")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mlkit.course import progress

    rows = progress.summary()
    if not args.all:
        started = [p for p in rows if p.attempted]
        rows = started or rows
    if args.format == "json":
        print(json.dumps([{**vars(p), "percent": p.percent} for p in rows], indent=2))
        return 0
    print(format_table(rows))
    print(f"\nProgress store: {progress.store_path()}")
    return 0


def format_table(rows) -> str:
    """A plain-text table: one line per unit with passed / attempted / total exercises."""
    if not rows:
        return "No units with exercises yet."
    header = ("unit", "title", "passed", "attempted", "exercises", "last attempt")
    body = [
        (p.unit, p.title, f"{p.passed} ({p.percent}%)", str(p.attempted), str(p.exercises), p.last_attempt or "-")
        for p in rows
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
