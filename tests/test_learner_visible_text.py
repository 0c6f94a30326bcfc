"""What a learner reads in the kit's notebooks speaks to the learner, not about the kit's test suite."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p.relative_to(ROOT) for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))
ABOUT_THE_TESTS = re.compile(r"test suite|nbval|pytest|notebook tests|compared by the tests|\bthe kit's tests\b", re.I)


def remarks(path: Path) -> list[str]:
    nb = nbformat.read(ROOT / path, as_version=4)
    return [
        f"cell {i}: …{c.source[max(0, m.start() - 40) : m.end() + 20]}…"
        for i, c in enumerate(nb.cells)
        for m in ABOUT_THE_TESTS.finditer(c.source)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=str)
def test_no_cell_talks_about_the_test_suite(path):
    assert remarks(path) == []


def test_the_check_finds_a_remark_where_there_is_one(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("# not compared by the tests\nx = 1"), nbformat.v4.new_markdown_cell("Fine.")]
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert len(remarks(tmp_path / "x.ipynb")) == 1
