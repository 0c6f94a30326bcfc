"""Workshop planning, the handout folder and nbgitpuller links."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlkit.course import curriculum, workshop
from mlkit.course.authoring.generate import solution_parts
from mlkit.course.checks import registry
from mlkit.cli import main
from mlkit.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class FakeUnit:
    id: str
    minutes: int


def shape(items):
    return [(i.kind, i.start, i.end, i.part, i.parts) for i in items]


def test_breaks_split_long_units_and_never_end_the_session():
    items = workshop.layout([FakeUnit("a", 180)])
    assert shape(items) == [
        ("unit", 0, 75, 1, 3), ("break", 75, 85, 1, 1), ("unit", 85, 160, 2, 3), ("break", 160, 170, 1, 1), ("unit", 170, 200, 3, 3)
    ]


def test_a_unit_ending_soon_after_the_block_waits_for_its_end():
    items = workshop.layout([FakeUnit("a", 30), FakeUnit("b", 55), FakeUnit("c", 40)])
    # b would reach the 75-minute mark 45 minutes in, but ends 10 minutes later: the break follows b.
    assert shape(items) == [("unit", 0, 30, 1, 1), ("unit", 30, 85, 1, 1), ("break", 85, 95, 1, 1), ("unit", 95, 135, 1, 1)]


def test_short_units_share_a_block_and_every_block_is_at_most_90_minutes():
    items = workshop.layout([FakeUnit(str(i), m) for i, m in enumerate([30, 20, 45, 90, 100, 25])])
    block = 0
    for item in items:
        block = 0 if item.kind == "break" else block + item.end - item.start
        assert block <= workshop.BLOCK_MINUTES + workshop.STRETCH_MINUTES
    assert items[-1].kind == "unit" and [i.end for i in items] == sorted(i.end for i in items)
    assert sum(i.end - i.start for i in items if i.kind == "unit") == 310


def test_plan_fits_what_it_can_and_lists_the_rest_and_missing_prerequisites():
    agenda = workshop.plan(120, ["classification", "readiness"], root=ROOT)
    assert [u.id for u in agenda.units] == ["readiness"]  # readiness comes first; classification then needs 140
    agenda = workshop.plan(180, ["readiness", "classification"], root=ROOT)
    assert [u.id for u in agenda.units] == ["readiness", "classification"]
    assert agenda.used == 140 and agenda.missing_prerequisites == {"classification": ["python-numpy", "pandas"]}
    small = workshop.plan(60, ["readiness", "classification"], root=ROOT)
    assert [u.id for u in small.units] == ["readiness"]
    assert [(u.id, why) for u, why in small.not_included] == [("classification", "needs 100 min (plus breaks); 30 min were left")]


def test_plan_by_area_and_units_not_written_yet():
    agenda = workshop.plan(600, area="methods", root=ROOT)
    methods = [u for u in curriculum.units() if u.area == "methods"]
    included = [u.id for u in agenda.units]
    left_out = {u.id: why for u, why in agenda.not_included}
    assert included and sorted([*included, *left_out]) == sorted(u.id for u in methods)
    assert included == [u.id for u in curriculum.study_order(included)]
    assert agenda.used <= 600
    for unit in methods:
        if not workshop.is_ready(unit, ROOT):
            assert left_out[unit.id] == "its notebooks are not written yet"
        elif unit.id in left_out:
            assert left_out[unit.id].startswith(f"needs {unit.minutes} min")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"minutes": 0, "unit_ids": ["readiness"]}, "--minutes"),
        ({"minutes": 60}, "either --units"),
        ({"minutes": 60, "unit_ids": ["readiness"], "area": "methods"}, "either --units"),
        ({"minutes": 60, "area": "cooking"}, "unknown area 'cooking'"),
        ({"minutes": 60, "unit_ids": ["nope"]}, "unknown unit 'nope'"),
    ],
)
def test_plan_errors_for_people(kwargs, message):
    with pytest.raises(InputError, match=message):
        workshop.plan(**kwargs)


def test_markdown_agenda_with_clock_times(tmp_path, capsys):
    assert main(["workshop", "plan", "--minutes", "180", "--units", "classification,readiness", "--start", "09:00"]) == 0
    text = capsys.readouterr().out
    assert "| 09:00 | 09:30 | 01 · Readiness self-assessment |" in text
    assert "| 10:15 | 10:25 | *Break (10 min)* | |" in text
    assert "`classification` needs Python and NumPy for ML (`python-numpy`)" in text and "## How this plan was made" in text
    out = tmp_path / "plan.md"
    assert main(["workshop", "plan", "--minutes", "180", "--units", "classification", "--out", str(out)]) == 0
    assert out.read_text().startswith("# Workshop plan\n")
    assert main(["workshop", "plan", "--minutes", "60", "--units", "readiness", "--start", "25:00"]) == 2


def test_release_copies_the_notebooks_lock_and_a_readme(tmp_path, capsys):
    out = tmp_path / "handout"
    assert main(["workshop", "release", "--units", "classification", "--out", str(out)]) == 0
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.parts[len(out.parts)] != "kit")
    assert files == ["README.md", "exercises/14_classification.ipynb", "notebooks/14_classification.ipynb", "requirements-lock.txt"]
    kit = sorted(str(p.relative_to(out / "kit" / "mlkit")) for p in (out / "kit" / "mlkit").rglob("*") if p.is_file())
    assert kit == sorted(
        str(p.relative_to(ROOT / "mlkit")) for p in (ROOT / "mlkit").rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    assert (out / "kit" / "pyproject.toml").read_bytes() == (ROOT / "pyproject.toml").read_bytes()
    assert not (out / ".git").exists() and not (out / "solutions").exists()
    assert (out / "exercises" / "14_classification.ipynb").read_bytes() == (ROOT / "exercises" / "14_classification.ipynb").read_bytes()
    assert (out / "requirements-lock.txt").read_text() == (ROOT / "requirements" / "lock.txt").read_text()
    readme = (out / "README.md").read_text()
    assert "must be\ninstalled" in readme and ".venv/bin/pip install --no-deps -r requirements-lock.txt\n.venv/bin/pip install --no-deps ./kit\n" in readme
    assert "Python and NumPy for ML" in readme  # a prerequisite outside the handout
    nb = json.loads((out / "exercises" / "14_classification.ipynb").read_text())
    assert "from mlkit.datasets import breast_cancer" in "".join("".join(c["source"]) for c in nb["cells"])
    capsys.readouterr()
    assert main(["workshop", "release", "--units", "classification", "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["workshop", "release", "--units", "readiness", "--out", str(tmp_path / "other")]) == 2
    assert "no exercise notebook" in capsys.readouterr().err


@pytest.mark.parametrize(
    "repo, branch, path, app, folder",
    [
        ("https://github.com/example/mlkit.git", "main", "notebooks/00_start_here.ipynb", "lab", "mlkit"),
        ("https://gitlab.example.org/group/course kit", "autumn-2026", "exercises", "notebook", "course kit"),
        ("https://github.com/example/mlkit/", "main", "", "lab", "mlkit"),
    ],
)
def test_nbgitpuller_link_round_trips(repo, branch, path, app, folder):
    url = workshop.link("https://hub.example.org/", repo, branch, path, app)
    assert url.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=")
    parts = workshop.parse_link(url)
    target = "/".join(p for p in (folder, path) if p)
    assert parts == {
        "hub": "https://hub.example.org",
        "repo": repo,
        "branch": branch,
        "urlpath": f"lab/tree/{target}" if app == "lab" else f"tree/{target}",
    }
    assert " " not in url


def test_link_command_and_its_errors(capsys):
    assert main(["workshop", "link", "--hub", "https://hub.example.org", "--repo", "https://github.com/example/mlkit", "--path", "exercises"]) == 0
    url = capsys.readouterr().out.strip()
    assert workshop.parse_link(url)["urlpath"] == "lab/tree/mlkit/exercises"
    with pytest.raises(InputError, match="--hub must be an http"):
        workshop.link("hub.example.org", "https://github.com/example/mlkit")
    with pytest.raises(InputError, match="not an nbgitpuller link"):
        workshop.parse_link("https://hub.example.org/hub/login")


# --- graded sessions: a release with no solution in it ------------------------------------

GRADED_UNITS = ["calculus-optimisation", "classification", "reinforcement-learning", "automation"]
# Functions of the kit's own library that the lessons call and that an exercise asks the learner
# to write again; a graded session of these units shows them (README, "Serve a room").
LIBRARY_FOLDER = ("kit", "mlkit", "topics")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded") / "release"
    assert main(["workshop", "release", "--graded", "--units", ",".join(GRADED_UNITS), "--out", str(out)]) == 0
    return out


def released_texts(folder: Path) -> dict[Path, str]:
    """Every file a learner can open in the release (notebooks as their cell sources), git's own files apart."""
    texts = {}
    for path in folder.rglob("*"):
        if path.is_file() and ".git" not in path.relative_to(folder).parts:
            raw = path.read_bytes().decode("utf-8", errors="replace")
            if path.suffix == ".ipynb":  # the sources as Jupyter shows them, then everything else the file holds
                raw = "\n".join("".join(cell["source"]) for cell in json.loads(raw)["cells"]) + "\n" + raw
            texts[path.relative_to(folder)] = " ".join(raw.split())
    return texts


