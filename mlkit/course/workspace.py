"""The learner's workspace: their own copies of the start page, lessons and exercises.

Learners never work in the kit's ``notebooks/`` or ``exercises/``: those files belong
to the kit, are rebuilt by ``mlkit exercises build`` or stored executed by
``mlkit notebooks run``, and are replaced by ``git pull``; a learner's edit or a saved
output there makes the next ``git pull`` fail. :func:`work` copies them into a
workspace folder (``workspace/`` in the repository, ignored by git; ``MLKIT_WORKSPACE``
or ``dest`` move it) and from then on never writes to a learner's copy again.
``mlkit lab`` serves this folder, so the kit's own notebooks are never opened for
editing.

A copy's name says what it is: the start page keeps its name
(``00_start_here.ipynb``), a lesson becomes ``NN_slug-lesson.ipynb`` and an exercise
notebook ``NN_slug-exercises.ipynb``; solutions are never copied. Copies made before
these names (an exercise copy called ``NN_slug.ipynb``) are still recognised as the
learner's copy of that exercise notebook, and are never renamed; so are copies made before
the catalogue was renumbered (``05_python_numpy-exercises.ipynb`` for what is now unit 08): a
copy is the learner's when its name has the unit's slug and it came from the same kit folder.

Each copy records, in its notebook metadata, the sha256 of the kit file it came
from. When the kit's notebook changes later, :func:`work` notices the different
fingerprint and puts the new version *beside* the learner's copy
(``NN_slug-exercises.kit-<hash>.ipynb``), so the learner can compare and take what
they want; merging notebooks automatically would risk their work.

Relative links in a copy (``../notebooks/14_classification.ipynb``, images) are
rewritten so they work from the workspace: to the learner's copy of the linked
notebook when there is one, an image is embedded in the cell, and any other kit file
is named by its absolute path in plain text (Lab cannot open files outside the folder
it serves).

Copies run from any folder: notebooks ``import mlkit`` and load data through the
package, never by a path relative to the notebook.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlkit.errors import InputError
from mlkit.files import write_atomic

WORKSPACE_ENV = "MLKIT_WORKSPACE"
DEFAULT_FOLDER = "workspace"
HEADER_ID = "mlkit-generated"  # the generated notebook's first cell (see mlkit.course.authoring.generate)

START = "start"  # the start page, notebooks/00_start_here.ipynb
LESSON = "lesson"  # a lesson, notebooks/NN_slug.ipynb
EXERCISES = "exercises"  # an exercise notebook, exercises/NN_slug.ipynb
KINDS = (START, LESSON, EXERCISES)

COPIED = "copied"  # a new copy was made
KEPT = "kept"  # the learner's copy is there and the kit's notebook has not changed
CHANGED = "changed"  # the kit's notebook changed; its new version was put beside the copy
BESIDE = "beside"  # the kit's notebook changed; its new version was already beside the copy
UNKNOWN = "unknown"  # the copy does not say which kit version it came from

IMAGE_LIMIT = 2_000_000  # bytes: larger images are named by path instead of embedded


@dataclass(frozen=True)
class KitNotebook:
    """One of the kit's notebooks a learner gets a copy of."""

    unit: str  # catalogue unit id ("start" for the start page)
    kind: str  # one of KINDS
    path: Path  # the kit's file


@dataclass(frozen=True)
class Placement:
    """What :func:`work` did for one kit notebook."""

    unit: str
    kit: Path  # the kit's notebook
    copy: Path  # the learner's copy
    action: str  # one of COPIED, KEPT, CHANGED, BESIDE, UNKNOWN
    beside: Path | None = None  # the kit's new version, for CHANGED and BESIDE
    kind: str = EXERCISES  # one of KINDS


def workspace_dir(root: Path, dest: str | Path | None = None) -> Path:
    """The workspace folder: ``dest``, else ``$MLKIT_WORKSPACE``, else ``<root>/workspace``."""
    if dest:
        return Path(dest).expanduser()
    override = os.environ.get(WORKSPACE_ENV)
    if override:
        return Path(override).expanduser()
    return Path(root) / DEFAULT_FOLDER


def learner_name(kit_path: str | Path, kind: str) -> str:
    """The file name of the learner's copy of a kit notebook.

    Examples
    --------
    >>> learner_name("notebooks/14_classification.ipynb", LESSON)
    '14_classification-lesson.ipynb'
    >>> learner_name("exercises/14_classification.ipynb", EXERCISES)
    '14_classification-exercises.ipynb'
    >>> learner_name("notebooks/00_start_here.ipynb", START)
    '00_start_here.ipynb'
    """
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    path = Path(kit_path)
    return path.name if kind == START else f"{path.stem}-{kind}{path.suffix}"


