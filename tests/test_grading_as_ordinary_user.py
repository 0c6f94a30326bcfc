"""The grader, started by an ordinary user instead of root, holds against the same hostile submissions.

When the suite runs as root (as CI does), ``mlkit grade`` is started here as user 65534 through
``setpriv``; as an ordinary user it is started directly. Three submissions of unit classification:
an honest one, one that forges results through every pipe it can open and kills its runner, and
one that tries to remount the system read-write and write outside its sandbox. CI sets
``MLKIT_REQUIRE_ORDINARY_USER=1`` so that a machine where this cannot run fails instead of skipping.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mlkit.grading import sandbox


def _trust_module():
    """The submissions of ``test_grading_trust.py``, shared rather than written twice."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("grading_trust_submissions", Path(__file__).with_name("test_grading_trust.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_trust = _trust_module()
CLASSIFICATION, FORGED, PIPE_FORGER, notebook = _trust.CLASSIFICATION, _trust.FORGED, _trust.PIPE_FORGER, _trust.notebook

pytestmark = pytest.mark.slow
NOBODY = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--"]

VANDAL = """
import subprocess, os
tried = []
for command in (["mount", "-o", "remount,rw", "/"], ["umount", "-l", "/tmp"]):
    tried.append(subprocess.run(command, capture_output=True).returncode)
for target in ("/etc/mlkit-was-here", "/tmp/mlkit-was-here", %(sentinel)r):
    try:
        with open(target, "w") as handle:
            handle.write("x")
    except OSError:
        pass
answer = "C"
"""


def cannot_run(reason: str):
    if os.environ.get("MLKIT_REQUIRE_ORDINARY_USER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def command_prefix() -> list[str]:
    if not sandbox.bwrap_works():
        cannot_run("bubblewrap is not installed or cannot create namespaces here")
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        cannot_run("setpriv is not installed, so the grader cannot be started as an ordinary user")
    probe = subprocess.run([*NOBODY, sys.executable, "-c", "import mlkit.grading.runner"], capture_output=True, cwd="/")
    if probe.returncode != 0:
        cannot_run(f"Python or the virtual environment ({sys.prefix}) is not readable by user 65534")
    return NOBODY


def test_an_ordinary_user_grades_hostile_submissions_exactly():
    prefix = command_prefix()
    shared = Path(tempfile.mkdtemp(prefix="mlkit-ordinary-"))
    try:
        shared.chmod(0o777)
        subs, out, sentinel = shared / "subs", shared / "out", shared / "outside.txt"
        judged = ('answer = "C"', ["ex:judgement"])
        notebook(subs / "honest.ipynb", judged)
        notebook(subs / "pipe.ipynb", ('answer = "A"', ["ex:judgement"]), PIPE_FORGER % {"forged": FORGED, "names": CLASSIFICATION})
        notebook(subs / "vandal.ipynb", (VANDAL % {"sentinel": str(sentinel)}, ["ex:judgement"]))
        for path in [subs, *subs.iterdir()]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        mlkit = [sys.executable, "-m", "mlkit"]
        args = ["grade", "--assignment", "classification", "--out", str(out), "--sandbox", "bwrap", "--jobs", "2",
                "--timeout-cell", "20", "--timeout", "120", "--memory", "1536", str(subs)]
        env = {k: v for k, v in os.environ.items() if k not in ("MLKIT_HOME",)}
        env["MLKIT_HOME"] = str(shared / "home")
        done = subprocess.run([*prefix, *mlkit, *args], capture_output=True, text=True, cwd="/", env=env, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        rows = {r["learner"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
        assert rows["honest"]["judgement"] == "1" or float(rows["honest"]["total"]) > 0, rows["honest"]
        assert float(rows["pipe"]["total"]) == 0, rows["pipe"]
        assert float(rows["vandal"]["total"]) == float(rows["honest"]["total"]), rows["vandal"]
        assert not sentinel.exists() and not Path("/etc/mlkit-was-here").exists()
    finally:
        shutil.rmtree(shared, ignore_errors=True)
