"""The sandbox's privileges, what it shows and what it lets through, probed from a small program run inside it.

Each test runs a few lines of Python with :func:`mlkit.grading.sandbox.run` (no notebook kernel,
so the file is quick) and checks what they report against what the host sees.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import shutil
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlkit.errors import InputError
from mlkit.grading import sandbox

ROOT = Path(__file__).resolve().parent.parent
HAVE_BWRAP = sandbox.bwrap_works()
needs_bwrap = pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap is not installed or cannot create namespaces here")
LIMITS = sandbox.Limits(disk_mb=64)


def workdir(tmp_path: Path) -> Path:
    """A work folder laid out as the grader lays it out: spec, notebook and an empty scratch folder."""
    work = tmp_path / "mlkit-grade-x"
    if not work.exists():
        (work / "scratch").mkdir(parents=True)
        (work / "spec.json").write_text("{}")
        (work / "submission.ipynb").write_text("{}")
    return work.resolve()


def inside(tmp_path: Path, code: str, hidden=(), limits=LIMITS, stdin_data=b"") -> dict:
    """Run ``code`` in the sandbox; it must print one JSON object as its last line, which is returned."""
    work = workdir(tmp_path)
    done = sandbox.run([sys.executable, "-I", "-c", code], work, limits, "bwrap", list(hidden), 60, stdin_data=stdin_data)
    lines = done.stdout.decode().strip().splitlines()
    assert done.returncode == 0 and lines, (done, (work / "runner.log").read_text())
    return json.loads(lines[-1])


def snapshot(folder: Path, skip: Path) -> dict[str, tuple]:
    """Every path under ``folder`` (except under ``skip``) with its kind, size and modification time."""
    found = {}
    for path in folder.rglob("*"):
        if path == skip or skip in path.parents:
            continue
        info = path.lstat()
        found[str(path)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns)
    return found


STATUS = r"""
import json, os
fields = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
print(json.dumps({k: fields[k].split() for k in ("Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp")}))
"""


@needs_bwrap
def test_the_sandboxed_process_has_no_capabilities_and_an_unprivileged_user(tmp_path):
    status = inside(tmp_path, STATUS)
    for caps in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(status[caps][0], 16) == 0, caps
    assert status["NoNewPrivs"] == ["1"] and status["Seccomp"] == ["2"]
    assert {int(u) for u in status["Uid"]} == {sandbox.SANDBOX_UID} != {0}
    assert {int(g) for g in status["Gid"]} == {sandbox.SANDBOX_GID} != {0}


MOUNTS = r"""
import ctypes, json, os, subprocess
result = {}
for name, argv in {"remount": ["mount", "-o", "remount,rw", "/"], "umount": ["umount", "-l", %(hidden)r],
                   "remount_usr": ["mount", "-o", "remount,rw,bind", "/usr"]}.items():
    result[name] = subprocess.run(argv, capture_output=True).returncode
libc = ctypes.CDLL(None, use_errno=True)
result["mount_call"] = libc.mount(b"none", b"/", None, 32 | 4096, None)  # MS_REMOUNT | MS_BIND
result["unshare_user"] = libc.unshare(0x10000000)  # CLONE_NEWUSER: a namespace where it would be "root"
for target in ("/", "/usr", "/dev", "/proc", %(kit)r, %(work)r):
    try:
        open(os.path.join(target, "written-from-inside"), "w").close()
        result[target] = "written"
    except OSError as error:
        result[target] = error.errno
result["nosuid"] = all("nosuid" in line.split()[3] for line in open("/proc/self/mounts"))
print(json.dumps(result))
"""


@needs_bwrap
def test_mounts_cannot_be_changed_and_only_scratch_is_writable(tmp_path):
    work = workdir(tmp_path)
    code = MOUNTS % {"hidden": str(ROOT / "solutions"), "kit": str(ROOT), "work": str(work)}
    result = inside(tmp_path, code)
    assert result["remount"] != 0 and result["umount"] != 0 and result["remount_usr"] != 0
    assert result["mount_call"] == -1 and result["unshare_user"] == -1
    assert all(result[t] != "written" for t in ("/", "/usr", "/dev", "/proc", str(ROOT), str(work))), result
    assert result["nosuid"] is True
    assert not (ROOT / "written-from-inside").exists() and not (work / "written-from-inside").exists()


LISTING = r"""
import json, os
def ls(path):
    try:
        return sorted(os.listdir(path))
    except OSError as error:
        return "absent" if error.errno == 2 else error.errno
