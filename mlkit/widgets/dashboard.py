"""The learner's dashboard on the start page, as an ipywidgets app.

It shows what :func:`mlkit.course.progress.dashboard` returns: the one next step, the
readiness result and its learning path, and per unit whether the lesson was opened, the
exercises passed and the last activity in local time. "Make my copies" calls
:func:`mlkit.course.workspace.work` (which never overwrites a copy) and says where the copies
went. The app computes nothing itself; when the data folder cannot be read it shows why.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from mlkit.errors import MlkitError, storage_message

ERROR_STYLE = "color:#b00020"


def problem_text(error: Exception) -> str:
    """One sentence for a person about a data folder or workspace that could not be used."""
    return storage_message(error) if isinstance(error, OSError) else str(error)


def _shown(folder: Path, root: Path | None) -> str:
    """The folder relative to the kit's folder when inside it (``workspace/``), else as it is."""
    if root is not None and Path(folder).resolve().is_relative_to(Path(root).resolve()):
        return Path(folder).resolve().relative_to(Path(root).resolve()).as_posix() + "/ (in the kit's folder)"
    return str(folder)


def _lesson(openings: int) -> str:
    return "not yet" if not openings else "opened" if openings == 1 else f"opened {openings}&times;"


def dashboard_html(board, root: Path | None = None) -> str:
    """The dashboard as HTML: the next step, the readiness result, a table with one row per unit."""
    parts = [
        "<div style='border-left:4px solid #1a73e8;padding:4px 10px;margin:4px 0 10px 0'>"
        f"<b>Your next step:</b> {_inline_code(board.next_step.text)}.</div>"
    ]
    if board.readiness is not None:
        r = board.readiness
        taken = f" (taken {html.escape(r.finished_seen)})" if r.finished_seen else ""
        parts.append(f"<p><b>Readiness check{taken}:</b> {html.escape(r.summary)}")
        if r.path_titles:
            titles = ", ".join(html.escape(t) for t in r.path_titles)
            parts.append(f"<br><b>Your learning path:</b> {len(r.path_titles)} units, about {r.path_hours:g} hours: {titles}.")
        parts.append("</p>")
    else:
        parts.append("<p><b>Readiness check:</b> not taken yet.</p>")
    rows = "".join(
        "<tr>"
        f"<td>{u.number:02d}</td><td style='text-align:left'>{html.escape(u.title)}</td>"
        f"<td>{_lesson(u.lesson_openings)}</td>"
        f"<td>{f'{u.passed} of {u.exercises}' if u.exercises else '&ndash;'}</td>"
        f"<td>{html.escape(u.last_seen) or '&ndash;'}</td>"
        "</tr>"
        for u in board.units
    )
    parts.append(
        "<style>.mlkit-dashboard td, .mlkit-dashboard th {padding: 2px 12px}</style>"
        "<table class='mlkit-dashboard'><thead><tr><th>#</th><th style='text-align:left'>unit</th><th>lesson</th>"
        f"<th>exercises passed</th><th>last activity</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    if board.copies_folder is not None:
        made = "are in" if board.copies_made else "will go to"
        parts.append(f"<p>Your copies of the notebooks {made} <code>{html.escape(_shown(board.copies_folder, root))}</code>.</p>")
    return "".join(parts)


def _inline_code(text: str) -> str:
    """Escape ``text`` and show its `backticked` parts as code."""
    pieces = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))


class StartDashboard:
    """The start page's dashboard with its "Make my copies" button; display it or use ``.widget``.

    Parameters
    ----------
    path:
        The progress store (default: the learner's).
    root:
        The kit's checkout whose workspace gets the copies (default: the one this kit runs from;
        without one the button is hidden).
    readiness_folder:
        Where readiness attempts are saved (default: the learner's).
    """

    def __init__(self, path: Path | None = None, root: Path | None = None, readiness_folder: Path | None = None):
        from mlkit.paths import repo_root

        self.path, self.readiness_folder = path, readiness_folder
        self.root = Path(root) if root is not None else repo_root()
        self.view = w.HTML()
        self.message = w.HTML()
        self.copy_button = w.Button(description="Make my copies", icon="copy", button_style="primary",
                                    tooltip="copy the start page, lessons and exercises into your workspace; "
                                            "never overwrites a copy you have")
        self.copy_button.on_click(lambda _: self.make_copies())
        controls = [self.copy_button] if self.root is not None else []
        self.widget = w.VBox([self.view, w.HBox(controls), self.message])
        self.refresh()

    def refresh(self) -> None:
        """Read the progress again and redraw; a data folder that cannot be read is shown as a message."""
        from mlkit.course import progress

        try:
            board = progress.dashboard(path=self.path, root=self.root, readiness_folder=self.readiness_folder)
        except (MlkitError, OSError) as error:
            self.view.value = f"<p style='{ERROR_STYLE}'>Your progress cannot be shown: {html.escape(problem_text(error))}</p>"
            return
        self.view.value = dashboard_html(board, self.root)

    def make_copies(self) -> None:
        """Copy the kit's notebooks into the workspace (never overwriting) and say where they went."""
        from mlkit.course import workspace

        try:
            placed = workspace.work(self.root)
        except (MlkitError, OSError) as error:
            self.message.value = f"<p style='{ERROR_STYLE}'>No copies were made: {html.escape(problem_text(error))}</p>"
            return
        copied = sum(p.action == workspace.COPIED for p in placed)
        folder = html.escape(_shown(workspace.workspace_dir(self.root), self.root))
        kept = f"; {len(placed) - copied} you already had were left as they are" if len(placed) > copied else ""
        self.message.value = (
            f"<p>{copied} notebook(s) copied into <code>{folder}</code>{kept}. "
            "Open them from there: your work in them is never overwritten by the kit.</p>"
        )
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = "Run this cell (or Run \u2192 Run All Cells) to see your dashboard."
        return bundle
