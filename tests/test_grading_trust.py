"""Results come from the kit's checks only, and each answer is read as it stood at its check cell.

Each submission is a small notebook made here and graded for real in a sandboxed kernel; most
answer exercise ``judgement`` of unit classification (``answer = "C"`` is right). The hostile
ones try to forge a result through the runner's pipes or an answer's ``__reduce__``, to change an
answer after its check cell, or to stop the run; the honest ones around them must keep every
point they earned. Timeouts are short.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mlkit.grading import CRASHED, GRADED, TIMED_OUT, assignment, batch, runner, sandbox, submissions

ROOT = Path(__file__).resolve().parent.parent
HAVE_BWRAP = sandbox.bwrap_works()
MODE = "bwrap" if HAVE_BWRAP else "limits"
LIMITS = sandbox.Limits(timeout_cell=8, timeout=90, memory_mb=1536, max_processes=20)
FORGED = {"status": "passed", "message": "forged"}
CLASSIFICATION = ["split", "first_model", "pipeline", "cv", "confusion", "judgement"]

PIPE_FORGER = """
import json, os, signal
line = json.dumps({"status": "graded", "cell_errors": [], "exercises": {name: %(forged)r for name in %(names)r}})
written = 0
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        continue
    for fd in fds:
        try:
            if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("pipe:"):
                continue
            with open(f"/proc/{pid}/fd/{fd}", "w") as pipe:
                pipe.write("\\n" + line + "\\n" + "0" * 64 + " " + line + "\\n")
            written += 1
        except OSError:
            pass
os.kill(os.getppid(), signal.SIGKILL)
"""

REDUCE_FORGER = """
import os

PAYLOAD = '''
import json, os, signal, sys
forged = {name: %(forged)r for name in %(names)r}
line = json.dumps({"status": "graded", "cell_errors": [], "exercises": forged})
sys.stdout.write(json.dumps(%(forged)r))
sys.stdout.flush()
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        continue
    for fd in fds:
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as out:
                out.write("\\\\n" + line + "\\\\n")
        except OSError:
            pass
for fd in range(3, 64):
    try:
        os.write(fd, (json.dumps(forged) + json.dumps(%(forged)r)).encode())
    except OSError:
        pass
try:
    import resource
    resource.prlimit(os.getppid(), resource.RLIMIT_AS, (10**6, 10**6))
except OSError:
    pass
os.kill(os.getppid(), signal.SIGKILL)
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        if b"mlkit.grading.runner" in open(f"/proc/{pid}/cmdline", "rb").read() and b"-reduce-" in open(f"/proc/{pid}/cmdline", "rb").read():
            os.kill(int(pid), signal.SIGKILL)
    except OSError:
        pass
'''

class Forger:
    def __reduce__(self):
        return (exec, (PAYLOAD,))

X_train = X_test = y_train = y_test = Forger()
answer = "A"
"""

SWALLOWER = """
import time
while True:
    try:
        time.sleep(0.05)
    except:
        pass
"""

READS_LATER = """
import os
path = os.path.join(os.getcwd(), "answer.txt")
with open(path, "w") as handle:
    handle.write("A")
class Later:
    def __reduce__(self):
        return (eval, (f"open({path!r}).read()",))
answer = Later()
"""

SWAPPER = """
import os
def swap(*args):
    folder = os.path.join(os.getcwd(), "..", "answers")
    for i, name in enumerate(sorted(os.listdir(folder))):
        path = os.path.join(folder, name)
        os.unlink(path)
        if %(fifo)s:
            os.mkfifo(path)
        else:
            os.symlink("/dev/zero", path)
get_ipython().events.register("post_run_cell", swap)
answer = "C"
"""

DEEP_MESSAGE = """
kernel = get_ipython().kernel
session = kernel.session
parts = session.serialize(session.msg("stream", content={"name": "stdout", "text": "x"}, parent=kernel.get_parent("shell")))
i = parts.index(b"<IDS|MSG>")
parts[i + 5] = b'{"name": "stdout", "text": ' + b"[" * 100000 + b"]" * 100000 + b"}"
signature = session.sign(parts[i + 2:i + 6])
parts[i + 1] = signature.encode() if isinstance(signature, str) else signature
kernel.iopub_socket.send_multipart(parts)
import time
time.sleep(1)
"""

DEEP_FOLDERS = """
import os
start = os.getcwd()
for _ in range(3000):
    os.mkdir("d")
    os.chdir("d")
os.chdir(start)
"""


# Untagged: every answer is read after the last cell, by one capture cell, in the kit's order
# (split, first_model, pipeline, cv, confusion, judgement).
READ_TOGETHER = """
import os
X_train = X_test = y_train = y_test = [1, 2, 3]
class Answer:
    def __reduce__(self):
        %(action)s
