"""What runs inside the sandbox: the learner's notebook, then the kit's own checks on its objects.

``python -I -m mlkit.grading.runner SPEC.json`` (started by :mod:`mlkit.grading.batch`):

1. reads the result key (a secret of the grader) from its standard input, first
   thing, before any learner code exists, and keeps it only in a pipe of its own;
   then limits itself (memory, file size, processes, no core files) so that
   every process it starts inherits the limits, and makes itself non-dumpable
   so that the learner's kernel cannot read its memory or open its files through
   ``/proc``;
2. starts a fresh kernel first, and imports nbclient and the kit's checks (in a
   thread) while the kernel's interpreter starts; then executes the learner's
   notebook cell by cell with nbclient, with a per-cell and a whole-notebook
   timeout; a cell that raises does not stop the run; outputs are not kept (a
   huge output costs nothing); a cell that times out is interrupted, and the
   kernel is stopped when it ignores the interrupt;
3. right after each exercise's check cell (found by its ``ex:<id>`` tag, else by
   its ``ex.<id>.check(...)`` call, else by the order of the exercises), evaluates
   in the learner's kernel only the argument expressions of the kit's check call,
   serialises their values (cloudpickle) into a file in the scratch folder and
   moves the bytes into its own memory at once: later cells cannot change an
   earlier answer, and answers read before a crash or a time-out are kept (the
   answers due at the same point are read by one cell, each into its own file);
4. kills the kernel and every process left behind;
5. checks each answer in a forked child of its own (the judge), one at a time,
   with a time limit, in a new process namespace where it can be made: the
   judge's only output is a small JSON object that is validated here, and every
   process it left is killed before the next. The judge never runs the
   learner's code: its own child (the worker) unpickles the answer and runs the
   learner's functions when the check calls them, and sends back data only
   (:mod:`mlkit.grading.isolation`);
6. writes one JSON line with the outcome, authenticated by an HMAC with the
   grader's key, on the standard output it was started with (the kernel gets
   ``/dev/null`` instead), so nothing written from inside can pass for it, and
   exits at once (``os._exit``: nothing is left to clean up).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import select
import signal
import stat
import sys
import threading
import time
from pathlib import Path

from mlkit.grading import skip_slow_imports
from mlkit.grading.gradebook import clean_text

MESSAGE_CAP = 1000
OBJECT_CAP = 512 * 1024 * 1024
CHILD_OUTPUT_CAP = 64 * 1024
CAPTURE_TIMEOUT = 30
INTERRUPT_GRACE = 5
KEY_BYTES = 32
ERRORS_KEPT = 50  # cells whose error is reported (the result line stays small)
OUTCOMES = ("passed", "not_attempted", "incorrect", "error")

CAPTURE_CODE = r'''
def __mlkit_capture(calls):
    import builtins as b
    import os
    import cloudpickle
    from IPython import get_ipython
    ns = get_ipython().user_ns
    for call, path in calls:
        tag, stop = b"P", False
        try:
            args = [b.eval(e, ns) for e in call["args"]]
            kwargs = {k: b.eval(e, ns) for k, e in call["kwargs"].items()}
            try:
                data = cloudpickle.dumps((args, kwargs))
            except b.BaseException as error:
                tag, stop = b"U", b.isinstance(error, b.KeyboardInterrupt)
                data = (b.type(error).__name__ + ": " + b.str(error))[:500].encode("utf-8", "replace")
        except b.NameError as error:
            tag, data = b"M", b.str(error)[:500].encode("utf-8", "replace")
        except b.BaseException as error:
            tag, stop = b"E", b.isinstance(error, b.KeyboardInterrupt)
            data = (b.type(error).__name__ + ": " + b.str(error))[:500].encode("utf-8", "replace")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"I" + tag if stop else tag)
            handle.write(data)
        if stop:
            break
__mlkit_capture(%(calls)r)
del __mlkit_capture
'''
"""Evaluates the check calls' arguments in the learner's kernel, in order, one answer file each.

Each answer's file is complete before the next expression is evaluated, so what was
read before a crash or an interrupt is kept. An interrupt (``KeyboardInterrupt``) stops
the loop; its record is marked ``I`` before the tag, so that the grader can tell its own
interrupt from one the learner's code raised.
"""


_STARTED = time.monotonic()


def log(message: str) -> None:
    """A line in the grader's log (``OUT/logs/<learner>.log``), with the seconds since the start."""
    print(f"[grader {time.monotonic() - _STARTED:7.2f}s] {message}", file=sys.stderr, flush=True)


# -- the result key ---------------------------------------------------------------------------


class ResultKey:
    """The grader's secret, kept in a pipe of the runner's (not in its heap), to sign the result.

    A forked check child closes both ends before it loads an answer, so code run
    by an answer's ``__reduce__`` finds no copy of the key in its memory.
    """

    def __init__(self, secret: bytearray):
        self.read_end, self.write_end = os.pipe()
        self.size = len(secret)
        os.write(self.write_end, secret)
        secret[:] = bytes(len(secret))

    @property
    def fds(self) -> list[int]:
        return [self.read_end, self.write_end]

    def sign(self, message: bytes) -> str:
        """The hex HMAC-SHA256 of ``message`` (may be called once)."""
        key = bytearray(self.size)
        os.readv(self.read_end, [key])
        return hmac.new(bytes(key), message, hashlib.sha256).hexdigest()


