"""``mlkit site build``: the course as a static website, built offline from the stored notebooks.

The site is a Jupyter Book 1 (Sphinx with MyST-NB) made from a source folder written
here: a start page with the curriculum by area, one page per unit (objectives,
prerequisites, time, roles, links), every lesson with its stored outputs and figures,
every exercise notebook's statement with a link to download it, and search. Solutions
are left out unless asked for. Nothing is executed (notebooks are stored executed) and
nothing is downloaded: MathJax is served from an installed copy
(:mod:`mlkit.publish.assets`), and no page asks another host for anything.

The output folder is replaced only when it is empty or a site this command built
before (it holds :data:`MARKER`); anything else there is refused, never overwritten.

Example::

    from mlkit.publish import site
    result = site.build(Path("build/site"))
    print(result.index)          # build/site/index.html
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mlkit.errors import InputError

MARKER = ".mlkit-site"  # file in the output folder: a site built by this command, safe to replace
DEFAULT_OUT = Path("build") / "site"
BUILD_TIMEOUT = 900  # seconds

HOW_TO_START = """```bash
git clone <this repository> mlkit && cd mlkit
make lab          # installs the kit from its lock file and opens JupyterLab on your own copies
```"""


@dataclass(frozen=True)
class SiteResult:
    """What :func:`build` made: the folder, its start page, the pages and how long it took (s)."""

    out: Path
    pages: list[str]
    seconds: float
    warnings: list[str]

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def build(out: Path | str = DEFAULT_OUT, *, with_solutions: bool = False, root: Path | None = None) -> SiteResult:
    """Build the website into ``out``; returns what was built.

    Parameters
    ----------
    out:
        Output folder. It must not exist, be empty, or hold a site built before.
    with_solutions:
        Also publish the solution notebooks (off by default: a course site for learners).
    root:
        The kit's checkout (default: the one this package runs from).

    Raises
    ------
    InputError
        when ``out`` holds other files or is not a folder, when the kit's notebooks are not
        found, or when Jupyter Book fails (its last lines are in the message).
    """
    root = _kit_root(root)
    out = Path(out).expanduser()
    _check_out(out)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mlkit-site-") as work:
        source = Path(work) / "source"
        pages = write_source(source, root, with_solutions=with_solutions)
        html, warnings = _jupyter_book(source, Path(work) / "output")
        (html / MARKER).write_text("built by `mlkit site build`; this folder is replaced by the next build\n", encoding="utf-8")
        _replace(out, html)
    return SiteResult(out, pages, time.monotonic() - started, warnings)


def write_source(source: Path, root: Path, *, with_solutions: bool = False) -> list[str]:
    """Write the book's source folder (config, table of contents, pages, notebooks); returns the pages.

    Pages are paths without suffix relative to ``source`` (``"units/classification"``,
    ``"notebooks/14_classification"``), in the order of the table of contents.
    """
    from mlkit.course import curriculum
    from mlkit.publish.assets import mathjax_dir

    units = curriculum.units()
    published = _published(units, root, with_solutions)
    source.mkdir(parents=True)
    for kit_path in published:
        _copy_notebook(root, kit_path, source, published)
    (source / "units").mkdir()
    for unit in units:
        (source / "units" / f"{unit.id}.md").write_text(unit_page(unit, units, published), encoding="utf-8")
    (source / "index.md").write_text(index_page(units), encoding="utf-8")
    shutil.copytree(mathjax_dir(), source / "_assets" / "mathjax")
    toc, pages = _toc(units, published)
    (source / "_toc.yml").write_text(json.dumps(toc, indent=1), encoding="utf-8")  # JSON is YAML
    (source / "_config.yml").write_text(json.dumps(_config(), indent=1), encoding="utf-8")
    return pages


# -- the pages -----------------------------------------------------------------------------------


def index_page(units: list) -> str:
    """The start page: what the course is, how to start, and the curriculum by area, in catalogue order."""
    hours = sum(u.minutes for u in units) / 60
    lines = [
        "# mlkit: a machine-learning master's curriculum in notebooks",
        "",
        "A course in Jupyter notebooks that teaches what a master's programme in machine learning",
        "expects and teaches: applied mathematics, programming, data skills, machine-learning methods",
        "and AI subfields, each unit a lesson and checked exercises. It ends with a workbook that helps",
        f"you decide whether a master's is worth it for you. {len(units)} units, about {hours:.0f} hours in all.",
        "",
        "These pages show the lessons as stored, with their outputs and figures. To run them and have",
        "your exercises checked, install the kit (Python 3.11 or newer):",
        "",
        HOW_TO_START,
        "",
        "## The curriculum",
        "",
    ]
    for area, group in _by_area(units):
        lines += [f"### {area}", "", "| # | unit | time | status |", "| --- | --- | --- | --- |"]
        lines += [f"| {u.number:02d} | [{_escape(u.title)}](units/{u.id}.md) | {u.minutes} min | {u.status} |" for u in group]
        lines.append("")
    return "\n".join(lines)


def unit_page(unit, units: list, published: dict[str, str]) -> str:
    """A unit's page: area, time, roles, prerequisites, objectives and links to its notebooks."""
    by_id = {u.id: u for u in units}
    roles = ", ".join(r.replace("-", " ") for r in unit.roles)
    lines = [
        f"# {unit.number:02d} · {unit.title}",
        "",
        f"**Area:** {unit.area_title} · **Time:** about {unit.minutes} minutes · **For:** {roles}"
        + ("" if unit.available else " · **Status:** planned: not written yet"),
        "",
        "## Before this unit",
        "",
    ]
    lines += [f"- [{p.number:02d} · {_escape(p.title)}]({p.id}.md)" for p in (by_id[i] for i in unit.prerequisites)] or [
        "Nothing: you can start here."
    ]
    lines += ["", "## What you will be able to do", ""] + [f"- {o}" for o in unit.objectives]
    topics = getattr(unit, "topics", ())
    if topics:
        lines += ["", "## Topics", "", ", ".join(topics) + "."]
    lines += ["", "## Material", ""] + _material(unit, published)
    lines += _how_to_run(unit)
    return "\n".join(lines) + "\n"


