"""Exercises of unit 23, automation with ML (``solutions/23_automation.ipynb``).

Data: :mod:`mlkit.datasets.support_messages`, split into ``train`` and
``test`` as in the NLP unit (a quarter, stratified, ``random_state=0``); the
router of :mod:`mlkit.topics.routing`. The checks rebuild the notebook's model,
rules and tables to compare the learner's answers with. Exercises 3 and 4 work on
the training messages with 5-fold cross-validated probabilities; the test messages
are left for a final measurement (exercise 4's check only uses them to recognise a
threshold chosen on them).

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import expect_choice, expect_close, expect_number, expect_type

EXERCISES = ExerciseSet("automation", "Automation with ML")

THRESHOLDS = tuple(round(0.01 * i, 2) for i in range(91))  # exercise 4's grid, finer than the lesson's
SWEEP_ERROR_MINUTES = 20  # exercise 4's cost of a misrouted message (the lesson and exercise 3 use 10)
ROUTING_THRESHOLD = 0.45  # exercise 3's router; the lesson's table shows other thresholds
TRIAGE_MINUTES = 2  # exercise 3's costs, as in the lesson
ERROR_MINUTES = 10


# --- shared data and reference results (computed once, only when a check runs) ----


@lru_cache(maxsize=1)
def _split():
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import support_messages

    messages = support_messages.load()
    return tuple(train_test_split(messages, test_size=0.25, stratify=messages["queue"], random_state=0))


def reference_model():
    """The notebook's classifier: TF-IDF without English stop words, then logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(stop_words="english"), LogisticRegression(max_iter=1000))


def reference_rules():
    """The rules the notebook gives the router (exercise 3 onwards)."""
    from mlkit.topics.routing import REVIEW, Rule

    return [
        Rule("sensitive", r"\b(fraud|stolen|suspicious)", REVIEW),
        Rule("password", r"\bpassword", "technical"),
        Rule("tracking", r"\btrack(ing)?\b", "delivery"),
    ]


@lru_cache(maxsize=1)
def _fitted():
    train, _ = _split()
    return reference_model().fit(train["text"], train["queue"])


@lru_cache(maxsize=1)
def _cv_probabilities():
    """The training messages' probabilities from 5-fold cross-validation, and their classes (sorted)."""
    from sklearn.model_selection import cross_val_predict

    train, _ = _split()
    probabilities = cross_val_predict(reference_model(), train["text"], train["queue"], cv=5, method="predict_proba")
    return probabilities, sorted(train["queue"].unique())


@lru_cache(maxsize=1)
def _routed():
    """Exercise 3's router on the training messages, with their cross-validated probabilities."""
    from mlkit.topics.routing import route

    train, _ = _split()
    probabilities, classes = _cv_probabilities()
    return route(train["text"], probabilities, classes, threshold=ROUTING_THRESHOLD, rules=reference_rules())


@lru_cache(maxsize=1)
def _summary():
    from mlkit.topics.routing import Costs, evaluate

    train, _ = _split()
    return evaluate(_routed(), train["queue"], Costs(triage_minutes=TRIAGE_MINUTES, error_minutes=ERROR_MINUTES))


@lru_cache(maxsize=1)
def _cv_sweep():
    from mlkit.topics.routing import sweep

    train, _ = _split()
    probabilities, classes = _cv_probabilities()
    return sweep(train["text"], probabilities, classes, train["queue"], THRESHOLDS, rules=reference_rules(), costs=_sweep_costs())


@lru_cache(maxsize=1)
def _test_sweep():
    from mlkit.topics.routing import sweep

    _, test = _split()
    model = _fitted()
    return sweep(
        test["text"],
        model.predict_proba(test["text"]),
        model.classes_,
        test["queue"],
        THRESHOLDS,
        rules=reference_rules(),
        costs=_sweep_costs(),
    )


def _sweep_costs():
    from mlkit.topics.routing import Costs

    return Costs(triage_minutes=TRIAGE_MINUTES, error_minutes=SWEEP_ERROR_MINUTES)


def _best(table) -> float:
    return float(table["minutes_saved"].idxmax())


# --- 1. decide ---------------------------------------------------------------------