def read_key() -> bytearray:
    """The grader's secret, read from standard input (which is then ``/dev/null``)."""
    secret = bytearray(KEY_BYTES)
    got = _read_into(0, secret)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    if got < KEY_BYTES:
        raise SystemExit("the grader's key did not arrive on standard input")
    return secret


def _read_into(fd: int, buffer: bytearray) -> int:
    view, got = memoryview(buffer), 0
    while got < len(buffer):
        try:
            n = os.readv(fd, [view[got:]])
        except OSError:
            break
        if n == 0:
            break
        got += n
    return got


# -- the runner's own protection ----------------------------------------------------------------


def _limit_self(limits: dict, nproc: int) -> None:
    import resource

    memory = int(limits["memory_mb"]) * 1024 * 1024
    size = int(limits["max_file_mb"]) * 1024 * 1024
    for which, value in (
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_FSIZE, size),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NPROC, nproc),
    ):
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _not_dumpable() -> None:
    try:
        _libc().prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass


class _Preloaded:
    """The kit's checks, imported in a thread while the learner's notebook runs."""

    def __init__(self, unit: str):
        self.unit, self.exercises, self.error, self.imported = unit, None, None, []
        self.thread = threading.Thread(target=self._load, daemon=True)

    def start(self) -> None:
        if self.thread.ident is None:
            self.thread.start()

    def _load(self) -> None:
        try:
            import cloudpickle  # noqa: F401

            from mlkit.course.checks import exercises

            self.exercises = exercises(self.unit)
            import pandas  # noqa: F401
            import sklearn.base  # noqa: F401

            self.imported = preload_check_imports(self.exercises)
        except BaseException as error:  # reported with the result
            self.error = f"{type(error).__name__}: {error}"

    def get(self):
        self.start()
        self.thread.join()
        return self.exercises


NOT_BEFORE_FORK = ("jax", "jaxlib", "keras", "torch", "tensorflow")
"""Frameworks that start threads when imported: a check that needs one imports it in its own child."""


def check_imports(module) -> list[str]:
    """The modules a checks module imports inside its functions (it imports them lazily), in order.

    Read from the module's source, never run. Frameworks in :data:`NOT_BEFORE_FORK` are left out.
    """
    import ast
    import inspect

    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")]
        else:
            continue
        names += [n for n in found if n not in names and n.split(".")[0] not in NOT_BEFORE_FORK]
    return names


def preload_check_imports(exercises) -> list[str]:
    """Import what the unit's checks import lazily, so each forked check child finds it loaded.

    A check child is forked from the runner for every answer; a module the runner has already
    imported costs the child nothing, one it has not costs an import per exercise (about a
    second for ``sklearn.model_selection``). Returns the modules imported; one that fails to
    import is skipped (the check that needs it reports the error itself).
    """
    import importlib
    import sys

    from mlkit.course.checks import kinds, plain

    modules = [kinds, plain, *(sys.modules.get(e.check_function.__module__) for e in exercises)]
    done: list[str] = []
    for module in dict.fromkeys(m for m in modules if m is not None):
        for name in check_imports(module):
            parent = sys.modules.get(name.rpartition(".")[0])
            if name in done or name in sys.modules or (parent is not None and not hasattr(parent, "__path__")):
                continue  # loaded already, or a name taken from a module that is not a package
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - not a module (a name imported from one), or the check reports it
                continue
            done.append(name)
    return done


# -- where each answer is read ----------------------------------------------------------------


def capture_points(cells: list[dict], exercises: list[str]) -> dict[str, int | None]:
    """For each exercise, the code cell (numbered from 1) after which its answer is read; None: at the end.

    The check cell is the learner's code cell tagged ``ex:<id>`` that calls
    ``ex.<id>.check(...)`` (else the last cell with that tag); without tags, the
    cell that makes that call. An exercise with neither is read just before the
    check cell of the next exercise that has one (the order of the kit's
    notebook), else after the last cell. ``cells`` are the notebook's cells.
    """
    from mlkit.grading.assignment import _tags

    code = [c for c in cells if c.get("cell_type") == "code"]
    found: dict[str, int] = {}
    for name in exercises:
        tagged = [n for n, c in enumerate(code, 1) if f"ex:{name}" in _tags(c)]
        calling = [n for n, c in enumerate(code, 1) if name in _checked_in(c)]
        both = [n for n in tagged if n in calling]
        if both:
            found[name] = both[0]
        elif tagged or calling:
            found[name] = tagged[-1] if tagged else calling[0]
    points: dict[str, int | None] = {}
    for i, name in enumerate(exercises):
        if name in found:
            points[name] = found[name]
            continue
        later = [found[n] for n in exercises[i + 1 :] if n in found]
        points[name] = later[0] - 1 if later else None
    return points


