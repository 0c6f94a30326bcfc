"""Attacks on the grader that its other tests do not cover: each test builds the hostile input and fails while it works.

- A lone surrogate (``"\\udc80"``, which JSON can carry but UTF-8 cannot) in a check's message or in
  a cell's error name must cost its learner at most their own row, never the run.
- A bare carriage return in a detail or message must add no row, and no formula, to the CSV files.
- A session id that once existed inside the sandbox, and whose number the machine then gives to
  an unrelated process, must not make the grader kill that process.
- A learner whose file is named like another learner's result key must not stop the run.
- What the kernel writes to its standard error must not fill the host's disk (it bypasses --disk).
- A notebook the grader cannot read (run as an ordinary user) is that learner's row, not the end of the run.
- Threads take host pids like processes: they count against --max-processes.

Grading runs use the helpers of ``test_grading_trust.py``; timeouts are short.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mlkit.grading import CRASHED, GRADED, INVALID, sandbox, submissions
from test_grading_trust import HAVE_BWRAP, grade, notebook, outcome

needs_bwrap = pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed or cannot create namespaces here")

# The answer's unpickling raises an error whose text holds a lone surrogate; the check's message
# (and so the result, the feedback page and the CSV files) carries it.
SURROGATE = """
class Odd:
    def __reduce__(self):
        return (exec, ("raise ValueError(chr(0xdc80) + ' odd')",))
answer = Odd()
"""


# No answer code at all: the kernel sends an error message whose exception name is a lone surrogate
# (escaped in the JSON, so it survives decoding); it reaches the row's detail.
SURROGATE_ERROR = """
kernel = get_ipython().kernel
session = kernel.session
parts = session.serialize(session.msg("error", content={"ename": "x", "evalue": "", "traceback": []},
                                      parent=kernel.get_parent("shell")))
