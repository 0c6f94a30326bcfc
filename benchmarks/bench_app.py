"""The decision app in a browser: time to first result, and memory per visitor.

Starts ``mlkit app`` (one pre-heated kernel, the default), waits until that kernel is
ready, then opens the page ``VISITS`` times in headless Chromium, one visit after another
with ``GAP_S`` seconds between them (time for the next kernel to warm up, as between two
people arriving). For each visit it measures the time from the page's first paint to the
moment the results table shows a number; it prints the median and the slowest (target: a
median within 3 s on an idle 2-core machine). Memory per visitor is the resident memory
(RSS) of one visitor's kernel, median over the kernels alive after the visits.

Needs Debian's chromium (``MLKIT_CHROMIUM`` overrides the path) and Python Playwright.
``MLKIT_BENCH_VISITS`` changes the number of visits (default 5).
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("MLKIT_CHROMIUM", "/usr/bin/chromium")
GAP_S = 25
TARGET_S = 3.0
FIRST_RESULT = """() => {
  const paint = performance.getEntriesByName('first-paint')[0];
  return paint ? paint.startTime : 0;
}"""


def _kernels(server: subprocess.Popen) -> list:
    import psutil

    found = []
    for child in psutil.Process(server.pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _visit(browser, url: str) -> float:
    """Seconds from first paint to the first result on the page."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(url, timeout=300_000)
        page.wait_for_selector(".mlkit-npv", timeout=300_000)
        shown_at = page.evaluate("performance.now()")
        painted_at = page.evaluate(FIRST_RESULT)
        return (shown_at - painted_at) / 1000
    finally:
        page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    visits = int(os.environ.get("MLKIT_BENCH_VISITS", "5"))
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()[0]
    port = _free_port()
    env = {**os.environ, "MLKIT_HOME": tempfile.mkdtemp(prefix="mlkit-bench-app-")}
    server = subprocess.Popen([sys.executable, "-m", "mlkit", "app", "--port", str(port), "--no-browser", "--cull-after", "600"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while not _kernels(server) and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(GAP_S)  # the pre-heated kernel runs the notebook
        seconds = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            for _ in range(visits):
                seconds.append(_visit(browser, f"http://127.0.0.1:{port}/"))
                time.sleep(GAP_S)
            browser.close()
        rss = [k.memory_info().rss / 2**20 for k in _kernels(server)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"{started}: visits: {visits}, {GAP_S} s apart ({os.cpu_count()} CPU(s); load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"first paint to first result: median {statistics.median(seconds):.1f} s, slowest {max(seconds):.1f} s "
          f"(target: median <= {TARGET_S:g} s)")
    print(f"memory per visitor (kernel RSS): median {statistics.median(rss):.0f} MB over {len(rss)} kernel(s)")


if __name__ == "__main__":
    main()
