"""Learners' copies made before the package was arranged in layers keep working.

``mlkit work`` copies an exercise notebook into the learner's workspace once and never
overwrites it, so copies made with the previous release still import the old paths. Each old
path must give the very module at its new place (one module object, not a second copy).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from mlkit import compat

DATA = Path(__file__).resolve().parent / "data"

#: Every import statement of the previous release's exercise notebooks that named a moved module.
OLD_IMPORTS = """
from mlkit import capstone
from mlkit import data_quality as dq
from mlkit import neural
from mlkit import progress
from mlkit import reinforcement as rl
from mlkit import vision
from mlkit.checks import exercises
from mlkit.collection import LocalAPI, connect, raw_csv_path, recorded_page_path
from mlkit.optimisation import gradient_descent, largest_stable_learning_rate, mse
from mlkit.optimisation import mse_gradient
from mlkit.routing import Costs
from mlkit.routing import REVIEW, Rule, route, sweep
from mlkit.timing import round_ratio, speedup
"""


@pytest.mark.parametrize("old", sorted(compat.MOVED))
def test_each_old_module_path_is_the_new_module(old):
    assert importlib.import_module(old) is importlib.import_module(compat.MOVED[old])


@pytest.mark.parametrize("old", ["mlkit.checks", "mlkit.checks.core", "mlkit.checks.kinds", "mlkit.checks.units.pandas", "mlkit.authoring.sync"])
def test_modules_below_a_moved_package_are_the_new_modules(old):
    new = old.replace("mlkit.checks", "mlkit.course.checks").replace("mlkit.authoring", "mlkit.course.authoring")
    assert importlib.import_module(old) is importlib.import_module(new)


def test_names_that_did_not_move_are_not_answered_by_the_finder():
    assert compat.new_name("mlkit.decision") is None
    assert compat.new_name("mlkit.checksum") is None  # a prefix of a moved package's name is not the package
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("mlkit.no_such_module")


def test_old_imports_of_learners_copies_run_in_a_fresh_interpreter():
    """In a new process the finder must be in place before the first old import."""
    code = OLD_IMPORTS + (
        "import mlkit.course.checks.core as core, mlkit.checks.core as old_core\n"
        "assert core is old_core\n"
        "assert exercises('automation').__class__ is core.ExerciseSet\n"
        "import mlkit.course.progress\n"
        "assert progress is mlkit.course.progress\n"
        "print('imported')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported"


@pytest.mark.slow
def test_a_copy_made_with_the_previous_release_runs_top_to_bottom(tmp_path):
    """The previous release's automation exercises, untouched: every check says "not attempted"."""
    notebook = nbformat.reads((DATA / "old_paths_19_automation.ipynb.json").read_text(), as_version=4)
    sources = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "from mlkit.routing import" in sources and "from mlkit.checks import exercises" in sources
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    texts = [
        output.get("text", "") + json.dumps(output.get("data", {}))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]
    assert not any(output.get("output_type") == "error" for c in notebook.cells for output in c.get("outputs", []))
    assert sum("Not attempted" in text or "not attempted" in text for text in texts) >= 4


def test_old_modules_are_attributes_of_the_package_as_before():
    import mlkit

    assert mlkit.progress is importlib.import_module("mlkit.course.progress")
    assert mlkit.notebook_setup.setup is importlib.import_module("mlkit.course.notebook_setup").setup
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        mlkit.no_such_thing  # noqa: B018


def test_a_module_that_does_not_exist_under_an_old_package_is_not_found():
    import importlib.util

    assert importlib.util.find_spec("mlkit.checks.units.no_such_unit") is None
    assert importlib.util.find_spec("mlkit.checks").submodule_search_locations is not None


def test_an_old_module_runs_with_python_dash_m():
    done = subprocess.run([sys.executable, "-m", "mlkit.doctor"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_names_of_modules_that_kept_their_paths_are_still_there():
    from mlkit.course import progress
    from mlkit.decision import inputs, loans

    assert progress.SCHEMA_VERSION == len(progress.MIGRATIONS) and callable(progress.now) and progress.BUSY_TIMEOUT_MS > 0
    assert {"auto", "standard", "tiered"} <= set(inputs.PLANS)  # plans a saved scenario may name
    assert loans.add_years and loans.LAST_OLD_RULES_YEAR == 2025
    option = inputs.Option(name="Big loan", kind="masters_in_person", years=2, financing=inputs.Financing(federal_unsubsidised_per_year=99_000))
    from datetime import date

    from mlkit.errors import InputError

    with pytest.raises(InputError, match="above the annual limit"):
        loans.check_financing(option, date(2027, 9, 1))


def test_importing_mlkit_stays_cheap():
    code = "import sys; before = set(sys.modules); import mlkit; print(sorted(set(sys.modules) - before))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout.replace("'", '"')) == ["mlkit", "mlkit.compat"]