i = parts.index(b"<IDS|MSG>")
parts[i + 5] = b'{"ename": "\\\\udc80", "evalue": "", "traceback": []}'
signature = session.sign(parts[i + 2:i + 6])
parts[i + 1] = signature.encode() if isinstance(signature, str) else signature
kernel.iopub_socket.send_multipart(parts)
import time
time.sleep(1)
"""


@needs_bwrap
@pytest.mark.parametrize(
    "cells",
    [[(SURROGATE, ["ex:judgement"])], [('answer = "A"', ["ex:judgement"]), SURROGATE_ERROR]],
    ids=["check-message", "cell-error-name"],
)
def test_a_lone_surrogate_in_a_message_or_detail_spoils_only_its_own_row(tmp_path, cells):
    subs = tmp_path / "subs"
    notebook(subs / "odd.ipynb", *cells)
    notebook(subs / "honest.ipynb", ('answer = "C"', ["ex:judgement"]))
    results = grade(tmp_path, subs)  # today: UnicodeEncodeError out of gradebook.store aborts the run
    assert results["honest"]["status"] == GRADED and outcome(results["honest"])["status"] == "passed"
    assert outcome(results["odd"])["status"] in ("error", "incorrect")
    out = tmp_path / "out"
    for path in [out / "gradebook.csv", out / "grades_long.csv", *out.glob("feedback/*.html"), *out.glob("results/*.json")]:
        path.read_bytes().decode("utf-8")  # every file written is valid UTF-8
    assert {p.stem for p in out.glob("results/*.json")} == {"honest", "odd"}


def _leader_forked_inside(marker: str) -> int | None:
    """The host pid of the sandboxed program's child that made itself a session leader (read from /proc)."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                cmdline = handle.read()
            with open(f"/proc/{pid}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])
            with open(f"/proc/{parent}/cmdline", "rb") as handle:
                parent_cmdline = handle.read()
            if (marker.encode() in cmdline and os.getsid(pid) == pid and b"python" in cmdline.split(b"\0")[0]
                    and b"python" in parent_cmdline.split(b"\0")[0]):
                return pid
        except (OSError, ValueError, IndexError):
            continue
    return None


def _start_with_pid(pid: int) -> subprocess.Popen | None:
    """A host process in a session of its own whose pid (and so session id) is ``pid``, placed via ns_last_pid."""
    for _ in range(200):
        with open("/proc/sys/kernel/ns_last_pid", "w") as handle:
            handle.write(str(pid - 1))
        proc = subprocess.Popen(["sleep", "60"], start_new_session=True)
        if proc.pid == pid:
            return proc
        proc.kill()
        proc.wait()
    return None


@needs_bwrap
@pytest.mark.skipif(os.geteuid() != 0 or not os.access("/proc/sys/kernel/ns_last_pid", os.W_OK),
                    reason="placing a process at a chosen pid needs root (/proc/sys/kernel/ns_last_pid)")
def test_a_session_number_reused_on_the_host_after_the_sandbox_left_it_is_not_killed(tmp_path):
    """With pid_max 32768 a submission can wrap the pid space; here the reuse is placed directly."""
    marker = "review-session-" + os.urandom(4).hex()
    code = (
        f"import os, time  # {marker}\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(1.0)\n"
        "    os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "time.sleep(5)\n"
        "print('{}')\n"
    )
    work = tmp_path / "mlkit-grade-x"
    (work / "scratch").mkdir(parents=True)
    box: dict = {}

    def run() -> None:
        box["done"] = sandbox.run([sys.executable, "-I", "-c", code], work.resolve(), sandbox.Limits(disk_mb=64), "bwrap", [], 60)

    runner = threading.Thread(target=run)
    runner.start()
    leader, deadline = None, time.monotonic() + 20
    while leader is None and time.monotonic() < deadline:
        leader = _leader_forked_inside(marker)
        time.sleep(0.02)
    assert leader is not None, "the sandboxed session leader was not seen"
    while os.path.exists(f"/proc/{leader}"):
        time.sleep(0.02)
    victim = _start_with_pid(leader)  # an unrelated process of the host, given the freed number
    try:
        runner.join(timeout=60)
        assert box["done"].returncode == 0 and json.loads(box["done"].stdout.decode().strip().splitlines()[-1]) == {}
        if victim is None:
            pytest.skip("could not place a process at the freed pid (the machine is too busy)")
        time.sleep(0.3)
        assert victim.poll() is None, "the grader killed a host process that merely reused a sandbox session's number"
    finally:
        if victim is not None:
            victim.kill()
            victim.wait()


def test_a_file_named_like_another_learners_result_key_does_not_stop_the_run(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice@uni.edu.ipynb").write_text("{}")
    (subs / f"{submissions.file_key('alice@uni.edu')}.ipynb").write_text("{}")  # e.g. alice_uni.edu-01b8dabb
    (subs / "bob.ipynb").write_text("{}")
    found = submissions.scan(subs, "x.ipynb").submissions  # today: InputError, nobody is graded
    assert {s.learner for s in found} >= {"alice@uni.edu", "bob"}
    assert len({s.key for s in found}) == len(found), "two learners share result files"
    alice = next(s for s in found if s.learner == "alice@uni.edu")
    assert alice.notebook == subs / "alice@uni.edu.ipynb", alice.problem  # the honest learner keeps her row


# The kernel's standard error is the runner's log, a file in the grader's temporary folder on the
# host's disk, outside the size-limited scratch tmpfs (--disk).
LOG_FLOOD = """
import os, time
block = b"x" * (1 << 20)
for _ in range(64):
    os.write(2, block)
time.sleep(3)
"""


@needs_bwrap
def test_what_the_kernel_writes_to_its_standard_error_does_not_fill_the_hosts_disk(tmp_path):
    import tempfile

    subs = tmp_path / "subs"
    notebook(subs / "flood.ipynb", ('answer = "C"', ["ex:judgement"]), LOG_FLOOD)
    largest, done = [0], threading.Event()

    def watch() -> None:
        while not done.is_set():
            for work in Path(tempfile.gettempdir()).glob("mlkit-grade-flood-*"):  # the submission's folder on the host
                size = 0
                for path in work.rglob("*"):
                    try:
                        size += path.lstat().st_size if path.is_file() else 0
                    except OSError:
                        pass
                largest[0] = max(largest[0], size)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        result = grade(tmp_path, subs, jobs=1)["flood"]
    finally:
        done.set()
        watcher.join()
    assert outcome(result)["status"] == "passed"
    assert largest[0] < 8 * 2**20, f"{largest[0] / 2**20:.0f} MB of the learner's output reached the host's disk"


# Run as an ordinary user (as README suggests: runuser -u grader -- mlkit grade ...): a notebook the
# instructor cannot read (an archive can carry mode 000 and unzip keeps it) must be that learner's row.
UNREADABLE = """
import json, os, sys
from pathlib import Path
from mlkit.grading import assignment, batch, sandbox, submissions
subs = Path(sys.argv[1])
(subs / "locked.ipynb").write_text("{}")
(subs / "locked.ipynb").chmod(0)
found = {s.learner: s for s in submissions.find(subs, "x.ipynb")}
try:
    result, _ = batch.grade_one(found["locked"], assignment.load("classification"), sandbox.Limits(), "bwrap", [])
    print(json.dumps({"status": result["status"], "detail": result["detail"]}))
except Exception as error:
    print(json.dumps({"raised": type(error).__name__ + ": " + str(error)}))
"""


def test_a_notebook_the_grader_cannot_read_is_one_learners_row_not_the_end_of_the_run(tmp_path):
    import shutil
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="mlkit-review-"))
    shared.chmod(0o777)
    try:
        command = [sys.executable, "-c", UNREADABLE, str(shared)]
        if os.geteuid() == 0:  # root reads any file: run as an ordinary user
            if not shutil.which("setpriv"):
                pytest.skip("setpriv is not installed, so the test cannot run as an ordinary user")
            command = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=120)
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    if done.returncode != 0 and "ModuleNotFoundError" in done.stderr:
        pytest.skip(f"the virtual environment ({sys.prefix}) is not readable by user 65534")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert "raised" not in found, f"grade_one raised, which stops every learner's grading: {found['raised']}"
    assert found["status"] == INVALID, found


