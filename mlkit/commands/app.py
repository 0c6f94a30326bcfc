"""``mlkit app``: serve the decision workbook as a web app with Voila (code hidden).

Voila runs the notebook in a fresh kernel for each visitor and shows its outputs and
widgets without the code. By default it listens on 127.0.0.1 only: nobody else on the
network can reach it. ``--ip 0.0.0.0`` serves a room on a trusted network (see the
README's section on the decision workbook for the caveats).
"""

from __future__ import annotations

import argparse

NOTEBOOK = "notebooks/21_is_an_ml_masters_worth_it.ipynb"
DEFAULT_PORT = 8866
LOCAL = "127.0.0.1"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "app",
        help="serve the decision workbook as a web app (Voila, code hidden)",
        description="Serve the decision workbook as a web app with Voila: code hidden, on 127.0.0.1 unless --ip says otherwise.",
    )
    parser.add_argument("--port", type=int, help=f"port to listen on (default: the first free one from {DEFAULT_PORT})")
    parser.add_argument("--ip", default=LOCAL, help=f"address to listen on (default {LOCAL}: this computer only)")
    parser.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    parser.set_defaults(func=run)


def free_port(start: int = DEFAULT_PORT, host: str = LOCAL, tries: int = 50) -> int:
    """The first port from ``start`` that nothing listens on (see :func:`mlkit.course.lab.free_port`)."""
    from mlkit.course.lab import free_port as first_free

    return first_free(start, tries, host=host)


def voila_argv(notebook, port: int, ip: str = LOCAL, open_browser: bool = False) -> list[str]:
    """The command that serves ``notebook`` with Voila (the same Python, so the same kit)."""
    import importlib.util
    import sys

    argv = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.ip={ip}"]
    if not open_browser:
        argv.append("--no-browser")
    if importlib.util.find_spec("jupytext") is not None:
        # jupytext's server extension breaks Voila's page when it is installed
        argv.append("--VoilaConfiguration.extension_denylist=jupyterlab-jupytext")
    return argv


def run(args: argparse.Namespace) -> int:
    import subprocess

    from mlkit.errors import InputError
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None or not (root / NOTEBOOK).is_file():
        raise InputError(f"the workbook ({NOTEBOOK}) was not found: run `mlkit app` from a checkout of the kit (see the README)")
    if args.port is not None and not 1 <= args.port <= 65535:
        raise InputError(f"--port = {args.port}: expected a port number from 1 to 65535")
    port = args.port or free_port(host=args.ip if args.ip != "0.0.0.0" else "")
    argv = voila_argv(root / NOTEBOOK, port, args.ip, open_browser=not args.no_browser)
    shown = LOCAL if args.ip in ("0.0.0.0", "") else args.ip
    print(f"The decision workbook is starting at http://{shown}:{port}/", flush=True)
    if args.ip != LOCAL:
        print(f"Listening on {args.ip}: anyone who can reach this computer on port {port} can use it, without a password. "
              "Use this on a trusted network only.", flush=True)
    print("Stop it with Ctrl+C.", flush=True)
    try:
        return subprocess.call(argv, cwd=root)
    except KeyboardInterrupt:
        return 0