def _material(unit, published: dict[str, str]) -> list[str]:
    if not unit.available:
        return ["This unit is planned; its notebooks are not written yet."]
    items = []
    if unit.lesson in published:
        items.append(f"- [The lesson](../{unit.lesson}): read it here, with its outputs and figures.")
    if unit.exercises in published:
        items.append(
            f"- [The exercises](../{unit.exercises}), and {{download}}`the exercise notebook <../{unit.exercises}>` "
            f"to work on ({unit.exercises.split('/')[-1]}). With the kit installed, `mlkit work {unit.id}` makes "
            "your own copy, and each exercise's check cell tells you whether your answer is right."
        )
    if unit.solutions in published:
        items.append(f"- [The worked solutions](../{unit.solutions}).")
    return items


def _how_to_run(unit) -> list[str]:
    if unit.id == "decision":
        return [
            "",
            "## Run the workbook",
            "",
            "The workbook is interactive: a web page cannot run its controls. With the kit installed, "
            "`mlkit app` (or `make app`) serves it as a web app on your own machine, and the lesson "
            "explains each of its figures and questions.",
        ]
    if unit.id == "readiness":
        return [
            "",
            "## Take the quiz",
            "",
            "The self-assessment is interactive. With the kit installed, run `mlkit readiness` in a "
            "terminal, or open the lesson in JupyterLab (`make lab`).",
        ]
    return []


def _by_area(units: list) -> list[tuple[str, list]]:
    """Consecutive runs of units of one area, in catalogue order."""
    groups: list[tuple[str, list]] = []
    for unit in units:
        if groups and groups[-1][0] == unit.area_title:
            groups[-1][1].append(unit)
        else:
            groups.append((unit.area_title, [unit]))
    return groups


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


# -- notebooks -----------------------------------------------------------------------------------


def _published(units: list, root: Path, with_solutions: bool) -> dict[str, str]:
    """Kit path -> page (path without suffix) of every notebook the site shows."""
    kinds = ("lesson", "exercises", "solutions") if with_solutions else ("lesson", "exercises")
    found = {}
    for unit in units:
        for kind in kinds:
            path = getattr(unit, kind)
            if path and unit.available:
                if not (root / path).is_file():
                    raise InputError(f"{path} is not in the kit at {root}: run the command from a complete checkout")
                found[path] = path[: -len(".ipynb")]
    return found


def _copy_notebook(root: Path, kit_path: str, source: Path, published: dict[str, str]) -> None:
    """Copy a stored notebook, its links to unpublished kit files made into plain words."""
    from mlkit.course.workspace import rewrite_links

    nb = json.loads((root / kit_path).read_text(encoding="utf-8"))
    base = (root / kit_path).parent
    start = (root / "notebooks" / "00_start_here.ipynb").resolve()
    # Markdown cells keep .ipynb targets (MyST makes them page links); outputs are HTML as they are.
    links = {(root / p).resolve(): os.path.relpath(root / p, base) for p in published} | {start: os.path.relpath(root / "index.md", base)}
    pages = {path: target.rsplit(".", 1)[0] + ".html" for path, target in links.items()}

    def outside(path: Path) -> str:
        try:
            return f"`{path.relative_to(root.resolve()).as_posix()}` in the kit"
        except ValueError:
            return f"`{path.name}`"

    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            cell["source"] = rewrite_links(_text(cell.get("source", "")), base, links, name_outside=outside)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/markdown", "text/html"):
                if mime in data:
                    data[mime] = rewrite_links(_text(data[mime]), base, pages, name_outside=outside)
    nb.get("metadata", {}).pop("widgets", None)  # widget state needs a kernel; the page says how to run it
    target = source / kit_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# -- the book ------------------------------------------------------------------------------------


