"""Workshop planning from the catalogue: an agenda with breaks, a handout folder, an nbgitpuller link.

The break rule (one place, documented in the README's "For instructors" section): work comes in
blocks of about 60 to 90 minutes with a 10-minute break between them. A break is
due once 75 minutes have passed since the last one; when the unit being worked
on would end within 15 more minutes, the break waits for its end, and a unit
that ends 60 or more minutes into a block is followed by a break. A break is
never put at the end of the session. Long units are split around breaks
("part 1 of 2").

Units are taken in study order (prerequisites first); one that does not fit the
time left is left out and listed, and later, shorter units may still fit.

Examples
--------
>>> from mlkit.course import workshop
>>> agenda = workshop.plan(180, ["classification"])
>>> [(item.kind, item.start, item.end) for item in agenda.items]
[('unit', 0, 75), ('break', 75, 85), ('unit', 85, 110)]
>>> agenda.missing_prerequisites
{'classification': ['python-numpy', 'pandas']}
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from mlkit.errors import InputError

BLOCK_MINUTES = 75
STRETCH_MINUTES = 15
MIN_BLOCK_BEFORE_BREAK = 60
BREAK_MINUTES = 10


@dataclass(frozen=True)
class Item:
    """One row of the agenda: a unit (or part of it) or a break, in minutes from the start."""

    kind: str  # "unit" | "break"
    start: int
    end: int
    unit: object = None  # a curriculum.Unit for kind "unit"
    part: int = 1
    parts: int = 1


@dataclass
class Agenda:
    """A plan: its items, what was left out and why, and prerequisites outside the plan."""

    minutes: int
    items: list[Item] = field(default_factory=list)
    not_included: list[tuple[object, str]] = field(default_factory=list)
    missing_prerequisites: dict[str, list[str]] = field(default_factory=dict)

    @property
    def units(self) -> list:
        seen: dict[str, object] = {}
        for item in self.items:
            if item.kind == "unit":
                seen.setdefault(item.unit.id, item.unit)
        return list(seen.values())

    @property
    def used(self) -> int:
        return self.items[-1].end if self.items else 0


def layout(units: list) -> list[Item]:
    """Units laid out one after the other with breaks by the rule above."""
    segments: list[list] = []  # [unit, start, end] pieces, then numbered
    items: list[Item] = []
    t = since_break = 0
    break_due = False

    def add_break():
        nonlocal t, since_break, break_due
        items.append(Item("break", t, t + BREAK_MINUTES))
        t += BREAK_MINUTES
        since_break, break_due = 0, False

    for unit in units:
        remaining = unit.minutes
        pieces = []
        while remaining > 0:
            if break_due:
                add_break()
            room = BLOCK_MINUTES - since_break
            if remaining <= room + STRETCH_MINUTES:
                length = remaining
            else:
                length = max(room, 1)
            pieces.append(len(items))
            items.append(Item("unit", t, t + length, unit))
            t += length
            since_break += length
            remaining -= length
            if remaining > 0 or since_break >= MIN_BLOCK_BEFORE_BREAK:
                break_due = True
        segments.append(pieces)
    for pieces in segments:
        for number, index in enumerate(pieces, start=1):
            old = items[index]
            items[index] = Item("unit", old.start, old.end, old.unit, number, len(pieces))
    return items


def select(unit_ids: list[str] | None = None, area: str | None = None) -> list:
    """The units asked for (ids, or every unit of an area), in study order."""
    from mlkit.course import curriculum

    if bool(unit_ids) == bool(area):
        raise InputError("give either --units (comma-separated unit ids) or --area, not both or neither")
    if area:
        known = curriculum.areas()
        if area not in known:
            raise InputError(f"--area: unknown area {area!r}; choose one of: {', '.join(known)}")
        unit_ids = [u.id for u in curriculum.units() if u.area == area]
    try:
        return curriculum.study_order(list(unit_ids))
    except curriculum.UnknownUnitError as error:
        raise InputError(f"--units: {error}") from None


def is_ready(unit, root: Path | None = None) -> bool:
    """True when the unit's notebooks exist in this checkout (or its status says available)."""
    if root is not None and unit.lesson:
        return all((root / p).is_file() for p in unit.notebooks)
    return unit.available


