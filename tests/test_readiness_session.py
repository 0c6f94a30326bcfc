"""Quiz sessions: answers saved as given, resuming after a restart, history, the prior on disk,
exercises since, the widget app and the figures (headless)."""

import html as html_module
import json
from datetime import datetime, timedelta, timezone

import pytest

from mlkit.course import progress
from mlkit.errors import InputError
from mlkit.readiness import QuizSession, exercises_since, history, latest_result, load_answers, load_prior, parse_response, sample_answers_path, score
from mlkit.readiness.session import quiz_steps

SAMPLE = load_answers(sample_answers_path())


def typed(step):
    """What a person would type at ``step`` to give Sam's answer (the letter shown in this attempt's order)."""
    if step.kind == "rating":
        return "abcd"[SAMPLE.ratings[step.area.id][step.dimension]]
    given = SAMPLE.answers[step.question.id]
    return "?" if given is None else f"{given:g}" if step.numeric else step.shown(given)


class Clock:
    def __init__(self, start="2026-11-20T09:00:00+00:00"):
        self.now = datetime.fromisoformat(start)

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


def finish_like_sam(session):
    while session.current is not None:
        session.record(parse_response(session.current, typed(session.current)))
    return session


def test_steps_go_area_by_area_ratings_first_easiest_questions_first():
    steps = quiz_steps()
    assert len(steps) == 48 + 12
    assert [s.key for s in steps[:4]] == [
        "rating:linear-algebra:experience", "rating:linear-algebra:comfort", "question:la-01", "question:la-02",
    ]  # fmt: skip
    calculus = [s for s in steps if s.area.id == "calculus" and s.question]
    assert [s.question.difficulty for s in calculus] == sorted(s.question.difficulty for s in calculus)
    assert (steps[2].number, steps[2].area_steps) == (3, 10)


@pytest.mark.parametrize(
    "index, text, expected",
    [(0, "C", 2), (0, " a ", 0), (2, "12", 12.0), (2, "1/4", 0.25), (2, "0,5", 0.5), (2, "?", None), (3, "b", "b"), (3, "?", None)],
)
def test_parse_response_accepts_letters_numbers_and_dont_know(index, text, expected):
    assert parse_response(quiz_steps()[index], text) == expected


@pytest.mark.parametrize("index, text, message", [(0, "e", "not one of the choices; type a, b, c or d"), (0, "?", "not one of"), (2, "twelve", "'twelve' is not a number")])
def test_parse_response_says_what_is_expected(index, text, message):
    with pytest.raises(InputError, match=message):
        parse_response(quiz_steps()[index], text)


def test_answers_are_saved_as_given_and_a_new_session_resumes(tmp_path):
    quiz = QuizSession.open(tmp_path)
    assert not (tmp_path / "attempts").exists()  # nothing written before the first answer
    quiz.record(2)
    quiz.record(1)
    quiz.record(12.0)
    saved = json.loads(quiz.path.read_text())
    assert saved["ratings"] == {"linear-algebra": {"experience": 2, "comfort": 1}}
    assert saved["answers"] == {"la-01": 12.0}
    assert saved["position"] == 3 and saved["finished"] is None

    restarted = QuizSession.open(tmp_path)  # a kernel restart: a fresh object reads the file
    assert restarted.answers.id == quiz.answers.id
    assert restarted.position == 3
    assert restarted.current.key == "question:la-02"
    assert restarted.resumed


def test_back_keeps_answers_and_is_remembered(tmp_path):
    quiz = QuizSession.open(tmp_path)
    quiz.record(3)
    quiz.record(3)
    quiz.back()
    assert quiz.current.key == "rating:linear-algebra:comfort"
    assert quiz.answer_for(quiz.current) == 3
    assert QuizSession.open(tmp_path).position == 1
    quiz.record(0)
    assert QuizSession.open(tmp_path).answers.ratings["linear-algebra"] == {"experience": 3, "comfort": 0}


