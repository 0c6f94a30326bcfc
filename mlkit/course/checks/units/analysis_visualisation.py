"""Exercises of unit 12, analysis and visualisation (``solutions/12_analysis_visualisation.ipynb``).

Data: the tidy Palmer penguins of :mod:`mlkit.datasets.penguins_raw`, loaded
by the checks themselves.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
The test suite runs all three against the solution notebook.
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect
from mlkit.course.checks.kinds import as_labels, as_vector, expect_choice, expect_close, expect_number, expect_type

EXERCISES = ExerciseSet("analysis-visualisation", "Analysis and visualisation")

SPECIES = ["Adelie", "Chinstrap", "Gentoo"]
CLUSTERS = 3
SEED = 0


# --- shared data (loaded once, only when a check runs) -----------------------------


@lru_cache(maxsize=1)
def _penguins():
    from mlkit.datasets import penguins_raw

    return penguins_raw.tidy()


@lru_cache(maxsize=1)
def _measured():
    """The fully measured penguins and their standardised measurements (as the notebook makes them)."""
    from sklearn.preprocessing import StandardScaler

    from mlkit.datasets import penguins_raw

    measured = _penguins().dropna(subset=penguins_raw.MEASUREMENTS)
    raw = measured[penguins_raw.MEASUREMENTS].astype(float)
    return measured, raw.to_numpy(), StandardScaler().fit_transform(raw)


def _kmeans(data, k: int = CLUSTERS):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=SEED).fit_predict(data)


def _numbers(series, name: str):
    """The values of a learner's Series as floats (any numeric dtype), or Incorrect naming it."""
    try:
        return series.to_numpy(dtype=float, na_value=float("nan"))
    except (TypeError, ValueError):
        raise Incorrect(f"`{name}` should hold numbers, one per species.") from None


def _by_species(series):
    import pandas as pd

    values = series.groupby(_penguins()["species"], observed=True)
    return values, pd.Index(SPECIES)


# --- 1. a summary per group ------------------------------------------------------------


@EXERCISES.exercise(
    "summary",
    title="Summarise bill length per species",
    hints=(
        "One number per species: group the rows by species, then summarise the bill lengths of each group.",
        "`penguins.groupby(\"species\", observed=True)[column]` groups one column; `.median()` summarises it.",
        "`bill_medians = penguins.groupby(\"species\", observed=True)[\"bill_length_mm\"].median()`",
    ),
)
def summary(bill_medians):
    import numpy as np
    import pandas as pd

    if isinstance(bill_medians, pd.DataFrame):
        raise Incorrect("`bill_medians` is a table; one value per species (a Series) is asked for. Select one column.")
    if not isinstance(bill_medians, pd.Series):
        expect_number(bill_medians, name="bill_medians")
        raise Incorrect("`bill_medians` is a single number; one median per species is asked for.")
    bills = _penguins()["bill_length_mm"].astype(float)
    index = [str(i) for i in bill_medians.index]
    if sorted(index) != SPECIES:
        raise Incorrect(
            f"`bill_medians` is indexed by {', '.join(index[:4])}; one value per species is expected "
            "(group by `species`)."
        )
    values = pd.Series(_numbers(bill_medians, "bill_medians"), index=index).reindex(SPECIES)
    groups, _ = _by_species(bills)
    if np.allclose(values, groups.mean().reindex(SPECIES)):
        raise Incorrect("`bill_medians` holds the mean of each species; the median is asked for.")
    if not np.allclose(values, groups.median().reindex(SPECIES)):
        raise Incorrect("the values of `bill_medians` are not the median bill length of each species.")
    return "Adélie bills are clearly the shortest; Chinstrap and Gentoo are closer together."


@summary.wrong_answer
def summary_means():
    return Answer.of(_penguins().groupby("species", observed=True)["bill_length_mm"].mean())


@summary.wrong_answer
def summary_overall_median():
    return Answer.of(float(_penguins()["bill_length_mm"].median()))


@summary.wrong_answer
def summary_by_island():
    return Answer.of(_penguins().groupby("island", observed=True)["bill_length_mm"].median())


