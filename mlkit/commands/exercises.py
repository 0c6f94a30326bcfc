"""``mlkit exercises``: generate the exercise notebooks from the solutions, or check them."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("exercises", help="generate exercises/ from solutions/, or check they agree")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build_parser = actions.add_parser("build", help="generate exercise notebooks from solution notebooks")
    build_parser.add_argument(
        "paths", nargs="*", type=Path, help="solution (or exercise) notebooks to build (default: all)"
    )
    build_parser.set_defaults(func=build)
    check_parser = actions.add_parser(
        "check", help="fail when exercises/ is out of date, lacks a source, or shows part of a solution"
    )
    check_parser.set_defaults(func=check)


def _root() -> Path:
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None:
        raise InputError("no checkout of the kit found: run this inside the repository")
    return root


def build(args: argparse.Namespace) -> int:
    from mlkit.course.authoring.sync import build as build_all
    from mlkit.course.authoring.sync import relative

    root = _root()
    done = build_all(root, args.paths or None)
    for item in done:
        print(f"{item.action:<9}  {relative(root, item.path)}")
    updated = sum(item.action != "unchanged" for item in done)
    print(f"{len(done)} exercise notebook(s), {updated} changed")
    return 0


def check(args: argparse.Namespace) -> int:
    from mlkit.course.authoring.sync import check as check_all
    from mlkit.course.authoring.sync import solution_paths

    root = _root()
    found = check_all(root)
    for line in found:
        print(line)
    print(f"{len(solution_paths(root))} solution notebook(s) checked, {len(found)} problem(s)")
    return 1 if found else 0
