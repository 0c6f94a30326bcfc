"""Health checks of a learner's set-up, reported by ``mlkit doctor``.

Each check returns a :class:`CheckResult`; nothing here prints. The
dependency check compares what is installed with the lock file, the list of
exact versions the kit is tested with (``requirements/lock.txt``).

Two kinds of install are told apart (:func:`is_development_install`). A
*development* install is a checkout of the kit with its ``tests/`` folder and
``pyproject.toml`` next to the package (``make test`` sets one up): the test tools
(the ``test`` extra: pytest, nbval, Playwright, ...) are checked too. A *learner*
install (a wheel from a handout, ``pip install`` of the kit) has no ``tests/``
folder: the test tools are not needed for learning, so their absence is reported
as such, not as a failure, and only the lock's packages that the kit's runtime
dependencies need are compared. ``mlkit doctor --dev`` checks the test tools anyway.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from mlkit.paths import package_dir, repo_root, user_data_dir

DISTRIBUTION = "mlkit-course"
MIN_PYTHON = (3, 11)
TEST_EXTRA = "test"


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's report."""

    name: str
    ok: bool
    detail: str


def canonical(name: str) -> str:
    """A package name in the normalised form used for comparisons (PEP 503)."""
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def is_development_install(package: Path | None = None) -> bool:
    """True when the kit runs from a checkout with its ``tests/`` folder and ``pyproject.toml``.

    ``package`` is the ``mlkit`` package folder (default: the running one); the
    checkout is its parent folder.
    """
    checkout = Path(package or package_dir()).parent
    return (checkout / "pyproject.toml").is_file() and (checkout / "tests").is_dir()


def default_lock_path() -> Path | None:
    """The lock file of the checkout the kit runs from, if any."""
    root = repo_root()
    path = root / "requirements" / "lock.txt" if root else None
    return path if path and path.is_file() else None


def read_lock(path: Path) -> dict[str, str]:
    """Exact pins of a lock file as ``{canonical name: version}``.

    Lines that are blank, comments or not ``name==version`` are skipped.
    """
    pins: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonical(name.split("[")[0])] = version.split(";")[0].strip()
    return pins


def direct_requirements(extras: tuple[str, ...] = (TEST_EXTRA,)) -> list[str]:
    """Names of the kit's declared dependencies (runtime plus ``extras``)."""
    from packaging.requirements import Requirement

    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for text in declared:
        req = Requirement(text)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras):
            names.append(canonical(req.name))
    return sorted(dict.fromkeys(names))


def test_tools() -> list[str]:
    """Names of the packages only the ``test`` extra declares."""
    return sorted(set(direct_requirements((TEST_EXTRA,))) - set(direct_requirements(())))


def runtime_closure(names: list[str]) -> set[str]:
    """``names`` and every installed package they need, transitively (extras not followed).

    Used on a learner install to know which of the lock's packages matter there.
    """
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            declared = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in declared:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonical(req.name))
    return seen


def installed_version(name: str) -> str | None:
    """The installed version of a distribution, or ``None`` when it is missing."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_python(version: tuple[int, int] = sys.version_info[:2]) -> CheckResult:
    found = ".".join(map(str, version))
    ok = tuple(version) >= MIN_PYTHON
    need = ".".join(map(str, MIN_PYTHON))
    return CheckResult("python", ok, f"Python {found}" + ("" if ok else f"; the kit needs Python {need} or newer"))


def check_dependency(name: str, lock: dict[str, str]) -> CheckResult:
    """Compare one dependency's installed version with its pin in the lock."""
    found = installed_version(name)
    pinned = lock.get(canonical(name))
    if found is None:
        return CheckResult(name, False, "not installed; run `make lab` or `make test` to install the locked versions")
    if pinned is None:
        return CheckResult(name, True, f"{found} (not pinned in the lock)")
    if found != pinned:
        return CheckResult(name, False, f"{found} installed, the lock says {pinned}; run `make lab` to reinstall")
    return CheckResult(name, True, found)


