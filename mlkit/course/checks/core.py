"""The checks protocol: exercises, their outcomes, hints and solutions.

One small protocol serves every exercise of every unit:

- a **check function** receives the learner's objects as arguments (never
  reading notebook globals) and either returns (the answer is right; an
  optional string says something about it) or raises :class:`Incorrect` with a
  message about *this* mistake;
- an :class:`Exercise` wraps the check function with its id, title and
  staged hints, and turns whatever happens into an :class:`Outcome`;
- an :class:`ExerciseSet` holds a unit's exercises (``ex.split``, ``ex.cv``)
  and lists them when displayed.

Outcomes are one of four statuses. ``not_attempted`` is reported when an
argument is still the stub's ``...`` (Ellipsis) or when the learner's
function still raises ``NotImplementedError``; ``error`` when the learner's
code raised, shown as the exception's type and message only.

Examples
--------
>>> from mlkit.course.checks.core import ExerciseSet, Incorrect
>>> demo = ExerciseSet("demo", "A demonstration unit")
>>> @demo.exercise("double", title="Double a number", hints=("Multiply.",))
... def double(value):
...     if value != 42:
...         raise Incorrect("`value` should be twice 21.")
>>> print(demo.double.check(...))
Not attempted yet: replace the ... in the exercise cell with your answer, then run the check again.
>>> demo.double.check(40).status
'incorrect'
>>> print(demo.double.check(42))
Correct!
"""

from __future__ import annotations

import html
import os
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator

from mlkit.course.checks.plain import Refused, plain

PASSED = "passed"
NOT_ATTEMPTED = "not_attempted"
INCORRECT = "incorrect"
ERROR = "error"
STATUSES = (PASSED, NOT_ATTEMPTED, INCORRECT, ERROR)

HIDE_ENV = "MLKIT_HIDE_SOLUTIONS"
CONFIG_FILE = "config.toml"

_LABELS = {
    PASSED: "Correct",
    NOT_ATTEMPTED: "Not attempted yet",
    INCORRECT: "Not quite",
    ERROR: "Error in your code",
}
_COLOURS = {  # border, background
    PASSED: ("#2e7d32", "#edf7ed"),
    NOT_ATTEMPTED: ("#616161", "#f5f5f5"),
    INCORRECT: ("#c62828", "#fdecea"),
    ERROR: ("#e65100", "#fff4e5"),
}
_STUB_MESSAGE = "replace the ... in the exercise cell with your answer, then run the check again."
_FUNCTION_STUB_MESSAGE = (
    "write your code in the exercise cell, in place of its `raise NotImplementedError(...)` line, "
    "then run that cell and the check again."
)
CHECK_COULD_NOT_RUN = "The check could not run on this answer"


# --- what a check function raises -------------------------------------------------


class Incorrect(Exception):
    """Raised by a check: the answer is wrong; the message says how (never what is right)."""


class NotAttempted(Exception):
    """Raised by a check: the learner has not answered yet."""


class LearnerCodeError(Exception):
    """The learner's code raised while a check ran it; wraps the original exception."""

    def __init__(self, original: BaseException):
        super().__init__(describe_exception(original))
        self.original = original


