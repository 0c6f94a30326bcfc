"""Grading a folder of submissions: one at a time per worker, each result stored as it finishes.

:func:`grade` is the whole run; :func:`grade_one` one learner. Nothing here
prints: progress is reported through a callback, and the command formats it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from mlkit.errors import InputError
from mlkit.grading import CRASHED, GRADED, INVALID, MISSING, TIMED_OUT, feedback, gradebook, sandbox
from mlkit.grading.assignment import Assignment
from mlkit.grading.intake import check_notebook
from mlkit.grading.runner import CAPTURE_TIMEOUT, INTERRUPT_GRACE, remove_tree
from mlkit.grading.submissions import Submission, fingerprint

LOG_TAIL = sandbox.STDERR_CAP  # bytes of the runner's log kept per learner (its end)


@dataclass
class Summary:
    """What a run did: counts per status, how many were skipped as already graded, the sandbox used."""

    mode: str
    counts: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    total: int = 0
    results: list[dict] = field(default_factory=list)


def _result(submission: Submission, assignment: Assignment, status: str, detail: str, outcomes: dict, **extra) -> dict:
    from mlkit.course.checks.registry import unit_exercises

    titles = {e.name: e.title for e in (unit_exercises(assignment.unit) or [])}
    items = []
    for call in assignment.calls:
        outcome = outcomes.get(call.exercise) or {
            "status": "not_attempted",
            "message": "not checked: the notebook was not run" if status in (INVALID, MISSING) else "not checked",
        }
        items.append(
            {
                "exercise": call.exercise,
                "title": titles.get(call.exercise, call.exercise),
                "status": outcome["status"],
                "message": gradebook.clean_text(str(outcome["message"])),
                "points": call.points if outcome["status"] == "passed" else 0,
                "max_points": call.points,
            }
        )
    return {
        "learner": submission.learner,
        "key": submission.key,
        "unit": assignment.unit,
        "status": status,
        "detail": gradebook.clean_text(str(detail)),
        "exercises": items,
        "total": sum(i["points"] for i in items),
        "max_points": assignment.max_points,
        **extra,
    }


def grade_one(
    submission: Submission,
    assignment: Assignment,
    limits: sandbox.Limits,
    mode: str,
    hidden: list[Path],
    stop: threading.Event | None = None,
) -> tuple[dict, str]:
    """Grade one submission; returns its result and the end of the grader's log."""
    started = time.monotonic()
    if submission.notebook is None:
        status = MISSING if submission.missing else INVALID
        return _result(submission, assignment, status, submission.problem, {}), ""
    try:
        digest = fingerprint(submission.notebook)
    except OSError as error:  # e.g. mode 000 from an archive, with the grader run as an ordinary user
        detail = f"the notebook cannot be read ({error.strerror or type(error).__name__})"
        return _result(submission, assignment, INVALID, detail, {}, sandbox=mode), ""
    nb, problem = check_notebook(submission.notebook, assignment.unit)
    extra = {"fingerprint": digest, "sandbox": mode}
    if nb is None:
        return _result(submission, assignment, INVALID, problem, {}, **extra), ""
    import nbformat

    workdir = Path(tempfile.mkdtemp(prefix=f"mlkit-grade-{submission.key}-")).resolve()
    try:
        (workdir / "scratch").mkdir()
        notebook = workdir / "submission.ipynb"
        nbformat.write(nb, str(notebook))
        key = secrets.token_bytes(32)
        spec = {
            "unit": assignment.unit,
            "notebook": str(notebook),
            "scratch": str(workdir / "scratch"),
            "calls": [c.to_dict() for c in assignment.calls],
            "limits": limits.to_dict(),
            "nproc": sandbox.process_budget(limits.max_processes),
            "own_namespace": mode == "bwrap",
        }
        spec_path = workdir / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        argv = [sys.executable, "-I", "-m", "mlkit.grading.runner", str(spec_path)]
        wall = _wall(limits, len(assignment.calls))
        finished = sandbox.run(argv, workdir, limits, mode, hidden, wall, stop, stdin_data=key, stderr_cap=LOG_TAIL)
        log = finished.stderr.decode("utf-8", "replace")
        extra["seconds"] = round(time.monotonic() - started, 2)
        if finished.killed == "processes":
            detail = f"the notebook started more than {limits.max_processes} processes (threads count too); the grader stopped it"
            return _result(submission, assignment, CRASHED, detail, {}, **extra), log
        if finished.killed == "timeout":
            detail = f"the notebook did not finish within {limits.timeout:g} s; the grader stopped it"
            return _result(submission, assignment, TIMED_OUT, detail, {}, **extra), log
        if finished.killed == "stopped":
            raise KeyboardInterrupt
        ran = authenticated(finished.stdout, key)
        if ran is None:
            detail = (
                f"the grader's runner stopped without its signed result (exit code {finished.returncode}); "
                "anything else written on its output was ignored"
            )
            return _result(submission, assignment, CRASHED, detail, {}, **extra), log
        status = ran.get("status") if ran.get("status") in (GRADED, TIMED_OUT, CRASHED) else CRASHED
        detail = str(ran.get("detail", ""))
        errors = ran.get("cell_errors") or []
        if errors and status == GRADED:
            shown = ", ".join(f"{n} ({e})" if e else str(n) for n, e in errors[:5])
            detail = f"code cells raised errors: {shown}" + (" and more" if len(errors) > 5 else "") + (
                f"; {detail}" if detail else ""
            )
        if ran.get("grader_error"):
            log += f"\nthe grader could not load the checks: {ran['grader_error']}\n"
        return _result(submission, assignment, status, detail, _outcomes(ran, assignment), **extra), log
    finally:
        remove_tree(workdir)