paths = %(paths)r
print(json.dumps({p: ls(p) for p in paths}))
"""


@needs_bwrap
def test_only_the_system_python_and_the_kit_are_visible(tmp_path, monkeypatch):
    # A kit whose folder also holds the instructor's submissions, results and solutions.
    kit = tmp_path / "kit"
    for sub in ("solutions", "submissions/bob", "results", "mlkit"):
        (kit / sub).mkdir(parents=True)
    (kit / "solutions" / "11.ipynb").write_text("answer")
    (kit / "submissions" / "bob" / "bob.ipynb").write_text("bob's work")
    other = tmp_path / "mlkit-grade-other"  # another learner's work folder
    other.mkdir()
    (other / "submission.ipynb").write_text("{}")
    real = sandbox.needed_paths()
    monkeypatch.setattr(sandbox, "needed_paths", lambda: [*real, kit.resolve()])
    paths = ["/home", "/root", "/run", "/var", "/srv", "/mnt", "/opt", "/sys", "/tmp", "/etc", str(tmp_path),
             str(other), str(kit / "solutions"), str(kit / "submissions"), str(kit / "results"), str(kit),
             *(str(ROOT / name) for name in sandbox.KIT_HIDDEN), str(ROOT)]
    hidden = [kit / "submissions", kit / "results", kit / "solutions"]  # not the kit's own solutions/
    seen = inside(tmp_path, LISTING % {"paths": paths}, hidden=hidden)
    for absent in ("/home", "/run", "/var", "/srv", "/mnt", "/sys", str(other)):
        assert seen[absent] == "absent", (absent, seen[absent])
    # /root and /tmp exist only as the way to what is shown (Python, the kit, the work folder).
    leading = {p.relative_to("/root").parts[0] for p in real if p.is_relative_to("/root") and p != Path("/root")}
    assert seen["/root"] == "absent" or set(seen["/root"]) <= leading, seen["/root"]
    assert seen[str(tmp_path)] == ["kit", "mlkit-grade-x"]
    assert set(seen["/etc"]) <= {Path(p).name for p in sandbox.ETC_PATHS}
    assert "passwd" not in seen["/etc"] and "shadow" not in seen["/etc"]
    for covered in ("solutions", "submissions", "results"):
        assert seen[str(kit / covered)] == [], covered
    for name in sandbox.KIT_HIDDEN:  # hidden although the caller did not ask
        assert seen[str(ROOT / name)] in ([], "absent"), name
    # Of the kit's own checkout only the package, its install metadata and a venv inside it are there:
    # no README, notebooks, tests, nor anything an instructor keeps beside them.
    shown_of_root = {p.relative_to(ROOT).parts[0] for p in real if p.is_relative_to(ROOT) and p != ROOT}
    assert set(seen[str(ROOT)]) <= shown_of_root | {"mlkit"}, seen[str(ROOT)]
    assert "README.md" not in seen[str(ROOT)] and "tests" not in seen[str(ROOT)]
    assert "mlkit" in seen[str(kit)]


CONNECT = r"""
import json, socket
result = {}
for name, address in %(addresses)r.items():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    try:
        s.connect(address if not address.startswith("@") else "\0" + address[1:])
        result[name] = "connected"
    except OSError as error:
        result[name] = error.errno
    finally:
        s.close()
