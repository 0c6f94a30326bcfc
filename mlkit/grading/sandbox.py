"""Running untrusted code: limits, a scrubbed environment, bubblewrap, and killing everything after.

What protects the instructor's machine while a submission runs:

- **bubblewrap** (``bwrap``), when it is installed and works: no network, its own
  process, IPC and host-name namespaces, the system visible read-only, a fresh
  ``/tmp``, ``/root`` and ``/home`` hidden (except what the kit needs to run),
  the submissions folder, the output folder and the kit's ``solutions/`` hidden,
  and one writable folder, the submission's temporary folder. When the sandbox
  ends, the kernel of its process namespace ends every process in it.
- **resource limits** set by the runner on itself, so every process it starts
  inherits them: address space (``RLIMIT_AS``, the memory limit), file size
  (``RLIMIT_FSIZE``), no core files, and a process limit (``RLIMIT_NPROC``,
  counted as "this many more than the user already runs"). The kernel does not
  enforce ``RLIMIT_NPROC`` for root, so a watchdog here also counts the
  sandbox's processes and kills the whole sandbox when there are too many.
- **timeouts**: the runner stops a cell at the per-cell limit and the notebook
  at the whole-notebook limit; a wall-clock limit here kills the sandbox if the
  runner itself does not finish.
- **a scrubbed environment**: only an allow-list of variables passes (no
  tokens, keys or credentials of the instructor's shell).

Without bubblewrap only the limits, timeouts and environment apply: that is not
a security boundary (the code can read and write whatever the instructor can),
and the command says so.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from mlkit.errors import InputError

PASSED_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")
WATCH_INTERVAL = 0.1
STDOUT_CAP = 4 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits of one submission's run. Times in seconds, sizes in MB."""

    timeout_cell: float = 120
    timeout: float = 600
    memory_mb: int = 2048
    max_processes: int = 64
    max_file_mb: int = 256
    max_output_kb: int = 1024

    def __post_init__(self):
        for name in ("timeout_cell", "timeout", "memory_mb", "max_processes", "max_file_mb", "max_output_kb"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                flag = {"timeout_cell": "--timeout-cell", "timeout": "--timeout", "memory_mb": "--memory"}.get(name, name)
                raise InputError(f"{flag} must be a positive number, got {value!r}")
        if self.memory_mb < 512:
            raise InputError(f"--memory must be at least 512 MB (a kernel with scikit-learn needs about 700 MB of address space), got {self.memory_mb}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Finished:
    """How a sandboxed process ended: exit code, its result line, and why it was killed (if it was)."""

    returncode: int | None
    stdout: bytes
    killed: str = ""  # "" | "timeout" | "processes" | "stopped"
    seconds: float = 0.0


@lru_cache(maxsize=1)
def bwrap_works() -> bool:
    """True when bubblewrap is installed and can create the namespaces the sandbox uses."""
    path = shutil.which("bwrap")
    if not path:
        return False
    try:
        done = subprocess.run(
            [path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def resolve_mode(mode: str) -> str:
    """``"bwrap"`` or ``"limits"`` for a requested mode (``auto``, ``bwrap``, ``none``)."""
    if mode == "none":
        return "limits"
    if mode == "bwrap":
        if not bwrap_works():
            raise InputError("--sandbox bwrap: bubblewrap is not installed or cannot create namespaces here (apt-get install bubblewrap)")
        return "bwrap"
    if mode == "auto":
        return "bwrap" if bwrap_works() else "limits"
    raise InputError(f"--sandbox must be auto, bwrap or none, got {mode!r}")


def scrubbed_env(workdir: Path) -> dict[str, str]:
    """The whole environment of a submission's run: an allow-list, with every home-like folder in ``workdir``."""
    from mlkit.course.notebook_store import deterministic_env

    env = {k: os.environ[k] for k in PASSED_VARIABLES if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    bindir = str(Path(sys.executable).parent)
    home = workdir / "home"
    env.update(
        {
            "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "TMPDIR": str(workdir / "tmp"),
            "MLKIT_HOME": str(home / "mlkit"),
            "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
            "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"),
            "MPLBACKEND": "Agg",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MLKIT_HIDE_SOLUTIONS": "1",
            **deterministic_env(),
        }
    )
    for key in ("HOME", "TMPDIR", "MLKIT_HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def needed_paths() -> list[Path]:
    """Folders the sandbox must show read-only: Python, the venv, the kit's code and its dependencies."""
    import sysconfig

    from mlkit.paths import package_dir

    found = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent, package_dir().parent}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        found.add(Path(sysconfig.get_paths()[key]))
    return sorted({p.resolve() for p in found if p.exists()})


def bwrap_command(argv: list[str], workdir: Path, hidden: list[Path]) -> list[str]:
    """``argv`` wrapped in bubblewrap: read-only system, no network, one writable folder."""
    cmd = [
        shutil.which("bwrap") or "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
    ]
    needed = needed_paths()
    # Private folders and /tmp become empty; then what the kernel needs is shown again,
    # read-only (the kit or its venv may live in a home folder or, in a fresh clone, under /tmp).
    for private in (Path("/root"), Path("/home"), Path("/tmp")):
        if private.is_dir():
            cmd += ["--tmpfs", str(private)]
    for path in needed:
        if any(_is_within(path, p) for p in (Path("/root"), Path("/home"), Path("/tmp"))):
            cmd += ["--ro-bind", str(path), str(path)]
    # Then the instructor's folders (submissions, results, solutions) are hidden on top of that.
    for path in hidden:
        path = path.resolve()
        if path.is_dir() and not any(_is_within(n, path) for n in needed) and not _is_within(workdir, path):
            cmd += ["--tmpfs", str(path)]
    cmd += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir), "--"]
    return cmd + argv


def process_budget(extra: int) -> int:
    """``RLIMIT_NPROC`` for the sandbox: the user's current processes plus ``extra``.

    The limit counts every process of the user, not only the sandbox's, so a
    fixed number would fail on a busy desktop. Root is exempt from it anyway;
    the watchdog covers that case.
    """
    try:
        import psutil

        uid = os.getuid()
        mine = sum(1 for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid)
    except Exception:
        mine = 0
    return mine + extra


def _tree(pid: int):
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def kill_tree(pid: int) -> None:
    """Kill a process, its process group and every descendant (collected first, then killed)."""
    import psutil

    procs = _tree(pid)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass


def _sessions(procs) -> set[int]:
    """The session ids of ``procs`` other than the grader's own."""
    own = os.getsid(0)
    found = set()
    for proc in procs:
        try:
            found.add(os.getsid(proc.pid))
        except OSError:
            pass
    return found - {own}


def kill_sessions(sessions: set[int]) -> None:
    """Kill every process in these sessions, orphans included.

    A kernel runs in a session of its own; what it forks stays in that session
    even after the kernel dies and init adopts it, where no tree walk finds it.
    """
    import psutil

    if not sessions:
        return
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) in sessions:
                proc.kill()
        except (OSError, psutil.Error):
            pass


def _exited(pid: int) -> bool:
    """True once ``pid`` has exited, without reaping it (so its id is not reused yet)."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def run(
    argv: list[str],
    workdir: Path,
    limits: Limits,
    mode: str,
    hidden: list[Path],
    wall_timeout: float,
    stop: threading.Event | None = None,
) -> Finished:
    """Run ``argv`` (the runner) sandboxed in ``workdir``; kill it on timeout or too many processes.

    The process's standard output is returned (at most a few MB); its standard
    error goes to ``workdir/runner.log``.
    """
    env = scrubbed_env(workdir)
    cmd = bwrap_command(argv, workdir, hidden) if mode == "bwrap" else argv
    started = time.monotonic()
    with open(workdir / "runner.log", "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, start_new_session=True
        )
    chunks: list[bytes] = []

    def read() -> None:
        size = 0
        while True:
            block = proc.stdout.read1(65536) if hasattr(proc.stdout, "read1") else proc.stdout.read(65536)
            if not block:
                break
            if size < STDOUT_CAP:
                chunks.append(block[: STDOUT_CAP - size])
                size += len(block)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    killed = ""
    # bwrap adds two processes of its own; the runner and the kernel are two more.
    allowed = limits.max_processes + 4
    sessions: set[int] = set()
    while not _exited(proc.pid):
        tree = _tree(proc.pid)
        sessions |= _sessions(tree)
        if stop is not None and stop.is_set():
            killed = "stopped"
        elif time.monotonic() - started > wall_timeout:
            killed = "timeout"
        elif len(tree) > allowed:
            killed = "processes"
        if killed:
            kill_tree(proc.pid)
            break
        time.sleep(WATCH_INTERVAL)
    # The leader has exited but is not reaped yet, so its process group id cannot
    # have been reused: kill whatever is left of the group, then reap.
    kill_tree(proc.pid)
    kill_sessions(sessions)
    proc.wait()
    reader.join(timeout=5)
    proc.stdout.close()
    return Finished(proc.returncode, b"".join(chunks), killed, time.monotonic() - started)
