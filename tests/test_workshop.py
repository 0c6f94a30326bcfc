"""Workshop planning, the handout folder and nbgitpuller links."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlkit.course import curriculum, workshop
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
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["README.md", "exercises/11_classification.ipynb", "notebooks/11_classification.ipynb", "requirements-lock.txt"]
    assert (out / "exercises" / "11_classification.ipynb").read_bytes() == (ROOT / "exercises" / "11_classification.ipynb").read_bytes()
    assert (out / "requirements-lock.txt").read_text() == (ROOT / "requirements" / "lock.txt").read_text()
    readme = (out / "README.md").read_text()
    assert "must be\ninstalled" in readme and "pip install -c requirements-lock.txt" in readme
    assert "Python and NumPy for ML" in readme  # a prerequisite outside the handout
    nb = json.loads((out / "exercises" / "11_classification.ipynb").read_text())
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
