"""Find a unit's exercises: one module per unit under :mod:`mlkit.course.checks.units`.

The module of unit ``regression-model-selection`` is
``mlkit.course.checks.units.regression_model_selection``; it defines ``EXERCISES``, an
:class:`~mlkit.course.checks.core.ExerciseSet`. Nothing is imported until asked for.
"""

from __future__ import annotations

import importlib
import pkgutil

from mlkit.course.checks.core import Exercise, ExerciseSet
from mlkit.errors import InputError

PACKAGE = "mlkit.course.checks.units"


def module_name(unit_id: str) -> str:
    """The module holding a unit's checks (``-`` in the id becomes ``_``)."""
    return f"{PACKAGE}.{unit_id.replace('-', '_')}"


def unit_ids() -> list[str]:
    """Ids of the units that have a checks module, sorted."""
    import mlkit.course.checks.units as package

    return sorted(m.name.replace("_", "-") for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))


def unit_exercises(unit_id: str) -> ExerciseSet | None:
    """The unit's exercises, or ``None`` when the unit has no checks module."""
    if unit_id.replace("_", "-") not in unit_ids():
        return None
    module = importlib.import_module(module_name(unit_id))
    found = getattr(module, "EXERCISES", None)
    if not isinstance(found, ExerciseSet):
        raise TypeError(f"{module.__name__} must define EXERCISES, an ExerciseSet")
    return found


def exercises(unit_id: str) -> ExerciseSet:
    """The exercises of a unit, for a notebook: ``ex = exercises("classification")``."""
    found = unit_exercises(unit_id) if isinstance(unit_id, str) else None
    if found is None:
        known = ", ".join(unit_ids()) or "none yet"
        raise InputError(f"no exercises for unit {unit_id!r}; units with exercises: {known}")
    return found


def get(exercise_id: str) -> Exercise:
    """One exercise by its id ``"<unit>.<name>"`` (the grader and the progress store use these ids)."""
    unit_id, dot, name = exercise_id.partition(".")
    if not dot:
        raise InputError(f"an exercise id looks like 'unit.name', got {exercise_id!r}")
    unit = exercises(unit_id)
    if name not in unit:
        raise InputError(f"unit {unit_id!r} has no exercise {name!r}; it has: {', '.join(unit.names)}")
    return unit[name]


def all_exercises() -> list[Exercise]:
    """Every exercise of every unit with checks, in unit then teaching order."""
    return [e for unit_id in unit_ids() for e in exercises(unit_id)]
