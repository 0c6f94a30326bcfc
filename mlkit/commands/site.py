"""``mlkit site build``: the course as a static website, offline (see :mod:`mlkit.publish.site`)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser("site", help="build the course as a static website")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build",
        help="build the website from the stored notebooks (offline)",
        description="Build the course as a static website from the stored notebooks, offline: a start page, "
        "a page per unit, every lesson and exercise statement, search. Preview it with "
        "`python -m http.server -d DIR`.",
    )
    build.add_argument("--out", default=None, help="output folder (default: build/site in the kit)")
    build.add_argument("--with-solutions", action="store_true", help="also publish the worked solutions")
    build.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from mlkit.paths import repo_root
    from mlkit.publish import site

    root = repo_root()
    out = Path(args.out) if args.out else (root or Path.cwd()) / site.DEFAULT_OUT
    result = site.build(out, with_solutions=args.with_solutions, root=root)
    print(f"built {len(result.pages)} pages in {result.seconds:.0f} s: {result.index}")
    if result.warnings:
        print(f"{len(result.warnings)} warning(s) from Jupyter Book; the first: {result.warnings[0]}")
    print(f"preview: python -m http.server -d {result.out} 8000, then open http://localhost:8000")
    return 0