def test_record_refuses_a_wrong_kind_of_value(tmp_path):
    quiz = QuizSession.open(tmp_path)
    with pytest.raises(InputError, match="whole number from 0 to 3"):
        quiz.record(7)
    with pytest.raises(InputError):
        quiz.record(None)  # a self-rating has no "don't know"
    assert quiz.position == 0


def test_finishing_saves_the_result_and_the_prior(tmp_path):
    quiz = finish_like_sam(QuizSession.start(tmp_path, clock=Clock()))
    assert quiz.finished and quiz.current is None
    assert quiz.answers.answers == SAMPLE.answers and quiz.answers.ratings == SAMPLE.ratings
    assert quiz.result().summary == score(SAMPLE).summary
    prior = load_prior(tmp_path)
    assert prior.completion_probability == 0.58 and prior.attempt == quiz.answers.id
    assert json.loads((tmp_path / "latest_prior.json").read_text())["format"] == "mlkit-readiness-prior"
    with pytest.raises(InputError, match="finished"):
        quiz.record("a")


def test_retaking_keeps_the_history(tmp_path):
    clock = Clock()
    first = finish_like_sam(QuizSession.start(tmp_path, clock=clock))
    second = QuizSession.open(tmp_path, clock=clock)  # the finished attempt is not reopened
    assert second.answers.id != first.answers.id and second.position == 0
    while second.current is not None:  # this time every answer is "top rating" or right
        step = second.current
        if step.kind == "rating":
            second.record(3)
        else:
            q = step.question
            second.record(q.correct if q.kind == "choice" else q.answer)
    done = history(tmp_path)
    assert [a.id for a in done] == [first.answers.id, second.answers.id]
    assert [a.result.level for a in done] == ["not-ready", "ready"]
    assert latest_result(tmp_path).id == second.answers.id
    assert load_prior(tmp_path).completion_probability == 0.90


def test_a_damaged_attempt_file_does_not_stop_the_quiz(tmp_path):
    (tmp_path / "attempts").mkdir()
    (tmp_path / "attempts" / "broken.json").write_text("{not json")
    quiz = QuizSession.open(tmp_path)
    assert quiz.position == 0
    problems = []
    from mlkit.readiness.session import attempts

    assert attempts(tmp_path, problems=problems) == []
    assert "broken.json: is not valid JSON" in problems[0]


def test_load_prior_is_none_before_any_quiz_and_names_a_damaged_file(tmp_path):
    assert load_prior(tmp_path) is None
    (tmp_path / "latest_prior.json").write_text("[1, 2]")
    with pytest.raises(InputError, match="latest_prior.json: expected a 'mlkit-readiness-prior' file"):
        load_prior(tmp_path)


def test_exercises_since_counts_passed_exercises_per_area(tmp_path):
    store = tmp_path / "progress.sqlite3"
    since = "2026-11-20T09:34:00+00:00"
    assert exercises_since(since, store=store).note == "no exercise checked yet"
    assert not store.exists()  # reading never creates the store
    progress.record_attempt("pandas.merge", "pandas", "passed", when="2026-11-19T10:00:00+00:00", path=store)  # before
    progress.record_attempt("pandas.groupby", "pandas", "incorrect", when="2026-11-21T10:00:00+00:00", path=store)
    progress.record_attempt("pandas.groupby", "pandas", "passed", when="2026-11-21T10:05:00+00:00", path=store)
    progress.record_attempt("pandas.groupby", "pandas", "passed", when="2026-11-21T10:06:00+00:00", path=store)  # same one
    progress.record_attempt("classification.split", "classification", "passed", when="2026-11-22T10:00:00+00:00", path=store)
    progress.record_attempt("nn.backprop", "neural-networks", "passed", when="2026-11-22T11:00:00+00:00", path=store)
    counts = exercises_since(since, store=store)
    assert counts.per_area == {"linear-algebra": 0, "calculus": 0, "probability-statistics": 0, "python": 0, "data-sql": 1, "ml-concepts": 1}
    assert (counts.other, counts.total, counts.note) == (1, 3, "")