def _toc(units: list, published: dict[str, str]) -> tuple[dict, list[str]]:
    parts, pages = [], ["index"]
    for area, group in _by_area(units):
        chapters = []
        for unit in group:
            sections = [{"file": published[p]} for p in (unit.lesson, unit.exercises, unit.solutions) if p in published]
            chapter = {"file": f"units/{unit.id}"}
            if sections:
                chapter["sections"] = sections
            chapters.append(chapter)
            pages += [chapter["file"], *(s["file"] for s in sections)]
        parts.append({"caption": area, "chapters": chapters})
    return {"format": "jb-book", "root": "index", "parts": parts}, pages


def _config() -> dict:
    from mlkit.publish.assets import MATHJAX_CONFIG, MATHJAX_FONTS

    return {
        "title": "mlkit",
        "author": "the mlkit authors",
        "copyright": "",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "html": {
            "use_repository_button": False,
            "use_issues_button": False,
            "use_edit_page_button": False,
            "use_download_button": True,
            "use_fullscreen_button": False,
            "use_multitoc_numbering": False,
        },
        "launch_buttons": {"notebook_interface": "", "binderhub_url": "", "jupyterhub_url": "", "thebe": False, "colab_url": ""},
        "parse": {"myst_enable_extensions": ["dollarmath", "colon_fence"]},
        "sphinx": {
            "config": {
                "html_static_path": ["_assets"],
                "mathjax_path": f"mathjax/MathJax.js?config={MATHJAX_CONFIG}",
                # MyST-NB marks sections tex2jax_ignore and formulas with the class "math": MathJax 2
                # must be told to typeset those (MathJax 3 reads the same from window.MathJax).
                "mathjax2_config": {
                    **MATHJAX_FONTS,
                    "tex2jax": {
                        "processClass": "math|output_area|tex2jax_process|mathjax_process",
                        "processEscapes": True,
                        "inlineMath": [["\\(", "\\)"]],
                        "displayMath": [["\\[", "\\]"]],
                    },
                },
                "html_show_sourcelink": False,
                "html_last_updated_fmt": None,
                "nb_merge_streams": True,
                "suppress_warnings": ["mystnb.unknown_mime_type"],
            }
        },
    }


def _jupyter_book(source: Path, output: Path) -> tuple[Path, list[str]]:
    """Run Jupyter Book on ``source``; returns the HTML folder and Sphinx's warnings."""
    command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(source),
               "--path-output", str(output), "--all"]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT, env=env)
    except subprocess.TimeoutExpired as error:
        raise InputError(f"Jupyter Book did not finish within {BUILD_TIMEOUT} s") from error
    html = output / "_build" / "html"
    log = done.stdout + done.stderr
    if done.returncode != 0 or not (html / "index.html").is_file():
        tail = "\n".join(log.strip().splitlines()[-15:])
        raise InputError(f"Jupyter Book could not build the site (exit status {done.returncode}):\n{tail}")
    warnings = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in log.splitlines() if "WARNING" in line]
    return html, warnings


# -- the output folder ---------------------------------------------------------------------------


def _kit_root(root: Path | None) -> Path:
    from mlkit.paths import repo_root

    found = root or repo_root()
    if found is None or not (Path(found) / "notebooks").is_dir():
        raise InputError("the kit's notebooks are not found: run `mlkit site build` from a checkout of the kit")
    return Path(found)


def _check_out(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InputError(f"--out: {out} is not a folder; give a folder for the site (default {DEFAULT_OUT})")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise InputError(
            f"--out: {out} already holds files that are not a site built by `mlkit site build`; "
            "choose an empty or new folder (nothing was changed)"
        )


def _replace(out: Path, html: Path) -> None:
    """Put the built pages at ``out``: a new folder beside it first, then swapped in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        shutil.copytree(html, fresh, dirs_exist_ok=True)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            os.replace(out, old / "site")
            os.replace(fresh, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(fresh, out)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh, ignore_errors=True)
