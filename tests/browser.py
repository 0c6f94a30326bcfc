"""What the browser tests share: where Chromium is, whether the tests may skip, a quiet file server.

The browser is Debian's chromium package (``MLKIT_CHROMIUM`` overrides its path), driven by
Playwright's Python package, never Playwright's own browser download. Without either the browser
tests skip, unless ``MLKIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which makes a missing browser
a failure.
"""

from __future__ import annotations

import http.server
import os

import pytest

CHROMIUM = os.environ.get("MLKIT_CHROMIUM", "/usr/bin/chromium")


def require_browser() -> None:
    """Skip the calling test when no browser can run, or fail it if one is required."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = ("python playwright is not installed (pip install playwright; the browser comes from "
                   "Debian's chromium package, not from Playwright's own download)")
    if problem is None and not os.access(CHROMIUM, os.X_OK):
        problem = f"no browser at {CHROMIUM} (apt-get install chromium, or set MLKIT_CHROMIUM)"
    if problem:
        if os.environ.get("MLKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MLKIT_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    """Serves a folder's files without logging each request (the test's output stays readable)."""

    def log_message(self, *args):
        pass