@summary.secret_values
def summary_secrets():
    medians = _penguins().groupby("species", observed=True)["bill_length_mm"].median()
    return [f"{v:.1f}" for v in medians]


# --- 2. choosing a plot ------------------------------------------------------------------

PLOT_KINDS = ("histogram", "box", "scatter", "bar", "line", "pie")
QUESTIONS = {
    "mass_spread": ("histogram", "How is body mass spread over all penguins?"),
    "mass_by_island": ("box", "Does body mass differ between the three islands?"),
    "flipper_vs_mass": ("scatter", "Do penguins with longer flippers weigh more?"),
    "count_per_island": ("bar", "How many penguins were measured on each island?"),
    "clutches_per_season": ("line", "How did the share of complete clutches change from season to season?"),
}
PLOT_FEEDBACK = {
    ("mass_spread", "box"): "a box plot shows five numbers of a distribution; it hides its shape (one peak or two).",
    ("mass_by_island", "scatter"): "a scatter plot needs two numeric variables; island is a category. Which plot "
    "compares a numeric variable between groups?",
    ("mass_by_island", "bar"): "bars of means hide how much the masses spread within each island.",
    ("mass_by_island", "histogram"): "one histogram per island works, but for three groups side by side another "
    "plot is the usual choice.",
    ("flipper_vs_mass", "line"): "a line joins points in order, which suits time; flippers and masses are two "
    "measurements of the same birds.",
    ("count_per_island", "pie"): "comparing angles is harder than comparing lengths; counts of categories are "
    "easiest to compare side by side from a common baseline.",
    ("count_per_island", "histogram"): "a histogram bins a numeric variable; island is a category.",
    ("clutches_per_season", "bar"): "bars work for a few seasons, but a change over time is read most easily "
    "from another plot.",
}


@EXERCISES.exercise(
    "plot_choice",
    title="Choose a plot for each question",
    hints=(
        "For each question, ask: how many variables, and is each one numeric, categorical or time?",
        "One numeric: histogram. Numeric by category: box. Two numerics: scatter. Counts of categories: bar. "
        "Change over time: line.",
        "The answers are, in order of the questions: histogram, box, scatter, bar, line.",
    ),
)
def plot_choice(plots):
    expect_type(plots, dict, name="plots", what="a dictionary from question key to plot kind")
    missing = [key for key in QUESTIONS if key not in plots]
    if missing:
        raise Incorrect(f"`plots` lacks the question(s) {', '.join(repr(k) for k in missing)}.")
    for key, (right, question) in QUESTIONS.items():
        choice = plots[key]
        if not isinstance(choice, str) or choice.strip().lower() not in PLOT_KINDS:
            raise Incorrect(f"`plots[{key!r}]` is {choice!r}; use one of {', '.join(PLOT_KINDS)}.")
        choice = choice.strip().lower()
        if choice == right:
            continue
        if choice == "pie":
            raise Incorrect(f"`plots[{key!r}]`: pie charts make comparisons hard; another plot answers \"{question}\" better.")
        reason = PLOT_FEEDBACK.get((key, choice), f"a {choice} plot is not the clearest answer to \"{question}\"")
        raise Incorrect(f"`plots[{key!r}]`: {reason}")
    return "each plot fits the types of the variables in its question."


def _right_plots():
    return {key: right for key, (right, _) in QUESTIONS.items()}


@plot_choice.wrong_answer
def plot_choice_scatter_for_groups():
    return Answer.of({**_right_plots(), "mass_by_island": "scatter"})


@plot_choice.wrong_answer
def plot_choice_pie_for_counts():
    return Answer.of({**_right_plots(), "count_per_island": "pie"})


@plot_choice.wrong_answer
def plot_choice_line_for_two_measurements():
    return Answer.of({**_right_plots(), "flipper_vs_mass": "line"})


# --- 3. a relationship, pooled and per group ---------------------------------------------


