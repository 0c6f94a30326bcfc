"""Honest advice: one vocabulary of level words everywhere, introductory courses with realistic hours
for a learner far from ready, units in prerequisite order, and words that fit what a person studied."""

import random
import re
import tomllib
from pathlib import Path

import pytest

from mlkit.cli import main
from mlkit.course import curriculum
from mlkit.paths import data_dir
from mlkit.readiness import Answers, QuizSession, learning_path, load_answers, sample_answers_path, score
from mlkit.readiness.bank import load_bank
from mlkit.readiness.cohort import cohort_csv, cohort_summary
from mlkit.readiness.courses import intro_courses
from mlkit.readiness.levels import OVERALL_WORDS, PRIORITIES, vocabulary
from mlkit.readiness.report import COMING, path_html, path_markdown, path_text, text_report

BANK = load_bank()
PREREQUISITE = [a.id for a in BANK.areas if a.prerequisite]


def right(q):
    return q.correct if q.kind == "choice" else q.answer


def wrong(q):
    return next(x for x in q.letters if x != q.correct) if q.kind == "choice" else q.answer + q.tolerance + 5


def humanities_graduate():
    """Every basic Python question right, the rest wrong or don't know; mathematics never studied."""
    answers = {}
    for q in BANK.questions:
        if q.area == "python" and q.difficulty == 1:
            answers[q.id] = right(q)
        elif q.area == "probability-statistics" and q.kind == "choice":
            answers[q.id] = right(q)  # lucky guesses in a subject never studied
        else:
            answers[q.id] = None if q.difficulty > 1 else wrong(q)
    ratings = {a.id: {"experience": 0, "comfort": 0} for a in BANK.areas}
    ratings["python"] = {"experience": 1, "comfort": 1}
    return Answers(answers=answers, ratings=ratings)


def random_result(seed):
    rng = random.Random(seed)
    p = rng.random()
    answers = {q.id: right(q) if rng.random() < p else rng.choice([None, wrong(q)]) for q in BANK.questions if rng.random() < 0.95}
    ratings = {a.id: {"experience": rng.randrange(4), "comfort": rng.randrange(4)} for a in BANK.areas if rng.random() < 0.8}
    return score(Answers(answers=answers, ratings=ratings))


RESULTS = [score(load_answers(sample_answers_path())), score(humanities_graduate()), score(Answers())] + [random_result(s) for s in range(12)]


# -- one vocabulary ---------------------------------------------------------------------------


def report_levels(text):
    """The level column of a text report's table."""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("area "))
    start = lines[header].index("level")
    end = lines[header].index("right")
    rows = lines[header + 2 : header + 2 + len(BANK.areas)]
    return {row[start:end].strip() for row in rows}


@pytest.mark.parametrize("result", RESULTS, ids=range(len(RESULTS)))
def test_every_level_word_in_reports_paths_and_charts_is_in_the_vocabulary(result):
    from mlkit.plots.readiness import area_scores_figure

    words = vocabulary()
    path = learning_path(result)
    assert report_levels(text_report(result, path)) <= words
    assert {m.group(1) for m in re.finditer(r"\(\d+\.\d h, ([a-z ]+)\)", path_text(path))} <= set(PRIORITIES)
    assert {m.group(1) for m in re.finditer(r"<i>([a-z ]+)</i>", path_html(path))} <= set(PRIORITIES)
    assert {t.get_text().split("  ", 1)[1] for t in area_scores_figure(result).axes[0].texts} <= words
    assert any(result.summary.lower().startswith(w) for w in OVERALL_WORDS.values())
    assert result.level_words in words
    everything = " ".join([text_report(result, path), path_markdown(path), path_html(path), result.summary])
    assert "foundations" not in everything and ", first)" not in everything and "<i>first</i>" not in everything


def test_history_and_cohort_use_the_same_words(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path))
    quiz = QuizSession.start()
    while quiz.current is not None:
        quiz.record(3 if quiz.current.kind == "rating" else None)
    assert main(["readiness", "--history"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].endswith("level") and rows[1].endswith("  not ready yet")
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "sam.json").write_text(sample_answers_path().read_text(encoding="utf-8"), encoding="utf-8")
    csv_text = cohort_csv(cohort_summary(folder))
    assert ",not ready yet," in csv_text and "foundations" not in csv_text


def test_the_old_level_word_is_gone_from_the_kit():
    from mlkit.paths import package_dir

    sources = [p for p in package_dir().rglob("*.py") if "readiness" in p.name or "readiness" in p.parent.name]
    assert sources and not [p.name for p in sources if "foundations" in p.read_text(encoding="utf-8")]


# -- a learner far from ready -------------------------------------------------------------------


