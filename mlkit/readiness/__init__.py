"""The readiness self-assessment: where a person stands on a master's prerequisites, and what to study.

- :mod:`~mlkit.readiness.bank` — the question bank (``data/readiness_questions.toml``), validated;
- :mod:`~mlkit.readiness.answers` — the answers-file format (JSON, version 1);
- :mod:`~mlkit.readiness.levels` — the level words, defined once and used everywhere;
- :mod:`~mlkit.readiness.scoring` — a score per area and an overall level in plain words;
- :mod:`~mlkit.readiness.courses` — introductory courses (with hours and their basis) for areas far from ready;
- :mod:`~mlkit.readiness.path` — the learning path: courses first, then units in prerequisite order, hours, reasons;
- :mod:`~mlkit.readiness.session` — a quiz in progress, saved after every answer, resumable, with history;
- :mod:`~mlkit.readiness.prior` — a rough completion-probability prior for the decision workbook;
- :mod:`~mlkit.readiness.practice` — exercises completed since the assessment (progress store);
- :mod:`~mlkit.readiness.cohort` — a cohort summary CSV for instructors;
- :mod:`~mlkit.readiness.report` — text, Markdown, HTML and JSON forms of a result.

Examples
--------
>>> from mlkit import readiness
>>> result = readiness.score(readiness.load_answers(readiness.sample_answers_path()))
>>> print(result.summary)
Not ready yet: take an introductory course first in Calculus; then, with the kit's units, refresh Linear algebra, Probability and statistics.
"""

from pathlib import Path

from mlkit.paths import data_dir
from mlkit.readiness.answers import Answers, load_answers, parse_answers, write_answers
from mlkit.readiness.bank import Bank, Question, load_bank
from mlkit.readiness.cohort import cohort_csv, cohort_summary
from mlkit.readiness.path import LearningPath, learning_path
from mlkit.readiness.practice import PracticeSince, exercises_since
from mlkit.readiness.prior import Prior, load_prior, save_prior, suggest_prior
from mlkit.readiness.report import area_frame, feedback_markdown, path_markdown, text_report, to_json
from mlkit.readiness.scoring import Result, score
from mlkit.readiness.session import QuizSession, history, latest_result, parse_response, readiness_dir

__all__ = [
    "Answers", "Bank", "LearningPath", "PracticeSince", "Prior", "Question", "QuizSession", "Result",
    "area_frame", "cohort_csv", "cohort_summary", "exercises_since", "feedback_markdown", "history",
    "latest_result", "learning_path", "load_answers", "load_bank", "load_prior", "parse_answers",
    "parse_response", "path_markdown", "readiness_dir", "sample_answers_path", "save_prior", "score",
    "suggest_prior", "text_report", "to_json", "write_answers",
]  # fmt: skip


def sample_answers_path() -> Path:
    """A sample answers file shipped with the kit (a fictional person, "Sam"), for examples and tests."""
    return data_dir() / "readiness_sample_answers.json"
