"""``mlkit work``: copy exercise notebooks into the learner's workspace, never overwriting a copy."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "work",
        help="copy exercise notebooks into your workspace folder (never overwrites your copies)",
        description=(
            "Copy the kit's exercise notebooks into your workspace (default: workspace/ in the kit; "
            "MLKIT_WORKSPACE or --dest change it). Your copies are never overwritten: when the kit's "
            "version of an exercise changed, the new version is put beside your copy."
        ),
    )
    parser.add_argument("units", nargs="*", metavar="UNIT_ID", help="units whose exercises to copy (default: all)")
    parser.add_argument("--dest", type=Path, help="workspace folder (default: $MLKIT_WORKSPACE or workspace/)")
    parser.set_defaults(func=run)


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def run(args: argparse.Namespace) -> int:
    from mlkit.course import workspace
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None:
        raise InputError("no checkout of the kit found: the exercise notebooks live in the kit's repository")
    placements = workspace.work(root, args.units or None, args.dest)
    if not placements:
        print("the kit has no exercise notebooks yet")
        return 0
    for item in placements:
        copy = _shown(item.copy)
        if item.action == workspace.COPIED:
            print(f"copied   {copy}")
        elif item.action == workspace.KEPT:
            print(f"kept     {copy} (your copy; the kit's version has not changed)")
        elif item.action == workspace.UNKNOWN:
            print(f"kept     {copy} (your copy; it does not say which kit version it came from: "
                  f"compare it with {_shown(item.kit)} yourself)")
        else:
            verb = "added" if item.action == workspace.CHANGED else "already there"
            print(f"kept     {copy} (your copy, unchanged)")
            print(f"{verb:<8} {_shown(item.beside)} -- the kit's exercise changed since you copied it; "
                  "its new version is beside your copy")
    copied = sum(item.action == workspace.COPIED for item in placements)
    changed = sum(item.action in (workspace.CHANGED, workspace.BESIDE) for item in placements)
    print(f"{len(placements)} exercise notebook(s): {copied} copied, {len(placements) - copied} kept"
          + (f", {changed} changed in the kit" if changed else ""))
    print(f"open them in {_shown(workspace.workspace_dir(root, args.dest))}")
    return 0
