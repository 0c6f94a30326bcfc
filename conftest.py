"""Test-suite settings shared by unit tests and notebook runs (nbval).

Kernels started by nbval inherit this process's environment, so setting it
here makes every notebook run deterministic (one thread per numerical library,
fixed hash seed) and keeps the learner's real data folder untouched (each test
session gets its own ``MLKIT_HOME``).
"""

import os
import tempfile
from pathlib import Path

from mlkit.course.notebook_store import deterministic_env

os.environ.update(deterministic_env())
os.environ.setdefault("MLKIT_HOME", tempfile.mkdtemp(prefix="mlkit-test-home-"))
for _name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
    os.environ.setdefault(_name, tempfile.mkdtemp(prefix=f"mlkit-{_name.lower()}-"))
os.environ.pop("MPLBACKEND", None)  # kernels must keep the inline backend

ROOT = Path(__file__).resolve().parent


def pytest_collectstart(collector):
    """Exercise notebooks are stored without outputs: run them, compare nothing."""
    if type(collector).__name__ == "IPyNbFile" and Path(str(collector.fspath)).parent.name == "exercises":
        collector.compare_outputs = False