def _correlations(x="bill_depth_mm", y="body_mass_g"):
    penguins = _penguins()
    pooled = penguins[x].astype(float).corr(penguins[y].astype(float))
    within = penguins.groupby("species", observed=True).apply(
        lambda g: g[x].astype(float).corr(g[y].astype(float)), include_groups=False
    )
    return pooled, within


@EXERCISES.exercise(
    "relationship",
    title="Compare a pooled correlation with the correlations within species",
    hints=(
        "`Series.corr(other)` gives the correlation of two columns. Do it once for all penguins, then once per species.",
        "For the per-species values, group by species and compute the correlation inside each group, for example "
        "with `groupby(...).apply(lambda g: ...)`.",
        "`pooled_r = penguins[\"bill_depth_mm\"].corr(penguins[\"body_mass_g\"].astype(float))`; "
        "`within_r = penguins.groupby(\"species\", observed=True).apply(lambda g: g[\"bill_depth_mm\"].corr("
        "g[\"body_mass_g\"].astype(float)), include_groups=False)`.",
    ),
)
def relationship(pooled_r, within_r):
    import numpy as np
    import pandas as pd

    pooled, within = _correlations()
    value = expect_number(pooled_r, name="pooled_r")
    if abs(value) > 1:
        raise Incorrect("`pooled_r` is outside [-1, 1], so it is not a correlation; was it a covariance?")
    if np.isclose(value, -pooled):
        raise Incorrect("`pooled_r` has the wrong sign.")
    expect_close(pooled_r, pooled, name="pooled_r", rtol=1e-6)
    if not isinstance(within_r, pd.Series):
        if not isinstance(within_r, pd.DataFrame):
            expect_number(within_r, name="within_r")
            raise Incorrect("`within_r` is a single number; one correlation per species is asked for.")
        raise Incorrect("`within_r` is a table (a correlation matrix?); one number per species is asked for.")
    if sorted(str(i) for i in within_r.index) != SPECIES:
        raise Incorrect("`within_r` should have one value per species, indexed by species.")
    mine = pd.Series(_numbers(within_r, "within_r"), index=[str(i) for i in within_r.index]).reindex(SPECIES)
    if (mine.abs() > 1).any():
        raise Incorrect("some values of `within_r` are outside [-1, 1]: they are not correlations.")
    if np.allclose(mine, _correlations("bill_length_mm")[1].reindex(SPECIES)):
        raise Incorrect("`within_r` correlates bill *length* with body mass; the question is about bill depth.")
    if not np.allclose(mine, within.reindex(SPECIES)):
        raise Incorrect("the values of `within_r` are not the correlations of bill depth and body mass within each species.")
    return "pooled, the correlation is negative; within every species it is positive — Simpson's paradox again."


@relationship.wrong_answer
def relationship_covariance():
    penguins = _penguins()
    _, within = _correlations()
    return Answer.of(penguins["bill_depth_mm"].cov(penguins["body_mass_g"].astype(float)), within)


@relationship.wrong_answer
def relationship_pooled_only():
    pooled, _ = _correlations()
    return Answer.of(pooled, pooled)


@relationship.wrong_answer
def relationship_bill_length():
    pooled, _ = _correlations()
    return Answer.of(pooled, _correlations("bill_length_mm")[1])


@relationship.secret_values
def relationship_secrets():
    pooled, within = _correlations()
    return [f"{pooled:.2f}", *(f"{v:.2f}" for v in within)]


# --- 4. natural groups, and a frequent pattern ---------------------------------------------

#: Orders of a field station's supply store (synthetic, written for the exercise); the
#: exercise notebook holds the same list.
SUPPLY_ORDERS = (
    ("tent", "stove", "fuel"), ("stove", "fuel", "map"), ("rope", "map"), ("tent", "rope"),
    ("stove", "fuel"), ("radio", "batteries"), ("tent", "stove", "fuel", "map"), ("radio", "batteries", "map"),
    ("fuel",), ("tent", "map"), ("stove", "map"), ("radio", "batteries", "fuel"),
    ("rope", "tent", "stove"), ("batteries",), ("fuel", "map"), ("stove", "fuel", "rope"),
)
RULE = ("stove", "fuel")  # the rule {stove} -> {fuel}