def secrets(unit_ids):
    """(exercise id, code lines, whole code, explanation paragraphs, hints) of every exercise of the units."""
    for unit_id in unit_ids:
        unit = curriculum.get_unit(unit_id)
        for exercise in registry.exercises(unit_id):
            code, text = solution_parts(ROOT / unit.solutions, exercise.name)
            lines = [line.strip() for line in code.splitlines() if len(line.strip()) >= 20]
            paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if len(p.strip()) >= 30]
            hints = [" ".join(h.split()) for h in exercise.hints]
            yield exercise.id, lines, " ".join(code.split()), paragraphs, hints


def test_a_graded_release_holds_no_solution_hint_or_check_text(graded):
    texts = released_texts(graded)
    assert {p.parts[0] for p in texts} == {"README.md", "exercises", "kit", "requirements-lock.txt", workshop.MANIFEST}
    assert not [p for p in texts if "solutions" in p.parts or "authoring" in p.parts or p.name == "verification.toml"]
    assert not [p for p in texts if p.suffix == ".pyc"]  # compiled copies of the full checks would hold the hints
    found_somewhere = 0
    for exercise_id, lines, code, paragraphs, hints in secrets(GRADED_UNITS):
        for path, text in texts.items():
            assert code not in text, f"{path} holds the solution of {exercise_id}"
            for piece in paragraphs + hints:
                assert piece not in text, f"{path} holds the explanation or a hint of {exercise_id}: {piece[:60]}"
            for line in lines:
                if line in text:
                    found_somewhere += 1
                    # a stub keeps the signature of a function to write; the kit's library is the known exception
                    given = path.parts[0] == "exercises" and line.startswith(("def ", "class "))
                    assert given or path.parts[:3] == LIBRARY_FOLDER, f"{path} holds {exercise_id}'s line {line!r}"
    assert found_somewhere  # the search does find the signatures the stubs keep


