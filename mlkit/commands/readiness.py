"""``mlkit readiness``: the self-assessment quiz in a terminal, scoring an answers file, a cohort summary.

- ``mlkit readiness`` asks the quiz one step at a time (works with piped
  input too), saving every answer; run it again to continue where you stopped.
- ``mlkit readiness --answers FILE.json [--format table|json]`` scores a file
  without asking.
- ``mlkit readiness --answers FOLDER [--cohort OUT.csv]`` summarises a folder of
  answer files (one row per file) and writes the CSV.
- ``mlkit readiness --history`` lists your finished attempts and the
  exercises you completed since the latest.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "Type the letter of your answer (or a number); ? = don't know; back = previous step; quit = stop here (answers are saved)."


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "readiness",
        help="take the readiness self-assessment, or score answer files",
        description="Take the readiness self-assessment interactively (answers are saved as you go), "
        "score an answers file, or summarise a folder of answer files for a cohort.",
    )
    parser.add_argument("--answers", type=Path, metavar="FILE_OR_FOLDER", help="score this answers file (JSON) or summarise this folder of them")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")
    parser.add_argument("--cohort", type=Path, metavar="OUT.csv", help="with --answers FOLDER: write the cohort summary CSV here ('-' for standard output)")
    parser.add_argument("--new", action="store_true", help="start a new attempt even if an unfinished one exists")
    parser.add_argument("--history", action="store_true", help="list your finished attempts and the exercises completed since the latest")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mlkit.errors import InputError

    if args.cohort is not None and (args.answers is None or not args.answers.is_dir()):
        raise InputError("--cohort needs --answers FOLDER, a folder of answer files")
    if args.answers is not None and (args.new or args.history):
        raise InputError("--answers scores files; it cannot be combined with --new or --history")
    if args.history:
        return _history(args)
    if args.answers is not None:
        return _cohort(args) if args.answers.is_dir() else _score_file(args)
    return _quiz(args)


def _report(result, fmt: str, practice=None, with_feedback: bool = False) -> str:
    from mlkit import readiness

    path = readiness.learning_path(result)
    prior = readiness.suggest_prior(result)
    if fmt == "json":
        return json.dumps(readiness.to_json(result, path, prior, practice), indent=2, ensure_ascii=False)
    text = readiness.text_report(result, path, prior, practice)
    if with_feedback:
        text += "\n\nYour missed questions, with explanations:\n" + readiness.feedback_markdown(result, markdown=False)
    return text


def _score_file(args: argparse.Namespace) -> int:
    from mlkit import readiness

    result = readiness.score(readiness.load_answers(args.answers))
    print(_report(result, args.format))
    return 0


def _cohort(args: argparse.Namespace) -> int:
    from mlkit.readiness import cohort

    rows = cohort.cohort_summary(args.answers)
    text = cohort.cohort_csv(rows)
    if args.cohort is not None and str(args.cohort) != "-":
        args.cohort.parent.mkdir(parents=True, exist_ok=True)
        args.cohort.write_text(text, encoding="utf-8")
    errors = [r for r in rows if r.status == "error"]
    if args.format == "json":
        print(json.dumps({"rows": [_row_dict(r) for r in rows], "area_means": cohort.area_means(rows),
                          "unit_demand": dict(cohort.unit_demand(rows))}, indent=2, ensure_ascii=False))  # fmt: skip
    elif str(args.cohort) == "-":
        print(text, end="")
    else:
        print(_cohort_table(rows, cohort))
        if args.cohort is not None:
            print(f"\nwrote {args.cohort} ({len(rows)} rows)")
    for row in errors:
        print(f"mlkit readiness: could not read {row.file}: {row.error}", file=sys.stderr)
    return 1 if errors else 0


def _row_dict(row) -> dict:
    from dataclasses import asdict

    data = asdict(row)
    for key in ("take_first", "refresh", "path_units"):
        data[key] = list(data[key])
    return data


def _cohort_table(rows, cohort) -> str:
    readable = [r for r in rows if r.status != "error"]
    lines = [f"{len(rows)} answer files, {len(readable)} readable, {sum(r.status == 'finished' for r in readable)} finished", ""]
    lines.append(f"{'file':30}  {'level':13}  {'prior':5}  introductory course first")
    for r in rows:
        if r.status == "error":
            lines.append(f"{r.file[:30]:30}  {'error':13}  {'':5}  see below")
        else:
            lines.append(f"{r.file[:30]:30}  {r.level:13}  {r.completion_prior:5.2f}  {', '.join(r.take_first) or '-'}")
    if readable:
        means = cohort.area_means(rows)
        lines += ["", "mean score per area: " + ", ".join(f"{k} {v:.0f}" for k, v in means.items())]
        demand = cohort.unit_demand(rows)
        lines.append("units most needed: " + (", ".join(f"{u} ({n} of {len(readable)})" for u, n in demand[:6]) or "none"))
    return "\n".join(lines)


def _history(args: argparse.Namespace) -> int:
    from mlkit import readiness

    done = readiness.history()
    latest = done[-1] if done else None
    practice = readiness.exercises_since(latest.finished if latest else None)
    if args.format == "json":
        print(json.dumps({
            "attempts": [{"id": a.id, "finished": a.finished, "level": a.result.level_words,
                          "scores": {s.area: round(s.score, 1) for s in a.result.areas}} for a in done],
            "exercises_since": {"since": practice.since, "per_area": practice.per_area, "other": practice.other, "note": practice.note},
        }, indent=2))  # fmt: skip
        return 0
    if not done:
        print("No finished self-assessment yet: run `mlkit readiness` to take it.")
        return 0
    areas = [s.area for s in done[0].result.areas]
    print(f"{'finished':25}  " + "  ".join(f"{a[:12]:>12}" for a in areas) + "  level")
    for attempt in done:
        scores = "  ".join(f"{s.score:12.0f}" for s in attempt.result.areas)
        print(f"{attempt.finished:25}  {scores}  {attempt.result.level_words}")
    counts = ", ".join(f"{a} {n}" for a, n in practice.per_area.items())
    print(f"\nExercises completed since {latest.finished}: {practice.total} ({counts}; other units {practice.other})")
    if practice.note:
        print(f"({practice.note})")
    return 0


def _quiz(args: argparse.Namespace) -> int:
    from mlkit import readiness
    from mlkit.errors import InputError

    session = readiness.QuizSession.start() if args.new else readiness.QuizSession.open()
    interactive = sys.stdin.isatty()
    if session.resumed:
        print(f"Resuming your unfinished attempt at step {session.position + 1} of {len(session.steps)}.")
    else:
        print(f"Readiness self-assessment: {len(session.steps)} steps in 6 areas, about 30 minutes.")
    print(HELP)
    while session.current is not None:
        step = session.current
        print()
        print(_format_step(step, session))
        while True:
            try:
                line = input("> ")
            except EOFError:
                print()
                print(f"Input ended at step {session.position + 1} of {len(session.steps)}; your answers are saved. "
                      "Run `mlkit readiness` again to continue.", file=sys.stderr)  # fmt: skip
                return 1
            if not interactive:
                print(line)
            command = line.strip().lower()
            if command == "quit":
                print(f"Stopped at step {session.position + 1}; your answers are saved. Run `mlkit readiness` to continue.")
                return 0
            if command == "back":
                session.back()
                break
            try:
                value = readiness.parse_response(step, line)
            except InputError as error:
                print(f"  {error}")
                continue
            session.record(value)
            break
    print()
    print(_report(session.result(), args.format, with_feedback=args.format == "table"))
    if args.format == "table":
        print("\nSaved. The decision workbook can now load the prior (mlkit.readiness.load_prior()); "
              "`mlkit readiness --history` shows your attempts over time.")  # fmt: skip
    return 0


def _format_step(step, session) -> str:
    from mlkit import readiness

    where = f"[{step.area.title} · {step.number} of {step.area_steps} · step {session.position + 1} of {len(session.steps)}]"
    lines = [where, step.prompt]
    question = step.question
    if question is not None and question.setup:
        lines += ["", "Tables:"] + [f"    {line}" for line in question.setup.splitlines()]
    if question is not None and question.code:
        lines += [""] + [f"    {line}" for line in question.code.splitlines()] + [""]
    previous = session.answer_for(step) if session.has_answer(step) else None
    for letter, choice in zip(step.letters, step.choices):
        text = choice.replace("\n", "\n     ")
        lines.append(f"  {letter}) {text}")
    if step.kind == "question":
        lines.append(f"  {readiness.session.DONT_KNOW}) {readiness.session.DONT_KNOW_LABEL}")
    hint = f"Type {step.accepts}."
    if session.has_answer(step):
        shown = "don't know" if previous is None else step.letters[previous] if step.kind == "rating" else f"{previous:g}" if step.numeric else step.shown(previous)
        hint += f" (Your earlier answer: {shown}.)"
    lines.append(hint)
    return "\n".join(lines)
