"""Messages of the calculus optimisation unit's checks for particular mistakes, and the data it loads.

That every check passes on the solution, says "not attempted" on the stub and fails on
its wrong answers is tested for all units at once in ``test_exercises_discovered.py``.
"""

import re
from mlkit.course.checks import exercises

UNIT = "calculus-optimisation"
NOTEBOOK = "04_calculus_optimisation.ipynb"
EX = exercises(UNIT)
CHECK_CALL = re.compile(r"^ex\.(\w+)\.check\((.*)\)\s*$", re.MULTILINE)
GENERIC = "which is not the central difference", "neither `grad_w` nor", "does not end where"


def test_a_function_returning_a_wrong_shape_is_named():
    outcome = EX.gradient.evaluate(lambda X, y, w, b: (w[:1], 0.0))
    assert outcome.status == "incorrect" and "shape" in outcome.message