def _shares(orders=SUPPLY_ORDERS, rule=RULE) -> tuple[float, float, float]:
    """Shares of the orders holding the rule's 'if' item, its 'then' item, and both."""
    first, then = rule
    n = len(orders)
    return (
        sum(first in o for o in orders) / n,
        sum(then in o for o in orders) / n,
        sum(first in o and then in o for o in orders) / n,
    )


def supply_rule(orders=SUPPLY_ORDERS, rule=RULE) -> tuple[float, float, float]:
    """(support, confidence, lift) of the rule ``rule[0] -> rule[1]`` in ``orders``."""
    first, then, both = _shares(orders, rule)
    return both, both / first, both / (first * then)


def _check_rule(rule_stats) -> None:
    import numpy as np

    values = as_vector(rule_stats, name="rule_stats", length=3, what="three numbers, (support, confidence, lift)")
    support, confidence, lift = values
    first, then, both = _shares()
    right = supply_rule()
    if np.isclose(support, both * len(SUPPLY_ORDERS)) and not np.isclose(support, right[0]):
        raise Incorrect("the support in `rule_stats` is a number of orders; support is a share of all the orders.")
    expect_close(support, right[0], name="the support in rule_stats", rtol=1e-6)
    if np.isclose(confidence, both / then):
        raise Incorrect(
            "the confidence in `rule_stats` is the share of fuel orders that also hold a stove: that is the rule "
            "read backwards (fuel -> stove). Confidence divides by the orders that hold the rule's 'if' item."
        )
    expect_close(confidence, right[1], name="the confidence in rule_stats", rtol=1e-6)
    if np.isclose(lift, right[1] / first):
        raise Incorrect(
            "the lift in `rule_stats` divides the confidence by the support of the 'if' item; lift compares the "
            "confidence with how common the 'then' item is on its own."
        )
    expect_close(lift, right[2], name="the lift in rule_stats", rtol=1e-6)


@EXERCISES.exercise(
    "clusters",
    title="Find three natural groups, then a frequent pattern",
    hints=(
        "k-means needs the number of groups and, because it measures distances, standardised features: use `Z`.",
        "`KMeans(n_clusters=..., n_init=10, random_state=0).fit_predict(Z)` returns one group label per penguin. "
        "`adjusted_rand_score(true_labels, cluster_labels)` compares two groupings.",
        "`clusters = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(Z)` and "
        "`agreement = adjusted_rand_score(measured[\"species\"], clusters)`. For the rule: `has = "
        "pd.crosstab(pd.Series(orders).explode().index, pd.Series(orders).explode()).astype(bool)`, then "
        "`support = (has[\"stove\"] & has[\"fuel\"]).mean()`, `confidence = support / has[\"stove\"].mean()`, "
        "`lift = confidence / has[\"fuel\"].mean()`.",
    ),
)
def clusters(clusters, agreement, rule_stats):
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    measured, unscaled, Z = _measured()
    labels = as_labels(clusters, name="clusters", length=len(measured),
                       what=f"one group label per measured penguin ({len(measured)})")
    groups = len(np.unique(labels))
    if groups != CLUSTERS:
        raise Incorrect(f"`clusters` has {groups} distinct groups; three are asked for.")
    reference = _kmeans(Z)
    if adjusted_rand_score(labels, reference) < 0.99:
        if adjusted_rand_score(labels, _kmeans(unscaled)) > 0.99:
            raise Incorrect(
                "`clusters` was computed on the unscaled measurements: body mass, in grams, dominates every "
                "distance. Cluster the standardised `Z`."
            )
        raise Incorrect("`clusters` are not the groups k-means finds in `Z` with the settings asked for.")
    value = expect_number(agreement, name="agreement")
    truth = adjusted_rand_score(measured["species"], labels)
    if np.isclose(value, np.mean(labels == measured["species"].cat.codes.to_numpy())):
        raise Incorrect(
            "`agreement` compares cluster numbers with species codes directly; cluster numbers are arbitrary. "
            "Use a score that ignores how the groups are numbered."
        )
    expect_close(agreement, truth, name="agreement", rtol=1e-6)
    _check_rule(rule_stats)
    return (
        "the three groups found without labels largely match the species, and the rule's lift says how much "
        "more often its items go together than by chance."
    )


