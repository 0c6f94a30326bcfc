"""Scoring, learning path and prior, on hand-made answer sets with expected values worked out by hand."""

import copy

import pytest

from mlkit.course import curriculum
from mlkit.readiness import (
    Answers,
    learning_path,
    load_answers,
    sample_answers_path,
    score,
    suggest_prior,
)
from mlkit.readiness.bank import load_bank
from mlkit.readiness.scoring import level_of

BANK = load_bank()
AREAS = [a.id for a in BANK.areas]


def right_answer(q):
    return q.correct if q.kind == "choice" else q.answer


def wrong_answer(q):
    return next(x for x in q.letters if x != q.correct) if q.kind == "choice" else q.answer + q.tolerance + 10


def all_right(rating=3):
    return Answers(
        answers={q.id: right_answer(q) for q in BANK.questions},
        ratings={a: {"experience": rating, "comfort": rating} for a in AREAS},
    )


def test_everything_right_with_top_ratings_scores_100_and_is_ready():
    result = score(all_right())
    assert [a.score for a in result.areas] == [100.0] * 6
    assert result.level == "ready"
    assert result.summary == "Ready for a master's core courses."
    assert result.complete and result.answered == 48
    assert learning_path(result).steps == ()


def test_everything_wrong_with_zero_ratings_scores_0():
    answers = Answers(answers={q.id: wrong_answer(q) for q in BANK.questions}, ratings={a: {"experience": 0, "comfort": 0} for a in AREAS})
    result = score(answers)
    assert [a.score for a in result.areas] == [0.0] * 6
    assert result.level == "not-ready" and result.level_words == "not ready yet"
    assert result.summary == (
        "Not ready yet: take an introductory course first in Linear algebra, Calculus, Probability and statistics, "
        "Python programming, Data handling and SQL."
    )


def test_right_answers_are_weighted_by_difficulty():
    # Linear algebra: difficulties 1,1,1,2,2,2,3,3 -> total weight 15.
    # Right: la-01 (1) and la-07 (3) -> K = 4/15; no self-rating -> score = 100 * 4/15.
    answers = Answers(answers={"la-01": 12, "la-07": "d", "la-02": "b", "la-03": None})
    area = score(answers).area("linear-algebra")
    assert area.knowledge == pytest.approx(4 / 15)
    assert area.self_rating is None
    assert area.score == pytest.approx(100 * 4 / 15)  # 26.7
    assert (area.right, area.answered, area.questions) == (2, 4, 8)
    assert area.basics == pytest.approx(1 / 3)  # la-01 right, la-02 wrong, la-03 don't know
    assert area.level == "course"


def test_a_low_self_rating_counts_for_one_fifth():
    # Calculus all right (K = 1), experience 0 and comfort 3 -> S = 3/6 -> 100*(0.8 + 0.2*0.5) = 90.
    answers = Answers(
        answers={q.id: right_answer(q) for q in BANK.questions_in("calculus")},
        ratings={"calculus": {"experience": 0, "comfort": 3}},
    )
    area = score(answers).area("calculus")
    assert area.self_rating == pytest.approx(0.5)
    assert area.score == pytest.approx(90.0)
    # Only one rating given: S = 2/3 -> 100*(0.8 + 0.2*2/3) = 93.33
    answers.ratings["calculus"] = {"comfort": 2}
    assert score(answers).area("calculus").score == pytest.approx(80 + 40 / 3)


def test_a_high_self_rating_never_lifts_the_score_above_the_answers():
    # Calculus: only ca-01 and ca-02 right (weight 2 of 15) -> K = 2/15 -> 13.3; top ratings would give
    # 100*(0.8*2/15 + 0.2) = 30.7 without the cap.
    answers = Answers(answers={"ca-01": 8, "ca-02": "b"}, ratings={"calculus": {"experience": 3, "comfort": 3}})
    area = score(answers).area("calculus")
    assert area.self_rating == 1.0
    assert area.score == pytest.approx(100 * 2 / 15)


