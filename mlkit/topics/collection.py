"""Sources for the data-collection unit: files, a read-only database and a local web API.

All of them serve the Palmer Station penguin records (CC0; see
``mlkit/data/penguins_field.md``), shipped with the kit, so that a learner can
practise collecting data without a network:

- :func:`raw_csv_path` and :func:`recorded_page_path`: a CSV file and a JSON
  file, as a field team or an earlier API call would leave them;
- :func:`connect`: the field station's SQLite database, opened read-only;
- :class:`LocalAPI`: a small HTTP server on ``127.0.0.1`` (a free port chosen
  by the system), serving the database as paginated JSON. A notebook starts
  it with ``with LocalAPI() as api:`` or ``api.start()`` and stops it with
  ``api.stop()``; it answers only on the loopback address.

Examples
--------
>>> page = api_page("PAL0809", page=2, per_page=50)
>>> page["total"], page["pages"], len(page["results"])
(114, 3, 50)
>>> sorted(page["results"][0])
['individual', 'island', 'measurements', 'sex', 'species', 'study']
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from mlkit.errors import InputError
from mlkit.paths import data_dir

DATABASE_FILE = "penguins_field.sqlite"
RECORDED_PAGE_FILE = "penguins_api_page.json"
HOST = "127.0.0.1"
MAX_PER_PAGE = 100
MEASUREMENTS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


def database_path() -> Path:
    """The shipped SQLite database of the field station."""
    return data_dir() / DATABASE_FILE


def recorded_page_path() -> Path:
    """A recorded API response (first page of season PAL0708, 25 birds), as a JSON file."""
    return data_dir() / RECORDED_PAGE_FILE


def raw_csv_path() -> Path:
    """The raw field records as a CSV file (the copy shipped inside the ``palmerpenguins`` package)."""
    from importlib.resources import files

    return Path(str(files("palmerpenguins") / "data" / "penguins-raw.csv"))


def connect(database: Path | None = None) -> sqlite3.Connection:
    """Open the field-station database read-only (queries work; changes raise an error).

    Examples
    --------
    >>> with connect() as db:
    ...     db.execute("SELECT COUNT(*) FROM birds").fetchone()
    (344,)
    """
    path = Path(database) if database else database_path()
    if not path.is_file():
        raise InputError(f"database file {path.name!r} not found; rebuild it with mlkit/data/sources/penguins_field.py")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def seasons(database: Path | None = None) -> list[str]:
    """The seasons (``study`` values) in the database, sorted."""
    with connect(database) as db:
        return [row[0] for row in db.execute("SELECT DISTINCT study FROM birds ORDER BY study")]


def api_page(study: str, page: int = 1, per_page: int = 25, database: Path | None = None) -> dict:
    """One page of the API's answer to ``GET /birds?study=...&page=...&per_page=...``.

    Birds are ordered by ``individual`` within the season; pages count from 1.
    Each record nests the four measurements under ``"measurements"``; missing
    values are ``null``.

    Returns
    -------
    dict
        ``study``, ``page``, ``per_page``, ``total`` (birds in the season),
        ``pages`` and ``results`` (the records of this page).
    """
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise InputError(f"page must be a whole number from 1, got {page!r}")
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= MAX_PER_PAGE:
        raise InputError(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}, got {per_page!r}")
    known = seasons(database)
    if study not in known:
        raise InputError(f"unknown study {study!r}; the seasons are {', '.join(known)}")
    with connect(database) as db:
        total = db.execute("SELECT COUNT(*) FROM birds WHERE study = ?", (study,)).fetchone()[0]
        rows = db.execute(
            "SELECT b.study, b.individual, b.species, b.island, b.sex, "
            "m.bill_length_mm, m.bill_depth_mm, m.flipper_length_mm, m.body_mass_g "
            "FROM birds b JOIN measurements m USING (study, individual) "
            "WHERE b.study = ? ORDER BY b.individual LIMIT ? OFFSET ?",
            (study, per_page, (page - 1) * per_page),
        ).fetchall()
    results = [
        {
            "study": r[0],
            "individual": r[1],
            "species": r[2],
            "island": r[3],
            "sex": r[4],
            "measurements": dict(zip(MEASUREMENTS, r[5:])),
        }
        for r in rows
    ]
    return {
        "study": study,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, math.ceil(total / per_page)),
        "results": results,
    }


class _Handler(BaseHTTPRequestHandler):
    """Answers ``GET /seasons`` and ``GET /birds``; everything else is a JSON error."""

    server_version = "mlkit-field-api"
    sys_version = ""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            if url.path == "/seasons":
                self._send(200, {"seasons": seasons(self.server.database)})
            elif url.path == "/birds":
                page = _whole(query.get("page", "1"), "page")
                per_page = _whole(query.get("per_page", "25"), "per_page")
                self._send(200, api_page(query.get("study", ""), page, per_page, self.server.database))
            else:
                self._send(404, {"error": f"no such endpoint {url.path!r}; try /seasons or /birds"})
        except InputError as error:
            self._send(400, {"error": str(error)})

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 - keep notebooks' stderr clean
        pass


def _whole(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(f"{name} must be a whole number, got {text!r}") from None


class LocalAPI:
    """The field station's web API, served from the shipped database on ``127.0.0.1``.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    :attr:`url` is the base address (the port is chosen by the system, so it
    differs between runs: do not print it in a stored notebook).

    Examples
    --------
    >>> import json, urllib.request
    >>> with LocalAPI() as api:
    ...     with urllib.request.urlopen(api.url + "/seasons", timeout=5) as response:
    ...         json.load(response)
    {'seasons': ['PAL0708', 'PAL0809', 'PAL0910']}
    """

    def __init__(self, database: Path | None = None):
        self.database = database
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, the base address of the running server."""
        if self._server is None:
            raise InputError("the local API is not running; call start() first")
        return f"http://{HOST}:{self._server.server_address[1]}"

    def start(self) -> "LocalAPI":
        """Start serving in a background thread (a second call does nothing)."""
        if self._server is None:
            server = ThreadingHTTPServer((HOST, 0), _Handler)
            server.daemon_threads = True
            server.database = self.database
            self._thread = threading.Thread(target=server.serve_forever, name="mlkit-local-api", daemon=True)
            self._server = server
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and free its port (a second call does nothing)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> "LocalAPI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
