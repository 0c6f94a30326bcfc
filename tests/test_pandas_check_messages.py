"""Messages of the pandas unit's checks for particular mistakes, and the data it loads.

That every check passes on the solution, says "not attempted" on the stub and fails on
its wrong answers is tested for all units at once in ``test_exercises_discovered.py``.
"""

import re
from mlkit.course.checks import exercises

UNIT = "pandas"
NOTEBOOK = "09_pandas.ipynb"
EX = exercises(UNIT)
CHECK_CALL = re.compile(r"^ex\.(\w+)\.check\((.*)\)\s*$", re.MULTILINE)
GENERIC = "is not the", "does not hold", "does not have one row", " misses "


def test_a_series_instead_of_a_table_is_named():
    import pandas as pd

    outcome = EX.groupby.evaluate(pd.Series([1.0, 2.0, 3.0]))
    assert outcome.status == "incorrect" and "Series" in outcome.message


def test_a_reset_index_is_recognised():
    from mlkit.datasets import penguins

    table = penguins.load()
    chosen = table[(table["species"] == "Adelie") & (table["island"] == "Dream")]
    outcome = EX.select.evaluate(chosen.reset_index(drop=True))
    assert outcome.status == "incorrect" and "index was reset" in outcome.message