def plan(minutes: int, unit_ids: list[str] | None = None, area: str | None = None, root: Path | None = None) -> Agenda:
    """An agenda for a session of ``minutes``: units in study order with breaks; what does not fit is listed."""
    if not isinstance(minutes, int) or minutes <= 0:
        raise InputError(f"--minutes must be a positive whole number, got {minutes!r}")
    agenda = Agenda(minutes)
    chosen: list = []
    for unit in select(unit_ids, area):
        if not is_ready(unit, root):
            agenda.not_included.append((unit, "its notebooks are not written yet"))
            continue
        trial = layout([*chosen, unit])
        if trial[-1].end <= minutes:
            chosen.append(unit)
        else:
            left = minutes - (layout(chosen)[-1].end if chosen else 0)
            agenda.not_included.append((unit, f"needs {unit.minutes} min (plus breaks); {max(left, 0)} min were left"))
    agenda.items = layout(chosen)
    ids = {u.id for u in chosen}
    for unit in chosen:
        missing = [p for p in unit.prerequisites if p not in ids]
        if missing:
            agenda.missing_prerequisites[unit.id] = missing
    return agenda


def _clock(minute: int, start: tuple[int, int] | None) -> str:
    if start is None:
        return f"{minute // 60}:{minute % 60:02d}"
    total = start[0] * 60 + start[1] + minute
    return f"{(total // 60) % 24:02d}:{total % 60:02d}"


def parse_start(text: str | None) -> tuple[int, int] | None:
    """``"09:30"`` -> ``(9, 30)``; None stays None."""
    if text is None:
        return None
    try:
        hours, minutes = (int(x) for x in text.split(":"))
        if not (0 <= hours < 24 and 0 <= minutes < 60):
            raise ValueError
    except ValueError:
        raise InputError(f"--start must be a time like 09:30, got {text!r}") from None
    return hours, minutes


def markdown(agenda: Agenda, start: tuple[int, int] | None = None, title: str = "Workshop plan") -> str:
    """The agenda as Markdown: a table, then what was left out, prerequisites and the break rule."""
    from mlkit.course import curriculum

    lines = [f"# {title}", ""]
    lines.append(
        f"{agenda.minutes} minutes; {agenda.used} planned ({len(agenda.units)} unit(s), "
        f"{sum(1 for i in agenda.items if i.kind == 'break')} break(s))."
    )
    lines += ["", "| start | end | what | notebooks |", "| --- | --- | --- | --- |"]
    for item in agenda.items:
        span = (_clock(item.start, start), _clock(item.end, start))
        if item.kind == "break":
            lines.append(f"| {span[0]} | {span[1]} | *Break ({BREAK_MINUTES} min)* | |")
            continue
        unit = item.unit
        part = f" (part {item.part} of {item.parts})" if item.parts > 1 else ""
        books = ", ".join(f"`{p}`" for p in (unit.lesson, unit.exercises) if p) if item.part == 1 else "continued"
        lines.append(f"| {span[0]} | {span[1]} | {unit.number:02d} · {unit.title}{part} | {books} |")
    if agenda.not_included:
        lines += ["", "## Not included", ""]
        lines += [f"- {u.number:02d} · {u.title} (`{u.id}`, {u.minutes} min): {why}" for u, why in agenda.not_included]
    if agenda.missing_prerequisites:
        lines += ["", "## Prerequisites not in this plan", "", "Learners should have studied these before the session:", ""]
        for unit_id, missing in agenda.missing_prerequisites.items():
            names = ", ".join(f"{curriculum.get_unit(m).title} (`{m}`)" for m in missing)
            lines.append(f"- `{unit_id}` needs {names}")
    lines += [
        "",
        "## How this plan was made",
        "",
        f"Minutes per unit are the catalogue's estimates (lesson plus exercises). Units come in study order. "
        f"A {BREAK_MINUTES}-minute break follows every block of about {MIN_BLOCK_BEFORE_BREAK}-{BLOCK_MINUTES + STRETCH_MINUTES} "
        f"minutes: it is due after {BLOCK_MINUTES} minutes of work, or at the end of a unit that ends within "
        f"{STRETCH_MINUTES} minutes after that, and long units are split around it.",
    ]
    return "\n".join(lines) + "\n"