print(json.dumps(result))
"""


@needs_bwrap
def test_unix_sockets_outside_cannot_be_reached(tmp_path):
    servers, addresses = [], {}
    places = {"tmp": str(tmp_path / "outside.sock"), "abstract": f"@mlkit-test-{os.getpid()}"}
    if os.access("/run", os.W_OK):
        places["run"] = f"/run/mlkit-test-{os.getpid()}.sock"
    try:
        for name, address in places.items():
            server = socket.socket(socket.AF_UNIX)
            server.bind(address if not address.startswith("@") else "\0" + address[1:])
            server.listen(1)
            servers.append(server)
            addresses[name] = address
        # The same code outside the sandbox connects: the sockets are real and listening.
        outside = subprocess.run([sys.executable, "-c", CONNECT % {"addresses": addresses}], capture_output=True, text=True)
        assert set(json.loads(outside.stdout).values()) == {"connected"}
        result = inside(tmp_path, CONNECT % {"addresses": addresses})
        assert "connected" not in result.values(), result
    finally:
        for server in servers:
            server.close()
        if "run" in places:
            Path(places["run"]).unlink(missing_ok=True)


FILL = r"""
import errno, json, os, sys
from mlkit.grading.sandbox import scratch_full
result = {}
for name, folder in (("scratch", os.environ["TMPDIR"]), ("shm", "/dev/shm")):
    written = 0
    try:
        with open(os.path.join(folder, "big"), "wb") as handle:
            block = b"x" * (1024 * 1024)
            for _ in range(200):
                handle.write(block)
                handle.flush()
                written += 1
        result[name] = "no error"
    except OSError as error:
        result[name] = errno.errorcode.get(error.errno, error.errno)
    result[name + "_mb"] = written
result["full"] = scratch_full(os.environ["TMPDIR"])
print(json.dumps(result))
"""


@needs_bwrap
def test_writing_past_the_disk_limit_fails_with_enospc_and_leaves_nothing_on_the_host(tmp_path):
    limits = sandbox.Limits(disk_mb=64)
    before = shutil.disk_usage(tmp_path).used
    result = inside(tmp_path, FILL, limits=limits)
    assert result["scratch"] == "ENOSPC" and 60 <= result["scratch_mb"] <= 64, result
    assert result["shm"] == "ENOSPC" and result["shm_mb"] <= sandbox.SHM_MB, result
    assert result["full"] is True
    work = tmp_path / "mlkit-grade-x"
    assert list((work / "scratch").iterdir()) == []
    assert shutil.disk_usage(tmp_path).used - before < 32 * 1024 * 1024


def test_scratch_full_reads_the_free_space(tmp_path):
    assert sandbox.scratch_full(tmp_path) is (shutil.disk_usage(tmp_path).free < sandbox.SCRATCH_FULL_BYTES)
    assert sandbox.scratch_full(tmp_path / "nowhere") is False


VANDAL = r"""
import json, os, shutil, signal
result = {}
for target in %(targets)r:
    try:
        if os.path.isdir(target):
            shutil.rmtree(target)
        else:
            with open(target, "a") as handle:
                handle.write("vandal")
        result[target] = "changed"
    except OSError as error:
        result[target] = error.errno
signal.signal(signal.SIGTERM, signal.SIG_IGN)
try:
    os.kill(-1, signal.SIGTERM)  # every process this one may signal
except ProcessLookupError:
    pass
with open(os.path.join(os.environ["HOME"], "kept"), "w") as handle:
    handle.write("inside only")
