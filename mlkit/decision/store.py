"""Named scenarios saved in the learner's data folder, and comparing them side by side.

Each scenario is a plain scenario file, ``<user data folder>/scenarios/<name>.json``, in
the format of :mod:`mlkit.decision.scenario`, so ``mlkit decide`` reads it as it is. The
self-ratings of the five questions, when there are any, sit beside it in
``<name>.ratings.json``.

- **Names** are letters, digits, spaces, ``-``, ``_`` and ``.`` (up to 60 characters, not
  starting with ``.``); the file name is the name itself.
- **Writes are atomic**: written to a temporary file in the same folder, then linked or
  renamed into place, so a crash never leaves half a file.
- **Nothing is overwritten unless asked**: :meth:`ScenarioStore.save` refuses a name
  that exists (``overwrite=True`` replaces it); the check and the write are one step
  (a hard link fails if the name appeared meanwhile), so two kernels saving the same
  name cannot both succeed.

Examples
--------
>>> import tempfile
>>> from mlkit.decision import example_scenario
>>> store = ScenarioStore(tempfile.mkdtemp())
>>> _ = store.save("baseline", example_scenario())
>>> store.names()
['baseline']
>>> store.save("baseline", example_scenario())
Traceback (most recent call last):
...
mlkit.errors.InputError: a scenario named 'baseline' is already saved; choose another name, or replace it on purpose (overwrite=True)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mlkit.decision.inputs import Scenario
from mlkit.decision.questions import check_ratings
from mlkit.decision.scenario import from_dict, to_dict
from mlkit.errors import InputError, storage_message
from mlkit.files import write_atomic

FOLDER = "scenarios"
SUFFIX = ".json"
RATINGS_SUFFIX = ".ratings.json"
_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9 _\-.]{0,59}")


def check_name(name: object) -> str:
    """A valid scenario name, stripped; :class:`InputError` naming the problem otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"scenario name = {name!r}: give the scenario a name, e.g. 'online part-time'")
    cleaned = name.strip()
    if not _NAME.fullmatch(cleaned) or cleaned.endswith(RATINGS_SUFFIX) or cleaned.endswith("."):
        raise InputError(
            f"scenario name = {name!r}: use up to 60 letters, digits, spaces, '-', '_' or '.', not starting or ending with '.'"
        )
    return cleaned


def default_folder() -> Path:
    """``<user data folder>/scenarios``."""
    from mlkit.paths import user_data_dir

    return user_data_dir() / FOLDER


def _write_atomic(path: Path, text: str, overwrite: bool) -> None:
    if not write_atomic(path, text, overwrite=overwrite):
        raise FileExistsError(path)


@dataclass(frozen=True)
class Saved:
    """A scenario read back from the store, with its ratings."""

    name: str
    scenario: Scenario
    ratings: dict[str, int]
    path: Path