# --- handout -------------------------------------------------------------------------

KIT_DIR = "kit"
LOCK_NAME = "requirements-lock.txt"
MANIFEST = ".mlkit-release.json"
DEFAULT_GRADED_BRANCH = "graded"
KIT_FILES = ("pyproject.toml", "LICENSE")
# Left out of a graded learner kit: the authoring tools (they read worked solutions), the
# check-verification harness and its notes (they quote solution lines), and the checks
# themselves (their hints end in the answer and their reference code computes it); each unit's
# checks module is replaced by one whose checks answer GRADED_MESSAGE.
GRADED_KIT_LEAVES_OUT = ("mlkit/course/authoring", "mlkit/course/verification", "mlkit/course/checks/verification.toml")
GRADED_MESSAGE = "this is a graded session: your answer is checked when your handed-in notebook is graded, not here."
MIN_CODE_CHARS = 30  # shorter solution code (one short call) is not searched for: it is common text
MIN_PARAGRAPH_CHARS = 40


def release(unit_ids: list[str], out: Path, root: Path, graded: bool = False, branch: str = DEFAULT_GRADED_BRANCH) -> list[Path]:
    """Make the handout folder: the units' notebooks, the learner kit, the lock file and a README.

    Parameters
    ----------
    unit_ids:
        Unit ids of the catalogue; each must have an exercise notebook.
    out:
        A new (or empty) folder.
    root:
        The kit's checkout (``mlkit.paths.repo_root()``).
    graded:
        For a graded session: exercise notebooks only (no lessons), a learner kit without
        solution, hint or check code (:func:`learner_kit`), and the folder made a git
        repository with one commit on ``branch`` for an nbgitpuller link. The release is then
        searched for every exercise's solution text (:func:`solution_leaks`).

    The notebooks load their data through the installed ``mlkit`` package (the data ships
    inside it): the README's install lines install the lock, then ``kit/``. Returns the files
    written. Raises :class:`InputError` for a non-empty ``out``, a unit without exercises, a
    bad branch name, a missing ``git`` or a release that would show a solution.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"--out: {str(out)!r} exists and is not empty; choose a new folder")
    if graded:
        _check_branch(branch)
    units = select(unit_ids)
    missing = [f"{u.id} ({u.exercises or 'no exercise notebook'})" for u in units if not u.exercises or not (root / u.exercises).is_file()]
    if missing:
        raise InputError(f"--units: these units have no exercise notebook to hand out yet: {', '.join(missing)}")
    written = []
    for unit in units:
        for rel in (unit.exercises,) if graded else (unit.exercises, unit.lesson):
            if rel and (root / rel).is_file():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / rel, target)
                written.append(target)
    lock = root / "requirements" / "lock.txt"
    shutil.copyfile(lock, out / LOCK_NAME)
    written.append(out / LOCK_NAME)
    written += learner_kit(root, out / KIT_DIR, graded)
    readme = out / "README.md"
    readme.write_text(handout_readme(units, graded), encoding="utf-8")
    written.append(readme)
    if graded:
        leaks = solution_leaks(out, root, [u.id for u in units])
        if leaks:
            shutil.rmtree(out)
            raise InputError("the release would show solutions, so it was not made: " + "; ".join(leaks[:5]))
        manifest = out / MANIFEST
        manifest.write_text(json.dumps({"graded": True, "branch": branch, "units": [u.id for u in units]}, indent=1) + "\n", encoding="utf-8")
        written.append(manifest)
        commit_release(out, branch)
    return written


def _check_branch(branch: str) -> None:
    if not branch or branch.startswith(("-", "/")) or any(c.isspace() or c in "~^:?*[\\" for c in branch) or ".." in branch:
        raise InputError(f"--branch must be a git branch name such as 'graded', got {branch!r}")


def learner_kit(root: Path, out: Path, graded: bool = False) -> list[Path]:
    """Copy the installable kit (its package, ``pyproject.toml``, licence, lock) into ``out``.

    The package never includes ``solutions/``. A graded kit also leaves out
    :data:`GRADED_KIT_LEAVES_OUT` and replaces every unit's checks module with
    :func:`graded_checks_module`, so nothing in it shows a solution. Returns the files written.
    """
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(root / "mlkit", out / "mlkit", ignore=skip)
    for name in KIT_FILES:
        shutil.copyfile(root / name, out / name)
    (out / "requirements").mkdir()
    shutil.copyfile(root / "requirements" / "lock.txt", out / "requirements" / "lock.txt")
    (out / "README.md").write_text(
        "# mlkit for learners\n\nThe kit's Python package, installed by the handout's README"
        + (" (graded session: no solutions, hints or checks)" if graded else "")
        + ".\n",
        encoding="utf-8",
    )
    if graded:
        for rel in GRADED_KIT_LEAVES_OUT:
            target = out / rel
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        _replace_checks(out / "mlkit" / "course" / "checks" / "units")
    return sorted(p for p in out.rglob("*") if p.is_file())


def _replace_checks(units_dir: Path) -> None:
    from mlkit.course.checks import registry

    for module in units_dir.glob("*.py"):
        if module.name != "__init__.py":
            module.unlink()
    for unit_id in registry.unit_ids():
        found = registry.unit_exercises(unit_id)
        if found is not None:
            path = units_dir / f"{unit_id.replace('-', '_')}.py"
            path.write_text(graded_checks_module(found.unit, found.title, [(e.name, e.title) for e in found]), encoding="utf-8")


def graded_checks_module(unit: str, title: str, exercises: list[tuple[str, str]]) -> str:
    """Source of a unit's checks module for a graded kit: the exercises' names and titles only.

    Each check accepts any answer and reports "not attempted" with :data:`GRADED_MESSAGE`;
    there are no hints, and ``solution()`` finds no solution notebook.
    """
    lines = [
        f'"""Checks of unit {unit} in a graded session: answers are checked when the notebook is graded."""',
        "",
        "from mlkit.course.checks.core import ExerciseSet, NotAttempted",
        "",
        f"EXERCISES = ExerciseSet({unit!r}, {title!r})",
        "",
        "",
        "def _graded(*objects, **named):",
        f"    raise NotAttempted({GRADED_MESSAGE!r})",
        "",
        "",
    ]
    lines += [f"EXERCISES.exercise({name!r}, title={text!r})(_graded)" for name, text in exercises]
    return "\n".join(lines) + "\n"


def commit_release(folder: Path, branch: str) -> None:
    """Make ``folder`` a git repository with one commit on ``branch`` (no history to dig in)."""
    git = shutil.which("git")
    if git is None:
        raise InputError("a graded release is a git repository for the nbgitpuller link, and git is not installed")
    identity = ["-c", "user.name=mlkit workshop", "-c", "user.email=workshop@mlkit.invalid", "-c", "commit.gpgsign=false"]
    steps = (("init", ["init", "-q", "-b", branch]), ("add", ["add", "-A"]), ("commit", [*identity, "commit", "-q", "-m", "Graded release"]))
    for name, command in steps:
        done = subprocess.run([git, "-C", str(folder), *command], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise InputError(f"git {name} failed in {folder}: {done.stderr.strip()}")


def solution_texts(root: Path, unit_ids: list[str] | None = None) -> dict[str, list[str]]:
    """What a learner must not see, per exercise id ``unit.name``: solution code, explanations, last hint.

    The code is the exercise's solution regions as a whole (whitespace collapsed, when at least
    :data:`MIN_CODE_CHARS` long), then each paragraph of its ``solution``/``solution-only`` text
    and its last hint (at least :data:`MIN_PARAGRAPH_CHARS`), all whitespace-collapsed.
    """
    from mlkit.course import curriculum
    from mlkit.course.authoring.generate import solution_parts
    from mlkit.course.checks import registry

    found: dict[str, list[str]] = {}
    for unit in curriculum.units():
        if unit_ids is not None and unit.id not in unit_ids:
            continue
        exercises = registry.unit_exercises(unit.id) if unit.solutions and (root / unit.solutions).is_file() else None
        for exercise in exercises or ():
            try:
                code, text = solution_parts(root / unit.solutions, exercise.name)
            except InputError:
                continue
            pieces = [_squash(code)] if len(_squash(code)) >= MIN_CODE_CHARS else []
            pieces += [_squash(p) for p in text.split("\n\n") if len(_squash(p)) >= MIN_PARAGRAPH_CHARS]
            pieces += [_squash(exercise.hints[-1])] if exercise.hints and len(_squash(exercise.hints[-1])) >= MIN_PARAGRAPH_CHARS else []
            found[exercise.id] = pieces
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


def readable_text(path: Path) -> str | None:
    """The text a learner can read in ``path``, or None for a binary file.

    A JSON file (a notebook among them) gives every string it holds, unescaped and joined
    (sources, outputs, metadata), so that escaped quotes and line breaks hide nothing.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix in (".ipynb", ".json"):
        try:
            strings, stack = [], [json.loads(raw)]
        except ValueError:
            return raw
        while stack:  # no recursion: a deeply nested file is read as well
            item = stack.pop()
            if isinstance(item, str):
                strings.append(item)
            elif isinstance(item, dict):
                stack.extend(reversed([*item.keys(), *item.values()]))
            elif isinstance(item, list):
                stack.extend(reversed(item))
        return raw + "\n" + "".join(strings)
    return raw


