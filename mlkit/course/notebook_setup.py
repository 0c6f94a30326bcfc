"""Notebook-wide settings, applied only when a notebook asks for them.

Nothing here runs at import time: a notebook calls :func:`mlkit.setup` in its
first code cell, so that every run starts from the same seeds, the same plot
style and the same table formatting. When the notebook is a lesson, it also records
that the lesson was opened, for the learner's dashboard (:mod:`mlkit.course.progress`).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

KERAS_BACKEND = "jax"  # the deep-learning framework's backend the kit installs (jax[cpu])
XLA_ONE_THREAD = ("--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1")


@dataclass(frozen=True, repr=False)
class Settings:
    """What :func:`setup` applied, returned so a notebook can show or reuse it.

    ``note`` says why the lesson's opening could not be recorded (empty when it was, or
    when the notebook is no lesson); it is shown after the settings only when there is one.
    """

    seed: int
    plots: bool
    note: str = ""

    def __repr__(self) -> str:
        figures = ", figures in the kit's style" if self.plots else ""
        shown = f"Notebook ready: random seed {self.seed}{figures}."
        return f"{shown}\n{self.note}" if self.note else shown


def setup(seed: int = 0, *, plots: bool = True) -> Settings:
    """Seed the random generators and set display options for a notebook.

    Parameters
    ----------
    seed:
        Seed for Python's and NumPy's global random generators. Lessons still
        pass ``random_state`` explicitly; the global seed only guards against
        code that forgets to.
    plots:
        When true, use matplotlib's inline-friendly defaults (fixed figure size
        and resolution, so stored outputs do not change between machines).

    Examples
    --------
    >>> setup(seed=3, plots=False).seed
    3
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    import numpy as np
    import pandas as pd

    random.seed(seed)
    np.random.seed(seed)
    configure_framework()
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 100)
    pd.set_option("display.precision", 4)
    np.set_printoptions(precision=4, suppress=True)
    if plots:
        _set_plot_style()
    return Settings(seed=seed, plots=plots, note=_record_opening())


def configure_framework() -> None:
    """Make the deep-learning framework deterministic and CPU-only, before anything imports it.

    Sets ``KERAS_BACKEND`` to ``"jax"`` unless the learner chose another backend, and makes
    XLA run on one thread (results then do not depend on how many cores the machine has).
    Imports nothing: JAX and Keras read these variables when they are first imported, so
    this runs in :func:`setup`, the first cell of every notebook. A learner's own
    ``XLA_FLAGS`` are kept; the kit's are added after them.
    """
    os.environ.setdefault("KERAS_BACKEND", KERAS_BACKEND)
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    flags = os.environ.get("XLA_FLAGS", "").split()
    missing = [flag for flag in XLA_ONE_THREAD if flag.split("=")[0] not in {f.split("=")[0] for f in flags}]
    if missing:
        os.environ["XLA_FLAGS"] = " ".join(flags + missing)


def _record_opening() -> str:
    """Record the opening of the lesson this kernel runs; returns why it failed, or ``""``.

    A lesson must run even when the data folder is unwritable, so a failure is returned,
    never raised.
    """
    from mlkit.course import progress
    from mlkit.errors import MlkitError, storage_message

    try:
        progress.record_lesson_opened()
    except OSError as error:
        return f"your progress could not be saved: {storage_message(error)}"
    except MlkitError as error:
        return f"your progress could not be saved: {error}"
    return ""


def _set_plot_style() -> None:
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "mlkit",
        }
    )
