"""Finding the learners' submissions in a folder.

A submission is either a notebook directly in the folder (``alice.ipynb``, any
case of ``.ipynb``: learner ``alice``) or a folder per learner holding one
notebook (``alice/14_classification.ipynb``). A learner folder with no notebook,
or a learner named in the roster with nothing handed in, is *missing*. A folder
with several notebooks is graded with the one named like the kit's exercise
notebook (or like the learner's copy of it, ``14_classification-exercises.ipynb``, under this
or an earlier unit number), and otherwise counted invalid.

Every entry of the folder ends up somewhere: as a learner's submission, as a
learner's row with a problem (a symbolic link, a special file, a notebook and a
folder for the same learner), or in :attr:`FolderContents.skipped` with the reason
(known junk such as ``.ipynb_checkpoints``, a file that is not a notebook).
Names starting with ``_`` or ``.`` are learners like any other. Nothing is
followed through a symbolic link, and folders are walked with a stack, not by
recursion, to a bounded depth.

Learner ids are compared after Unicode NFC normalisation and case folding, so
``José`` typed on one machine and unzipped on a Mac (NFD), or ``Alice`` and
``alice``, are the same learner.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from mlkit.errors import InputError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

JUNK = {
    ".ipynb_checkpoints": "Jupyter's autosave copies",
    "__MACOSX": "macOS archive metadata",
    ".DS_Store": "macOS folder settings",
    "Thumbs.db": "Windows thumbnail cache",
    "desktop.ini": "Windows folder settings",
    "__pycache__": "Python's compiled-code cache",
    ".git": "a git repository's internals",
}
ROSTER_HEADERS = {"learner", "id", "username", "user", "login", "email", "e-mail", "email address", "student",
                  "sis login id", "sis user id", "id number", "idnumber", "name"}  # a first line naming the column
SEARCH_DEPTH = 8  # levels of sub-folders searched for a notebook inside a learner's folder
SEARCH_ENTRIES = 10_000  # entries looked at inside one learner's folder


@dataclass(frozen=True)
class Submission:
    """One learner's hand-in: their id and notebook (``None`` when missing or unusable)."""

    learner: str
    notebook: Path | None
    problem: str = ""  # why there is no notebook to run
    missing: bool = False  # nothing handed in (else: something unusable was)
    clash: int = 0  # > 0: the learner's key is shared with another's; their files get this number

    @property
    def key(self) -> str:
        """A file-name-safe form of the learner id, unique per id (``~N`` added for a learner in a clash)."""
        return file_key(self.learner) + (f"~{self.clash}" if self.clash else "")


@dataclass
class FolderContents:
    """What a submissions folder holds: a submission per learner, and the entries that are no one's."""

    submissions: list[Submission] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name in the folder, why it was skipped)


_HASHED = re.compile(r"-[0-9a-f]{8,}$")
KEY_HASH_DIGITS = 16  # 64 bits: no file name can be made to share another learner's key


def file_key(learner: str) -> str:
    """``learner`` made safe for a file name, unique per id.

    A hash of the id (:data:`KEY_HASH_DIGITS` hex digits) is added when
    characters were replaced, and also when the id itself ends like such a
    hash (``-`` and 8 or more hex digits), so that no learner's id is another
    learner's key: ``alice@uni.edu`` and a file named like her key get
    different keys.
    """
    safe = _UNSAFE.sub("_", learner).strip("._")[:80] or "learner"
    if safe != learner or _HASHED.search(safe):
        digest = hashlib.sha256(learner.encode("utf-8", "surrogateescape")).hexdigest()
        safe += "-" + digest[:KEY_HASH_DIGITS]
    return safe


def same_id(learner: str) -> str:
    """The form learner ids are compared in: Unicode NFC, case-folded, outer spaces removed."""
    return unicodedata.normalize("NFC", learner).casefold().strip()


def display_id(name: str) -> str:
    """A learner id made from a file name: NFC, with control and format characters written as escapes.

    ``"bob\\n"`` becomes ``"bob\\\\n"`` (a visible backslash-n); bytes that are
    not UTF-8 become ``\\xNN``. The result is safe to print and to put in a CSV cell.
    """
    text = unicodedata.normalize("NFC", name)
    out = []
    for char in text:
        if 0xDC80 <= ord(char) <= 0xDCFF:  # an undecodable byte kept by os.fsdecode
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)


def _is_notebook_name(name: str) -> bool:
    return name.lower().endswith(".ipynb") and len(name) > len(".ipynb")


def _learner_of(name: str) -> str:
    return display_id(name[: -len(".ipynb")] if _is_notebook_name(name) else name)


