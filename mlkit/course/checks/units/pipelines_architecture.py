"""Exercises of unit 13, pipelines and data architecture (``solutions/13_pipelines_architecture.ipynb``).

Data: the Palmer penguins' raw records of :mod:`mlkit.datasets.penguins_raw`,
loaded by the checks themselves. Checks that run the learner's batch job give
it raw files in a temporary folder of their own and remove it afterwards.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, LearnerCodeError, NotAttempted, call_learner
from mlkit.course.checks.kinds import expect_choice, expect_number, expect_pipeline, expect_type, refuse_rounded
from mlkit.course.checks.kinds import close_to as _near

EXERCISES = ExerciseSet("pipelines-architecture", "Pipelines and data architecture")

NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
CATEGORICAL = ["species", "island"]
FEATURES = CATEGORICAL + NUMERIC
TARGET = "sex"
FOLDS = 5
SEED = 0


# --- shared data and reference pieces (built once, only when a check runs) -----------


def transform(raw):
    """The model-ready table of the notebook: tidy columns, rows whose label is known."""
    from mlkit.datasets import penguins_raw

    table = penguins_raw.tidy(raw)
    return table.loc[table[TARGET].notna(), ["study", "individual", *FEATURES, TARGET]].reset_index(drop=True)


@lru_cache(maxsize=1)
def _ready():
    from mlkit.datasets import penguins_raw

    return transform(penguins_raw.load())


def reference_prepare(*, impute=True, unknown="ignore", categorical=True):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler()) if impute else StandardScaler()
    parts = [("numbers", numbers, NUMERIC)]
    if categorical:
        parts.append(("categories", OneHotEncoder(handle_unknown=unknown), CATEGORICAL))
    return ColumnTransformer(parts)


def reference_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(reference_prepare(), LogisticRegression(max_iter=1000))


def _folds(shuffle: bool = True):
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=FOLDS, shuffle=shuffle, random_state=SEED if shuffle else None)


def _cv_accuracy(model, shuffle: bool = True) -> float:
    from sklearn.model_selection import cross_val_score

    ready = _ready()
    return float(cross_val_score(model, ready[FEATURES], ready[TARGET], cv=_folds(shuffle), scoring="accuracy").mean())


def _quiet(function, *args, **kwargs):
    """Run a check step without letting scikit-learn warnings reach the learner's notebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _new_penguins():
    """Two penguins a production model may meet: one with a gap, one from an island never seen."""
    import numpy as np
    import pandas as pd

    ready = _ready()
    gap = ready[FEATURES].iloc[[0]].copy()
    gap["bill_length_mm"] = np.nan
    unseen = ready[FEATURES].iloc[[1]].copy()
    unseen["island"] = pd.Categorical(["Anvers"])
    return gap, unseen


# --- 1. a ColumnTransformer ------------------------------------------------------------


