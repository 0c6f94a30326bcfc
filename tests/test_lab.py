"""`mlkit lab` (what `make lab` runs): JupyterLab on 127.0.0.1 with a token, on the start page."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mlkit.course.lab import plan_launch

ROOT = Path(__file__).resolve().parents[1]


def _wait_for_port(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the server did not start listening in time")


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


@pytest.fixture
def running_lab(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mlkit", "lab", "--no-browser", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    try:
        printed = "".join(process.stdout.readline() for _ in range(3))
        _wait_for_port(port, process)
        yield port, printed
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.slow
def test_lab_serves_the_start_page_only_with_the_token(running_lab):
    port, printed = running_lab
    match = re.search(r"http://127\.0\.0\.1:(\d+)(/lab/tree/notebooks/00_start_here\.ipynb)\?token=(\w+)", printed)
    assert match, f"no URL with a token was printed: {printed!r}"
    assert int(match.group(1)) == port
    page, token = match.group(2), match.group(3)
    assert len(token) >= 32
    assert _get(port, f"{page}?token={token}") == 200
    assert _get(port, f"/api/contents/notebooks/00_start_here.ipynb?token={token}") == 200
    assert _get(port, "/api/contents/notebooks/00_start_here.ipynb") == 403
    assert _get(port, f"/api/contents/notebooks/00_start_here.ipynb?token={token[:-1]}x") == 403
    assert _get(port, page) in (302, 403)


def test_launch_is_bound_to_loopback_with_a_token():
    launch = plan_launch(ROOT, port=8900, token="t" * 32, open_browser=False)
    assert "--ServerApp.ip=127.0.0.1" in launch.argv
    assert f"--IdentityProvider.token={'t' * 32}" in launch.argv
    assert not any("token=''" in a or a.endswith("token=") for a in launch.argv)
    assert urlsplit(launch.url).hostname == "127.0.0.1"


def test_tokens_differ_between_launches(monkeypatch):
    monkeypatch.delenv("MLKIT_LAB_TOKEN", raising=False)
    first = plan_launch(ROOT, port=8900, open_browser=False).token
    second = plan_launch(ROOT, port=8900, open_browser=False).token
    assert first != second and len(first) >= 32


def test_a_short_token_from_the_environment_is_refused(monkeypatch):
    from mlkit.errors import InputError

    monkeypatch.setenv("MLKIT_LAB_TOKEN", "short")
    with pytest.raises(InputError, match="at least 16 characters"):
        plan_launch(ROOT, port=8900)