def _checked_in(cell: dict) -> set[str]:
    """The exercises whose ``ex.<id>.check(...)`` a code cell calls (unparsable code calls none)."""
    import ast

    from mlkit.grading.assignment import _checked_exercise, _source

    source = _source(cell)
    if ".check" not in source or len(source) > 100_000:
        return set()
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
        return {name for node in ast.walk(tree) if (name := _checked_exercise(node))}
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()


# -- running the notebook ---------------------------------------------------------------------


def _client(nb, work: Path, limits: dict, manager):
    from nbclient import NotebookClient

    class Client(NotebookClient):
        """Keeps only the error outputs of cells: nothing else is needed to grade."""

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] != "error" or outs:
                return None
            content = msg["content"]
            ename = clean_text(str(content.get("ename", ""))[:200])  # JSON may carry a lone surrogate
            out = {"output_type": "error", "ename": ename, "evalue": "", "traceback": []}
            outs.append(out)
            return out

    return Client(
        nb,
        timeout=int(math.ceil(limits["timeout_cell"])),
        kernel_name="python3",
        allow_errors=True,
        startup_timeout=120,
        shutdown_kernel="immediate",
        record_timing=False,
        resources={"metadata": {"path": str(work)}},
        km=manager,
    )


class _Run:
    """What happened while the notebook ran: status, detail, cell errors and the answers read."""

    def __init__(self, calls: list[dict], answers_dir: Path, cap: int):
        self.calls = {c["exercise"]: c for c in calls}
        self.answers_dir, self.cap = answers_dir, cap
        self.status, self.detail, self.errors = "graded", "", []
        self.answers: dict[str, tuple[str, bytes]] = {}  # exercise -> (tag, data)
        self.unread: dict[str, str] = {}  # exercise -> why its answer was not read
        self.kernel_gone = False
        self.kernel_pid: int | None = None
        self.cell = 0  # the code cell running (numbered from 1)
        self.total = 0

    def stop(self, status: str, detail: str) -> None:
        if self.status == "graded":
            self.status, self.detail = status, detail


