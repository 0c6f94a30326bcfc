"""The learner's workspace: copies that survive rebuilds, re-runs and `git pull`."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

from mlkit.course import workspace
from mlkit.course.authoring.sync import build
from mlkit.cli import main
from mlkit.errors import InputError
from mlkit.course.workspace import fingerprint, work


def solution(title: str = "# Demo", unit: str = "demo"):
    nb = v4.new_notebook()
    nb.metadata["mlkit"] = {"unit": unit}
    nb.cells = [
        v4.new_markdown_cell(title),
        v4.new_code_cell("import mlkit\nx = 2"),
        v4.new_code_cell("### BEGIN SOLUTION\ny = x * 3\n### END SOLUTION\nprint(y)", metadata={"tags": ["ex:triple"]}),
    ]
    for index, cell in enumerate(nb.cells):
        cell.id = f"c{index}"
    return nb


def make_kit(root: Path, notebooks: dict[str, object] | None = None) -> Path:
    (root / "solutions").mkdir(parents=True, exist_ok=True)
    for name, nb in (notebooks or {"01_demo.ipynb": solution()}).items():
        nbformat.write(nb, str(root / "solutions" / name))
    build(root)
    return root


def learner_edit(path: Path, answer: str = "y = x * 3  # mine") -> bytes:
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[3].source = answer
    nbformat.write(nb, str(path))
    return path.read_bytes()


@pytest.fixture(autouse=True)
def no_workspace_override(monkeypatch):
    monkeypatch.delenv(workspace.WORKSPACE_ENV, raising=False)


def test_work_copies_each_exercise_with_its_kit_fingerprint(tmp_path):
    root = make_kit(tmp_path, {"01_demo.ipynb": solution(), "02_more.ipynb": solution(unit="more")})
    done = work(root)
    assert [(p.unit, p.copy, p.action) for p in done] == [
        ("demo", root / "workspace" / "01_demo-exercises.ipynb", workspace.COPIED),
        ("more", root / "workspace" / "02_more-exercises.ipynb", workspace.COPIED),
    ]
    copy = nbformat.read(str(root / "workspace" / "01_demo-exercises.ipynb"), as_version=4)
    kit = root / "exercises" / "01_demo.ipynb"
    assert copy.metadata["mlkit"]["kit_fingerprint"] == fingerprint(kit) == hashlib.sha256(kit.read_bytes()).hexdigest()
    assert copy.metadata["mlkit"]["copied_from"] == "exercises/01_demo.ipynb"
    assert copy.cells[0].source.startswith("> **Your own copy** of the kit's `exercises/01_demo.ipynb`")
    assert "Do not work in it" not in copy.cells[0].source
    assert [c.source for c in copy.cells[1:]] == [c.source for c in nbformat.read(str(kit), as_version=4).cells[1:]]
    assert [p.action for p in work(root, ["more"])] == [workspace.KEPT]


def test_an_edited_copy_survives_work_again_and_a_rebuild(tmp_path):
    root = make_kit(tmp_path)
    work(root)
    copy = root / "workspace" / "01_demo-exercises.ipynb"
    edited = learner_edit(copy)
    assert [p.action for p in work(root)] == [workspace.KEPT]
    build(root)
    assert [p.action for p in work(root, ["demo"])] == [workspace.KEPT]
    assert copy.read_bytes() == edited
    assert sorted(p.name for p in copy.parent.iterdir()) == ["01_demo-exercises.ipynb"]


def test_a_changed_kit_exercise_lands_beside_the_copy(tmp_path):
    root = make_kit(tmp_path)
    work(root)
    copy = root / "workspace" / "01_demo-exercises.ipynb"
    edited = learner_edit(copy)
    make_kit(root, {"01_demo.ipynb": solution("# Demo, second edition")})
    kit_hash = fingerprint(root / "exercises" / "01_demo.ipynb")
    beside = root / "workspace" / f"01_demo-exercises.kit-{kit_hash[:8]}.ipynb"
    assert work(root) == [
        workspace.Placement("demo", root / "exercises" / "01_demo.ipynb", copy, workspace.CHANGED, beside)
    ]
    assert copy.read_bytes() == edited
    new = nbformat.read(str(beside), as_version=4)
    assert new.cells[1].source == "# Demo, second edition"
    assert new.metadata["mlkit"]["kit_fingerprint"] == kit_hash
    assert "beside your copy `01_demo-exercises.ipynb`" in new.cells[0].source
    beside_bytes = beside.read_bytes()
    assert [p.action for p in work(root)] == [workspace.BESIDE]
    assert beside.read_bytes() == beside_bytes and copy.read_bytes() == edited


def test_a_copy_without_fingerprint_or_unreadable_is_left_alone(tmp_path):
    root = make_kit(tmp_path)
    (root / "workspace").mkdir()
    copy = root / "workspace" / "01_demo-exercises.ipynb"
    copy.write_text("{ not a notebook", encoding="utf-8")
    assert [p.action for p in work(root)] == [workspace.UNKNOWN]
    assert copy.read_text(encoding="utf-8") == "{ not a notebook"
    assert sorted(p.name for p in copy.parent.iterdir()) == ["01_demo-exercises.ipynb"]


def test_workspace_folder_from_dest_or_environment(tmp_path, monkeypatch):
    root = make_kit(tmp_path / "kit")
    assert work(root, dest=tmp_path / "mine")[0].copy == tmp_path / "mine" / "01_demo-exercises.ipynb"
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(tmp_path / "env"))
    assert work(root)[0].copy == tmp_path / "env" / "01_demo-exercises.ipynb"
    assert work(root, dest=tmp_path / "mine")[0].action == workspace.KEPT
    assert not (root / "workspace").exists()


def test_unknown_unit_lists_the_units_with_exercises(tmp_path):
    root = make_kit(tmp_path)
    with pytest.raises(InputError, match=r"no lesson or exercise notebook for unit\(s\) nope; units with notebooks: demo"):
        work(root, ["demo", "nope"])
    assert not (root / "workspace").exists()


def test_create_never_replaces_an_existing_file(tmp_path):
    target = tmp_path / "a.ipynb"
    assert workspace._create(target, "first") is True
    assert workspace._create(target, "second") is False
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]  # no temporary file left behind


def test_command_prints_what_was_copied_kept_and_added(tmp_path, monkeypatch, capsys):
    root = make_kit(tmp_path)
    monkeypatch.setattr("mlkit.paths.repo_root", lambda: root)
    monkeypatch.chdir(root)
    assert main(["work"]) == 0
    out = capsys.readouterr().out
    assert "copied   workspace/01_demo-exercises.ipynb\n" in out
    assert "1 notebook(s): 1 copied, 0 kept\n" in out
    make_kit(root, {"01_demo.ipynb": solution("# Demo, revised")})
    assert main(["work", "demo"]) == 0
    out = capsys.readouterr().out
    short = fingerprint(root / "exercises" / "01_demo.ipynb")[:8]
    assert "kept     workspace/01_demo-exercises.ipynb (your copy, unchanged)\n" in out
    assert f"added    workspace/01_demo-exercises.kit-{short}.ipynb -- the kit's notebook changed" in out
    assert main(["work", "other"]) == 2
    assert "mlkit work: error: no lesson or exercise notebook for unit(s) other" in capsys.readouterr().err


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Kit",
        "GIT_AUTHOR_EMAIL": "kit@example.org",
        "GIT_COMMITTER_NAME": "Kit",
        "GIT_COMMITTER_EMAIL": "kit@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_an_edited_copy_survives_a_git_pull_of_the_kit(tmp_path):
    origin = make_kit(tmp_path / "origin")
    (origin / ".gitignore").write_text("/workspace/\n", encoding="utf-8")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", ".")
    _git(origin, "commit", "-q", "-m", "first edition")
    learner = tmp_path / "learner"
    _git(tmp_path, "clone", "-q", str(origin), str(learner))

    work(learner)
    copy = learner / "workspace" / "01_demo-exercises.ipynb"
    edited = learner_edit(copy)
    assert _git(learner, "status", "--porcelain") == ""  # the workspace is ignored: nothing to conflict

    make_kit(origin, {"01_demo.ipynb": solution("# Demo, second edition")})
    _git(origin, "commit", "-q", "-am", "second edition")
    _git(learner, "pull", "-q", "--ff-only")

    assert copy.read_bytes() == edited
    assert (learner / "exercises" / "01_demo.ipynb").read_bytes() == (origin / "exercises" / "01_demo.ipynb").read_bytes()
    placed = work(learner)
    assert [p.action for p in placed] == [workspace.CHANGED]
    assert copy.read_bytes() == edited
    assert json.loads(placed[0].beside.read_text())["cells"][1]["source"] == "# Demo, second edition"
    assert _git(learner, "status", "--porcelain") == ""


def test_a_copy_runs_from_a_folder_outside_the_kit(tmp_path):
    from mlkit.course.notebook_store import execute

    root = make_kit(tmp_path / "kit")
    copy = work(root, dest=tmp_path / "elsewhere")[0].copy
    done = execute(copy, timeout=60)
    outputs = [o for c in done.cells if c.cell_type == "code" for o in c.outputs]
    assert [(o.output_type, o.get("text")) for o in outputs] == [("stream", "Ellipsis\n")]  # the untouched stub
    assert [c.execution_count for c in done.cells if c.cell_type == "code"] == [1, 2]


def test_a_copy_under_the_earlier_name_is_still_the_learners_copy(tmp_path):
    """Copies made before the names said what they are (`01_demo.ipynb`) are kept, not duplicated or renamed."""
    root = make_kit(tmp_path)
    work(root)
    earlier = root / "workspace" / "01_demo.ipynb"
    (root / "workspace" / "01_demo-exercises.ipynb").rename(earlier)
    edited = learner_edit(earlier)
    placed = work(root)
    assert [(p.copy, p.action) for p in placed] == [(earlier, workspace.KEPT)]
    make_kit(root, {"01_demo.ipynb": solution("# Demo, second edition")})
    short = fingerprint(root / "exercises" / "01_demo.ipynb")[:8]
    placed = work(root)
    assert [(p.copy, p.action, p.beside.name) for p in placed] == [
        (earlier, workspace.CHANGED, f"01_demo-exercises.kit-{short}.ipynb")
    ]
    assert earlier.read_bytes() == edited
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["01_demo-exercises.kit-" + short + ".ipynb", "01_demo.ipynb"]


def test_a_file_under_the_earlier_name_from_elsewhere_is_not_taken_for_the_copy(tmp_path):
    root = make_kit(tmp_path)
    (root / "workspace").mkdir()
    other = root / "workspace" / "01_demo.ipynb"
    nb = v4.new_notebook()
    nb.metadata["mlkit"] = {"copied_from": "exercises/99_other.ipynb"}
    nbformat.write(nb, str(other))
    before = other.read_bytes()
    placed = work(root)
    assert [(p.copy.name, p.action) for p in placed] == [("01_demo-exercises.ipynb", workspace.COPIED)]
    assert other.read_bytes() == before


def lesson(text: str) -> object:
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell(text)]
    nb.cells[0].id = "l0"
    return nb


def make_course(root: Path) -> Path:
    """A kit with a start page, the classification lesson, the Python lesson and classification's exercises."""
    (root / "notebooks").mkdir(parents=True)
    (root / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 16)
    (root / "README.md").write_text("# kit\n", encoding="utf-8")
    start = v4.new_notebook()
    start.cells = [v4.new_code_cell("show()", outputs=[v4.new_output(
        "display_data", data={"text/markdown": "Next: [Classification](../notebooks/14_classification.ipynb)"})])]
    start.cells[0].id = "s0"
    nbformat.write(start, str(root / "notebooks" / "00_start_here.ipynb"))
    nbformat.write(lesson("Before: [Python](08_python_numpy.ipynb). Then [the exercises](../exercises/14_classification.ipynb#top)"
                          " and the [README](../README.md), ![a figure](../img.png), [web](https://example.org)."),
                   str(root / "notebooks" / "14_classification.ipynb"))
    nbformat.write(lesson("Python."), str(root / "notebooks" / "08_python_numpy.ipynb"))
    nb = solution(title="# Exercises on [the lesson](../notebooks/14_classification.ipynb)", unit="classification")
    return make_kit(root, {"14_classification.ipynb": nb})


