"""Kit functions withheld while a check runs the learner's code.

Some exercises ask the learner to write, by hand, something the kit already provides: the
lesson calls ``rl.mc_values`` to show what first-visit Monte Carlo gives, and the exercise
asks for ``first_visit_values`` written from the definition. A one-line answer that calls the
kit's helper would pass such a check without teaching anything. While a check calls the
learner's function inside :func:`withheld`, the named functions of the kit module are replaced
by stand-ins that raise :class:`Withheld`, a kind of
:class:`~mlkit.course.checks.core.Incorrect`. :func:`~mlkit.course.checks.core.call_learner`
passes it on, so the outcome is "Not quite" with a message that names the function to write
and the helper withheld. The originals are put back when the block ends, whether it returned,
raised or was interrupted (a time limit's alarm included).

A learner's code that catches the stand-in's error and carries on is refused as well: if any
stand-in was called, the block ends with :class:`Withheld`, whether it finished or the check
raised something else on what followed. An error that is not an ``Exception`` (an interrupt)
passes through unchanged, after the originals are back.

This is a **learning aid, not a security boundary**. Only the module's attributes are
replaced, so a learner who bound the helper to a name of their own before the check ran
(``from mlkit.topics.reinforcement import mc_values``, or ``f = rl.mc_values``) calls the
original, and one who copies the helper's body passes. What it catches is the shortcut the
lesson invites: calling the helper through the module the notebook imported. The replacement
is global to the process, so do not run two checks that withhold from one module in two
threads at once.

Examples
--------
>>> import types
>>> kit = types.ModuleType("kit")
>>> kit.double = lambda x: 2 * x
>>> with withheld(kit, ["double"], exercise="twice"):
...     kit.double(3)
Traceback (most recent call last):
...
mlkit.course.checks.withheld.Withheld: this exercise asks you to write `twice` yourself; the kit's `kit.double` is withheld while it is checked.
>>> kit.double(3)
6
"""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from types import ModuleType
from typing import Callable, Iterable, Iterator

from mlkit.course.checks.core import Incorrect
from mlkit.errors import InputError


class Withheld(Incorrect):
    """Raised by a stand-in: the learner's code called a kit function the exercise asks them to write."""


_ACTIVE: list[tuple[str, tuple[str, ...], str, str]] = []


def active() -> list[tuple[str, tuple[str, ...], str, str]]:
    """The withholdings in force now, as ``(module name, names, exercise, alias)``, outermost first.

    The grader's judge sends them with each call of the learner's code to the process that runs
    it (:mod:`mlkit.grading.isolation`), which withholds the same functions there (:func:`replay`).
    """
    return list(_ACTIVE)


@contextmanager
def replay(entries: Iterable[tuple[str, tuple[str, ...], str, str]]) -> Iterator[None]:
    """Withhold again, in this process, what :func:`active` gave in another one.

    Only modules this process has already imported are touched (a module it never imported
    cannot have been called); nothing is imported by name.
    """
    with ExitStack() as stack:
        for module_name, names, exercise, alias in entries:
            module = sys.modules.get(module_name)
            if isinstance(module, ModuleType) and all(hasattr(module, name) for name in names):
                stack.enter_context(withheld(module, names, exercise=exercise, alias=alias))
        yield


def message(exercise: str, helper: str) -> str:
    """What the learner reads when their code calls a withheld helper (``helper`` as ``"rl.mc_values"``)."""
    return (f"this exercise asks you to write `{exercise}` yourself; the kit's `{helper}` is withheld "
            "while it is checked.")


def _stand_in(text: str, calls: list[str], helper: str) -> Callable:
    def withheld_function(*args, **kwargs):
        calls.append(helper)
        raise Withheld(text)

    withheld_function.__name__ = helper.rsplit(".", 1)[-1]
    withheld_function.__doc__ = f"Withheld while a check runs: {text}"
    return withheld_function


@contextmanager
def withheld(module: ModuleType, names: Iterable[str], *, exercise: str,
             alias: str | None = None) -> Iterator[None]:
    """Replace ``names`` of ``module`` by stand-ins that raise :class:`Withheld`, for the ``with`` block.

    Parameters
    ----------
    module:
        The kit module whose functions are withheld (a module object: the kit's layering test
        reads every import from the code, so none is made from a name computed here).
    names:
        The functions to withhold; each must be an attribute of ``module``.
    exercise:
        What the learner is asked to write, as the message names it (``"first_visit_values"``).
    alias:
        How the notebooks call the module in the message (``"rl"``); by default the last part
        of its name.

    Raises
    ------
    Withheld
        From a stand-in when the learner's code calls it, or when the block ends, normally or
        with another ``Exception``, after a stand-in was called (the learner's code caught its
        error).
    InputError
        Before anything is replaced, when ``module`` has no attribute of one of ``names``.
    """
    names = list(names)
    missing = [name for name in names if not hasattr(module, name)]
    if missing:
        raise InputError(f"withheld: module {module.__name__} has no {', '.join(missing)}; "
                         "expected names of its functions.")
    alias = alias or module.__name__.rsplit(".", 1)[-1]
    calls: list[str] = []
    originals = {name: getattr(module, name) for name in names}
    _ACTIVE.append((module.__name__, tuple(names), exercise, alias))
    try:
        for name in names:
            helper = f"{alias}.{name}"
            setattr(module, name, _stand_in(message(exercise, helper), calls, helper))
        yield
    except Withheld:
        raise
    except Exception as error:
        if calls:  # the learner's code caught the stand-in's error, and the check then failed on what followed
            raise Withheld(message(exercise, calls[0])) from error
        raise
    finally:
        _ACTIVE.pop()
        for name, original in originals.items():
            setattr(module, name, original)
    if calls:  # the block ended normally although a stand-in was called: its error was caught
        raise Withheld(message(exercise, calls[0]))