def _skip_reason(name: str, siblings: set[str]) -> str:
    """Why a folder entry is nobody's submission, or ``""`` when it may be one."""
    if name in JUNK:
        return f"skipped: {JUNK[name]}"
    if name.startswith("._") and name[2:] in siblings:
        return f"skipped: macOS resource data of {display_id(name[2:])!r}"
    return ""


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as error:
        raise InputError(f"SUBMISSIONS_DIR: cannot list {str(folder)!r}: {error.strerror}") from None


def _kind(entry: os.DirEntry) -> str:
    """``"link"``, ``"file"``, ``"dir"`` or ``"other"``, never following a symbolic link."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return "other"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    return "other"


def _link_problem(entry: os.DirEntry) -> str:
    try:
        target = os.readlink(entry.path)
    except OSError:
        target = "?"
    return (
        f"a symbolic link (to {display_id(target)!r}) was handed in; "
        "the grader does not follow links, hand in the notebook itself"
    )


def _notebooks_under(folder: Path) -> tuple[list[Path], list[str]]:
    """Regular ``.ipynb`` files in a learner's folder (top level first, then deeper), and what was refused.

    Walks with an explicit stack to :data:`SEARCH_DEPTH` levels and
    :data:`SEARCH_ENTRIES` entries; symbolic links are listed, never followed.
    The notebooks of the shallowest level that has any are returned.
    """
    found: dict[int, list[Path]] = {}
    refused: list[str] = []
    stack: list[tuple[Path, int]] = [(folder, 0)]
    seen = 0
    while stack and seen <= SEARCH_ENTRIES:
        here, depth = stack.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            refused.append(f"{display_id(here.name)}/ cannot be read")
            continue
        names = {e.name for e in entries}
        for entry in entries:
            seen += 1
            if seen > SEARCH_ENTRIES:
                refused.append(f"more than {SEARCH_ENTRIES} files; the rest were not searched")
                break
            if _skip_reason(entry.name, names):
                continue
            kind = _kind(entry)
            if kind == "link":
                refused.append(f"{display_id(entry.name)} is a symbolic link")
            elif kind == "file" and _is_notebook_name(entry.name):
                found.setdefault(depth, []).append(Path(entry.path))
            elif kind == "dir" and depth < SEARCH_DEPTH:
                stack.append((Path(entry.path), depth + 1))
            elif kind == "dir":
                _note(refused, f"folders deeper than {SEARCH_DEPTH} levels were not searched")
    return (sorted(found[min(found)]) if found else []), refused


def _note(notes: list[str], text: str) -> None:
    if text not in notes:
        notes.append(text)


def _folder_submission(learner: str, path: Path, expected_name: str) -> Submission:
    notebooks, refused = _notebooks_under(path)
    note = f" ({'; '.join(refused)})" if refused else ""
    if len(notebooks) == 1:
        return Submission(learner, notebooks[0])
    if not notebooks:
        if refused:
            return Submission(learner, None, f"the learner's folder holds no notebook the grader can read{note}")
        return Submission(learner, None, "the learner's folder holds no notebook", missing=True)
    named = (
        [p for p in notebooks if p.name == expected_name]
        or [p for p in notebooks if p.name.lower() == expected_name.lower()]
        or [p for p in notebooks if expected_name and _exercise_slug(p.name) == _exercise_slug(expected_name)]
    )
    if len(named) == 1:
        return Submission(learner, named[0])
    names = ", ".join(display_id(p.name) for p in notebooks[:10]) + (", …" if len(notebooks) > 10 else "")
    return Submission(learner, None, f"the learner's folder holds several notebooks ({names}) and none is {expected_name}")


def _exercise_slug(name: str) -> str:
    """The unit a notebook name stands for, whatever its number and copy suffix.

    ``14_classification.ipynb``, ``11_classification-exercises.ipynb`` (a learner's copy made
    before the catalogue was renumbered) -> ``classification``.
    """
    stem = re.sub(r"\.ipynb$", "", name, flags=re.IGNORECASE)
    stem = re.sub(r"-exercises$", "", stem, flags=re.IGNORECASE)
    return re.sub(r"^\d\d_", "", stem).casefold()


def _entry_submission(entry: os.DirEntry, expected_name: str) -> Submission:
    learner = _learner_of(entry.name)
    kind = _kind(entry)
    if kind == "link":
        return Submission(learner, None, _link_problem(entry))
    if kind == "other":
        return Submission(learner, None, "a special file (not a regular file or folder) was handed in")
    if kind == "file":
        return Submission(learner, Path(entry.path))
    return _folder_submission(learner, Path(entry.path), expected_name)


def scan(folder: Path, expected_name: str = "", roster: list[str] | None = None) -> FolderContents:
    """Everything in ``folder``: a submission per learner (sorted by id) and the entries skipped.

    Parameters
    ----------
    folder:
        The submissions folder.
    expected_name:
        File name of the kit's exercise notebook; picks the notebook in a learner
        folder holding several.
    roster:
        Learner ids expected to hand in; those with no submission are missing.
        A learner found in the folder is named as in the roster.

    Raises
    ------
    InputError
        When ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():  # the instructor's own path may go through a link; entries inside may not
        raise InputError(f"SUBMISSIONS_DIR: {str(folder)!r} is not a folder")
    contents = FolderContents()
    entries = _entries(folder)
    names = {e.name for e in entries}
    by_id: dict[str, list[tuple[os.DirEntry, Submission]]] = {}
    for entry in entries:
        reason = _skip_reason(entry.name, names)
        if reason:
            contents.skipped.append((display_id(entry.name), reason))
            continue
        kind = _kind(entry)
        if kind == "file" and not _is_notebook_name(entry.name):
            why = "not a notebook (.ipynb) or a learner's folder"
            if entry.name.lower() == ".ipynb":
                why = "a notebook file with no name before .ipynb"
            contents.skipped.append((display_id(entry.name), f"skipped: {why}"))
            continue
        sub = _entry_submission(entry, expected_name)
        by_id.setdefault(same_id(sub.learner), []).append((entry, sub))
    found = {ident: _one_per_learner(group) for ident, group in by_id.items()}
    _apply_roster(found, roster)
    _check_keys(found)
    contents.submissions = sorted(found.values(), key=lambda s: (same_id(s.learner), s.learner))
    return contents


