"""`mlkit site build`: the course as a static website, built offline, that asks no other host for anything.

The site is built once (about 40 s of CPU) from this checkout's stored notebooks. Plain tests read
the built pages; the browser test serves them on localhost to headless Chromium (Debian's package;
skipped without it unless ``MLKIT_REQUIRE_BROWSER=1``) and fails on any request to another host,
on a formula MathJax did not render, and on a link between pages that leads nowhere.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mlkit.cli import main
from mlkit.course import curriculum
from mlkit.publish import site
from browser import CHROMIUM, QuietFiles, require_browser

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> site.SiteResult:
    return site.build(tmp_path_factory.mktemp("site") / "out", root=ROOT)


def page(result: site.SiteResult, path: str) -> str:
    return (result.out / path).read_text(encoding="utf-8")


def words(html: str) -> str:
    """The text a reader sees: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


def local_links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return [h for h in parser.hrefs if not re.match(r"[a-z]+:", h) and not h.startswith("#")]


def test_every_available_units_lesson_exercises_and_page_are_published(built):
    for unit in curriculum.units():
        assert (built.out / "units" / f"{unit.id}.html").is_file(), unit.id
        if unit.available:
            for path in (unit.lesson, unit.exercises):
                if path:
                    assert (built.out / path.replace(".ipynb", ".html")).is_file(), path
    assert built.warnings == [], built.warnings[:5]
    assert (built.out / site.MARKER).is_file() and built.index.is_file()


def test_solutions_are_not_published_by_default(built):
    assert not (built.out / "solutions").exists()
    searchable = page(built, "searchindex.js")
    assert "solutions/" not in searchable


def test_the_start_page_lists_every_unit_in_catalogue_order_under_its_area(built):
    html = page(built, "index.html")
    positions = [html.index(f'href="units/{u.id}.html"') for u in curriculum.units()]
    assert positions == sorted(positions)
    for area in {u.area_title for u in curriculum.units()}:
        assert html.count(f">{area}<") >= 1, area


def test_a_unit_page_gives_objectives_prerequisites_time_and_a_download_of_its_exercises(built):
    unit = curriculum.get_unit("classification")
    html = page(built, "units/classification.html")
    for objective in unit.objectives:
        assert objective.split("'")[0] in words(html)
    for pre in unit.prerequisites:
        assert f'href="{pre}.html"' in html
    assert f"about {unit.minutes} minutes" in words(html)
    download = re.search(r'href="(\.\./_downloads/[^"]+/14_classification\.ipynb)"', html)
    assert download, "no download link for the exercise notebook"
    downloaded = json.loads((built.out / "units" / download[1]).read_text(encoding="utf-8"))
    assert downloaded == json.loads((ROOT / unit.exercises).read_text(encoding="utf-8"))


def test_the_workbook_page_says_how_to_run_the_app(built):
    text = words(page(built, "units/decision.html"))
    assert "mlkit app" in text and "cannot run" in text


def test_every_link_between_pages_leads_to_a_page_of_the_site(built):
    broken = []
    for html_path in (p for p in built.out.rglob("*.html") if "_static" not in p.relative_to(built.out).parts):
        for href in local_links(html_path.read_text(encoding="utf-8")):
            target = unquote(urlsplit(href).path)
            if target and not (html_path.parent / target).resolve().exists():
                broken.append(f"{html_path.relative_to(built.out)} -> {href}")
    assert broken == []


def test_lessons_link_to_each_other_as_pages_of_the_site(built):
    html = page(built, "notebooks/02_linear_algebra.html")
    assert 'href="08_python_numpy.html' in html
    readiness = page(built, "notebooks/01_readiness.html")  # links in a stored output, not in markdown
    assert 'href="08_python_numpy.ipynb' not in readiness and "08_python_numpy.html" in readiness


def test_a_folder_that_is_not_a_site_is_refused_and_left_alone(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my notes")
    assert main(["site", "build", "--out", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "not a site built by `mlkit site build`" in err and "Traceback" not in err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["site", "build", "--out", str(a_file)]) == 2
    assert a_file.read_text() == "x"


def test_with_solutions_the_solutions_join_the_table_of_contents(tmp_path):
    pages = site.write_source(tmp_path / "source", ROOT, with_solutions=True)
    solutions = [u.solutions[: -len(".ipynb")] for u in curriculum.units() if u.solutions and u.available]
    assert solutions and all(s in pages for s in solutions)
    toc = json.loads((tmp_path / "source" / "_toc.yml").read_text())
    assert toc["root"] == "index"
    without = site.write_source(tmp_path / "plain", ROOT)
    assert not any(p.startswith("solutions/") for p in without)


def test_links_to_kit_files_outside_the_site_become_words(tmp_path):
    pages = site.write_source(tmp_path / "source", ROOT)
    lesson = json.loads((tmp_path / "source" / "notebooks" / "14_classification.ipynb").read_text())
    text = json.dumps(lesson)
    assert str(ROOT) not in text  # no path of the machine that built it
    assert "notebooks/14_classification" in pages


# -- in a browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(built):
    handler = functools.partial(QuietFiles, directory=str(built.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.browser
def test_in_a_browser_pages_ask_no_other_host_render_maths_and_find_lessons(served):
    require_browser()
    from playwright.sync_api import sync_playwright

    elsewhere: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            view = browser.new_page()
            view.on("request", lambda r: None if urlsplit(r.url).scheme in ("data", "about")
                    or urlsplit(r.url).hostname == "127.0.0.1" else elsewhere.append(r.url))
            view.goto(f"{served}/index.html", wait_until="networkidle", timeout=120_000)
            view.click("a[href='units/calculus-optimisation.html']")
            view.wait_for_load_state("networkidle")
            view.click("a[href='../notebooks/07_calculus_optimisation.html']")
            view.wait_for_load_state("networkidle")
            view.wait_for_function("document.querySelectorAll('.MathJax_CHTML, .MathJax, mjx-container').length > 0", timeout=120_000)
            rendered = view.evaluate("document.querySelectorAll('.MathJax_CHTML, .MathJax, mjx-container').length")
            errors = view.evaluate("document.querySelectorAll('.MathJax_Error, merror').length")
            assert rendered > 5 and errors == 0
            view.goto(f"{served}/search.html?q=gradient", wait_until="networkidle", timeout=120_000)
            view.wait_for_selector("#search-results li", timeout=120_000)
            found = view.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
            assert any("07_calculus_optimisation" in href for href in found), found[:10]
        finally:
            browser.close()
    assert elsewhere == []
