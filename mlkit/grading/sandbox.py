"""Running untrusted code: privileges dropped, little visible, limits, and killing everything after.

What protects the instructor's machine while a submission runs:

- **bubblewrap** (``bwrap``), when it is installed and works. The code runs in
  its own user namespace as an unprivileged user (:data:`SANDBOX_UID`), with
  every capability dropped, ``no_new_privs`` set, no way to create further user
  namespaces (where bubblewrap supports it), and a seccomp filter that refuses
  the kernel keyring, ``ptrace``, ``bpf``, ``perf_event_open`` and
  ``userfaultfd``. It has no network (so no abstract Unix socket of the host),
  its own process, IPC and host-name namespaces. Its root is an empty,
  read-only tmpfs on which only the system folders (``/usr``, ``/bin``,
  ``/lib``…), a few files of ``/etc``, Python, the kit and its dependencies
  (:func:`needed_paths`) and the submission's folder are shown, all read-only;
  ``/proc/sys`` is read-only too. ``/home``, ``/root``, ``/run``, ``/var``,
  ``/tmp`` and the rest of the host are absent, so are Unix sockets on them.
  The instructor's folders (submissions, results) and the kit's ``solutions/``
  are covered even inside a shown folder. The only writable places are
  ``WORKDIR/scratch``, a tmpfs of ``Limits.disk_mb`` (writing more fails with
  ``ENOSPC``; see :func:`scratch_full`), and ``/dev/shm`` (:data:`SHM_MB`).
  When the sandbox ends, the kernel of its process namespace ends every
  process in it.
- **resource limits** set by the runner on itself, so every process it starts
  inherits them: address space (``RLIMIT_AS``, the memory limit), file size
  (``RLIMIT_FSIZE``), no core files, and a process limit (``RLIMIT_NPROC``,
  counted as "this many more than the user already runs"). The kernel does not
  enforce ``RLIMIT_NPROC`` for root, so a watchdog here also counts the
  sandbox's processes and threads (each takes a host process id, as the
  kernel counts them for ``RLIMIT_NPROC``) and kills the whole sandbox when
  there are too many.
- **timeouts**: the runner stops a cell at the per-cell limit and the notebook
  at the whole-notebook limit; a wall-clock limit here kills the sandbox if the
  runner itself does not finish.
- **a scrubbed environment**: only an allow-list of variables passes (no
  tokens, keys or credentials of the instructor's shell).

Without bubblewrap only the limits, timeouts and environment apply: that is not
a security boundary (the code can read and write whatever the instructor can,
and the scratch folder has no size limit), and the command says so. Running
untrusted code as root without bubblewrap is refused (:func:`refuse_root`).

Remaining limits, also with bubblewrap: when the grader runs as root, the
sandbox's user is unprivileged inside its namespace but is still the host's
user 0 for the files it can see (all read-only) and for the kernel keyring
(hence the seccomp filter); a Unix socket placed inside a shown folder (the
kit, its virtual environment, the submission's folder) can be reached; the
tmpfs counts against the machine's memory, not against ``RLIMIT_AS``.
"""

from __future__ import annotations

import os
import platform
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from mlkit.errors import InputError

PASSED_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")
WATCH_INTERVAL = 0.1
STDOUT_CAP = 4 * 1024 * 1024
STDERR_CAP = 20_000  # bytes of the runner's standard error kept (its end)
# The grader's own processes in a sandbox (bubblewrap's two, the runner, the kernel), and its own
# processes and threads (about 25: ZeroMQ's, Jupyter's channels, the checks' loader), with room.
GRADER_PROCESSES = 4
GRADER_TASKS = 48
SANDBOX_UID = 1000
SANDBOX_GID = 1000
SHM_MB = 64
SCRATCH_FULL_BYTES = 256 * 1024
# Top-level system folders shown read-only when they exist (symbolic links are recreated as links).
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# The only files of /etc a Python kernel needs: the dynamic linker's cache, time zone and fonts.
ETC_PATHS = ("/etc/ld.so.cache", "/etc/localtime", "/etc/timezone", "/etc/fonts", "/etc/alternatives", "/etc/mime.types")
# Variables whose folders must exist (under WORKDIR/scratch) before the runner starts.
HOME_VARIABLES = (
    "HOME", "TMPDIR", "MLKIT_HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR",
)
ROOT_REFUSED = (
    "refusing to run learners' notebooks as root without bubblewrap's sandbox (it would give them root's "
    "powers): install bubblewrap (apt-get install bubblewrap) and use --sandbox auto or bwrap, or run "
    "mlkit grade as an ordinary user (e.g. runuser -u USER -- mlkit grade ...)"
)


