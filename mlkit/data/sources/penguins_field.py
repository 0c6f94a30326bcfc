"""Build the penguin field-station database and its recorded API page from the raw records.

Run from the repository root (``.venv/bin/python mlkit/data/sources/penguins_field.py``);
it rewrites ``mlkit/data/penguins_field.sqlite`` and
``mlkit/data/penguins_api_page.json``. Both are derived from the Palmer Station
LTER penguin records (Gorman, Williams & Fraser 2014, PLoS ONE 9(3): e90081;
CC0), read from the ``palmerpenguins`` package; see ``penguins_field.md``
beside the files. The build is deterministic: same input, same bytes.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1]
DATABASE = DATA / "penguins_field.sqlite"
RECORDED_PAGE = DATA / "penguins_api_page.json"

SCHEMA = """
CREATE TABLE species (
    species TEXT PRIMARY KEY,
    common_name TEXT NOT NULL,
    scientific_name TEXT NOT NULL
);
CREATE TABLE birds (
    study TEXT NOT NULL,
    individual TEXT NOT NULL,
    species TEXT NOT NULL REFERENCES species(species),
    island TEXT NOT NULL,
    sex TEXT,
    clutch_completion INTEGER NOT NULL,
    date_egg TEXT NOT NULL,
    PRIMARY KEY (study, individual)
);
CREATE TABLE measurements (
    study TEXT NOT NULL,
    individual TEXT NOT NULL,
    bill_length_mm REAL,
    bill_depth_mm REAL,
    flipper_length_mm INTEGER,
    body_mass_g INTEGER,
    PRIMARY KEY (study, individual),
    FOREIGN KEY (study, individual) REFERENCES birds(study, individual)
);
CREATE TABLE blood_samples (
    study TEXT NOT NULL,
    individual TEXT NOT NULL,
    delta_15n REAL,
    delta_13c REAL,
    PRIMARY KEY (study, individual),
    FOREIGN KEY (study, individual) REFERENCES birds(study, individual)
);
"""


def _value(x):
    """SQLite-ready value: NaN becomes NULL, whole floats of integer columns stay as given."""
    import math

    if isinstance(x, float) and math.isnan(x):
        return None
    return x.item() if hasattr(x, "item") else x


def build(database: Path = DATABASE, recorded_page: Path = RECORDED_PAGE) -> None:
    """Write the database and the recorded first API page."""
    from mlkit.datasets import penguins

    birds = penguins.load(keys=True)
    nests = penguins.nests()
    blood = penguins.blood_samples()
    names = penguins.species_names()

    database.unlink(missing_ok=True)
    with sqlite3.connect(database) as db:
        db.executescript(SCHEMA)
        db.executemany("INSERT INTO species VALUES (?, ?, ?)", names.itertuples(index=False, name=None))
        rows = []
        for bird, nest in zip(birds.itertuples(index=False), nests.itertuples(index=False)):
            sex = None if not isinstance(bird.sex, str) else bird.sex
            rows.append((bird.study, bird.individual, bird.species, bird.island, sex,
                         int(nest.clutch_completion), nest.date_egg.strftime("%Y-%m-%d")))
        db.executemany("INSERT INTO birds VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        measured = []
        for bird in birds.itertuples(index=False):
            flipper = None if bird.flipper_length_mm != bird.flipper_length_mm else int(bird.flipper_length_mm)
            mass = None if bird.body_mass_g != bird.body_mass_g else int(bird.body_mass_g)
            measured.append((bird.study, bird.individual, _value(bird.bill_length_mm),
                             _value(bird.bill_depth_mm), flipper, mass))
        db.executemany("INSERT INTO measurements VALUES (?, ?, ?, ?, ?, ?)", measured)
        db.executemany(
            "INSERT INTO blood_samples VALUES (?, ?, ?, ?)",
            [tuple(_value(v) for v in row) for row in blood.itertuples(index=False, name=None)],
        )
    db.close()

    sys.path.insert(0, str(DATA.parents[1]))
    from mlkit.topics.collection import api_page

    page = api_page("PAL0708", page=1, per_page=25, database=database)
    recorded_page.write_text(json.dumps(page, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    build()
    print(f"wrote {DATABASE.name} and {RECORDED_PAGE.name}")