def test_a_humanities_graduate_gets_honest_words():
    result = score(humanities_graduate())
    python = result.area("python")
    assert python.basics == 1.0 and python.level != "course"  # every basic Python question right
    probability = result.area("probability-statistics")
    assert probability.level in ("course", "learn")  # never studied: not "refresh"
    assert result.level == "not-ready"
    path = learning_path(result)
    kinds = [c.kind for c in path.courses]
    assert "a first-year university calculus course (derivatives, integrals, functions of several variables)" in kinds
    assert "an introductory Python programming course" not in kinds
    text = path_text(path)
    assert text.index("introductory course") < text.index(" 1. ")  # the courses come before the kit's units
    low, high = path.course_hours
    assert low >= 100 * len(path.courses) and high > low
    assert f"about {low}-{high} hours" in text


@pytest.mark.parametrize("seed", range(30))
def test_an_area_never_studied_is_never_called_refresh(seed):
    rng = random.Random(seed)
    answers = {q.id: right(q) if rng.random() < 0.6 else None for q in BANK.questions}
    ratings = {a.id: {"experience": 0, "comfort": rng.randrange(4)} for a in BANK.areas}
    assert "refresh" not in {a.level for a in score(Answers(answers=answers, ratings=ratings)).areas}


@pytest.mark.parametrize("result", RESULTS, ids=range(len(RESULTS)))
def test_the_path_respects_prerequisites(result):
    path = learning_path(result)
    ready = {u for a in result.areas if a.level == "ready" for u in BANK.area(a.area).units}
    seen = set()
    for step in path.steps:
        for pre in curriculum.get_unit(step.unit).prerequisites:
            assert pre in seen or pre in ready, f"{step.unit} comes before its prerequisite {pre}"
        seen.add(step.unit)
    assert not {s.priority for s in path.steps} - set(PRIORITIES)


def test_calculus_never_comes_before_the_linear_algebra_it_expects():
    answers = Answers(answers={q.id: right(q) for q in BANK.questions if q.area != "calculus"})
    answers.answers.update({q.id: wrong(q) for q in BANK.questions if q.area == "calculus"})
    answers.answers["la-08"] = None  # a missed linear-algebra question: the unit joins the path
    units = learning_path(score(answers)).units
    assert units.index("linear-algebra") < units.index("calculus-optimisation")
    alone = Answers(answers={q.id: right(q) for q in BANK.questions if q.area != "linear-algebra" or q.difficulty == 1})
    alone.answers.update({q.id: wrong(q) for q in BANK.questions if q.area == "calculus"})
    result = score(alone)
    assert result.area("linear-algebra").level != "ready"
    units = learning_path(result).units
    assert "linear-algebra" in units and units.index("linear-algebra") < units.index("calculus-optimisation")


def test_every_prerequisite_area_has_an_introductory_course_with_its_basis():
    raw = tomllib.loads((data_dir() / "readiness_courses.toml").read_text(encoding="utf-8"))
    assert raw["source"] and raw["year"] == 2015
    low, high = raw["hours_per_credit"]
    courses = intro_courses()
    assert sorted(courses) == sorted(PREREQUISITE)
    for course in courses.values():
        assert course.hours == (round(course.credits * low), round(course.credits * high))
        assert "ECTS" in course.basis and "2015" in course.basis


# -- links on the result page -------------------------------------------------------------------


def test_result_page_links_are_relative_underlined_and_open_in_the_same_lab():
    path = learning_path(RESULTS[0])
    page = path_html(path)
    links = re.findall(r"<a ([^>]*)>", page)
    assert len(links) == sum(s.available for s in path.steps)  # a planned unit is shown as coming, not linked
    assert page.count(COMING) == sum(not s.available for s in path.steps)
    for attributes in links:
        href = re.search(r'href="([^"]+)"', attributes).group(1)
        assert re.fullmatch(r"\d\d_[a-z_]+\.ipynb", href)
        assert "text-decoration:underline" in attributes and "color:" in attributes
        assert "target" not in attributes


def test_introductory_courses_come_in_the_order_the_kit_builds_on_them():
    nothing = Answers(answers={q.id: None for q in BANK.questions})
    areas = [c.area for c in learning_path(score(nothing)).courses]
    assert areas[0] == "python"
    assert areas.index("linear-algebra") < areas.index("calculus")
    assert sorted(areas) == sorted(PREREQUISITE)


def test_result_page_links_go_to_the_learners_lesson_copies_in_the_workspace(tmp_path, monkeypatch):
    """In the workspace, the quiz's links open the learner's copies; in the kit's notebooks/, the kit's lessons."""
    from mlkit.course import workspace
    from mlkit.widgets.readiness import _path_output

    path = learning_path(RESULTS[0])
    first = path.steps[0].lesson
    (tmp_path / workspace.lesson_copy_name(first)).write_text("{}")
    monkeypatch.chdir(tmp_path)  # a kernel runs in its notebook's folder
    page = _path_output(path, None).outputs[0]["data"]["text/html"]
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert hrefs and all(h.endswith("-lesson.ipynb") for h in hrefs)
    assert hrefs[0] == workspace.lesson_copy_name(first)
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / Path(first).name).write_text("{}")
    assert workspace.lesson_link(first, kit) == Path(first).name