pipeline = Answer()
answer = "C"
"""


def notebook(path: Path, *cells, unit: str = "classification") -> None:
    """A notebook of code cells; a cell is a source, or ``(source, [tags])``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["mlkit"] = {"unit": unit}
    for cell in cells:
        source, tags = cell if isinstance(cell, tuple) else (cell, [])
        made = nbformat.v4.new_code_cell(source)
        if tags:
            made.metadata["tags"] = tags
        nb.cells.append(made)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb))


def grade(tmp: Path, subs: Path, unit: str = "classification", limits=LIMITS, jobs: int = 2) -> dict:
    task = assignment.load(unit)
    hidden = [subs, ROOT / "solutions"]
    summary = batch.grade(submissions.find(subs, "x.ipynb"), task, tmp / "out", limits, jobs=jobs, mode=MODE, hidden=hidden)
    return {r["learner"]: r for r in summary.results}


def outcome(result: dict, exercise: str = "judgement") -> dict:
    return next(e for e in result["exercises"] if e["exercise"] == exercise)


def no_forgery(result: dict) -> bool:
    return all("forged" not in e["message"] for e in result["exercises"])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trust")
    subs = tmp / "subs"
    judged = ('answer = "C"', ["ex:judgement"])
    notebook(subs / "pipe.ipynb", judged, PIPE_FORGER % {"forged": FORGED, "names": CLASSIFICATION})
    notebook(subs / "reduce.ipynb", REDUCE_FORGER % {"forged": FORGED, "names": CLASSIFICATION})
    notebook(subs / "reassigned.ipynb", judged, 'answer = "A"', ('answer = "B"', ["ex:confusion"]))
    notebook(subs / "untagged.ipynb", 'answer = "C"\nex.judgement.check(answer)', 'answer = "A"')
    notebook(subs / "osexit.ipynb", judged, "import os\nos._exit(1)")
    notebook(subs / "segfault.ipynb", judged, "import ctypes\nctypes.string_at(0)")
    notebook(subs / "swallow.ipynb", judged, SWALLOWER, 'answer = "A"')
    notebook(subs / "deep.ipynb", DEEP_FOLDERS, judged)
    notebook(subs / "latefile.ipynb", (READS_LATER, ["ex:judgement"]), 'with open(path, "w") as handle:\n    handle.write("C")')
    notebook(subs / "honest.ipynb", judged)
    notebook(subs / "deepmsg.ipynb", judged, DEEP_MESSAGE, 'answer = "A"')
    notebook(subs / "fifo.ipynb", (SWAPPER % {"fifo": True}, ["ex:judgement"]))
    notebook(subs / "symlink.ipynb", (SWAPPER % {"fifo": False}, ["ex:judgement"]))
    notebook(subs / "diesreading.ipynb", READ_TOGETHER % {"action": "os._exit(1)"})
    notebook(subs / "owninterrupt.ipynb", READ_TOGETHER % {"action": "raise KeyboardInterrupt('mine')"})
    return {"results": grade(tmp, subs), "tmp": tmp}


def test_a_result_line_written_into_the_runners_pipes_is_not_taken(graded):
    result = graded["results"]["pipe"]
    assert result["status"] == CRASHED and "signed result" in result["detail"], result["detail"]
    assert result["total"] == 0 and no_forgery(result)


def test_an_answer_whose_unpickling_forges_every_result_affects_only_its_own_exercise(graded):
    result = graded["results"]["reduce"]
    assert result["status"] == GRADED, result["detail"]
    assert no_forgery(result) and result["total"] == 0
    assert outcome(result, "split")["status"] == "error"
    assert outcome(result)["status"] == "incorrect"  # answer = "A", judged honestly


def test_a_later_cell_cannot_change_an_answer_after_its_check_cell(graded):
    result = graded["results"]["reassigned"]
    assert result["status"] == GRADED and outcome(result)["status"] == "passed"
    assert outcome(result, "confusion")["status"] == "not_attempted"  # "B" is not its answer: missed, recall
    late = graded["results"]["latefile"]  # an answer that reads, when loaded, a file a later cell wrote
    assert late["status"] == GRADED and outcome(late)["status"] == "error" and late["total"] == 0
    untagged = graded["results"]["untagged"]  # no tags: the cell that calls ex.judgement.check(...)
    assert outcome(untagged)["status"] == "passed" and untagged["total"] == 1


@pytest.mark.parametrize("learner", ["osexit", "segfault"])
def test_a_crash_keeps_the_answers_read_before_it(graded, learner):
    result = graded["results"][learner]
    assert result["status"] == CRASHED and "kernel died in code cell 2" in result["detail"]
    assert outcome(result)["status"] == "passed" and result["total"] == 1


