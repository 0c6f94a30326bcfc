"""The `mlkit` command's own behaviour: version, usage errors."""

import subprocess
import sys

from mlkit import __version__


def _mlkit(*args):
    return subprocess.run([sys.executable, "-m", "mlkit", *args], capture_output=True, text=True)


def test_version():
    result = _mlkit("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mlkit {__version__}"


def test_unknown_command_is_a_short_usage_error():
    result = _mlkit("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_command_prints_usage():
    result = _mlkit()
    assert result.returncode == 2
    assert "usage: mlkit" in result.stderr


def test_bad_option_value_is_a_usage_error():
    result = _mlkit("curriculum", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_output_cut_short_by_a_pipe_is_not_a_traceback():
    result = subprocess.run(
        f"{sys.executable} -m mlkit curriculum --format json | head -n 1", shell=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "["
    assert "Traceback" not in result.stderr