def describe_exception(error: BaseException) -> str:
    """``"TypeError: message"``: the exception's type and first line, no traceback."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text and text[0] else type(error).__name__


def call_learner(function: Callable, *args, **kwargs):
    """Call code the learner wrote, translating what it raises for the checks.

    ``NotImplementedError`` (what a generated stub raises) becomes
    :class:`NotAttempted`; any other exception becomes :class:`LearnerCodeError`. What the
    code returns is made plain (:func:`~mlkit.course.checks.plain.plain`), so that no method
    of the learner's classes decides how the check compares it.
    """
    try:
        result = function(*args, **kwargs)
    except NotImplementedError as error:
        raise NotAttempted(_FUNCTION_STUB_MESSAGE) from error
    except (Incorrect, NotAttempted, LearnerCodeError):
        raise
    except Exception as error:
        raise LearnerCodeError(error) from error
    try:
        return plain(result)
    except Refused as refused:
        raise Incorrect(f"your code returned something that is not a plain value: {refused}") from None
    except Exception as error:
        raise LearnerCodeError(error) from error


def beside_learner(function: Callable, *args, **kwargs):
    """Run the check's own ``function`` on the learner's objects, where the learner's code runs.

    In a notebook or a test this is a plain call. When the grader checks a handed-in notebook, the
    learner's functions and objects live in a process of their own and the check holds handles
    on them (:mod:`mlkit.grading.isolation`); ``function`` (the check's code, such as a call of
    ``jax.grad`` on the learner's loss, which must trace the learner's code itself) is then sent
    to run beside them, and what it returns comes back as data. Exceptions come back by name.
    """
    from mlkit.course.checks.plain import _is_grader_handle

    for value in (*args, *kwargs.values()):
        if _is_grader_handle(type(value)):
            return value._mlkit_run_beside(function, args, kwargs)
    return function(*args, **kwargs)


# --- outcomes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The result of one check: a status, a message, and an optional note.

    ``str()`` gives plain text (terminal, logs, the grader); Jupyter shows the
    HTML form. Both are deterministic: no times, addresses or paths.
    """

    status: str
    message: str = ""
    exercise: str = ""
    title: str = ""
    note: str = ""
    origin: str = "learner"  # for an error: "learner" (their code raised) or "check" (the check's own code did)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    @property
    def passed(self) -> bool:
        """True when the answer was right."""
        return self.status == PASSED

    def __bool__(self) -> bool:
        return self.passed

    @property
    def label(self) -> str:
        """The status in words a learner reads ("Correct", "Not quite", ...)."""
        if self.status == ERROR and self.origin == "check":
            return CHECK_COULD_NOT_RUN
        return _LABELS[self.status]

    def __str__(self) -> str:
        text = f"{self.label}: {self.message}" if self.message else f"{self.label}!"
        return f"{text}\n({self.note})" if self.note else text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        border, background = _COLOURS[self.status]
        heading = html.escape(self.title or self.exercise)
        parts = [
            f'<div class="mlkit-outcome mlkit-{self.status}" style="border-left: 4px solid {border}; '
            f'background: {background}; padding: 0.4em 0.8em; margin: 0.2em 0;">',
            f'<strong style="color: {border};">{html.escape(self.label)}</strong>',
        ]
        if heading:
            parts.append(f' <span style="color: #555;">({heading})</span>')
        if self.message:
            parts.append(f"<div>{_inline_code(self.message)}</div>")
        if self.note:
            parts.append(f'<div style="color: #555; font-size: 90%;">{_inline_code(self.note)}</div>')
        parts.append("</div>")
        return "".join(parts)


def _inline_code(text: str) -> str:
    """Escape ``text`` for HTML and render `backticked` parts as code."""
    pieces = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces)).replace("\n", "<br>")


@dataclass(frozen=True)
class Notice:
    """A hint, a worked solution or a notice: text with a heading, shown as text or HTML."""

    heading: str
    text: str
    code: bool = False

    def __str__(self) -> str:
        return f"{self.heading}\n{self.text}" if self.text else self.heading

    __repr__ = __str__

    def _repr_html_(self) -> str:
        body = f"<pre>{html.escape(self.text)}</pre>" if self.code else f"<div>{_inline_code(self.text)}</div>"
        return (
            '<div class="mlkit-notice" style="border-left: 4px solid #1565c0; background: #e8f0fe; '
            f'padding: 0.4em 0.8em; margin: 0.2em 0;"><strong>{html.escape(self.heading)}</strong>{body}</div>'
        )


# --- exercises -------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """Arguments for a check, as a wrong-answer builder returns them: ``Answer(X_train, ...)``."""

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @classmethod
    def of(cls, *args, **kwargs) -> "Answer":
        return cls(args, kwargs)