@EXERCISES.exercise(
    "preprocess",
    title="Prepare numeric and categorical columns with a ColumnTransformer",
    hints=(
        "A ColumnTransformer takes a list of (name, transformer, columns). The numeric columns need two steps, "
        "the categorical ones one.",
        "Chain the numeric steps with `make_pipeline(SimpleImputer(strategy=\"median\"), StandardScaler())`; "
        "encode the categories with `OneHotEncoder(handle_unknown=\"ignore\")`.",
        "`prepare = ColumnTransformer([(\"numbers\", make_pipeline(SimpleImputer(strategy=\"median\"), "
        "StandardScaler()), numeric), (\"categories\", OneHotEncoder(handle_unknown=\"ignore\"), categorical)])`",
    ),
)
def preprocess(prepare):
    import numpy as np
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    if isinstance(prepare, Pipeline):
        raise Incorrect("`prepare` is a Pipeline; this exercise asks for the ColumnTransformer alone, without a model.")
    expect_type(prepare, ColumnTransformer, name="prepare", what="a ColumnTransformer")
    ready = _ready()
    fitted = call_learner(clone(prepare).fit, ready[FEATURES])
    out = _dense(call_learner(fitted.transform, ready[FEATURES]))
    width = 4 + 3 + 3
    if out.shape[1] == len(NUMERIC):
        raise Incorrect(
            "`prepare` outputs only the four measurements: the species and island columns were dropped. "
            "Add a transformer for the categorical columns."
        )
    if out.shape[1] == 6:
        raise Incorrect("`prepare` outputs only the encoded categories: the measurements were dropped.")
    if out.shape[1] != width:
        raise Incorrect(
            f"`prepare` outputs {out.shape[1]} columns; four scaled measurements and one 0/1 column per species "
            "and island are expected. Are species and island one-hot encoded?"
        )
    names = [str(n) for n in call_learner(fitted.get_feature_names_out)]
    numeric = [i for i, n in enumerate(names) if any(n.endswith(m) for m in NUMERIC)]
    if len(numeric) != len(NUMERIC) or not _standardised(out[:, numeric]):
        raise Incorrect("the measurements in the output of `prepare` are not standardised (mean 0, standard deviation 1).")
    gappy = _with_gaps()
    try:
        refitted = call_learner(clone(prepare).fit, gappy)
    except LearnerCodeError as error:
        raise Incorrect(
            f"fitting `prepare` on a table with gaps in the measurements raised {error}; a new season may have "
            "gaps: fill them with each column's median, then scale."
        ) from None
    for column, missing, at_median in _median_pairs(gappy):
        one, other = (_dense(call_learner(refitted.transform, row)) for row in (missing, at_median))
        if np.isnan(one).any():
            break  # reported below, with a penguin the learner may meet
        if not np.allclose(one, other, rtol=1e-6, atol=1e-9):
            raise Incorrect(
                f"a gap in `{column}` is not filled with the median of that column: fitted on a table with gaps, "
                f"`prepare` turns a penguin whose {column} is missing into other numbers than the same penguin "
                "with the median value."
            )
    else:
        if not _standardised(_dense(call_learner(refitted.transform, gappy))[:, numeric]):
            raise Incorrect(
                "fitted on a table with gaps, `prepare` outputs measurements that are not standardised (mean 0, "
                "standard deviation 1), though it does on a table without gaps: the filled-in values were not "
                "scaled with the others. Fill the gaps first, then scale."
            )
    gap, unseen = _new_penguins()
    filled = _dense(call_learner(fitted.transform, gap))
    if np.isnan(filled).any():
        raise Incorrect(
            "a new penguin with a missing bill length comes out of `prepare` with a missing value, which the "
            "model cannot use. Fill gaps in the measurements before scaling."
        )
    try:
        fitted.transform(unseen)
    except ValueError:
        raise Incorrect(
            "`prepare` raises an error for a penguin from an island it never saw: one such row would stop every "
            "prediction in production. Let the encoder ignore unknown categories."
        ) from None
    return f"{width} model-ready columns; gaps are filled and unknown islands do not stop predictions."


def _dense(out):
    """A transformer's output as a float array (a sparse matrix made dense)."""
    import numpy as np

    out = out.toarray() if hasattr(out, "toarray") else out
    try:
        return np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect("the output of `prepare` holds values that are not numbers; a model needs numbers.") from None


def _standardised(columns) -> bool:
    """Each column has mean 0 and standard deviation 1 (as StandardScaler makes them)."""
    import numpy as np

    return bool(
        np.isfinite(columns).all()
        and np.allclose(columns.mean(axis=0), 0, atol=1e-6)
        and np.allclose(columns.std(axis=0), 1, atol=1e-6)
    )


@lru_cache(maxsize=1)
def _gappy_table():
    """The features of the model-ready table with gaps: about one row in seven per measurement."""
    import numpy as np

    table = _ready()[FEATURES].copy()
    for position, column in enumerate(NUMERIC):
        values = table[column].to_numpy(dtype=float, na_value=np.nan, copy=True)
        values[np.arange(len(values)) % 7 == position] = np.nan
        table[column] = values
    return table


def _with_gaps():
    return _gappy_table().copy()


def _median_pairs(gappy):
    """(column, a penguin missing it, the same penguin with the column's median) for each measurement."""
    for column in NUMERIC:
        missing = gappy.iloc[[6]].copy()  # a penguin without gaps of its own
        at_median = missing.copy()
        missing[column] = float("nan")
        at_median[column] = float(gappy[column].median())
        yield column, missing, at_median


@preprocess.wrong_answer
def preprocess_without_imputer():
    return Answer.of(reference_prepare(impute=False))


@preprocess.wrong_answer
def preprocess_strict_encoder():
    return Answer.of(reference_prepare(unknown="error"))


@preprocess.wrong_answer
def preprocess_numbers_only():
    return Answer.of(reference_prepare(categorical=False))


