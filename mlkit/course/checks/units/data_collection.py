"""Exercises of unit 10, data collection (``solutions/10_data_collection.ipynb``).

Data: the sources of :mod:`mlkit.topics.collection` (the raw CSV file, the recorded
API page, the field-station database and the local API's pages), which the
checks read themselves; the API's pages come from :func:`mlkit.topics.collection.api_page`,
so a check never needs the server.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import FLOAT32_RTOL, as_whole_number, expect_choice, expect_frame, expect_type, refuse_rounded

EXERCISES = ExerciseSet("data-collection", "Data collection: files, SQL and APIs")

SQL_SEASON = "PAL0708"
API_SEASON = "PAL0809"
API_PER_PAGE = 25
MASS = "measurements.body_mass_g"
MASS_RANGE = (2000, 7000)
PROBLEM_KEYS = ("duplicate_keys", "missing_body_mass", "mass_out_of_range")


# --- shared sources (read only when a check runs) ---------------------------------


def _read_raw(**options):
    import pandas as pd

    from mlkit.topics.collection import raw_csv_path

    return pd.read_csv(raw_csv_path(), **options)


def _recorded_results():
    import json

    from mlkit.topics.collection import recorded_page_path

    with open(recorded_page_path(), encoding="utf-8") as handle:
        return json.load(handle)


def _season_records(study, pages=None, per_page=API_PER_PAGE):
    """The records of a season as a collector would gather them (all pages, or the ones given)."""
    from mlkit.topics.collection import api_page

    first = api_page(study, 1, per_page)
    numbers = range(1, first["pages"] + 1) if pages is None else pages
    return [record for n in numbers for record in api_page(study, n, per_page)["results"]]


def _table(records):
    import pandas as pd

    return pd.json_normalize(records)


def _holds_dicts(column) -> bool:
    """True when a column holds nested objects (iterating works for every dtype, a Categorical too)."""
    return any(isinstance(v, (dict, list)) for v in column)


def _same_dates(mine, theirs) -> bool:
    """The same dates, position by position, whatever their unit (``datetime64[us]`` or ``[ns]``)."""
    import numpy as np

    try:
        a = np.asarray(mine, dtype="datetime64[ns]")
        b = np.asarray(theirs, dtype="datetime64[ns]")
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(((a == b) | (np.isnat(a) & np.isnat(b))).all())


def _same_values(mine, theirs) -> bool:
    """The same values, position by position, whatever the dtype: 4200.0 for 4200, float32, category, NaN for None."""
    import numpy as np
    import pandas as pd

    mine, theirs = pd.Series(mine).reset_index(drop=True), pd.Series(theirs).reset_index(drop=True)
    if len(mine) != len(theirs):
        return False
    try:
        a, b = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    except (TypeError, ValueError):
        a = b = None
    if a is not None:
        rtol = FLOAT32_RTOL if str(mine.dtype) == "float32" else 1e-12
        return bool(np.allclose(a, b, rtol=rtol, atol=0, equal_nan=True))
    mine, theirs = mine.astype(object), theirs.astype(object)
    return bool(((mine == theirs) | (mine.isna() & theirs.isna())).all())


# --- 1. read a CSV file ---------------------------------------------------------------


@EXERCISES.exercise(
    "read_csv",
    title="Read a CSV file with the right types",
    hints=(
        "`pd.read_csv(path)` reads the file; look at `dtypes` afterwards. Which column should be a date?",
        "`read_csv` does not guess dates: name the date column in `parse_dates=[...]`.",
        "`raw = pd.read_csv(raw_csv_path(), parse_dates=[\"Date Egg\"])`",
    ),
)
def read_csv(raw):
    import pandas as pd

    expect_frame(raw, name="raw")
    expected = _read_raw(parse_dates=["Date Egg"])
    if raw.index.name in expected.columns:
        raise Incorrect(
            f"the column {raw.index.name!r} became the index of `raw`: read the file without `index_col`, "
            "so every column stays a column."
        )
    missing = [c for c in expected.columns if c not in raw.columns]
    if missing:
        raise Incorrect(f"`raw` lacks the column(s) {', '.join(repr(c) for c in missing)}: read every column.")
    if len(raw) < len(expected):
        raise Incorrect("`raw` has fewer rows than the file: read the whole file (no `nrows`).")
    if len(raw) > len(expected):
        raise Incorrect("`raw` has more rows than the file.")
    if not pd.api.types.is_datetime64_any_dtype(raw["Date Egg"]):
        raise Incorrect(
            f"the column 'Date Egg' of `raw` has dtype {raw['Date Egg'].dtype}, so it holds text, not dates. "
            "Ask `read_csv` to parse it."
        )
    if not _same_dates(raw["Date Egg"], expected["Date Egg"]):
        raise Incorrect("the dates in 'Date Egg' differ from the file's: parse them without a custom format.")
    return "all rows and columns, with the egg dates as real dates."


@read_csv.wrong_answer
def read_csv_without_dates():
    return Answer.of(_read_raw())


@read_csv.wrong_answer
def read_csv_with_index_col():
    return Answer.of(_read_raw(parse_dates=["Date Egg"], index_col=0))


@read_csv.wrong_answer
def read_csv_first_rows_only():
    return Answer.of(_read_raw(parse_dates=["Date Egg"], nrows=100))


# --- 2. flatten JSON ------------------------------------------------------------------


@EXERCISES.exercise(
    "flatten",
    title="Flatten the records of a JSON answer",
    hints=(
        "The records are in the envelope's `results` list; the other keys describe the page.",
        "`pd.DataFrame` keeps nested objects as dicts in one column; `pd.json_normalize` makes a column of each "
        "nested field.",
        "`page_table = pd.json_normalize(page[\"results\"])`",
    ),
)
def flatten(page_table):
    expect_frame(page_table, name="page_table")
    page = _recorded_results()
    if "results" in page_table.columns:
        raise Incorrect(
            "`page_table` has a `results` column: it was made from the whole envelope. Flatten `page[\"results\"]`."
        )
    nested = [str(c) for c in page_table.columns if _holds_dicts(page_table[c])]
    if nested:
        raise Incorrect(
            f"the column(s) {', '.join(repr(c) for c in nested)} of `page_table` still hold nested objects: "
            "flatten them into columns of their own."
        )
    if len(page_table) != len(page["results"]):
        raise Incorrect("`page_table` should have one row per record of the page.")
    expected = _table(page["results"])
    masses = [c for c in page_table.columns if str(c).endswith("body_mass_g")]
    if not masses:
        raise Incorrect("`page_table` has no body-mass column: keep every field of the records.")
    if not _same_values(page_table[masses[0]], expected[MASS]):
        raise Incorrect("the body masses in `page_table` are not the page's, in the page's order.")
    return "one row per bird and one column per field, nested ones included."


@flatten.wrong_answer
def flatten_with_dataframe():
    import pandas as pd

    return Answer.of(pd.DataFrame(_recorded_results()["results"]))


@flatten.wrong_answer
def flatten_whole_envelope():
    import pandas as pd

    return Answer.of(pd.json_normalize(_recorded_results()))


# --- 3. SQL with a parameter and a LEFT JOIN ---------------------------------------------

_SQL = """
SELECT b.island, COUNT({count}) AS birds, AVG(m.body_mass_g) AS mean_body_mass_g, COUNT({sampled}) AS sampled
FROM birds AS b
JOIN measurements AS m ON m.study = b.study AND m.individual = b.individual
{join} JOIN blood_samples AS s ON s.study = b.study AND s.individual = b.individual
{where}
GROUP BY b.island ORDER BY b.island
"""


def _island_summary(*, count="*", filtered=True, join="LEFT", sampled="s.individual"):
    """The exercise's query and its result; the keywords build its plausible wrong versions."""
    import pandas as pd

    from mlkit.topics.collection import connect

    where = "WHERE b.study = ?" if filtered else ""
    query = _SQL.format(count=count, where=where, join=join, sampled=sampled)
    with connect() as db:
        return query, pd.read_sql_query(query, db, params=(SQL_SEASON,) if filtered else None)