def test_an_interrupt_the_code_swallows_stops_the_kernel_and_keeps_what_was_read(graded):
    result = graded["results"]["swallow"]
    assert result["status"] == TIMED_OUT and "code cell 2 ran longer than 8 s" in result["detail"]
    assert "ignored the interrupt" in result["detail"]
    assert outcome(result)["status"] == "passed"


@pytest.mark.parametrize("learner", ["fifo", "symlink"])
def test_an_answer_file_swapped_for_a_fifo_or_a_link_is_refused_without_hanging(graded, learner):
    result = graded["results"][learner]
    assert result["status"] == GRADED and outcome(result)["status"] == "not_attempted"
    assert "could not read this answer" in outcome(result)["message"] and result["seconds"] < 60


def test_answers_read_together_are_kept_up_to_a_kernel_death_while_reading(graded):
    result = graded["results"]["diesreading"]
    assert result["status"] == CRASHED and "died while the grader read the answer of pipeline" in result["detail"]
    assert outcome(result, "split")["status"] == "incorrect"  # read before the death, and judged
    assert "died while the grader read this answer" in outcome(result, "pipeline")["message"]
    assert outcome(result)["status"] == "not_attempted" and "kernel died" in outcome(result)["message"]


def test_a_keyboard_interrupt_raised_by_an_answer_is_that_answers_error_only(graded):
    result = graded["results"]["owninterrupt"]
    assert result["status"] == GRADED, result["detail"]
    pipeline = outcome(result, "pipeline")
    assert pipeline["status"] == "error" and "KeyboardInterrupt: mine" in pipeline["message"]
    assert outcome(result)["status"] == "passed" and outcome(result, "split")["status"] == "incorrect"


def test_a_kernel_message_the_grader_cannot_read_keeps_the_answers_read_before(graded):
    result = graded["results"]["deepmsg"]
    assert result["status"] == CRASHED and "message it could not read, in code cell 2" in result["detail"]
    assert outcome(result)["status"] == "passed"


def test_folders_3000_deep_are_one_learners_row(graded):
    result = graded["results"]["deep"]
    assert result["status"] == GRADED and outcome(result)["status"] == "passed"
    assert graded["results"]["honest"]["total"] == 1


def test_the_kits_unit_13_stub_is_not_credited_with_labels_set_by_a_later_exercise(tmp_path):
    """Exercise 2's set-up reassigns ``labels``; exercise 1's answer is read before it."""
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(ROOT / "exercises" / "16_clustering.ipynb", subs / "stub.ipynb")
    nb = nbformat.read(str(ROOT / "exercises" / "16_clustering.ipynb"), as_version=4)
    for cell in nb.cells:  # tags removed: the check call still places the answer
        cell.metadata.pop("tags", None)
    nbformat.write(nb, str(subs / "untagged.ipynb"))
    shutil.copy(ROOT / "solutions" / "16_clustering.ipynb", subs / "solution.ipynb")
    limits = sandbox.Limits(timeout_cell=60, timeout=300, memory_mb=2048, max_processes=20)
    results = grade(tmp_path, subs, unit="clustering", limits=limits)
    for learner in ("stub", "untagged"):
        assert outcome(results[learner], "kmeans")["status"] != "passed", learner
    solution = results["solution"]
    assert solution["status"] == GRADED and solution["total"] == solution["max_points"], solution["exercises"]


@pytest.mark.skipif(not (HAVE_BWRAP and "disk_mb" in sandbox.Limits.__dataclass_fields__),
                    reason="needs bubblewrap and the sandbox's size-limited scratch (Limits.disk_mb)")
def test_a_notebook_that_fills_its_disk_is_told_so_and_keeps_its_answers(tmp_path):
    subs = tmp_path / "subs"
    fill = "block = b'x' * 2**20\ntry:\n    with open('fill', 'wb') as f:\n        while True:\n            f.write(block)\nexcept OSError:\n    pass"
    notebook(subs / "fill.ipynb", ('answer = "C"', ["ex:judgement"]), fill)
    limits = sandbox.Limits(timeout_cell=30, timeout=90, memory_mb=1536, max_processes=20, disk_mb=64)
    result = grade(tmp_path, subs, limits=limits)["fill"]
    assert "filled its 64 MB of disk" in result["detail"] and outcome(result)["status"] == "passed"


# -- the pieces, without a kernel ----------------------------------------------------------------