def _relative_links(path: Path) -> list[str]:
    import re

    nb = json.loads(path.read_text(encoding="utf-8"))
    texts = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]
    texts += [o["data"]["text/markdown"] for c in nb["cells"] for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
    return [t for text in texts for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:", t)]


def test_names_say_what_each_copy_is_and_solutions_are_never_copied(tmp_path):
    root = make_course(tmp_path / "kit")
    placed = work(root)
    assert [(p.kind, p.unit, p.copy.name) for p in placed] == [
        (workspace.START, "start", "00_start_here.ipynb"),
        (workspace.LESSON, "python-numpy", "08_python_numpy-lesson.ipynb"),
        (workspace.LESSON, "classification", "14_classification-lesson.ipynb"),
        (workspace.EXERCISES, "classification", "14_classification-exercises.ipynb"),
    ]
    assert sorted(p.name for p in (root / "workspace").iterdir()) == sorted(p.copy.name for p in placed)
    assert (root / "solutions" / "14_classification.ipynb").exists()


def test_work_dest_outside_the_kit_rewrites_links_to_work_from_there(tmp_path, monkeypatch):
    root = make_course(tmp_path / "kit")
    monkeypatch.setattr("mlkit.paths.repo_root", lambda: root)
    dest = tmp_path / "elsewhere" / "mine"
    assert main(["work", "--dest", str(dest), "classification"]) == 0
    assert sorted(p.name for p in dest.iterdir()) == ["14_classification-exercises.ipynb", "14_classification-lesson.ipynb"]
    lesson_copy = nbformat.read(str(dest / "14_classification-lesson.ipynb"), as_version=4).cells[0]
    python = (root / "notebooks" / "08_python_numpy.ipynb").resolve().as_posix()
    readme = (root / "README.md").resolve().as_posix()
    assert lesson_copy.source == (
        f"Before: Python (the kit's file `{python}`). Then [the exercises](14_classification-exercises.ipynb#top)"
        f" and the README (the kit's file `{readme}`), ![a figure](attachment:img.png), [web](https://example.org)."
    )
    assert lesson_copy.attachments["img.png"]["image/png"] == __import__("base64").b64encode((root / "img.png").read_bytes()).decode()
    exercise_copy = nbformat.read(str(dest / "14_classification-exercises.ipynb"), as_version=4)
    assert exercise_copy.cells[1].source == "# Exercises on [the lesson](14_classification-lesson.ipynb)"
    for copy in dest.iterdir():
        for target in _relative_links(copy):
            assert (dest / target.split("#")[0]).is_file(), f"{copy.name}: {target} does not work from {dest}"


def test_links_point_at_copies_already_in_the_workspace(tmp_path):
    root = make_course(tmp_path / "kit")
    work(root, ["python-numpy"])
    work(root, ["classification"])
    copy = nbformat.read(str(root / "workspace" / "14_classification-lesson.ipynb"), as_version=4)
    assert copy.cells[0].source.startswith("Before: [Python](08_python_numpy-lesson.ipynb). Then [the exercises]")
    work(root)
    start = nbformat.read(str(root / "workspace" / "00_start_here.ipynb"), as_version=4)
    assert start.cells[0].outputs[0]["data"]["text/markdown"] == "Next: [Classification](14_classification-lesson.ipynb)"


def test_the_kits_files_are_unchanged_by_work(tmp_path):
    root = make_course(tmp_path / "kit")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    work(root)
    work(root, dest=tmp_path / "other")
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "workspace" not in p.parts}
    assert after == before


def test_an_unwritable_workspace_is_one_clear_error(tmp_path, monkeypatch, capsys):
    root = make_kit(tmp_path / "kit")
    monkeypatch.setattr("mlkit.paths.repo_root", lambda: root)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["work", "--dest", str(blocker / "ws")]) == 2
    err = capsys.readouterr().err
    assert "mlkit work: error: cannot write your copies in" in err and "--dest or MLKIT_WORKSPACE" in err
    assert "Traceback" not in err