def _numeric_column(frame, column: str):
    try:
        return frame[column].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"the `{column}` column of `island_summary` should hold numbers.") from None


@EXERCISES.exercise(
    "sql",
    title="Summarise a season with a parameterised SQL query and a LEFT JOIN",
    hints=(
        "Join `birds` and `measurements` on both key columns, keep one season with `WHERE`, and `GROUP BY` island. "
        "Not every bird has a row in `blood_samples`: the join to that table must keep the birds without one.",
        "Write `?` where the season goes, and pass the value separately: `pd.read_sql_query(query, db, "
        "params=(\"PAL0708\",))`. `COUNT(*)` counts rows (every bird); `COUNT(column)` skips NULLs, and a "
        "LEFT JOIN leaves NULLs in the columns of birds without a sample.",
        "`SELECT b.island, COUNT(*) AS birds, AVG(m.body_mass_g) AS mean_body_mass_g, COUNT(s.individual) AS sampled "
        "FROM birds AS b JOIN measurements AS m ON m.study = b.study AND m.individual = b.individual "
        "LEFT JOIN blood_samples AS s ON s.study = b.study AND s.individual = b.individual WHERE b.study = ? "
        "GROUP BY b.island ORDER BY b.island`",
    ),
)
def sql(query, island_summary):
    import numpy as np

    expect_type(query, str, name="query", what="the SQL text, as a string")
    if SQL_SEASON in query:
        raise Incorrect(
            "the season is written into the SQL text of `query`. Write `?` in its place and pass the value in "
            "`params=`, so that no value can change the query's meaning."
        )
    if "?" not in query and ":" not in query:
        raise Incorrect("`query` has no parameter placeholder (`?`) for the season.")
    expect_frame(island_summary, name="island_summary")
    expected = _island_summary()[1]
    missing = [c for c in expected.columns if c not in island_summary.columns]
    if missing:
        raise Incorrect(f"`island_summary` lacks the column(s) {', '.join(repr(c) for c in missing)}.")
    mine = island_summary.set_index("island")
    theirs = expected.set_index("island")
    if set(mine.index) != set(theirs.index) or not mine.index.is_unique:
        raise Incorrect("`island_summary` should have one row per island visited in the season.")
    mine = mine.loc[theirs.index]
    birds, sampled = _numeric_column(mine, "birds"), _numeric_column(mine, "sampled")
    masses = _numeric_column(mine, "mean_body_mass_g")
    if (birds > theirs["birds"].to_numpy()).any():
        raise Incorrect("`island_summary` counts more birds than the season has: filter on the season.")
    if not np.array_equal(birds, theirs["birds"].to_numpy()):
        if np.array_equal(birds, _island_summary(join="")[1]["birds"].to_numpy()):
            raise Incorrect(
                "`birds` counts only the birds that have a blood sample: an inner JOIN drops every bird without a "
                "matching row in `blood_samples`. Which join keeps every row of the table on its left?"
            )
        measured = _island_summary(count="m.body_mass_g")[1]["birds"].to_numpy()
        if np.array_equal(birds, measured):
            raise Incorrect("`birds` counts only birds with a measured mass; count every bird of the island.")
        raise Incorrect("the `birds` column is not the number of birds per island in the season.")
    if not np.allclose(masses, theirs["mean_body_mass_g"].to_numpy(dtype=float)):
        refuse_rounded(masses, theirs["mean_body_mass_g"].to_numpy(dtype=float), name="mean_body_mass_g")
        raise Incorrect("`mean_body_mass_g` is not the mean body mass per island (do not round it).")
    if not np.array_equal(sampled, theirs["sampled"].to_numpy()):
        if np.array_equal(sampled, birds):
            raise Incorrect(
                "`sampled` equals `birds` on every island, but some birds have no blood sample. After a LEFT JOIN "
                "every bird has a row; count a column of `blood_samples`, which is NULL where nothing matched."
            )
        raise Incorrect("the `sampled` column is not the number of birds per island that have a blood sample.")
    return (
        "the database did the joining and grouping, the LEFT JOIN kept the birds without a sample, and the "
        "season travelled as a parameter."
    )


