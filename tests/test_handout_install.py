"""The handout's install lines, run as written in a fresh virtualenv, give a working kit.

The lines install the lock from the package registry pip is configured with (the only network
CI has) and then the handout's own copy of the kit. Slow: about five minutes, 1 GB in a
temporary folder; nothing is written to the repository.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from mlkit import __version__
from mlkit.cli import main
from mlkit.course import curriculum, workshop
from mlkit.course.authoring.generate import solution_parts
from mlkit.course.checks import registry

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 900  # for the whole install; a normal run takes a quarter of it

pytestmark = pytest.mark.slow


def install_lines(readme: str) -> list[str]:
    """The commands of the README's first ``bash`` block, one per line, comments and blanks left out."""
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block, "the handout README has no bash block of install lines"
    return [line for line in block[1].splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run(line: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    """Run one line in bash as a learner would, with ``python3`` being this interpreter's Python."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MLKIT_HIDE_SOLUTIONS")}
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    """A handout folder whose install lines have been run, and the output of each line."""
    out = tmp_path_factory.mktemp("handout") / "classification"
    assert main(["workshop", "release", "--units", "classification", "--out", str(out)]) == 0
    lines = install_lines((out / "README.md").read_text())
    results = []
    for line in lines:
        done = run(line, out, BUDGET_SECONDS)
        assert done.returncode == 0, f"the handout's line failed as written: {line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        results.append((line, done))
    return out, results


def test_the_readme_installs_the_lock_then_the_handouts_kit(handout):
    out, results = handout
    lines = [line for line, _ in results]
    assert lines[0] == "python3 -m venv .venv"
    assert ".venv/bin/pip install --no-deps -r requirements-lock.txt" in lines and ".venv/bin/pip install --no-deps ./kit" in lines
    assert not [line for line in lines if "PATH/TO" in line or "<" in line]  # nothing to fill in


def test_the_installed_kit_runs_and_its_doctor_passes(handout):
    out, results = handout
    version = run(".venv/bin/mlkit --version", out, 120)
    assert version.returncode == 0 and __version__ in version.stdout
    doctor = run(".venv/bin/mlkit doctor", out, 300)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    check = run(".venv/bin/pip check", out, 120)
    assert check.returncode == 0, check.stdout
    # --all: the lock pins wheel, which a plain pip freeze leaves out
    frozen = {line.lower() for line in run(".venv/bin/pip freeze --all", out, 120).stdout.splitlines()}
    lock = [p.lower() for p in (ROOT / "requirements" / "lock.txt").read_text().splitlines() if p and not p.startswith("#")]
    assert set(lock) <= frozen  # exactly the lock's versions


def test_the_installed_kit_runs_the_handouts_exercise_check(handout):
    out, _ = handout
    probe = (
        "from mlkit.course.checks import exercises\n"
        "from mlkit.datasets import breast_cancer\n"
        "from sklearn.model_selection import train_test_split\n"
        "X, y = breast_cancer.load()\n"
        "print(exercises('classification').split.check(*train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)).status)\n"
    )
    done = run(f".venv/bin/python -c {shlex.quote(probe)}", out, 300)
    assert done.returncode == 0 and done.stdout.strip() == "passed", done.stdout + done.stderr


def test_a_graded_kit_installed_over_it_holds_no_solution(handout, tmp_path):
    out, _ = handout
    graded = tmp_path / "graded"
    assert main(["workshop", "release", "--graded", "--units", "classification", "--out", str(graded)]) == 0
    done = run(f".venv/bin/pip install --no-cache-dir --no-deps --force-reinstall {graded / 'kit'}", out, 600)
    assert done.returncode == 0, done.stderr
    site = run(".venv/bin/python -c 'import mlkit, pathlib; print(pathlib.Path(mlkit.__file__).parent)'", out, 60).stdout.strip()
    package = Path(site)
    assert package.is_dir() and str(out) in str(package) and not (package / "course" / "authoring").exists()
    text = " ".join(
        " ".join(p.read_bytes().decode("utf-8", "replace").split()) for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc"
    )
    unit = curriculum.get_unit("classification")
    for exercise in registry.exercises("classification"):
        code, explanation = solution_parts(ROOT / unit.solutions, exercise.name)
        assert " ".join(code.split()) not in text, exercise.id
        assert " ".join(exercise.hints[-1].split()) not in text, exercise.id
    probe = "from mlkit.course.checks import exercises; print(exercises('classification').split.solution())"
    shown = run(f"MLKIT_HIDE_SOLUTIONS=0 .venv/bin/python -c {shlex.quote(probe)}", out, 120)
    assert shown.returncode == 0 and "does not include" in shown.stdout, shown.stdout + shown.stderr
    assert workshop.GRADED_MESSAGE in run(
        ".venv/bin/python -c \"from mlkit.course.checks import exercises; print(exercises('classification').split.check(1, 2, 3, 4))\"", out, 120
    ).stdout
