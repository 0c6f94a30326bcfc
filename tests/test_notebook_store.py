"""How notebooks are stored: every committed notebook follows the rules, and the rules bite."""

from pathlib import Path

import nbformat
import pytest

from mlkit.course import curriculum, notebook_store

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = notebook_store.notebook_paths(ROOT)


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_is_stored_normalised(path):
    assert notebook_store.problems(path, ROOT) == []


def test_every_available_notebook_is_committed_and_every_committed_one_is_catalogued():
    catalogued = {Path(p) for u in curriculum.units() for p in u.notebooks} | {Path(curriculum.START_PAGE)}
    committed = {p.relative_to(ROOT) for p in COMMITTED}
    available = {Path(p) for u in curriculum.units() if u.available for p in u.notebooks}
    assert available <= committed
    assert committed <= catalogued, f"notebooks not in the catalogue: {sorted(map(str, committed - catalogued))}"


def _notebook(*cells, **metadata):
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata.update(metadata)
    return nb


def _executed_cell(source, text, count=7):
    cell = nbformat.v4.new_code_cell(source, execution_count=count)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    cell.metadata["tags"] = ["keep-me"]
    return cell


def test_normalise_drops_volatile_metadata_and_renumbers():
    nb = _notebook(_executed_cell("print(1)", "1\n", count=7), widgets={"state": {}}, kernelspec={"name": "other"})
    nb.cells[0].id = "bad id with spaces"
    out = notebook_store.normalise(nb)
    assert out.metadata == {"kernelspec": notebook_store.KERNELSPEC, "language_info": {"name": "python"}}
    assert out.cells[0].metadata == {"tags": ["keep-me"]}
    assert out.cells[0].execution_count == 1
    assert out.cells[0].id == "cell-000"


def test_normalise_without_outputs_clears_them():
    out = notebook_store.normalise(_notebook(_executed_cell("print(1)", "1\n")), keep_outputs=False)
    assert out.cells[0].outputs == [] and out.cells[0].execution_count is None


def test_write_is_byte_stable_and_reports_changes(tmp_path):
    nb = notebook_store.normalise(_notebook(nbformat.v4.new_markdown_cell("# hi")))
    target = tmp_path / "n.ipynb"
    assert notebook_store.write(nb, target) is True
    first = target.read_bytes()
    assert notebook_store.write(nb, target) is False
    assert target.read_bytes() == first


def _store(tmp_path, folder, nb):
    path = tmp_path / folder / "x.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebook_store.dumps(nb))
    return path


def test_problems_flags_outputs_in_an_exercise(tmp_path):
    nb = notebook_store.normalise(_notebook(_executed_cell("print(1)", "1\n")))
    problems = notebook_store.problems(_store(tmp_path, "exercises", nb))
    assert any("carries outputs" in p for p in problems)


def test_problems_flags_an_unexecuted_lesson(tmp_path):
    nb = notebook_store.normalise(_notebook(nbformat.v4.new_code_cell("x = 1")))
    problems = notebook_store.problems(_store(tmp_path, "notebooks", nb))
    assert any("never run" in p for p in problems)


def test_problems_flags_machine_paths(tmp_path):
    nb = notebook_store.normalise(_notebook(_executed_cell("print(path)", "/home/alice/data.csv\n")))
    problems = notebook_store.problems(_store(tmp_path, "notebooks", nb))
    assert any("machine-specific path" in p for p in problems)


def test_problems_flags_an_unnormalised_file(tmp_path):
    nb = _notebook(_executed_cell("print(1)", "1\n"))
    path = tmp_path / "notebooks" / "x.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, str(path))
    assert any("not normalised" in p for p in notebook_store.problems(path))