def lesson_copy_name(kit_path: str | Path) -> str:
    """The file name of the learner's copy of a lesson, beside the start page in the workspace.

    >>> lesson_copy_name("notebooks/14_classification.ipynb")
    '14_classification-lesson.ipynb'
    """
    return learner_name(kit_path, START if Path(kit_path).name == "00_start_here.ipynb" else LESSON)


def lesson_link(kit_lesson: str | Path, folder: str | Path | None = None) -> str:
    """A relative link, from a notebook in ``folder``, to a lesson: the learner's copy when it is there.

    ``kit_lesson`` is the lesson's kit path (``notebooks/14_classification.ipynb``); ``folder``
    is where the linking notebook is (default: the current folder, which is the notebook's own
    folder in a Jupyter kernel). The link is the learner's copy (``14_classification-lesson.ipynb``)
    if it is in ``folder``, else the kit's lesson if it is there (a page of the kit itself), else
    the copy's name, which ``mlkit work`` creates.
    """
    folder = Path.cwd() if folder is None else Path(folder)
    copy, kit = lesson_copy_name(kit_lesson), Path(kit_lesson).name
    for candidate in (copy, kit):
        if (folder / candidate).is_file():
            return candidate
    return copy


def fingerprint(path: Path) -> str:
    """sha256 of a file's bytes: which version of a kit notebook a copy came from."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def kit_exercises(root: Path) -> list[tuple[str, Path]]:
    """(unit id, path) of every exercise notebook of the kit, in file order."""
    found = []
    for path in sorted((Path(root) / "exercises").glob("*.ipynb")):
        unit = _metadata(path).get("unit")
        if isinstance(unit, str) and unit:
            found.append((unit, path))
    return found


def kit_notebooks(root: Path) -> list[KitNotebook]:
    """Every kit notebook a learner gets a copy of: start page, lessons (catalogue order), exercises.

    Lessons are those the catalogue names that exist under ``root``; solutions are never listed.
    """
    from mlkit.course.curriculum import START_PAGE, units

    root = Path(root)
    found = [KitNotebook(START, START, root / START_PAGE)] if (root / START_PAGE).is_file() else []
    found += [KitNotebook(u.id, LESSON, root / u.lesson) for u in units() if u.lesson and (root / u.lesson).is_file()]
    found += [KitNotebook(unit, EXERCISES, path) for unit, path in kit_exercises(root)]
    return found


def work(root: Path, units: list[str] | None = None, dest: str | Path | None = None) -> list[Placement]:
    """Copy the kit's start page, lessons and exercise notebooks (of ``units``, default all) into the workspace.

    With ``units``, only those units' lessons and exercises are copied (not the start page).
    Never overwrites or edits a file in the workspace. Returns what happened to each
    notebook; printing is the command's job.

    Raises
    ------
    InputError
        A unit in ``units`` has no lesson or exercise notebook in the kit.
    """
    notebooks = kit_notebooks(root)
    if units:
        known = list(dict.fromkeys(nb.unit for nb in notebooks if nb.kind != START))
        unknown = [u for u in units if u not in known]
        if unknown:
            listed = ", ".join(known) if known else "none yet"
            raise InputError(f"no lesson or exercise notebook for unit(s) {', '.join(unknown)}; units with notebooks: {listed}")
        notebooks = [nb for nb in notebooks if nb.unit in units]
    folder = workspace_dir(root, dest)
    if notebooks:
        folder.mkdir(parents=True, exist_ok=True)
    links = _link_targets(Path(root), folder, notebooks)
    return [_place(Path(root), nb, folder, links) for nb in notebooks]


def copy_or_explain(root: Path, units: list[str] | None = None, dest: str | Path | None = None) -> list[Placement]:
    """:func:`work`, with a failure to write the workspace turned into an :class:`InputError` for people."""
    try:
        return work(root, units, dest)
    except OSError as error:
        where = error.filename or workspace_dir(root, dest)
        raise InputError(
            f"cannot write your copies in {where} ({error.strerror or error}); make the folder writable, "
            f"or choose another with --dest or {WORKSPACE_ENV}"
        ) from error


def _link_targets(root: Path, folder: Path, placing: list[KitNotebook]) -> dict[Path, str]:
    """Kit notebook (resolved path) -> file name of the learner's copy, for copies there or being made."""
    targets = {}
    for nb in kit_notebooks(root):
        copy = _existing_copy(root, nb, folder)
        if nb in placing or copy.exists():
            targets[nb.path.resolve()] = copy.name
    return targets


