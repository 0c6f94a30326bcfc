"""Readable forms of a result: a plain-text report, Markdown and HTML for notebooks, a JSON object.

These functions format what the core computed; they return strings (or a
DataFrame) and never print.
"""

from __future__ import annotations

import html
from typing import Callable

from mlkit.readiness.bank import LETTERS, Bank, load_bank
from mlkit.readiness.path import LearningPath
from mlkit.readiness.practice import PracticeSince
from mlkit.readiness.prior import Prior
from mlkit.readiness.scoring import Result


SCORE_NOTE = (
    "Score = answers weighted by difficulty; a low self-rating lowers it (80% answers + 20% self-rating), "
    "a high one never raises it. Ready from 70; below 40 with the basics missed: introductory course first."
)
LINK_STYLE = "color:#0b57d0;text-decoration:underline"  # a link that looks like one in any Lab theme
COMING = "coming: the lesson is being written"  # shown instead of a link for a planned unit


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def area_rows(result: Result, practice: PracticeSince | None = None) -> list[dict]:
    """One row per area: score, level, right answers, self-rating (and exercises since, when given)."""
    rows = []
    for a in result.areas:
        row = {
            "area": a.title,
            "score": round(a.score),
            "level": a.level_words,
            "right": f"{a.right}/{a.questions}",
            "answers": _percent(a.knowledge),
            "self-rating": _percent(a.self_rating),
        }
        if practice is not None:
            row["exercises since"] = practice.per_area.get(a.area, 0)
        rows.append(row)
    return rows


def area_frame(result: Result, practice: PracticeSince | None = None):
    """The per-area scores as a pandas DataFrame (imports pandas)."""
    import pandas as pd

    return pd.DataFrame(area_rows(result, practice)).set_index("area")