class ScenarioStore:
    """Save, list, load and delete named scenarios in one folder (default: the user's).

    Parameters
    ----------
    folder : str or Path, optional
        Where the files live; default ``<user data folder>/scenarios`` (``MLKIT_HOME`` moves it).
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()

    def path(self, name: str) -> Path:
        return self.folder / f"{check_name(name)}{SUFFIX}"

    def names(self) -> list[str]:
        """Saved names, sorted case-insensitively."""
        if not self.folder.is_dir():
            return []
        found = [
            p.name[: -len(SUFFIX)] for p in self.folder.iterdir()
            if p.name.endswith(SUFFIX) and not p.name.endswith(RATINGS_SUFFIX) and not p.name.startswith(".")
        ]
        return sorted(found, key=lambda n: (n.casefold(), n))

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def save(self, name: str, scenario: Scenario, ratings: dict | None = None, *, overwrite: bool = False) -> Path:
        """Save ``scenario`` (and ``ratings``) as ``name``; refuses an existing name unless ``overwrite``."""
        name = check_name(name)
        if not isinstance(scenario, Scenario):
            raise InputError(f"scenario = {type(scenario).__name__}: expected a mlkit.decision.Scenario")
        rated = check_ratings(ratings or {})
        path = self.path(name)
        self._check_writable(path)
        try:
            _write_atomic(path, json.dumps(to_dict(scenario), indent=2, allow_nan=False) + "\n", overwrite)
        except FileExistsError:
            if path.exists():
                raise InputError(
                    f"a scenario named {name!r} is already saved; choose another name, or replace it on purpose (overwrite=True)"
                ) from None
            raise InputError(f"{self.folder}: cannot save there (a file is in the way); choose another folder") from None
        except OSError as error:
            raise InputError(storage_message(error)) from None
        ratings_path = self.folder / f"{name}{RATINGS_SUFFIX}"
        try:
            if rated:
                _write_atomic(ratings_path, json.dumps(rated, indent=2) + "\n", overwrite=True)
            elif ratings_path.exists():
                ratings_path.unlink()
        except OSError as error:
            raise InputError(storage_message(error)) from None
        return path

    def _check_writable(self, path: Path) -> None:
        """Refuse a store folder that is a file, and a scenario path that is a folder or a device."""
        for parent in (self.folder, *self.folder.parents):
            if parent.exists():
                if not parent.is_dir():
                    raise InputError(f"{parent}: is a file, not a folder; scenarios are saved in a folder: choose another one")
                break
        if path.exists() and not path.is_file():
            raise InputError(f"{path}: not a regular file (a folder or a device is in the way); remove it or choose another name")

    def free_name(self, name: str) -> str:
        """``name`` if it is free, else ``name-2``, ``name-3``, ... : a name that saves without overwriting."""
        name = check_name(name)
        if not self.exists(name):
            return name
        number = 2
        while self.exists(f"{name[:54]}-{number}"):
            number += 1
        return f"{name[:54]}-{number}"

    def load(self, name: str) -> Saved:
        """Read and validate a saved scenario; :class:`InputError` naming the file when it is missing or damaged."""
        path = self.path(name)
        if not path.is_file():
            known = ", ".join(self.names()) or "none yet"
            raise InputError(f"no saved scenario named {name!r}; saved: {known}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            scenario = from_dict(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: not a readable scenario file ({error}); delete it or save the scenario again") from None
        except InputError as error:
            raise InputError(f"{path}: {error}") from None
        ratings_path = self.folder / f"{check_name(name)}{RATINGS_SUFFIX}"
        ratings: dict[str, int] = {}
        if ratings_path.is_file():
            try:
                ratings = check_ratings(json.loads(ratings_path.read_text(encoding="utf-8")))
            except (json.JSONDecodeError, UnicodeDecodeError, InputError):
                ratings = {}  # the ratings are a side note: a damaged file loses them, not the scenario
        return Saved(check_name(name), scenario, ratings, path)

    def delete(self, name: str) -> None:
        """Remove a saved scenario and its ratings."""
        path = self.path(name)
        if not path.is_file():
            raise InputError(f"no saved scenario named {name!r}")
        path.unlink()
        ratings_path = self.folder / f"{check_name(name)}{RATINGS_SUFFIX}"
        if ratings_path.exists():
            ratings_path.unlink()


@dataclass(frozen=True)
class Comparison:
    """Saved scenarios side by side.

    Attributes
    ----------
    names : list of str
        The scenarios, in the order asked.
    best : dict of str to str
        Each scenario's best option (highest expected NPV).
    npv : dict of str to dict of str to float
        ``npv[option][scenario]``: expected NPV, ``None`` where the scenario lacks the option.
    inputs : dict of str to dict of str to object
        The headline inputs of each scenario (age, salary, discount rate) by scenario.
    """

    names: list[str]
    best: dict[str, str]
    npv: dict[str, dict[str, float | None]]
    inputs: dict[str, dict[str, object]]

    def frame(self):
        """The NPVs as a :class:`pandas.DataFrame` (options by scenarios), with a "best option" row."""
        import pandas as pd

        rows = {o: [None if v[n] is None else round(v[n]) for n in self.names] for o, v in self.npv.items()}
        rows["best option"] = [self.best[n] for n in self.names]
        return pd.DataFrame.from_dict(rows, orient="index", columns=self.names, dtype=object)


def compare(store: ScenarioStore, names: list[str]) -> Comparison:
    """Evaluate the saved scenarios ``names`` and line up their options' expected NPVs."""
    from mlkit.decision.results import evaluate

    if not names:
        raise InputError("choose at least one saved scenario to compare")
    best, npv, inputs = {}, {}, {}
    for name in names:
        saved = store.load(name)
        evaluation = evaluate(saved.scenario)
        best[name] = evaluation.best
        for result in evaluation.options:
            npv.setdefault(result.name, {})[name] = result.npv
        s = saved.scenario
        inputs[name] = {"age": s.person.age, "salary": s.person.salary, "discount_rate": s.assumptions.discount_rate}
    for row in npv.values():
        for name in names:
            row.setdefault(name, None)
    return Comparison(list(names), best, npv, inputs)