@dataclass
class Exercise:
    """One exercise: an id, a title, staged hints and the function that checks an answer.

    Parameters
    ----------
    unit, name:
        The exercise id is ``"<unit>.<name>"``; ``name`` is also the attribute of
        the unit's :class:`ExerciseSet` and the ``ex:<name>`` tag of its cells.
    title:
        What the learner is asked to do, in a few words.
    check_function:
        Receives the learner's objects; returns ``None`` or a short remark when
        right, raises :class:`Incorrect` when wrong.
    hints:
        Staged hints, from a nudge to nearly the answer.
    wrong_answers:
        Builders of plausible wrong answers (each returns an :class:`Answer`);
        the test suite checks that each one fails with a specific message.
    secrets:
        Returns strings (the right values) that no failure message may contain;
        the test suite checks this on the wrong answers.
    """

    unit: str
    name: str
    title: str
    check_function: Callable[..., Any]
    hints: tuple[str, ...] = ()
    wrong_answers: list[Callable[[], Answer]] = field(default_factory=list)
    secrets: Callable[[], list[str]] | None = None
    _hints_shown: int = field(default=0, repr=False, compare=False)

    @property
    def id(self) -> str:
        """``"<unit>.<name>"``, the key of the registry and of the progress store."""
        return f"{self.unit}.{self.name}"

    # learner-facing API

    def check(self, *objects, **named) -> Outcome:
        """Check the learner's answer, record the attempt, and return the outcome."""
        outcome = self.evaluate(*objects, **named)
        note = _record(self, outcome)
        if note:
            outcome = replace(outcome, note=note)
        return outcome

    def hint(self, stage: int | None = None) -> Notice:
        """The next hint (a nudge first, more on each call), or hint number ``stage`` (1-based)."""
        if not self.hints:
            return Notice(f"No hints for {self.title}", "")
        if stage is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            stage = self._hints_shown
        elif not (isinstance(stage, int) and 1 <= stage <= len(self.hints)):
            from mlkit.errors import InputError

            raise InputError(f"hint stage must be a whole number from 1 to {len(self.hints)}, got {stage!r}")
        text = self.hints[stage - 1]
        if stage == len(self.hints):
            text += "\n(That was the last hint; `solution()` shows the worked solution.)"
        return Notice(f"Hint {stage} of {len(self.hints)}: {self.title}", text)

    def solution(self) -> "Notice | WorkedSolution":
        """The worked solution, unless the instructor turned solutions off."""
        if solutions_hidden():
            return Notice(
                f"Solution: {self.title}",
                "Solutions are turned off for this session by your instructor. Try the hints: `hint()`.",
            )
        found = _solution_parts(self)
        if isinstance(found, str):
            return Notice(f"Solution: {self.title}", found)
        return WorkedSolution(self.title, *found)

    # for authors, tests and the grader

    def evaluate(self, *objects, **named) -> Outcome:
        """Run the check without recording an attempt (the grader and tests use this)."""
        make = lambda status, message: Outcome(status, message, self.id, self.title)  # noqa: E731
        if any(value is Ellipsis for value in (*objects, *named.values())):
            return make(NOT_ATTEMPTED, _STUB_MESSAGE)
        try:
            objects, named = _plain_answer(objects, named)
            remark = self.check_function(*objects, **named)
        except Incorrect as wrong:
            return make(INCORRECT, str(wrong))
        except Refused as refused:  # a value the learner's code handed over could not be read as plain
            return make(INCORRECT, _sentence(str(refused)))
        except NotAttempted as pending:
            return make(NOT_ATTEMPTED, str(pending) or _STUB_MESSAGE)
        except LearnerCodeError as error:
            return make(ERROR, f"{error} (raised while checking your answer)")
        except NotImplementedError:
            return make(NOT_ATTEMPTED, _FUNCTION_STUB_MESSAGE)
        except TypeError as error:
            if _is_call_mismatch(error, self.check_function):
                return make(ERROR, f"this check takes {_signature(self.check_function)}; {error}")
            return make(ERROR, f"{describe_exception(error)} (raised while checking your answer)")
        except Exception as error:  # the check's own code could not handle this answer
            return Outcome(
                ERROR,
                f"{describe_exception(error)}. The check expected an answer to: {self.title}. "
                f"Compare your answer with what the exercise asks for, or try `ex.{self.name}.hint()`.",
                self.id,
                self.title,
                origin="check",
            )
        return make(PASSED, remark or "")

    def wrong_answer(self, builder: Callable[[], Answer]) -> Callable[[], Answer]:
        """Decorator: register a builder of a plausible wrong answer."""
        self.wrong_answers.append(builder)
        return builder

    def secret_values(self, function: Callable[[], list[str]]) -> Callable[[], list[str]]:
        """Decorator: register the function returning values no failure message may show."""
        self.secrets = function
        return function

    def __repr__(self) -> str:
        return f"<exercise {self.id}: {self.title}>"


def _plain_answer(objects: tuple, named: dict) -> tuple[tuple, dict]:
    """The learner's objects made plain before the check sees them (see :mod:`mlkit.course.checks.plain`).

    Raises :class:`Incorrect` for an object that cannot be read as a plain value.
    """
    try:
        return tuple(plain(o) for o in objects), {k: plain(v) for k, v in named.items()}
    except Refused as refused:
        raise Incorrect(_sentence(str(refused))) from None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _signature(function: Callable) -> str:
    import inspect

    params = [p.name for p in inspect.signature(function).parameters.values()]
    return f"{len(params)} argument(s): {', '.join(params)}"


