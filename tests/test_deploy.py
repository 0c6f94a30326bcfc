"""The JupyterHub configurations in deploy/: they parse, install exactly the lock, and are sized as documented."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
LOCK = ROOT / "requirements" / "lock.txt"


def pins(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def to_mb(size: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG])", str(size))
    assert match, f"not a Kubernetes-style size: {size!r}"
    return float(match[1]) * {"K": 1 / 1024, "M": 1, "G": 1024}[match[2]]


def measured_peak_mb() -> float:
    text = (DEPLOY / "README.md").read_text()
    match = re.search(r"Largest measured peak: (\d+) MB", text)
    assert match, "deploy/README.md must state the measured peak it sizes from"
    return float(match[1])


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((DEPLOY / "z2jh" / "config.yaml").read_text())


def test_z2jh_values_parse_and_size_memory_from_the_measured_peak(values):
    single = values["singleuser"]
    guarantee, limit = to_mb(single["memory"]["guarantee"]), to_mb(single["memory"]["limit"])
    peak = measured_peak_mb()
    assert guarantee >= 2 * peak  # a lesson and an exercise kernel open at once
    assert limit >= guarantee and limit >= 4 * peak
    assert 0 < single["cpu"]["guarantee"] <= single["cpu"]["limit"]
    assert single["defaultUrl"] == "/lab" and single["extraEnv"]["OMP_NUM_THREADS"] == "1"
    assert values["cull"]["enabled"] is True


def test_tljh_limits_match_the_z2jh_limits(values):
    script = (DEPLOY / "tljh" / "install.sh").read_text()
    memory = re.search(r'MEMORY_LIMIT="\$\{MEMORY_LIMIT:-(\w+)\}"', script)[1]
    cpu = re.search(r'CPU_LIMIT="\$\{CPU_LIMIT:-([\d.]+)\}"', script)[1]
    assert to_mb(memory) == to_mb(values["singleuser"]["memory"]["limit"])
    assert float(cpu) == float(values["singleuser"]["cpu"]["limit"])


def test_tljh_requirements_are_exactly_the_lock():
    assert pins(DEPLOY / "tljh" / "requirements.txt") == pins(LOCK)


def test_make_requirements_regenerates_the_same_file(tmp_path):
    (tmp_path / "deploy" / "tljh").mkdir(parents=True)
    (tmp_path / "requirements").mkdir()
    shutil.copy(LOCK, tmp_path / "requirements" / "lock.txt")
    script = tmp_path / "deploy" / "tljh" / "make-requirements.sh"
    shutil.copy(DEPLOY / "tljh" / "make-requirements.sh", script)
    subprocess.run(["bash", str(script)], check=True, capture_output=True)
    assert (tmp_path / "deploy" / "tljh" / "requirements.txt").read_text() == (DEPLOY / "tljh" / "requirements.txt").read_text()


@pytest.mark.parametrize("script", ["tljh/install.sh", "tljh/make-requirements.sh"])
def test_shell_scripts_parse(script):
    subprocess.run(["bash", "-n", str(DEPLOY / script)], check=True)


def test_tljh_installs_the_lock_then_the_kit_without_resolving_again():
    script = (DEPLOY / "tljh" / "install.sh").read_text()
    first = script.index('install --no-cache-dir -r requirements.txt')
    second = script.index('install --no-cache-dir --no-deps "git+${KIT_REPO}@${KIT_BRANCH}"')
    assert first < second and "tljh-config reload" in script


def test_dockerfile_builds_from_a_jupyter_image_with_the_lock():
    text = (DEPLOY / "image" / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", text, re.M)[1]
    assert base.startswith("quay.io/jupyter/") and base.endswith(":python-3.11")
    lock_pin = re.search(r"^# Python (3\.\d+)", LOCK.read_text(), re.M)[1]
    assert base.endswith(lock_pin)
    for source in re.findall(r"^COPY (.+) /opt/mlkit/\S*$", text, re.M):
        for part in source.split():
            assert (ROOT / part).exists(), part
    assert "pip install --no-cache-dir -r /opt/mlkit/requirements/lock.txt" in text
    assert "pip install --no-cache-dir --no-deps /opt/mlkit" in text
    assert re.search(r"nbgitpuller==\d+\.\d+\.\d+", text)


def test_deploy_readme_names_the_figure_and_the_benchmark():
    text = (DEPLOY / "README.md").read_text()
    assert "benchmarks/bench_notebook_memory.py" in text
    assert "mlkit workshop link" in text
