"""``mlkit app``: the Voila command it runs, its port and its errors (the browser test runs it for real)."""

import socket
import sys

import pytest

from mlkit.cli import build_parser, main
from mlkit.commands import app


def test_voila_serves_the_workbook_locally_with_code_hidden():
    argv = app.voila_argv("nb.ipynb", 9001)
    assert argv[:4] == [sys.executable, "-m", "voila", "nb.ipynb"]
    assert "--port=9001" in argv and "--Voila.ip=127.0.0.1" in argv and "--no-browser" in argv
    assert not any("strip_sources" in a or "show_tracebacks" in a for a in argv)  # Voila hides code by default
    assert "--no-browser" not in app.voila_argv("nb.ipynb", 9001, open_browser=True)


def test_jupytext_is_denied_only_when_installed(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if name == "jupytext" else real(name))
    assert "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext" in app.voila_argv("nb.ipynb", 1)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "jupytext" else real(name))
    assert not any("jupytext" in a for a in app.voila_argv("nb.ipynb", 1))


def test_the_command_is_registered_with_its_options():
    args = build_parser().parse_args(["app", "--port", "9002", "--no-browser"])
    assert (args.port, args.no_browser, args.ip, args.func) == (9002, True, "127.0.0.1", app.run)


def test_a_busy_port_is_skipped():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert app.free_port(taken) != taken


def test_a_bad_port_is_refused(capsys):
    assert main(["app", "--port", "70000", "--no-browser"]) == 2
    assert "--port = 70000: expected a port number from 1 to 65535" in capsys.readouterr().err


def test_the_command_runs_voila_on_the_workbook(monkeypatch, capsys):
    import subprocess

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda argv, cwd=None, env=None: calls.append((argv, cwd, env)) or 0)
    assert main(["app", "--port", "9003", "--no-browser"]) == 0
    (argv, cwd, env), = calls
    assert argv[3].endswith("app/decision_workbook.ipynb") and "--port=9003" in argv
    assert "--template=mlkit" in argv and str(cwd / "app") in env["JUPYTER_PATH"].split(":")
    assert (cwd / "app" / "voila" / "templates" / "mlkit" / "index.html.j2").is_file()
    assert "http://127.0.0.1:9003/" in capsys.readouterr().out


def test_kernels_are_preheated_and_culled():
    argv = app.voila_argv("nb.ipynb", 9001, cull_after=45, pool=2)
    assert "--MappingKernelManager.cull_idle_timeout=45" in argv and "--MappingKernelManager.cull_connected=False" in argv
    assert "--preheat_kernel=True" in argv and "--pool_size=2" in argv
    assert not any("preheat" in a for a in app.voila_argv("nb.ipynb", 9001, pool=0))


@pytest.mark.parametrize("option, value, expected", [("--cull-after", "0", "at least 1"), ("--pool", "-1", "from 0 to 8"), ("--pool", "20", "from 0 to 8")])
def test_bad_settings_are_refused(option, value, expected, capsys):
    assert main(["app", option, value, "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert f"{option} = {value}" in err and expected in err


def test_the_app_notebook_holds_only_the_app():
    import nbformat

    from mlkit.paths import repo_root

    nb = nbformat.read(repo_root() / app.NOTEBOOK, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and code[0].rstrip().endswith("DecisionWorkbook()")


def test_existing_jupyter_path_is_kept(tmp_path):
    env = app.voila_env(tmp_path, {"JUPYTER_PATH": "/elsewhere"})
    assert env["JUPYTER_PATH"].split(":") == [str(tmp_path / "app"), "/elsewhere"]


def test_serving_a_room_warns(monkeypatch, capsys):
    import subprocess

    monkeypatch.setattr(subprocess, "call", lambda argv, cwd=None, env=None: 0)
    assert main(["app", "--port", "9004", "--ip", "0.0.0.0", "--no-browser"]) == 0
    assert "trusted network only" in capsys.readouterr().out


@pytest.mark.parametrize("code", ["import mlkit.commands.app"])
def test_registering_the_command_stays_cheap(code):
    import subprocess

    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys; print(sorted(sys.modules))"], capture_output=True, text=True, check=True).stdout
    assert "voila" not in out and "ipywidgets" not in out and "matplotlib" not in out
