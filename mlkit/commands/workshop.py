"""``mlkit workshop``: plan a session from the catalogue, make its handout, link learners to the kit."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from mlkit.errors import InputError


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def register(subparsers) -> None:
    parser = subparsers.add_parser("workshop", help="plan a workshop, make its handout folder, or make an nbgitpuller link")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    plan = actions.add_parser("plan", help="an agenda with breaks from the catalogue's time estimates, as Markdown")
    plan.add_argument("--minutes", type=int, required=True, help="length of the session, breaks included")
    plan.add_argument("--units", type=_ids, help="comma-separated unit ids (see `mlkit curriculum`)")
    plan.add_argument("--area", help="every unit of this area instead of --units")
    plan.add_argument("--start", help="clock time of the start, e.g. 09:30 (default: times from 0:00)")
    plan.add_argument("--title", default="Workshop plan", help="heading of the agenda")
    plan.add_argument("--out", type=Path, help="write the Markdown here instead of printing it")
    plan.set_defaults(func=run_plan)

    release = actions.add_parser("release", help="make the handout folder: exercise and lesson notebooks, the learner kit, lock file, README")
    release.add_argument("--units", type=_ids, required=True, help="comma-separated unit ids")
    release.add_argument("--out", type=Path, required=True, help="a new (or empty) folder")
    release.add_argument(
        "--graded", action="store_true",
        help="for a graded session: exercises only, a learner kit without solutions, hints or checks, made a one-commit git repository",
    )
    release.add_argument("--branch", help="branch of the graded release's repository (default: graded)")
    release.set_defaults(func=run_release)

    link = actions.add_parser("link", help="an nbgitpuller link that puts the kit in each learner's home on a JupyterHub")
    link.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.org")
    link.add_argument("--repo", help="the kit repository's git URL (default: this checkout's `origin`)")
    link.add_argument("--branch", help="branch to pull (default: main, or the graded release's branch)")
    link.add_argument("--path", help="file or folder to open, inside the repository (default: notebooks/00_start_here.ipynb, or exercises of a release)")
    link.add_argument("--release", type=Path, help="a graded release folder (`release --graded`): pull its branch, which holds no solutions")
    link.add_argument("--app", choices=("lab", "notebook"), default="lab", help="interface to open (default: lab)")
    link.set_defaults(func=run_link)


def _root() -> Path:
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None:
        raise InputError("this needs the kit's notebooks: run it from a checkout of the kit's repository")
    return root


def run_plan(args: argparse.Namespace) -> int:
    from mlkit.course import workshop

    start = workshop.parse_start(args.start)
    agenda = workshop.plan(args.minutes, args.units, args.area, root=_root())
    text = workshop.markdown(agenda, start, args.title)
    if args.out:
        from mlkit.grading.gradebook import write_atomic

        write_atomic(args.out, text)
        print(f"wrote {args.out}: {len(agenda.units)} unit(s) in {agenda.used} of {args.minutes} minutes")
    else:
        print(text, end="")
    return 0


def run_release(args: argparse.Namespace) -> int:
    from mlkit.course import workshop

    if args.branch is not None and not args.graded:
        raise InputError("--branch names the repository branch of a graded release: add --graded, or leave --branch out")
    args.branch = args.branch or workshop.DEFAULT_GRADED_BRANCH
    root = _root()
    written = workshop.release(args.units, args.out, root, graded=args.graded, branch=args.branch)
    for path in written:
        if path.parent == args.out or workshop.KIT_DIR not in path.relative_to(args.out).parts:
            print(f"  {path.relative_to(args.out)}")
    kit = sum(1 for p in written if workshop.KIT_DIR in p.relative_to(args.out).parts)
    print(f"  {workshop.KIT_DIR}/ ({kit} file(s): the kit's package{', without solutions, hints or checks' if args.graded else ''})")
    print(f"handout: {args.out} ({len(written)} file(s)); learners install the kit as its README.md says")
    if args.graded:
        print(
            f"graded release: a git repository with one commit on branch {args.branch!r}. Push it to a repository of its own "
            f"(git -C {args.out} push <URL> {args.branch}), then: mlkit workshop link --hub <hub> --repo <URL> --release {args.out}"
        )
    return 0


def _origin(root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    url = done.stdout.strip()
    if url.startswith("git@") and ":" in url:  # git@github.com:org/kit.git -> https://github.com/org/kit.git
        host, _, path = url[4:].partition(":")
        url = f"https://{host}/{path}"
    return url if done.returncode == 0 and url else None


def run_link(args: argparse.Namespace) -> int:
    from mlkit.course import workshop

    if args.release is not None:
        manifest = workshop.read_manifest(args.release)
        if not args.repo:
            raise InputError("--repo: give the URL of the repository you pushed the graded release to")
        if args.branch and args.branch != manifest["branch"]:
            raise InputError(f"--branch: the release is on branch {manifest['branch']!r}, got {args.branch!r}; leave --branch out")
        print(workshop.link(args.hub, args.repo, manifest["branch"], args.path or "exercises", args.app))
        return 0
    repo = args.repo or _origin(_root())
    if not repo:
        raise InputError("--repo: this checkout has no `origin` remote; give the kit repository's URL with --repo")
    print(workshop.link(args.hub, repo, args.branch or "main", args.path or "notebooks/00_start_here.ipynb", args.app))
    print("note: learners get the whole branch; the kit's repository holds solutions/, so for a graded session link a release (--release)", file=sys.stderr)
    return 0
