"""Does the quiz send a learner to a unit that teaches what they missed?

Every question of the bank names, as the first of its ``units``, the unit that
teaches its topic, and a ``topic_key``: a short name of that topic. The route is
right when

1. the ``topic_key`` is one of the first unit's ``topics`` in the curriculum
   catalogue (ignoring case), and
2. the lesson of that unit has a heading (a Markdown line starting ``## `` or
   ``### ``) that contains every word of the ``topic_key``.

Words are runs of letters and digits, compared in lower case, after dropping
apostrophes ("Bayes' rule" is the words ``bayes`` and ``rule``; "k-means" is
``k`` and ``means``); a heading's word also matches when it is the topic's word
plus a plural ``s`` or ``es``, or the other way round ("eigenvalue" matches
"Eigenvalues"). The words may come in any order, with other words between them.

Examples
--------
>>> heading_teaches("eigenvalues", "## 4. Eigenvalues and eigenvectors of a symmetric matrix")
True
>>> heading_teaches("bayes' theorem", "## 5. Bayes' rule")
False
>>> words("Bayes' theorem: a t-test")
('bayes', 'theorem', 'a', 't', 'test')
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mlkit.course import curriculum
from mlkit.paths import repo_root
from mlkit.readiness.bank import Bank, Question, load_bank

HEADING = re.compile(r"^#{2,3}\s+(.*)$")


def words(text: str) -> tuple[str, ...]:
    """The lower-case words (runs of letters and digits) of ``text``, apostrophes dropped."""
    return tuple(re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", "")))


def _same_word(topic_word: str, heading_word: str) -> bool:
    if topic_word == heading_word:
        return True
    short, long = sorted((topic_word, heading_word), key=len)
    return long in (short + "s", short + "es")


def heading_teaches(topic_key: str, heading: str) -> bool:
    """True when every word of ``topic_key`` is a word of ``heading`` (see the module's rules)."""
    heading_words = words(heading)
    topic_words = words(topic_key)
    return bool(topic_words) and all(any(_same_word(t, h) for h in heading_words) for t in topic_words)


def lesson_headings(path: Path) -> list[str]:
    """The ``##`` and ``###`` headings of the Markdown cells of the notebook at ``path``, in order.

    Raises ``FileNotFoundError`` when the notebook does not exist.
    """
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    headings = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        headings += [m.group(1).strip() for m in map(HEADING.match, text.splitlines()) if m]
    return headings


def route_problems(question: Question, units: list[curriculum.Unit] | None = None, root: Path | None = None) -> list[str]:
    """Why ``question``'s route is wrong (empty when its first unit's lesson teaches its topic).

    ``units`` default to the catalogue's, ``root`` to the repository (lessons are read
    from ``root / unit.lesson``). A missing topic key, a topic the unit does not list, a
    lesson that does not exist yet and a topic no heading names are each a problem.
    """
    by_id = {u.id: u for u in (units if units is not None else curriculum.units())}
    root = root or repo_root()
    if not question.units or question.units[0] not in by_id:
        return [f"{question.id}: its first unit {question.units[:1]} is not in the catalogue"]
    unit = by_id[question.units[0]]
    key = question.topic_key
    if not key:
        return [f"{question.id}: has no topic_key naming what {unit.id} teaches"]
    problems = []
    if key.lower() not in {t.lower() for t in unit.topics}:
        problems.append(f"{question.id}: topic_key {key!r} is not one of {unit.id}'s topics {list(unit.topics)}")
    lesson = Path(root) / unit.lesson if root is not None else None
    if lesson is None or not lesson.is_file():
        return problems + [f"{question.id}: the lesson {unit.lesson} of {unit.id} does not exist yet ({unit.status})"]
    headings = lesson_headings(lesson)
    if not any(heading_teaches(key, h) for h in headings):
        problems.append(f"{question.id}: no heading of {unit.lesson} contains every word of {key!r}")
    return problems


def routing_problems(bank: Bank | None = None, units: list[curriculum.Unit] | None = None, root: Path | None = None) -> list[str]:
    """The route problems of every question of ``bank`` (default: the shipped bank)."""
    bank = bank or load_bank()
    return [p for q in bank.questions for p in route_problems(q, units, root)]