def solution_leaks(folder: Path, root: Path, unit_ids: list[str] | None = None) -> list[str]:
    """Every place in ``folder`` that holds a piece of :func:`solution_texts`, as "file: exercise id"."""
    texts = solution_texts(root, unit_ids)
    leaks = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts):
        if "solutions" in path.relative_to(folder).parts:
            leaks.append(f"{path.relative_to(folder)}: a solutions folder")
            continue
        text = readable_text(path)
        if text is None:
            continue
        text = _squash(text)
        leaks += [f"{path.relative_to(folder)}: {ex}" for ex, pieces in texts.items() if any(p in text for p in pieces)]
    return leaks


def handout_readme(units: list, graded: bool = False) -> str:
    """The handout's README: what is inside, how to install the kit, how to work on a copy.

    The install lines run as written from the handout folder (``tests/test_handout_install.py``).
    """
    from mlkit.course import curriculum

    if graded:
        lines = ["# Graded session", "", "| unit | exercises | minutes |", "| --- | --- | --- |"]
        lines += [f"| {u.number:02d} · {u.title} | `{u.exercises}` | {u.minutes} |" for u in units]
    else:
        lines = ["# Workshop handout", "", "| unit | exercises | lesson | minutes |", "| --- | --- | --- | --- |"]
        lines += [f"| {u.number:02d} · {u.title} | `{u.exercises}` | `{u.lesson}` | {u.minutes} |" for u in units]
    pre = sorted({p for u in units for p in u.prerequisites} - {u.id for u in units})
    if pre:
        lines += ["", "Study first (not in this handout): " + ", ".join(curriculum.get_unit(p).title for p in pre) + "."]
    lines += [
        "",
        "## Before the session: install the kit",
        "",
        "The notebooks load their data and their exercise checks through the `mlkit` package, so it must be",
        "installed in the Python environment of your Jupyter kernel; the data sets ship inside the package,",
        "nothing is downloaded. With Python 3.11 or newer, in this folder:",
        "",
        "```bash",
        "python3 -m venv .venv",
        f".venv/bin/pip install --no-deps -r {LOCK_NAME}",
        f".venv/bin/pip install --no-deps ./{KIT_DIR}",
        ".venv/bin/mlkit doctor",
        "```",
        "",
        f"`{LOCK_NAME}` lists every dependency at the version the kit is tested with (so nothing else is",
        f"resolved); `{KIT_DIR}/` is the kit's package. Then start Jupyter with `.venv/bin/jupyter lab`.",
        "On a JupyterHub set up by your instructor the kit is already installed: skip this step.",
        "",
        "## Working",
        "",
    ]
    if graded:
        lines += [
            "Open the exercise notebook, run it top to bottom, and replace each `...` with your answer. This is a",
            "graded session: the check cells do not say whether an answer is right, and there are no hints or",
            "solutions; your notebook is graded after you hand it in.",
        ]
    else:
        lines += [
            "Open the exercise notebook, run it top to bottom, and replace each `...` with your answer; the check",
            "cell under it says whether it is right. Keep your work in a copy (*File > Save Notebook As*) or, with",
            "the kit's repository, `mlkit work <unit>`, so that a new version of the handout never overwrites it.",
        ]
    return "\n".join(lines) + "\n"