CLASSES = ["billing", "delivery", "returns", "technical"]
DECIDE_CASES = (
    (([0.1, 0.7, 0.1, 0.1], CLASSES, 0.5), "delivery"),
    (([0.3, 0.2, 0.35, 0.15], CLASSES, 0.5), "human review"),
    (([0.05, 0.05, 0.3, 0.6], CLASSES, 0.6), "technical"),
    (([0.4, 0.3, 0.2, 0.1], CLASSES, 0.0), "billing"),
    (([0.35, 0.45, 0.1, 0.1], CLASSES, 0.3), "delivery"),  # two queues reach the threshold: the top one wins
)


@EXERCISES.exercise(
    "decide",
    title="Decide a queue, or a person, from the probabilities",
    hints=(
        "Find the position of the largest probability; the class at that position is the model's choice.",
        "`numpy.argmax(probabilities)` is that position, `classes[position]` the queue. Then compare its "
        "probability with the threshold: a probability equal to the threshold reaches it.",
        "`best = int(np.argmax(probabilities))`, then `return classes[best] if probabilities[best] >= threshold "
        "else REVIEW`.",
    ),
)
def decide(choose_queue):
    from mlkit.topics.routing import REVIEW

    if not callable(choose_queue):
        raise Incorrect(f"`choose_queue` should be a function, but it is a {type(choose_queue).__name__}.")
    for (probabilities, classes, threshold), expected in DECIDE_CASES:
        result = call_learner(choose_queue, probabilities, classes, threshold)
        if result is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        shown = f"choose_queue({probabilities}, classes, {threshold})"
        if not isinstance(result, str):
            raise Incorrect(
                f"`{shown}` returned {result!r}, of type {type(result).__name__}: return the queue's name "
                "(`classes[position]`), or `REVIEW`."
            )
        if result == expected:
            continue
        if expected == REVIEW:
            raise Incorrect(
                f"`{shown}` sends the message to a queue although no probability reaches the threshold: "
                "an unsure model should hand the message to a person (`REVIEW`)."
            )
        if result == REVIEW and max(probabilities) == threshold:
            raise Incorrect(
                f"`{shown}` sends the message to review, but the top probability equals the threshold, "
                "which counts as reaching it (use `>=`)."
            )
        reaching = [c for c, p in zip(classes, probabilities) if p >= threshold]
        if result in reaching and len(reaching) > 1:
            raise Incorrect(
                f"`{shown}` returned {result!r}, one of the queues that reach the threshold but not the most "
                "probable one: take the queue with the highest probability."
            )
        raise Incorrect(f"`{shown}` returned {result!r}, which is not right.")
    return "the top queue when the model is sure enough, a person otherwise."


@decide.wrong_answer
def decide_ignores_threshold():
    return Answer.of(lambda probabilities, classes, threshold: classes[max(range(len(classes)), key=probabilities.__getitem__)])


@decide.wrong_answer
def decide_returns_the_position():
    def choose_queue(probabilities, classes, threshold):
        best = max(range(len(classes)), key=probabilities.__getitem__)
        return best if probabilities[best] >= threshold else "human review"

    return Answer.of(choose_queue)


@decide.wrong_answer
def decide_first_queue_over_the_threshold():
    def choose_queue(probabilities, classes, threshold):
        for probability, queue in zip(probabilities, classes):
            if probability >= threshold:
                return queue
        return "human review"

    return Answer.of(choose_queue)


@decide.wrong_answer
def decide_strict_threshold():
    def choose_queue(probabilities, classes, threshold):
        best = max(range(len(classes)), key=probabilities.__getitem__)
        return classes[best] if probabilities[best] > threshold else "human review"

    return Answer.of(choose_queue)


# --- 2. a rule for sensitive messages ----------------------------------------------------

SENSITIVE = ("Fraud on my card!", "I think my parcel was STOLEN", "There is a suspicious charge from you")
ORDINARY = ("Where is my parcel?", "The app crashes on start", "I want to return the shoes")


@EXERCISES.exercise(
    "rule",
    title="Write a rule that sends sensitive messages to a person",
    hints=(
        "A `Rule` has a name, a regular expression and a destination; the destination here is `REVIEW`.",
        "One pattern can list several words: `(fraud|stolen|suspicious)`; `\\b` in front makes them start a word. "
        "Rules ignore upper and lower case by themselves.",
        "`sensitive = Rule(\"sensitive\", r\"\\b(fraud|stolen|suspicious)\", REVIEW)`",
    ),
)
def rule(sensitive):
    from mlkit.topics.routing import REVIEW, Rule

    expect_type(sensitive, Rule, name="sensitive", what="a Rule (from mlkit.topics.routing)")
    if sensitive.queue != REVIEW:
        raise Incorrect(
            f"`sensitive` sends messages to the queue {sensitive.queue!r}; a sensitive message must be read by a "
            "person first: send it to `REVIEW`."
        )
    missed = [text for text in SENSITIVE if not sensitive.matches(text)]
    if missed:
        raise Incorrect(f"`sensitive` does not match {missed[0]!r}: the pattern misses one of the three words.")
    caught = [text for text in ORDINARY if sensitive.matches(text)]
    if caught:
        raise Incorrect(
            f"`sensitive` also matches the ordinary message {caught[0]!r}: a pattern that broad would send "
            "everything to review."
        )
    return "fraud, theft and suspicious charges go to a person whatever the model thinks."