def _wall(limits: sandbox.Limits, exercises: int) -> float:
    """Seconds after which the sandbox is killed: the notebook, each answer's read and check, start-up and slack.

    An answer may be read twice: in one cell with the others due at the same point, which
    can time out, then alone (see :func:`mlkit.grading.runner._capture_batch`).
    """
    per_exercise = 2 * (CAPTURE_TIMEOUT + INTERRUPT_GRACE) + max(limits.timeout_cell, 10)
    return limits.timeout + INTERRUPT_GRACE + 60 + exercises * per_exercise + 30


def authenticated(stdout: bytes, key: bytes) -> dict | None:
    """The runner's result: the line of its output signed with ``key`` (HMAC-SHA256), or None.

    Lines are ``<hex digest> <JSON object>``; any line that is not signed with
    this run's key (written by the learner's code into the runner's pipe) is
    ignored, whatever it says.
    """
    for line in reversed(stdout.split(b"\n")):
        digest, _, body = line.strip().partition(b" ")
        expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        if not body or not hmac.compare_digest(digest, expected):
            continue
        try:
            found = json.loads(body)
        except (ValueError, RecursionError):
            return None
        return found if isinstance(found, dict) else None
    return None


def _outcomes(ran: dict, assignment: Assignment) -> dict:
    """The runner's outcome of each exercise of the assignment, checked for shape."""
    found = ran.get("exercises") if isinstance(ran.get("exercises"), dict) else {}
    outcomes = {}
    for call in assignment.calls:
        outcome = found.get(call.exercise)
        if isinstance(outcome, dict) and outcome.get("status") in ("passed", "not_attempted", "incorrect", "error"):
            outcomes[call.exercise] = {"status": outcome["status"], "message": str(outcome.get("message", ""))}
    return outcomes


def grade(
    submissions: list[Submission],
    assignment: Assignment,
    out: Path,
    limits: sandbox.Limits,
    jobs: int = 1,
    mode: str = "bwrap",
    regrade: bool = False,
    hidden: list[Path] = (),
    on_result: Callable[[dict, bool], None] | None = None,
) -> Summary:
    """Grade every submission, ``jobs`` at a time, storing each result as it finishes.

    A learner whose stored result is for the same notebook (same SHA-256) is
    skipped unless ``regrade``; ``on_result(result, skipped)`` is called for
    every learner. Anything but :class:`InputError` raised while one learner
    is graded or stored becomes that learner's crashed row (the error named
    in its detail, the traceback in its log), never the end of the run.

    Raises
    ------
    InputError
        When ``out`` grades another unit, or a notebook is to be run with
        ``mode="limits"`` as root.
    """
    from mlkit.course import curriculum

    out = Path(out)
    gradebook.prepare(out, assignment.unit, assignment.exercises)
    title = curriculum.get_unit(assignment.unit).title
    summary = Summary(mode=mode, total=len(submissions))
    hidden = [*hidden, out]
    todo = []
    for sub in submissions:
        known = None if regrade else gradebook.read_result(out, sub.key)
        if known and known.get("unit") == assignment.unit and _unchanged(known, sub):
            summary.skipped += 1
            summary.counts[known["status"]] = summary.counts.get(known["status"], 0) + 1
            summary.results.append(known)
            if on_result:
                on_result(known, True)
        else:
            todo.append(sub)
    gradebook.rebuild(out, assignment.exercises)
    stop = threading.Event()

    def work(sub: Submission) -> dict:
        try:
            result, log = grade_one(sub, assignment, limits, mode, hidden, stop)
            gradebook.store(out, result, feedback.page(result, title), log, assignment.exercises)
        except InputError:  # the instructor's setting (e.g. --sandbox none as root), not this learner's
            raise
        except Exception as error:  # one learner's row, never the end of everyone's grading
            result, log = _failed(sub, assignment, mode, error)
            gradebook.store(out, result, feedback.page(result, title), log, assignment.exercises)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="mlkit-grade") as pool:
        pending = {pool.submit(work, sub) for sub in todo}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    summary.counts[result["status"]] = summary.counts.get(result["status"], 0) + 1
                    summary.results.append(result)
                    if on_result:
                        on_result(result, False)
        except BaseException:
            stop.set()
            for future in pending:
                future.cancel()
            raise
    return summary


def _failed(submission: Submission, assignment: Assignment, mode: str, error: Exception) -> tuple[dict, str]:
    """The row of a learner whose grading or storing raised ``error``: crashed, with the error named, and the log."""
    import traceback

    what = gradebook.clean_text(f"{type(error).__name__}: {str(error)[:300]}")
    detail = f"the grader failed on this submission ({what}); nothing of it was graded; the next run grades it again"
    log = gradebook.clean_text("".join(traceback.format_exception(error))[-LOG_TAIL:])
    return _result(submission, assignment, CRASHED, detail, {}, sandbox=mode), log


def _unchanged(known: dict, sub: Submission) -> bool:
    if sub.notebook is None:
        return known.get("status") in (MISSING, INVALID) and "fingerprint" not in known
    try:
        return known.get("fingerprint") == fingerprint(sub.notebook)
    except OSError:
        return False
