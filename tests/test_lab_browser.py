"""Using the kit in JupyterLab never changes the kit: a real browser runs the start page and a lesson.

``mlkit lab`` is started as ``make lab`` starts it, on a snapshot of the kit (the package, the
lessons and the exercises of this checkout, committed to a fresh git repository) with its own
workspace and data folder. In headless Chromium the test checks that the file browser shows the
learner's workspace (not the repository) and that no news pop-up appears, runs every cell of the
start page and of a lesson opened from the file browser, waits past autosave (shortened to a few
seconds through the kit's settings folder, ``overrides.d``), and then finds the kit's repository
clean (``git status``) while the copies in the workspace hold the outputs autosave wrote.

Skipped without a browser unless ``MLKIT_REQUIRE_BROWSER=1``; the browser is Debian's chromium
(``MLKIT_CHROMIUM`` overrides the path), never Playwright's own download.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser import CHROMIUM, require_browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
LONG = 180_000  # ms: the machine may be busy running other notebooks
LESSON = "02_linear_algebra-lesson.ipynb"  # few cells and NumPy only: the test stays short
AUTOSAVE_SECONDS = 3
TOKEN = "b" * 40

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Kit", "GIT_AUTHOR_EMAIL": "kit@example.org", "GIT_COMMITTER_NAME": "Kit",
           "GIT_COMMITTER_EMAIL": "kit@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def _kit_snapshot(target: Path) -> Path:
    """The package, lessons and exercises of this checkout, committed to a new repository at ``target``."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for folder in ("mlkit", "notebooks", "exercises"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    for name in ("pyproject.toml", ".gitignore"):
        shutil.copy2(ROOT / name, target / name)
    _git(target, "init", "-q", "-b", "main")
    _git(target, "add", ".")
    _git(target, "commit", "-q", "-m", "the kit")
    return target


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"mlkit lab exited with status {process.returncode} before listening")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise AssertionError(f"mlkit lab did not listen on port {port} within {timeout:.0f} s")


@pytest.fixture
def lab(tmp_path):
    """A running ``mlkit lab`` on a kit snapshot: (url, kit, workspace)."""
    require_browser()
    kit = _kit_snapshot(tmp_path / "kit")
    home, workspace, jupyter = tmp_path / "home", tmp_path / "workspace", tmp_path / "jupyter"
    extra = home / "lab" / "settings" / "overrides.d"
    extra.mkdir(parents=True)
    (extra / "test-autosave.json").write_text(json.dumps(
        {"@jupyterlab/docmanager-extension:plugin": {"autosaveInterval": AUTOSAVE_SECONDS}}))
    env = {
        **os.environ, "PYTHONPATH": str(kit), "MLKIT_HOME": str(home), "MLKIT_WORKSPACE": str(workspace),
        "MLKIT_LAB_TOKEN": TOKEN, "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"), "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "IPYTHONDIR": str(jupyter / "ipython"), "MPLCONFIGDIR": str(jupyter / "mpl"),
    }
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "lab-browser-server.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "mlkit", "lab", "--no-browser", "--port", str(port)],
                                   cwd=kit, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}/lab/tree/00_start_here.ipynb?token={TOKEN}", kit, workspace
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _run_all(page, name: str) -> None:
    """Run every cell of the open notebook ``name`` and wait until none is left running."""
    from playwright.sync_api import expect

    panel = page.locator(".jp-NotebookPanel:visible")
    expect(page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=name).first).to_be_visible(timeout=LONG)
    expect(panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).to_have_count(1, timeout=LONG)
    expect(page.locator(".jp-StatusBar-TextItem", has_text="Idle").first).to_be_visible(timeout=LONG)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    cells = panel.locator(".jp-CodeCell")
    expect(panel.locator(".jp-CodeCell .jp-InputPrompt", has_text="[*]")).to_have_count(0, timeout=LONG)
    expect(panel.locator(".jp-CodeCell .jp-InputPrompt").last).to_contain_text(":", timeout=LONG)
    expect(panel.locator(".jp-CodeCell .jp-InputPrompt", has_text="[ ]")).to_have_count(0, timeout=LONG)
    expect(panel.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).to_have_count(1, timeout=LONG)
    assert cells.count() > 0


def _executed(path: Path) -> int:
    """How many code cells of a stored notebook carry an execution count."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and c.get("execution_count"))


def test_using_the_kit_in_lab_leaves_its_checkout_clean(lab):
    from playwright.sync_api import expect, sync_playwright

    url, kit, workspace = lab
    kit_files = {p: p.read_bytes() for p in (kit / "notebooks").glob("*.ipynb")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(url, timeout=LONG)
            listing = page.locator(".jp-DirListing-content .jp-DirListing-itemName")
            expect(listing.get_by_text(LESSON, exact=True)).to_be_visible(timeout=LONG)
            shown = set(listing.all_inner_texts())
            assert {"00_start_here.ipynb", "14_classification-exercises.ipynb"} <= shown
            assert not shown & {"notebooks", "exercises", "tests", "mlkit", "pyproject.toml"}, shown

            _run_all(page, "00_start_here.ipynb")
            listing.get_by_text(LESSON, exact=True).dblclick()
            _run_all(page, LESSON)
            page.wait_for_timeout((AUTOSAVE_SECONDS * 3) * 1000)  # past autosave
            assert page.get_by_text("official Jupyter news").count() == 0
            assert page.locator(".jp-Notification-Toast").count() == 0
        finally:
            page.screenshot(path=str(ARTIFACTS / "lab-browser.png"))
            browser.close()

    assert _executed(workspace / LESSON) > 0, "autosave did not store the lesson's run in the workspace copy"
    assert (workspace / "00_start_here.ipynb").is_file()
    assert _git(kit, "status", "--porcelain", "--untracked-files=all") == ""
    assert {p: p.read_bytes() for p in (kit / "notebooks").glob("*.ipynb")} == kit_files