def check_locked_rest(lock: dict[str, str], direct: list[str]) -> CheckResult:
    """One line for every locked package that is not a direct dependency."""
    others = sorted(set(lock) - set(direct) - {canonical(DISTRIBUTION)})
    wrong = []
    for name in others:
        found = installed_version(name)
        if found != lock[name]:
            wrong.append(f"{name} {found or 'missing'} (lock: {lock[name]})")
    if wrong:
        shown = "; ".join(wrong[:5]) + (f"; and {len(wrong) - 5} more" if len(wrong) > 5 else "")
        return CheckResult("other locked packages", False, shown)
    return CheckResult("other locked packages", True, f"all {len(others)} match the lock")


def check_dependencies(names: list[str], lock: dict[str, str] | None) -> list[CheckResult]:
    """A result per dependency, plus one for the rest of the lock when there is one."""
    if lock is None:
        results = [CheckResult("lock file", True, "no lock file (installed without a checkout); versions not compared")]
        results += [check_dependency(name, {}) for name in names]
        return results
    results = [check_dependency(name, lock) for name in names]
    results.append(check_locked_rest(lock, names))
    return results


def check_kernel(timeout: float = 60.0) -> CheckResult:
    """Start a Python kernel, run one line in it and shut it down."""
    try:
        from jupyter_client.manager import start_new_kernel
    except ImportError as error:
        return CheckResult("kernel", False, f"jupyter_client is missing ({error})")
    try:
        # the kernel's own start-up chatter (a transport warning) is not the learner's concern
        manager, client = start_new_kernel(kernel_name="python3", startup_timeout=timeout, stderr=subprocess.DEVNULL)
    except Exception as error:  # any failure to start is what this check reports
        return CheckResult("kernel", False, f"a Python kernel did not start: {error}")
    try:
        reply = client.execute_interactive("40 + 2", timeout=timeout, output_hook=lambda msg: None)
        ok = reply["content"]["status"] == "ok"
        return CheckResult("kernel", ok, "a Python kernel starts and runs code" if ok else "the kernel failed to run code")
    except Exception as error:
        return CheckResult("kernel", False, f"the kernel started but did not answer: {error}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def check_data_folder(folder: Path | None = None) -> CheckResult:
    """The learner's data folder exists (or can be made) and is writable."""
    folder = folder or user_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True) as handle:
            handle.write(b"ok")
    except OSError as error:
        hint = "set MLKIT_HOME to a writable folder" if "MLKIT_HOME" not in os.environ else "MLKIT_HOME points here"
        return CheckResult("data folder", False, f"{folder} is not writable ({error.strerror or error}); {hint}")
    return CheckResult("data folder", True, f"{folder} is writable")


def check_test_tools_not_needed(tools: list[str]) -> CheckResult:
    """The learner install's line about the test tools: never a failure."""
    missing = [name for name in tools if installed_version(name) is None]
    detail = "not needed for learning (learner install; `mlkit doctor --dev` checks them)"
    if missing:
        detail = f"{', '.join(missing)} not installed: " + detail
    return CheckResult("test tools", True, detail)


def run_checks(lock_path: Path | None = None, kernel: bool = True, dev: bool | None = None) -> list[CheckResult]:
    """Every check, in report order.

    ``dev``: check the test tools (a development install); None decides with
    :func:`is_development_install`.
    """
    dev = is_development_install() if dev is None else dev
    lock_path = lock_path or default_lock_path()
    lock = read_lock(lock_path) if lock_path else None
    results = [check_python()]
    if dev:
        results += check_dependencies(direct_requirements(), lock)
    else:
        runtime = direct_requirements(())
        needed = runtime_closure(runtime)
        learner_lock = None if lock is None else {k: v for k, v in lock.items() if k in needed}
        results += check_dependencies(runtime, learner_lock)
        results.append(check_test_tools_not_needed(test_tools()))
    if kernel:
        results.append(check_kernel())
    results.append(check_data_folder())
    return results
