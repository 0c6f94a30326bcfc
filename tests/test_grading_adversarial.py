"""Adversarial submissions: each is a small notebook made here, graded in a real sandboxed kernel.

The submissions answer exercise ``judgement`` of unit classification (``answer = "C"`` is right),
so the kit's own check runs on every one; the rest of each notebook misbehaves. Most are graded
together in one run (two at a time) to keep the file quick; timeouts are short.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from mlkit.errors import InputError
from mlkit.grading import CRASHED, GRADED, INVALID, TIMED_OUT, assignment, batch, sandbox, submissions

ROOT = Path(__file__).resolve().parent.parent
HAVE_BWRAP = sandbox.bwrap_works()
LIMITS = sandbox.Limits(timeout_cell=10, timeout=120, memory_mb=1536, max_processes=20)

FORK_BOMB = """
import os, time
for _ in range(300):  # bounded: at most 300 children
    if os.fork() == 0:
        time.sleep(120)
        os._exit(0)
"""

CHEAT = """
import os
from mlkit.course.checks import exercises
import mlkit.course.checks.core as core
ex = exercises("classification")
ex.judgement.check_function = lambda answer: None
core.Exercise.evaluate = lambda self, *a, **k: core.Outcome("passed", "fake", self.id)
def check(*args, **kwargs):
    return "Correct!"
class Everything:
    def __getattr__(self, name):
        return self
    def check(self, *args):
        return "Correct!"
ex = Everything()
forged = b'{"status": "graded", "cell_errors": [], "exercises": {"judgement": {"status": "passed", "message": "forged"}}}\\n'
os.write(1, forged)
os.write(2, forged)
answer = "A"
ex.judgement.check(answer)
"""


def vandal(subs: Path, sentinel: Path) -> str:
    return f"""
import os, shutil, socket
blocked = []
shutil.rmtree({str(subs)!r}, ignore_errors=True)
try:
    os.remove({str(sentinel)!r})
except OSError:
    blocked.append("sentinel")
try:
    open({str(ROOT / 'pyproject.toml')!r}, "a").close()  # appending nothing changes nothing
except OSError:
    blocked.append("repository")
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3).close()
except OSError:
    blocked.append("network")
if "MLKIT_TEST_SECRET_TOKEN" not in os.environ and not os.path.exists(os.path.expanduser("~root/.bashrc")):
    blocked.append("environment")
