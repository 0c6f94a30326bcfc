"""Health checks of a learner's set-up, reported by ``mlkit doctor``.

Each check returns a :class:`CheckResult`; nothing here prints. The
dependency check compares what is installed with the lock file, the list of
exact versions the kit is tested with (``requirements/lock.txt``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from mlkit.paths import repo_root, user_data_dir

DISTRIBUTION = "mlkit-course"
MIN_PYTHON = (3, 11)


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


def direct_requirements(extras: tuple[str, ...] = ("test",)) -> list[str]:
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


def run_checks(lock_path: Path | None = None, kernel: bool = True) -> list[CheckResult]:
    """Every check, in report order."""
    lock_path = lock_path or default_lock_path()
    lock = read_lock(lock_path) if lock_path else None
    results = [check_python()]
    results += check_dependencies(direct_requirements(), lock)
    if kernel:
        results.append(check_kernel())
    results.append(check_data_folder())
    return results
