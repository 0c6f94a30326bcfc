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

import shutil
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


def release(unit_ids: list[str], out: Path, root: Path) -> list[Path]:
    """Make the handout folder: exercise and lesson notebooks of the units, the lock file and a README.

    The notebooks load their data through the installed ``mlkit`` package (the
    data ships inside it), so the README tells learners to install the kit.
    Returns the files written. ``out`` must be new or empty.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"--out: {str(out)!r} exists and is not empty; choose a new folder")
    units = select(unit_ids)
    missing = [f"{u.id} ({u.exercises or 'no exercise notebook'})" for u in units if not u.exercises or not (root / u.exercises).is_file()]
    if missing:
        raise InputError(f"--units: these units have no exercise notebook to hand out yet: {', '.join(missing)}")
    written = []
    for unit in units:
        for rel in (unit.exercises, unit.lesson):
            if rel and (root / rel).is_file():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / rel, target)
                written.append(target)
    lock = root / "requirements" / "lock.txt"
    if lock.is_file():
        shutil.copyfile(lock, out / "requirements-lock.txt")
        written.append(out / "requirements-lock.txt")
    readme = out / "README.md"
    readme.write_text(handout_readme(units), encoding="utf-8")
    written.append(readme)
    return written


def handout_readme(units: list) -> str:
    """The handout's README: what is inside, how to install the kit, how to work on a copy."""
    from mlkit.course import curriculum

    lines = ["# Workshop handout", "", "| unit | exercises | lesson | minutes |", "| --- | --- | --- | --- |"]
    for u in units:
        lines.append(f"| {u.number:02d} · {u.title} | `{u.exercises}` | `{u.lesson}` | {u.minutes} |")
    pre = sorted({p for u in units for p in u.prerequisites} - {u.id for u in units})
    if pre:
        lines += ["", "Study first (not in this handout): " + ", ".join(curriculum.get_unit(p).title for p in pre) + "."]
    lines += [
        "",
        "## Before the session: install the kit",
        "",
        "The notebooks load their data and their exercise checks through the `mlkit` package, so it must be",
        "installed in the Python environment of your Jupyter kernel; the data sets ship inside the package,",
        "nothing is downloaded. With Python 3.11 or newer, from a copy of the kit's repository:",
        "",
        "```bash",
        "python3 -m venv .venv",
        ".venv/bin/pip install -c requirements-lock.txt -e PATH/TO/THE/KIT   # or the repository's git URL",
        ".venv/bin/jupyter lab",
        "```",
        "",
        "`requirements-lock.txt` pins every dependency to the versions the kit is tested with. On a",
        "JupyterHub set up by your instructor the kit is already installed: skip this step.",
        "",
        "## Working",
        "",
        "Open the exercise notebook, run it top to bottom, and replace each `...` with your answer; the check",
        "cell under it says whether it is right. Keep your work in a copy (*File > Save Notebook As*) or, with",
        "the kit's repository, `mlkit work <unit>`, so that a new version of the handout never overwrites it.",
    ]
    return "\n".join(lines) + "\n"


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
