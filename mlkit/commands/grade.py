"""``mlkit grade``: run a folder of learners' notebooks safely and grade them with the kit's checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mlkit.errors import InputError

SANDBOX_WARNING = (
    "mlkit grade: warning: bubblewrap (bwrap) is not available, so submissions run with resource limits, "
    "timeouts and a scrubbed environment only. That is NOT a security boundary: a submission can read and "
    "change your files and use the network. Install bubblewrap (apt-get install bubblewrap) or grade on a "
    "machine you can throw away."
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="grade a folder of submissions into a gradebook, each in a fresh sandboxed kernel",
        description="Run each learner's notebook in a fresh kernel (sandboxed with bubblewrap when available), "
        "check their answers with the kit's own checks, and write gradebook.csv, grades_long.csv and a "
        "feedback page per learner to --out. Each result is written as its submission finishes; a rerun "
        "skips learners already graded (unless --regrade) and regrades those whose notebook changed.",
    )
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR",
                        help="a notebook per learner (alice.ipynb) or a folder per learner holding one notebook")
    parser.add_argument("--assignment", required=True, metavar="UNIT_ID", help="the unit whose exercises are graded")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the gradebook and feedback")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="submissions graded at once (default: 1)")
    parser.add_argument("--timeout-cell", type=float, default=120, metavar="S", help="limit per cell in seconds (default: 120)")
    parser.add_argument("--timeout", type=float, default=600, metavar="S", help="limit per notebook in seconds (default: 600)")
    parser.add_argument("--memory", type=int, default=2048, metavar="MB", help="address-space limit per process in MB (default: 2048)")
    parser.add_argument("--disk", type=int, default=1024, metavar="MB",
                        help="writable space per submission in MB, a tmpfs under bubblewrap (default: 1024)")
    parser.add_argument("--max-processes", type=int, default=64, metavar="N", help="processes a submission may start (default: 64)")
    parser.add_argument("--roster", type=Path, metavar="FILE", help="learner ids, one per line: those who handed nothing in are listed as missing")
    parser.add_argument("--regrade", action="store_true", help="grade every submission again, even those already graded")
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                        help="auto: bubblewrap when it works (default); bwrap: require it; none: limits only")
    parser.add_argument("--export", action="append", metavar="FORMAT",
                        help="also write the totals for a learning platform: canvas (canvas.csv), moodle (moodle.csv); "
                        "repeat the option or give a comma list")
    parser.add_argument("--canvas-id", choices=("login", "sis"), default="login",
                        help="Canvas column that holds the learner id: login (SIS Login ID, default) or sis (SIS User ID)")
    parser.add_argument("--canvas-assignment-id", default="", metavar="ID",
                        help="Canvas assignment id, to update that assignment (default: Canvas creates a new one)")
    parser.add_argument("--moodle-id", choices=("username", "email", "idnumber"), default="username",
                        help="what the learner ids are in Moodle: username (default), email or idnumber")
    parser.set_defaults(func=run)


class Progress:
    """A one-line progress bar on stderr (a line per submission when stderr is not a terminal)."""

    WIDTH = 24

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.counts = total, 0, {}
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()

    def update(self, result: dict, skipped: bool) -> None:
        from mlkit.grading import STATUS_WORDS
        from mlkit.grading.submissions import display_id

        self.done += 1
        word = STATUS_WORDS.get(result["status"], result["status"])
        self.counts[word] = self.counts.get(word, 0) + 1
        counts = ", ".join(f"{n} {w}" for w, n in sorted(self.counts.items()))
        filled = self.WIDTH * self.done // max(self.total, 1)
        bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total}"
        what = f"{display_id(result['learner'])}: {word}{' (already graded)' if skipped else ''}, {result['total']}/{result['max_points']}"
        if self.tty:
            self.stream.write(f"\r\033[K{bar}  {counts}  | {what}")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"{bar}  {what}  ({counts})\n")
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from mlkit.grading import assignment, batch, gradebook, sandbox, skip_slow_imports, submissions
    from mlkit.paths import repo_root

    skip_slow_imports()

    if args.jobs < 1:
        raise InputError(f"--jobs must be 1 or more, got {args.jobs}")
    exports = gradebook.parse_exports(args.export)
    limits = sandbox.Limits(
        timeout_cell=args.timeout_cell, timeout=args.timeout, memory_mb=args.memory, max_processes=args.max_processes,
        disk_mb=args.disk,
    )
    task = assignment.load(args.assignment)
    roster = submissions.read_roster(args.roster) if args.roster else None
    scanned = submissions.scan(args.submissions, task.notebook.name, roster)
    found = scanned.submissions
    if not found:
        raise InputError(f"SUBMISSIONS_DIR: {str(args.submissions)!r} holds no notebooks (*.ipynb) or learner folders")
    out = args.out.resolve()
    if out == args.submissions.resolve() or args.submissions.resolve() in out.parents:
        raise InputError("--out must not be inside SUBMISSIONS_DIR (it would be graded as a learner's folder)")
    mode = sandbox.resolve_mode(args.sandbox)
    if mode != "bwrap":
        print(SANDBOX_WARNING, file=sys.stderr)
    root = repo_root()
    hidden = [args.submissions.resolve(), *([root / "solutions"] if root else [])]
    bar = Progress(len(found))
    summary = batch.grade(found, task, out, limits, jobs=args.jobs, mode=mode, regrade=args.regrade, hidden=hidden, on_result=bar.update)
    from mlkit.grading import STATUS_WORDS

    counts = ", ".join(f"{n} {STATUS_WORDS.get(s, s)}" for s, n in sorted(summary.counts.items()))
    skipped = f" ({summary.skipped} already graded, not rerun)" if summary.skipped else ""
    print(f"{summary.total} learner(s): {counts}{skipped}")
    print(f"gradebook: {out / 'gradebook.csv'}")
    print(f"feedback:  {out / 'feedback'}/")
    _report_skipped(out, scanned.skipped)
    _export(args, out, task, exports)
    return 0


def _report_skipped(out: Path, skipped: list[tuple[str, str]]) -> None:
    """List on stderr, and in OUT/skipped.csv, what in the submissions folder was no learner's."""
    from mlkit.grading import gradebook

    path = gradebook.write_skipped(out, skipped)
    if skipped:
        print(f"not graded ({len(skipped)}, listed in {path}):", file=sys.stderr)
        for name, reason in skipped:
            print(f"  {name}: {reason}", file=sys.stderr)


def _export(args: argparse.Namespace, out: Path, task, exports: list[str]) -> None:
    """Write the platform files asked for with --export, from the stored results (nothing is regraded)."""
    from mlkit.course import curriculum
    from mlkit.grading import gradebook

    written = gradebook.export(
        out,
        exports,
        curriculum.get_unit(task.unit).title,
        task.max_points,
        canvas_id=args.canvas_id,
        canvas_assignment_id=args.canvas_assignment_id,
        moodle_id=args.moodle_id,
    )
    for path in written:
        print(f"{path.stem + ':':<10} {path}")