def launch_kernel(spec: dict):
    """Start the learner's kernel at once, before the runner's own slow imports; returns its manager.

    The kernel's interpreter takes about as long to start as the runner takes to
    import nbformat and nbclient, so the two overlap. Raises whatever the start raises.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    work = Path(spec["scratch"]) / "work"
    work.mkdir(parents=True, exist_ok=True)
    manager = AsyncKernelManager(kernel_name="python3")
    # As nbclient starts a kernel: the IPython history in memory, never in a file.
    run_sync(manager.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"], env=dict(os.environ), cwd=str(work))
    return manager


def execute(spec: dict, manager=None, failed: str = "", imported=None) -> _Run:
    """Run the notebook in the kernel ``manager`` started, reading each exercise's answer right after its check cell.

    ``failed``: why the kernel could not be started (``manager`` is then None).
    ``imported()`` is called once the runner's own imports are done, before waiting for the kernel.
    """
    import nbformat

    limits = spec["limits"]
    nb = nbformat.read(spec["notebook"], as_version=4)
    scratch = Path(spec["scratch"])
    work, answers_dir = scratch / "work", scratch / "answers"
    for folder in (work, answers_dir):
        folder.mkdir(parents=True, exist_ok=True)
    memory = int(limits["memory_mb"]) * 1024 * 1024
    run = _Run(spec["calls"], answers_dir, min(OBJECT_CAP, memory // 8))  # all answers together: twice that
    names = [c["exercise"] for c in spec["calls"]]
    try:
        points = capture_points(nb.cells, names)
    except (AttributeError, TypeError, ValueError):  # odd metadata: every answer is read after the last cell
        points = dict.fromkeys(names)
    if manager is None:
        run.stop("crashed", f"the notebook could not be run: {failed}")
        return run
    client = _client(nb, work, limits, manager)
    if imported is not None:
        imported()
    ready = False
    try:
        run.kernel_pid = _kernel_pid(client)
        with client.setup_kernel(cleanup_kc=True):
            ready = True
            log("kernel started")
            try:
                _run_cells(client, nb, run, points, limits)
            finally:
                _kill_kernel(client)
    except Exception as error:  # the kernel did not start, or sent what nbclient cannot read
        what = f"{type(error).__name__}: {str(error)[:300]}"
        if run.kernel_gone:
            pass
        elif not ready:
            run.stop("crashed", f"the notebook could not be run: {what}")
        else:
            run.stop("crashed", f"the kernel sent the grader a message it could not read, in code cell {run.cell} ({what})")
            _mark_unread(run, points, run.cell, f"the grader stopped reading your kernel in code cell {run.cell}")
    _disk_full(scratch, limits, run)
    return run


def _run_cells(client, nb, run: _Run, points: dict, limits: dict) -> None:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    deadline = time.monotonic() + float(limits["timeout"])  # the kernel's start-up is not the learner's time
    per_cell = float(limits["timeout_cell"])
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    _capture_at(client, run, points, 0)
    for number, index in enumerate(code_cells, start=1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            run.stop("timed_out", f"the notebook ran longer than {limits['timeout']:g} s; stopped before code cell {number}")
            _mark_unread(run, points, number, f"your notebook ran out of time before code cell {number}")
            break
        client.timeout = max(1, int(math.ceil(min(per_cell, remaining))))
        run.cell = number
        try:
            client.execute_cell(nb.cells[index], index)
        except CellTimeoutError:
            if per_cell <= remaining:
                detail = f"code cell {number} ran longer than {per_cell:g} s, the limit per cell"
            else:
                detail = f"the notebook ran longer than {limits['timeout']:g} s (stopped in code cell {number})"
            run.stop("timed_out", detail + _interrupt(client, run))
            _mark_unread(run, points, number, f"your notebook timed out in code cell {number}")
            break
        except DeadKernelError:
            run.kernel_gone = True
            run.stop(
                "crashed",
                f"the kernel died in code cell {number} (the notebook exited the process, crashed Python or ran out of memory)",
            )
            _mark_unread(run, points, number, f"your notebook stopped (the kernel died) in code cell {number}")
            return
        if nb.cells[index].outputs and len(run.errors) < ERRORS_KEPT:
            run.errors.append([number, nb.cells[index].outputs[0].get("ename", "")])
        if not _capture_at(client, run, points, number):
            _mark_unread(run, points, number + 1, "the kernel stopped while the grader read an earlier answer")
            return
    if not run.kernel_gone:
        log("cells done; reading the answers read at the end")
        _capture_at(client, run, points, None)


def _mark_unread(run: _Run, points: dict, number: int, why: str) -> None:
    """Every exercise read at or after code cell ``number`` (located) is marked as never reached."""
    for name, point in points.items():
        if point is not None and point >= number and name not in run.answers:
            run.unread[name] = f"{why}, before this exercise's check cell (code cell {point}) had run"


def _capture_at(client, run: _Run, points: dict, number: int | None) -> bool:
    """Read the answers of the exercises whose point is ``number``; False when the kernel is gone.

    Several answers due at the same point are read by one cell (:func:`_capture_batch`);
    those it could not settle are read one at a time, each with its own time limit.
    """
    names = [n for n, p in points.items() if p == number and n not in run.answers and n not in run.unread]
    if len(names) > 1 and not run.kernel_gone:
        names = _capture_batch(client, run, names)
    for name in names:
        if name in run.answers or name in run.unread or run.kernel_gone:
            continue
        if not _capture(client, run, name):
            return False
    return not run.kernel_gone


def _capture_cell(client, run: _Run, names: list[str]) -> tuple[dict[str, Path], str]:
    """Run one capture cell for ``names``; their answer files, and ``""``, ``"timeout"`` or ``"dead"``."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    paths = {name: run.answers_dir / f"{name}-{os.urandom(8).hex()}" for name in names}
    calls = [({"args": run.calls[n]["args"], "kwargs": run.calls[n]["kwargs"]}, str(paths[n])) for n in names]
    cell = nbformat.v4.new_code_cell(CAPTURE_CODE % {"calls": calls})
    client.nb.cells.append(cell)
    client.timeout = CAPTURE_TIMEOUT
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1)
        return paths, ""
    except CellTimeoutError:
        return paths, "timeout"
    except DeadKernelError:
        run.kernel_gone = True
        return paths, "dead"
    finally:
        client.nb.cells.pop()


def _capture_batch(client, run: _Run, names: list[str]) -> list[str]:
    """Read several answers due at one point with a single cell; returns those left to read one at a time.

    Answers are kept in order up to the first one without a complete record. After a
    time-out the kernel is interrupted and the rest are left to be read one at a time,
    each with the whole :data:`CAPTURE_TIMEOUT` (as if there had been no batch); when the
    kernel dies or ignores the interrupt, the answer being read is the one blamed.
    """
    paths, failure = _capture_cell(client, run, names)
    extra = _interrupt(client, run) if failure == "timeout" else ""
    left = []
    for name in names:
        found = _take(paths[name], min(run.cap, max(0, 2 * run.cap - run.total))) if not left else None
        if isinstance(found, tuple) and found[0] == "I" and failure != "timeout":
            found = (found[1][:1].decode("ascii", "replace"), found[1][1:])  # the learner's own KeyboardInterrupt
        if isinstance(found, tuple) and found[0] != "I":
            run.answers[name] = found
            run.total += len(found[1])
        elif isinstance(found, str) and "kernel wrote nothing" not in found:
            run.unread[name] = found  # a record that is too large or not a plain file: as read alone
        else:
            left.append(name)
    if not run.kernel_gone:
        return left
    name = left[0] if left else names[-1]
    if failure == "timeout":
        if left:
            run.unread[name] = f"reading your answer took longer than {CAPTURE_TIMEOUT} s"
        run.stop("timed_out", f"reading the answer of {name} took longer than {CAPTURE_TIMEOUT} s{extra}")
    else:
        if left:
            run.unread[name] = "the kernel died while the grader read this answer"
        run.stop("crashed", f"the kernel died while the grader read the answer of {name}")
    return []


