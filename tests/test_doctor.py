"""`mlkit doctor`: passes in the set-up environment, names what is wrong otherwise."""

import subprocess
import sys
from pathlib import Path

from mlkit.course import doctor

ROOT = Path(__file__).resolve().parents[1]


def _doctor(*args):
    return subprocess.run([sys.executable, "-m", "mlkit", "doctor", *args], capture_output=True, text=True, cwd=ROOT)


def test_doctor_passes_in_the_set_up_environment():
    result = _doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("OK") and "kernel" in line for line in lines)
    assert any(line.startswith("OK") and "scikit-learn" in line for line in lines)
    assert "FAIL" not in result.stdout


def test_doctor_names_a_dependency_with_the_wrong_version(tmp_path):
    lock = (ROOT / "requirements" / "lock.txt").read_text()
    bad = "\n".join("pandas==0.0.1" if line.startswith("pandas==") else line for line in lock.splitlines())
    (tmp_path / "lock.txt").write_text(bad)
    result = _doctor("--no-kernel", "--lock", str(tmp_path / "lock.txt"))
    assert result.returncode == 1
    failing = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 1
    assert "pandas" in failing[0] and "the lock says 0.0.1" in failing[0]


def test_a_missing_dependency_is_named():
    results = doctor.check_dependencies(["numpy", "surely-not-installed-pkg"], {"numpy": doctor.installed_version("numpy")})
    by_name = {r.name: r for r in results}
    assert by_name["numpy"].ok
    assert not by_name["surely-not-installed-pkg"].ok
    assert "not installed" in by_name["surely-not-installed-pkg"].detail


def test_a_transitive_package_off_the_lock_is_reported():
    result = doctor.check_locked_rest({"numpy": "0.1", "pandas": doctor.installed_version("pandas")}, direct=["pandas"])
    assert not result.ok
    assert "numpy" in result.detail and "lock: 0.1" in result.detail


def test_old_python_fails():
    assert not doctor.check_python((3, 9)).ok
    assert doctor.check_python((3, 11)).ok


def test_unwritable_data_folder_fails(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = doctor.check_data_folder(blocker / "sub")
    assert not result.ok and "not writable" in result.detail


def test_missing_lock_file_is_a_clear_error():
    result = _doctor("--no-kernel", "--lock", "/nonexistent/lock.txt")
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_lock_pins_every_direct_dependency():
    pins = doctor.read_lock(ROOT / "requirements" / "lock.txt")
    missing = [name for name in doctor.direct_requirements() if name not in pins]
    assert missing == []


def test_a_checkout_with_tests_is_a_development_install_and_a_bare_package_is_not(tmp_path):
    assert doctor.is_development_install(ROOT / "mlkit")
    (tmp_path / "site-packages" / "mlkit").mkdir(parents=True)
    assert not doctor.is_development_install(tmp_path / "site-packages" / "mlkit")
    checkout = tmp_path / "checkout"
    (checkout / "mlkit").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("[project]\n")
    assert not doctor.is_development_install(checkout / "mlkit")  # a handout with pyproject but no tests
    (checkout / "tests").mkdir()
    assert doctor.is_development_install(checkout / "mlkit")


def _without_test_tools(monkeypatch):
    tools = set(doctor.test_tools())
    real = doctor.installed_version
    monkeypatch.setattr(doctor, "installed_version", lambda name: None if doctor.canonical(name) in tools else real(name))
    return tools


def test_a_learner_install_needs_no_test_tools(monkeypatch):
    tools = _without_test_tools(monkeypatch)
    assert {"pytest", "nbval", "playwright"} <= tools
    results = doctor.run_checks(lock_path=ROOT / "requirements" / "lock.txt", kernel=False, dev=False)
    assert [r.name for r in results if not r.ok] == []
    line = next(r for r in results if r.name == "test tools")
    assert "not needed for learning" in line.detail and "pytest" in line.detail
    assert not tools & {r.name for r in results}  # no line per test tool
    rest = next(r for r in results if r.name == "other locked packages")
    assert "pluggy" not in rest.detail  # pytest's own dependency is not compared on a learner install


def test_a_development_install_still_checks_the_test_tools(monkeypatch):
    _without_test_tools(monkeypatch)
    results = doctor.run_checks(lock_path=ROOT / "requirements" / "lock.txt", kernel=False, dev=True)
    failing = {r.name for r in results if not r.ok}
    assert {"pytest", "nbval", "playwright"} <= failing


def test_the_runtime_closure_follows_dependencies_but_not_extras():
    needed = doctor.runtime_closure(["pandas"])
    assert {"pandas", "numpy", "python-dateutil"} <= needed
    assert "pytest" not in needed and "hypothesis" not in needed


def test_doctor_run_from_a_package_without_a_checkout_reports_a_learner_install(tmp_path):
    """The package alone (as a wheel installs it): exit 0, the test tools are "not needed for learning"."""
    import shutil

    shutil.copytree(ROOT / "mlkit", tmp_path / "mlkit", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path), "MLKIT_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-m", "mlkit", "doctor", "--no-kernel"], capture_output=True, text=True,
                            cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(line.startswith("OK") and "test tools" in line and "not needed for learning" in line
               for line in result.stdout.splitlines()), result.stdout
    assert not any(line.split()[1:2] == ["pytest"] for line in result.stdout.splitlines())
    dev = subprocess.run([sys.executable, "-m", "mlkit", "doctor", "--no-kernel", "--dev"], capture_output=True,
                         text=True, cwd=tmp_path, env=env)
    assert any(line.split()[:2] == ["OK", "pytest"] for line in dev.stdout.splitlines()), dev.stdout
