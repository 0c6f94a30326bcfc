"""The JupyterHub configurations in deploy/: they parse, install exactly the lock, and are sized as documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
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
    second = script.index('install --no-cache-dir --no-deps "git+${KIT_REPO}@${KIT_BRANCH}${KIT_SUBDIRECTORY:+#subdirectory=${KIT_SUBDIRECTORY}}"')
    assert first < second and "tljh-config reload" in script


@pytest.mark.parametrize("subdirectory, spec", [("", "git+URL@graded"), ("kit", "git+URL@graded#subdirectory=kit")])
def test_tljh_installs_a_graded_releases_kit_from_its_subdirectory(subdirectory, spec):
    line = re.search(r'--no-deps "(git\+[^"]+)"', (DEPLOY / "tljh" / "install.sh").read_text())[1]
    env = {"KIT_REPO": "URL", "KIT_BRANCH": "graded", "KIT_SUBDIRECTORY": subdirectory, "PATH": os.environ["PATH"]}
    done = subprocess.run(["bash", "-c", f'printf %s "{line}"'], env=env, capture_output=True, text=True, check=True)
    assert done.stdout == spec


DOCKERFILE = DEPLOY / "image" / "Dockerfile"
HUB_REQUIREMENTS = DEPLOY / "image" / "requirements-hub.txt"
# What the image's RUN line may install, each without resolving anything: the lock, the pinned
# single-user server and nbgitpuller, the kit.
ALLOWED_INSTALLS = [
    "pip install --no-cache-dir --no-deps -r /opt/mlkit/requirements/lock.txt",
    "pip install --no-cache-dir --no-deps -r /opt/mlkit/requirements/hub.txt",
    "pip install --no-cache-dir --no-deps /opt/mlkit",
]


def dockerfile_commands() -> list[str]:
    """The shell commands of the Dockerfile's RUN instructions, split at ``&&``."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    commands = []
    for run in re.findall(r"^RUN (.+)$", text, re.M):
        commands += [" ".join(part.split()) for part in run.split("&&")]
    return commands


def copies(kit: str = ".") -> dict[str, str]:
    """Destination in the image -> source in the build context, with the build argument KIT."""
    text = DOCKERFILE.read_text().replace("${KIT}", kit)
    found = {}
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        *sources, dest = line.split()
        for source in sources:
            found[dest + Path(source).name if dest.endswith("/") else dest] = source
    return found


def name_of(pin: str) -> str:
    return re.split(r"[=<>!~ ;\[]", pin, maxsplit=1)[0].lower().replace("_", "-")


def test_dockerfile_installs_the_lock_into_a_pinned_clean_python_image():
    text = DOCKERFILE.read_text()
    bases = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(bases) == 1
    image, _, digest = bases[0].partition("@")
    name, _, tag = image.partition(":")
    assert name == "python", "a clean Python image: a Jupyter base image brings its own notebook stack"
    python = re.search(r"^# Python (3\.\d+\.\d+)", LOCK.read_text(), re.M)[1]
    assert tag.startswith(python + "-") and tag != "latest", f"pin the lock's Python {python}, got {tag!r}"
    assert not digest or re.fullmatch(r"sha256:[0-9a-f]{64}", digest)
    assert "@sha256:<digest>" in text  # says how to pin by digest
    installs = [c for c in dockerfile_commands() if "pip install" in c]
    assert installs == ALLOWED_INSTALLS, "the image installs exactly the lock, the hub requirements and the kit"
    assert "pip check" in dockerfile_commands() and "rm -rf /opt/mlkit" in dockerfile_commands()
    assert not [c for c in dockerfile_commands() if re.search(r"\b(conda|mamba|uv) ", c)]
    where = copies()
    assert where["/opt/mlkit/requirements/lock.txt"] == "./requirements/lock.txt"
    assert where["/opt/mlkit/requirements/hub.txt"] == "deploy/image/requirements-hub.txt"
    for source in where.values():
        assert (ROOT / source).exists(), source
    assert re.search(r'^CMD \["jupyterhub-singleuser"\]', text, re.M)


def test_hub_requirements_are_pinned_and_leave_the_lock_alone():
    hub = pins(HUB_REQUIREMENTS)
    assert hub and all(re.fullmatch(r"[A-Za-z0-9._-]+==[0-9][0-9A-Za-z.+-]*", pin) for pin in hub), hub
    locked = {name_of(pin) for pin in pins(LOCK)}
    assert not {name_of(pin) for pin in hub} & locked  # the lock's versions are never replaced
    assert {"jupyterhub", "nbgitpuller"} <= {name_of(pin) for pin in hub}


