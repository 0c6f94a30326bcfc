"""Finding the learners' submissions in a folder.

A submission is either a notebook directly in the folder (``alice.ipynb``:
learner ``alice``) or a folder per learner holding one notebook
(``alice/11_classification.ipynb``). A learner folder with no notebook, or a
learner named in the roster with nothing handed in, is *missing*. A folder with
several notebooks is graded with the one named like the kit's exercise notebook,
and otherwise counted invalid.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from mlkit.errors import InputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Submission:
    """One learner's hand-in: their id and notebook (``None`` when missing or ambiguous)."""

    learner: str
    notebook: Path | None
    problem: str = ""  # why there is no notebook to run
    missing: bool = False  # nothing handed in (else: something unusable was)

    @property
    def key(self) -> str:
        """A file-name-safe form of the learner id, unique per id."""
        return file_key(self.learner)


def file_key(learner: str) -> str:
    """``learner`` made safe for a file name; a short hash is added when characters were replaced."""
    safe = _UNSAFE.sub("_", learner).strip("._") or "learner"
    if safe != learner:
        safe += "-" + hashlib.sha256(learner.encode()).hexdigest()[:8]
    return safe


def _notebooks_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))


def find(folder: Path, expected_name: str = "", roster: list[str] | None = None) -> list[Submission]:
    """The submissions in ``folder``, sorted by learner id.

    Parameters
    ----------
    folder:
        The submissions folder.
    expected_name:
        File name of the kit's exercise notebook; picks the notebook in a learner
        folder holding several.
    roster:
        Learner ids expected to hand in; those with no submission are missing.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"SUBMISSIONS_DIR: {str(folder)!r} is not a folder")
    found: dict[str, Submission] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")) or path.name == "__pycache__":
            continue
        if path.is_file() and path.suffix == ".ipynb":
            found[path.stem] = Submission(path.stem, path)
        elif path.is_dir():
            notebooks = _notebooks_in(path)
            if len(notebooks) == 1:
                found[path.name] = Submission(path.name, notebooks[0])
            elif not notebooks:
                found[path.name] = Submission(path.name, None, "the learner's folder holds no notebook", missing=True)
            else:
                named = [p for p in notebooks if p.name == expected_name]
                if named:
                    found[path.name] = Submission(path.name, named[0])
                else:
                    names = ", ".join(p.name for p in notebooks)
                    found[path.name] = Submission(
                        path.name, None, f"the learner's folder holds several notebooks ({names}) and none is {expected_name}"
                    )
    for learner in roster or []:
        if learner not in found:
            found[learner] = Submission(learner, None, "nothing was handed in", missing=True)
    keys: dict[str, str] = {}
    for sub in found.values():
        if sub.key in keys:
            raise InputError(f"learners {keys[sub.key]!r} and {sub.learner!r} would share result files; rename one")
        keys[sub.key] = sub.learner
    return [found[k] for k in sorted(found)]


def read_roster(path: Path) -> list[str]:
    """Learner ids from a roster file: one per line (or the first column of a CSV); ``#`` starts a comment."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"--roster: cannot read {str(path)!r}: {error.strerror}") from None
    ids = []
    for line in text.splitlines():
        value = line.split("#", 1)[0].split(",", 1)[0].strip()
        if value and value.lower() not in {"learner", "id"}:
            ids.append(value)
    return ids


def fingerprint(path: Path) -> str:
    """The SHA-256 of a file: a rerun regrades a learner whose notebook changed."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
