"""A newcomer's first exercise in a real browser shows plain sentences, not Python internals.

``mlkit lab`` runs on a kit snapshot (the ``lab`` fixture of ``test_lab_browser``). In headless
Chromium the learner opens their copy of the first unit's exercises from the file browser and runs
every cell, as the notebook tells them to. Two outputs are read as a learner reads them:

- the set-up cell must not show a raw Python repr such as ``Settings(seed=0, plots=True)``;
- the first check, run on the untouched stub (a function that raises ``NotImplementedError``),
  must answer "Not attempted yet" without asking to "replace the ..." — that cell holds no ``...``.

Skipped without a browser unless ``MLKIT_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import pytest
from test_lab_browser import CHROMIUM, ARGS, LONG, _run_all, lab  # noqa: F401  (lab is a fixture)

EXERCISES = "02_linear_algebra-exercises.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_first_exercise_speaks_to_the_learner(lab):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    url, _kit, _workspace = lab
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(url, timeout=LONG)
            listing = page.locator(".jp-DirListing-content .jp-DirListing-itemName")
            expect(listing.get_by_text(EXERCISES, exact=True)).to_be_visible(timeout=LONG)
            listing.get_by_text(EXERCISES, exact=True).dblclick()
            _run_all(page, EXERCISES)
            cells = page.locator(".jp-NotebookPanel:visible .jp-CodeCell")
            # outputs arrive in order: once the first check has answered, the set-up cell's is there
            expect(cells.nth(3).locator(".jp-Cell-outputArea")).to_contain_text("Not attempted yet", timeout=LONG)
            setup_output = cells.nth(0).locator(".jp-Cell-outputArea").text_content()
            first_check = cells.nth(3).locator(".jp-Cell-outputArea").text_content()
        finally:
            browser.close()

    problems = []
    if "Settings(" in setup_output:
        problems.append(f"the set-up cell shows a Python repr: {setup_output!r}")
    if "Not attempted yet" not in first_check:
        problems.append(f"the untouched stub is not reported as not attempted: {first_check!r}")
    if "replace the ..." in first_check:
        problems.append(f"the check asks to replace `...` but the stub is a function: {first_check!r}")
    assert not problems, "\n".join(problems)
