"""``mlkit slides UNIT``: a lesson as reveal.js slides that open offline.

One slide per section by default: a cell that starts with a level-1 or level-2 heading starts a
slide, a level-3 heading a sub-slide (below it), and every other cell stays on the slide
before it (long slides scroll). Where the author set a cell's slide type (Jupyter's
``slideshow.slide_type`` metadata), it is kept. The slides come from the stored, executed
lesson, so they show its outputs and figures; nothing is run.

The HTML file loads reveal.js, jQuery, RequireJS and MathJax from a folder beside it,
:data:`ASSETS` (reveal.js, jQuery and RequireJS vendored in ``mlkit/data/vendor`` with their
licences, MathJax from the installed ``jupyter-server-mathjax``): no request goes to another host.
An existing file is replaced only if ``mlkit slides`` made it.

Example::

    from mlkit.publish import slides
    result = slides.build("calculus-optimisation", Path("build/slides/07.slides.html"))
"""

from __future__ import annotations

import copy
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from mlkit.errors import InputError

ASSETS = "mlkit-slides-assets"  # folder beside the slides
GENERATOR = re.compile(r'<meta\b[^>]*\bcontent="mlkit slides"')  # the template's mark (attributes in any order)
DEFAULT_FOLDER = Path("build") / "slides"
SLIDE, SUBSLIDE, SAME = "slide", "subslide", "-"


@dataclass(frozen=True)
class SlidesResult:
    """The slides file, how many slides and sub-slides it has, and the assets folder beside it."""

    path: Path
    slides: int
    subslides: int
    assets: Path


def build(unit: str | int, out: Path | str | None = None, *, root: Path | None = None) -> SlidesResult:
    """Write the lesson of ``unit`` (an id or a number) as reveal.js slides; returns what was written.

    Raises
    ------
    InputError
        for an unknown unit, a unit whose lesson is not written yet, or an ``out`` that is a
        folder or a file ``mlkit slides`` did not make.
    """
    import nbformat

    from mlkit.course import curriculum
    from mlkit.course.progress import find_unit

    root = _kit_root(root)
    found = find_unit(unit)
    lesson = root / found.lesson
    if not found.available or not lesson.is_file():
        raise InputError(f"unit {found.number:02d} ({found.id}) has no lesson yet: it is {found.status}")
    out = Path(out) if out else root / DEFAULT_FOLDER / f"{lesson.stem}.slides.html"
    _check_out(out)
    nb = nbformat.read(str(lesson), as_version=4)
    nb = mark_slides(nb)
    html = _export(nb, lesson.stem, curriculum)
    out.parent.mkdir(parents=True, exist_ok=True)
    assets = copy_assets(out.parent)
    from mlkit.files import write_atomic

    write_atomic(out, html)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    return SlidesResult(out, kinds.count(SLIDE), kinds.count(SUBSLIDE), assets)


def mark_slides(nb):
    """A copy of ``nb`` with a slide type on every cell (authors' choices kept); see the module doc."""
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        show = cell.metadata.setdefault("slideshow", {})
        if show.get("slide_type"):
            continue
        show["slide_type"] = SLIDE if index == 0 else _slide_type(cell)
    return nb


def _slide_type(cell) -> str:
    if cell.cell_type != "markdown":
        return SAME
    first = cell.source.lstrip().split("\n", 1)[0]
    if first.startswith(("# ", "## ")):
        return SLIDE
    if first.startswith("### "):
        return SUBSLIDE
    return SAME


def _export(nb, name: str, curriculum) -> str:
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    from mlkit.paths import data_dir
    from mlkit.publish.assets import MATHJAX_CONFIG

    nb.metadata.pop("widgets", None)  # widget state needs a kernel; slides show the stored outputs
    config = Config()
    config.SlidesExporter.reveal_url_prefix = f"{ASSETS}/reveal.js"
    config.SlidesExporter.reveal_theme = "white"
    config.SlidesExporter.reveal_scroll = True
    config.SlidesExporter.jquery_url = f"{ASSETS}/jquery/jquery.min.js"
    config.SlidesExporter.require_js_url = f"{ASSETS}/requirejs/require.js"
    config.SlidesExporter.mathjax_url = f"{ASSETS}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    config.SlidesExporter.font_awesome_url = ""
    exporter = SlidesExporter(config=config, template_name="mlkit-reveal", extra_template_basedirs=[str(data_dir() / "templates")])
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    return html


def copy_assets(folder: Path) -> Path:
    """Put reveal.js, jQuery, RequireJS and MathJax in ``folder``/:data:`ASSETS` (replacing an earlier copy)."""
    from mlkit.paths import data_dir
    from mlkit.publish.assets import mathjax_dir

    target = folder / ASSETS
    marker = target / ".mlkit-slides-assets"
    if target.exists() and not marker.is_file():
        raise InputError(f"{target} exists and was not made by `mlkit slides`; move it or choose another --out")
    fresh = folder / f".{ASSETS}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    vendor = data_dir() / "vendor"
    for name in ("reveal.js", "jquery", "requirejs"):
        shutil.copytree(vendor / name, fresh / name)
    shutil.copy2(vendor / "README.md", fresh / "README.md")
    shutil.copytree(mathjax_dir(), fresh / "mathjax")
    (fresh / marker.name).write_text("made by `mlkit slides`; replaced by the next run\n", encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    fresh.rename(target)
    return target


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise InputError(f"--out: {out} is a folder; give the slides file's name, e.g. {out / 'lesson.slides.html'}")
    if out.exists():
        try:
            head = out.read_text(encoding="utf-8", errors="replace")[:4000]
        except OSError as error:
            raise InputError(f"--out: cannot read {out} ({error.strerror})") from error
        if not GENERATOR.search(head):
            raise InputError(f"--out: {out} exists and was not made by `mlkit slides`; choose another file (nothing was changed)")


def _kit_root(root: Path | None) -> Path:
    from mlkit.paths import repo_root

    found = root or repo_root()
    if found is None or not (Path(found) / "notebooks").is_dir():
        raise InputError("the kit's notebooks are not found: run `mlkit slides` from a checkout of the kit")
    return Path(found)
