"""What runs inside the sandbox: the learner's notebook, then the kit's own checks on its objects.

``python -I -m mlkit.grading.runner SPEC.json`` (started by :mod:`mlkit.grading.batch`):

1. limits itself (memory, file size, processes, no core files) so that every
   process it starts inherits the limits, and makes itself non-dumpable so that
   the learner's kernel cannot read or change its memory through ``/proc``;
2. executes the learner's notebook cell by cell in a fresh kernel with
   nbclient, with a per-cell and a whole-notebook timeout; a cell that raises
   does not stop the run (later exercises are still graded); outputs are not
   kept (a huge output costs nothing);
3. evaluates, in the learner's kernel, only the argument expressions of the
   kit's check calls and serialises their values (cloudpickle) into the
   submission's folder; a name the kernel lacks is reported as missing;
4. shuts the kernel down and kills every process left behind;
5. runs the kit's own checks (imported here, from the installed kit, while the
   notebook was running) on the saved objects, each exercise in a forked child
   process with a time limit, so that an object that crashes or tampers with
   its check affects only that exercise;
6. writes one JSON line with the outcome on the standard output it was
   started with (the kernel gets ``/dev/null`` instead, so it cannot forge it).
"""

from __future__ import annotations

import json
import math
import os
import select
import signal
import sys
import threading
import time
from pathlib import Path

from mlkit.grading import skip_slow_imports

MESSAGE_CAP = 1000
OBJECT_FILE_CAP = 512 * 1024 * 1024
CAPTURE_TIMEOUT = 60
AFTER_TIMEOUT_CAPTURE = 15

CAPTURE_CODE = r'''
def __mlkit_capture(calls, folder):
    import builtins as b
    import json
    import os
    import cloudpickle
    from IPython import get_ipython
    ns = get_ipython().user_ns
    states = {}
    for call in calls:
        name = call["exercise"]
        try:
            args = [b.eval(e, ns) for e in call["args"]]
            kwargs = {k: b.eval(e, ns) for k, e in call["kwargs"].items()}
        except NameError as error:
            states[name] = {"state": "missing", "message": b.str(error)[:500]}
            continue
        except BaseException as error:
            states[name] = {"state": "error", "message": (b.type(error).__name__ + ": " + b.str(error))[:500]}
            continue
        try:
            data = cloudpickle.dumps((args, kwargs))
        except BaseException as error:
            states[name] = {"state": "unreadable", "message": (b.type(error).__name__ + ": " + b.str(error))[:500]}
            continue
        with b.open(os.path.join(folder, name + ".pkl"), "wb") as handle:
            handle.write(data)
        states[name] = {"state": "saved"}
    with b.open(os.path.join(folder, "states.json"), "w") as handle:
        json.dump(states, handle)
__mlkit_capture(%(calls)s, %(folder)r)
del __mlkit_capture
'''


_STARTED = time.monotonic()


def log(message: str) -> None:
    """A line in the grader's log (``OUT/logs/<learner>.log``), with the seconds since the start."""
    print(f"[grader {time.monotonic() - _STARTED:7.2f}s] {message}", file=sys.stderr, flush=True)


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


def _not_dumpable() -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except Exception:
        pass


class _Preloaded:
    """The kit's checks, imported in a thread while the learner's notebook runs."""

    def __init__(self, unit: str):
        self.unit, self.exercises, self.error = unit, None, None
        self.thread = threading.Thread(target=self._load, daemon=True)
        self.thread.start()

    def _load(self) -> None:
        try:
            import cloudpickle  # noqa: F401

            from mlkit.course.checks import exercises

            self.exercises = exercises(self.unit)
            import pandas  # noqa: F401
            import sklearn.base  # noqa: F401
        except BaseException as error:  # reported with the result
            self.error = f"{type(error).__name__}: {error}"

    def get(self):
        self.thread.join()
        return self.exercises