def test_every_link_in_the_kits_copies_works_from_a_folder_outside_the_kit(tmp_path):
    """The real kit: copied to a folder elsewhere, no relative link is left pointing at nothing."""
    root = Path(__file__).resolve().parents[1]
    before = {p: p.stat().st_mtime_ns for folder in ("notebooks", "exercises") for p in (root / folder).glob("*.ipynb")}
    dest = tmp_path / "mine"
    placed = work(root, dest=dest)
    assert {p.kind for p in placed} == {workspace.START, workspace.LESSON, workspace.EXERCISES}
    assert not any("solutions" in p.kit.parts for p in placed)
    broken = [(p.copy.name, target) for p in placed for target in _relative_links(p.copy)
              if not target.startswith("attachment:") and not (dest / target.split("#")[0]).is_file()]
    assert broken == []
    assert sum(len(_relative_links(p.copy)) for p in placed) > 40  # the lessons do link to each other
    after = {p: p.stat().st_mtime_ns for p in before}
    assert after == before


def test_the_start_pages_table_links_to_the_copies_when_run_again_in_the_workspace(tmp_path):
    """Re-running the start page's curriculum cell in the workspace gives links to the learner's copies."""
    import re

    from mlkit.course import curriculum

    root = Path(__file__).resolve().parents[1]
    dest = tmp_path / "mine"
    work(root, dest=dest)
    start = nbformat.read(dest / "00_start_here.ipynb", as_version=4)
    cell = next(c for c in start.cells if c.cell_type == "code" and "markdown_table" in c.source)
    assert "link=workspace.lesson_copy_name" in cell.source
    targets = re.findall(r"\]\(([^)]+)\)", curriculum.markdown_table(link=workspace.lesson_copy_name))
    assert len(targets) >= 15
    assert [t for t in targets if not (dest / t).is_file()] == []