@preprocess.wrong_answer
def preprocess_fills_gaps_with_zero():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(SimpleImputer(strategy="constant", fill_value=0), StandardScaler())
    return Answer.of(ColumnTransformer([
        ("numbers", numbers, NUMERIC), ("categories", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL)
    ]))


@preprocess.wrong_answer
def preprocess_fills_gaps_after_scaling():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(StandardScaler(), SimpleImputer(strategy="median"))
    return Answer.of(ColumnTransformer([
        ("numbers", numbers, NUMERIC), ("categories", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL)
    ]))


# --- 2. the model pipeline, cross-validated ---------------------------------------------------


@EXERCISES.exercise(
    "model",
    title="Chain preparation and model, and cross-validate with shuffled folds",
    hints=(
        "`make_pipeline(first, second)` chains steps; the model comes last. Cross-validation then refits the "
        "preparation inside every fold.",
        "The rows are sorted by season and species: give `cross_val_score` a `StratifiedKFold(n_splits=5, "
        "shuffle=True, random_state=0)` as `cv`.",
        "`model = make_pipeline(prepare, LogisticRegression(max_iter=1000))` and "
        "`cv_accuracy = cross_val_score(model, X, y, cv=StratifiedKFold(n_splits=5, shuffle=True, "
        "random_state=0)).mean()`.",
    ),
)
def model(model, cv_accuracy):
    import numpy as np
    from sklearn.base import clone
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression

    expect_pipeline(
        model, [ColumnTransformer, LogisticRegression], name="model", labels=["a ColumnTransformer", "a logistic regression"]
    )
    value = expect_number(cv_accuracy, name="cv_accuracy")
    if not 0 <= value <= 1:
        raise Incorrect("`cv_accuracy` should be an accuracy between 0 and 1 (the mean of the fold scores).")
    shuffled = _quiet(_cv_accuracy, model, True)
    if not _near(value, shuffled, cv_accuracy):
        if _near(value, _quiet(_cv_accuracy, model, False), cv_accuracy):
            raise Incorrect(
                "`cv_accuracy` comes from folds that were not shuffled. The rows are sorted by species, so each fold "
                "holds mostly one species. Pass shuffled, stratified folds with a fixed seed."
            )
        ready = _ready()
        fitted = _quiet(call_learner, clone(model).fit, ready[FEATURES], ready[TARGET])
        predictions = np.asarray(_quiet(call_learner, fitted.predict, ready[FEATURES]))
        if _near(value, float(np.mean(predictions == np.asarray(ready[TARGET]))), cv_accuracy):
            raise Incorrect(
                "`cv_accuracy` is the accuracy on the rows the model was fitted on, which flatters it. "
                "Cross-validate instead."
            )
        refuse_rounded(value, shuffled, name="cv_accuracy")
        raise Incorrect("`cv_accuracy` is not the mean 5-fold cross-validated accuracy of `model` with the folds asked for.")
    if shuffled < 0.85:
        raise Incorrect(f"`model` reaches only {shuffled:.3f} accuracy in cross-validation; at least 0.85 is expected.")
    return f"cross-validated accuracy {shuffled:.3f}, with the preparation refitted inside every fold."


@model.wrong_answer
def model_without_preparation():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return Answer.of(make_pipeline(LogisticRegression(max_iter=1000)), 0.9)


@model.wrong_answer
def model_unshuffled_folds():
    return Answer.of(reference_model(), _quiet(_cv_accuracy, reference_model(), False))


@model.wrong_answer
def model_training_accuracy():
    ready = _ready()
    fitted = _quiet(reference_model().fit, ready[FEATURES], ready[TARGET])
    return Answer.of(reference_model(), float(fitted.score(ready[FEATURES], ready[TARGET])))


@model.secret_values
def model_secrets():
    return [f"{_quiet(_cv_accuracy, reference_model(), True):.3f}"]


# --- 3. data-quality tests ---------------------------------------------------------------------


MASS_RANGE = (2000, 7000)  # grams, both limits allowed


def _with_mass(table, *masses):
    """A copy of ``table`` whose first rows weigh ``masses`` (grams)."""
    changed = table.copy()
    for row, mass in enumerate(masses):
        changed.loc[row, "body_mass_g"] = mass
    return changed