@rule.wrong_answer
def rule_to_a_queue():
    from mlkit.topics.routing import Rule

    return Answer.of(Rule("sensitive", r"\b(fraud|stolen|suspicious)", "billing"))


@rule.wrong_answer
def rule_fraud_only():
    from mlkit.topics.routing import REVIEW, Rule

    return Answer.of(Rule("sensitive", r"fraud", REVIEW))


@rule.wrong_answer
def rule_matches_everything():
    from mlkit.topics.routing import REVIEW, Rule

    return Answer.of(Rule("sensitive", r"\w+", REVIEW))


# --- 3. work saved against errors made ------------------------------------------------------


@EXERCISES.exercise(
    "costs",
    title="Measure the work saved against the errors made",
    hints=(
        "Compare `routed[\"queue\"]` with the true queues `true_queue`: a message is automated when its queue is "
        "not `REVIEW`, and an error when it is automated to a queue other than its true one.",
        "The error rate is errors / automated messages (not / all messages). Each automated message, right or "
        "wrong, saves `TRIAGE_MINUTES`; each error costs `ERROR_MINUTES` on top.",
        "`automation_rate = automated.mean()`, `error_rate = wrong.sum() / automated.sum()`, "
        "`minutes_saved = automated.sum() * TRIAGE_MINUTES - wrong.sum() * ERROR_MINUTES`.",
    ),
)
def costs(automation_rate, error_rate, minutes_saved):
    summary = _summary()
    rate = expect_number(automation_rate, name="automation_rate")
    if abs(rate - (1 - summary["automation_rate"])) < 1e-9 and summary["automation_rate"] != 0.5:
        raise Incorrect("`automation_rate` is the share of messages sent to review; the share routed automatically is asked for.")
    expect_close(rate, summary["automation_rate"], name="automation_rate")
    errors = expect_number(error_rate, name="error_rate")
    if abs(errors - summary["errors"] / summary["messages"]) < 1e-9:
        raise Incorrect(
            "`error_rate` divides the errors by all messages; divide by the automated ones: of the messages the "
            "router sent on its own, what share went to the wrong queue?"
        )
    expect_close(errors, summary["error_rate"], name="error_rate")
    saved = expect_number(minutes_saved, name="minutes_saved")
    if abs(saved - summary["automated"] * TRIAGE_MINUTES) < 1e-9:
        raise Incorrect("`minutes_saved` counts the triage time saved but not the time the misrouted messages cost.")
    right = summary["automated"] - summary["errors"]
    if abs(saved - (right * TRIAGE_MINUTES - summary["errors"] * ERROR_MINUTES)) < 1e-9 and summary["errors"]:
        raise Incorrect(
            "`minutes_saved` counts the triage time saved only for the messages routed to the right queue; a "
            "misrouted message is not sorted by hand either, so it saves the triage time too, and then costs the "
            "error minutes on top."
        )
    expect_close(saved, summary["minutes_saved"], name="minutes_saved")
    return (
        f"{rate:.0%} of the messages routed without a person, {errors:.0%} of those wrongly; "
        f"{saved:.0f} minutes saved on {summary['messages']} messages."
    )


@costs.wrong_answer
def costs_error_rate_over_all_messages():
    s = _summary()
    return Answer.of(s["automation_rate"], s["errors"] / s["messages"], s["minutes_saved"])


@costs.wrong_answer
def costs_errors_not_counted():
    s = _summary()
    return Answer.of(s["automation_rate"], s["error_rate"], s["automated"] * float(TRIAGE_MINUTES))


@costs.wrong_answer
def costs_savings_only_on_the_right_ones():
    s = _summary()
    right = s["automated"] - s["errors"]
    return Answer.of(s["automation_rate"], s["error_rate"], right * TRIAGE_MINUTES - s["errors"] * ERROR_MINUTES)


