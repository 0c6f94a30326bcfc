"""The readiness check cannot be gamed: shuffled options, a balanced key, "I don't know" scored like
wrong, self-ratings that never lift a level, and strategies a learner might try."""

import copy
import json
import random
import re
import tomllib

import pytest

from mlkit.readiness import Answers, QuizSession, parse_response, score, suggest_prior
from mlkit.readiness.bank import LETTERS, bank_path, key_balance_problems, load_bank
from mlkit.readiness.levels import AREA_RANK
from mlkit.readiness.session import display_order, quiz_steps

BANK = load_bank()
CHOICE = [q for q in BANK.questions if q.kind == "choice"]
CONFIDENT = {a.id: {"experience": 3, "comfort": 3} for a in BANK.areas}


def chance_share(questions):
    """The expected share of right answers when guessing uniformly."""
    return sum(1 / len(q.choices) for q in questions) / len(questions)


def without_ratings(answers):
    bare = copy.deepcopy(answers)
    bare.ratings = {}
    return bare


def random_answers(rng, p_right):
    """Each question right with probability ``p_right``, else wrong, don't know or skipped."""
    answers = {}
    for q in BANK.questions:
        roll = rng.random()
        if roll < p_right:
            answers[q.id] = q.correct if q.kind == "choice" else q.answer
        elif roll < p_right + (1 - p_right) / 3:
            answers[q.id] = next(x for x in q.letters if x != q.correct) if q.kind == "choice" else q.answer + q.tolerance + 5
        elif roll < p_right + 2 * (1 - p_right) / 3:
            answers[q.id] = None
    ratings = {a.id: {"experience": rng.randrange(4), "comfort": rng.randrange(4)} for a in BANK.areas}
    return Answers(answers=answers, ratings=ratings)


# -- the order of the options -------------------------------------------------------------


def test_the_order_is_the_same_for_an_attempt_and_differs_between_attempts():
    q = BANK.question("py-01")
    assert display_order(q, "attempt-1") == display_order(q, "attempt-1")
    orders = {display_order(q, f"attempt-{i}") for i in range(40)}
    assert len(orders) > 10  # 24 orders are possible for four choices
    assert display_order(q, "") == (0, 1, 2, 3)  # no attempt: the bank's order


def test_a_resumed_attempt_shows_the_same_order(tmp_path):
    quiz = QuizSession.start(tmp_path)
    quiz.record(1)
    shown = {s.key: s.choices for s in quiz.steps if s.question is not None}
    again = QuizSession.open(tmp_path)
    assert again.answers.id == quiz.answers.id
    assert {s.key: s.choices for s in again.steps if s.question is not None} == shown
    other = QuizSession.start(tmp_path)
    assert {s.key: s.choices for s in other.steps if s.question is not None} != shown


def test_a_stored_answer_means_the_same_choice_whatever_the_order(tmp_path):
    quiz = QuizSession.start(tmp_path)
    while quiz.current.question is None or quiz.current.question.kind != "choice":
        quiz.record(0 if quiz.current.kind == "rating" else None)
    step = quiz.current
    q = step.question
    shown_letter = step.letters[step.choices.index(q.choices[LETTERS.index(q.correct)])]
    quiz.record(parse_response(step, shown_letter))
    saved = json.loads(quiz.path.read_text())
    assert saved["answers"][q.id] == q.correct  # the bank's letter, not the shown one
    assert step.shown(q.correct) == shown_letter


def test_the_widget_shows_the_attempts_order_and_saves_the_banks_letter(tmp_path):
    from mlkit.widgets.readiness import ReadinessQuiz

    app = ReadinessQuiz(folder=tmp_path)
    while app.session.current.question is None or app.session.current.question.kind != "choice":
        step = app.session.current
        if step.kind == "rating":
            app.choices.value = 0
        else:
            app.dont_know.value = True
        app.next()
    step = app.session.current
    labels = [label for label, _ in app.choices.options]
    assert labels[:-1] == [f"{letter}) {text}" for letter, text in zip(step.letters, step.choices)]
    assert labels[-1] == "I don't know"
    first_value = app.choices.options[0][1]
    app.choices.value = first_value
    app.next()
    saved = json.loads(app.session.path.read_text())
    assert saved["answers"][step.question.id] == step.stored("a") == first_value


# -- the answer key -------------------------------------------------------------------------


def test_the_key_is_spread_over_the_letters_in_the_source_file():
    raw = tomllib.loads(bank_path().read_text(encoding="utf-8"))
    keys = [row["correct"] for row in raw["questions"] if "choices" in row]
    counts = {letter: keys.count(letter) for letter in "abcd"}
    assert max(counts.values()) - min(counts.values()) <= 1, counts


