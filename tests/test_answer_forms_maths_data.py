"""Right answers in other forms pass, and known wrong answers fail, in the maths and data units.

Units: linear-algebra, probability-statistics, calculus-optimisation, python-numpy, pandas and
data-collection. A check judges values, not containers: float32 for float64, a list or a tuple
for an array, a column vector for a 1-D array, 4.0 for 4, pandas dtype variants. Each test
calls the exercise's ``evaluate`` directly and is named for the kind of fault it guards against;
``mlkit exercises verify`` offers the same forms (and mutants) from the solution notebooks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlkit.course.checks import exercises
from verdicts import passed, refused

LINEAR = exercises("linear-algebra")
PROBABILITY = exercises("probability-statistics")
CALCULUS = exercises("calculus-optimisation")
NUMPY = exercises("python-numpy")
PANDAS = exercises("pandas")
COLLECTION = exercises("data-collection")


# --- linear algebra ----------------------------------------------------------------------


def test_a_projection_returned_as_a_column_vector_is_accepted():
    def project(v, onto):
        return ((v @ onto) / (onto @ onto) * onto).reshape(-1, 1)

    assert passed(LINEAR.project.evaluate(project))


def test_a_column_vector_of_weights_is_accepted():
    from sklearn.datasets import load_iris

    sizes = load_iris().data
    X, y = sizes[:, :3], sizes[:, 3]  # petal width from the three other measurements
    w = np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y, rcond=None)[0]
    assert passed(LINEAR.least_squares.evaluate(w.reshape(-1, 1)))
    assert passed(LINEAR.least_squares.evaluate(w.astype(np.float32)))
    assert passed(LINEAR.least_squares.evaluate(w.tolist()))


def test_predictions_returned_as_a_column_vector_are_accepted():
    assert passed(LINEAR.predict.evaluate(lambda X, coef, intercept: (X @ coef + intercept).reshape(-1, 1)))


def test_a_prediction_that_ignores_the_intercept_is_refused_on_uncentred_data():
    from sklearn.datasets import load_diabetes

    y_mean = load_diabetes().target.mean()  # the intercept of the diabetes model, whose columns have mean 0
    outcome = LINEAR.predict.evaluate(lambda X, coef, intercept: X @ coef + y_mean)
    assert refused(outcome, "whatever `intercept`")


# --- probability and statistics ------------------------------------------------------------


def _rolls():
    return np.random.default_rng(0).integers(1, 7, size=10_000)


@pytest.mark.parametrize(
    "form",
    [
        lambda r: r.astype(float),
        lambda r: r.tolist(),
        lambda r: tuple(r.tolist()),
        lambda r: r.reshape(-1, 1),
    ],
    ids=["integral floats", "list", "tuple", "column vector"],
)
def test_dice_rolls_in_another_container_or_as_integral_floats_are_accepted(form):
    rolls = _rolls()
    assert passed(PROBABILITY.dice.evaluate(form(rolls), np.mean(rolls == 6)))


def test_dice_rolls_with_decimals_are_refused():
    rolls = _rolls() + 0.5
    assert refused(PROBABILITY.dice.evaluate(rolls, np.mean(rolls == 6.5)), "whole numbers")


def test_a_float32_share_of_sixes_is_accepted():
    rolls = _rolls()
    assert passed(PROBABILITY.dice.evaluate(rolls, np.float32(np.mean(rolls == 6))))


def test_a_float32_maximum_likelihood_estimate_is_accepted():
    from palmerpenguins import load_penguins

    penguins = load_penguins().dropna(subset=["body_mass_g", "flipper_length_mm", "sex"])
    flippers = penguins.loc[penguins["species"] == "Adelie", "flipper_length_mm"].to_numpy(dtype=float)
    assert passed(PROBABILITY.mle.evaluate(np.float32(flippers.mean()), np.float32(flippers.std())))


def _bootstrap(low_percentile=2.5, high_percentile=97.5, draw="choice"):
    def bootstrap_ci(values, n_resamples, rng):
        if draw == "choice":
            means = [rng.choice(values, size=len(values), replace=True).mean() for _ in range(n_resamples)]
        else:  # other random numbers: indices from uniform draws
            means = [values[(rng.random(len(values)) * len(values)).astype(int)].mean() for _ in range(n_resamples)]
        low, high = np.percentile(means, [low_percentile, high_percentile])
        return float(low), float(high)

    return bootstrap_ci


def test_a_bootstrap_interval_returned_as_a_list_or_float32_is_accepted():
    solution = _bootstrap()
    assert passed(PROBABILITY.bootstrap.evaluate(lambda *args: list(solution(*args))))
    assert passed(PROBABILITY.bootstrap.evaluate(lambda *args: tuple(np.float32(v) for v in solution(*args))))


def test_a_bootstrap_drawing_other_random_numbers_is_accepted():
    assert passed(PROBABILITY.bootstrap.evaluate(_bootstrap(draw="uniform")))


@pytest.mark.parametrize("low, high", [(3.75, 97.5), (1.25, 97.5), (2.5, 96.25), (2.5, 98.75)])
def test_a_lopsided_bootstrap_interval_is_refused(low, high):
    assert refused(PROBABILITY.bootstrap.evaluate(_bootstrap(low, high)), "percentile 2.5 to percentile 97.5")


def _permutation(compare=np.greater_equal, split_offset=0, draw="rng"):
    def permutation_p_value(a, b, n_permutations, rng):
        observed = b.mean() - a.mean()
        pooled = np.concatenate([a, b])
        differences = np.empty(n_permutations)
        for i in range(n_permutations):
            shuffled = rng.permutation(pooled) if draw == "rng" else np.random.permutation(pooled)
            differences[i] = shuffled[len(a) + split_offset :].mean() - shuffled[: len(a)].mean()
        return float(np.mean(compare(np.abs(differences), abs(observed))))

    return permutation_p_value


def test_a_permutation_p_value_as_float32_is_accepted():
    solution = _permutation()
    assert passed(PROBABILITY.permutation.evaluate(solution))
    assert passed(PROBABILITY.permutation.evaluate(lambda *args: np.float32(solution(*args))))


def test_a_t_test_p_value_that_resamples_nothing_is_refused():
    from scipy import stats

    outcome = PROBABILITY.permutation.evaluate(lambda a, b, n, rng: stats.ttest_ind(a, b, equal_var=False).pvalue)
    assert refused(outcome, "whatever the seed")


def test_a_permutation_p_value_not_drawn_from_the_given_rng_is_refused():
    assert refused(PROBABILITY.permutation.evaluate(_permutation(draw="global")), "seeded alike")


def test_a_permutation_p_value_that_leaves_out_ties_is_refused():
    assert refused(PROBABILITY.permutation.evaluate(_permutation(compare=np.greater)), "strictly larger")


def test_a_permutation_whose_groups_are_split_one_off_is_refused():
    assert refused(PROBABILITY.permutation.evaluate(_permutation(split_offset=1)), "0/1 values")


# --- calculus and optimisation ----------------------------------------------------------------


def test_a_float32_central_difference_is_accepted():
    outcome = CALCULUS.central.evaluate(lambda f, x, h=1e-5: np.float32((f(x + h) - f(x - h)) / (2 * h)))
    assert passed(outcome)


def _mse_grad(X, y, w, b):
    residual = X @ w + b - y
    return 2 / len(y) * X.T @ residual, 2 / len(y) * residual.sum()


def test_a_gradient_returned_as_a_list_of_two_is_accepted():
    assert passed(CALCULUS.gradient.evaluate(lambda *args: list(_mse_grad(*args))))


def test_a_gradient_with_float32_parts_or_a_column_of_weights_is_accepted():
    def as_float32(*args):
        grad_w, grad_b = _mse_grad(*args)
        return grad_w.astype(np.float32), np.float32(grad_b)

    assert passed(CALCULUS.gradient.evaluate(as_float32))
    assert passed(CALCULUS.gradient.evaluate(lambda *args: (_mse_grad(*args)[0].reshape(-1, 1), _mse_grad(*args)[1])))


def test_a_gradient_whose_weights_ignore_the_bias_is_refused_on_uncentred_data():
    def mse_grad(X, y, w, b):
        return 2 / len(y) * X.T @ (X @ w - y), 2 / len(y) * (X @ w + b - y).sum()

    assert refused(CALCULUS.gradient.evaluate(mse_grad), "do not have mean 0", "`grad_w`")


def test_a_gradient_that_is_not_a_pair_is_refused():
    assert refused(CALCULUS.gradient.evaluate(lambda X, y, w, b: np.append(*_mse_grad(X, y, w, b))), "two things")


def _fit_gd(X, y, learning_rate, n_steps):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(n_steps):
        grad_w, grad_b = _mse_grad(X, y, w, b)
        w, b = w - learning_rate * grad_w, b - learning_rate * grad_b
    return w, b


def test_descent_returned_as_a_list_or_with_a_column_of_weights_is_accepted():
    assert passed(CALCULUS.descent.evaluate(lambda *args: list(_fit_gd(*args))))
    assert passed(CALCULUS.descent.evaluate(lambda *args: (_fit_gd(*args)[0].reshape(-1, 1), _fit_gd(*args)[1])))


# --- Python and NumPy ---------------------------------------------------------------------------


def _sevens():
    from sklearn.datasets import load_digits

    digits = load_digits()
    sevens = digits.data[digits.target == 7]
    return sevens, sevens.mean(axis=0).reshape(8, 8)


def test_sevens_and_their_average_as_lists_are_accepted():
    sevens, mean_seven = _sevens()
    assert passed(NUMPY.average_seven.evaluate(sevens.tolist(), mean_seven.tolist()))
    assert passed(NUMPY.average_seven.evaluate(sevens.astype(np.float32), mean_seven.astype(np.float32)))


def test_an_odd_value_for_the_sevens_is_refused_without_raising():
    _, mean_seven = _sevens()
    assert refused(NUMPY.average_seven.evaluate([[1.0, 2.0], [3.0]], mean_seven), "`sevens`")
    assert refused(NUMPY.average_seven.evaluate("sevens", mean_seven), "`sevens`")


def test_a_float32_standardised_array_is_accepted():
    def standardise(X):
        return ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)

    assert passed(NUMPY.standardise.evaluate(standardise))


def test_a_standardiser_transforming_to_float32_is_accepted():
    class Standardiser:
        def fit(self, X):
            self.mean_, self.scale_ = X.mean(axis=0), X.std(axis=0)
            return self

        def transform(self, X):
            return ((X - self.mean_) / self.scale_).astype(np.float32)

    assert passed(NUMPY.standardiser.evaluate(Standardiser))


# --- pandas -----------------------------------------------------------------------------------------


def _penguin_tables():
    from mlkit.datasets import penguins

    return penguins.load(), penguins.load(keys=True), penguins.blood_samples(), penguins.nests()


def _float32_columns(frame):
    return frame.astype({c: np.float32 for c in frame.columns if pd.api.types.is_float_dtype(frame[c])})


def test_float32_columns_of_a_summary_are_accepted():
    penguins, birds, blood, _ = _penguin_tables()
    summary = penguins.groupby("species")["body_mass_g"].agg(["mean", "count"])
    assert passed(PANDAS.groupby.evaluate(_float32_columns(summary)))
    assert passed(PANDAS.groupby.evaluate(summary.astype({"count": float})))
    with_blood = birds.merge(blood, on=["study", "individual"], how="left")
    assert passed(PANDAS.merge.evaluate(_float32_columns(with_blood)))
    wide = penguins.pivot_table(index="species", columns="sex", values="body_mass_g", aggfunc="mean")
    assert passed(PANDAS.reshape.evaluate(_float32_columns(wide)))


def test_laying_days_as_whole_floats_are_accepted():
    *_, nests = _penguin_tables()
    dates = nests.groupby("study")["date_egg"]
    assert passed(PANDAS.dates.evaluate((dates.max() - dates.min()).dt.days.astype(float)))


def test_repeated_row_labels_are_refused_without_raising():
    penguins, *_ = _penguin_tables()
    summary = penguins.groupby("species")["body_mass_g"].agg(["mean", "count"])
    assert refused(PANDAS.groupby.evaluate(pd.concat([summary, summary])), "repeated row labels")
    wide = penguins.pivot_table(index="species", columns="sex", values="body_mass_g", aggfunc="mean")
    assert refused(PANDAS.reshape.evaluate(pd.concat([wide, wide])), "repeated row labels")


# --- data collection ----------------------------------------------------------------------------------


def test_egg_dates_in_another_datetime_unit_are_accepted():
    from mlkit.topics.collection import raw_csv_path

    raw = pd.read_csv(raw_csv_path(), parse_dates=["Date Egg"])
    for unit in ("datetime64[us]", "datetime64[ns]", "datetime64[s]"):
        assert passed(COLLECTION.read_csv.evaluate(raw.astype({"Date Egg": unit})))


def test_egg_dates_shifted_by_a_day_are_refused():
    from mlkit.topics.collection import raw_csv_path

    raw = pd.read_csv(raw_csv_path(), parse_dates=["Date Egg"])
    raw["Date Egg"] = raw["Date Egg"] + pd.Timedelta(days=1)
    assert refused(COLLECTION.read_csv.evaluate(raw), "'Date Egg'")


def _page_table():
    import json

    from mlkit.topics.collection import recorded_page_path

    with open(recorded_page_path(), encoding="utf-8") as handle:
        return pd.json_normalize(json.load(handle)["results"])


def test_a_flattened_page_with_category_text_or_float_masses_is_accepted():
    table = _page_table()
    text = [c for c in table.columns if table[c].map(lambda v: isinstance(v, str) or v is None).all()]
    assert passed(COLLECTION.flatten.evaluate(table.astype({c: "category" for c in text})))
    whole = [c for c in table.columns if pd.api.types.is_integer_dtype(table[c])]
    assert passed(COLLECTION.flatten.evaluate(table.astype({c: float for c in whole})))


def test_a_flattened_page_with_other_masses_is_refused():
    table = _page_table()
    table["measurements.body_mass_g"] = table["measurements.body_mass_g"][::-1].to_numpy()
    assert refused(COLLECTION.flatten.evaluate(table), "body masses")


def test_validation_counts_as_integral_floats_are_accepted():
    def find_problems(table):
        mass = table["measurements.body_mass_g"]
        return {
            "duplicate_keys": float(table.duplicated(["study", "individual"]).sum()),
            "missing_body_mass": np.int64(mass.isna().sum()),
            "mass_out_of_range": float((mass.notna() & ~mass.between(2000, 7000)).sum()),
        }

    assert passed(COLLECTION.validate.evaluate(find_problems))


def test_a_validation_count_that_is_not_a_number_is_refused_without_raising():
    def find_problems(table):
        return {"duplicate_keys": table.duplicated().to_numpy(), "missing_body_mass": 0, "mass_out_of_range": 0}

    assert refused(COLLECTION.validate.evaluate(find_problems), "duplicate_keys", "whole number")


def test_an_island_summary_with_text_counts_is_refused_without_raising():
    from mlkit.topics.collection import connect

    query = (
        "SELECT b.island, COUNT(*) AS birds, AVG(m.body_mass_g) AS mean_body_mass_g, COUNT(s.individual) AS sampled "
        "FROM birds AS b JOIN measurements AS m ON m.study = b.study AND m.individual = b.individual "
        "LEFT JOIN blood_samples AS s ON s.study = b.study AND s.individual = b.individual WHERE b.study = ? "
        "GROUP BY b.island ORDER BY b.island"
    )
    with connect() as db:
        summary = pd.read_sql_query(query, db, params=("PAL0708",))
    assert passed(COLLECTION.sql.evaluate(query, summary.astype({"birds": float, "mean_body_mass_g": np.float32})))
    assert refused(COLLECTION.sql.evaluate(query, summary.astype({"birds": str}).assign(birds="many")), "hold numbers")
    assert refused(COLLECTION.sql.evaluate(query, pd.concat([summary, summary])), "one row per island")