def text_report(result: Result, path: LearningPath, prior: Prior | None = None, practice: PracticeSince | None = None) -> str:
    """The whole result as plain text for a terminal."""
    title = "Readiness self-assessment" + (f": {result.person}" if result.person else "")
    lines = [title, "=" * len(title), f"{result.answered} of {result.questions} questions answered", ""]
    rows = area_rows(result, practice)
    header = list(rows[0])
    cells = [[str(r[h]) for h in header] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines += ["", SCORE_NOTE]
    if practice is not None and practice.note:
        lines.append(f"Exercises since: {practice.note}.")
    lines += ["", result.summary, ""]
    lines.append(path_text(path))
    if prior is not None:
        lines += ["", f"For the decision workbook: {prior}."]
    return "\n".join(lines)


def _course_intro(path: LearningPath) -> str:
    low, high = path.course_hours
    if len(path.courses) == 1:
        return f"First, before the kit's units: an introductory course, about {low}-{high} hours of study. The kit's units assume the basics it teaches."
    return (
        f"First, before the kit's units: {len(path.courses)} introductory courses, about {low}-{high} hours of study "
        "in all. The kit's units assume the basics they teach."
    )


def _course_basis(path: LearningPath) -> str:
    return f"Hours: the usual size of a first-year course in ECTS credits, at {path.courses[0].basis}."


def _units_head(path: LearningPath) -> str:
    then = "Then the kit's units" if path.courses else "The kit's units"
    return f"{then}: {len(path.steps)} units, about {path.hours:.1f} hours, in prerequisite order"


def path_text(path: LearningPath) -> str:
    """The learning path as plain text: introductory courses first, then numbered units with reasons."""
    if not path.steps and not path.courses:
        return "Learning path: nothing to study first; every answer was right."
    lines = ["Learning path"]
    if path.courses:
        lines.append(_course_intro(path))
        lines += [f"  - {c.kind}: about {c.hours[0]}-{c.hours[1]} h ({c.credits:g} ECTS credits)" for c in path.courses]
        lines.append(_course_basis(path))
    if path.steps:
        lines.append(_units_head(path))
    for i, step in enumerate(path.steps, start=1):
        where = step.lesson if step.available else COMING
        lines.append(f"{i:2d}. {step.title} ({step.hours:.1f} h, {step.priority}) - {where}")
        lines += [f"      why: {reason}" for reason in step.reasons]
    return "\n".join(lines)


def path_markdown(path: LearningPath, link_prefix: str = "../") -> str:
    """The learning path as Markdown: introductory courses first, then the units linked to their lessons.

    ``link_prefix`` goes before each lesson path (``"../"`` from a notebook in ``notebooks/``).
    """
    if not path.steps and not path.courses:
        return "**Learning path:** nothing to study first; every answer was right."
    lines = []
    if path.courses:
        lines += [f"**{_course_intro(path)}**", ""]
        lines += [f"- {c.kind}: about {c.hours[0]}–{c.hours[1]} h ({c.credits:g} ECTS credits)" for c in path.courses]
        lines += ["", f"*{_course_basis(path)}*", ""]
    if path.steps:
        lines += [f"**{_units_head(path)}.**", ""]
    for i, step in enumerate(path.steps, start=1):
        title = f"[{step.title}]({link_prefix}{step.lesson})" if step.available else f"{step.title} ({COMING})"
        lines.append(f"{i}. {title} — {step.hours:.1f} h, *{step.priority}*  ")
        lines.append(f"   why: {'; '.join(step.reasons)}")
    return "\n".join(lines)


def path_html(path: LearningPath, link_prefix: str = "", link: Callable[[str], str] | None = None) -> str:
    """The learning path as HTML (for the quiz widget): courses first, then the units linked to their lessons.

    Links are relative (``link_prefix`` + the lesson's file name, or ``link(kit path)`` when
    given, e.g. :func:`mlkit.course.workspace.lesson_link`), open in the same JupyterLab, and
    are underlined in the link colour.
    """
    if not path.steps and not path.courses:
        return "<p><b>Learning path:</b> nothing to study first; every answer was right.</p>"
    parts = []
    if path.courses:
        items = "".join(
            f"<li>{html.escape(c.kind)}: about {c.hours[0]}–{c.hours[1]} h ({c.credits:g} ECTS credits)</li>" for c in path.courses
        )
        parts.append(f"<p><b>{html.escape(_course_intro(path))}</b></p><ul>{items}</ul>")
        parts.append(f"<p><small>{html.escape(_course_basis(path))}</small></p>")
    items = []
    for step in path.steps:
        reasons = html.escape("; ".join(step.reasons))
        if step.available:
            target = link(step.lesson) if link is not None else link_prefix + step.lesson.removeprefix("notebooks/")
            title = f'<a href="{html.escape(target, quote=True)}" style="{LINK_STYLE}">{html.escape(step.title)}</a>'
        else:
            title = f"{html.escape(step.title)} <i>({COMING})</i>"
        items.append(
            f"<li>{title} — {step.hours:.1f} h, "
            f"<i>{step.priority}</i><br><small>why: {reasons}</small></li>"
        )
    if items:
        parts.append(f"<p><b>{html.escape(_units_head(path))}.</b></p><ol>{''.join(items)}</ol>")
    return "".join(parts)


def feedback_markdown(result: Result, bank: Bank | None = None, only_missed: bool = True, markdown: bool = True) -> str:
    """Each (missed) question with the answer given, the right answer and the explanation.

    ``markdown=False`` gives plain text for a terminal.
    """
    bank = bank or load_bank()
    strong = "**" if markdown else ""
    lines = []
    for outcome in result.outcomes:
        if only_missed and outcome.right:
            continue
        question = bank.question(outcome.question_id)
        lines.append(f"- {strong}{question.id}{strong} ({question.topic}) — you: {_given(question, outcome.given, outcome.status)}; "
                     f"right: {question.correct_text}. {question.explanation}")  # fmt: skip
    return "\n".join(lines) if lines else "Every answer was right."


def feedback_html(result: Result, bank: Bank | None = None) -> str:
    """The missed questions with the right answers and explanations, as an HTML list (for the quiz widget)."""
    bank = bank or load_bank()
    items = []
    for outcome in result.outcomes:
        if outcome.right:
            continue
        q = bank.question(outcome.question_id)
        items.append(
            f"<li><b>{html.escape(q.id)}</b> ({html.escape(q.topic)}): {html.escape(q.text)}<br>"
            f"you: {html.escape(_given(q, outcome.given, outcome.status))}; right: <b>{html.escape(q.correct_text)}</b>. "
            f"{html.escape(q.explanation)}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>" if items else "<p>Every answer was right.</p>"


def _given(question, given, status: str) -> str:
    if status == "unanswered":
        return "not answered"
    if status == "dont-know":
        return "don't know"
    if question.kind == "choice":  # the text, not the letter: the order shown differs per attempt
        return question.choices[LETTERS.index(given)]
    return f"{given:g}"


def to_json(result: Result, path: LearningPath, prior: Prior | None = None, practice: PracticeSince | None = None) -> dict:
    """Everything as one JSON-friendly object: result, path, prior, exercises since."""
    data = {"result": result.to_dict(), "path": path.to_dict(), "prior": prior.to_dict() if prior else None}
    if practice is not None:
        data["exercises_since"] = {"since": practice.since, "per_area": practice.per_area, "other": practice.other, "note": practice.note}
    return data
