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
