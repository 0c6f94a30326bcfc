"""``mlkit doctor``: one OK/FAIL line per check of the set-up (a learner install needs no test tools)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="check Python, the locked dependencies, a kernel and the data folder")
    parser.add_argument("--lock", type=Path, help="lock file to compare against (default: requirements/lock.txt)")
    parser.add_argument("--no-kernel", action="store_true", help="skip starting a kernel")
    parser.add_argument(
        "--dev", action="store_true",
        help="also check the test tools (default: only in a checkout with tests/ and pyproject.toml)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mlkit.course.doctor import run_checks

    if args.lock is not None and not args.lock.is_file():
        raise InputError(f"lock file {args.lock} does not exist")
    results = run_checks(lock_path=args.lock, kernel=not args.no_kernel, dev=True if args.dev else None)
    width = max(len(r.name) for r in results)
    for result in results:
        print(f"{'OK  ' if result.ok else 'FAIL'}  {result.name.ljust(width)}  {result.detail}")
    failed = [r.name for r in results if not r.ok]
    print(f"\n{len(failed)} problem(s): {', '.join(failed)}" if failed else "\nall checks passed")
    return 1 if failed else 0
