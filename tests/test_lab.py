"""`mlkit lab` (what `make lab` runs): JupyterLab on 127.0.0.1 with a token, on the learner's workspace and start page."""

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


def _lab_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server: its own workspace, data folder and Jupyter runtime folder."""
    return {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "MLKIT_WORKSPACE": str(tmp_path / "workspace"),
        "MLKIT_HOME": str(tmp_path / "home"),
        **extra,
    }


def _read_until_url(process, limit: int = 200) -> str:
    printed = ""
    for _ in range(limit):
        line = process.stdout.readline()
        printed += line
        if "token=" in line or not line:
            break
    return printed


@pytest.fixture
def running_lab(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "mlkit", "lab", "--no-browser", "--port", str(port)],
        cwd=ROOT, env=_lab_environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )
    try:
        printed = _read_until_url(process)
        _wait_for_port(port, process)
        yield port, printed, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _get_json(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"null")


@pytest.mark.slow
def test_lab_serves_the_workspace_start_page_only_with_the_token(running_lab):
    port, printed, tmp_path = running_lab
    match = re.search(r"http://127\.0\.0\.1:(\d+)(/lab/tree/00_start_here\.ipynb)\?token=(\w+)", printed)
    assert match, f"no URL with a token was printed: {printed!r}"
    assert int(match.group(1)) == port
    page, token = match.group(2), match.group(3)
    assert len(token) >= 32
    assert _get(port, f"{page}?token={token}") == 200
    assert _get(port, f"/api/contents/00_start_here.ipynb?token={token}") == 200
    assert _get(port, "/api/contents/00_start_here.ipynb") == 403
    assert _get(port, f"/api/contents/00_start_here.ipynb?token={token[:-1]}x") == 403
    assert _get(port, page) in (302, 403)
    # the server's root is the learner's workspace, with their copies; the kit's folders are not served
    status, listing = _get_json(port, f"/api/contents?token={token}")
    names = sorted(item["name"] for item in listing["content"])
    assert status == 200 and names == sorted(p.name for p in (tmp_path / "workspace").iterdir())
    assert "00_start_here.ipynb" in names and "14_classification-lesson.ipynb" in names
    assert "14_classification-exercises.ipynb" in names and "tests" not in names and "notebooks" not in names
    assert _get(port, f"/api/contents/notebooks/00_start_here.ipynb?token={token}") == 404
    assert _get(port, f"/api/contents/../notebooks/00_start_here.ipynb?token={token}") in (400, 403, 404)


@pytest.mark.slow
def test_the_news_pop_up_is_off_through_the_kits_own_settings_folder(running_lab):
    port, printed, tmp_path = running_lab
    token = re.search(r"token=(\w+)", printed).group(1)
    status, setting = _get_json(port, f"/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}")
    assert status == 200
    # overrides become the schema's defaults; the learner's own settings would come on top
    effective = {key: value["default"] for key, value in setting["schema"]["properties"].items()} | setting["settings"]
    assert effective["fetchNews"] == "false" and effective["checkForUpdates"] is False
    overrides = tmp_path / "home" / "lab" / "settings" / "overrides.json"
    assert json.loads(overrides.read_text())["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


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
    env = _lab_environment(tmp_path, PATH=plain_path, MLKIT_LAB_TOKEN=token)
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


def test_the_launch_serves_the_given_folder_with_the_kits_settings(tmp_path):
    launch = plan_launch(tmp_path / "ws", port=8900, token="t" * 32, open_browser=False, settings=tmp_path / "s")
    assert f"--ServerApp.root_dir={tmp_path / 'ws'}" in launch.argv
    assert f"--LabApp.app_settings_dir={tmp_path / 's'}" in launch.argv
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in launch.argv
    assert not any(str(ROOT) in a for a in launch.argv if a.startswith("--ServerApp.root_dir"))


def test_settings_are_written_to_the_kits_folder_and_an_unwritable_one_is_a_clear_error(tmp_path):
    from mlkit.course.lab import settings_dir, write_settings
    from mlkit.errors import InputError

    folder = write_settings(settings_dir(tmp_path / "home"))
    assert folder == tmp_path / "home" / "lab" / "settings"
    assert json.loads((folder / "overrides.json").read_text()) == {
        "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
        "@jupyterlab/filebrowser-extension:browser": {"showLastModifiedColumn": False},
    }
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match=r"cannot write Lab's settings in .*MLKIT_HOME"):
        write_settings(settings_dir(blocker))


def test_lab_makes_the_copies_before_starting_and_never_overwrites_one(tmp_path, monkeypatch, capsys):
    """`mlkit lab` copies what is missing (as `mlkit work` does) and starts the server on the workspace."""
    from mlkit.cli import main

    started = []
    monkeypatch.setattr(subprocess, "call", lambda argv, env: started.append(argv) or 0)
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    workspace = tmp_path / "ws"
    workspace.mkdir()
    mine = workspace / "14_classification-exercises.ipynb"
    mine.write_text('{"my": "work"}', encoding="utf-8")
    assert main(["lab", "--no-browser", "--port", "8901", "--dest", str(workspace)]) == 0
    assert mine.read_text(encoding="utf-8") == '{"my": "work"}'
    names = {p.name for p in workspace.iterdir()}
    assert {"00_start_here.ipynb", "14_classification-lesson.ipynb", "02_linear_algebra-exercises.ipynb"} <= names
    assert not any(name.startswith("14_classification-solutions") for name in names)
    assert f"--ServerApp.root_dir={workspace}" in started[0]
    out = capsys.readouterr().out
    assert "kept     " in out and "14_classification-exercises.ipynb (your copy; it does not say which kit version" in out
    assert f"Your workspace: {workspace}" in out
