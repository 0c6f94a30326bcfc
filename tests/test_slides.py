"""`mlkit slides UNIT`: a lesson as reveal.js slides, one per section, that open with no request to another host."""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from nbformat import v4

from mlkit.cli import main
from mlkit.course import curriculum
from mlkit.publish import slides
from browser import CHROMIUM, QuietFiles, require_browser

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
UNIT = "calculus-optimisation"


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> slides.SlidesResult:
    return slides.build(UNIT, tmp_path_factory.mktemp("slides") / "lesson.slides.html", root=ROOT)


def _sections(lesson: Path) -> int:
    nb = nbformat.read(str(lesson), as_version=4)
    return sum(1 for c in nb.cells if c.cell_type == "markdown" and re.match(r"#{1,2} ", c.source.lstrip()))


def test_one_slide_per_section_of_the_lesson(deck):
    lesson = ROOT / curriculum.get_unit(UNIT).lesson
    assert deck.slides == _sections(lesson) and deck.slides >= 5
    html = deck.path.read_text(encoding="utf-8")
    assert html.count('<section') >= deck.slides and slides.GENERATOR.search(html)


def test_the_slides_load_every_script_from_beside_them(deck):
    html = deck.path.read_text(encoding="utf-8")
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(slides.ASSETS + "/") for s in sources), sources
    for source in sources:
        assert (deck.path.parent / source.split("?")[0]).is_file(), source
    for licence in ("reveal.js/LICENSE", "jquery/LICENSE.txt", "mathjax/LICENSE", "README.md"):
        assert (deck.assets / licence).is_file(), licence


def test_an_authors_slide_types_are_kept_and_headings_start_slides():
    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("# Title"), v4.new_code_cell("x = 1"), v4.new_markdown_cell("## A section"),
                v4.new_markdown_cell("### A part"), v4.new_markdown_cell("Words"),
                v4.new_markdown_cell("## Skipped by its author", metadata={"slideshow": {"slide_type": "skip"}}),
                v4.new_code_cell("y = 2", metadata={"slideshow": {"slide_type": "fragment"}})]
    marked = slides.mark_slides(nb)
    assert [c.metadata["slideshow"]["slide_type"] for c in marked.cells] == [
        "slide", "-", "slide", "subslide", "-", "skip", "fragment"]
    assert "slideshow" not in nb.cells[0].metadata  # the lesson itself is not changed


def test_a_file_not_made_by_the_command_is_refused_and_left_alone(tmp_path, capsys):
    mine = tmp_path / "talk.html"
    mine.write_text("<html>my talk</html>")
    assert main(["slides", UNIT, "--out", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "not made by `mlkit slides`" in err and "Traceback" not in err
    assert mine.read_text() == "<html>my talk</html>"
    assert main(["slides", "no-such-unit", "--out", str(tmp_path / "x.html")]) == 2
    assert "unknown unit" in capsys.readouterr().err
    assert main(["slides", UNIT, "--out", str(tmp_path)]) == 2  # a folder
    assert "is a folder" in capsys.readouterr().err


def test_running_it_again_replaces_its_own_slides(tmp_path, capsys):
    out = tmp_path / "deck.html"
    assert main(["slides", "2", "--out", str(out)]) == 0
    first = out.read_text(encoding="utf-8")
    assert main(["slides", "linear-algebra", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == first
    assert "slides" in capsys.readouterr().out


def test_no_lesson_uses_a_mermaid_diagram():
    """The slides do not load mermaid (it would need another vendored script): a lesson that draws one must change that."""
    for unit in curriculum.units():
        path = ROOT / unit.lesson
        if path.is_file():
            sources = [c["source"] for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
            assert not any("```mermaid" in "".join(s) for s in sources), unit.lesson


@pytest.mark.browser
@pytest.mark.slow
def test_in_a_browser_the_slides_start_render_maths_and_ask_no_other_host(deck):
    require_browser()
    from playwright.sync_api import sync_playwright
    handler = functools.partial(QuietFiles, directory=str(deck.path.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    elsewhere: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                view = browser.new_page()
                view.on("request", lambda r: None if urlsplit(r.url).scheme in ("data", "about")
                        or urlsplit(r.url).hostname == "127.0.0.1" else elsewhere.append(r.url))
                view.goto(f"http://127.0.0.1:{server.server_address[1]}/{deck.path.name}", wait_until="networkidle",
                          timeout=120_000)
                view.wait_for_selector(".reveal.ready", timeout=120_000)  # reveal.js marks itself ready once started
                view.wait_for_function("document.querySelectorAll('.MathJax').length > 0", timeout=120_000)
                assert view.evaluate("document.querySelectorAll('.reveal .slides > section').length") == deck.slides
                assert view.evaluate("document.querySelectorAll('.MathJax_Error, merror').length") == 0
            finally:
                browser.close()
    finally:
        server.shutdown()
    assert elsewhere == []
