"""``mlkit workshop``: plan a session from the catalogue, make its handout, link learners to the kit."""

from __future__ import annotations

import argparse
import subprocess
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

    release = actions.add_parser("release", help="make the handout folder: exercise and lesson notebooks, lock file, README")
    release.add_argument("--units", type=_ids, required=True, help="comma-separated unit ids")
    release.add_argument("--out", type=Path, required=True, help="a new (or empty) folder")
    release.set_defaults(func=run_release)

    link = actions.add_parser("link", help="an nbgitpuller link that puts the kit in each learner's home on a JupyterHub")
    link.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.org")
    link.add_argument("--repo", help="the kit repository's git URL (default: this checkout's `origin`)")
    link.add_argument("--branch", default="main", help="branch to pull (default: main)")
    link.add_argument("--path", default="notebooks/00_start_here.ipynb", help="file or folder to open, inside the repository")
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

    root = _root()
    written = workshop.release(args.units, args.out, root)
    for path in written:
        print(f"  {path.relative_to(args.out)}")
    print(f"handout: {args.out} ({len(written)} file(s)); learners need the kit installed, see its README.md")
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

    repo = args.repo or _origin(_root())
    if not repo:
        raise InputError("--repo: this checkout has no `origin` remote; give the kit repository's URL with --repo")
    print(workshop.link(args.hub, repo, args.branch, args.path, args.app))
    return 0