def _is_call_mismatch(error: TypeError, function: Callable) -> bool:
    """True when ``error`` says the check was called with the wrong arguments."""
    tb = error.__traceback__  # raised by the call itself, not inside the check function
    return tb is not None and tb.tb_next is None


RETIRED: dict[str, str] = {
    "computer-vision.convolve": "exercise 3 now asks for a convolutional layer with several channels and filters, "
    "stride and zero padding (`ex.conv_layer`), and exercise 5 for its backward pass (`ex.conv_backward`); the "
    "lesson still writes the one-channel filter in full",
    "computer-vision.confusions": "the unit's exercises now ask for a convolutional layer's forward pass with several "
    "channels and filters, stride and zero padding instead (`ex.conv_layer`); unit 21 practises finding the most "
    "frequent confusion (`ex.most_confused`)",
    "computer-vision.judgement": "exercise 6 now asks about cameras re-hung in changing positions, with other options "
    "(`ex.camera`)",
    "deep-learning.momentum": "the unit's exercises now ask for batch normalisation and convolution arithmetic instead "
    "(`ex.batchnorm`, `ex.conv`)",
    "nlp.bag_of_words": "the unit's exercises now practise word vectors (PPMI) and self-attention instead",
    "multivariate-calculus.jacobian": "the unit's exercises now practise a Lagrange multiplier instead",
    "reinforcement-learning.q_update": "the unit's exercises now ask for the Expected SARSA target and value iteration "
    "instead (`ex.expected_sarsa`, `ex.value_iteration`)",
    "reinforcement-learning.sarsa_update": "the unit's exercises now ask for the Expected SARSA target instead "
    "(`ex.expected_sarsa`); the lesson's section on SARSA still shows the update",
    "reinforcement-learning.ucb": "the unit's exercises now keep one bandit strategy, epsilon-greedy with fair ties "
    "(`ex.epsilon_greedy`); the lesson still compares it with upper confidence bounds",
    "nlp.tokenise": "exercise 1 now asks for a tokeniser that keeps contractions and replaces numbers "
    "(`ex.tokenise_num`)",
    "nlp.pipeline": "exercise 2 now asks to choose the TF-IDF features by cross-validation (`ex.features`)",
    "nlp.errors": "exercise 3 now asks for a function that finds the most common confusion of any results table "
    "(`ex.most_confused`)",
}
"""Exercises an earlier release had, by id, with what replaced them: a learner's old copy still calls them."""


class RetiredExercise:
    """What ``ex.<name>`` gives for an exercise the unit no longer has: a message, never an error.

    A learner's copy of an older exercise notebook keeps its cells; running one of them says
    the exercise was retired and how to get the current notebook, and records nothing.
    """

    def __init__(self, exercise_id: str, why: str):
        self.id, self.why = exercise_id, why

    def _say(self) -> None:
        unit = self.id.partition(".")[0]
        print(f"Exercise {self.id} is no longer part of the kit: {self.why}. Your answer is not checked. "
              f"Run `mlkit work {unit}` for the current exercise notebook (your copy is kept).")

    def check(self, *args, **kwargs) -> None:
        """Say that the exercise was retired (nothing is checked or recorded)."""
        self._say()

    def hint(self) -> None:
        """Say that the exercise was retired."""
        self._say()

    def solution(self) -> None:
        """Say that the exercise was retired."""
        self._say()


class ExerciseSet:
    """The exercises of one unit: ``ex.split``, iteration in order, a list when displayed."""

    def __init__(self, unit: str, title: str = ""):
        self.unit = unit
        self.title = title or unit
        self._exercises: dict[str, Exercise] = {}

    def exercise(self, name: str, *, title: str, hints: tuple[str, ...] | list[str] = ()):
        """Decorator: turn a check function into an :class:`Exercise` of this unit."""
        if not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"exercise name must be a Python identifier without a leading _, got {name!r}")

        def wrap(function: Callable) -> Exercise:
            if name in self._exercises:
                raise ValueError(f"exercise {self.unit}.{name} is defined twice")
            made = Exercise(self.unit, name, title, function, tuple(hints))
            self._exercises[name] = made
            return made

        return wrap

    def __getattr__(self, name: str) -> Exercise:
        exercises = self.__dict__.get("_exercises", {})
        if name in exercises:
            return exercises[name]
        retired = RETIRED.get(f"{self.__dict__.get('unit')}.{name}")
        if retired is not None:
            return RetiredExercise(f"{self.__dict__.get('unit')}.{name}", retired)
        raise AttributeError(
            f"unit {self.__dict__.get('unit')!r} has no exercise {name!r}; it has: {', '.join(exercises) or 'none'}"
        )

    def __getitem__(self, name: str) -> Exercise:
        return getattr(self, name)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._exercises.values())

    def __len__(self) -> int:
        return len(self._exercises)

    def __contains__(self, name: object) -> bool:
        return name in self._exercises

    @property
    def names(self) -> list[str]:
        """Exercise names in the order they are taught."""
        return list(self._exercises)

    def __dir__(self):
        return [*super().__dir__(), *self._exercises]

    def __repr__(self) -> str:
        lines = [f"Exercises of {self.title} ({len(self)}):"]
        lines += [f"  ex.{e.name}: {e.title}" for e in self]
        lines.append("Each has .check(...), .hint() and .solution().")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = "".join(f"<li><code>ex.{e.name}</code>: {html.escape(e.title)}</li>" for e in self)
        return (
            f"<div class=\"mlkit-exercises\"><strong>Exercises of {html.escape(self.title)}</strong> ({len(self)})"
            f"<ol>{items}</ol>Each has <code>.check(...)</code>, <code>.hint()</code> and "
            "<code>.solution()</code>.</div>"
        )


