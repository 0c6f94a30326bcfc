"""A data folder or workspace that cannot be written: one clear message, nothing reported saved.

As root, permissions do not stop a write, so the tests make the folder unusable in ways that
stop root too: a path through a regular file (ENOTDIR), a write that fails with "disk full"
(ENOSPC, injected), and, where bubblewrap is installed, a read-only mount (EROFS).
"""

from __future__ import annotations

import copy
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlkit.errors import storage_message
from mlkit.readiness.session import QuizSession

ROOT = Path(__file__).resolve().parents[1]
MLKIT = [sys.executable, "-m", "mlkit"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full; free some space"),
        (errno.EROFS, "the file system is read-only; choose a folder on a writable disk"),
        (errno.EACCES, "no permission to write there"),
        (errno.ENOTDIR, "part of that path is a file, not a folder"),
    ],
)
def test_storage_message_says_where_what_and_what_to_do(code, words, monkeypatch):
    monkeypatch.delenv("MLKIT_HOME", raising=False)
    message = storage_message(OSError(code, os.strerror(code), "/some/folder/file.json"))
    assert message.startswith("could not write /some/folder/file.json: ")
    assert words in message
    assert "Errno" not in message


def test_storage_message_names_mlkit_home_only_for_paths_inside_it(monkeypatch, tmp_path):
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    inside = storage_message(OSError(errno.ENOSPC, "full", str(tmp_path / "home" / "progress.sqlite3")))
    beside = storage_message(OSError(errno.ENOSPC, "full", str(tmp_path / "home2" / "x.json")))
    assert "MLKIT_HOME=" in inside and "MLKIT_HOME" not in beside


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "/data/readiness/attempts/x.json")


def test_an_answer_that_could_not_be_saved_is_not_recorded(tmp_path, monkeypatch):
    session = QuizSession.start(tmp_path)
    session.record(2)
    saved = (session.position, copy.deepcopy(session.answers.ratings))
    monkeypatch.setattr("mlkit.readiness.session.write_answers", _disk_full)
    with pytest.raises(OSError):
        session.record(1)
    assert (session.position, dict(session.answers.ratings)) == saved
    with pytest.raises(OSError):
        session.back()
    assert session.position == saved[0]


def test_the_quiz_widget_says_an_answer_was_not_saved_and_stays_on_the_step(tmp_path, monkeypatch):
    from mlkit.widgets.readiness import ReadinessQuiz

    app = ReadinessQuiz(folder=tmp_path)
    app.choices.value = 2
    app.next()
    before = app.header.value
    monkeypatch.setattr("mlkit.readiness.session.write_answers", _disk_full)
    app.choices.value = 1
    app.next()
    assert "not saved" in app.message.value and "the disk is full" in app.message.value
    assert app.header.value == before and app.session.position == 1


def test_the_quiz_widget_explains_a_data_folder_it_cannot_use(tmp_path):
    from mlkit.widgets.readiness import ReadinessQuiz

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = ReadinessQuiz(folder=blocker / "readiness")
    app.choices.value = 2
    app.next()
    assert "not saved" in app.message.value and "part of that path is a file" in app.message.value
    assert app.session.position == 0


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def _assert_clear_failure(done: subprocess.CompletedProcess, command: str, words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"mlkit {command}: error: "), done.stderr
    assert words in errors[0], done.stderr


COMMANDS = [
    ("readiness", ["readiness"], "a\n" * 3),
    ("work", ["work", "classification", "--dest", "{home}/workspace"], ""),
    ("decide", ["decide", "--example", "{home}/scenario.json"], ""),
    ("progress", ["progress"], ""),
]


@pytest.mark.slow
@pytest.mark.parametrize(("command", "args", "stdin"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_each_command_explains_a_data_folder_that_is_a_file(command, args, stdin, tmp_path):
    home = tmp_path / "home"
    home.write_text("a file where the data folder should be")
    env = {**os.environ, "MLKIT_HOME": str(home)}
    done = _run(MLKIT + [a.format(home=home) for a in args], env, stdin)
    _assert_clear_failure(done, command, str(home))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap for a read-only mount")
@pytest.mark.parametrize(("command", "args", "stdin"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_each_command_explains_a_read_only_data_folder(command, args, stdin, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    probe = subprocess.run(["bwrap", "--dev-bind", "/", "/", "--ro-bind", str(home), str(home), "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"bubblewrap cannot mount here: {probe.stderr.decode().strip()}")
    env = {**os.environ, "MLKIT_HOME": str(home)}
    wrapped = ["bwrap", "--dev-bind", "/", "/", "--ro-bind", str(home), str(home), "--"]
    done = _run(wrapped + MLKIT + [a.format(home=home) for a in args], env, stdin)
    _assert_clear_failure(done, command, str(home))
    assert list(home.iterdir()) == []


def test_the_quiz_widget_shows_why_it_cannot_open_saved_answers(tmp_path, monkeypatch):
    from mlkit.widgets.readiness import ReadinessQuiz

    def unreadable(folder=None):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "readiness"))

    monkeypatch.setattr("mlkit.readiness.QuizSession.resume", unreadable)
    app = ReadinessQuiz(folder=tmp_path)
    assert "cannot start" in app.message.value and "no permission to write there" in app.message.value
    assert app.quiz_box.children == (app.message,)