@clusters.wrong_answer
def clusters_unscaled():
    from sklearn.metrics import adjusted_rand_score

    measured, unscaled, _ = _measured()
    labels = _kmeans(unscaled)
    return Answer.of(labels, adjusted_rand_score(measured["species"], labels), supply_rule())


@clusters.wrong_answer
def clusters_two_groups():
    from sklearn.metrics import adjusted_rand_score

    measured, _, Z = _measured()
    labels = _kmeans(Z, 2)
    return Answer.of(labels, adjusted_rand_score(measured["species"], labels), supply_rule())


@clusters.wrong_answer
def clusters_agreement_as_accuracy():
    import numpy as np

    measured, _, Z = _measured()
    labels = _kmeans(Z)
    return Answer.of(labels, float(np.mean(labels == measured["species"].cat.codes.to_numpy())), supply_rule())


def _right_clusters():
    from sklearn.metrics import adjusted_rand_score

    measured, _, Z = _measured()
    labels = _kmeans(Z)
    return labels, adjusted_rand_score(measured["species"], labels)


@clusters.wrong_answer
def clusters_rule_support_as_count():
    support, confidence, lift = supply_rule()
    return Answer.of(*_right_clusters(), (support * len(SUPPLY_ORDERS), confidence, lift))


@clusters.wrong_answer
def clusters_rule_read_backwards():
    support, _, lift = supply_rule()
    return Answer.of(*_right_clusters(), (support, support / _shares()[1], lift))


@clusters.wrong_answer
def clusters_rule_lift_over_antecedent():
    support, confidence, _ = supply_rule()
    return Answer.of(*_right_clusters(), (support, confidence, confidence / _shares()[0]))


@clusters.secret_values
def clusters_secrets():
    from sklearn.metrics import adjusted_rand_score

    measured, _, Z = _measured()
    support, confidence, lift = supply_rule()
    return [f"{adjusted_rand_score(measured['species'], _kmeans(Z)):.2f}", f"{confidence:.3f}", f"{lift:.3f}"]


# --- 5. one finding, one figure --------------------------------------------------------------

VARIABLE_TITLE_WORDS = (" vs", " versus ", " against ", "plot of", "scatter")


#: How a label may write each unit: "(g)", "[g]", "in g", "grams"; "(mm)", "[mm]", "millimetres".
_UNIT_WORDS = {"g": r"g|grams?|grammes?", "mm": r"mm|millimet(?:re|er)s?"}


def _names_unit(label: str, unit: str) -> bool:
    """Whether an axis label states ``unit``, however it is spelled or bracketed."""
    import re

    return re.search(rf"(?<![a-z])(?:{_UNIT_WORDS[unit]})(?![a-z])", label.lower()) is not None