@sql.wrong_answer
def sql_value_in_text():
    query, table = _island_summary()
    return Answer.of(query.replace("?", f"'{SQL_SEASON}'"), table)


@sql.wrong_answer
def sql_all_seasons():
    query, table = _island_summary(filtered=False)
    return Answer.of(_island_summary()[0], table)


@sql.wrong_answer
def sql_counts_measured_masses():
    query, table = _island_summary(count="m.body_mass_g")
    return Answer.of(query, table)


@sql.wrong_answer
def sql_inner_join_to_samples():
    query, table = _island_summary(join="")
    return Answer.of(query, table)


@sql.wrong_answer
def sql_sampled_counts_rows():
    query, table = _island_summary(sampled="*")
    return Answer.of(query, table)


@sql.secret_values
def sql_secrets():
    table = _island_summary()[1]
    return [", ".join(str(int(n)) for n in table["sampled"])]


# --- 4. collect every page -------------------------------------------------------------


@EXERCISES.exercise(
    "collect",
    title="Collect every page of a season from the API",
    hints=(
        "Ask for the first page and read `pages` from its envelope; then ask for each page in turn.",
        "Pages count from 1 and `range` stops before its end: the last page is `range(1, pages + 1)`'s last value. "
        "Flatten the gathered records with `pd.json_normalize`.",
        "`first = get_json(\"/birds?study=PAL0809&per_page=25\")`, then "
        "`for number in range(1, first[\"pages\"] + 1): records += get_json(f\"/birds?study=PAL0809&page={number}"
        "&per_page=25\")[\"results\"]`, and `collected = pd.json_normalize(records)`.",
    ),
)
def collect(collected):
    expect_frame(collected, name="collected")
    expected = _table(_season_records(API_SEASON))
    for column in ("study", "individual", MASS):
        if column not in collected.columns:
            if column == MASS and "measurements" in collected.columns:
                raise Incorrect("`collected` still nests the measurements: flatten the records with `pd.json_normalize`.")
            raise Incorrect(f"`collected` lacks the column {column!r}.")
    if (collected["study"] != API_SEASON).any():
        raise Incorrect(f"`collected` holds birds of other seasons than {API_SEASON}.")
    duplicates = int(collected.duplicated(["study", "individual"]).sum())
    if duplicates:
        raise Incorrect(f"`collected` holds {duplicates} bird(s) twice: a page was requested more than once.")
    if len(collected) < len(expected):
        short = len(expected) - len(collected)
        if short < API_PER_PAGE:
            raise Incorrect("`collected` misses the birds of the last page: check where your page loop stops.")
        raise Incorrect("`collected` has fewer birds than the API's `total`: request every page, not only the first.")
    if len(collected) > len(expected):
        raise Incorrect("`collected` has more birds than the API's `total`.")
    if set(collected["individual"]) != set(expected["individual"]):
        raise Incorrect("`collected` does not hold the season's birds.")
    return "every page collected, each bird once."


