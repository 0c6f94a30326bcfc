"""The readiness question bank: its rules, and that its answers are right."""

import contextlib
import io
import sqlite3

import pytest

from mlkit.course import curriculum
from mlkit.errors import InputError
from mlkit.readiness.bank import LETTERS, load_bank, validate

AREAS = {"linear-algebra", "calculus", "probability-statistics", "python", "data-sql", "ml-concepts"}
BANK = load_bank()


def test_shipped_bank_has_no_rule_violations():
    assert validate(BANK) == []


def test_at_least_forty_questions_over_the_six_areas():
    assert len(BANK.questions) >= 40
    assert {a.id for a in BANK.areas} == AREAS
    for area in AREAS:
        mine = BANK.questions_in(area)
        assert len(mine) >= 6, area
        assert {q.difficulty for q in mine} == {1, 2, 3}, area


def test_question_ids_are_unique():
    ids = [q.id for q in BANK.questions]
    assert len(set(ids)) == len(ids)


def test_every_answer_is_valid():
    for q in BANK.questions:
        if q.kind == "choice":
            assert q.correct in LETTERS[: len(q.choices)], q.id
            assert len(set(q.choices)) == len(q.choices) >= 2, q.id
            assert q.is_correct(q.correct) and not any(q.is_correct(x) for x in q.letters if x != q.correct), q.id
        else:
            assert q.tolerance >= 0 and q.is_correct(q.answer), q.id
            assert not q.is_correct(q.answer + q.tolerance + 1), q.id
        assert not q.is_correct(None), q.id
        assert q.explanation.strip() and q.topic.strip(), q.id


def test_every_unit_exists_in_the_catalogue():
    known = {u.id for u in curriculum.units()}
    for q in BANK.questions:
        assert q.units and set(q.units) <= known, q.id
    for area in BANK.areas:
        assert area.units and set(area.units) <= known, area.id


def test_self_ratings_have_four_levels_per_dimension():
    assert [s.dimension for s in BANK.ratings] == ["experience", "comfort"]
    assert all(len(s.choices) == 4 for s in BANK.ratings)
    assert "linear algebra" in BANK.rating("experience").prompt_for(BANK.area("linear-algebra"))


def _run(question) -> str:
    if question.language == "sql":
        connection = sqlite3.connect(":memory:")
        connection.executescript(question.setup)
        rows = connection.execute(question.code).fetchall()
        return "\n".join(", ".join(str(v) for v in row) for row in rows)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(question.code, question.id, "exec"), {})
    return out.getvalue().strip()


RUNNABLE = [q for q in BANK.questions if q.runnable]


def test_many_code_questions_are_checked_by_running_them():
    assert len(RUNNABLE) >= 15
    assert {q.language for q in RUNNABLE} == {"python", "sql"}


@pytest.mark.parametrize("question", RUNNABLE, ids=lambda q: q.id)
def test_running_the_code_gives_the_right_answer(question):
    printed = _run(question)
    if question.kind == "numeric":
        assert abs(float(printed) - question.answer) <= question.tolerance
    else:
        right = question.choices[LETTERS.index(question.correct)]
        assert printed == right
        assert all(printed != c for c in question.choices if c != right)


NUMERIC_BY_HAND = {
    "la-01": 1 * 4 + 2 * -5 + 3 * 6,
    "la-03": (3**2 + 4**2) ** 0.5,
    "la-04": 2 * 3 - 1 * 4,
    "ca-01": 6 * 1 + 2,
    "ca-04": 2**2 + 3,
    "ca-06": 1 - 0.25 * 2 * (1 - 3),
    "ca-07": 2 * (2 * 2) - 1 * 1,  # det [[y, x], [1, 2y]] at (1, 2)
    "ps-01": 2 / 6,
    "ps-02": (2 + 4 + 4 + 5 + 10) / 5,
    "ps-04": 1 - 0.5 * 0.5,
    "ps-05": 2**2 * 3,
    "ps-06": 7 / 20,
    "ps-07": 0.01 * 0.9 / (0.01 * 0.9 + 0.99 * 0.05),
    "ml-05": 90 / 100,
    "ml-06": 30 / (30 + 10),
}


@pytest.mark.parametrize("qid", sorted(NUMERIC_BY_HAND))
def test_numeric_answers_match_a_computation_by_hand(qid):
    assert BANK.question(qid).is_correct(NUMERIC_BY_HAND[qid])


def test_every_numeric_question_is_checked_somewhere():
    numeric = {q.id for q in BANK.questions if q.kind == "numeric"}
    assert numeric <= set(NUMERIC_BY_HAND) | {q.id for q in RUNNABLE}


BAD_QUESTION = """
version = 1
[self_rating.experience]
prompt = "{{subject}}?"
choices = ["0", "1", "2", "3"]
[self_rating.comfort]
prompt = "{{subject}}?"
choices = ["0", "1", "2", "3"]
[[areas]]
id = "x"
title = "X"
subject = "x"
prerequisite = true
units = ["linear-algebra"]
[[questions]]
id = "x-01"
area = "x"
difficulty = 1
topic = "t"
text = "q"
explanation = "e"
units = ["linear-algebra"]
answer = 1
tolerance = 0
[[questions]]
id = "x-02"
area = "x"
difficulty = 2
topic = "t"
text = "q"
explanation = "e"
{extra}
"""


@pytest.mark.parametrize(
    "extra, message",
    [
        ('units = ["linear-algebra"]\nchoices = ["a", "b"]\ncorrect = "c"', "x-02: correct is 'c'; expected one of the choice letters a, b"),
        ('units = ["astrology"]\nanswer = 2\ntolerance = 0', "x-02: unit 'astrology' is not in the curriculum catalogue"),
        ('units = ["linear-algebra"]\nanswer = 2\ntolerance = -1', "x-02: tolerance must be a number >= 0"),
        ('units = ["linear-algebra"]\nchoices = ["a", "a"]\ncorrect = "a"', "x-02: has the same choice twice"),
        ('units = ["linear-algebra"]', "x-02: has neither choices nor a numeric answer"),
        ('units = ["linear-algebra"]\nanswr = 2', "has unknown field(s) answr"),
    ],
)
def test_a_broken_bank_is_refused_with_the_question_and_field_named(tmp_path, extra, message):
    path = tmp_path / "bank.toml"
    path.write_text(BAD_QUESTION.format(extra=extra), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_bank(path)
    assert message in str(caught.value)


def test_a_duplicate_question_id_is_refused(tmp_path):
    path = tmp_path / "bank.toml"
    text = BAD_QUESTION.format(extra='units = ["linear-algebra"]\nanswer = 2\ntolerance = 0').replace('id = "x-02"', 'id = "x-01"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="x-01: id is used twice"):
        load_bank(path)