@EXERCISES.exercise(
    "figure",
    title="Tell one finding with one figure",
    hints=(
        "The figure needs one scatter per species (so each gets its own colour), axis labels with units, and "
        "a title that is a sentence about what the reader should see.",
        "Loop over `penguins.groupby(\"species\", observed=True)` and call `ax.scatter(...)` once per group with "
        "`label=species`; then `ax.set_xlabel`, `ax.set_ylabel`, `ax.set_title`.",
        "Title example: \"Within each species, heavier penguins have deeper bills\". Labels: "
        "\"body mass (g)\" and \"bill depth (mm)\".",
    ),
)
def figure(fig):
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure

    if isinstance(fig, Axes):
        raise Incorrect("`fig` is an Axes (the plotting area); pass the Figure, the first result of `plt.subplots()`.")
    expect_type(fig, Figure, name="fig", what="a matplotlib Figure")
    if not fig.axes:
        raise Incorrect("`fig` has no axes: nothing was plotted on it.")
    ax = fig.axes[0]
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    shown = [_finite_points(c.get_offsets()) for c in scatters]
    points = sum(len(p) for p in shown)
    measured, _, _ = _measured()
    if points != len(measured):
        raise Incorrect(f"`fig` shows {points} points; the {len(measured)} measured penguins are expected, one point each.")
    if len(scatters) < len(SPECIES):
        raise Incorrect(
            "`fig` draws all penguins in one scatter, so every species has the same colour and the finding is "
            "invisible. Draw one scatter per species."
        )
    xs = [x for p in shown for x in p[:, 0]]
    if min(xs) < 1000:
        raise Incorrect("the x axis of `fig` does not show body mass in grams; put body mass on x, bill depth on y.")
    for label, axis, unit in ((ax.get_xlabel(), "x", "g"), (ax.get_ylabel(), "y", "mm")):
        if not label.strip():
            raise Incorrect(f"the {axis} axis of `fig` has no label: say what it shows and in which unit.")
        if not _names_unit(label, unit):
            raise Incorrect(f"the {axis} axis label of `fig`, {label!r}, lacks its unit ({unit}).")
    title = ax.get_title().strip()
    if not title:
        raise Incorrect("`fig` has no title: a figure for others states its finding in the title.")
    lowered = f" {title.lower()} "
    if any(word in lowered for word in VARIABLE_TITLE_WORDS) or len(title.split()) < 5:
        raise Incorrect(
            f"the title {title!r} names what is plotted; state what the reader should conclude, as a short sentence."
        )
    return "one point, one figure: a reader gets the finding from the title and sees it in the colours."


def _finite_points(offsets):
    """The plotted (x, y) pairs of a scatter, without the masked or missing ones matplotlib skips."""
    import numpy as np

    data = np.asarray(np.ma.getdata(offsets), dtype=float).reshape(-1, 2)
    keep = np.isfinite(data).all(axis=1) & ~np.ma.getmaskarray(offsets).reshape(-1, 2).any(axis=1)
    return data[keep]


def _figure(*, by_species=True, title="Within each species, heavier penguins have deeper bills", labels=True):
    from matplotlib.figure import Figure

    measured, _, _ = _measured()
    fig = Figure()
    ax = fig.subplots()
    groups = measured.groupby("species", observed=True) if by_species else [("all", measured)]
    for name, group in groups:
        ax.scatter(group["body_mass_g"].astype(float), group["bill_depth_mm"], s=10, label=name)
    if labels:
        ax.set_xlabel("body mass (g)")
        ax.set_ylabel("bill depth (mm)")
    ax.set_title(title)
    return fig


@figure.wrong_answer
def figure_one_colour():
    return Answer.of(_figure(by_species=False))


@figure.wrong_answer
def figure_title_names_variables():
    return Answer.of(_figure(title="Body mass vs bill depth"))


@figure.wrong_answer
def figure_without_axis_labels():
    return Answer.of(_figure(labels=False))


# --- 6. a judgement -----------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "the silhouette rewards compact, well-separated groups; it says nothing about how many species exist. "
    "Two groups that are easy to separate can still contain more than one kind of bird.",
    "B": "more groups always make each group tighter, yet the silhouette fell as k grew. Picking the largest k "
    "tells nothing about the data.",
    "C": "scaling was needed: without it the measurement with the largest numbers decides the distances. "
    "Scaling is not what makes the silhouette prefer two groups: unscaled, it prefers two as well.",
}


@EXERCISES.exercise(
    "judgement",
    title="Interpret what clustering found",
    hints=(
        "What does the silhouette measure: the number of kinds of bird, or how compact and separate groups are?",
        "Look at the histograms of the lesson: which two species overlap in their measurements?",
        "A clustering proposes groups; you check what they mean against what you know (labels, other variables).",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="D", feedback=JUDGEMENT_FEEDBACK)
    return "clustering proposes groups; what they mean is checked against what you know."


@judgement.wrong_answer
def judgement_two_species():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_blame_scaling():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_largest_k():
    return Answer.of("B")


@judgement.secret_values
def judgement_secrets():
    return ["'D'", "Option D"]
