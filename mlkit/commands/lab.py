"""``mlkit lab``: open JupyterLab on your workspace and its start page (127.0.0.1, token required)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "lab",
        help="copy the notebooks into your workspace (never overwriting yours) and open JupyterLab there",
        description=(
            "Make your copies of the start page, lessons and exercises in your workspace if they are missing "
            "(as `mlkit work` does: never overwriting a copy), then open JupyterLab on that folder. "
            "The kit's own notebooks are not served, so using the kit never changes its checkout."
        ),
    )
    parser.add_argument("--port", type=int, help="port to listen on (default: the first free one from 8888)")
    parser.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    parser.add_argument("--dest", type=Path, help="workspace folder (default: $MLKIT_WORKSPACE or workspace/)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mlkit.commands.work import report_lines
    from mlkit.course import workspace
    from mlkit.course.lab import START_COPY, plan_launch, settings_dir, write_settings
    from mlkit.paths import repo_root, user_data_dir

    root = repo_root()
    if root is None:
        raise InputError("the notebooks were not found: run `mlkit lab` from a checkout of the kit (see the README)")
    folder = workspace.workspace_dir(root, args.dest)
    placements = workspace.copy_or_explain(root, dest=folder)
    if any(item.action != workspace.KEPT for item in placements):
        print("\n".join(report_lines(placements, list_copied=False)), flush=True)
    settings = write_settings(settings_dir(user_data_dir()))
    page = START_COPY if (folder / START_COPY).is_file() else ""
    launch = plan_launch(folder, port=args.port, open_browser=not args.no_browser, settings=settings, page=page)
    print(f"Your workspace: {folder}", flush=True)
    print("JupyterLab is starting. Open this address (it includes your private token):", flush=True)
    print(f"\n    {launch.url}\n", flush=True)
    print("Stop the server with Ctrl+C.", flush=True)
    try:
        return subprocess.call(launch.argv, env=launch.env)
    except KeyboardInterrupt:
        return 0
    finally:
        sys.stdout.flush()