@dataclass(frozen=True)
class Limits:
    """Limits of one submission's run. Times in seconds, sizes in MB (``disk_mb``: the writable scratch folder)."""

    timeout_cell: float = 120
    timeout: float = 600
    memory_mb: int = 2048
    max_processes: int = 64
    max_file_mb: int = 256
    max_output_kb: int = 1024
    disk_mb: int = 1024

    def __post_init__(self):
        flags = {"timeout_cell": "--timeout-cell", "timeout": "--timeout", "memory_mb": "--memory", "disk_mb": "--disk"}
        for name in ("timeout_cell", "timeout", "memory_mb", "max_processes", "max_file_mb", "max_output_kb", "disk_mb"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise InputError(f"{flags.get(name, name)} must be a positive number, got {value!r}")
        if self.memory_mb < 512:
            raise InputError(f"--memory must be at least 512 MB (a kernel with scikit-learn needs about 700 MB of address space), got {self.memory_mb}")
        if self.disk_mb < 64:
            raise InputError(
                f"--disk must be at least 64 MB (the kernel's own files and the saved answers live there), got {self.disk_mb}"
            )

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Finished:
    """How a sandboxed process ended: exit code, its result line, and why it was killed (if it was)."""

    returncode: int | None
    stdout: bytes
    killed: str = ""  # "" | "timeout" | "processes" | "stopped"
    seconds: float = 0.0
    stderr: bytes = b""  # the last ``stderr_cap`` bytes of its standard error (the runner's log)


def _is_root() -> bool:
    return os.geteuid() == 0


def refuse_root() -> None:
    """Raise :class:`InputError` when this process runs as root: untrusted code then needs bubblewrap."""
    if _is_root():
        raise InputError(ROOT_REFUSED)


# System calls the sandbox refuses with EPERM, by machine: (seccomp audit architecture, {name: number}).
_DENIED_SYSCALLS = {
    "x86_64": (0xC000003E, {"ptrace": 101, "add_key": 248, "request_key": 249, "keyctl": 250, "perf_event_open": 298,
                            "process_vm_readv": 310, "process_vm_writev": 311, "bpf": 321, "userfaultfd": 323}),
    "aarch64": (0xC00000B7, {"add_key": 217, "request_key": 218, "keyctl": 219, "ptrace": 117, "perf_event_open": 241,
                             "process_vm_readv": 270, "process_vm_writev": 271, "bpf": 280, "userfaultfd": 282}),
}


def seccomp_program(machine: str | None = None) -> bytes | None:
    """The sandbox's seccomp filter as raw BPF (``struct sock_filter`` array), or ``None`` for an unknown machine.

    It refuses (``EPERM``) the system calls of :data:`_DENIED_SYSCALLS`, every
    system call of another ABI (32-bit or x32 on a 64-bit machine), and allows
    the rest.
    """
    known = _DENIED_SYSCALLS.get(machine or platform.machine())
    if known is None:
        return None
    arch, numbers = known
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    checks = [(jge, 0x40000000), *((jeq, n) for n in sorted(numbers.values()))]
    # 0: load arch; 1: arch matches -> go on, else deny; 2: load number; checks; allow; deny.
    deny_at = 3 + len(checks) + 1
    program = [(ld_abs, 0, 0, 4), (jeq, 0, deny_at - 2, arch), (ld_abs, 0, 0, 0)]
    for i, (code, k) in enumerate(checks):
        program.append((code, deny_at - (3 + i) - 1, 0, k))
    program += [(ret, 0, 0, allow), (ret, 0, 0, deny)]
    return b"".join(struct.pack("=HBBI", *op) for op in program)


def _privilege_options(disable_userns: bool) -> list[str]:
    options = ["--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID)]
    return options + (["--disable-userns"] if disable_userns else []) + ["--cap-drop", "ALL"]


def _pipe_with(data: bytes) -> int:
    """A pipe's read end already holding ``data`` (which must fit its buffer); the caller closes it."""
    read, write = os.pipe()
    try:
        os.write(write, data)
    finally:
        os.close(write)
    return read


@lru_cache(maxsize=1)
def _working_variant() -> bool | None:
    """``True``/``False`` (whether ``--disable-userns`` is used) for the first variant that runs here, else ``None``.

    Each variant is probed with exactly the command :func:`run` uses: a tiny
    Python program in a throw-away work folder, under the same mounts and filter.
    """
    if not shutil.which("bwrap"):
        return None
    for disable_userns in (True, False):
        with tempfile.TemporaryDirectory(prefix="mlkit-bwrap-probe-") as folder:
            workdir = Path(folder).resolve()
            (workdir / "scratch").mkdir()
            program = seccomp_program()
            fd = _pipe_with(program) if program else None
            try:
                probe = [sys.executable, "-I", "-c", "pass"]
                cmd = bwrap_command(probe, workdir, [], seccomp_fd=fd, disable_userns=disable_userns)
                done = subprocess.run(cmd, capture_output=True, timeout=30, pass_fds=(fd,) if fd is not None else (),
                                      env=scrubbed_env(workdir, create=False), cwd=workdir)
            except (OSError, subprocess.TimeoutExpired):
                continue
            finally:
                if fd is not None:
                    os.close(fd)
            if done.returncode == 0:
                return disable_userns
    return None


def bwrap_works() -> bool:
    """True when bubblewrap is installed and runs the sandbox exactly as :func:`run` builds it."""
    return _working_variant() is not None


def resolve_mode(mode: str) -> str:
    """``"bwrap"`` or ``"limits"`` for a requested mode (``auto``, ``bwrap``, ``none``).

    Raises :class:`InputError` for an unknown mode, for ``bwrap`` when it does
    not work here, and for ``limits`` (``none``, or ``auto`` without bubblewrap)
    when running as root.
    """
    if mode not in ("auto", "bwrap", "none"):
        raise InputError(f"--sandbox must be auto, bwrap or none, got {mode!r}")
    if mode == "bwrap" and not bwrap_works():
        raise InputError("--sandbox bwrap: bubblewrap is not installed or cannot create namespaces here (apt-get install bubblewrap)")
    resolved = "bwrap" if mode == "bwrap" or (mode == "auto" and bwrap_works()) else "limits"
    if resolved == "limits":
        refuse_root()
    return resolved


def scratch_dir(workdir: Path) -> Path:
    """The submission's only writable folder: ``workdir/scratch`` (a size-limited tmpfs under bubblewrap)."""
    return workdir / "scratch"


def scrubbed_env(workdir: Path, create: bool = True) -> dict[str, str]:
    """The whole environment of a submission's run: an allow-list, with every home-like folder in ``workdir/scratch``.

    ``create``: make those folders on the host (the ``limits`` mode); under
    bubblewrap they are made inside the sandbox's tmpfs instead.
    """
    from mlkit.course.notebook_store import deterministic_env

    env = {k: os.environ[k] for k in PASSED_VARIABLES if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    bindir = str(Path(sys.executable).parent)
    scratch = scratch_dir(workdir)
    home = scratch / "home"
    env.update(
        {
            "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "TMPDIR": str(scratch / "tmp"),
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
    if create:
        for key in HOME_VARIABLES:
            Path(env[key]).mkdir(parents=True, exist_ok=True)
    return env


def scratch_full(path: Path) -> bool:
    """True when the file system holding ``path`` (the scratch tmpfs) has (almost) no space left.

    Used after a run to tell "the submission filled its disk" from other
    failures; less than :data:`SCRATCH_FULL_BYTES` free counts as full.
    """
    try:
        stats = os.statvfs(path)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < SCRATCH_FULL_BYTES


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def needed_paths() -> list[Path]:
    """Folders the sandbox must show read-only: Python, the venv, the kit's package and its dependencies.

    Of the kit's checkout only the package folder (``mlkit/``) and its install metadata are shown,
    never the checkout itself: gradebooks, rosters, logs or notebooks an instructor keeps there
    stay out of a submission's reach.
    """
    import sysconfig

    from mlkit.paths import package_dir

    found = {Path(sys.prefix), Path(sys.base_prefix), package_dir()}
    found.update(package_dir().parent.glob("*.egg-info"))
    try:
        found.add(Path(sys.executable).resolve().parent)
    except OSError:  # a link into a folder this user cannot search: the other paths show Python
        pass
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        found.add(Path(sysconfig.get_paths()[key]))
    return sorted({p.resolve() for p in found if _visible(p)})


def _visible(path: Path) -> bool:
    """Whether ``path`` exists and this user may look at it (a folder it cannot search is left out)."""
    try:
        return path.exists()
    except OSError:
        return False


# Folders of the kit's checkout that no submission needs: the solutions, the instructor's own
# workspace and test artefacts, and git's internals (a remote's URL may hold a token).
KIT_HIDDEN = ("solutions", "workspace", "test-artifacts", ".git")


def always_hidden() -> list[Path]:
    """Folders hidden from every submission whatever the caller passes: :data:`KIT_HIDDEN` of the kit's folder."""
    from mlkit.paths import package_dir

    return [package_dir().parent / name for name in KIT_HIDDEN]


def _system_mounts() -> tuple[list[str], list[Path]]:
    """bwrap options showing the system folders and the few /etc files, and the host folders they show."""
    options: list[str] = []
    shown: list[Path] = []
    for name in SYSTEM_PATHS:
        path = Path(name)
        if path.is_symlink():
            options += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            options += ["--ro-bind", name, name]
            shown.append(path)
    for name in ETC_PATHS:
        if os.path.exists(name):
            options += ["--ro-bind", name, name]
            shown.append(Path(name).resolve())
    return options, shown


def _hide(hidden: list[Path], shown: list[Path], workdir: Path) -> list[str]:
    """Cover each hidden folder that lies inside a shown folder with an empty read-only tmpfs."""
    options: list[str] = []
    for path in sorted({p.resolve() for p in hidden}):
        if path.is_dir() and any(_is_within(path, s) for s in shown) and not _is_within(workdir, path):
            options += ["--tmpfs", str(path), "--remount-ro", str(path)]
    return options


def bwrap_command(
    argv: list[str],
    workdir: Path,
    hidden: list[Path],
    disk_mb: int = 1024,
    seccomp_fd: int | None = None,
    disable_userns: bool | None = None,
) -> list[str]:
    """``argv`` wrapped in bubblewrap: no privileges, an empty read-only root showing only what is needed.

    ``workdir`` is shown read-only; ``workdir/scratch`` becomes a tmpfs of
    ``disk_mb`` MB holding the home-like folders of :func:`scrubbed_env`.
    ``seccomp_fd``: a readable file descriptor holding :func:`seccomp_program`
    (the caller passes it to the child). ``disable_userns``: add
    ``--disable-userns`` (default: whatever :func:`bwrap_works` found).
    """
    if disable_userns is None:
        disable_userns = bool(_working_variant())
    cmd = [shutil.which("bwrap") or "bwrap", *_privilege_options(disable_userns), "--die-with-parent", "--new-session"]
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
    cmd += ["--tmpfs", "/"]
    system, shown = _system_mounts()
    cmd += system
    for path in needed_paths():
        if not any(_is_within(path, s) for s in shown):
            cmd += ["--ro-bind", str(path), str(path)]
            shown.append(path)
    cmd += ["--dev", "/dev", "--size", str(SHM_MB * 1024 * 1024), "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
    # bwrap covers /proc/sysrq-trigger, irq and bus, not /proc/sys: a sandbox user that is the host's
    # user 0 (the grader runs as root) could otherwise write kernel settings.
    cmd += ["--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys"]
    cmd += _hide([*hidden, *always_hidden()], shown, workdir)
    scratch = scratch_dir(workdir)
    cmd += ["--ro-bind", str(workdir), str(workdir), "--size", str(disk_mb * 1024 * 1024), "--tmpfs", str(scratch)]
    env = scrubbed_env(workdir, create=False)
    for folder in sorted({env[key] for key in HOME_VARIABLES}):
        cmd += ["--dir", folder]
    cmd += ["--remount-ro", "/", "--chdir", str(workdir), "--"]
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


_PROC_STAT = os.path.exists("/proc/self/stat")
_TICKS = os.sysconf("SC_CLK_TCK") if _PROC_STAT else 100


def _clock() -> float:
    """Now, on the clock :func:`_started_before` compares with (seconds since boot on Linux)."""
    if _PROC_STAT and hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.time()


def _started_before(pid: int, moment: float) -> bool:
    """True when process ``pid`` surely started before ``moment`` (a :func:`_clock` time); False if it is gone.

    On Linux the start is read in clock ticks from ``/proc/PID/stat``; a
    process started in the same tick as ``moment`` does not count.
    """
    try:
        if _PROC_STAT and hasattr(time, "CLOCK_BOOTTIME"):
            with open(f"/proc/{pid}/stat", "rb") as handle:
                ticks = int(handle.read().rsplit(b")", 1)[1].split()[19])
            return ticks < int(moment * _TICKS)
        import psutil

        return psutil.Process(pid).create_time() < moment
    except Exception:  # gone, unreadable, or psutil's error
        return False


class _Sessions:
    """The sessions the sandbox's processes were seen in, each with the last time it was known to be theirs.

    A kernel runs in a session of its own; what it forks stays in that session
    even after the kernel dies and init adopts it, where no tree walk finds
    it. A session's number cannot be given to a new process while any process
    is in the session, but once the session has ended it can (an unrelated
    service, another worker's sandbox): so a process in a session of this set
    is the sandbox's only when it started before the session was last known
    to be the sandbox's. Used without bubblewrap; with it, ending bubblewrap
    ends its whole process namespace.
    """

    def __init__(self) -> None:
        self.own = os.getsid(0)
        self.seen: dict[int, float] = {}  # session id -> a moment it held a process of the sandbox

    def watch(self, tree) -> None:
        """Note the sessions of ``tree`` (the sandbox's process tree) now, and renew those that orphans keep."""
        import psutil

        moment = _clock()
        for proc in tree:
            try:
                sid = os.getsid(proc.pid)
                if proc.is_running() and sid != self.own:  # the number was not reused before the read
                    self.seen[sid] = moment
            except (OSError, psutil.Error):
                pass
        self.sweep(kill=False)

    def sweep(self, kill: bool) -> int:
        """Find (and with ``kill``, kill) the processes of the sandbox in these sessions; returns how many."""
        import psutil

        if not self.seen:
            return 0
        moment, renewed, found = _clock(), set(), 0
        for pid in psutil.pids():
            try:
                sid = os.getsid(pid)
                if sid not in self.seen or sid == self.own:
                    continue
                proc = psutil.Process(pid)  # remembers its start: kill() refuses a reused number
                if not _started_before(pid, self.seen[sid]):
                    continue
                renewed.add(sid)  # it was alive after ``moment``: the session was still the sandbox's then
                found += 1
                if kill:
                    proc.kill()
            except (OSError, psutil.Error):
                pass
        for sid in renewed:
            self.seen[sid] = max(self.seen[sid], moment)
        return found

    def kill(self, rounds: int = 20) -> None:
        """Kill the sandbox's processes left in these sessions, orphans included, until none is found."""
        for _ in range(rounds):
            if not self.sweep(kill=True):
                return
            time.sleep(0.01)


def _tasks(tree) -> int:
    """Processes and threads of ``tree``: each takes a process id of the host."""
    import psutil

    total = 0
    for proc in tree:
        try:
            total += proc.num_threads()
        except psutil.Error:
            pass
    return total


def _pidfd(pid: int) -> int | None:
    """A file descriptor that becomes readable when ``pid`` exits (Linux 5.3 and later), else None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _pause(pidfd: int | None, seconds: float) -> None:
    """Wait ``seconds``, or less when the process of ``pidfd`` exits first."""
    if pidfd is None:
        time.sleep(seconds)
        return
    import select

    select.select([pidfd], [], [], seconds)


def _exited(pid: int) -> bool:
    """True once ``pid`` has exited, without reaping it (so its id is not reused yet)."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


# Run inside the sandbox before the runner: move the runner's pipes from the numbers they were passed
# under to 0, 1 and 2, then become the runner. bwrap's own process 1 in the sandbox (which the
# learner's code can open through /proc/1/fd) thus holds /dev/null, not the result pipe or the log.
FD_SHUFFLE = (
    "import os, sys\n"
    "fds = [int(a) for a in sys.argv[1:4]]\n"
    "for target, fd in enumerate(fds):\n"
    "    os.dup2(fd, target)\n"
    "for fd in set(fds) - {0, 1, 2}:\n"
    "    os.close(fd)\n"
    "os.execvp(sys.argv[4], sys.argv[4:])\n"
)


def _feed(fd: int, data: bytes) -> None:
    """Write ``data`` to a pipe and close it (a reader that exits early is fine)."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass
    finally:
        os.close(fd)


def _collect(fd: int, cap: int, last: bool = False) -> tuple[threading.Thread, list[bytes]]:
    """Read a pipe to its end in a thread, keeping its first ``cap`` bytes (its last, when ``last``).

    Returns the thread and the list the kept bytes end up in (join the thread first).
    """
    chunks: list[bytes] = []

    def read() -> None:
        size, tail = 0, bytearray()
        with os.fdopen(fd, "rb", buffering=0) as stream:
            while True:
                block = stream.read(65536)
                if not block:
                    break
                if last:
                    tail += block
                    del tail[: max(0, len(tail) - cap)]
                elif size < cap:
                    chunks.append(block[: cap - size])
                    size += len(block)
        if last:
            chunks.append(bytes(tail))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, chunks


def _start(argv: list[str], workdir: Path, limits: Limits, mode: str, hidden: list[Path], env: dict) -> tuple:
    """Start ``argv`` (wrapped in bwrap in that mode).

    Returns the process, its stdin's write end, and the read ends of its
    stdout and stderr (pipes: what it writes never lands on the host's disk).
    bubblewrap's own messages are discarded: its process 1 would otherwise hold
    a pipe or file that the learner's code could write to through ``/proc/1/fd``.
    """
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    stderr_read, stderr_write = os.pipe()
    child_ends = [stdin_read, stdout_write, stderr_write]
    seccomp_fd = None
    try:
        if mode == "bwrap":
            program = seccomp_program()
            seccomp_fd = _pipe_with(program) if program else None
            inner = [sys.executable, "-I", "-S", "-c", FD_SHUFFLE, str(stdin_read), str(stdout_write), str(stderr_write), *argv]
            cmd = bwrap_command(inner, workdir, hidden, limits.disk_mb, seccomp_fd)
            passed = [stdin_read, stdout_write, stderr_write, *([seccomp_fd] if seccomp_fd is not None else [])]
            proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, pass_fds=passed, start_new_session=True)
        else:
            proc = subprocess.Popen(argv, cwd=workdir, env=env, stdin=stdin_read, stdout=stdout_write, stderr=stderr_write,
                                    start_new_session=True)
    except BaseException:
        for fd in (stdin_write, stdout_read, stderr_read):
            os.close(fd)
        raise
    finally:
        for fd in (*child_ends, seccomp_fd):
            if fd is not None:
                os.close(fd)
    return proc, stdin_write, stdout_read, stderr_read


def run(
    argv: list[str],
    workdir: Path,
    limits: Limits,
    mode: str,
    hidden: list[Path],
    wall_timeout: float,
    stop: threading.Event | None = None,
    *,
    stdin_data: bytes = b"",
    stderr_cap: int = STDERR_CAP,
) -> Finished:
    """Run ``argv`` (the runner) sandboxed in ``workdir``; kill it on timeout or too many processes and threads.

    ``mode`` is ``"bwrap"`` or ``"limits"`` (see :func:`resolve_mode`; ``limits``
    as root raises :class:`InputError`). ``workdir`` must hold an empty
    ``scratch`` folder. ``stdin_data`` is written to the process's standard
    input, which is then closed. The process's standard output is returned (at
    most a few MB), and the last ``stderr_cap`` bytes of its standard error (a
    pipe: nothing of it is written to disk). More than
    ``limits.max_processes`` processes, or processes and threads together
    (each takes a host process id), besides the grader's own
    (:data:`GRADER_PROCESSES`, :data:`GRADER_TASKS`), kill it.
    """
    if mode != "bwrap":
        refuse_root()
    scratch_dir(workdir).mkdir(exist_ok=True)
    env = scrubbed_env(workdir, create=mode != "bwrap")
    started = time.monotonic()
    proc, stdin_write, stdout_read, stderr_read = _start(argv, workdir, limits, mode, hidden, env)
    threading.Thread(target=_feed, args=(stdin_write, stdin_data), daemon=True).start()
    reader, chunks = _collect(stdout_read, STDOUT_CAP)
    log_reader, log_chunks = _collect(stderr_read, stderr_cap, last=True)
    sessions = _Sessions() if mode != "bwrap" else None
    pidfd = _pidfd(proc.pid)
    try:
        killed = _watch(proc, limits, wall_timeout, started, stop, sessions, pidfd)
    finally:
        if pidfd is not None:
            os.close(pidfd)
    # The leader has exited but is not reaped yet, so its process group id cannot
    # have been reused: kill whatever is left of the group, then reap.
    kill_tree(proc.pid)
    if sessions is not None:
        sessions.kill()
    proc.wait()
    reader.join(timeout=5)
    log_reader.join(timeout=5)
    return Finished(proc.returncode, b"".join(chunks), killed, time.monotonic() - started, b"".join(log_chunks))


def _watch(proc, limits: Limits, wall_timeout: float, started: float, stop, sessions, pidfd) -> str:
    """Watch the sandbox until its leader exits or is killed; returns why it was killed (``""``: it was not)."""
    killed = ""
    allowed = limits.max_processes + GRADER_PROCESSES
    while not _exited(proc.pid):
        tree = _tree(proc.pid)
        if sessions is not None:
            sessions.watch(tree)
        if stop is not None and stop.is_set():
            killed = "stopped"
        elif time.monotonic() - started > wall_timeout:
            killed = "timeout"
        elif len(tree) > allowed or _tasks(tree) > limits.max_processes + GRADER_TASKS:
            killed = "processes"
        if killed:
            kill_tree(proc.pid)
            break
        _pause(pidfd, WATCH_INTERVAL)  # returns as soon as the leader exits
    return killed
