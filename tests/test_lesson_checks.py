"""Every lesson and solution passes the claims check and the test-set check.

The claims check (mlkit.course.authoring.claims) and the test-set check
(mlkit.course.authoring.final_evaluation) are described in CONTRIBUTING.md.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mlkit.course.authoring.claims import read_allowed, unsupported_numbers
from mlkit.course.authoring.final_evaluation import check_test_set

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_FILE = ROOT / "mlkit" / "course" / "authoring" / "claims_allowed.toml"
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for folder in ("notebooks", "solutions") for p in (ROOT / folder).glob("*.ipynb"))
ALLOWED = read_allowed(ALLOWED_FILE)


def _read(name):
    return nbformat.read(ROOT / name, as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_number_in_the_prose_is_shown_by_a_cell_or_allowed(name):
    claims = unsupported_numbers(_read(name), set(ALLOWED.get(name, {})))
    assert not claims, "\n".join(f"{name} cell {c.cell}: {c.text!r} in “{c.context}” is in no output" for c in claims)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_test_data_is_read_only_for_a_final_evaluation(name):
    findings = check_test_set(_read(name))
    assert not findings, "\n".join(f"{name}: {f.reason}" for f in findings)


def test_the_allow_list_names_only_notebooks_that_exist_and_numbers_they_state():
    stale = []
    for name, entries in ALLOWED.items():
        if name not in NOTEBOOKS:
            stale.append(f"{name}: no such lesson or solution")
            continue
        stated = {c.text for c in unsupported_numbers(_read(name))}
        stale += [f"{name}: {number!r} is allowed but the prose no longer needs it" for number in entries if number not in stated]
    assert not stale, "\n".join(stale)
