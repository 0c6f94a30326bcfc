"""Starting JupyterLab on the learner's workspace, on their copy of the start page, safely.

Lab serves the learner's workspace folder (see :mod:`mlkit.course.workspace`), never the
kit's checkout: opening a notebook marks it modified and autosave writes it back, so a
served kit notebook would be changed by use and ``git pull`` would then refuse to update
the kit. The file browser therefore shows the learner's copies only.

Lab's settings come from a folder the kit controls, ``<data folder>/lab/settings`` (its
``overrides.json`` is rewritten at every start; a test or an instructor may add files in
its ``overrides.d/``): Jupyter's news and update pop-ups are off, and the file browser
leaves out its "last modified" column so that more of each name shows. The learner's own Lab
settings (``~/.jupyter/lab/user-settings``) are not touched.

The server listens on 127.0.0.1 only and always asks for a token; the token is
random per start unless ``MLKIT_LAB_TOKEN`` sets one. Nothing here disables
authentication.

The kit's commands must work where the start page says to type them: in a Lab terminal
(File > New > Terminal) and in a notebook's ``!mlkit ...``. ``make lab`` runs
``.venv/bin/mlkit`` without activating the environment, so the server is started with the
environment's ``bin`` folder first on ``PATH``; terminals are interactive shells that are not
login shells, because a login shell reads ``/etc/profile``, which on Debian resets ``PATH``
(Jupyter starts a login shell when its output is not a terminal).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from mlkit.course.curriculum import START_PAGE
from mlkit.course.workspace import START, learner_name
from mlkit.errors import InputError
from mlkit.files import write_atomic

HOST = "127.0.0.1"
TOKEN_ENV = "MLKIT_LAB_TOKEN"
START_COPY = learner_name(START_PAGE, START)  # the learner's copy of the start page, in the workspace
SETTINGS = {
    # no "Would you like to receive official Jupyter news?" and no update notices
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # the file browser's narrow column shows more of a name ("-lesson", "-exercises" is at its end)
    "@jupyterlab/filebrowser-extension:browser": {"showLastModifiedColumn": False},
}


@dataclass(frozen=True)
class LabLaunch:
    """How to start JupyterLab and where to point a browser."""

    argv: list[str]
    url: str
    token: str
    port: int
    env: dict[str, str]


def environment_bin() -> Path:
    """The folder of the running Python's commands (``.venv/bin``), where ``mlkit`` is installed.

    Not resolved through symbolic links: a virtual environment's ``python`` is a link to the
    base interpreter, whose folder does not hold the environment's commands.
    """
    return Path(sys.executable).absolute().parent


def server_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the environment's ``bin`` first on PATH.

    Kernels and terminals inherit it, so ``mlkit`` and ``python`` there are the kit's.
    """
    env = dict(os.environ if base is None else base)
    folder = str(environment_bin())
    rest = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != folder]
    env["PATH"] = os.pathsep.join([folder, *rest])
    if sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    return env


def terminal_shell(env: dict[str, str]) -> list[str]:
    """The command a Lab terminal runs: the user's shell, interactive, not a login shell."""
    shell = env.get("SHELL") or shutil.which("bash") or shutil.which("sh") or "/bin/sh"
    return [shell, "-i"]


def free_port(start: int = 8888, attempts: int = 50, host: str = HOST) -> int:
    """The first port from ``start`` on which ``host`` accepts a listener (``""``: every address)."""
    for port in range(start, start + attempts):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise InputError(f"no free port between {start} and {start + attempts - 1}; pass --port")


def new_token() -> str:
    """A token from the environment, or a fresh random one."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token and len(token) < 16:
        raise InputError(f"{TOKEN_ENV} must be at least 16 characters long to be a usable secret")
    return token or secrets.token_hex(24)


def settings_dir(data_folder: Path) -> Path:
    """The Lab settings folder the kit controls: ``<data_folder>/lab/settings``."""
    return Path(data_folder) / "lab" / "settings"


def write_settings(folder: Path) -> Path:
    """Write the kit's Lab settings overrides (:data:`SETTINGS`) to ``folder/overrides.json``; returns ``folder``.

    Raises
    ------
    InputError
        ``folder`` cannot be created or written (names the folder and ``MLKIT_HOME``).
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / "overrides.json", json.dumps(SETTINGS, indent=1, sort_keys=True) + "\n")
    except OSError as error:
        raise InputError(
            f"cannot write Lab's settings in {folder} ({error.strerror or error}); "
            "make the folder writable or set MLKIT_HOME to a writable folder"
        ) from error
    return folder


def plan_launch(
    root: Path,
    port: int | None = None,
    token: str | None = None,
    open_browser: bool = True,
    settings: Path | None = None,
    page: str = START_COPY,
) -> LabLaunch:
    """The command line that starts JupyterLab serving ``root`` (the workspace) on ``page``.

    ``page`` is relative to ``root``; ``settings`` is the folder of the kit's settings
    overrides (see :func:`write_settings`), Lab's default when None.

    Examples
    --------
    >>> launch = plan_launch(Path("."), port=8899, token="x" * 16, open_browser=False)
    >>> launch.url
    'http://127.0.0.1:8899/lab/tree/00_start_here.ipynb?token=xxxxxxxxxxxxxxxx'
    """
    port = port or free_port()
    if not 1 <= port <= 65535:
        raise InputError(f"port must be between 1 and 65535, got {port}")
    token = token or new_token()
    page = f"/lab/tree/{page}"
    env = server_environment()
    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        f"--LabApp.default_url={page}",
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.terminado_settings=" + json.dumps({"shell_command": terminal_shell(env)}),
    ]
    if settings is not None:
        argv.append(f"--LabApp.app_settings_dir={settings}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    return LabLaunch(argv=argv, url=f"http://{HOST}:{port}{page}?token={token}", token=token, port=port, env=env)