def _client(nb, work: Path, limits: dict):
    from nbclient import NotebookClient

    class Client(NotebookClient):
        """Keeps only the error outputs of cells: nothing else is needed to grade."""

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] != "error" or outs:
                return None
            content = msg["content"]
            out = {"output_type": "error", "ename": str(content.get("ename", ""))[:200], "evalue": "", "traceback": []}
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
    )


def execute(spec: dict) -> dict:
    """Run the notebook and capture the objects of the check calls; returns what happened."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    limits = spec["limits"]
    nb = nbformat.read(spec["notebook"], as_version=4)
    work, objects = Path(spec["work"]), Path(spec["objects"])
    client = _client(nb, work, limits)
    status, detail, errors = "graded", "", []
    capture = nbformat.v4.new_code_cell(CAPTURE_CODE % {"calls": repr(spec["calls"]), "folder": str(objects)})
    kernel_pid, current = None, 0
    try:
        with client.setup_kernel(env=dict(os.environ)):
            kernel_pid = _kernel_pid(client)
            log("kernel started")
            deadline = time.monotonic() + float(limits["timeout"])  # the kernel's start-up is not the learner's time
            code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
            for number, index in enumerate(code_cells, start=1):
                cell, current = nb.cells[index], number
                remaining = deadline - time.monotonic()
                per_cell = float(limits["timeout_cell"])
                client.timeout = max(1, int(math.ceil(min(per_cell, remaining))))
                if remaining <= 0:
                    status, detail = "timed_out", f"the notebook ran longer than {limits['timeout']:g} s; stopped before code cell {number}"
                    break
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    status = "timed_out"
                    if per_cell <= remaining:
                        detail = f"code cell {number} ran longer than {per_cell:g} s, the limit per cell"
                    else:
                        detail = f"the notebook ran longer than {limits['timeout']:g} s (stopped in code cell {number})"
                    break
                if cell.outputs:
                    errors.append([number, cell.outputs[0].get("ename", "")])
            if status == "timed_out":
                run_sync(client.km.interrupt_kernel)()
                client.timeout = AFTER_TIMEOUT_CAPTURE
            else:
                client.timeout = CAPTURE_TIMEOUT
            log("cells done; reading the answers")
            nb.cells.append(capture)
            try:
                client.execute_cell(capture, len(nb.cells) - 1)
            except CellTimeoutError:
                detail += "; the answers could not be read after it (the kernel did not respond)"
    except DeadKernelError:
        status = "crashed"
        detail = (
            f"the kernel died in code cell {current} (the notebook exited the process, crashed Python "
            "or ran out of memory)"
        )
        if capture in nb.cells:
            status, detail = "graded", "the kernel died while the grader read the answers"
    except Exception as error:  # the kernel did not start, or nbclient failed
        status, detail = "crashed", f"the notebook could not be run: {type(error).__name__}: {str(error)[:300]}"
    return {"status": status, "detail": detail, "cell_errors": errors, "kernel_pid": kernel_pid}


def _kernel_pid(client) -> int | None:
    try:
        return int(client.km.provisioner.process.pid)
    except Exception:
        return None


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
        return [p for p in psutil.process_iter() if p.pid not in (1, me)]
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


def check_one(exercise, path: Path, timeout: float, private_fds: list[int]) -> dict:
    """The kit's check of one exercise on the saved objects, in a forked child with a time limit."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the only place where the learner's objects are loaded
        code = 0
        try:
            os.close(read_end)
            for fd in private_fds:
                os.close(fd)
            import cloudpickle

            from mlkit.course.checks.core import describe_exception

            try:
                args, kwargs = cloudpickle.loads(path.read_bytes())
                outcome = exercise.evaluate(*args, **kwargs)
                payload = {"status": outcome.status, "message": outcome.message}
            except BaseException as error:
                payload = {"status": "error", "message": f"the grader could not read your answer ({describe_exception(error)})"}
            data = json.dumps(payload).encode()
            while data:
                data = data[os.write(write_end, data) :]
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    received, deadline = b"", time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([read_end], [], [], left)
            if not ready:
                continue
            block = os.read(read_end, 65536)
            if not block:
                break
            received += block[: 1 << 20]
    except TimeoutError:
        _kill_child(pid)
        return {"status": "error", "message": f"checking your answer took longer than {timeout:g} s"}
    finally:
        os.close(read_end)
    _kill_child(pid)
    try:
        payload = json.loads(received)
        status, message = str(payload["status"]), str(payload.get("message", ""))
    except (ValueError, KeyError, TypeError):
        return {"status": "error", "message": "the check stopped unexpectedly while looking at your answer"}
    if status not in ("passed", "not_attempted", "incorrect", "error"):
        return {"status": "error", "message": "the check stopped unexpectedly while looking at your answer"}
    return {"status": status, "message": message[:MESSAGE_CAP]}


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


