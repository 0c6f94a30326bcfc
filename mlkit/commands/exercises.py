"""``mlkit exercises``: generate the exercise notebooks from the solutions, or check them."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlkit.errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("exercises", help="generate exercises/ from solutions/, or check they agree")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build_parser = actions.add_parser("build", help="generate exercise notebooks from solution notebooks")
    build_parser.add_argument(
        "paths", nargs="*", type=Path, help="solution (or exercise) notebooks to build (default: all)"
    )
    build_parser.set_defaults(func=build)
    check_parser = actions.add_parser(
        "check", help="fail when exercises/ is out of date, lacks a source, or shows part of a solution"
    )
    check_parser.set_defaults(func=check)
    verify_parser = actions.add_parser(
        "verify",
        help="prove the checks: equivalent forms of each right answer must pass, mutants of the solution must fail",
    )
    verify_parser.add_argument("units", nargs="*", metavar="UNIT", help="unit ids (default: every unit with exercises)")
    verify_parser.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    verify_parser.add_argument("--jobs", type=int, default=2, help="notebooks verified in parallel (default: 2)")
    verify_parser.add_argument(
        "--max-mutants", type=int, default=40, help="mutants tried per exercise, spread over its code (default: 40)"
    )
    verify_parser.set_defaults(func=verify)


def _root() -> Path:
    from mlkit.paths import repo_root

    root = repo_root()
    if root is None:
        raise InputError("no checkout of the kit found: run this inside the repository")
    return root


def build(args: argparse.Namespace) -> int:
    from mlkit.course.authoring.sync import build as build_all
    from mlkit.course.authoring.sync import relative

    root = _root()
    done = build_all(root, args.paths or None)
    for item in done:
        print(f"{item.action:<9}  {relative(root, item.path)}")
    updated = sum(item.action != "unchanged" for item in done)
    print(f"{len(done)} exercise notebook(s), {updated} changed")
    return 0


def check(args: argparse.Namespace) -> int:
    from mlkit.course.authoring.sync import check as check_all
    from mlkit.course.authoring.sync import solution_paths

    root = _root()
    found = check_all(root)
    for line in found:
        print(line)
    print(f"{len(solution_paths(root))} solution notebook(s) checked, {len(found)} problem(s)")
    return 1 if found else 0


def verify(args: argparse.Namespace) -> int:
    import json

    from mlkit.course import curriculum
    from mlkit.course.verification.report import summary_of_dicts, verify_all

    root = _root()
    if args.jobs < 1 or args.max_mutants < 1:
        raise InputError("--jobs and --max-mutants take a whole number of at least 1")
    units = [u for u in curriculum.units() if u.solutions and (root / u.solutions).is_file()]
    if args.units:
        known = {u.id: u for u in units}
        unknown = [name for name in args.units if name not in known]
        if unknown:
            raise InputError(f"no exercises for unit {unknown[0]!r}; units with exercises: {', '.join(known)}")
        units = [known[name] for name in args.units]
    reports = verify_all([root / u.solutions for u in units], jobs=args.jobs, max_mutants=args.max_mutants)
    totals = summary_of_dicts(reports)
    if args.format == "json":
        print(json.dumps({"summary": totals, "exercises": reports}, indent=1))
    else:
        print(text_report(reports, totals))
    return 0 if totals["meets_targets"] else 1


def text_report(reports: list[dict], totals: dict) -> str:
    lines = [f"{'exercise':<44} {'variants':>9} {'mutants':>9} {'equiv':>6}  verdict"]
    for r in reports:
        verdict = "ok" if r["meets_targets"] else ("PROBLEM" if r["problem"] else "below target")
        lines.append(
            f"{r['exercise']:<44} {r['variants_accepted']:>4}/{r['variants_generated']:<4} "
            f"{r['mutants_killed']:>4}/{r['non_equivalent']:<4} {r['mutants_equivalent']:>6}  {verdict}"
        )
        if r["problem"]:
            lines.append(f"    {r['problem']}")
        for v in r["refused_variants"]:
            lines.append(f"    refused a right answer ({v['form']}, argument {v['argument']}): {v['status']}: {v['message']}")
        for s in r["survivors"]:
            lines.append(f"    a mutant passed (line {s['line']}, {s['change']}); it differs from the solution on {s['differs_on']}")
    lines.append("")
    lines.append(
        f"variants accepted {totals['variants_accepted']}/{totals['variants_generated']} ({totals['variant_rate']:.1%}, target 100%); "
        f"non-equivalent mutants killed {totals['mutants_killed']}/{totals['mutants_non_equivalent']} "
        f"({totals['kill_rate']:.1%}, target 95% overall and 85% in each exercise); "
        f"{totals['exercises_meeting_targets']} of {totals['exercises']} exercises meet the targets"
    )
    return "\n".join(lines)