def test_dont_know_scores_exactly_like_a_wrong_answer_everywhere():
    # Probability: a mix of right answers; ps-07 (weight 3) answered wrongly, then "don't know".
    base = all_right(rating=2)
    wrong, dont_know = copy.deepcopy(base), copy.deepcopy(base)
    wrong.answers["ps-07"] = wrong_answer(BANK.question("ps-07"))
    wrong.answers["ps-08"] = wrong_answer(BANK.question("ps-08"))
    dont_know.answers["ps-07"] = None
    dont_know.answers["ps-08"] = None
    a, b = score(wrong), score(dont_know)
    assert a.area("probability-statistics").score == b.area("probability-statistics").score < score(base).area("probability-statistics").score
    assert [x.level for x in a.areas] == [x.level for x in b.areas] and a.level == b.level
    assert suggest_prior(a) == suggest_prior(b)
    path_a, path_b = learning_path(a), learning_path(b)
    assert path_a.units == path_b.units and [s.priority for s in path_a.steps] == [s.priority for s in path_b.steps]


def test_a_skipped_numeric_question_scores_like_a_wrong_one():
    wrong, skipped = all_right(), all_right()
    wrong.answers["la-04"] = wrong_answer(BANK.question("la-04"))
    del skipped.answers["la-04"]
    assert score(wrong).area("linear-algebra").score == score(skipped).area("linear-algebra").score < 100


def test_unanswered_and_dont_know_earn_nothing_but_are_told_apart():
    answers = Answers(answers={"ps-01": None})
    result = score(answers)
    statuses = {o.question_id: o.status for o in result.outcomes}
    assert statuses["ps-01"] == "dont-know"
    assert statuses["ps-02"] == "unanswered"
    assert result.answered == 1 and not result.complete
    assert result.area("probability-statistics").score == 0


@pytest.mark.parametrize(
    "value, basics, studied, level",
    [
        (70, 0.0, True, "ready"),
        (69.99, 1.0, True, "refresh"),
        (69.99, 1.0, False, "learn"),
        (40, 0.0, True, "refresh"),
        (39.9, 0.0, True, "course"),
        (39.9, 2 / 3, True, "course"),
        (39.9, 1.0, False, "learn"),
        (0, 1.0, True, "refresh"),
    ],
)
def test_level_thresholds(value, basics, studied, level):
    assert level_of(value, basics, studied) == level


def test_ml_concepts_do_not_hold_back_the_overall_level():
    answers = all_right()
    for q in BANK.questions_in("ml-concepts"):
        answers.answers[q.id] = wrong_answer(q)
    answers.ratings["ml-concepts"] = {"experience": 0, "comfort": 0}
    result = score(answers)
    assert result.area("ml-concepts").level == "course"
    assert result.area("ml-concepts").level_words == "new to you; taught in a master's"
    assert result.level == "ready"
    head_start = [s for s in learning_path(result).steps]
    assert {s.priority for s in head_start} == {"head start"}
    assert [s.unit for s in head_start] == ["classification", "regression-model-selection", "clustering", "dimensionality-reduction"]


def test_nearly_ready_names_the_areas_to_refresh():
    answers = all_right()
    answers.answers["ps-07"] = None  # -3 of 15 -> K = 0.8, S = 1 -> 84: still ready
    answers.answers["ps-08"] = "b"  # -3 more -> K = 0.6; 0.8*0.6 + 0.2 = 0.68 is capped at K -> 60: refresh
    result = score(answers)
    assert result.area("probability-statistics").score == pytest.approx(60.0)
    assert result.level == "nearly"
    assert result.summary == "Nearly ready: refresh Probability and statistics with the kit's units before a master's core courses."


# The sample person Sam, by hand (weights 1,1,1,2,2,2,3,3 = 15 in every area);
# score = 100 * min(K, 0.8 K + 0.2 S):
# linear algebra: right la-01,02,03 (3) + la-04,06 (4) = 7 -> K 7/15 = 0.467; S (1+1)/6 -> 0.8*7/15 + 0.2/3 = 0.44
# calculus: right ca-01, ca-03 = 2 -> K 2/15 = 0.133; S 1/6 -> 0.8*2/15 + 0.2/6 = 0.14 -> K wins: 13.3
# probability: right ps-01,02,03 (3) + ps-04,06 (4) + ps-08 (3) = 10 -> K 2/3; S 3/6 -> 0.8*2/3 + 0.1 = 0.6333
# python: all but py-08 (3) -> K 12/15 = 0.8; S 1 -> 0.64 + 0.2 = 0.84 -> K wins: 80
# data: all but ds-06 (2) -> K 13/15 = 0.867; S 5/6 -> 0.8*13/15 + 0.2*5/6 = 0.86
# ML: right ml-01..04 (1+1+1+2) = 5 -> K 1/3; S 2/6 -> 1/3
SAM = {
    "linear-algebra": 44.0,
    "calculus": 100 * 2 / 15,
    "probability-statistics": 100 * (0.8 * 2 / 3 + 0.1),
    "python": 80.0,
    "data-sql": 86.0,
    "ml-concepts": 100 / 3,
}