def _capture(client, run: _Run, name: str) -> bool:
    """Evaluate one check call's arguments in the kernel and move the bytes here at once."""
    paths, failure = _capture_cell(client, run, [name])
    if failure == "timeout":
        run.unread[name] = f"reading your answer took longer than {CAPTURE_TIMEOUT} s"
        extra = _interrupt(client, run)
        run.stop("timed_out", f"reading the answer of {name} took longer than {CAPTURE_TIMEOUT} s{extra}")
        return not run.kernel_gone
    if failure == "dead":
        run.unread[name] = "the kernel died while the grader read this answer"
        run.stop("crashed", f"the kernel died while the grader read the answer of {name}")
        return False
    found = _take(paths[name], min(run.cap, max(0, 2 * run.cap - run.total)))
    if isinstance(found, tuple) and found[0] == "I":
        found = (found[1][:1].decode("ascii", "replace"), found[1][1:])  # the learner's own KeyboardInterrupt
    if isinstance(found, str):
        run.unread[name] = found
    else:
        run.answers[name] = found
        run.total += len(found[1])
    return True


def _take(path: Path, cap: int) -> tuple[str, bytes] | str:
    """The answer file's (tag, data), read and deleted at once; a string says why there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return "the grader could not read this answer (the kernel wrote nothing)"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "the grader could not read this answer (not a plain file)"
        if info.st_size > cap + 1:
            return f"your answer is too large for the grader to read ({info.st_size / 2**20:.0f} MB; at most {cap / 2**20:.0f} MB)"
        chunks, size = [], 0
        while size <= cap:
            block = os.read(fd, min(1 << 24, cap + 2 - size))
            if not block:
                break
            chunks.append(block)
            size += len(block)
        if size > cap + 1:
            return f"your answer is too large for the grader to read (more than {cap / 2**20:.0f} MB)"
        data = b"".join(chunks)
    finally:
        os.close(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
    if not data or data[:1] not in (b"P", b"M", b"E", b"U", b"I") or (data[:1] == b"I" and data[1:2] not in (b"E", b"U")):
        return "the grader could not read this answer"
    return data[:1].decode(), data[1:]


def _interrupt(client, run: _Run) -> str:
    """Interrupt the busy kernel; stop it when it ignores the interrupt. Returns what to add to the detail."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        run_sync(client.km.interrupt_kernel)()
        probe = nbformat.v4.new_code_cell("pass")
        client.nb.cells.append(probe)
        client.timeout = INTERRUPT_GRACE
        try:
            client.execute_cell(probe, len(client.nb.cells) - 1)
            return ""
        finally:
            client.nb.cells.pop()
    except (CellTimeoutError, DeadKernelError, RuntimeError):
        pass
    run.kernel_gone = True
    try:
        run_sync(client.km.shutdown_kernel)(now=True)
    except Exception:
        pass
    return "; the code ignored the interrupt, so the grader stopped the kernel"


def _disk_full(scratch: Path, limits: dict, run: _Run) -> None:
    """Say so when the notebook filled the sandbox's size-limited scratch folder (a file system of its own)."""
    from mlkit.grading import sandbox

    try:
        own = os.stat(scratch).st_dev != os.stat(scratch.parent).st_dev
    except OSError:
        return
    if own and sandbox.scratch_full(scratch):
        detail = f"the notebook filled its {limits.get('disk_mb', 0):g} MB of disk"
        run.detail = f"{run.detail}; {detail}" if run.detail else detail


def _kill_kernel(client) -> None:
    """Kill the kernel's process at once and reap it (nbclient's own stop polls every 0.1 s)."""
    try:
        process = client.km.provisioner.process
        process.kill()
        process.wait(timeout=5)
    except Exception:  # gone already, or not killable: nbclient's clean-up and the leftover sweep follow
        pass


def _kernel_pid(client) -> int | None:
    try:
        return int(client.km.provisioner.process.pid)
    except Exception:
        return None


# -- killing what the notebook left -------------------------------------------------------------


def kill_leftovers(own_namespace: bool, kernel_pid: int | None) -> int:
    """Kill every process the notebook left behind; returns how many were found.

    The search repeats until it finds nothing: a process caught between the
    search and the kill (a fork bomb still forking) is found on the next round.
    """
    import psutil

    total = 0
    for _ in range(10):
        doomed = _left_behind(own_namespace, kernel_pid)
        if not doomed:
            break
        for proc in doomed:
            try:
                proc.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(doomed, timeout=5)
        total += len(doomed)
    return total


