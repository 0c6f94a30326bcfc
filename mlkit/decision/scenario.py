"""Scenarios as JSON files: read, write, and the example built from the shipped figures.

A scenario file is one JSON object::

    {"version": 1,
     "person": {"age": 28, "salary": 58260, ...},
     "assumptions": {"discount_rate": 0.03, ...},
     "options": [{"name": "Stay", "kind": "stay"}, {"name": "...", "kind": "bootcamp", ...}]}

Every key of ``person``, ``assumptions`` and each option is optional except an option's
``name``; missing keys take the defaults of :mod:`mlkit.decision.inputs` (not of the
option kind: a file says everything that differs from the plain defaults, and
``mlkit decide --example`` writes every field). Unknown keys are refused, so a typo does
not silently fall back to a default. Loading validates everything with the same messages
as building the objects in Python.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from mlkit.decision.inputs import Assumptions, Financing, Option, Person, Scenario, field_names
from mlkit.decision.kinds import make_option
from mlkit.errors import InputError

VERSION = 1


def to_dict(scenario: Scenario) -> dict:
    """The scenario as plain JSON-ready data, with the format version."""
    def plain(obj) -> dict:
        out = {}
        for f in dataclasses.fields(obj):
            item = getattr(obj, f.name)
            if dataclasses.is_dataclass(item):
                item = plain(item)
            elif isinstance(item, tuple):
                item = list(item)
            out[f.name] = item
        return out

    return {
        "version": VERSION,
        "person": plain(scenario.person),
        "assumptions": plain(scenario.assumptions),
        "options": [plain(o) for o in scenario.options],
    }


def _build(cls, data: object, where: str, **extra):
    if not isinstance(data, dict):
        raise InputError(f"{where} = {data!r}: expected a JSON object {{...}}")
    allowed = field_names(cls)
    unknown = [k for k in data if k not in allowed or k in extra]
    if unknown:
        raise InputError(f"{where}.{unknown[0]}: unknown field; allowed: {', '.join(k for k in allowed if k not in extra)}")
    try:
        return cls(**data, **extra)
    except TypeError as error:  # a required field is missing
        raise InputError(f"{where}: {error}; required: name") from None


def from_dict(data: object) -> Scenario:
    """Build and validate a scenario from JSON data (see the module docstring).

    Examples
    --------
    >>> s = from_dict({"version": 1, "person": {"age": 30}, "options": [{"name": "Stay"}]})
    >>> s.person.horizon_years
    35
    >>> from_dict({"version": 1, "options": []})
    Traceback (most recent call last):
    ...
    mlkit.errors.InputError: options = []: the list of options is empty; add at least one option (e.g. staying in the current job and one alternative)
    """
    if not isinstance(data, dict):
        raise InputError(f"scenario = {type(data).__name__}: expected a JSON object with version, person, assumptions and options")
    version = data.get("version")
    if version is None:
        raise InputError(f"version: missing; a scenario file starts with \"version\": {VERSION}")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InputError(f"version = {version!r}: expected a whole number; this mlkit reads version {VERSION}")
    if version > VERSION:
        raise InputError(f"version = {version!r}: written by a newer mlkit; this one reads version {VERSION}; update mlkit")
    unknown = [k for k in data if k not in ("version", "person", "assumptions", "options")]
    if unknown:
        raise InputError(f"{unknown[0]}: unknown top-level field; allowed: version, person, assumptions, options")
    person = _build(Person, data.get("person", {}), "person")
    assumptions = _build(Assumptions, data.get("assumptions", {}), "assumptions")
    raw_options = data.get("options")
    if not isinstance(raw_options, list):
        raise InputError(f"options = {raw_options!r}: expected a list of options, e.g. [{{\"name\": \"Stay\", \"kind\": \"stay\"}}]")
    options = []
    for index, raw in enumerate(raw_options):
        where = f"options[{index}]"
        if isinstance(raw, dict) and "financing" in raw:
            raw = {**raw, "financing": _build(Financing, raw["financing"], f"{where}.financing")}
        if isinstance(raw, dict) and isinstance(raw.get("target_salary_range"), list):
            raw = {**raw, "target_salary_range": tuple(raw["target_salary_range"])}
        options.append(_build(Option, raw, where))
    return Scenario(person, tuple(options), assumptions)


def read(path: str | Path) -> Scenario:
    """Read and validate a scenario file; errors name the file and the field.

    Raises
    ------
    InputError
        The path is missing, a folder, a device or too large; the text is not UTF-8 JSON;
        or a field is invalid.
    """
    from mlkit.decision.validation import readable_file

    path = readable_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read it ({error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to be a scenario file") from None
    try:
        return from_dict(data)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None


def write(scenario: Scenario, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write the scenario as indented JSON, atomically; returns the path.

    Raises
    ------
    InputError
        ``path`` is a folder or a device, its folder does not exist, it exists and
        ``overwrite`` is false, or the disk refuses the write.
    """
    from mlkit.decision.validation import writable_file
    from mlkit.errors import storage_message
    from mlkit.files import write_atomic

    path = writable_file(path, force=overwrite)
    try:
        if not write_atomic(path, json.dumps(to_dict(scenario), indent=2, allow_nan=False) + "\n", overwrite=overwrite):
            raise InputError(f"{path} exists; choose another path or add --force to overwrite it")
    except OSError as error:
        raise InputError(f"{path}: cannot write it ({storage_message(error)})") from None
    return path


def example_scenario() -> Scenario:
    """A scenario built from the shipped figures.

    A 28-year-old earning the all-occupations average ($58,260, BLS 2021) weighs staying,
    a Carnegie Mellon-priced in-person master's ($52,000 a year, two years, $1,000 a month
    extra housing, federal loans up to the 2026 annual limit and a private loan for the
    rest of each year's tuition and housing), an online
    part-time master's at public in-state tuition, Georgia Tech's low-cost online master's
    and a full-time bootcamp, all aiming at an ML engineer role.

    Examples
    --------
    >>> [o.kind for o in example_scenario().options]
    ['stay', 'masters_in_person', 'masters_online', 'low_cost_masters', 'bootcamp']
    """
    from mlkit.decision.figures import value

    federal = value("loan.unsub_grad.annual_limit", 2026)
    cmu_year = value("tuition.cmu_ml_masters") + 12 * value("housing.extra_per_month")
    return Scenario(
        person=Person(age=28, salary=value("salary.all_occupations"), salary_growth=value("method.wage_growth"), retirement_age=value("method.retirement_age")),
        options=(
            make_option("stay", "Stay"),
            make_option(
                "masters_in_person",
                "In-person master's (CMU-priced)",
                tuition_per_year=value("tuition.cmu_ml_masters"),
                financing=Financing(
                    federal_unsubsidised_per_year=federal,
                    private_per_year=cmu_year - federal,
                    private_rate=value("loan.private.rate"),
                    private_years=int(value("loan.private.years")),
                ),
            ),
            make_option("masters_online", "Online part-time master's"),
            make_option("low_cost_masters", "Low-cost online master's (OMSCS)"),
            make_option("bootcamp", "Full-time bootcamp"),
        ),
        assumptions=Assumptions(
            discount_rate=value("method.discount_rate"),
            tax_rate=value("method.tax_rate"),
            dropout_point=value("method.dropout_point"),
            draws=int(value("method.draws")),
            probability_concentration=value("method.probability_concentration"),
            salary_range_coverage=value("salary.range_coverage"),
        ),
    )