@collect.wrong_answer
def collect_first_page_only():
    return Answer.of(_table(_season_records(API_SEASON, pages=[1])))


@collect.wrong_answer
def collect_misses_last_page():
    from mlkit.topics.collection import api_page

    pages = api_page(API_SEASON, 1, API_PER_PAGE)["pages"]
    return Answer.of(_table(_season_records(API_SEASON, pages=range(1, pages))))


@collect.wrong_answer
def collect_first_page_twice():
    from mlkit.topics.collection import api_page

    pages = api_page(API_SEASON, 1, API_PER_PAGE)["pages"]
    return Answer.of(_table(_season_records(API_SEASON, pages=[1, *range(1, pages + 1)])))


# --- 5. validate ------------------------------------------------------------------------


def _problems(table, *, key=("study", "individual"), nan_out_of_range=False):
    mass = table[MASS]
    in_range = mass.between(*MASS_RANGE)
    out = ~in_range if nan_out_of_range else mass.notna() & ~in_range
    return {
        "duplicate_keys": int(table.duplicated(list(key)).sum()),
        "missing_body_mass": int(mass.isna().sum()),
        "mass_out_of_range": int(out.sum()),
    }


def _validation_cases():
    """Tables a collector could end up with: clean, a page twice, masses in kilograms, two seasons."""
    clean = _table(_season_records("PAL0708"))
    twice = _table(_season_records("PAL0708", pages=[1, 1, 2]))
    in_kg = _table(_season_records("PAL0910"))
    in_kg[MASS] = in_kg[MASS].astype(float)
    in_kg.loc[in_kg.index[:30], MASS] = in_kg.loc[in_kg.index[:30], MASS] / 1000
    seasons = _table(_season_records("PAL0708") + _season_records("PAL0809"))
    return {"one clean season": clean, "a page collected twice": twice, "some masses in kg": in_kg, "two seasons": seasons}