@costs.wrong_answer
def costs_review_share():
    s = _summary()
    return Answer.of(1 - s["automation_rate"], s["error_rate"], s["minutes_saved"])


@costs.secret_values
def costs_secrets():
    s = _summary()
    return [f"{s['error_rate']:.3f}", f"{s['minutes_saved']:.0f} minutes"]


# --- 4. choosing the threshold ------------------------------------------------------------


@EXERCISES.exercise(
    "threshold",
    title="Choose the confidence threshold on the right data",
    hints=(
        "`sweep(texts, probabilities, classes, true_queues, thresholds, rules=rules, costs=COSTS)` gives a table "
        "with one row per threshold (its index) and a column `minutes_saved`.",
        "Choose on the training messages with their cross-validated probabilities (`cv_probabilities`), not on "
        "the test messages: the test set must stay untouched until the final measurement. `idxmax()` gives the "
        "index of the largest value.",
        "`table = sweep(train[\"text\"], cv_probabilities, classes, train[\"queue\"], thresholds, rules=rules, "
        "costs=COSTS)`, then `threshold = table[\"minutes_saved\"].idxmax()`",
    ),
)
def threshold(threshold):
    value = expect_number(threshold, name="threshold")
    if not 0 <= value <= 1:
        raise Incorrect(f"`threshold` is {value}; a threshold on a probability lies between 0 and 1.")
    cv_table, test_table = _cv_sweep(), _test_sweep()
    best = _best(cv_table)
    if _same_threshold(value, best):
        saved = cv_table.loc[best, "minutes_saved"]
        return f"it saves the most, {saved:.0f} minutes, on the {cv_table['messages'].iloc[0]} training messages."
    if _same_threshold(value, _best(test_table)):
        raise Incorrect(
            "`threshold` does not save the most minutes on the cross-validated training messages; "
            "it does on the test messages, but those are kept for the final measurement: a setting chosen on "
            "them makes that measurement optimistic."
        )
    if _same_threshold(value, float(cv_table["error_rate"].idxmin())):
        raise Incorrect(
            "`threshold` gives the lowest error rate among the automated training messages, but another "
            "threshold saves more minutes. Choose by the minutes saved, which weigh the automated messages "
            "against the errors."
        )
    if value == 0:
        raise Incorrect(
            "`threshold` 0 trusts the model for every message, the unsure ones included; on the cross-validated "
            "training messages it saves fewer minutes than a higher threshold."
        )
    raise Incorrect("`threshold` is not the threshold that saves the most minutes on the cross-validated training messages.")


def _same_threshold(value: float, threshold: float) -> bool:
    """The same point of the grid of thresholds (steps of 0.01), in float32 or float64."""
    return abs(value - threshold) <= 1e-6


@threshold.wrong_answer
def threshold_chosen_on_test():
    return Answer.of(_best(_test_sweep()))


@threshold.wrong_answer
def threshold_fewest_errors():
    return Answer.of(float(_cv_sweep()["error_rate"].idxmin()))


@threshold.wrong_answer
def threshold_automate_everything():
    return Answer.of(0.0)


@threshold.secret_values
def threshold_secrets():
    return [f"{_best(_cv_sweep()):.2f}"]


# --- 5. a judgement --------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "the threshold was the best one for the old costs. The minutes saved weigh errors by their cost, so "
    "when an error costs three times as much, the best threshold is a different one.",
    "C": "without review, every unsure message is routed by the model, and the unsure ones are where most "
    "errors are; with errors this costly, that loses more time than it saves.",
    "D": "a lower threshold sends more messages on automatically, and so makes more errors, exactly what "
    "has become more expensive.",
}


@EXERCISES.exercise(
    "judgement",
    title="Adapt the router when errors cost more",
    hints=(
        "The minutes saved are the automated messages times the triage minutes, minus the errors times the "
        "error minutes. What happens to that balance when errors cost more?",
        "The unsure messages (low probability) are where most errors are. Who should handle them when an error "
        "is expensive?",
        "Recompute the sweep with the new cost and choose the threshold again: it moves up.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="B", feedback=JUDGEMENT_FEEDBACK)
    return "when errors cost more, the router should hand more of its unsure messages to a person."


@judgement.wrong_answer
def judgement_keep_threshold():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_drop_review():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_lower_threshold():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'B'", "Option B"]