def test_exercises_since_survives_an_unreadable_store(tmp_path):
    store = tmp_path / "progress.sqlite3"
    store.write_bytes(b"this is not a database" * 100)
    counts = exercises_since("2026-11-20T09:34:00+00:00", store=store)
    assert counts.total == 0 and "not readable" in counts.note


# -- the widget app and the figures, headless ------------------------------------------


def test_widget_records_answers_and_resumes_after_a_restart(tmp_path):
    from mlkit.widgets.readiness import ReadinessQuiz

    app = ReadinessQuiz(folder=tmp_path)
    assert "step 1 of 60" in app.header.value and app.back_button.disabled
    app.next()  # nothing chosen
    assert "choose an answer" in app.message.value and app.session.position == 0
    app.choices.value = 2
    app.next()
    app.choices.value = 1
    app.next()
    assert "What is the dot product" in app.prompt.value
    app.number.value = "twelve"
    app.next()
    assert "is not a number" in app.message.value
    app.number.value = "12"
    app.next()
    assert app.progress.value == 3

    again = ReadinessQuiz(folder=tmp_path)  # kernel restart
    assert "step 4 of 60" in again.header.value
    again.back()
    assert again.number.value == "12"


def test_widget_shows_the_result_with_links_and_offers_a_retake(tmp_path):
    from mlkit.widgets.readiness import ReadinessQuiz

    app = ReadinessQuiz(folder=tmp_path)
    while app.session.current is not None:
        step, text = app.session.current, typed(app.session.current)
        if step.numeric:
            app.dont_know.value = text == "?"
            app.number.value = "" if text == "?" else text
        else:
            app.choices.value = "abcd".index(text) if step.kind == "rating" else text if text == "?" else step.stored(text)
        app.next()
    assert app.quiz_box.layout.display == "none"
    html = " ".join(getattr(child, "value", b"") for child in app.result_box.children if isinstance(getattr(child, "value", None), str))
    # the path is a notebook output, so that Lab opens its relative links in the same Lab
    html += " ".join(o["data"]["text/html"] for child in app.result_box.children if hasattr(child, "outputs") for o in child.outputs)
    assert html_module.escape(score(SAMPLE).summary) in html
    # relative links to the learner's lesson copies (same JupyterLab, no new tab) that look like links
    assert '<a href="07_calculus_optimisation-lesson.ipynb" style="color:#0b57d0;text-decoration:underline">' in html
    assert "target=" not in html and "://" not in html
    assert load_prior(tmp_path).completion_probability == 0.58

    reopened = ReadinessQuiz(folder=tmp_path)  # a finished quiz opens on its result
    assert reopened.quiz_box.layout.display == "none"
    reopened.retake()
    assert "step 1 of 60" in reopened.header.value and reopened.session.answers.id != app.session.answers.id


def test_area_figure_has_one_bar_per_area_with_its_score():
    from matplotlib.figure import Figure

    from mlkit.plots.readiness import area_scores_figure

    result = score(SAMPLE)
    fig = area_scores_figure(result, exercises_since(None))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([a.score for a in reversed(result.areas)])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Linear algebra\n+0 exercises since"
    assert "13  introductory course first" in [t.get_text() for t in ax.texts]


def test_history_figure_draws_a_line_per_area(tmp_path):
    from mlkit.plots.readiness import history_figure

    finish_like_sam(QuizSession.start(tmp_path, clock=Clock()))
    ax = history_figure(history(tmp_path)).axes[0]
    assert len(ax.lines) == 6 + 2  # six areas and two thresholds
    assert ax.lines[1].get_ydata()[0] == pytest.approx(100 * 2 / 15)
    empty = history_figure([]).axes[0]
    assert "No finished attempt yet" in empty.texts[0].get_text()