@pytest.mark.parametrize("letter", list("abcd"))
def test_always_the_same_letter_scores_at_chance(letter):
    right = sum(q.correct == letter for q in CHOICE)
    assert right <= len(CHOICE) * chance_share(CHOICE) + 1


def test_always_the_first_shown_letter_scores_at_chance_over_many_attempts():
    shares = []
    for i in range(300):
        steps = [s for s in quiz_steps(BANK, attempt=f"attempt-{i}") if s.question is not None and s.choices]
        shares.append(sum(s.stored("a") == s.question.correct for s in steps) / len(steps))
    assert sum(shares) / len(shares) == pytest.approx(chance_share(CHOICE), abs=0.02)


def test_always_the_longest_or_shortest_option_scores_at_chance():
    for pick in (max, min):
        chosen = {q.id: LETTERS[pick(range(len(q.choices)), key=lambda j: len(q.choices[j]))] for q in CHOICE}
        right = sum(chosen[q.id] == q.correct for q in CHOICE)
        assert right <= len(CHOICE) * chance_share(CHOICE) + 2, pick.__name__


def test_a_bank_whose_key_is_mostly_a_is_refused():
    lopsided = [q for q in CHOICE]
    lopsided = [type(q)(**{**q.__dict__, "correct": "a"}) for q in lopsided]
    problems = key_balance_problems(lopsided)
    assert len(problems) == 1 and "right answers are 'a'" in problems[0]
    assert key_balance_problems(CHOICE) == []


# -- gaming the score ---------------------------------------------------------------------------


def always_a_skip_numbers_confident():
    return Answers(answers={q.id: "a" for q in CHOICE}, ratings=CONFIDENT)


def test_always_a_skipping_numbers_and_rating_confident_is_not_nearly_ready():
    result = score(always_a_skip_numbers_confident())
    assert result.level == "not-ready" and not result.summary.startswith("Nearly ready")
    prior = suggest_prior(result)
    assert prior.completion_probability < 0.65
    assert prior.completion_probability <= suggest_prior(score(without_ratings(always_a_skip_numbers_confident()))).completion_probability


def test_the_same_with_dont_know_for_numbers_gives_the_same_result():
    skipped = always_a_skip_numbers_confident()
    dont_know = always_a_skip_numbers_confident()
    dont_know.answers.update({q.id: None for q in BANK.questions if q.kind == "numeric"})
    a, b = score(skipped), score(dont_know)
    assert [x.score for x in a.areas] == [x.score for x in b.areas] and a.level == b.level


@pytest.mark.parametrize("seed", range(40))
def test_self_ratings_never_lift_a_score_or_a_level_above_the_answers(seed):
    rng = random.Random(seed)
    answers = random_answers(rng, p_right=rng.random())
    with_ratings, alone = score(answers), score(without_ratings(answers))
    for rated, bare in zip(with_ratings.areas, alone.areas):
        assert rated.score <= bare.score + 1e-9
        assert AREA_RANK[rated.level] <= AREA_RANK[bare.level]
    order = ("not-ready", "nearly", "ready")
    assert order.index(with_ratings.level) <= order.index(alone.level)
    assert suggest_prior(with_ratings).completion_probability <= suggest_prior(alone).completion_probability


def test_answering_only_the_basic_questions_is_not_nearly_ready():
    basics = {q.id: (q.correct if q.kind == "choice" else q.answer) for q in BANK.questions if q.difficulty == 1}
    result = score(Answers(answers=basics, ratings=CONFIDENT))
    assert result.level == "not-ready"
    assert all(a.score < 40 for a in result.areas)
    assert suggest_prior(result).completion_probability < 0.6


def test_a_finished_attempt_cannot_be_changed_after_seeing_the_result(tmp_path):
    quiz = QuizSession.start(tmp_path)
    while quiz.current is not None:
        quiz.record(0 if quiz.current.kind == "rating" else None)
    before = quiz.path.read_text()
    for change in (lambda: quiz.back(), lambda: quiz.record("a")):
        with pytest.raises(ValueError, match="finished"):
            change()
    assert quiz.path.read_text() == before
    assert QuizSession.open(tmp_path).answers.id != quiz.answers.id  # opening again starts a new attempt


def test_feedback_names_choices_by_their_text_not_by_letters_that_change_per_attempt():
    from mlkit.readiness import feedback_markdown

    answers = Answers(answers={"la-05": "a"})  # bank letter a: "Q = Qᵀ"; the right one is "QᵀQ = I"
    line = next(x for x in feedback_markdown(score(answers)).splitlines() if "la-05" in x)
    assert "you: Q = Qᵀ; right: QᵀQ = I." in line
    assert not re.search(r"\b[a-e]\) ", line)