# A bare carriage return in a cell: the CSV writer (lineterminator "\n") leaves the cell unquoted, and
# spreadsheets and csv.reader start a new row there, whose first cell the formula guard never saw.
CR_ERROR_NAME = 'raise type("\\r=1+2\\r", (Exception,), {})()'  # the row's detail names the error class
CR_SAVE_ERROR = """
class Unsaveable:
    def __reduce__(self):
        raise ValueError("no\\r=1+2\\r")
answer = Unsaveable()
"""  # raised in the learner's own kernel when the answer is saved; the check's message quotes it


@needs_bwrap
def test_a_carriage_return_in_a_detail_or_message_adds_no_row_and_no_formula_to_the_csv_files(tmp_path):
    import csv

    subs = tmp_path / "subs"
    notebook(subs / "detail.ipynb", ('answer = "A"', ["ex:judgement"]), CR_ERROR_NAME)
    notebook(subs / "message.ipynb", (CR_SAVE_ERROR, ["ex:judgement"]))
    results = grade(tmp_path, subs)
    assert "\r" in results["detail"]["detail"] and "\r" in outcome(results["message"])["message"]  # the text got there
    exercises = len(results["detail"]["exercises"])
    for name, expected in (("gradebook.csv", 1 + 2), ("grades_long.csv", 1 + 2 * exercises)):
        with open(tmp_path / "out" / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) == expected, f"{name}: {len(rows)} rows, {expected} expected: {rows[-3:]}"
        assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))], name


# Threads take host pids like processes do (pid_max is often 32768), and root is exempt from
# RLIMIT_NPROC; the watchdog counts processes only. Bounded here to 400 threads.
THREAD_SWARM = """
import threading, time
threading.stack_size(64 * 1024)
for _ in range(400):
    threading.Thread(target=time.sleep, args=(4,), daemon=True).start()
time.sleep(4)
"""


@needs_bwrap
def test_threads_count_against_the_process_limit(tmp_path):
    subs = tmp_path / "subs"
    notebook(subs / "threads.ipynb", ('answer = "C"', ["ex:judgement"]), THREAD_SWARM)
    result = grade(tmp_path, subs, jobs=1)["threads"]
    assert result["status"] == CRASHED and "processes" in result["detail"], (result["status"], result["detail"])


@pytest.mark.parametrize("separator", ["\r\n", "\r", "\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_no_line_or_record_separator_survives_in_a_csv_cell_and_none_hides_a_formula(separator):
    from mlkit.grading import gradebook

    text = gradebook._csv([["learner", f"ok{separator}=1+2", f"{separator}@cmd", "\udc80"]])
    assert text.count("\n") == 1 and not any(ch in text[:-1] for ch in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")
    assert text == f"learner,ok =1+2,' @cmd,\\udc80\n"


def test_learners_whose_keys_still_clash_become_invalid_rows_with_files_of_their_own(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("ann", "bea", "cid"):
        (subs / f"{name}.ipynb").write_text("{}")
    monkeypatch.setattr(submissions, "file_key", lambda learner: "same" if learner in ("ann", "bea") else learner)
    found = {s.learner: s for s in submissions.scan(subs, "x.ipynb").submissions}
    assert found["cid"].notebook == subs / "cid.ipynb" and found["cid"].key == "cid"
    for name in ("ann", "bea"):
        assert found[name].notebook is None and "would share result files" in found[name].problem
    assert found["ann"].key != found["bea"].key and {found["ann"].key, found["bea"].key} != {"same"}


def test_an_id_that_ends_like_a_key_hash_is_hashed_too():
    assert submissions.file_key("bob") == "bob"
    assert submissions.file_key("bob-0123456789abcdef") != "bob-0123456789abcdef"
    assert submissions.file_key("bob-0123456789abcdef").startswith("bob-0123456789abcdef-")
