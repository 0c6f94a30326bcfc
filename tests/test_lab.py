"""`mlkit lab` (what `make lab` runs): JupyterLab on 127.0.0.1 with a token, on the start page."""

import asyncio
import http.client
import json
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


def test_the_server_environment_puts_the_kits_commands_first_on_path():
    from mlkit.course.lab import environment_bin, server_environment

    env = server_environment({"PATH": f"/usr/bin{os.pathsep}{environment_bin()}{os.pathsep}/bin"})
    assert env["PATH"].split(os.pathsep) == [str(environment_bin()), "/usr/bin", "/bin"]
    assert (environment_bin() / "mlkit").exists()


def test_terminals_are_interactive_shells_that_do_not_read_the_login_profile():
    launch = plan_launch(ROOT, port=8900, token="t" * 32, open_browser=False)
    setting = next(a for a in launch.argv if a.startswith("--ServerApp.terminado_settings="))
    shell_command = json.loads(setting.partition("=")[2])["shell_command"]
    assert shell_command[1:] == ["-i"]
    assert "-l" not in shell_command and "--login" not in shell_command


async def _run_in_terminal(port: int, token: str, lines: list[str], until: str, timeout: float = 60) -> str:
    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    response = await AsyncHTTPClient().fetch(
        f"http://127.0.0.1:{port}/api/terminals", method="POST", body="{}", headers={"Authorization": f"token {token}"}
    )
    name = json.loads(response.body)["name"]
    socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/terminals/websocket/{name}?token={token}")
    for line in lines:
        socket_.write_message(json.dumps(["stdin", line + "\r"]))
    seen = ""
    deadline = time.monotonic() + timeout
    while until not in seen and time.monotonic() < deadline:
        message = await asyncio.wait_for(socket_.read_message(), timeout=max(0.1, deadline - time.monotonic()))
        if message is None:
            break
        kind, *payload = json.loads(message)
        if kind == "stdout":
            seen += payload[0]
    socket_.close()
    return seen


@pytest.mark.slow
def test_the_kits_commands_work_in_a_lab_terminal(tmp_path):
    """The start page tells learners to type `mlkit work` in File > New > Terminal: it must be found.

    The server is started as `make lab` starts it, from a PATH without the environment's bin
    folder and with its output not a terminal (where Jupyter would start a login shell).
    """
    from mlkit.course.lab import environment_bin

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "k" * 32
    plain_path = os.pathsep.join(p for p in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep) if Path(p) != environment_bin())
    env = {**os.environ, "PATH": plain_path, "MLKIT_LAB_TOKEN": token, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    process = subprocess.Popen(
        [str(environment_bin() / "mlkit"), "lab", "--no-browser", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        _wait_for_port(port, process)
        seen = asyncio.run(_run_in_terminal(port, token, ["mlkit --version", "command -v mlkit", "echo END-OF-$((40 + 2))"], "END-OF-42"))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    from mlkit import __version__

    assert "command not found" not in seen and "not found" not in seen
    assert re.search(rf"mlkit {re.escape(__version__)}\r?\n", seen), seen
    assert str(environment_bin() / "mlkit") in seen, seen