blocked.append("solutions" if not os.path.exists({str(ROOT / 'solutions' / '14_classification.ipynb')!r}) else "")
answer = "C" if sorted(blocked) == ["environment", "network", "repository", "sentinel", "solutions"] else repr(blocked)
"""


def write_notebook(path: Path, *sources: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["mlkit"] = {"unit": "classification"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb))


def leftovers(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(marker in part for part in proc.info["cmdline"] or []):
                found.append(proc)
        except psutil.Error:
            pass
    return found


def grade_folder(tmp: Path, subs: Path, limits=LIMITS, mode="bwrap" if HAVE_BWRAP else "limits", jobs=2):
    task = assignment.load("classification")
    hidden = [subs, ROOT / "solutions"]
    summary = batch.grade(submissions.find(subs, "x.ipynb"), task, tmp / "out", limits, jobs=jobs, mode=mode, hidden=hidden)
    return {r["learner"]: r for r in summary.results}


def gone(marker: str, within: float = 5.0) -> bool:
    """True once no process of that run is left (killed processes may take a moment to be reaped)."""
    deadline = time.monotonic() + within
    while leftovers(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    return leftovers(marker) == []


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adversarial")
    subs = tmp / "subs"
    instructor = tmp / "instructor"
    instructor.mkdir()
    sentinel = instructor / "marks.txt"
    sentinel.write_text("keep me")
    (subs / "zz-keep").mkdir(parents=True)
    (subs / "zz-keep" / "note.txt").write_text("another learner's file")
    write_notebook(subs / "good.ipynb", 'answer = "C"')
    write_notebook(subs / "loop.ipynb", 'answer = "C"', "while True:\n    pass", 'answer = "A"')
    write_notebook(subs / "memory.ipynb", "hog = []\nwhile True:\n    hog.append(bytearray(100_000_000))", 'del hog\nanswer = "C"')
    write_notebook(subs / "forkbomb.ipynb", 'answer = "C"', FORK_BOMB)
    write_notebook(subs / "sysexit.ipynb", "import sys\nsys.exit(3)", 'answer = "C"')
    write_notebook(subs / "osexit.ipynb", 'answer = "C"', "import os\nos._exit(1)")
    write_notebook(subs / "segfault.ipynb", 'answer = "C"', "import ctypes\nctypes.string_at(0)")
    write_notebook(subs / "vandal.ipynb", vandal(subs, sentinel))
    write_notebook(subs / "output.ipynb", 'print("x" * 10_000_000)', "for i in range(50_000):\n    print(i)", 'answer = "C"')
    write_notebook(subs / "reordered.ipynb", "print(answer)", 'answer = "C"')
    write_notebook(subs / "deleted.ipynb", "x = 1")
    write_notebook(subs / "cheat.ipynb", CHEAT)
    (subs / "malformed.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "answer = \'B\'"')
    own_temp = tmp / "temp"  # a temporary folder of this test's own, shared with no other run
    own_temp.mkdir()
    os.environ["MLKIT_TEST_SECRET_TOKEN"] = "s3cr3t"
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(own_temp)
    saved_env = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(own_temp)
    try:
        started = time.monotonic()
        results = grade_folder(tmp, subs)
        elapsed = time.monotonic() - started
    finally:
        del os.environ["MLKIT_TEST_SECRET_TOKEN"]
        tempfile.tempdir = saved_tempdir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
    return {"results": results, "tmp": tmp, "subs": subs, "sentinel": sentinel, "seconds": elapsed, "temp": own_temp}


def outcome(result: dict, exercise: str = "judgement") -> dict:
    return next(e for e in result["exercises"] if e["exercise"] == exercise)


def test_a_plain_answer_is_graded_by_the_kits_check(graded):
    good = graded["results"]["good"]
    assert good["status"] == GRADED and good["total"] == 1 and outcome(good)["status"] == "passed"
    split = outcome(good, "split")
    assert split["status"] == "not_attempted" and "X_train" in split["message"] and "not defined" in split["message"]


def test_an_infinite_loop_times_out_and_keeps_the_answers_before_it(graded):
    loop = graded["results"]["loop"]
    assert loop["status"] == TIMED_OUT and "code cell 2 ran longer than 10 s" in loop["detail"]
    assert outcome(loop)["status"] == "passed"  # read after the kernel was interrupted; cell 3 never ran


def test_a_memory_bomb_hits_the_limit_and_the_notebook_goes_on(graded):
    memory = graded["results"]["memory"]
    assert memory["status"] == GRADED and "MemoryError" in memory["detail"]
    assert outcome(memory)["status"] == "passed"


def test_a_fork_bomb_is_stopped_and_leaves_no_process_behind(graded):
    bomb = graded["results"]["forkbomb"]
    if bomb["status"] == CRASHED:  # root: RLIMIT_NPROC is not enforced, the watchdog stops it
        assert "more than 20 processes" in bomb["detail"]
    else:  # another user: the process limit makes fork fail inside the notebook
        assert bomb["status"] == GRADED and "BlockingIOError" in bomb["detail"]
    time.sleep(0.5)
    assert leftovers("mlkit-grade-forkbomb-") == []


def test_sys_exit_is_an_error_in_a_cell_not_the_end(graded):
    result = graded["results"]["sysexit"]
    assert result["status"] == GRADED and "SystemExit" in result["detail"] and outcome(result)["status"] == "passed"


@pytest.mark.parametrize("learner", ["osexit", "segfault"])
def test_a_dead_kernel_is_reported_as_crashed(graded, learner):
    result = graded["results"][learner]
    assert result["status"] == CRASHED and "kernel died in code cell 2" in result["detail"]
    assert result["total"] == 0 and "kernel died" in outcome(result)["message"]


@pytest.mark.skipif(not HAVE_BWRAP, reason="needs bubblewrap (CI installs it)")
def test_the_instructors_files_network_and_secrets_are_out_of_reach(graded):
    vandal_result = graded["results"]["vandal"]
    assert outcome(vandal_result)["status"] == "passed", outcome(vandal_result)["message"]
    assert graded["sentinel"].read_text() == "keep me"
    assert (graded["subs"] / "zz-keep" / "note.txt").read_text() == "another learner's file"
    assert (graded["subs"] / "good.ipynb").is_file() and (ROOT / "pyproject.toml").is_file()


def test_huge_output_costs_nothing(graded):
    result = graded["results"]["output"]
    assert result["status"] == GRADED and outcome(result)["status"] == "passed"
    stored = graded["tmp"] / "out" / "results" / "output.json"
    assert stored.stat().st_size < 10_000


def test_reordered_and_deleted_cells(graded):
    reordered, deleted = graded["results"]["reordered"], graded["results"]["deleted"]
    assert reordered["status"] == GRADED and "1 (NameError)" in reordered["detail"] and outcome(reordered)["status"] == "passed"
    assert deleted["status"] == GRADED and deleted["total"] == 0
    assert {e["status"] for e in deleted["exercises"]} == {"not_attempted"}
    assert "answer" in outcome(deleted)["message"]


def test_a_learners_own_check_ex_and_forged_output_change_nothing(graded):
    cheat = graded["results"]["cheat"]
    assert cheat["status"] == GRADED and cheat["total"] == 0
    judged = outcome(cheat)
    assert judged["status"] == "incorrect" and "forged" not in judged["message"] and "fake" not in judged["message"]


def test_malformed_json_is_an_invalid_notebook(graded):
    broken = graded["results"]["malformed"]
    assert broken["status"] == INVALID and "not valid notebook JSON" in broken["detail"]


def test_every_learner_has_a_row_feedback_and_no_temporary_folder(graded):
    out = graded["tmp"] / "out"
    rows = {r["learner"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert set(rows) == set(graded["results"]) and rows["zz-keep"]["status"] == "missing"
    assert rows["osexit"]["status"] == "crashed" and rows["loop"]["status"] == "timed out"
    for learner in rows:
        page = (out / "feedback" / f"{submissions.file_key(learner)}.html").read_text()
        assert learner in page and "'B'" not in page and "Option B" not in page
    assert not [p for learner in rows for p in graded["temp"].glob(f"mlkit-grade-{submissions.file_key(learner)}-*")]
    assert not list(out.rglob("*.tmp"))
    assert json.loads((out / "assignment.json").read_text())["unit"] == "classification"


def test_the_whole_notebook_timeout_and_the_fallback_without_bubblewrap(tmp_path):
    subs = tmp_path / "subs"
    write_notebook(subs / "slow.ipynb", *["import time\ntime.sleep(2)"] * 4, 'answer = "C"')
    write_notebook(subs / "osexit.ipynb", 'answer = "C"', "import os\nos._exit(1)")
    write_notebook(subs / "forkbomb.ipynb", 'answer = "C"', FORK_BOMB)
    limits = sandbox.Limits(timeout_cell=5, timeout=6, memory_mb=1536, max_processes=20)
    mode = "limits"
    if os.geteuid() == 0:  # root without bubblewrap is refused; the timeouts are the same in the sandbox
        with pytest.raises(InputError, match="refusing to run learners' notebooks as root"):
            grade_folder(tmp_path, subs, limits=limits, mode="limits")
        if not HAVE_BWRAP:
            pytest.skip("as root, grading needs bubblewrap")
        mode = "bwrap"
    results = grade_folder(tmp_path, subs, limits=limits, mode=mode)
    slow = results["slow"]
    assert slow["status"] == TIMED_OUT and "the notebook ran longer than 6 s" in slow["detail"]
    assert results["osexit"]["status"] == CRASHED
    assert results["forkbomb"]["status"] in (CRASHED, GRADED)
    assert gone("mlkit-grade-forkbomb-") and gone("mlkit-grade-slow-")


@pytest.mark.slow
def test_the_command_grades_the_kits_own_notebooks_and_resumes(tmp_path, capsys):
    """The solution notebook earns every point, the untouched exercise none; a rerun resumes."""
    import shutil

    from mlkit.cli import main

    subs, out = tmp_path / "subs", tmp_path / "out"
    (subs / "sol").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "14_classification.ipynb", subs / "sol" / "14_classification.ipynb")
    shutil.copy(ROOT / "exercises" / "14_classification.ipynb", subs / "stub.ipynb")
    roster = tmp_path / "roster.txt"
    roster.write_text("sol\nstub\nabsent\n")
    args = ["grade", str(subs), "--assignment", "classification", "--out", str(out), "--jobs", "2",
            "--timeout-cell", "300", "--timeout", "900", "--roster", str(roster)]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "3 learner(s): 2 graded, 1 missing" in captured.out and "3/3" in captured.err
    rows = {r["learner"]: r for r in csv.DictReader((out / "gradebook.csv").open())}
    assert (rows["sol"]["status"], rows["sol"]["total"]) == ("graded", "6")
    assert (rows["stub"]["status"], rows["stub"]["total"], rows["absent"]["status"]) == ("graded", "0", "missing")
    long = [r for r in csv.DictReader((out / "grades_long.csv").open()) if r["learner"] == "stub"]
    assert {r["status"] for r in long} == {"not_attempted"} and len(long) == 6
    page = (out / "feedback" / "sol.html").read_text()
    assert "6 of 6 points" in page and "stratify=y" not in page and "'B'" not in page
    (out / "results" / "stub.json").unlink()  # as if the run had stopped before this learner
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "(2 already graded, not rerun)" in captured.out and "stub: graded, 0/6" in captured.err