def sam():
    return score(load_answers(sample_answers_path()))


def test_sample_person_scores_as_worked_out_by_hand():
    result = sam()
    assert {a.area: a.score for a in result.areas} == pytest.approx(SAM)
    # calculus: 13 and one basic question missed -> course; ML concepts: every basic right -> refresh (a head start)
    assert [a.level for a in result.areas] == ["refresh", "course", "refresh", "ready", "ready", "refresh"]
    assert result.summary == (
        "Not ready yet: take an introductory course first in Calculus; "
        "then, with the kit's units, refresh Linear algebra, Probability and statistics."
    )


def test_learning_path_is_in_prerequisite_order_with_hours_and_reasons():
    path = learning_path(sam())
    units = path.units
    assert units == [
        "python-numpy", "linear-algebra", "matrix-decompositions", "probability-statistics", "statistical-inference",
        "multivariate-calculus", "calculus-optimisation", "pandas",
        "classification", "regression-model-selection", "clustering", "dimensionality-reduction",
    ]  # fmt: skip
    order = [u.id for u in curriculum.study_order()]
    assert units == sorted(units, key=order.index)
    minutes = {u.id: u.minutes for u in curriculum.units()}
    assert path.minutes == sum(minutes[u] for u in units)
    steps = {s.unit: s for s in path.steps}
    calculus = steps["calculus-optimisation"]
    assert calculus.priority == "learn"
    assert calculus.reasons[0] == "Calculus: score 13/100 (introductory course first)"
    assert [c.area for c in path.courses] == ["calculus"] and path.course_hours == (125, 150)
    assert calculus.questions == ("ca-06", "ca-08")
    # the derivative rules, the sigmoid and the Jacobian are taught by the multivariate-calculus unit
    assert steps["multivariate-calculus"].questions == ("ca-02", "ca-04", "ca-05", "ca-07")
    assert steps["multivariate-calculus"].priority == "learn"
    assert steps["matrix-decompositions"].questions == ("la-05", "la-07")
    assert steps["statistical-inference"].questions == ("ps-05",)
    assert steps["python-numpy"].reasons == ("py-08 (closures and late binding): answered wrongly",)
    assert steps["python-numpy"].priority == "review"
    assert steps["linear-algebra"].priority == "refresh"
    assert steps["linear-algebra"].hours == pytest.approx(1.5)


def test_prior_follows_the_documented_mapping():
    prior = suggest_prior(sam())
    prerequisite = [SAM[a] for a in ("linear-algebra", "calculus", "probability-statistics", "python", "data-sql")]
    index = (sum(prerequisite) / 5 + min(prerequisite)) / 200  # (57.33 + 13.33) / 200 = 0.353
    assert prior.readiness_index == pytest.approx(index, abs=1e-4)
    assert prior.completion_probability == round(0.40 + 0.50 * index, 2) == 0.58
    assert prior.programme_fit == "weak"
    assert "rough prior" in prior.label
    assert prior.option_overrides() == {"p_complete": 0.58}
    assert suggest_prior(score(all_right())).completion_probability == 0.90
    assert suggest_prior(score(all_right())).programme_fit == "good"
    assert suggest_prior(score(Answers())).completion_probability == 0.40


def test_prior_can_be_changed_by_the_person():
    prior = suggest_prior(sam()).adjusted(0.7)
    assert (prior.completion_probability, prior.source) == (0.7, "set by you")
    with pytest.raises(ValueError, match="from 0 to 1"):
        prior.adjusted(1.5)