def _renumber(root: Path, old: str, new: str) -> None:
    """The kit moves a unit to another number, as when units are inserted before it."""
    for folder in ("solutions", "exercises"):
        (root / folder / f"{old}.ipynb").rename(root / folder / f"{new}.ipynb")
    build(root)


def test_a_copy_made_before_the_catalogue_was_renumbered_is_still_the_learners_copy(tmp_path):
    """`05_demo-exercises.ipynb` stays the learner's copy when the unit becomes 08: no second copy, nothing lost."""
    root = make_kit(tmp_path, {"05_demo.ipynb": solution()})
    work(root)
    old = root / "workspace" / "05_demo-exercises.ipynb"
    edited = learner_edit(old)
    _renumber(root, "05_demo", "08_demo")
    short = fingerprint(root / "exercises" / "08_demo.ipynb")[:8]  # the new notebook names the new copy: it changed
    placed = work(root)
    assert [(p.copy, p.action, p.beside.name) for p in placed] == [
        (old, workspace.CHANGED, f"08_demo-exercises.kit-{short}.ipynb")
    ]
    assert old.read_bytes() == edited
    assert sorted(p.name for p in old.parent.iterdir()) == ["05_demo-exercises.ipynb", f"08_demo-exercises.kit-{short}.ipynb"]
    assert [(p.copy, p.action) for p in work(root)] == [(old, workspace.BESIDE)]