def _bad_tables():
    """(description, table) pairs, each breaking one rule the exercise lists."""
    ready = _ready()
    kilograms = ready.copy()
    kilograms["body_mass_g"] = kilograms["body_mass_g"].astype(float) / 1000
    duplicated = ready.copy()
    duplicated = duplicated.iloc[list(range(len(ready))) + [0]].reset_index(drop=True)
    odd_sex = ready.copy()
    odd_sex["sex"] = odd_sex["sex"].astype(str)
    odd_sex.loc[5, "sex"] = "."
    no_island = ready.drop(columns=["island"])
    return [
        ("a table with body masses in kilograms", kilograms),
        (f"a table with one body mass of {MASS_RANGE[0] - 1} g", _with_mass(ready, MASS_RANGE[0] - 1)),
        (f"a table with one body mass of {MASS_RANGE[1] + 1} g", _with_mass(ready, MASS_RANGE[1] + 1)),
        ("a table with one bird listed twice in the same season", duplicated),
        ("a table with a sex recorded as '.'", odd_sex),
        ("a table without the island column", no_island),
    ]


@EXERCISES.exercise(
    "quality",
    title="Write the data-quality tests of the model-ready table",
    hints=(
        "Each rule of `mlkit.topics.data_quality` returns a list of problems; adding the lists gives all problems at once.",
        "You need `dq.has_columns`, `dq.allowed_values` (for sex), `dq.within` (for body mass) and `dq.unique` "
        "(on study and individual).",
        "`return (dq.has_columns(table, COLUMNS) + dq.allowed_values(table, \"sex\", [\"female\", \"male\"]) + "
        "dq.within(table, \"body_mass_g\", 2000, 7000) + dq.unique(table, [\"study\", \"individual\"]))`",
    ),
)
def quality(quality_problems):
    if not callable(quality_problems):
        raise Incorrect(f"`quality_problems` should be a function, but it is a {type(quality_problems).__name__}.")
    good = call_learner(quality_problems, _ready().copy())
    if good is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if not isinstance(good, list):
        raise Incorrect(f"`quality_problems` returned a {type(good).__name__}; a list of problems (strings) is expected.")
    if good:
        raise Incorrect(
            f"`quality_problems` reports {len(good)} problem(s) for the good model-ready table, e.g. {str(good[0])!r}."
        )
    at_limits = call_learner(quality_problems, _with_mass(_ready(), *MASS_RANGE))
    if not isinstance(at_limits, list):
        raise Incorrect(
            f"`quality_problems` returned a {type(at_limits).__name__}; a list of problems (strings) is expected."
        )
    if at_limits:
        raise Incorrect(
            f"`quality_problems` reports a problem for a good table in which one penguin weighs exactly "
            f"{MASS_RANGE[0]} g and another {MASS_RANGE[1]} g: the limits of the range are allowed masses."
        )
    for description, table in _bad_tables():
        try:
            found = call_learner(quality_problems, table)
        except LearnerCodeError as error:
            raise Incorrect(
                f"for {description}, `quality_problems` raised an error instead of returning the problem in its "
                "list; the batch decides what to do with the list (`dq.require`)."
            ) from None
        if not isinstance(found, list) or not found:
            raise Incorrect(f"`quality_problems` reports no problem for {description}.")
    return "it passes the good table and reports each kind of bad batch."


@quality.wrong_answer
def quality_columns_only():
    from mlkit.topics import data_quality as dq

    def quality_problems(table):
        return dq.has_columns(table, ["study", "individual", *FEATURES, TARGET])

    return Answer.of(quality_problems)


@quality.wrong_answer
def quality_without_key_test():
    from mlkit.topics import data_quality as dq

    def quality_problems(table):
        return (
            dq.has_columns(table, ["study", "individual", *FEATURES, TARGET])
            + dq.allowed_values(table, "sex", ["female", "male"])
            + dq.within(table, "body_mass_g", 2000, 7000)
        )

    return Answer.of(quality_problems)


def _quality_with_mass_range(low, high):
    from mlkit.topics import data_quality as dq

    def quality_problems(table):
        return (
            dq.has_columns(table, ["study", "individual", *FEATURES, TARGET])
            + dq.allowed_values(table, "sex", ["female", "male"])
            + dq.within(table, "body_mass_g", low, high)
            + dq.unique(table, ["study", "individual"])
        )

    return quality_problems


@quality.wrong_answer
def quality_limits_excluded():
    return Answer.of(_quality_with_mass_range(MASS_RANGE[0] + 1, MASS_RANGE[1] - 1))


