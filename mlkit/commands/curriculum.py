"""``mlkit curriculum``: the catalogue as a table or as JSON."""

from __future__ import annotations

import argparse
import json

from mlkit.course import curriculum


def register(subparsers) -> None:
    parser = subparsers.add_parser("curriculum", help="list the curriculum's units")
    parser.add_argument("--format", choices=("table", "json", "markdown"), default="table", help="output format (default: table)")
    parser.add_argument("--area", help="only units of this area id")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    selected = curriculum.units()
    if args.area:
        known = curriculum.areas()
        if args.area not in known:
            from mlkit.errors import InputError

            raise InputError(f"unknown area {args.area!r}; choose one of: {', '.join(known)}")
        selected = [u for u in selected if u.area == args.area]
    if args.format == "json":
        print(json.dumps([u.to_dict() for u in selected], indent=2))
    elif args.format == "markdown":
        print(curriculum.markdown_table(selected))
    else:
        print(format_table(selected))
    return 0


def format_table(selected: list[curriculum.Unit]) -> str:
    """A plain-text table of units, one line each."""
    header = ("#", "id", "title", "area", "min", "status")
    rows = [(f"{u.number:02d}", u.id, u.title, u.area_title, str(u.minutes), u.status) for u in selected]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    total = sum(u.minutes for u in selected)
    lines.append(f"\n{len(selected)} units, about {total / 60:.0f} hours in all")
    return "\n".join(lines)