def test_an_exercise_copy_of_the_earliest_naming_is_found_after_renumbering(tmp_path):
    root = make_kit(tmp_path, {"05_demo.ipynb": solution()})
    work(root)
    earliest = root / "workspace" / "05_demo.ipynb"
    (root / "workspace" / "05_demo-exercises.ipynb").rename(earliest)
    edited = learner_edit(earliest)
    _renumber(root, "05_demo", "08_demo")
    make_kit(root, {"08_demo.ipynb": solution("# Demo, second edition")})
    short = fingerprint(root / "exercises" / "08_demo.ipynb")[:8]
    placed = work(root)
    assert [(p.copy, p.action, p.beside.name) for p in placed] == [
        (earliest, workspace.CHANGED, f"08_demo-exercises.kit-{short}.ipynb")
    ]
    assert earliest.read_bytes() == edited


def test_a_copy_of_another_unit_or_folder_with_a_similar_name_is_not_taken(tmp_path):
    """Only the same slug from the same kit folder counts: `05_demo_extra`, a lesson's copy or another origin do not."""
    root = make_kit(tmp_path, {"08_demo.ipynb": solution()})
    (root / "workspace").mkdir()
    strangers = {
        "05_demo_extra-exercises.ipynb": "exercises/05_demo_extra.ipynb",
        "05_demo-lesson.ipynb": "notebooks/05_demo.ipynb",
        "05_demo-exercises.ipynb": "notebooks/05_demo.ipynb",
    }
    for name, origin in strangers.items():
        nb = v4.new_notebook()
        nb.metadata["mlkit"] = {"copied_from": origin}
        nbformat.write(nb, str(root / "workspace" / name))
    before = {name: (root / "workspace" / name).read_bytes() for name in strangers}
    placed = work(root)
    assert [(p.copy.name, p.action) for p in placed] == [("08_demo-exercises.ipynb", workspace.COPIED)]
    assert {name: (root / "workspace" / name).read_bytes() for name in strangers} == before


def test_links_after_renumbering_point_at_the_learners_existing_copies(tmp_path):
    root = make_course(tmp_path / "kit")
    work(root)
    ws = root / "workspace"
    for kind in ("lesson", "exercises"):
        (ws / f"14_classification-{kind}.ipynb").rename(ws / f"11_classification-{kind}.ipynb")
    (ws / "00_start_here.ipynb").unlink()
    placed = work(root)
    names = sorted(p.name for p in ws.iterdir())
    assert "14_classification-lesson.ipynb" not in names and "14_classification-exercises.ipynb" not in names
    assert {p.copy.name for p in placed} >= {"11_classification-lesson.ipynb", "11_classification-exercises.ipynb"}
    start = nbformat.read(str(ws / "00_start_here.ipynb"), as_version=4)
    assert start.cells[0].outputs[0]["data"]["text/markdown"] == "Next: [Classification](11_classification-lesson.ipynb)"
