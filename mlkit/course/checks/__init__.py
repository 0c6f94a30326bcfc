"""Exercise checks with instant feedback, staged hints and worked solutions.

In a notebook::

    from mlkit.course.checks import exercises
    ex = exercises("classification")   # shows the unit's exercises
    ex.split.check(X_train, X_test, y_train, y_test)
    ex.split.hint()                    # a nudge; call again for more
    ex.split.solution()                # the worked solution

The protocol is in :mod:`mlkit.course.checks.core`, reusable kinds of check in
:mod:`mlkit.course.checks.kinds`, and each unit's exercises in
``mlkit/course/checks/units/<unit>.py``. Importing this package is cheap: scikit-learn
and pandas load only when a check needs them.
"""

from mlkit.course.checks.core import (
    ERROR,
    INCORRECT,
    NOT_ATTEMPTED,
    PASSED,
    Answer,
    Exercise,
    ExerciseSet,
    Incorrect,
    NotAttempted,
    Outcome,
)
from mlkit.course.checks.registry import exercises, get

__all__ = [
    "ERROR",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "PASSED",
    "Answer",
    "Exercise",
    "ExerciseSet",
    "Incorrect",
    "NotAttempted",
    "Outcome",
    "exercises",
    "get",
]
