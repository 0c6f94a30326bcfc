"""``mlkit notebooks``: re-execute and normalise stored notebooks, or check them."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("notebooks", help="re-execute and normalise the stored notebooks, or check them")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run_parser = actions.add_parser("run", help="execute lessons and solutions and store them normalised; clear exercises")
    run_parser.add_argument("paths", nargs="*", type=Path, help="notebooks to process (default: all)")
    run_parser.add_argument("--jobs", type=int, default=2, help="notebooks to execute at once (default: 2)")
    run_parser.set_defaults(func=run)
    check_parser = actions.add_parser("check", help="report notebooks that break the storage rules")
    check_parser.add_argument("paths", nargs="*", type=Path, help="notebooks to check (default: all)")
    check_parser.set_defaults(func=check)


def _selected(paths: list[Path]) -> tuple[Path, list[Path]]:
    from mlkit.course.notebook_store import notebook_paths
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None:
        raise InputError("no checkout of the kit found: run this inside the repository")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise InputError(f"no such notebook: {', '.join(missing)}")
    return root, [p.resolve() for p in paths] or notebook_paths(root)


def run(args: argparse.Namespace) -> int:
    from mlkit.course.notebook_store import run_and_store_all

    if args.jobs < 1:
        raise InputError(f"--jobs must be 1 or more, got {args.jobs}")
    root, paths = _selected(args.paths)
    changed = 0
    for path, was_changed in run_and_store_all(paths, jobs=args.jobs):
        changed += was_changed
        print(f"{'updated  ' if was_changed else 'unchanged'}  {path.relative_to(root)}", flush=True)
    print(f"{len(paths)} notebook(s), {changed} updated")
    return 0


def check(args: argparse.Namespace) -> int:
    from mlkit.course.notebook_store import problems

    root, paths = _selected(args.paths)
    found = [p for path in paths for p in problems(path, root)]
    for line in found:
        print(line.replace(str(root) + "/", ""))
    print(f"{len(paths)} notebook(s) checked, {len(found)} problem(s)")
    return 1 if found else 0
