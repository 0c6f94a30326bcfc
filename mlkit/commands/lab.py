"""``mlkit lab``: open JupyterLab on the start page (127.0.0.1, token required)."""

from __future__ import annotations

import argparse
import subprocess
import sys

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("lab", help="open JupyterLab on the start page")
    parser.add_argument("--port", type=int, help="port to listen on (default: the first free one from 8888)")
    parser.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mlkit.course.lab import plan_launch
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None:
        raise InputError("the notebooks were not found: run `mlkit lab` from a checkout of the kit (see the README)")
    launch = plan_launch(root, port=args.port, open_browser=not args.no_browser)
    print("JupyterLab is starting. Open this address (it includes your private token):", flush=True)
    print(f"\n    {launch.url}\n", flush=True)
    print("Stop the server with Ctrl+C.", flush=True)
    try:
        return subprocess.call(launch.argv, env=launch.env)
    except KeyboardInterrupt:
        return 0
    finally:
        sys.stdout.flush()
