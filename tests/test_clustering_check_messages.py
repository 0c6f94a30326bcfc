"""Messages of the clustering unit's checks for particular mistakes, and the data it loads.

That every check passes on the solution, says "not attempted" on the stub and fails on
its wrong answers is tested for all units at once in ``test_exercises_discovered.py``.
"""

from __future__ import annotations

from mlkit.course.checks import INCORRECT, exercises

UNIT = "clustering"
EX = exercises(UNIT)


def test_clusters_of_unscaled_wines_are_named_as_such_whatever_their_numbering():
    from mlkit.course.checks.units import clustering as unit

    labels = unit.kmeans_unscaled().args[0]
    outcome = EX.kmeans.evaluate((labels + 1) % 3)  # the same clusters under other names
    assert outcome.status == INCORRECT
    assert "raw measurements" in outcome.message


def test_wine_loader_gives_all_rows_with_readable_column_names():
    from mlkit.datasets import wine

    X, y = wine.load()
    assert X.shape == (178, 13)
    assert y.value_counts().sort_index().tolist() == [59, 71, 48]
    assert "od280_od315" in X.columns and all(name.isidentifier() for name in X.columns)
    X.loc[0, "proline"] = -1
    assert wine.load()[0].loc[0, "proline"] != -1