def _states(objects: Path) -> dict:
    path = objects / "states.json"
    try:
        if path.stat().st_size > 1 << 20:
            return {}
        found = json.loads(path.read_text(encoding="utf-8"))
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def run_checks(spec: dict, ran: dict, exercises, private_fds: list[int]) -> dict:
    """Each exercise's outcome, from the saved objects (or why there is none)."""
    objects = Path(spec["objects"])
    states = _states(objects)
    stopped = {
        "timed_out": "your notebook ran out of time before this answer could be read",
        "crashed": "your notebook stopped (the kernel died) before this answer could be read",
    }.get(ran["status"], "the grader could not read this answer")
    timeout = max(float(spec["limits"]["timeout_cell"]), 10.0)
    results = {}
    for call in spec["calls"]:
        name = call["exercise"]
        state = states.get(name) if isinstance(states.get(name), dict) else {}
        message = str(state.get("message", ""))[:500]
        path = objects / f"{name}.pkl"
        shown = ", ".join([*call["args"], *(f"{k}={v}" for k, v in call["kwargs"].items())])
        if path.is_file() and path.stat().st_size <= OBJECT_FILE_CAP and exercises is not None:
            results[name] = check_one(exercises[name], path, timeout, private_fds)
        elif state.get("state") == "missing":
            results[name] = {
                "status": "not_attempted",
                "message": f"{message}: after your notebook ran, the check's input ({shown}) was not there. "
                "The cell that defines it may be missing, may have failed, or was not reached.",
            }
        elif state.get("state") == "error":
            results[name] = {"status": "error", "message": f"reading the check's input ({shown}) raised {message}"}
        elif state.get("state") == "unreadable":
            results[name] = {"status": "error", "message": f"the grader could not save your answer ({message})"}
        elif path.is_file():
            results[name] = {"status": "error", "message": "your answer is too large for the grader to read"}
        else:
            results[name] = {"status": "not_attempted", "message": stopped}
    return results


def main(argv: list[str]) -> int:
    skip_slow_imports()
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result_fd = os.dup(1)  # not inherited by the kernel (Python fds are non-inheritable)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(1, "w", closefd=False)
    _limit_self(spec["limits"], int(spec["nproc"]))
    _not_dumpable()
    preloaded = _Preloaded(spec["unit"])
    log("running the notebook")
    ran = execute(spec)
    log(f"notebook done: {ran['status']} {ran['detail']}")
    left = kill_leftovers(spec["own_namespace"], ran.pop("kernel_pid"))
    exercises = preloaded.get()
    log(f"checks loaded; {left} process(es) left behind were killed")
    outcomes = run_checks(spec, ran, exercises, [result_fd])
    log("checks done")
    result = {**ran, "exercises": outcomes, "leftover_processes": left}
    if preloaded.error:
        result["grader_error"] = preloaded.error
    data = (json.dumps(result) + "\n").encode()
    while data:
        data = data[os.write(result_fd, data) :]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
