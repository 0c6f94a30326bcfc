"""``mlkit slides UNIT``: a lesson as reveal.js slides that open offline (see :mod:`mlkit.publish.slides`)."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "slides",
        help="a lesson as reveal.js slides, offline",
        description="Write a lesson as reveal.js slides: one slide per section (headings), the author's slide "
        "metadata kept, outputs and figures as stored. Open the file in a browser; it needs no network.",
    )
    parser.add_argument("unit", metavar="UNIT", help="unit id or number, e.g. calculus-optimisation or 7")
    parser.add_argument("--out", default=None, help="slides file (default: build/slides/NN_slug.slides.html in the kit)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mlkit.publish import slides

    result = slides.build(args.unit, args.out)
    print(f"wrote {result.path}: {result.slides} slides, {result.subslides} sub-slides (scripts in {result.assets})")
    return 0
