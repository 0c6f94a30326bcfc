"""The feedback page of one learner: their status, and each check's message.

Only the kit's check messages appear, which never reveal the answer (the test
suite checks every wrong answer's message against the exercise's secret
values); no hint or worked solution is included.
"""

from __future__ import annotations

import html

from mlkit.grading import GRADED, STATUS_WORDS

_LABELS = {"passed": "Correct", "not_attempted": "Not attempted", "incorrect": "Not quite", "error": "Error in your code"}
_COLOURS = {"passed": "#2e7d32", "not_attempted": "#616161", "incorrect": "#c62828", "error": "#e65100"}


def _inline(text: str) -> str:
    pieces = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces)).replace("\n", "<br>")


def page(result: dict, unit_title: str) -> str:
    """A self-contained HTML page for the learner of ``result``."""
    learner = html.escape(result["learner"])
    status = result["status"]
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Feedback for {learner}: {html.escape(unit_title)}</title>",
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4}"
        "td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
        "table{border-collapse:collapse}</style>",
        "</head><body>",
        f"<h1>{html.escape(unit_title)}</h1>",
        f"<p>Feedback for <strong>{learner}</strong>: {result.get('total', 0)} of {result.get('max_points', 0)} points.</p>",
    ]
    if status != GRADED or result.get("detail"):
        word = STATUS_WORDS.get(status, status)
        lines.append(f'<p class="status">Your notebook was <strong>{html.escape(word)}</strong>'
                     + (f": {_inline(result['detail'])}" if result.get("detail") else "") + ".</p>")
    if result.get("exercises"):
        lines.append("<table><tr><th>Exercise</th><th>Result</th><th>Points</th><th>What the check said</th></tr>")
        for item in result["exercises"]:
            colour = _COLOURS.get(item["status"], "#000")
            label = _LABELS.get(item["status"], item["status"])
            lines.append(
                f"<tr><td>{html.escape(item.get('title') or item['exercise'])}</td>"
                f'<td style="color:{colour}"><strong>{html.escape(label)}</strong></td>'
                f"<td>{item['points']} / {item['max_points']}</td><td>{_inline(item['message'])}</td></tr>"
            )
        lines.append("</table>")
        lines.append("<p>In your notebook, <code>ex.&lt;exercise&gt;.hint()</code> gives a hint for any exercise.</p>")
    lines.append("</body></html>")
    return "\n".join(lines) + "\n"