def _existing_copy(root: Path, nb: KitNotebook, folder: Path) -> Path:
    """The learner's copy of ``nb``: its present name, else a copy made under an earlier name.

    Earlier names are the ``NN_slug.ipynb`` of an exercise copy, and the names a copy got
    before the catalogue was renumbered (``05_python_numpy-exercises.ipynb`` for what is now
    unit 08): same slug, another number. Such a copy is used where it is and never renamed.
    """
    copy = folder / learner_name(nb.path, nb.kind)
    if copy.exists() or nb.kind == START:
        return copy
    earlier = _earlier_copies(root, nb, folder)
    return earlier[0] if earlier else copy


def _earlier_copies(root: Path, nb: KitNotebook, folder: Path) -> list[Path]:
    """Copies of ``nb`` in ``folder`` under an earlier name, present number first, then by name."""
    slug = _slug(nb.path.name)
    suffix = f"-{nb.kind}" if nb.kind in (LESSON, EXERCISES) else ""
    names = [rf"\d\d_{re.escape(slug)}{re.escape(suffix)}\.ipynb"]
    if nb.kind == EXERCISES:
        names.append(rf"\d\d_{re.escape(slug)}\.ipynb")
    pattern = re.compile("|".join(names))
    try:
        found = [p for p in folder.iterdir() if pattern.fullmatch(p.name) and p.is_file()]
    except OSError:
        return []
    source = nb.path.relative_to(root).as_posix()
    found = [p for p in found if _copied_from_this(_metadata(p).get("copied_from"), source)]
    return sorted(found, key=lambda p: (not p.name.startswith(nb.path.name[:3]), p.name))


def _copied_from_this(copied_from: object, source: str) -> bool:
    """Whether a copy's recorded origin is ``source``, under this or an earlier number (or not recorded)."""
    if copied_from is None:
        return True
    if not isinstance(copied_from, str):
        return False
    was, now = Path(copied_from), Path(source)
    return was.parent == now.parent and _slug(was.name) == _slug(now.name)


def _slug(name: str) -> str:
    """``"08_python_numpy.ipynb"`` -> ``"python_numpy"``: a kit notebook's name without its number."""
    stem = Path(name).stem
    return stem[3:] if re.fullmatch(r"\d\d_.+", stem) else stem


def _place(root: Path, nb: KitNotebook, folder: Path, links: dict[Path, str]) -> Placement:
    copy = _existing_copy(root, nb, folder)
    kit_hash = fingerprint(nb.path)
    source = nb.path.relative_to(root).as_posix()

    def text(note: str) -> str:
        return _learner_copy(nb.path, kit_hash, source, note, folder, links)

    if not copy.exists() and _create(copy, text(_copy_note(source, kit_hash))):
        return Placement(nb.unit, nb.path, copy, COPIED, kind=nb.kind)
    copied_from = _metadata(copy).get("kit_fingerprint")
    if not isinstance(copied_from, str):
        return Placement(nb.unit, nb.path, copy, UNKNOWN, kind=nb.kind)
    if copied_from == kit_hash:
        return Placement(nb.unit, nb.path, copy, KEPT, kind=nb.kind)
    stem = Path(learner_name(nb.path, nb.kind)).stem
    beside = folder / f"{stem}.kit-{kit_hash[:8]}{nb.path.suffix}"
    earlier = folder / f"{nb.path.stem}.kit-{kit_hash[:8]}{nb.path.suffix}"  # the earlier naming
    for already in (beside, earlier):
        if already.exists():
            return Placement(nb.unit, nb.path, copy, BESIDE, already, kind=nb.kind)
    made = _create(beside, text(_beside_note(source, kit_hash, copy.name)))
    return Placement(nb.unit, nb.path, copy, CHANGED if made else BESIDE, beside, kind=nb.kind)


def _learner_copy(kit: Path, kit_hash: str, source: str, note: str, folder: Path, links: dict[Path, str]) -> str:
    """The kit's notebook with its origin recorded, links fixed and its "do not work here" header replaced."""
    nb = json.loads(kit.read_text(encoding="utf-8"))
    mlkit_meta = nb.setdefault("metadata", {}).setdefault("mlkit", {})
    mlkit_meta.update({"copied_from": source, "kit_fingerprint": kit_hash})
    for cell in nb.get("cells", []):
        if cell.get("id") == HEADER_ID:
            cell["source"] = note
        else:
            _fix_cell_links(cell, kit.parent, links)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# [text](target) and ![alt](target), target without spaces, optional "title"; src="..." / href="..."
