"""The data-collection sources: shipped files, the read-only database and the local API."""

import doctest
import json
import sqlite3
import urllib.error
import urllib.request

import pytest

from mlkit.topics import collection
from mlkit.topics.collection import LocalAPI, api_page, connect
from mlkit.errors import InputError


def test_doctests_pass():
    assert doctest.testmod(collection).failed == 0


def test_database_holds_every_bird_and_matches_the_penguins_tables():
    from mlkit.datasets import penguins

    with connect() as db:
        counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("species", "birds", "measurements", "blood_samples")}
        mass = db.execute("SELECT SUM(body_mass_g), COUNT(body_mass_g) FROM measurements").fetchone()
    assert counts == {"species": 3, "birds": 344, "measurements": 344, "blood_samples": 331}
    table = penguins.load()
    assert mass == (int(table["body_mass_g"].sum()), int(table["body_mass_g"].count()))


def test_database_is_opened_read_only():
    with connect() as db, pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM birds")


def test_rebuilding_gives_the_same_files(tmp_path):
    import importlib.util

    from mlkit.paths import data_dir

    spec = importlib.util.spec_from_file_location("build", data_dir() / "sources" / "penguins_field.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.build(tmp_path / "db.sqlite", tmp_path / "page.json")
    with connect(tmp_path / "db.sqlite") as rebuilt, connect() as shipped:
        assert list(rebuilt.iterdump()) == list(shipped.iterdump())
    assert (tmp_path / "page.json").read_text() == collection.recorded_page_path().read_text()


def test_recorded_page_is_the_api_answer():
    recorded = json.loads(collection.recorded_page_path().read_text(encoding="utf-8"))
    assert recorded == api_page("PAL0708", page=1, per_page=25)


def test_pages_cover_a_season_exactly_once():
    first = api_page("PAL0910", page=1, per_page=50)
    keys = [r["individual"] for p in range(1, first["pages"] + 1) for r in api_page("PAL0910", p, 50)["results"]]
    assert len(keys) == len(set(keys)) == first["total"] == 120
    assert api_page("PAL0910", page=first["pages"] + 1, per_page=50)["results"] == []


@pytest.mark.parametrize(
    "kwargs, message",
    [({"page": 0}, "page must be"), ({"per_page": 500}, "per_page must be"), ({"study": "PAL1999"}, "unknown study")],
)
def test_bad_requests_are_named(kwargs, message):
    args = {"study": "PAL0708", **kwargs}
    with pytest.raises(InputError, match=message):
        api_page(**args)


def test_local_api_serves_json_on_loopback_and_stops():
    api = LocalAPI().start()
    try:
        assert api.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(api.url + "/birds?study=PAL0809&page=3&per_page=50", timeout=5) as response:
            body = json.load(response)
        assert body == api_page("PAL0809", page=3, per_page=50)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(api.url + "/birds?study=PAL0809&page=x", timeout=5)
        assert error.value.code == 400 and "page must be a whole number" in json.load(error.value)["error"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(api.url + "/nothing", timeout=5)
        assert missing.value.code == 404
        url = api.url
    finally:
        api.stop()
    assert not api.running
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/seasons", timeout=2)