print(json.dumps(result))
"""


@needs_bwrap
def test_nothing_outside_the_sandbox_changes_and_no_outside_process_is_signalled(tmp_path):
    sentinel = tmp_path / "sentinel.txt"
    sentinel.write_text("keep")
    work = workdir(tmp_path)
    targets = [str(sentinel), str(work / "spec.json"), str(work / "runner.log"), str(work / "submission.ipynb"),
               str(ROOT / "pyproject.toml"), str(ROOT / "mlkit"), "/etc/ld.so.cache", "/proc/sys/vm/drop_caches",
               "/proc/sysrq-trigger", "/dev/null"]
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        before = snapshot(tmp_path, work / "scratch")
        for made_by_the_grader in (work, work / "runner.log"):  # run() creates the log outside the sandbox
            before.pop(str(made_by_the_grader), None)
        result = inside(tmp_path, VANDAL % {"targets": targets})
        time.sleep(0.2)
        assert sleeper.poll() is None, "a process outside the sandbox was signalled"
    finally:
        sleeper.kill()
        sleeper.wait()
    assert result["/dev/null"] == "changed"  # the probe can write where it is allowed to
    assert [t for t in targets if t != "/dev/null" and result[t] == "changed"] == [], result
    after = snapshot(tmp_path, work / "scratch")
    for made_by_the_grader in (work, work / "runner.log"):
        after.pop(str(made_by_the_grader), None)
    assert after == before and sentinel.read_text() == "keep"
    assert list((work / "scratch").iterdir()) == []


KERNEL_CALLS = r"""
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
numbers = %(numbers)r
def call(*args):
    ctypes.set_errno(0)
    value = libc.syscall(*[ctypes.c_long(a) for a in args])
    return [value, ctypes.get_errno()]
result = {
    "keyctl": call(numbers["keyctl"], 0, -4, 0),  # KEYCTL_GET_KEYRING_ID of the user keyring
    "add_key": call(numbers["add_key"], 0, 0, 0, 0, -4),
    "ptrace": call(numbers["ptrace"], 16, 1, 0, 0),  # PTRACE_ATTACH to process 1
    "bpf": call(numbers["bpf"], 0, 0, 0),
}
visible = {}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            visible[pid] = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[0].decode()
        except OSError:
            visible[pid] = "?"
result["processes"] = visible
try:  # opening is enough: a writable kernel setting would open (the write itself could be refused as invalid)
    open("/proc/sys/vm/drop_caches", "w").close()
    result["sysctl"] = "opened"
except OSError as error:
    result["sysctl"] = error.errno
result["own_fds"] = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
try:
    result["init_fds"] = [os.readlink(f"/proc/1/fd/{fd}") for fd in os.listdir("/proc/1/fd")]
except OSError as error:
    result["init_fds"] = error.errno
try:
    result["init_root"] = sorted(os.listdir("/proc/1/root"))
except OSError as error:
    result["init_root"] = error.errno