def test_the_release_guard_refuses_a_folder_that_shows_a_solution(tmp_path):
    unit = curriculum.get_unit("classification")
    code, _ = solution_parts(ROOT / unit.solutions, "split")
    (tmp_path / "notes.md").write_text(f"Answer:\n\n    {code}\n")
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "x.txt").write_text("nothing")
    leaks = workshop.solution_leaks(tmp_path, ROOT, ["classification"])
    assert leaks == ["notes.md: classification.split", "solutions/x.txt: a solutions folder"]


@pytest.mark.parametrize("hide", ["0", "1", ""])
def test_solution_in_a_graded_kit_has_none_whatever_the_environment_says(graded, tmp_path, hide):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[checks]\nhide_solutions = false\n")
    probe = (
        "import json, os\n"
        "os.environ['MLKIT_HIDE_SOLUTIONS'] = '0'\n"
        "from mlkit.course.checks import registry\n"
        "from mlkit.course.checks.core import WorkedSolution\n"
        "rows = []\n"
        "for ex in registry.all_exercises():\n"
        "    shown = ex.solution()\n"
        "    rows.append([ex.id, isinstance(shown, WorkedSolution), str(shown), str(ex.hint()), str(ex.check(1, 2))])\n"
        "import importlib.util\n"
        "print(json.dumps({'authoring': importlib.util.find_spec('mlkit.course.authoring') is not None, 'rows': rows}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(graded / "kit"), "MLKIT_HOME": str(home), "MLKIT_HIDE_SOLUTIONS": hide}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["authoring"] is False
    ids = {row[0] for row in result["rows"]}
    assert ids == {e.id for e in registry.all_exercises()}  # every unit's exercise still exists, so every notebook runs
    everything = " ".join(" ".join(row[2:]) for row in result["rows"])
    for exercise_id, _, code, paragraphs, hints in secrets(GRADED_UNITS):
        assert code not in " ".join(everything.split())
        assert not any(h in everything for h in hints[-1:])
    for exercise_id, worked, shown, hint, check in result["rows"]:
        assert not worked and "does not include" in shown, exercise_id
        assert hint.startswith("No hints"), exercise_id
        assert check.startswith("Not attempted yet: this is a graded session"), exercise_id


def test_the_graded_release_is_one_commit_without_solutions_in_its_history(graded):
    def git(*args):
        return subprocess.run(["git", "-C", str(graded), *args], capture_output=True, text=True, check=True).stdout

    assert git("rev-list", "--all", "--count").strip() == "1"
    assert git("status", "--porcelain") == ""
    objects = git("rev-list", "--all", "--objects").split()
    assert any(o.endswith("14_classification.ipynb") for o in objects)
    assert not [o for o in objects if "solutions" in o.split("/") or "authoring" in o.split("/")]
    assert git("branch", "--show-current").strip() == "graded"


def test_the_graded_link_pulls_the_release_and_no_solutions(graded, tmp_path, capsys):
    repo = "https://git.example.org/course/graded-autumn.git"
    assert main(["workshop", "link", "--hub", "https://hub.example.org", "--repo", repo, "--release", str(graded)]) == 0
    parts = workshop.parse_link(capsys.readouterr().out.strip())
    assert parts["repo"] == repo and parts["branch"] == "graded" and parts["urlpath"] == "lab/tree/graded-autumn/exercises"
    # What nbgitpuller does on the first click: clone that branch (here from the folder it was pushed from).
    clone = tmp_path / "home" / "graded-autumn"
    subprocess.run(["git", "clone", "-q", "--branch", parts["branch"], str(graded), str(clone)], check=True, capture_output=True)
    cloned = sorted(str(p.relative_to(clone)) for p in clone.rglob("*") if p.is_file() and ".git" not in p.relative_to(clone).parts)
    assert cloned == sorted(str(p) for p in released_texts(graded))
    assert not any("solutions" in Path(p).parts for p in cloned)


def test_the_kit_link_warns_that_it_pulls_solutions_and_release_errors(graded, tmp_path, capsys):
    assert main(["workshop", "link", "--hub", "https://hub.example.org", "--repo", "https://github.com/example/mlkit"]) == 0
    captured = capsys.readouterr()
    assert workshop.parse_link(captured.out.strip())["branch"] == "main"
    assert "holds solutions/" in captured.err and "--release" in captured.err
    assert main(["workshop", "link", "--hub", "https://hub.example.org", "--repo", "https://x.org/r.git", "--release", str(tmp_path)]) == 2
    assert "is not a graded release" in capsys.readouterr().err
    assert main(["workshop", "link", "--hub", "https://hub.example.org", "--release", str(graded)]) == 2
    assert "--repo" in capsys.readouterr().err
    args = ["workshop", "link", "--hub", "https://hub.example.org", "--repo", "https://x.org/r.git", "--release", str(graded), "--branch", "main"]
    assert main(args) == 2
    assert "leave --branch out" in capsys.readouterr().err


def test_a_release_with_solutions_committed_later_is_refused(graded, tmp_path, capsys):
    copy = tmp_path / "copy"
    subprocess.run(["git", "clone", "-q", "--branch", "graded", str(graded), str(copy)], check=True)
    (copy / workshop.MANIFEST).write_text((graded / workshop.MANIFEST).read_text())
    (copy / "solutions").mkdir()
    (copy / "solutions" / "11.ipynb").write_text("{}")
    who = ["-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run(["git", "-C", str(copy), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(copy), *who, "commit", "-q", "-m", "oops"], check=True)
    subprocess.run(["git", "-C", str(copy), "rm", "-q", "-r", "solutions"], check=True)
    subprocess.run(["git", "-C", str(copy), *who, "commit", "-q", "-m", "removed again"], check=True)
    with pytest.raises(InputError, match="solutions folder in its history"):
        workshop.read_manifest(copy)


def test_branch_without_graded_is_refused(tmp_path, capsys):
    assert main(["workshop", "release", "--units", "classification", "--out", str(tmp_path / "o"), "--branch", "x"]) == 2
    assert "add --graded" in capsys.readouterr().err and not (tmp_path / "o").exists()


@pytest.mark.parametrize("branch", ["", "two words", "a..b", "-x"])
def test_a_graded_release_needs_a_branch_name(tmp_path, branch):
    with pytest.raises(InputError, match="--branch must be a git branch name"):
        workshop.release(["classification"], tmp_path / "out", ROOT, graded=True, branch=branch)


def test_the_graded_readme_says_there_is_no_feedback_and_installs_the_kit(graded):
    readme = (graded / "README.md").read_text()
    assert readme.startswith("# Graded session\n")
    assert ".venv/bin/pip install --no-deps ./kit" in readme and "no hints or\nsolutions" in readme
    assert "notebooks/" not in readme  # lessons are not handed out in a graded session
    manifest = json.loads((graded / workshop.MANIFEST).read_text())
    assert manifest == {"graded": True, "branch": "graded", "units": [u.id for u in curriculum.study_order(GRADED_UNITS)]}
    module = (graded / "kit" / "mlkit" / "course" / "checks" / "units" / "classification.py").read_text()
    assert "hints" not in module and re.search(r"EXERCISES\.exercise\('split', title=", module)
