"""The readiness quiz as an ipywidgets app, for ``notebooks/01_readiness.ipynb``.

One step at a time, area by area, with a progress bar and Back / Next. Every
answer goes straight to :class:`mlkit.readiness.QuizSession`, which saves it,
so after a kernel restart the app opens where the person stopped. When the
quiz is finished (or was finished before), it shows the result: the level in
words, a chart per area (with exercises completed since), the learning path
with links to the lessons, the missed questions explained, and the prior for
the decision workbook. "Retake the quiz" starts a new attempt; the old ones
stay in the history.

The app only wires controls to :mod:`mlkit.readiness` and
:mod:`mlkit.plots.readiness`; it computes nothing itself.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import ipywidgets as w

from mlkit import readiness
from mlkit.errors import InputError, storage_message
from mlkit.readiness.report import feedback_html, path_html, path_text
from mlkit.plots.readiness import area_scores_figure

DONT_KNOW_LABEL = readiness.session.DONT_KNOW_LABEL


class ReadinessQuiz:
    """The quiz app; display it (it is the last value of a cell) or use ``.widget``.

    Parameters
    ----------
    folder:
        Where attempts are saved (default: ``<user data folder>/readiness``).
    link_prefix:
        Put before lesson file names in the path's links. By default (``None``) each
        link goes to the learner's copy of the lesson beside this notebook in the
        workspace, or to the kit's lesson when the quiz runs in ``notebooks/``
        (:func:`mlkit.course.workspace.lesson_link`).
    """

    def __init__(self, folder: Path | str | None = None, link_prefix: str | None = None):
        self.folder = folder
        self.link_prefix = link_prefix
        self.header = w.HTML()
        self.progress = w.IntProgress(min=0, max=1, layout=w.Layout(width="100%"))
        self.prompt = w.HTML()
        self.choices = w.RadioButtons(options=[], layout=w.Layout(width="auto"))
        self.number = w.Text(placeholder="a number, e.g. 0.25 or 1/4", layout=w.Layout(width="16em"))
        self.dont_know = w.Checkbox(description=DONT_KNOW_LABEL, indent=False)
        self.message = w.HTML()
        self.back_button = w.Button(description="Back", icon="arrow-left")
        self.next_button = w.Button(description="Next", icon="arrow-right", button_style="primary")
        self.retake_button = w.Button(description="Retake the quiz", icon="redo")
        self.back_button.on_click(lambda _: self.back())
        self.next_button.on_click(lambda _: self.next())
        self.retake_button.on_click(lambda _: self.retake())
        self.answer_box = w.VBox()
        self.quiz_box = w.VBox(
            [self.header, self.progress, self.prompt, self.answer_box, self.message, w.HBox([self.back_button, self.next_button])]
        )
        self.result_box = w.VBox()
        self.widget = w.VBox([self.quiz_box, self.result_box])
        try:
            self.session = readiness.QuizSession.resume(folder)
            latest = readiness.latest_result(folder) if self.session is None else None
            if latest is not None:
                self.show_result(latest.result, since=latest.finished)
            else:
                self.session = self.session or readiness.QuizSession.start(folder)
                self.show_step()
        except OSError as error:
            self.show_storage_problem(error)

    def show_storage_problem(self, error: OSError) -> None:
        """The quiz cannot keep answers: say where and what to do, instead of a quiz that loses them."""
        self.quiz_box.children = [self.message]
        self.message.value = (
            "<span style='color:#b00020'>The quiz cannot start, because it could not save your answers: "
            f"{html.escape(storage_message(error))}.</span>"
        )
        self.quiz_box.layout.display, self.result_box.layout.display = None, "none"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -- the quiz ---------------------------------------------------------------

    def show_step(self) -> None:
        """Show the session's current step, with an earlier answer pre-selected."""
        session, step = self.session, self.session.current
        self.quiz_box.layout.display, self.result_box.layout.display = None, "none"
        self.message.value = ""
        self.header.value = (
            f"<b>{html.escape(step.area.title)}</b> — {step.number} of {step.area_steps} in this area"
            f" · step {session.position + 1} of {len(session.steps)}"
        )
        self.progress.max, self.progress.value = len(session.steps), session.done()
        self.prompt.value = _prompt_html(step)
        earlier = session.answer_for(step)
        answered = session.has_answer(step)
        if step.numeric:
            self.number.value = "" if earlier is None else f"{earlier:g}"
            self.dont_know.value = answered and earlier is None
            self.answer_box.children = [self.number, self.dont_know]
        else:
            # shown in this attempt's order; each option's value is the bank's letter, which is what is saved
            options = [(f"{letter}) {text}", step.stored(letter)) for letter, text in zip(step.letters, step.choices)]
            if step.kind == "rating":
                options = [(text, i) for i, text in enumerate(step.choices)]
            else:
                options.append((DONT_KNOW_LABEL, readiness.session.DONT_KNOW))
            self.choices.options = options
            if answered:
                self.choices.value = readiness.session.DONT_KNOW if earlier is None else earlier
            else:
                self.choices.value = None
            self.answer_box.children = [self.choices]
        self.back_button.disabled = session.position == 0
        self.next_button.description = "Finish" if session.position == len(session.steps) - 1 else "Next"

    def next(self) -> None:
        """Record the shown answer and move on (or finish)."""
        step = self.session.current
        try:
            if step.numeric:
                value = None if self.dont_know.value else readiness.parse_response(step, self.number.value)
            elif self.choices.value is None:
                raise InputError(f"choose an answer{'' if step.kind == 'rating' else ' (or ' + DONT_KNOW_LABEL + ')'}")
            elif step.kind == "rating":
                value = self.choices.value
            else:
                value = None if self.choices.value == readiness.session.DONT_KNOW else self.choices.value
        except InputError as error:
            self.message.value = f"<span style='color:#b00020'>{html.escape(str(error))}</span>"
            return
        try:
            self.session.record(value)
        except OSError as error:
            self.message.value = f"<span style='color:#b00020'>Your answer was not saved: {html.escape(storage_message(error))}</span>"
            return
        if self.session.finished:
            self.show_result(self.session.result(), since=self.session.answers.finished)
        else:
            self.show_step()

    def back(self) -> None:
        """Go back one step; its answer is kept and shown."""
        try:
            self.session.back()
        except OSError as error:
            self.message.value = f"<span style='color:#b00020'>Could not go back: {html.escape(storage_message(error))}</span>"
            return
        self.show_step()

    def retake(self) -> None:
        """Start a new attempt; finished ones stay in the history."""
        try:
            self.session = readiness.QuizSession.start(self.folder)
        except OSError as error:
            self.show_storage_problem(error)
            return
        self.show_step()

    # -- the result ---------------------------------------------------------------

    def show_result(self, result, since: str | None) -> None:
        """Show the level, the chart, the path, the explanations and the prior."""
        practice = readiness.exercises_since(since)
        figure = area_scores_figure(result, practice)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        path = readiness.learning_path(result)
        prior = readiness.suggest_prior(result)
        explanations = w.Accordion([w.HTML(feedback_html(result))], titles=("Your missed questions, explained",))
        explanations.selected_index = None
        self.result_box.children = [
            w.HTML(f"<h3>{html.escape(result.summary)}</h3>"),
            w.Image(value=buffer.getvalue(), format="png"),
            _path_output(path, self.link_prefix),
            explanations,
            w.HTML(f"<p><b>For the decision workbook:</b> {html.escape(str(prior))}.</p>"),
            self.retake_button,
        ]
        self.quiz_box.layout.display, self.result_box.layout.display = "none", None


def _path_output(path, link_prefix: str | None) -> w.Output:
    """The learning path as a notebook output rather than widget HTML.

    JupyterLab renders an output's HTML with its own link handling: a relative
    link to a lesson opens that notebook in the same Lab, without reloading the
    page or opening a second Lab in a new tab.
    """
    box = w.Output()
    from mlkit.course.workspace import lesson_link

    html = path_html(path, link_prefix) if link_prefix is not None else path_html(path, link=lesson_link)
    bundle = {"text/html": html, "text/plain": path_text(path)}
    box.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)
    return box


def _prompt_html(step) -> str:
    parts = [f"<p style='font-size:1.1em'>{html.escape(step.prompt)}</p>"]
    question = step.question
    if question is not None and question.setup:
        parts.append(f"<p>Tables:</p><pre>{html.escape(question.setup)}</pre>")
    if question is not None and question.code:
        parts.append(f"<pre>{html.escape(question.code)}</pre>")
    return "".join(parts)
