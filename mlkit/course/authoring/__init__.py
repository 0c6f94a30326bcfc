"""Instructor tools: exercise notebooks generated from one source, the solution notebook.

An exercise is written once, in ``solutions/NN_slug.ipynb``, with its solution
marked (``### BEGIN SOLUTION`` / ``### END SOLUTION`` in code cells, the cell tag
``solution`` on markdown answers, ``solution-only`` on explanations).
``mlkit exercises build`` derives ``exercises/NN_slug.ipynb`` from it, and
``mlkit exercises check`` fails when the two drift apart or a solution leaks.

Modules:

- :mod:`mlkit.course.authoring.markers` -- finding solution regions in a cell;
- :mod:`mlkit.course.authoring.stubs` -- turning a region into a stub that runs;
- :mod:`mlkit.course.authoring.generate` -- one solution notebook -> one exercise notebook;
- :mod:`mlkit.course.authoring.sync` -- the ``solutions/`` and ``exercises/`` folders: build and check.

Importing this package is cheap (nbformat loads only when a notebook is read).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["solution_text"]


def solution_text(solution_notebook_path: str | Path, exercise_id: str) -> str:
    """The worked solution of one exercise, as a learner should see it.

    See :func:`mlkit.course.authoring.generate.solution_text`.
    """
    from mlkit.course.authoring.generate import solution_text as _solution_text

    return _solution_text(solution_notebook_path, exercise_id)