def _left_behind(own_namespace: bool, kernel_pid: int | None) -> list:
    """The processes a notebook's run left: in its own namespace, or its kernel's session."""
    import psutil

    me = os.getpid()
    if own_namespace:  # bubblewrap's process namespace: everything but its init and us
        return [p for p in psutil.process_iter() if p.pid not in (1, me) and _alive(p)]
    doomed = psutil.Process(me).children(recursive=True)
    if kernel_pid:
        for proc in psutil.process_iter():
            try:
                if proc.pid != me and proc not in doomed and os.getsid(proc.pid) == kernel_pid:
                    doomed.append(proc)
            except (OSError, psutil.Error):
                pass
    return [p for p in doomed if _alive(p)]


def _alive(proc) -> bool:
    import psutil

    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


# -- removing what the notebook wrote ----------------------------------------------------------


def remove_tree(folder: Path) -> None:
    """Delete a folder a submission may have filled, without recursion and without full paths.

    A notebook can leave folders thousands deep (deeper than Python's recursion
    limit and longer than ``PATH_MAX``): the walk goes down and up one folder at
    a time through file descriptors (``openat``), keeping one open at a time.
    Symbolic links are removed, never followed; what cannot be removed is left.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    names: list[str] = []  # the path from ``folder`` to where ``fd`` is
    skipped: set[tuple[int, str]] = set()  # (folder's inode, name): sub-folders that cannot be removed
    try:
        while True:
            below = _clear_files(fd, skipped)
            if below is not None:
                try:
                    os.chmod(below, stat.S_IRWXU, dir_fd=fd)
                    child = os.open(below, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                except OSError:
                    child = None
                if child is not None:
                    os.close(fd)
                    fd, names = child, [*names, below]
                    continue
                _ignore(os.rmdir, below, fd)  # unreadable and not empty: left, but the walk goes on
                if _has_dir(fd, below):
                    skipped.add((os.fstat(fd).st_ino, below))
                continue
            if not names:
                break
            parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd, name = parent, names.pop()
            if not _ignore(os.rmdir, name, fd):
                skipped.add((os.fstat(fd).st_ino, name))
    finally:
        os.close(fd)
    _ignore(os.rmdir, str(folder), None)


def _clear_files(fd: int, skipped: set[tuple[int, str]]) -> str | None:
    """Remove every non-folder entry of the open folder ``fd``; returns one sub-folder's name, if any."""
    inode, found = os.fstat(fd).st_ino, None
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if found is None and (inode, entry.name) not in skipped:
                    found = entry.name
            else:
                _ignore(os.unlink, entry.name, fd)
    return found


def _has_dir(fd: int, name: str) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _ignore(function, name: str, fd: int | None) -> bool:
    try:
        function(name, dir_fd=fd)
        return True
    except OSError:
        return False



def clear_scratch(scratch: Path, own_namespace: bool) -> None:
    """Empty the sandbox's writable places, keeping the home-like folders of the environment (empty).

    Run before each check child: nothing the notebook, or an earlier answer's
    check, wrote can reach the next check (an answer that reads a file when it
    is unpickled finds none). ``/dev/shm`` is emptied only in the sandbox's own
    namespace (outside it, it is the machine's).
    """
    with os.scandir(scratch) as entries:
        found = [e.name for e in entries]
    for name in found:
        path = scratch / name
        if path.is_dir() and not path.is_symlink():
            remove_tree(path)
        else:
            try:
                path.unlink()
            except OSError:
                pass
    for value in os.environ.values():
        folder = Path(value)
        if folder.is_absolute() and folder != scratch and scratch in folder.parents:
            folder.mkdir(parents=True, exist_ok=True)
    if own_namespace and os.path.isdir("/dev/shm"):
        with os.scandir("/dev/shm") as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    remove_tree(Path(entry.path))
                else:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass


# -- checking each answer in a child of its own ---------------------------------------------------


# Per machine: (seccomp audit architecture, calls whose first argument names a process,
# calls refused whatever their arguments: they name a process in a later argument).
_OTHERS_SYSCALLS = {
    "x86_64": (0xC000003E,
               {"kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
                "pidfd_send_signal": 424, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
                "prlimit64": 302, "sched_setaffinity": 203, "sched_setscheduler": 144, "sched_setparam": 142,
                "sched_setattr": 314},
               {"setpriority": 141, "ioprio_set": 251}),
    "aarch64": (0xC00000B7,
                {"kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240,
                 "pidfd_send_signal": 424, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
                 "prlimit64": 261, "sched_setaffinity": 122, "sched_setscheduler": 119, "sched_setparam": 118,
                 "sched_setattr": 274},
                {"setpriority": 140, "ioprio_set": 30}),
}


