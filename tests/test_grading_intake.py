"""Intake of handed-in work: every file becomes a gradable notebook, a learner's row with a reason, or a listed skip.

No kernel runs here: submissions that reach the sandbox are only read, and the
rows of those that do not are stored through :func:`mlkit.grading.batch.grade`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import unicodedata
from pathlib import Path

import nbformat
import pytest

from mlkit.errors import InputError
from mlkit.grading import INVALID, MISSING, assignment, batch, gradebook, intake, sandbox, submissions

UNIT = "classification"
EXPECTED = "14_classification.ipynb"


def notebook_text(*sources: str, unit: str = UNIT) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["mlkit"] = {"unit": unit}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nbformat.writes(nb)


def write(path: Path, text: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebook_text("a = 1") if text is None else text, encoding="utf-8")
    return path


def grade_rows(subs: Path, out: Path, roster: list[str] | None = None) -> dict[str, dict]:
    """Grade a folder whose submissions never reach a kernel; the gradebook rows by learner."""
    task = assignment.load(UNIT)
    batch.grade(submissions.find(subs, EXPECTED, roster), task, out, sandbox.Limits(), mode="limits")
    return {r["learner"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8", newline=""))}


# --- Reading one notebook ------------------------------------------------------------------------


def test_stored_outputs_do_not_count_towards_the_size_limit(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"mlkit": {"unit": UNIT}})
    cell = nbformat.v4.new_code_cell("x = 1", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * (60 * 1024 * 1024))]
    nb.cells = [cell]
    path = tmp_path / "big.ipynb"
    nbformat.write(nb, str(path))
    assert path.stat().st_size > intake.NOTEBOOK_SIZE_CAP
    read, problem = intake.check_notebook(path, UNIT)
    assert problem == ""
    assert read.cells[0].source == "x = 1" and read.cells[0].outputs == [] and read.cells[0].execution_count is None


def test_a_huge_source_is_still_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "NOTEBOOK_SIZE_CAP", 1024 * 1024)
    path = write(tmp_path / "huge.ipynb", notebook_text("# " + "s" * (2 * 1024 * 1024)))
    nb, problem = intake.check_notebook(path, UNIT)
    assert nb is None and "without its outputs" in problem and "up to 1 MB" in problem


def test_a_file_over_the_read_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "FILE_SIZE_CAP", 1024 * 1024)
    path = tmp_path / "sparse.ipynb"
    with open(path, "wb") as handle:
        handle.truncate(3 * 1024 * 1024)  # a sparse file: reading it would be the mistake
    monkeypatch.setattr(intake.os, "fdopen", _refuse_read(intake.os.fdopen))
    nb, problem = intake.check_notebook(path, UNIT)
    assert nb is None and "the file is 3 MB" in problem and "up to 1 MB" in problem


def _refuse_read(fdopen):
    def opened(fd, *args, **kwargs):
        handle = fdopen(fd, *args, **kwargs)

        class Guard:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                handle.close()

            def fileno(self):
                return handle.fileno()

            def read(self, *_):
                raise AssertionError("a file over the limit was read")

        return Guard()

    return opened


V3 = {
    "nbformat": 3,
    "nbformat_minor": 0,
    "metadata": {"name": "old"},
    "worksheets": [
        {
            "metadata": {},
            "cells": [
                {"cell_type": "markdown", "metadata": {}, "source": "# Old"},
                {
                    "cell_type": "code",
                    "collapsed": False,
                    "input": "a = 1",
                    "language": "python",
                    "metadata": {},
                    "outputs": [{"output_type": "pyout", "prompt_number": 1, "text": ["1"], "metadata": {}}],
                    "prompt_number": 1,
                },
            ],
        }
    ],
}


def test_an_nbformat_3_notebook_is_upgraded(tmp_path):
    path = write(tmp_path / "v3.ipynb", json.dumps(V3))
    nb, problem = intake.check_notebook(path, UNIT)
    assert problem == ""
    assert nb.nbformat == 4 and nb.nbformat_minor == nbformat.v4.nbformat_minor
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"] and nb.cells[1].source == "a = 1"
    assert nb.cells[1].outputs == [] and all(c.get("id") for c in nb.cells)
    nbformat.validate(nb)


@pytest.mark.parametrize("minor", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("with_ids", [False, True])
def test_every_nbformat_4_minor_version_is_graded(tmp_path, minor, with_ids):
    cells = []
    for index, source in enumerate(["import numpy as np", "a = np.arange(3)"]):
        cell = {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}
        if with_ids:
            cell["id"] = f"c{index}"
        cells.append(cell)
    raw = {"nbformat": 4, "nbformat_minor": minor, "metadata": {"mlkit": {"unit": UNIT}}, "cells": cells}
    nb, problem = intake.check_notebook(write(tmp_path / "n.ipynb", json.dumps(raw)), UNIT)
    assert problem == ""
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == 2 and (ids == ["c0", "c1"] or not with_ids)
    assert nb.nbformat_minor == nbformat.v4.nbformat_minor
    nbformat.validate(nb)


def test_repeated_and_malformed_cell_ids_are_repaired(tmp_path):
    raw = json.loads(notebook_text("a = 1", "b = 2", "c = 3"))
    raw["cells"][0]["id"] = "same"
    raw["cells"][1]["id"] = "same"
    raw["cells"][2]["id"] = "has spaces and / slashes"
    nb, problem = intake.check_notebook(write(tmp_path / "n.ipynb", json.dumps(raw)), UNIT)
    assert problem == ""
    ids = [c.id for c in nb.cells]
    assert ids[0] == "same" and len(set(ids)) == 3
    nbformat.validate(nb)


def test_deeply_nested_json_is_invalid_not_a_recursion_error(tmp_path):
    path = write(tmp_path / "deep.ipynb", "[" * 200_000 + "]" * 200_000)
    assert path.stat().st_size == 400_000
    nb, problem = intake.check_notebook(path, UNIT)
    assert nb is None and "nested 200000 levels deep" in problem


def test_deep_metadata_inside_a_cell_is_invalid(tmp_path):
    raw = json.loads(notebook_text("a = 1"))
    text = json.dumps(raw).replace('"metadata": {}', '"metadata": {"x": ' + '{"y": ' * 5000 + "1" + "}" * 5000 + "}", 1)
    nb, problem = intake.check_notebook(write(tmp_path / "deep.ipynb", text), UNIT)
    assert nb is None and "levels deep" in problem


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    source = 'text = "' + "[{" * 5000 + '\\"]"'
    nb, problem = intake.check_notebook(write(tmp_path / "n.ipynb", notebook_text(source)), UNIT)
    assert problem == "" and nb.cells[0].source == source
    assert intake.json_depth(b'{"a": "[[[\\"[[", "b": [[1]]}') == 3


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"[1, 2]", "not a Jupyter notebook"),
        (b'"just a string"', "not a Jupyter notebook"),
        (b"\xff\xfe{}", "not text (UTF-8)"),
        (b'{"nbformat": 2, "cells": []}', "versions 3 and 4"),
        (b'{"nbformat": "4", "nbformat_minor": 5, "cells": [], "metadata": {}}', "versions 3 and 4"),
    ],
)
def test_odd_files_are_invalid_with_a_reason(tmp_path, content, expected):
    path = tmp_path / "odd.ipynb"
    path.write_bytes(content)
    nb, problem = intake.check_notebook(path, UNIT)
    assert nb is None and expected in problem


def test_a_notebook_saved_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + notebook_text("a = 1").encode())
    nb, problem = intake.check_notebook(path, UNIT)
    assert problem == "" and nb.cells[0].source == "a = 1"


def test_reading_never_follows_a_link_or_opens_a_pipe(tmp_path):
    target = write(tmp_path / "solution.ipynb")
    (tmp_path / "link.ipynb").symlink_to(target)
    nb, problem = intake.check_notebook(tmp_path / "link.ipynb", UNIT)
    assert nb is None and "symbolic link" in problem
    os.mkfifo(tmp_path / "pipe.ipynb")
    nb, problem = intake.check_notebook(tmp_path / "pipe.ipynb", UNIT)  # would block for ever if opened for reading
    assert nb is None and "not a regular file" in problem


def test_the_fingerprint_is_the_files_sha256(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 7))
    assert submissions.fingerprint(path) == hashlib.sha256(path.read_bytes()).hexdigest()


# --- Finding every learner's hand-in ----------------------------------------------------------------


def test_odd_names_are_learners_and_known_junk_is_listed_as_skipped(tmp_path):
    for name in ("X.IPYNB", "_under.ipynb", ".dot.ipynb", "mixed.IpYnB"):
        write(tmp_path / name)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "._X.IPYNB").write_bytes(b"\0\5\26\7")
    found = submissions.scan(tmp_path, EXPECTED)
    assert {s.learner for s in found.submissions} == {".dot", "_under", "mixed", "X"}
    assert all(s.notebook is not None for s in found.submissions)
    skipped = dict(found.skipped)
    assert set(skipped) == {".ipynb_checkpoints", "__MACOSX", ".DS_Store", "notes.txt", "._X.IPYNB"}
    assert "autosave" in skipped[".ipynb_checkpoints"] and "not a notebook" in skipped["notes.txt"]
    assert "macOS" in skipped["__MACOSX"] and "resource data" in skipped["._X.IPYNB"]


def test_a_notebook_beside_a_folder_of_the_same_learner_is_ambiguous(tmp_path):
    write(tmp_path / "x.ipynb")
    write(tmp_path / "x" / EXPECTED)
    write(tmp_path / "Alice.ipynb")
    write(tmp_path / "alice.ipynb")
    found = {s.learner: s for s in submissions.find(tmp_path, EXPECTED)}
    assert set(found) == {"x", "Alice"}
    for learner, names in (("x", ("x.ipynb", "x/")), ("Alice", ("Alice.ipynb", "alice.ipynb"))):
        sub = found[learner]
        assert sub.notebook is None and not sub.missing and "ambiguous" in sub.problem
        assert all(name in sub.problem for name in names)
    rows = grade_rows(tmp_path, tmp_path.parent / "out-ambiguous")
    assert rows["x"]["status"] == "invalid notebook" and "x/" in rows["x"]["detail"]


def test_symbolic_links_are_refused_never_followed(tmp_path):
    subs, solutions = tmp_path / "subs", tmp_path / "solutions"
    write(solutions / EXPECTED, notebook_text("answer = 42"))
    write(tmp_path / "elsewhere" / EXPECTED)
    subs.mkdir()
    (subs / "cheat.ipynb").symlink_to(solutions / EXPECTED)
    (subs / "folder").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (subs / "sol").symlink_to(solutions, target_is_directory=True)
    (subs / "inner").mkdir()
    (subs / "inner" / EXPECTED).symlink_to(solutions / EXPECTED)
    (subs / "dangling.ipynb").symlink_to(tmp_path / "nowhere")
    found = {s.learner: s for s in submissions.find(subs, EXPECTED)}
    assert set(found) == {"cheat", "folder", "sol", "inner", "dangling"}
    for sub in found.values():
        assert sub.notebook is None and not sub.missing and "symbolic link" in sub.problem
    rows = grade_rows(subs, tmp_path / "out")
    assert {r["status"] for r in rows.values()} == {"invalid notebook"} and {r["total"] for r in rows.values()} == {"0"}


def test_a_nested_folder_is_searched_and_a_very_deep_one_does_not_stop_the_run(tmp_path):
    subs = tmp_path / "subs"
    write(subs / "zipped" / "zipped" / EXPECTED, "")  # an archive that added one level; empty, so no kernel runs
    deep = subs / "deep"
    deep.mkdir(parents=True)
    _make_deep(deep, 1200)  # deeper than Python's recursion limit
    try:
        found = {s.learner: s for s in submissions.find(subs, EXPECTED)}
        assert found["zipped"].notebook == subs / "zipped" / "zipped" / EXPECTED
        assert found["deep"].notebook is None and "deeper than" in found["deep"].problem
        rows = grade_rows(subs, tmp_path / "out")
        assert rows["deep"]["status"] == "invalid notebook"
    finally:
        _remove_deep(deep)


def _make_deep(top: Path, levels: int) -> None:
    """``levels`` nested folders ``d/d/d/…`` under ``top``, with a notebook at the bottom (no long paths)."""
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        handle = os.open("n.ipynb", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd)
        os.write(handle, notebook_text("a = 1").encode())
        os.close(handle)
    finally:
        os.close(fd)


def _remove_deep(top: Path) -> None:
    """Remove what :func:`_make_deep` made, without recursion, one open folder at a time."""
    fd, levels = os.open(top, os.O_RDONLY), 0
    while True:
        try:
            inner = os.open("d", os.O_RDONLY | os.O_NOFOLLOW, dir_fd=fd)
        except FileNotFoundError:
            break
        os.close(fd)
        fd, levels = inner, levels + 1
    os.unlink("n.ipynb", dir_fd=fd)
    for _ in range(levels):
        parent = os.open("..", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        os.rmdir("d", dir_fd=parent)
        fd = parent
    os.close(fd)


def test_a_folder_named_like_a_notebook_is_that_learners_folder(tmp_path):
    write(tmp_path / "x.ipynb" / EXPECTED)
    (tmp_path / "empty.ipynb").mkdir()
    found = {s.learner: s for s in submissions.find(tmp_path, EXPECTED)}
    assert found["x"].notebook == tmp_path / "x.ipynb" / EXPECTED
    assert found["empty"].missing


def test_a_special_file_gets_a_row_with_a_reason(tmp_path):
    os.mkfifo(tmp_path / "pipe.ipynb")
    found = submissions.find(tmp_path, EXPECTED)
    assert [(s.learner, s.notebook) for s in found] == [("pipe", None)] and "special file" in found[0].problem


# --- Rosters ---------------------------------------------------------------------------------------


def test_a_roster_with_a_byte_order_mark_and_another_unicode_form_matches(tmp_path):
    typed = unicodedata.normalize("NFC", "José")
    unzipped = unicodedata.normalize("NFD", "José")
    assert typed != unzipped
    roster = tmp_path / "roster.csv"
    roster.write_bytes("\ufefflearner,name\n".encode() + f"{typed},J\nALICE,A\ncarol\n".encode())
    ids = submissions.read_roster(roster)
    assert ids == [typed, "ALICE", "carol"]
    subs = tmp_path / "subs"
    write(subs / f"{unzipped}.ipynb")
    write(subs / "alice" / EXPECTED)
    found = {s.learner: s for s in submissions.find(subs, EXPECTED, ids)}
    assert set(found) == {typed, "ALICE", "carol"}
    assert found[typed].notebook == subs / f"{unzipped}.ipynb" and found["ALICE"].notebook is not None
    assert found["carol"].missing


def test_a_roster_naming_a_learner_twice_is_an_error(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("alice\nbob\nAlice\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"'alice' \(line 1\) and 'Alice' \(line 3\)"):
        submissions.read_roster(roster)
    roster.write_bytes(b"caf\xe9\n")
    with pytest.raises(InputError, match="not UTF-8"):
        submissions.read_roster(roster)


# --- A hostile class --------------------------------------------------------------------------------


def test_names_with_newlines_control_characters_and_formulas_are_shown_safely(tmp_path):
    subs = tmp_path / "subs"
    for name in ("bob\n=1+1", "\x1b[31mred", "=cmd|' -C calc'!A0", "rtl\u202etxt.exe", "tab\there"):
        write(subs / f"{name}.ipynb", "")
    rows = grade_rows(subs, tmp_path / "out")
    assert set(rows) == {"bob\\n=1+1", "\\x1b[31mred", "'=cmd|' -C calc'!A0", "rtl\\u202etxt.exe", "tab\\there"}
    text = (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\u202e" not in text and "\n=cmd" not in text
    assert all(r["status"] == "invalid notebook" and "empty" in r["detail"] for r in rows.values())
    assert all(len(p.name) < 100 for p in (tmp_path / "out" / "results").iterdir())


def test_the_progress_line_of_an_odd_name_stays_one_line():
    from mlkit.commands.grade import Progress

    stream = io.StringIO()
    Progress(1, stream).update({"learner": "a\nb\x1b[2J", "status": MISSING, "total": 0, "max_points": 6}, False)
    assert stream.getvalue().count("\n") == 1 and "\x1b" not in stream.getvalue() and "a\\nb" in stream.getvalue()


def test_a_name_of_255_bytes_gets_result_files(tmp_path):
    subs = tmp_path / "subs"
    name = "é" * 121 + "x.ipynb"  # 242 + 1 + 6 = 249 bytes in UTF-8
    longest = "a" * (255 - len(".ipynb")) + ".ipynb"
    write(subs / name, "")
    write(subs / longest, "[]")
    rows = grade_rows(subs, tmp_path / "out")
    assert set(rows) == {name[:-6], longest[:-6]}
    assert len(list((tmp_path / "out" / "feedback").iterdir())) == 2


def test_a_name_that_is_not_utf8_is_a_learner(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    with open(os.path.join(os.fsencode(subs), b"caf\xe9.ipynb"), "w") as handle:
        handle.write(notebook_text("a = 1"))
    found = submissions.find(subs, EXPECTED)
    assert [s.learner for s in found] == ["caf\\xe9"] and found[0].notebook is not None
    nb, problem = intake.check_notebook(found[0].notebook, UNIT)
    assert problem == ""


def test_a_deep_json_learner_does_not_stop_the_others(tmp_path):
    subs = tmp_path / "subs"
    write(subs / "deep.ipynb", "[" * 200_000 + "]" * 200_000)
    write(subs / "dict.ipynb", '{"a":' * 100_000 + "1" + "}" * 100_000)
    write(subs / "list.ipynb", "[]")
    (subs / "empty").mkdir()
    rows = grade_rows(subs, tmp_path / "out", roster=["late"])
    assert {k: r["status"] for k, r in rows.items()} == {
        "deep": "invalid notebook",
        "dict": "invalid notebook",
        "list": "invalid notebook",
        "empty": "missing",
        "late": "missing",
    }
    assert "levels deep" in rows["deep"]["detail"] and "not a Jupyter notebook" in rows["list"]["detail"]
    assert INVALID in json.loads((tmp_path / "out" / "results" / "deep.json").read_text())["status"]


def test_the_csv_formula_guard_covers_leading_spaces_and_full_width_signs():
    for text in ("=1+1", " =1+1", "+1", "-1", "@SUM(A1)", "\uff1d1+1", "\t=1"):
        assert gradebook._cell(text).startswith("'"), text
    assert gradebook._cell("alice") == "alice" and gradebook._cell("a=b") == "a=b"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {"n": ' + "9" * 5000 + '}, "cells": []}', "not valid notebook JSON"),
        ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [1, "two", null]}', "notebook"),
        ('{"nbformat": 4, "nbformat_minor": 5, "metadata": "none", "cells": []}', "notebook format"),
        ('{"nbformat": 3, "worksheets": "x", "metadata": {}}', "notebook"),
    ],
)
def test_hostile_notebook_json_is_one_learners_invalid_row(tmp_path, text, expected):
    nb, problem = intake.check_notebook(write(tmp_path / "n.ipynb", text), UNIT)
    assert nb is None and expected in problem


def test_a_bare_ipynb_name_and_invisible_characters_are_reported(tmp_path):
    write(tmp_path / ".ipynb")
    write(tmp_path / "ali\u200bce.ipynb")
    write(tmp_path / "alice.ipynb")
    found = submissions.scan(tmp_path, EXPECTED)
    assert dict(found.skipped) == {".ipynb": "skipped: a notebook file with no name before .ipynb"}
    assert sorted(s.learner for s in found.submissions) == ["ali\\u200bce", "alice"]


def test_a_later_minor_version_is_read_as_the_newest_known(tmp_path):
    raw = json.loads(notebook_text("a = 1"))
    raw["nbformat_minor"] = int("9" * 300)
    nb, problem = intake.check_notebook(write(tmp_path / "n.ipynb", json.dumps(raw)), UNIT)
    assert problem == "" and nb.nbformat_minor == nbformat.v4.nbformat_minor


def test_inside_a_learners_folder_mac_resource_files_and_links_are_not_notebooks(tmp_path):
    subs = tmp_path / "subs"
    write(subs / "alice" / "mywork.ipynb")
    (subs / "alice" / "._mywork.ipynb").write_bytes(b"\0\5\26\7")
    write(tmp_path / "elsewhere" / "x.ipynb")
    (subs / "bob").mkdir()
    (subs / "bob" / "work").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = {s.learner: s for s in submissions.find(subs, EXPECTED)}
    assert found["alice"].notebook == subs / "alice" / "mywork.ipynb"
    assert found["bob"].notebook is None and not found["bob"].missing and "work is a symbolic link" in found["bob"].problem


def test_a_learners_folder_with_too_many_files_is_searched_only_so_far(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "SEARCH_ENTRIES", 5)
    for index in range(10):
        (tmp_path / "flood" / f"f{index:02}.txt").parent.mkdir(exist_ok=True)
        (tmp_path / "flood" / f"f{index:02}.txt").write_text("x")
    write(tmp_path / "flood" / "zz.ipynb")
    (found,) = submissions.find(tmp_path, EXPECTED)
    assert found.notebook is None and "more than 5 files" in found.problem


def test_the_submissions_folder_itself_may_be_reached_through_a_link(tmp_path):
    write(tmp_path / "real" / "alice.ipynb")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    assert [s.learner for s in submissions.find(tmp_path / "link", EXPECTED)] == ["alice"]


def test_a_rosters_first_line_may_name_its_column(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Username,Name\nalice,A\n", encoding="utf-8")
    assert submissions.read_roster(roster) == ["alice"]
    roster.write_text('"Email address"\n"bob@uni.example"\n', encoding="utf-8")
    assert submissions.read_roster(roster) == ["bob@uni.example"]


def test_an_unpaired_surrogate_escape_is_invalid_not_a_crash_when_the_notebook_is_written(tmp_path):
    text = notebook_text("a = 1").replace("a = 1", "a = '\\\\ud800'".replace("\\\\", "\\"))
    assert "\\ud800" in text
    nb, problem = intake.check_notebook(write(tmp_path / "n.ipynb", text), UNIT)
    assert nb is None and "not valid Unicode" in problem


def test_a_notebook_of_too_many_cells_is_invalid(tmp_path, monkeypatch):
    monkeypatch.setattr(intake, "MAX_CELLS", 3)
    nb, problem = intake.check_notebook(write(tmp_path / "n.ipynb", notebook_text(*["a = 1"] * 4)), UNIT)
    assert nb is None and "4 cells" in problem
    nb, problem = intake.check_notebook(write(tmp_path / "m.ipynb", notebook_text(*["a = 1"] * 3)), UNIT)
    assert problem == "" and len(nb.cells) == 3