@quality.wrong_answer
def quality_range_too_wide():
    return Answer.of(_quality_with_mass_range(MASS_RANGE[0] - 500, MASS_RANGE[1]))


@quality.wrong_answer
def quality_raises_instead_of_reporting():
    from mlkit.topics import data_quality as dq

    def quality_problems(table):
        dq.require(dq.within(table, "body_mass_g", 2000, 7000) + dq.unique(table, ["study", "individual"]))
        return []

    return Answer.of(quality_problems)


# --- 4. a batch job ------------------------------------------------------------------------------


def _in_key_order(table):
    """Rows sorted by bird and season: files may be read in any order."""
    return table.sort_values(["study", "individual"]).reset_index(drop=True)


def _write_seasons(folder, *, bad: bool = False):
    from mlkit.datasets import penguins_raw

    for season, table in penguins_raw.seasons().items():
        if bad and season == "PAL0910":
            table = table.assign(**{"Body Mass (g)": table["Body Mass (g)"] / 1000})
        table.to_csv(folder / f"{season}.csv", index=False)


@EXERCISES.exercise(
    "batch",
    title="Write the batch job from raw files to a Parquet table",
    hints=(
        "Chain the stages: `extract(raw_folder)`, `transform(raw)`, your `quality_problems`, then write.",
        "`dq.require(problems)` raises when the list is not empty, so nothing after it runs: call it before "
        "writing. Then write the table with the DataFrame's Parquet writer, leaving the index out, and return it.",
        "`table = transform(extract(raw_folder))`, `dq.require(quality_problems(table))`, "
        "`table.to_parquet(out_path, index=False)`, `return table`.",
    ),
)
def batch(run_batch):
    import shutil
    import tempfile
    from pathlib import Path

    import pandas as pd

    if not callable(run_batch):
        raise Incorrect(f"`run_batch` should be a function, but it is a {type(run_batch).__name__}.")
    folder = Path(tempfile.mkdtemp(prefix="mlkit-check-batch-"))
    try:
        good, bad = folder / "good", folder / "bad"
        good.mkdir()
        bad.mkdir()
        _write_seasons(good)
        _write_seasons(bad, bad=True)
        out = folder / "ready.parquet"
        result = call_learner(run_batch, good, out)
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if not out.is_file():
            raise Incorrect("`run_batch` wrote no file at `out_path`; write the table there as Parquet.")
        try:
            written = pd.read_parquet(out)
        except Exception:
            raise Incorrect("the file `run_batch` wrote is not a Parquet file; use `to_parquet`.") from None
        expected = _ready()
        if len(written) != len(expected):
            raise Incorrect(
                f"the table `run_batch` wrote has {len(written)} rows; the model-ready table has {len(expected)}. "
                "Did every season's file get read?"
            )
        if list(written.columns) != list(expected.columns) or not _in_key_order(written).equals(_in_key_order(expected)):
            raise Incorrect("the table `run_batch` wrote is not the model-ready table: use the given `transform`.")
        if not isinstance(result, pd.DataFrame) or not _in_key_order(result).equals(_in_key_order(written)):
            raise Incorrect("`run_batch` should also return the table it wrote.")
        bad_out = folder / "bad.parquet"
        try:
            run_batch(bad, bad_out)
        except NotImplementedError:
            raise NotAttempted("your function still raises NotImplementedError.") from None
        except Exception:
            pass
        else:
            raise Incorrect(
                "`run_batch` accepted a season whose body masses are in kilograms: run the quality tests and stop "
                "the batch when they find problems."
            )
        if bad_out.exists():
            raise Incorrect(
                "`run_batch` stopped on the bad batch, but only after writing it: test the table before writing."
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return "good batches are written as Parquet; a bad one stops the job before anything is written."


def _batch_function(*, test: bool = True, test_after_write: bool = False, first_file_only: bool = False):
    from pathlib import Path

    import pandas as pd

    from mlkit.topics import data_quality as dq

    def quality_problems(table):
        return dq.within(table, "body_mass_g", 2000, 7000)

    def run_batch(raw_folder, out_path):
        files = sorted(Path(raw_folder).glob("*.csv"))[: 1 if first_file_only else None]
        table = transform(pd.concat([pd.read_csv(path) for path in files], ignore_index=True))
        if test and not test_after_write:
            dq.require(quality_problems(table))
        table.to_parquet(out_path, index=False)
        if test and test_after_write:
            dq.require(quality_problems(table))
        return table

    return run_batch


@batch.wrong_answer
def batch_without_tests():
    return Answer.of(_batch_function(test=False))


@batch.wrong_answer
def batch_tests_after_writing():
    return Answer.of(_batch_function(test_after_write=True))


@batch.wrong_answer
def batch_reads_one_file():
    return Answer.of(_batch_function(first_file_only=True))


# --- 5. storage formats --------------------------------------------------------------------------

STORAGE_NEEDS = {
    "partner_spreadsheet": "csv",
    "nightly_two_columns": "parquet",
    "app_updates_rows": "sqlite",
}
STORAGE_FEEDBACK = {
    ("partner_spreadsheet", "parquet"): "Parquet keeps types, but a partner opening it in a spreadsheet program "
    "usually cannot. For exchange with people, the plainest format wins.",
    ("partner_spreadsheet", "sqlite"): "a database file is not what a spreadsheet user can open; for exchange with "
    "people the plainest format wins.",
    ("nightly_two_columns", "csv"): "a CSV must be parsed whole, every column of every row, to read two columns; "
    "which format stores each column separately?",
    ("nightly_two_columns", "sqlite"): "SQLite can select two columns, but it stores rows together and is slow "
    "to scan fifty million of them; which format stores each column separately, compressed?",
    ("app_updates_rows", "csv"): "changing one row of a CSV means rewriting the file, and two writers can "
    "corrupt it; which format updates single rows safely?",
    ("app_updates_rows", "parquet"): "Parquet files are written whole; updating single rows means rewriting "
    "them. Which format updates single rows safely?",
}


@EXERCISES.exercise(
    "storage",
    title="Choose a storage format for each need",
    hints=(
        "Think of who or what reads the data, how much of it, and whether single rows change.",
        "CSV: exchange with people. Parquet: typed, columnar, large analytical reads. SQLite: queries and "
        "safe row-by-row updates.",
        "`formats = {\"partner_spreadsheet\": \"csv\", \"nightly_two_columns\": \"parquet\", "
        "\"app_updates_rows\": \"sqlite\"}`",
    ),
)
def storage(formats):
    expect_type(formats, dict, name="formats", what="a dictionary from need to format")
    missing = [key for key in STORAGE_NEEDS if key not in formats]
    if missing:
        raise Incorrect(f"`formats` lacks the need(s) {', '.join(repr(k) for k in missing)}.")
    for key, right in STORAGE_NEEDS.items():
        choice = formats[key]
        if not isinstance(choice, str) or choice.strip().lower() not in ("csv", "parquet", "sqlite"):
            raise Incorrect(f"`formats[{key!r}]` is {choice!r}; use \"csv\", \"parquet\" or \"sqlite\".")
        choice = choice.strip().lower()
        if choice != right:
            raise Incorrect(f"`formats[{key!r}]`: {STORAGE_FEEDBACK[(key, choice)]}")
    return "each format matches who reads the data, how much of it, and how it changes."


@storage.wrong_answer
def storage_csv_for_everything():
    return Answer.of({key: "csv" for key in STORAGE_NEEDS})


@storage.wrong_answer
def storage_parquet_for_updates():
    return Answer.of({**STORAGE_NEEDS, "app_updates_rows": "parquet"})


@storage.wrong_answer
def storage_sqlite_for_scans():
    return Answer.of({**STORAGE_NEEDS, "nightly_two_columns": "sqlite"})


# --- 6. a judgement -------------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "B": "dropping the failing rows hides the problem: if a whole season is in kilograms, the model silently "
    "loses a season, and nobody learns that the delivery changed.",
    "C": "a test loosened until it passes tests nothing. The thresholds describe what is plausible for "
    "penguins; the data changed, not the penguins.",
    "D": "a model trained on broken data can still score well on equally broken data; by the time predictions "
    "go wrong, the bad table is the one everybody uses.",
}


@EXERCISES.exercise(
    "judgement",
    title="Decide what a batch does when a quality test fails",
    hints=(
        "Who needs to know that the delivery changed, and what should models read in the meantime?",
        "A failed test is information: keep it, and keep bad data away from everything downstream.",
        "Stop, keep the last good table, and report the problems so they can be fixed at the source.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="A", feedback=JUDGEMENT_FEEDBACK)
    return "stop, keep the last good table, and tell people what broke."


@judgement.wrong_answer
def judgement_drop_rows():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_loosen_tests():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_retrain_anyway():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'A'", "Option A"]