def own_process_filter(pid: int, machine: str | None = None) -> bytes | None:
    """A seccomp filter (raw BPF) under which a process can signal or change no process but ``pid`` (itself).

    The calls of :data:`_OTHERS_SYSCALLS` that name a process first fail with
    ``EPERM`` unless that argument is ``pid`` or 0 (``prlimit64(0, ...)`` is the
    process's own limits); ``setpriority`` and ``ioprio_set`` always fail; every
    other call is allowed, and another architecture's calls are refused.
    ``None`` for a machine without a table.
    """
    import platform
    import struct

    known = _OTHERS_SYSCALLS.get(machine or platform.machine())
    if known is None:
        return None
    arch, by_first, always = known
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    refused, checked = sorted(always.values()), sorted(by_first.values())
    # 0 load arch; 1 arch ok?; 2 load nr; 3 x32 -> deny; refused -> deny; checked -> "check";
    # allow; check: load arg0; == pid -> allow; == 0 -> allow; deny.
    first = 4
    check_at = first + len(refused) + len(checked) + 1
    deny_at = check_at + 4
    program = [(ld_abs, 0, 0, 4), (jeq, 0, deny_at - 2, arch), (ld_abs, 0, 0, 0), (jge, deny_at - 4, 0, 0x40000000)]
    for number in refused:
        program.append((jeq, deny_at - len(program) - 1, 0, number))
    for number in checked:
        program.append((jeq, check_at - len(program) - 1, 0, number))
    program.append((ret, 0, 0, allow))
    program += [(ld_abs, 0, 0, 16), (jeq, 1, 0, pid), (jeq, 0, 1, 0), (ret, 0, 0, allow), (ret, 0, 0, deny)]
    return b"".join(struct.pack("=HBBI", *op) for op in program)