def _one_per_learner(group: list[tuple[os.DirEntry, Submission]]) -> Submission:
    """The learner's submission; several entries for one learner are reported, none is chosen."""
    if len(group) == 1:
        return group[0][1]
    shown = ", ".join(display_id(e.name) + ("/" if e.is_dir(follow_symlinks=False) else "") for e, _ in group)
    problem = f"ambiguous: several hand-ins for this learner ({shown}); keep one and grade again"
    return Submission(group[0][1].learner, None, problem)


def _apply_roster(found: dict[str, Submission], roster: list[str] | None) -> None:
    for learner in roster or []:
        ident = same_id(learner)
        if ident not in found:
            found[ident] = Submission(learner, None, "nothing was handed in", missing=True)
        elif found[ident].learner != learner:
            sub = found[ident]
            found[ident] = Submission(learner, sub.notebook, sub.problem, sub.missing)


def _check_keys(found: dict[str, Submission]) -> None:
    """Learners whose result files would share a name become invalid rows saying so, each with files of its own.

    :func:`file_key` makes this practically impossible; should it happen, the
    run goes on and grades everyone else. ``~`` never occurs in a key, so the
    numbered keys given here are nobody else's.
    """
    by_key: dict[str, list[str]] = {}
    for ident, sub in sorted(found.items()):
        by_key.setdefault(sub.key, []).append(ident)
    for key, idents in by_key.items():
        if len(idents) < 2:
            continue
        names = ", ".join(repr(found[i].learner) for i in idents)
        problem = f"the learner ids {names} would share result files ({key}); rename the hand-ins and grade again"
        for number, ident in enumerate(idents, start=1):
            found[ident] = Submission(found[ident].learner, None, problem, clash=number)


def find(folder: Path, expected_name: str = "", roster: list[str] | None = None) -> list[Submission]:
    """The submissions in ``folder``, sorted by learner id (see :func:`scan`, which also lists what was skipped)."""
    return scan(folder, expected_name, roster).submissions


def read_roster(path: Path) -> list[str]:
    """Learner ids from a roster file: one per line (or the first column of a CSV); ``#`` starts a comment.

    The file is read as UTF-8 with or without a byte-order mark; ids are NFC
    normalised. A first line that names the column (``learner``, ``id``,
    ``username``, ``email``, ``SIS Login ID``, …: :data:`ROSTER_HEADERS`) is ignored.

    Raises
    ------
    InputError
        When the file cannot be read, is not UTF-8, or names one learner twice
        (after NFC normalisation and case folding).
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"--roster: cannot read {str(path)!r}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"--roster: {str(path)!r} is not UTF-8 text; save it as UTF-8 (CSV UTF-8)") from None
    ids: list[str] = []
    first_line: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        cells = next(csv.reader([line.split("#", 1)[0]]), [])
        value = unicodedata.normalize("NFC", cells[0].strip()) if cells else ""
        if not value or (not ids and value.casefold() in ROSTER_HEADERS):
            continue
        ident = same_id(value)
        if ident in first_line:
            line_no, earlier = first_line[ident]
            raise InputError(
                f"--roster: {earlier!r} (line {line_no}) and {value!r} (line {number}) are the same learner "
                "(ids are compared ignoring case and Unicode form); keep one"
            )
        first_line[ident] = (number, value)
        ids.append(value)
    return ids


def fingerprint(path: Path) -> str:
    """The SHA-256 of a file, read in blocks: a rerun regrades a learner whose notebook changed."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
