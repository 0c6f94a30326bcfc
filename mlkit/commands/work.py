"""``mlkit work``: copy the start page, lessons and exercises into the learner's workspace, never overwriting a copy."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "work",
        help="copy the start page, lessons and exercises into your workspace folder (never overwrites your copies)",
        description=(
            "Copy the kit's start page, lessons and exercise notebooks into your workspace (default: "
            "workspace/ in the kit; MLKIT_WORKSPACE or --dest change it), as 00_start_here.ipynb, "
            "NN_slug-lesson.ipynb and NN_slug-exercises.ipynb. Your copies are never overwritten: when the "
            "kit's version of a notebook changed, the new version is put beside your copy. Links between "
            "the notebooks are rewritten to work from the workspace."
        ),
    )
    parser.add_argument("units", nargs="*", metavar="UNIT_ID", help="units whose lesson and exercises to copy (default: all, with the start page)")
    parser.add_argument("--dest", type=Path, help="workspace folder (default: $MLKIT_WORKSPACE or workspace/)")
    parser.set_defaults(func=run)


def _shown(path: Path) -> str:
    """A path as short as it can be: relative to the current folder when inside it, else absolute."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(Path(path).absolute())
    return str(Path(path).absolute()) if relative.split(os.sep)[0] == os.pardir else relative


def run(args: argparse.Namespace) -> int:
    from mlkit.course import workspace
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None:
        raise InputError("no checkout of the kit found: the lessons and exercise notebooks live in the kit's repository")
    placements = workspace.copy_or_explain(root, args.units or None, args.dest)
    if not placements:
        print("the kit has no notebooks to copy yet")
        return 0
    for line in report_lines(placements):
        print(line)
    print(f"open them in {_shown(workspace.workspace_dir(root, args.dest))}")
    return 0


def report_lines(placements, list_copied: bool = True) -> list[str]:
    """What ``mlkit work`` (and ``mlkit lab``) say about each copy: new, changed or unknown ones, then a summary.

    Copies that are there and whose kit notebook has not changed are only counted, and so are
    new copies when ``list_copied`` is False (``mlkit lab``, whose address must stay in view).
    """
    from mlkit.course import workspace

    lines = []
    for item in placements:
        copy = _shown(item.copy)
        if item.action == workspace.COPIED and list_copied:
            lines.append(f"copied   {copy}")
        elif item.action == workspace.UNKNOWN:
            lines.append(f"kept     {copy} (your copy; it does not say which kit version it came from: "
                         f"compare it with {_shown(item.kit)} yourself)")
        elif item.action in (workspace.CHANGED, workspace.BESIDE):
            verb = "added" if item.action == workspace.CHANGED else "already there"
            lines.append(f"kept     {copy} (your copy, unchanged)")
            lines.append(f"{verb:<8} {_shown(item.beside)} -- the kit's notebook changed since you copied it; "
                         "its new version is beside your copy")
    copied = sum(item.action == workspace.COPIED for item in placements)
    changed = sum(item.action in (workspace.CHANGED, workspace.BESIDE) for item in placements)
    lines.append(f"{len(placements)} notebook(s): {copied} copied, {len(placements) - copied} kept"
                 + (f", {changed} changed in the kit" if changed else ""))
    return lines