@EXERCISES.exercise(
    "validate",
    title="Write a validation function",
    hints=(
        "Three counts, each one line of pandas: `duplicated`, `isna`, and `between` for the range.",
        "A bird is identified by `study` and `individual` together. A missing mass is neither in nor out of range: "
        "count only measured masses outside 2000-7000 g.",
        "`mass = table[\"measurements.body_mass_g\"]`; `\"duplicate_keys\": int(table.duplicated([\"study\", "
        "\"individual\"]).sum())`, `\"missing_body_mass\": int(mass.isna().sum())`, `\"mass_out_of_range\": "
        "int((mass.notna() & ~mass.between(2000, 7000)).sum())`.",
    ),
)
def validate(find_problems):
    if not callable(find_problems):
        raise Incorrect(f"`find_problems` should be a function, but it is a {type(find_problems).__name__}.")
    for label, table in _validation_cases().items():
        result = call_learner(find_problems, table.copy())
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if not isinstance(result, dict):
            raise Incorrect(f"`find_problems` should return a dict, but it returned a {type(result).__name__}.")
        missing = [k for k in PROBLEM_KEYS if k not in result]
        if missing:
            raise Incorrect(f"the dict of `find_problems` lacks the key(s) {', '.join(repr(k) for k in missing)}.")
        expected = _problems(table)
        for key in PROBLEM_KEYS:
            count = as_whole_number(result[key], name=f"find_problems(...)[{key!r}]", what="a count (a whole number)")
            if count == expected[key]:
                continue
            if key == "duplicate_keys" and count == _problems(table, key=("individual",))[key]:
                raise Incorrect(
                    f"on {label}, `duplicate_keys` treats the same identifier in different seasons as a duplicate: "
                    "a bird is identified by `study` and `individual` together."
                )
            if key == "mass_out_of_range" and count == _problems(table, nan_out_of_range=True)[key]:
                raise Incorrect(
                    f"on {label}, `mass_out_of_range` also counts missing masses; they are counted already as "
                    "missing. Count only measured masses outside the range."
                )
            raise Incorrect(f"on {label}, `find_problems` gives a wrong `{key}`.")
    return "it finds duplicated birds, missing masses and impossible masses, and nothing else."


@validate.wrong_answer
def validate_key_without_season():
    return Answer.of(lambda table: _problems(table, key=("individual",)))


@validate.wrong_answer
def validate_counts_missing_as_out_of_range():
    return Answer.of(lambda table: _problems(table, nan_out_of_range=True))


# --- 6. a judgement ----------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "B": "the missing birds are not the unmeasured ones: the API returns those too, with null values. "
    "A shortfall against `total` means records were never requested, and the analysis would silently "
    "leave out birds.",
    "C": "collecting twice and concatenating duplicates every bird you did get and still misses the ones your "
    "loop never asks for; the duplicate-key check would then fail too.",
    "D": "made-up rows hide the problem instead of fixing it: every later result would rest on birds that do "
    "not exist.",
}


@EXERCISES.exercise(
    "judgement",
    title="Decide what to do when a collection comes up short",
    hints=(
        "What does the API's `total` promise, and what does a count below it mean about the requests made?",
        "Which option changes the collector rather than the collected data?",
        "Fix the cause (the page loop) and keep the check that would have caught it.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="A", feedback=JUDGEMENT_FEEDBACK)
    return "fix the collector, collect again, and keep the count check so that it cannot happen silently."


@judgement.wrong_answer
def judgement_go_on():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_collect_twice():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_fill_rows():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'A'", "Option A"]