_MARKDOWN_LINK = re.compile(r'(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?P<title>\s+"[^"]*")?\)')
_HTML_LINK = re.compile(r'(?P<attr>\b(?:src|href))="(?P<target>[^"]+)"')
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|#|/)")


def rewrite_links(
    text: str,
    base: Path,
    links: dict[Path, str],
    attachments: dict | None = None,
    *,
    name_outside: Callable[[Path], str] | None = None,
) -> str:
    """``text`` (markdown or HTML) with its relative links made to work from the workspace.

    ``base`` is the kit folder the links are relative to; ``links`` maps a kit notebook
    (resolved path) to the file name of the learner's copy. A link to such a notebook
    points at the copy; an image is embedded into ``attachments`` (a markdown cell's
    attachments, when given) as ``attachment:<name>``; any other kit file is named by its
    absolute path in plain text, or by ``name_outside(path)`` when given (the website names
    it relative to the kit). URLs, anchors and absolute paths are left alone.
    """

    def markdown(match: re.Match) -> str:
        target = match["target"]
        new = _new_target(target, base, links, attachments if match["bang"] else None)
        if new is None:
            return match[0]
        if new.startswith("/"):  # not reachable from Lab: say where it is instead
            if name_outside is not None:
                return f"{match['text'] or target} ({name_outside(Path(new))})"
            kind = "image" if match["bang"] else "file"
            return f"{match['text'] or target} (the kit's {kind} `{new}`)"
        return f"{match['bang']}[{match['text']}]({new}{match['title'] or ''})"

    def html(match: re.Match) -> str:
        new = _new_target(match["target"], base, links, None)
        return match[0] if new is None else f'{match["attr"]}="{new}"'

    return _HTML_LINK.sub(html, _MARKDOWN_LINK.sub(markdown, text))


def _new_target(target: str, base: Path, links: dict[Path, str], attachments: dict | None) -> str | None:
    """What a relative ``target`` becomes in the workspace, or None to leave it as it is."""
    if _EXTERNAL.match(target):
        return None
    path, suffix = re.fullmatch(r"([^#?]*)(.*)", target).groups()  # suffix: "#anchor" or "?query"
    resolved = (base / path).resolve()
    if resolved in links:
        return links[resolved] + suffix
    if attachments is not None and resolved.is_file() and resolved.stat().st_size <= IMAGE_LIMIT:
        mime = mimetypes.guess_type(resolved.name)[0]
        if mime and mime.startswith("image/"):
            attachments[resolved.name] = {mime: base64.b64encode(resolved.read_bytes()).decode("ascii")}
            return f"attachment:{resolved.name}"
    return resolved.as_posix() + suffix


def _fix_cell_links(cell: dict, base: Path, links: dict[Path, str]) -> None:
    """Rewrite the relative links of a markdown cell's source and of markdown/HTML outputs, in place."""
    if cell.get("cell_type") == "markdown":
        attachments = dict(cell.get("attachments") or {})
        cell["source"] = rewrite_links(_text(cell.get("source", "")), base, links, attachments)
        if attachments:
            cell["attachments"] = attachments
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        for mime in ("text/markdown", "text/html"):
            if mime in data:
                data[mime] = rewrite_links(_text(data[mime]), base, links)


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def _copy_note(source: str, kit_hash: str) -> str:
    return (
        "> **Your own copy** of the kit's `" + source + "` (version `" + kit_hash[:8] + "`), made by `mlkit work`.\n"
        ">\n"
        "> Work here freely: the kit never changes this file. If the kit's notebook changes, `mlkit work`\n"
        "> puts the new version beside this file instead."
    )


def _beside_note(source: str, kit_hash: str, copy_name: str) -> str:
    return (
        "> **The kit's new version** of `" + source + "` (version `" + kit_hash[:8] + "`), put here by `mlkit work`\n"
        f"> beside your copy `{copy_name}`, which was not changed.\n"
        ">\n"
        "> Compare the two and carry over what you want, or continue in this file."
    )


def _create(path: Path, text: str) -> bool:
    """Write a new file atomically; False (and nothing written) when ``path`` already exists.

    Even two ``mlkit work`` runs at once cannot clobber a learner's copy or
    leave a half-written one (see :func:`mlkit.files.write_atomic`).
    """
    return write_atomic(path, text, overwrite=False)


def _metadata(path: Path) -> dict:
    """The notebook's ``mlkit`` metadata; empty when the file cannot be read as a notebook."""
    try:
        meta = json.loads(Path(path).read_text(encoding="utf-8")).get("metadata", {}).get("mlkit", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return meta if isinstance(meta, dict) else {}