def _confine() -> None:
    """In a check child: reach no other process (see :func:`own_process_filter`), and fork only a little.

    A new process namespace is made too where the system allows one (the
    grader outside bubblewrap); inside the sandbox, where nested namespaces are
    refused, the filter alone keeps the child from signalling the runner.
    """
    import ctypes

    os.setsid()  # its own process group: kill(0, ...) from inside reaches no one else
    libc = _libc()
    _limit_forks()
    program = own_process_filter(os.getpid())
    if program is not None:

        class Filter(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

        prog = Filter(len(program) // 8, program)
        libc.prctl(38, 1, 0, 0, 0)  # PR_SET_NO_NEW_PRIVS
        if libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
            raise OSError(ctypes.get_errno(), "the check's seccomp filter was refused")
    for flags in (0x10000000 | 0x20000000, 0x20000000):  # CLONE_NEWUSER | CLONE_NEWPID, CLONE_NEWPID
        if libc.unshare(flags) == 0:
            break
    else:
        return
    pid = os.fork()
    if pid == 0:
        return
    _, status = os.waitpid(pid, 0)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _limit_forks() -> None:
    """At most a few more processes of this user than now, so a fork bomb fails in the child, not the sandbox."""
    import resource

    try:
        import psutil

        running = sum(p.num_threads() for p in psutil.process_iter() if p.uids().real == os.getuid())
        resource.setrlimit(resource.RLIMIT_NPROC, (running + 16, running + 16))
    except Exception:
        pass


def _child(exercise, tag: str, data: bytes, write_end: int) -> None:
    """Check one answer, writing one JSON object to ``write_end``. Runs in the check child (the judge) only.

    The judge never loads the answer's bytes itself: a worker process of its own does, and runs
    the learner's code whenever the check asks for it (see :mod:`mlkit.grading.isolation`); the
    judge sees data and handles only, so nothing the learner wrote runs where the verdict is made.
    """
    _confine()
    from mlkit.course.checks.core import describe_exception
    from mlkit.course.checks.plain import Refused
    from mlkit.grading import isolation

    link = None
    try:
        if tag != "P":
            raise ValueError("no answer")
        judge_end, worker_end = isolation.pair()
        worker = os.fork()
        if worker == 0:  # the worker: the only place where the learner's objects exist
            try:  # it inherits the judge's confinement: it can signal no process but the judge
                os.close(write_end)
                judge_end.close()
                isolation.serve(worker_end, data)
            finally:
                os._exit(0)
        worker_end.close()
        del data
        link = isolation.Link(judge_end)
        try:
            args, kwargs = link.answer()
        except Refused as refused:
            text = str(refused)
            payload = {"status": "incorrect", "message": text[:1].upper() + text[1:]}
        else:
            outcome = exercise.evaluate(*args, **kwargs)
            payload = {"status": outcome.status, "message": outcome.message}
    except BaseException as error:
        payload = {"status": "error", "message": f"the grader could not read your answer ({describe_exception(error)})"}
    if link is not None:  # the worker exits when its end closes; the runner kills whatever is left
        link.sock.close()
    out = json.dumps(payload).encode()
    while out:
        out = out[os.write(write_end, out) :]


def check_one(exercise, answer: tuple[str, bytes], timeout: float, private_fds: list[int]) -> dict:
    """The kit's check of one exercise on its answer's bytes, in a forked child with a time limit.

    The child's only output is a JSON object ``{"status", "message"}``; anything
    else (nothing, too much, another status, a crash) is an error of this
    exercise. The exercise it belongs to is the caller's, never the child's word.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the only place where the learner's objects are loaded
        code = 0
        try:
            os.close(read_end)
            for fd in private_fds:
                os.close(fd)
            _child(exercise, answer[0], answer[1], write_end)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    received, deadline = b"", time.monotonic() + timeout
    try:
        while len(received) <= CHILD_OUTPUT_CAP:
            left = deadline - time.monotonic()
            if left <= 0:
                _kill_child(pid)
                return {"status": "error", "message": f"checking your answer took longer than {timeout:g} s"}
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            block = os.read(read_end, 65536)
            if not block:
                break
            received += block
    finally:
        os.close(read_end)
    _kill_child(pid)
    return validate_outcome(received)


def validate_outcome(received: bytes) -> dict:
    """A check child's output as ``{"status", "message"}``, or an error outcome when it is anything else."""
    broken = {"status": "error", "message": "the check stopped unexpectedly while looking at your answer"}
    if len(received) > CHILD_OUTPUT_CAP:
        return broken
    try:
        payload = json.loads(received)
    except (ValueError, RecursionError, MemoryError):
        return broken
    if not isinstance(payload, dict) or set(payload) != {"status", "message"}:
        return broken
    status, message = payload["status"], payload["message"]
    if status not in OUTCOMES or not isinstance(message, str):
        return broken
    return {"status": status, "message": clean_text(message[:MESSAGE_CAP])}


def _kill_child(pid: int) -> None:
    try:
        import psutil

        for proc in psutil.Process(pid).children(recursive=True):
            proc.kill()
    except Exception:
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def run_checks(spec: dict, run: _Run, exercises, private_fds: list[int]) -> dict:
    """Each exercise's outcome, from the answers read (or why there is none)."""
    stopped = {
        "timed_out": "your notebook ran out of time before this answer could be read",
        "crashed": "your notebook stopped (the kernel died) before this answer could be read",
    }.get(run.status, "the grader could not read this answer")
    timeout = max(float(spec["limits"]["timeout_cell"]), 10.0)
    results = {}
    for call in spec["calls"]:
        name = call["exercise"]
        shown = ", ".join([*call["args"], *(f"{k}={v}" for k, v in call["kwargs"].items())])
        tag, data = run.answers.get(name, ("", b""))
        message = data[:500].decode("utf-8", "replace")
        if tag == "P" and exercises is not None:
            started = time.monotonic()
            clear_scratch(Path(spec["scratch"]), spec["own_namespace"])
            results[name] = check_one(exercises[name], (tag, data), timeout, private_fds)
            kill_leftovers(spec["own_namespace"], None)
            log(f"checked {name}: {results[name]['status']} in {time.monotonic() - started:.2f} s")
        elif tag == "M":
            results[name] = {
                "status": "not_attempted",
                "message": f"{message}: when the grader read this answer (right after this exercise's check cell, or "
                f"after the last cell when there is none), the check's input ({shown}) was not there. The cell that "
                "defines it may be missing, may have failed, or comes later.",
            }
        elif tag == "E":
            results[name] = {"status": "error", "message": f"reading the check's input ({shown}) raised {message}"}
        elif tag == "U":
            results[name] = {"status": "error", "message": f"the grader could not save your answer ({message})"}
        elif name in run.unread:
            status = "error" if "too large" in run.unread[name] else "not_attempted"
            results[name] = {"status": status, "message": run.unread[name]}
        else:
            results[name] = {"status": "not_attempted", "message": stopped}
    return results


def main(argv: list[str]) -> int:
    _not_dumpable()  # first: nothing of this process is readable through /proc from now on
    key = ResultKey(read_key())
    skip_slow_imports()
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result_fd = os.dup(1)  # not inherited by the kernel (Python fds are non-inheritable)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(1, "w", closefd=False)
    _limit_self(spec["limits"], int(spec["nproc"]))
    log("starting the kernel")
    try:
        manager, failed = launch_kernel(spec), ""
    except Exception as error:  # reported as the notebook's crash
        manager, failed = None, f"{type(error).__name__}: {str(error)[:300]}"
    preloaded = _Preloaded(spec["unit"])
    log("running the notebook")
    run = execute(spec, manager, failed, preloaded.start)
    log(f"notebook done: {run.status} {run.detail}")
    left = kill_leftovers(spec["own_namespace"], run.kernel_pid)
    exercises = preloaded.get()
    log(f"checks loaded; {left} process(es) left behind were killed")
    outcomes = run_checks(spec, run, exercises, [result_fd, *key.fds])
    log("checks done")
    result = {
        "status": run.status,
        "detail": run.detail,
        "cell_errors": run.errors,
        "exercises": outcomes,
        "leftover_processes": left,
    }
    if preloaded.error:
        result["grader_error"] = preloaded.error
    body = json.dumps(result)
    # The leading newline ends any partial line written into the pipe from inside.
    data = f"\n{key.sign(body.encode())} {body}\n".encode()
    while data:
        data = data[os.write(result_fd, data) :]
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stderr.flush()
    os._exit(code)  # the result is written: skip the interpreter's clean-up (half a second with scikit-learn loaded)