# --- solutions on request ------------------------------------------------------------


def solutions_hidden(config_dir=None) -> bool:
    """True when the instructor turned worked solutions off.

    ``MLKIT_HIDE_SOLUTIONS=1`` (or ``true``/``yes``) turns them off; ``0``
    turns them on whatever the config says. Otherwise ``config.toml`` in the
    learner's data folder decides: ``[checks]`` ``hide_solutions = true``.
    """
    value = os.environ.get(HIDE_ENV, "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    import tomllib

    from mlkit.paths import user_data_dir

    path = (config_dir or user_data_dir()) / CONFIG_FILE
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except FileNotFoundError:
        return False
    except (OSError, tomllib.TOMLDecodeError):
        return True  # an unreadable instructor setting errs on the side of hiding
    return bool(config.get("checks", {}).get("hide_solutions", False))


def _solution_parts(exercise: Exercise) -> tuple[str, str] | str:
    """(code, explanation) of the worked solution, or a sentence saying why there is none."""
    from mlkit.course import curriculum
    from mlkit.paths import repo_root

    try:
        unit = curriculum.get_unit(exercise.unit)
    except curriculum.UnknownUnitError:
        return f"No worked solution: unit {exercise.unit!r} is not in the catalogue."
    root = repo_root()
    if root is None or not unit.solutions or not (root / unit.solutions).is_file():
        return "The worked solution is in the kit's solution notebook, which this installation does not include."
    try:
        from mlkit.course.authoring.generate import solution_parts
    except ImportError:
        return "Worked solutions need the kit's authoring tools (mlkit.course.authoring), which this installation lacks."
    return solution_parts(root / unit.solutions, exercise.name)


@dataclass(frozen=True)
class WorkedSolution:
    """A worked solution: its code, shown highlighted, and its explanation, rendered with its maths.

    JupyterLab renders the Markdown form (code block and LaTeX); a terminal gets plain text.
    """

    title: str
    code: str
    explanation: str

    def __str__(self) -> str:
        parts = [f"Solution: {self.title}", self.code, self.explanation]
        return "\n\n".join(p for p in parts if p)

    __repr__ = __str__

    @property
    def text(self) -> str:
        """The code and the explanation as plain text."""
        return "\n\n".join(p for p in (self.code, self.explanation) if p)

    def _repr_markdown_(self) -> str:
        parts = [f"**Solution: {self.title}**"]
        if self.code:
            parts.append(f"```python\n{self.code}\n```")
        if self.explanation:
            parts.append(self.explanation)
        return "\n\n".join(parts)


# --- recording attempts -------------------------------------------------------------

_store_warning_lock = threading.Lock()
_store_warning_given = False


def _record(exercise: Exercise, outcome: Outcome) -> str:
    """Record the attempt; returns a note to show once per session when that failed."""
    global _store_warning_given
    try:
        from mlkit.course import attempt_store

        attempt_store.record_attempt(exercise.id, exercise.unit, outcome.status, outcome.message)
        return ""
    except Exception as error:  # progress must never stop a check from showing its result
        with _store_warning_lock:
            if _store_warning_given:
                return ""
            _store_warning_given = True
        return f"Your progress could not be saved: {error} This message is shown once per session."


def reset_store_warning() -> None:
    """Forget that the progress-store warning was shown (for tests and new sessions)."""
    global _store_warning_given
    _store_warning_given = False