def test_z2jh_values_pin_the_image_and_the_chart_and_choose_an_authenticator(values):
    image = values["singleuser"]["image"]
    tag = str(image["tag"])
    assert ":" not in image["name"], "the tag goes in singleuser.image.tag"
    assert tag.split("@")[0] not in {"", "latest", "main", "master", "stable"}, f"a mutable image tag: {tag!r}"
    authenticator = values["hub"]["config"]["JupyterHub"].get("authenticator_class")
    assert authenticator and authenticator not in {"dummy", "null", "default"}, authenticator
    text = (DEPLOY / "z2jh" / "config.yaml").read_text()
    chart = re.search(r"jupyterhub/jupyterhub --version (\d+\.\d+\.\d+)", text)
    assert chart, "pin the chart version on the helm command"
    assert f"--version {chart[1]}" in (DEPLOY / "README.md").read_text()
    hub_version = re.search(r"[Cc]hart (?:version )?%s \(JupyterHub (\d+\.\d+\.\d+)\)" % re.escape(chart[1]), text.replace("\n#", ""))
    assert hub_version and f"jupyterhub=={hub_version[1]}" in pins(HUB_REQUIREMENTS)
    assert "authentication" in text and "REPLACE" in text  # says what to put there


def dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    """The .dockerignore patterns in order, as (is an exception, regex of the paths it matches)."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate, pattern = line.startswith("!"), line.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        rules.append((negate, re.compile(regex + "(?:/.*)?")))
    return rules


def sent_to_docker(path: str, rules) -> bool:
    """Whether ``docker build`` sends ``path`` (relative to the context): the last matching rule decides."""
    keep = True
    for negate, regex in rules:
        if regex.fullmatch(path):
            keep = negate
    return keep


def test_dockerignore_sends_what_the_image_copies_and_never_solutions():
    rules = dockerignore_rules()
    for source in copies().values():
        for path in [source] if (ROOT / source).is_file() else [str(p.relative_to(ROOT)) for p in (ROOT / source).rglob("*.py")]:
            assert sent_to_docker(path.removeprefix("./"), rules), path
    for source in copies("graded/kit").values():
        if source.startswith("graded/kit/"):
            assert sent_to_docker(source + ("/course/checks/units/pandas.py" if source.endswith("mlkit") else ""), rules), source
    never = [
        "solutions/14_classification.ipynb", "graded/kit/mlkit/solutions/x.ipynb", "tests/test_deploy.py", ".venv/bin/python",
        ".git/HEAD", "mlkit/__pycache__/cli.cpython-311.pyc", "test-artifacts/x.png", "notebooks/14_classification.ipynb",
        "exercises/14_classification.ipynb", "mlkit_course.egg-info/PKG-INFO", "graded/exercises/14_classification.ipynb",
    ]
    assert [p for p in never if sent_to_docker(p, rules)] == []


@pytest.mark.slow
def test_the_images_package_set_passes_pip_check(tmp_path):
    """Replay the Dockerfile's pip commands in a fresh virtualenv, files placed as its COPY lines place them.

    Takes three to five minutes with pip's cache warm (about 1 GB is installed), up to 25 without;
    nothing is written to the repository.
    """
    opt = tmp_path / "opt-mlkit"
    for dest, source in copies().items():
        target = opt / Path(dest).relative_to("/opt/mlkit")
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (ROOT / source).is_dir() else shutil.copyfile)(ROOT / source, target)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    for command in dockerfile_commands():
        if not command.startswith("pip "):
            continue
        # pip's own cache (outside the repository) may serve the wheels: the image's --no-cache-dir only
        # keeps the cache out of the image, and downloading 1 GB again would not change what is installed
        words = [w for w in command.replace("/opt/mlkit", str(opt)).split()[1:] if w != "--no-cache-dir"]
        argv = [str(venv / "bin" / "pip"), *words]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1500)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    frozen = subprocess.run([str(venv / "bin" / "pip"), "freeze", "--all"], capture_output=True, text=True, check=True).stdout
    installed = {line.lower().replace("_", "-") for line in frozen.splitlines()}
    assert {pin.lower().replace("_", "-") for pin in pins(LOCK) + pins(HUB_REQUIREMENTS)} <= installed
    assert (venv / "bin" / "jupyterhub-singleuser").is_file() and (venv / "bin" / "mlkit").is_file()


def test_deploy_readme_names_the_figure_and_the_benchmark():
    text = (DEPLOY / "README.md").read_text()
    assert "benchmarks/bench_notebook_memory.py" in text
    assert "mlkit workshop link" in text