def test_only_a_line_signed_with_the_runs_key_is_a_result():
    key, other = os.urandom(32), os.urandom(32)
    body = json.dumps({"status": "graded", "exercises": {}}).encode()
    signed = hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b" " + body
    forged = hmac.new(other, b'{"status": "crashed"}', hashlib.sha256).hexdigest().encode() + b' {"status": "crashed"}'
    assert batch.authenticated(b"garbage" + b"\n" + signed + b"\n" + forged + b"\n", key) == {"status": "graded", "exercises": {}}
    assert batch.authenticated(body + b"\n", key) is None
    assert batch.authenticated(forged + b"\n", key) is None
    assert batch.authenticated(b"\n", key) is None


def test_a_check_childs_output_is_validated():
    ok = runner.validate_outcome(b'{"status": "incorrect", "message": "' + b"m" * 5000 + b'"}')
    assert ok["status"] == "incorrect" and len(ok["message"]) == runner.MESSAGE_CAP
    for bad in (b"", b"[]", b'{"status": "passed"}', b'{"status": "won", "message": ""}',
                b'{"status": "passed", "message": "", "exercise": "split"}', b"[" * 100_000,
                b'{"status": "passed", "message": 3}'):
        assert runner.validate_outcome(bad)["status"] == "error", bad[:40]


def test_answers_are_placed_by_tag_then_by_call_then_by_order():
    def cell(source, *tags):
        return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}}

    cells = [
        cell("a = 1", "ex:one"),
        cell("ex.one.check(a)", "ex:one"),
        {"cell_type": "markdown", "source": "text", "metadata": {}},
        cell("b = 2", "ex:two"),
        cell("c = 3"),
        cell("ex.four.check(c)"),
        cell("[" * 5000 + "ex.five.check(d)"),
    ]
    points = runner.capture_points(cells, ["one", "two", "three", "four", "five"])
    assert points == {"one": 2, "two": 3, "three": 4, "four": 5, "five": None}


def test_removing_a_tree_deeper_than_the_recursion_limit_and_path_max(tmp_path):
    top = tmp_path / "top"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        os.mkdir("top", dir_fd=fd)
        current = os.open("top", os.O_RDONLY, dir_fd=fd)
        for depth in range(3000):
            os.mkdir("d", dir_fd=current)
            with open(os.open("f", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=current), "w") as handle:
                handle.write("x")
            if depth == 1500:
                os.symlink(str(outside), "link", dir_fd=current)
            below = os.open("d", os.O_RDONLY, dir_fd=current)
            os.close(current)
            current = below
        os.close(current)
    finally:
        os.close(fd)
    runner.remove_tree(top)
    assert not top.exists() and (outside / "keep.txt").read_text() == "keep"


def test_a_confined_check_child_can_signal_or_limit_no_other_process():
    import errno
    import resource

    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        found = []
        try:
            os.close(read_end)
            runner._confine()
            for attempt in (lambda: os.kill(parent, 0), lambda: os.kill(-1, 0),
                            lambda: resource.prlimit(parent, resource.RLIMIT_CPU),
                            lambda: os.setpriority(os.PRIO_PROCESS, parent, 19)):
                try:
                    attempt()
                    found.append("allowed")
                except OSError as error:
                    found.append(errno.errorcode.get(error.errno, str(error.errno)))
            resource.prlimit(0, resource.RLIMIT_CPU)  # its own limits stay readable
            found.append("own")
        finally:
            os.write(write_end, json.dumps(found).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        found = json.loads(handle.read() or b"[]")
    os.waitpid(pid, 0)
    assert found == ["EPERM", "EPERM", "EPERM", "EPERM", "own"]


def test_the_runner_preloads_what_the_checks_import_lazily_but_no_framework():
    """A check child is forked per answer: what the runner imported first, no child imports again."""
    script = (
        "import sys\n"
        "from mlkit.course.checks import exercises\n"
        "from mlkit.grading.runner import preload_check_imports\n"
        "loaded = preload_check_imports(exercises('classification'))\n"
        "assert 'sklearn.model_selection' in sys.modules and 'mlkit.datasets.breast_cancer' in sys.modules, loaded\n"
        "preload_check_imports(exercises('deep-learning'))\n"
        "assert not {'jax', 'keras'} & set(sys.modules), 'a framework was imported before a fork'\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_check_imports_reads_the_imports_inside_functions_and_leaves_frameworks_out(tmp_path):
    from mlkit.grading.runner import check_imports

    source = tmp_path / "some_checks.py"
    source.write_text(
        "def a():\n    import sklearn.tree\n    from sklearn.metrics import f1_score\n"
        "def b():\n    import keras\n    from jax import numpy as jnp\n    from . import sibling\n"
    )
    spec = importlib.util.spec_from_file_location("some_checks", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert check_imports(module) == ["sklearn.tree", "sklearn.metrics", "sklearn.metrics.f1_score"]
