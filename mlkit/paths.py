"""Where the kit keeps things: its own files and the learner's data folder.

The learner's data folder holds the progress store, saved decision scenarios
and readiness results. It defaults to the platform's per-user data folder
(``~/.local/share/mlkit`` on Linux) and is moved by setting ``MLKIT_HOME``.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "MLKIT_HOME"


def package_dir() -> Path:
    """The installed ``mlkit`` package folder."""
    return Path(__file__).resolve().parent


def data_dir() -> Path:
    """Folder of the data files shipped inside the package."""
    return package_dir() / "data"


def repo_root() -> Path | None:
    """The kit's repository root when running from a checkout, else ``None``.

    Notebooks, exercises and the lock file live in the repository, not in the
    installed package; commands that need them look here.
    """
    root = package_dir().parent
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


def user_data_dir() -> Path:
    """The learner's data folder (``MLKIT_HOME`` overrides the default).

    The folder is not created here; :func:`ensure_user_data_dir` does that.
    """
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir as _platform_dir

    return Path(_platform_dir("mlkit", appauthor=False))


def ensure_user_data_dir() -> Path:
    """Create the learner's data folder if needed and return it."""
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder
