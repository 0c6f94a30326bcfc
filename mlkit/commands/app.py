"""``mlkit app``: serve the decision workbook as a web app with Voila (code hidden).

The app is ``app/decision_workbook.ipynb``: a title, a short explanation and the workbook
widget, nothing else (``notebooks/25_is_an_ml_masters_worth_it.ipynb`` is the lesson that
explains it). Voila runs it in a kernel per visitor and shows its widgets without code,
with the kit's page template (``app/voila/templates/mlkit``), which loads nothing from other
hosts and adds what the widgets leave out (its ``static/mlkit-app.js`` and ``.css``): input
groups a keyboard opens, the results before the inputs in Tab order on a phone, a text
alternative for every chart, and charts that fit a phone's width.

- **Fast to first result**: one kernel is kept pre-heated (the notebook already run), so a
  visitor gets results as soon as the page is drawn; the next kernel warms up behind it.
- **Bounded memory**: a visitor's kernel is shut down ``--cull-after`` seconds after the last
  page using it closed (default 120); an open page keeps its kernel however idle it is.
- By default it listens on 127.0.0.1 only: nobody else on the network can reach it.
  ``--ip 0.0.0.0`` serves a room on a trusted network (see the README for the caveats).
"""

from __future__ import annotations

import argparse

NOTEBOOK = "app/decision_workbook.ipynb"
TEMPLATES = "app"  # holds voila/templates/mlkit, found through JUPYTER_PATH
TEMPLATE = "mlkit"
DEFAULT_PORT = 8866
LOCAL = "127.0.0.1"
CULL_AFTER = 120  # seconds a kernel with no open page is kept
POOL_SIZE = 1  # pre-heated kernels waiting for the next visitor


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "app",
        help="serve the decision workbook as a web app (Voila, code hidden)",
        description=(
            "Serve the decision app (app/decision_workbook.ipynb: inputs, results, charts, the five questions, "
            "scenarios and the report) with Voila: no code shown, nothing loaded from other hosts, one kernel kept "
            "pre-heated so results show at once, and each visitor's kernel shut down --cull-after seconds after "
            "their page closed. Listens on 127.0.0.1 unless --ip says otherwise; see the README, \"The decision workbook\"."
        ),
    )
    parser.add_argument("--port", type=int, help=f"port to listen on (default: the first free one from {DEFAULT_PORT})")
    parser.add_argument("--ip", default=LOCAL, help=f"address to listen on (default {LOCAL}: this computer only)")
    parser.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    parser.add_argument("--cull-after", type=int, default=CULL_AFTER, metavar="SECONDS",
                        help=f"shut a visitor's kernel down this long after its last page closed (default {CULL_AFTER})")
    parser.add_argument("--pool", type=int, default=POOL_SIZE, metavar="N",
                        help=f"kernels kept pre-heated for the next visitors (default {POOL_SIZE}; 0: start one per visit)")
    parser.set_defaults(func=run)


def free_port(start: int = DEFAULT_PORT, host: str = LOCAL, tries: int = 50) -> int:
    """The first port from ``start`` that nothing listens on (see :func:`mlkit.course.lab.free_port`)."""
    from mlkit.course.lab import free_port as first_free

    return first_free(start, tries, host=host)


def voila_argv(notebook, port: int, ip: str = LOCAL, open_browser: bool = False, *,
               cull_after: int = CULL_AFTER, pool: int = POOL_SIZE) -> list[str]:
    """The command that serves ``notebook`` with Voila (the same Python, so the same kit).

    ``cull_after`` (seconds, at least 1) and ``pool`` (kernels, 0 or more) are described in
    the module's docstring. Needs the kit's templates on ``JUPYTER_PATH`` (:func:`voila_env`).
    """
    import importlib.util
    import sys

    argv = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", f"--Voila.ip={ip}", f"--template={TEMPLATE}",
            f"--MappingKernelManager.cull_idle_timeout={cull_after}",
            f"--MappingKernelManager.cull_interval={max(1, min(cull_after, 30))}",
            "--MappingKernelManager.cull_connected=False"]
    if pool > 0:
        argv += ["--preheat_kernel=True", f"--pool_size={pool}"]
    if not open_browser:
        argv.append("--no-browser")
    if importlib.util.find_spec("jupytext") is not None:
        # jupytext's server extension breaks Voila's page when it is installed
        argv.append("--VoilaConfiguration.extension_denylist=jupyterlab-jupytext")
    return argv


def voila_env(root, base: dict | None = None) -> dict[str, str]:
    """The environment for Voila: ``base`` (default ``os.environ``) with the kit's templates on ``JUPYTER_PATH``."""
    import os

    env = dict(os.environ if base is None else base)
    folder = str(root / TEMPLATES)
    env["JUPYTER_PATH"] = os.pathsep.join([folder, env["JUPYTER_PATH"]]) if env.get("JUPYTER_PATH") else folder
    return env


def run(args: argparse.Namespace) -> int:
    import subprocess

    from mlkit.errors import InputError
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None or not (root / NOTEBOOK).is_file():
        raise InputError(f"the workbook ({NOTEBOOK}) was not found: run `mlkit app` from a checkout of the kit (see the README)")
    if args.port is not None and not 1 <= args.port <= 65535:
        raise InputError(f"--port = {args.port}: expected a port number from 1 to 65535")
    if args.cull_after < 1:
        raise InputError(f"--cull-after = {args.cull_after}: expected a number of seconds, at least 1")
    if not 0 <= args.pool <= 8:
        raise InputError(f"--pool = {args.pool}: expected a number of kernels from 0 to 8 (each holds about 200 MB)")
    port = args.port or free_port(host=args.ip if args.ip != "0.0.0.0" else "")
    argv = voila_argv(root / NOTEBOOK, port, args.ip, open_browser=not args.no_browser, cull_after=args.cull_after, pool=args.pool)
    shown = LOCAL if args.ip in ("0.0.0.0", "") else args.ip
    print(f"The decision workbook is starting at http://{shown}:{port}/", flush=True)
    if args.ip != LOCAL:
        print(f"Listening on {args.ip}: anyone who can reach this computer on port {port} can use it, without a password. "
              "Use this on a trusted network only.", flush=True)
    print("Stop it with Ctrl+C.", flush=True)
    try:
        return subprocess.call(argv, cwd=root, env=voila_env(root))
    except KeyboardInterrupt:
        return 0