print(json.dumps(result))
"""


@needs_bwrap
@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"), reason="the seccomp filter covers x86_64 and aarch64")
def test_keyrings_ptrace_bpf_processes_and_pipes_of_the_host_are_out_of_reach(tmp_path):
    numbers = sandbox._DENIED_SYSCALLS[platform.machine()][1]
    result = inside(tmp_path, KERNEL_CALLS % {"numbers": numbers})
    for name in ("keyctl", "add_key", "ptrace", "bpf"):
        assert result[name] == [-1, 1], (name, result[name])  # EPERM from the filter
    assert result["sysctl"] in (errno.EROFS, errno.EACCES), result["sysctl"]
    # Only bubblewrap's own process 1 and the probe: nothing of the host, not the grader.
    assert len(result["processes"]) == 2 and all("pytest" not in c for c in result["processes"].values())
    assert result["own_fds"][:3] == [0, 1, 2] and len(result["own_fds"]) == 4  # the listing's own descriptor
    # Process 1 holds neither the result pipe nor the log: nothing to forge through /proc/1/fd.
    if isinstance(result["init_fds"], list):
        assert all("runner.log" not in f for f in result["init_fds"]) and result["init_fds"].count("/dev/null") >= 2
    assert isinstance(result["init_root"], int) or "home" not in result["init_root"]


def test_the_seccomp_program_is_well_formed():
    program = sandbox.seccomp_program("x86_64")
    count = len(sandbox._DENIED_SYSCALLS["x86_64"][1])
    assert len(program) == 8 * (3 + 1 + count + 2)
    assert sandbox.seccomp_program("sparc") is None


@needs_bwrap
def test_standard_input_carries_the_data_then_closes(tmp_path):
    code = "import hashlib, json, sys\nprint(json.dumps(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()))"
    data = os.urandom(200_000)  # more than a pipe holds
    import hashlib

    assert inside(tmp_path, code, stdin_data=data) == hashlib.sha256(data).hexdigest()


@needs_bwrap
def test_an_ordinary_user_can_run_the_sandbox(tmp_path):
    if os.geteuid() != 0:
        result = inside(tmp_path, STATUS)
        assert int(result["CapEff"][0], 16) == 0 and result["NoNewPrivs"] == ["1"]
        return
    drop = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--"]
    if not shutil.which("setpriv"):
        pytest.skip("setpriv is not installed, so the test cannot run as an ordinary user")
    probe = "import mlkit.grading.sandbox as s; s.needed_paths()"
    readable = subprocess.run([*drop, sys.executable, "-c", probe], capture_output=True, cwd="/")
    if readable.returncode != 0:
        pytest.skip(f"the virtual environment ({sys.prefix}) or its Python is not readable by user 65534")
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="mlkit-privilege-"))
    shared.chmod(0o777)
    script = (
        "import json, sys\nfrom pathlib import Path\nfrom mlkit.grading import sandbox\n"
        f"work = Path({str(shared)!r}) / 'w'\n(work / 'scratch').mkdir(parents=True)\n"
        "done = sandbox.run([sys.executable, '-I', '-c', sys.argv[1]], work, sandbox.Limits(disk_mb=64), 'bwrap', [], 60)\n"
        "print(done.stdout.decode().strip().splitlines()[-1])\n"
    )
    try:
        done = subprocess.run([*drop, sys.executable, "-c", script, STATUS], capture_output=True, text=True, cwd="/")
    finally:
        shutil.rmtree(shared)
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout.strip().splitlines()[-1])
    assert int(status["CapEff"][0], 16) == 0 and status["NoNewPrivs"] == ["1"] and status["Uid"][0] == str(sandbox.SANDBOX_UID)


def test_root_without_bubblewrap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "_is_root", lambda: True)
    with pytest.raises(InputError, match="refusing to run learners' notebooks as root.*apt-get install bubblewrap"):
        sandbox.resolve_mode("none")
    with pytest.raises(InputError, match="as root"):
        sandbox.run([sys.executable, "-c", "pass"], workdir(tmp_path), LIMITS, "limits", [], 10)
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)
    with pytest.raises(InputError, match="as root"):
        sandbox.resolve_mode("auto")
    monkeypatch.setattr(sandbox, "_is_root", lambda: False)
    assert sandbox.resolve_mode("auto") == "limits" and sandbox.resolve_mode("none") == "limits"


def test_the_grade_command_refuses_root_without_bubblewrap(tmp_path, monkeypatch, capsys):
    from mlkit.cli import main

    monkeypatch.setattr(sandbox, "_is_root", lambda: True)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_text("{}")
    code = main(["grade", str(subs), "--assignment", "classification", "--out", str(tmp_path / "o"), "--sandbox", "none"])
    assert code == 2 and "refusing to run learners' notebooks as root" in capsys.readouterr().err
    assert not (tmp_path / "o" / "gradebook.csv").exists()


@pytest.mark.parametrize("value", [0, -5, 10, True])
def test_the_disk_limit_is_validated(value):
    with pytest.raises(InputError, match="--disk"):
        sandbox.Limits(disk_mb=value)


def test_the_scrubbed_environment_puts_every_home_in_scratch(tmp_path):
    env = sandbox.scrubbed_env(tmp_path, create=False)
    for key in sandbox.HOME_VARIABLES:
        assert Path(env[key]).is_relative_to(tmp_path / "scratch"), key
    assert not (tmp_path / "scratch").exists()
    sandbox.scrubbed_env(tmp_path)
    assert all(Path(env[key]).is_dir() for key in sandbox.HOME_VARIABLES)


@needs_bwrap
def test_a_run_leaves_no_descriptor_open_in_the_grader(tmp_path):
    inside(tmp_path, "print('{}')")  # the first run may open lasting files (the probe, imports)
    before = sorted(os.listdir("/proc/self/fd"))
    for _ in range(3):
        inside(tmp_path, "print('{}')", stdin_data=b"key")
    assert sorted(os.listdir("/proc/self/fd")) == before
