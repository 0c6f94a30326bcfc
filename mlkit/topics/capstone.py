"""The capstone project's data and model card: sexing Palmer penguins from their measurements.

Field biologists need each bird's sex, and a blood sample is the usual way to
learn it. The capstone unit asks whether the measurements taken anyway
(bill, flipper, body mass), with the species and the island, can stand in.

:func:`load` gives the learner's part of the labelled birds and
:func:`holdout` a part that only the exercise checks use, split once with a
fixed seed, so a check can score a model on birds the learner never saw.
:func:`card_problems` tells what a model card still lacks, and
:func:`card_markdown` renders a card as Markdown text. :func:`standard_error`
and :func:`compare_with_folds` put a cross-validated or a test score in
context, for the one-standard-error rule and the final test.

Data: the Palmer penguins (Gorman, Williams & Fraser 2014, Palmer Station
LTER, CC0), through :mod:`mlkit.datasets.penguins_raw`; nothing is downloaded.

Examples
--------
>>> from mlkit.topics import capstone
>>> X, y = capstone.load()
>>> X.shape, sorted(y.unique())
((266, 6), ['female', 'male'])
>>> capstone.card_problems({"intended_use": "sexing adult penguins"})[0]
"the card lacks the field(s) 'data', 'metric', 'test_accuracy', 'limitations'"
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
"""The four body measurements, in millimetres and grams (``float64``)."""
CATEGORICAL = ["species", "island"]
"""Where the bird was measured and what it is (plain strings)."""
FEATURES = [*CATEGORICAL, *NUMERIC]
TARGET = "sex"
HOLDOUT_ROWS = 67
SEED = 2026

CARD_FIELDS = ("intended_use", "data", "metric", "test_accuracy", "limitations")
"""The fields every model card of the kit has, in the order :func:`card_markdown` shows them."""
MIN_LIMITATIONS = 2


@lru_cache(maxsize=1)
def _parts():
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import penguins_raw

    table = penguins_raw.tidy()
    table = table.loc[table[TARGET].notna()].reset_index(drop=True)
    X = table[FEATURES].astype({**{c: "float64" for c in NUMERIC}, **{c: str for c in CATEGORICAL}})
    y = table[TARGET].astype(str)
    parts = train_test_split(X, y, test_size=HOLDOUT_ROWS, stratify=y, random_state=SEED)
    return tuple(part.reset_index(drop=True) for part in parts)


def load():
    """The learner's part of the labelled penguins: features ``X`` and sex ``y``.

    Returns
    -------
    X : pandas.DataFrame
        266 rows: ``species`` and ``island`` (strings), then the four
        measurements (``float64``).
    y : pandas.Series
        ``sex``: ``"female"`` or ``"male"``.
    """
    X, _, y, _ = _parts()
    return X.copy(), y.copy()


def holdout():
    """The held-out penguins, for exercise checks only (67 rows, same columns as :func:`load`)."""
    _, X, _, y = _parts()
    return X.copy(), y.copy()


def _finite_scores(scores: Any, name: str):
    import numpy as np

    from mlkit.errors import InputError

    try:
        array = np.asarray(scores, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InputError(f"{name} should be numbers, got {scores!r}") from None
    if array.size == 0 or not np.all(np.isfinite(array)):
        raise InputError(f"{name} should be a non-empty list of finite numbers, got {scores!r}")
    return array


def standard_error(fold_scores: Any) -> float:
    """The standard error of the mean of ``fold_scores``: their standard deviation over √k.

    ``fold_scores`` holds the k scores of one model in k-fold cross-validation
    (k ≥ 2). The standard deviation is the sample one (``ddof=1``), as in the
    one-standard-error rule of Hastie, Tibshirani & Friedman (section 7.10). The
    standard deviation itself says how much *one fold* varies; the standard error,
    √k times smaller, how uncertain the *mean* of the k folds is.

    Raises :class:`mlkit.errors.InputError` for fewer than two scores or a value
    that is not a finite number.

    Examples
    --------
    >>> round(standard_error([0.8, 0.9, 0.85, 0.95]), 4)
    0.0323
    """
    from mlkit.errors import InputError

    array = _finite_scores(fold_scores, "fold_scores")
    if array.size < 2:
        raise InputError(f"a standard error needs at least two fold scores, got {array.size}")
    return float(array.std(ddof=1) / array.size**0.5)


def compare_with_folds(score: float, fold_scores: Any) -> str:
    """Where ``score`` (a test score, say) falls among a model's fold scores, in words.

    Returns ``"above all 5 fold scores (0.850 to 0.923)"``, ``"below all …"`` or
    ``"within the range of the 5 fold scores (…)"`` (a score equal to the
    highest or lowest fold is within). Scores are shown with three decimals.

    Raises :class:`mlkit.errors.InputError` when ``score`` is not a finite number
    or ``fold_scores`` is empty or holds one that is not.

    Examples
    --------
    >>> compare_with_folds(0.93, [0.85, 0.9, 0.88])
    'above all 3 fold scores (0.850 to 0.900)'
    """
    folds = _finite_scores(fold_scores, "fold_scores")
    (value,) = _finite_scores([score], "score")
    span = f"{len(folds)} fold scores ({folds.min():.3f} to {folds.max():.3f})"
    if value > folds.max():
        return f"above all {span}"
    if value < folds.min():
        return f"below all {span}"
    return f"within the range of the {span}"


def card_problems(card: Any) -> list[str]:
    """What a model card lacks, in words; an empty list when it has every field.

    A card is a dict with the fields of :data:`CARD_FIELDS`: text for
    ``intended_use``, ``data`` and ``metric``, a number between 0 and 1 for
    ``test_accuracy``, and a list of at least two texts for ``limitations``.

    Parameters
    ----------
    card:
        The model card to examine.

    Returns
    -------
    list of str
        One sentence per problem, naming the field.
    """
    import numbers

    if not isinstance(card, dict):
        return [f"a model card should be a dict of fields, but it is a {type(card).__name__}"]
    missing = [field for field in CARD_FIELDS if field not in card]
    if missing:
        return [f"the card lacks the field(s) {', '.join(repr(f) for f in missing)}"]
    problems = []
    for field in ("intended_use", "data", "metric"):
        value = card[field]
        if not isinstance(value, str) or not value.strip():
            problems.append(f"the field {field!r} should be a sentence of text, not {value!r}")
    accuracy = card["test_accuracy"]
    if isinstance(accuracy, bool) or not isinstance(accuracy, numbers.Real) or not 0 <= accuracy <= 1:
        problems.append(f"the field 'test_accuracy' should be a number between 0 and 1, not {accuracy!r}")
    limitations = card["limitations"]
    if isinstance(limitations, str) or not isinstance(limitations, (list, tuple)):
        problems.append("the field 'limitations' should be a list of sentences, one per limitation")
    else:
        written = [item for item in limitations if isinstance(item, str) and item.strip()]
        if len(written) < MIN_LIMITATIONS:
            problems.append(
                f"the field 'limitations' lists {len(written)} limitation(s) in words; "
                f"a card needs at least {MIN_LIMITATIONS}"
            )
    return problems


def card_markdown(card: dict, title: str = "Model card") -> str:
    """The card as Markdown text: a heading, then one section per field of :data:`CARD_FIELDS`.

    Raises
    ------
    mlkit.errors.InputError
        When :func:`card_problems` finds anything missing.
    """
    from mlkit.errors import InputError

    problems = card_problems(card)
    if problems:
        raise InputError("cannot render the model card: " + "; ".join(problems) + ".")
    lines = [f"### {title}", ""]
    for field in CARD_FIELDS:
        heading = field.replace("_", " ").capitalize()
        value = card[field]
        if field == "test_accuracy":
            lines.append(f"**{heading}:** {value:.3f}")
        elif field == "limitations":
            lines.append(f"**{heading}:**")
            lines += [f"- {item}" for item in value]
        else:
            lines.append(f"**{heading}:** {value}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
