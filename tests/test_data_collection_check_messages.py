"""Messages of the data collection unit's checks for particular mistakes, and the data it loads.

That every check passes on the solution, says "not attempted" on the stub and fails on
its wrong answers is tested for all units at once in ``test_exercises_discovered.py``.
"""

import re
from mlkit.course.checks import exercises

UNIT = "data-collection"
NOTEBOOK = "10_data_collection.ipynb"
EX = exercises(UNIT)
CHECK_CALL = re.compile(r"^ex\.(\w+)\.check\((.*)\)\s*$", re.MULTILINE)
GENERIC = "is not the number", "is not the mean", "gives a wrong", "are not the page", "does not hold the season"


def test_a_validation_function_returning_a_list_is_named():
    outcome = EX.validate.evaluate(lambda table: [0, 0, 0])
    assert outcome.status == "incorrect" and "should return a dict" in outcome.message


def test_nested_measurements_in_a_collection_are_named():
    import pandas as pd

    from mlkit.topics.collection import api_page

    records = [r for n in (1, 2, 3, 4, 5) for r in api_page("PAL0809", n, 25)["results"]]
    outcome = EX.collect.evaluate(pd.DataFrame(records))
    assert outcome.status == "incorrect" and "json_normalize" in outcome.message


def _island_summary(**options):
    from mlkit.course.checks.units.data_collection import _island_summary as build

    return build(**options)


def test_an_inner_join_to_the_blood_samples_is_named():
    query, table = _island_summary(join="")
    outcome = EX.sql.evaluate(query, table)
    assert outcome.status == "incorrect" and "inner JOIN drops every bird without a matching row" in outcome.message


def test_counting_rows_after_a_left_join_is_named():
    query, table = _island_summary(sampled="*")
    outcome = EX.sql.evaluate(query, table)
    assert outcome.status == "incorrect" and "COUNT" not in outcome.message and "NULL where nothing matched" in outcome.message


def test_a_summary_without_the_sampled_column_is_refused():
    query, table = _island_summary()
    outcome = EX.sql.evaluate(query, table.drop(columns="sampled"))
    assert outcome.status == "incorrect" and "'sampled'" in outcome.message
    assert EX.sql.evaluate(query, table).status == "passed"
