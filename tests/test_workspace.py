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
        ("demo", root / "workspace" / "01_demo.ipynb", workspace.COPIED),
        ("more", root / "workspace" / "02_more.ipynb", workspace.COPIED),
    ]
    copy = nbformat.read(str(root / "workspace" / "01_demo.ipynb"), as_version=4)
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
    copy = root / "workspace" / "01_demo.ipynb"
    edited = learner_edit(copy)
    assert [p.action for p in work(root)] == [workspace.KEPT]
    build(root)
    assert [p.action for p in work(root, ["demo"])] == [workspace.KEPT]
    assert copy.read_bytes() == edited
    assert sorted(p.name for p in copy.parent.iterdir()) == ["01_demo.ipynb"]


def test_a_changed_kit_exercise_lands_beside_the_copy(tmp_path):
    root = make_kit(tmp_path)
    work(root)
    copy = root / "workspace" / "01_demo.ipynb"
    edited = learner_edit(copy)
    make_kit(root, {"01_demo.ipynb": solution("# Demo, second edition")})
    kit_hash = fingerprint(root / "exercises" / "01_demo.ipynb")
    beside = root / "workspace" / f"01_demo.kit-{kit_hash[:8]}.ipynb"
    assert work(root) == [
        workspace.Placement("demo", root / "exercises" / "01_demo.ipynb", copy, workspace.CHANGED, beside)
    ]
    assert copy.read_bytes() == edited
    new = nbformat.read(str(beside), as_version=4)
    assert new.cells[1].source == "# Demo, second edition"
    assert new.metadata["mlkit"]["kit_fingerprint"] == kit_hash
    assert "beside your copy `01_demo.ipynb`" in new.cells[0].source
    beside_bytes = beside.read_bytes()
    assert [p.action for p in work(root)] == [workspace.BESIDE]
    assert beside.read_bytes() == beside_bytes and copy.read_bytes() == edited


def test_a_copy_without_fingerprint_or_unreadable_is_left_alone(tmp_path):
    root = make_kit(tmp_path)
    (root / "workspace").mkdir()
    copy = root / "workspace" / "01_demo.ipynb"
    copy.write_text("{ not a notebook", encoding="utf-8")
    assert [p.action for p in work(root)] == [workspace.UNKNOWN]
    assert copy.read_text(encoding="utf-8") == "{ not a notebook"
    assert sorted(p.name for p in copy.parent.iterdir()) == ["01_demo.ipynb"]


def test_workspace_folder_from_dest_or_environment(tmp_path, monkeypatch):
    root = make_kit(tmp_path / "kit")
    assert work(root, dest=tmp_path / "mine")[0].copy == tmp_path / "mine" / "01_demo.ipynb"
    monkeypatch.setenv(workspace.WORKSPACE_ENV, str(tmp_path / "env"))
    assert work(root)[0].copy == tmp_path / "env" / "01_demo.ipynb"
    assert work(root, dest=tmp_path / "mine")[0].action == workspace.KEPT
    assert not (root / "workspace").exists()


def test_unknown_unit_lists_the_units_with_exercises(tmp_path):
    root = make_kit(tmp_path)
    with pytest.raises(InputError, match=r"no exercise notebook for unit\(s\) nope; units with exercises: demo"):
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
    assert "copied   workspace/01_demo.ipynb\n" in out
    assert "1 exercise notebook(s): 1 copied, 0 kept\n" in out
    make_kit(root, {"01_demo.ipynb": solution("# Demo, revised")})
    assert main(["work", "demo"]) == 0
    out = capsys.readouterr().out
    short = fingerprint(root / "exercises" / "01_demo.ipynb")[:8]
    assert "kept     workspace/01_demo.ipynb (your copy, unchanged)\n" in out
    assert f"added    workspace/01_demo.kit-{short}.ipynb -- the kit's exercise changed" in out
    assert main(["work", "other"]) == 2
    assert "mlkit work: error: no exercise notebook for unit(s) other" in capsys.readouterr().err


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
    copy = learner / "workspace" / "01_demo.ipynb"
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
