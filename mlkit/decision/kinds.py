"""Default values of each option kind, taken from the shipped figures.

An option kind is only a set of defaults for :class:`~mlkit.decision.inputs.Option`;
the cash-flow machinery is the same for all. Adding a kind means adding one entry to
:data:`DEFAULTS` (and its figures to ``decision_figures.csv``).
"""

from __future__ import annotations

from collections.abc import Callable

from mlkit.decision.figures import value
from mlkit.decision.inputs import KINDS, Option

LABELS = {
    "stay": "Stay in the current job",
    "masters_in_person": "Master's, in person, full-time",
    "masters_online": "Master's, online, part-time",
    "masters_hybrid": "Master's, hybrid",
    "low_cost_masters": "Low-cost online master's",
    "bootcamp": "Bootcamp, full-time",
    "certificate": "Online certificate",
    "self_study": "Self-study",
}


def _outcome(p_complete: str, p_land: str = "outcome.p_land_role") -> dict:
    return {
        "p_complete": value(p_complete),
        "p_land_role": value(p_land),
        "target_role": "ml_engineer",
        "job_search_months": value("outcome.job_search_months"),
    }


DEFAULTS: dict[str, Callable[[], dict]] = {
    "stay": lambda: {},
    "masters_in_person": lambda: {
        "years": value("masters.full_time.years"),
        "tuition_per_year": value("tuition.private_nonprofit"),
        "extra_housing_per_month": value("housing.extra_per_month"),
        "relocation": value("masters.relocation"),
        "income_share_while_studying": value("masters.in_person.income_share"),
        **_outcome("completion.selective_full_time"),
    },
    "masters_online": lambda: {
        "years": value("masters.part_time.years"),
        "tuition_per_year": value("tuition.public_in_state"),
        "income_share_while_studying": value("masters.part_time.income_share"),
        **_outcome("completion.national"),
    },
    "masters_hybrid": lambda: {
        "years": value("masters.full_time.years"),
        "tuition_per_year": value("tuition.public_in_state"),
        "income_share_while_studying": value("masters.hybrid.income_share"),
        **_outcome("completion.national"),
    },
    "low_cost_masters": lambda: {
        "years": value("low_cost_masters.years"),
        "tuition_per_year": round(value("low_cost_masters.omscs.total") / value("low_cost_masters.years"), 2),
        "income_share_while_studying": value("masters.part_time.income_share"),
        **_outcome("completion.national"),
    },
    "bootcamp": lambda: {
        "years": round(value("bootcamp.full_time.weeks") / 52, 4),
        "programme_price": value("bootcamp.full_time.price"),
        "income_share_while_studying": 0.0,
        **_outcome("bootcamp.p_complete", "bootcamp.p_land_role"),
    },
    "certificate": lambda: {
        "years": value("certificate.months") / 12,
        "tuition_per_year": 12 * value("certificate.monthly"),
        "income_share_while_studying": 1.0,
        **_outcome("certificate.p_complete", "certificate.p_land_role"),
    },
    "self_study": lambda: {
        "years": value("self_study.years"),
        "income_share_while_studying": 1.0,
        **_outcome("self_study.p_complete", "self_study.p_land_role"),
    },
}


def make_option(kind: str, name: str | None = None, **overrides) -> Option:
    """An :class:`Option` of ``kind`` with the shipped defaults, changed by ``overrides``.

    Examples
    --------
    >>> o = make_option("bootcamp", tuition_per_year=0.0)
    >>> o.name, o.programme_price, o.p_land_role
    ('Bootcamp, full-time', 13500.0, 0.5)
    """
    from mlkit.decision.validation import choice

    choice("option ", "kind", kind, KINDS)
    return Option(name=name or LABELS[kind], kind=kind, **{**DEFAULTS[kind](), **overrides})
