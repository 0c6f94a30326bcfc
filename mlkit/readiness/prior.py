"""From a readiness result to a rough prior for the decision workbook.

The decision workbook asks "programme fit: how likely am I to complete the
programme?". This module suggests a starting value from the self-assessment.
It is a **rough prior, not an estimate from data**: no study links these
scores to completion, and the person should change it when they know better.

The mapping uses the prerequisite areas' scores (0-100):

- readiness index ``R = (mean score + lowest score) / 200`` (0-1): the lowest
  area counts as much as the mean, because one weak prerequisite is enough to
  fail a core course;
- completion probability ``p = 0.40 + 0.50 × R``, so from 0.40 (every area at
  0) to 0.90 (every area at 100), rounded to two decimals;
- programme fit in words: ``good`` when ``R >= 0.70`` (p >= 0.75), ``fair``
  when ``R >= 0.40`` (p >= 0.60), else ``weak`` — the same thresholds as an
  area's levels.

When a quiz is finished the prior is saved to
``<user data folder>/readiness/latest_prior.json``, where the decision
workbook reads it with :func:`load_prior`.

Examples
--------
>>> from mlkit.readiness import load_answers, sample_answers_path, score, suggest_prior
>>> prior = suggest_prior(score(load_answers(sample_answers_path())))
>>> prior.completion_probability, prior.programme_fit
(0.58, 'weak')
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from mlkit.errors import InputError
from mlkit.files import write_atomic
from mlkit.readiness.answers import readiness_dir
from mlkit.readiness.scoring import Result

PRIOR_FILE = "latest_prior.json"
FORMAT = "mlkit-readiness-prior"
VERSION = 1
LOWEST = 0.40
SPAN = 0.50
LABEL = "rough prior from the readiness self-assessment, not an estimate from data; change it if you know better"
METHOD = "p = 0.40 + 0.50 × R, R = (mean + lowest prerequisite-area score) / 200"


@dataclass(frozen=True)
class Prior:
    """A suggested completion probability for the decision workbook, with its provenance."""

    completion_probability: float
    programme_fit: str
    readiness_index: float
    label: str = LABEL
    method: str = METHOD
    source: str = "readiness self-assessment"
    attempt: str = ""
    finished: str | None = None

    def adjusted(self, probability: float) -> Prior:
        """The same prior with a value the person chose (``source`` becomes "set by you")."""
        _check_probability(probability, "probability")
        return replace(self, completion_probability=float(probability), source="set by you")

    def option_overrides(self) -> dict[str, float]:
        """The prior as overrides for a decision option: ``{"p_complete": value}``.

        For example ``mlkit.decision.kinds.make_option("masters_online", **prior.option_overrides())``.
        """
        return {"p_complete": self.completion_probability}

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, **asdict(self)}

    def __str__(self) -> str:
        return (
            f"completion probability {self.completion_probability:.2f} (programme fit: {self.programme_fit}) — "
            f"a {self.label}"
        )


def _check_probability(value, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= 1:
        raise InputError(f"{name} must be a number from 0 to 1, got {value!r}")


def suggest_prior(result: Result, attempt: str = "") -> Prior:
    """The prior suggested by a result (see the module's docstring for the mapping)."""
    scores = [a.score for a in result.areas if a.prerequisite]
    index = (sum(scores) / len(scores) + min(scores)) / 200
    fit = "good" if index >= 0.70 else "fair" if index >= 0.40 else "weak"
    return Prior(
        completion_probability=round(LOWEST + SPAN * index, 2),
        programme_fit=fit,
        readiness_index=round(index, 4),
        attempt=attempt,
        finished=result.finished,
    )


def prior_path(folder: Path | None = None) -> Path:
    """Where the latest prior is saved (``<user data folder>/readiness/latest_prior.json``)."""
    return (Path(folder) if folder else readiness_dir()) / PRIOR_FILE


def save_prior(prior: Prior, folder: Path | None = None) -> Path:
    """Save ``prior`` atomically where :func:`load_prior` finds it; returns the path."""
    path = prior_path(folder)
    write_atomic(path, json.dumps(prior.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return path


def load_prior(folder: Path | None = None) -> Prior | None:
    """The latest saved prior, or ``None`` when no self-assessment has been finished.

    ``folder`` defaults to ``<user data folder>/readiness``. Raises
    :class:`InputError` naming the file when it is damaged.
    """
    path = prior_path(folder)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: is not valid JSON ({error}); delete it or finish the self-assessment again") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise InputError(f"{path}: expected a {FORMAT!r} file of version {VERSION}")
    fields = {k: data[k] for k in Prior.__dataclass_fields__ if k in data}
    try:
        prior = Prior(**fields)
    except TypeError:
        raise InputError(f"{path}: lacks a field; expected {', '.join(Prior.__dataclass_fields__)}") from None
    _check_probability(prior.completion_probability, f"{path}: field 'completion_probability'")
    return prior