def read_manifest(folder: Path) -> dict:
    """The manifest of a graded release made by :func:`release` (``graded``, ``branch``, ``units``).

    Raises :class:`InputError` when ``folder`` is not such a release, or when its committed tree
    holds a ``solutions`` folder.
    """
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"--release: {str(folder)!r} is not a graded release (no readable {MANIFEST}); make one with `mlkit workshop release --graded`") from None
    if not isinstance(manifest, dict) or manifest.get("graded") is not True or not isinstance(manifest.get("branch"), str):
        raise InputError(f"--release: {path} is not the manifest of a graded release")
    done = subprocess.run(  # every path of every commit of the branch: history must not hold solutions either
        ["git", "-C", str(folder), "log", "--name-only", "--format=", manifest["branch"], "--"], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise InputError(f"--release: {str(folder)!r} has no git branch {manifest['branch']!r}: {done.stderr.strip()}")
    if any("solutions" in name.split("/") for name in done.stdout.splitlines()):
        raise InputError(f"--release: branch {manifest['branch']!r} of {str(folder)!r} holds a solutions folder in its history")
    return manifest


# --- nbgitpuller links ---------------------------------------------------------------


def repo_folder(repo: str) -> str:
    """The folder name nbgitpuller clones ``repo`` into (its last path part without ``.git``)."""
    name = urlsplit(repo).path.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def link(hub: str, repo: str, branch: str = "main", path: str = "", app: str = "lab") -> str:
    """An nbgitpuller link: opening it clones (or updates) ``repo`` in the learner's home and opens ``path``.

    nbgitpuller merges new commits without overwriting what the learner changed.
    """
    for value, flag in ((hub, "--hub"), (repo, "--repo")):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"{flag} must be an http(s) URL, got {value!r}")
    if not branch or any(c.isspace() for c in branch):
        raise InputError(f"--branch must be a branch name, got {branch!r}")
    if app not in ("lab", "notebook"):
        raise InputError(f"--app must be lab or notebook, got {app!r}")
    target = "/".join(p for p in (repo_folder(repo), path.strip("/")) if p)
    urlpath = f"{app}/tree/{target}" if app == "lab" else f"tree/{target}"
    query = urlencode({"repo": repo, "branch": branch, "urlpath": urlpath}, quote_via=quote, safe="")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def parse_link(url: str) -> dict[str, str]:
    """The parts of an nbgitpuller link: hub, repo, branch, urlpath."""
    parts = urlsplit(url)
    base, marker, _ = parts.path.partition("/hub/user-redirect/git-pull")
    if not marker:
        raise InputError(f"not an nbgitpuller link: {url!r}")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return {"hub": f"{parts.scheme}://{parts.netloc}{base}", **query}
