"""Exercises that test transfer, multiple choices that cannot be guessed, hints that teach.

- No exercise's expected answer appears in its own lesson's stored outputs: an answer copied
  from a printed lesson cell proves nothing (the exercises use other data, features or
  parameters than the lesson).
- The right letter of the multiple-choice questions is spread over A to D, and is not
  systematically the longest option.
- Hints come in three stages (a nudge, the method, the code), and the second never holds a
  line of the solution's code.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from mlkit.course import curriculum
from mlkit.course.authoring.markers import Region, split_regions
from mlkit.course.checks.registry import all_exercises

ROOT = Path(__file__).resolve().parents[1]
UNITS = {u.id: u for u in curriculum.units()}
LETTERS = "ABCD"


def _cells(path: Path) -> list[dict]:
    return json.loads((ROOT / path).read_text())["cells"]


def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def lesson_outputs(unit_id: str) -> str:
    parts = []
    for cell in _cells(UNITS[unit_id].lesson):
        for output in cell.get("outputs", []):
            parts.append(_text(output.get("text", "")))
            parts += [_text(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


def appears(secret: str, text: str) -> bool:
    """``secret`` stands in ``text`` as a value of its own (not as part of a longer number)."""
    return re.search(r"(?<![\d.])" + re.escape(secret.strip()) + r"(?![\d])", text) is not None


@pytest.mark.parametrize("exercise", [e for e in all_exercises() if e.secrets], ids=lambda e: e.id)
def test_no_exercise_answer_is_printed_in_its_own_lesson(exercise):
    text = lesson_outputs(exercise.unit)
    assert [s for s in exercise.secrets() if s.strip() and appears(s, text)] == []


def choice_exercises() -> list[tuple]:
    """(exercise, right letter) for every multiple-choice check: the letter the check passes."""
    found = []
    for exercise in all_exercises():
        passing = [letter for letter in "ABCDE" if exercise.evaluate(letter).passed]
        if len(passing) == 1:
            found.append((exercise, passing[0]))
    return found


def options_of(exercise) -> dict[str, str]:
    """The options of a multiple-choice statement: ``- **A.** text`` lines, by letter."""
    options: dict[str, str] = {}
    for cell in _cells(UNITS[exercise.unit].solutions):
        if cell["cell_type"] == "markdown" and f"ex:{exercise.name}" in cell["metadata"].get("tags", []):
            for letter, text in re.findall(r"^- \*\*([A-E])\.\*\*\s*(.+(?:\n  .+)*)", _text(cell["source"]), re.M):
                options[letter] = " ".join(text.split())
    return options


def test_every_unit_ends_with_a_multiple_choice_judgement_the_harness_can_read():
    found = choice_exercises()
    assert len(found) >= len([u for u in UNITS.values() if u.solutions and u.available]) - 1
    assert all(len(options_of(e)) >= 3 for e, _ in found)


def test_the_right_letters_are_spread_over_a_to_d():
    counts = Counter(letter for _, letter in choice_exercises())
    spread = [counts.get(letter, 0) for letter in LETTERS]
    assert max(spread) - min(spread) <= 2, dict(counts)


def test_the_right_option_is_not_systematically_the_longest():
    longest = 0
    found = choice_exercises()
    for exercise, letter in found:
        options = options_of(exercise)
        lengths = {k: len(v) for k, v in options.items()}
        if lengths[letter] == max(lengths.values()) and list(lengths.values()).count(lengths[letter]) == 1:
            longest += 1
    assert longest <= 0.4 * len(found), f"the right option is the longest in {longest} of {len(found)} questions"


def solution_lines(exercise) -> set[str]:
    lines = set()
    for cell in _cells(UNITS[exercise.unit].solutions):
        if cell["cell_type"] == "code" and f"ex:{exercise.name}" in cell["metadata"].get("tags", []):
            for segment in split_regions(_text(cell["source"]), exercise.id):
                if isinstance(segment, Region):
                    lines |= {line.strip() for line in segment.lines if len(line.strip()) > 12 and not line.strip().startswith(("#", '"""'))}
    return lines


@pytest.mark.parametrize("exercise", all_exercises(), ids=lambda e: e.id)
def test_hints_come_in_three_stages_and_the_second_holds_no_solution_code(exercise):
    assert len(exercise.hints) == 3
    assert [line for line in solution_lines(exercise) if line in exercise.hints[1]] == []
