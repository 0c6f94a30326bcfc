"""Exercises of unit 21, natural language processing (``solutions/21_nlp.ipynb``).

Data: :mod:`mlkit.datasets.support_messages`, short messages to an online
shop's help desk labelled with their queue. The notebook splits ``load()``
into ``train`` and ``test`` (a quarter, stratified, ``random_state=0``); the
checks rebuild the same split. The feature choice is cross-validated on the
training messages, and the chosen model is scored on ``holdout()`` (88 messages),
which no notebook reads. The tokeniser, the error-analysis function (on the
lesson's out-of-fold results and on tables made so that shortcuts give another
pair), and the PPMI and attention functions are tried on inputs the checks make
themselves (other shapes, uncentred values, masks, smoothing powers), the last two
against :mod:`mlkit.topics.text`, whose ``ppmi`` and ``attention`` are refused as answers and
withheld while the learner's function runs (:mod:`mlkit.course.checks.withheld`).

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import (
    as_pair,
    expect_choice,
    expect_score,
    fit_copy,
    refuse_non_numbers,
    refuse_rounded,
    returned_array,
)
from mlkit.course.checks.withheld import withheld

EXERCISES = ExerciseSet("nlp", "Natural language processing")

TEST_SHARE = 0.25
MIN_ACCURACY = 0.70


# --- shared data and reference results (computed once, only when a check runs) ----


def _messages():
    from mlkit.datasets import support_messages

    return support_messages.load()


def _holdout():
    from mlkit.datasets import support_messages

    return support_messages.holdout()


@lru_cache(maxsize=1)
def _split():
    """``train, test`` exactly as the notebook makes them."""
    from sklearn.model_selection import train_test_split

    messages = _messages()
    return tuple(train_test_split(messages, test_size=TEST_SHARE, stratify=messages["queue"], random_state=0))


def reference_model():
    """The notebook's model: TF-IDF features, then logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


ERROR_FOLDS = 5


@lru_cache(maxsize=1)
def _results():
    """The training messages with the reference model's out-of-fold prediction in a column ``predicted``.

    Each message is predicted by the model fitted on the other folds (``cross_val_predict``,
    :data:`ERROR_FOLDS` folds), as the notebook does.
    """
    from sklearn.model_selection import cross_val_predict

    train, _ = _split()
    return train.assign(predicted=cross_val_predict(reference_model(), train["text"], train["queue"], cv=ERROR_FOLDS))


def _baseline_accuracy() -> float:
    return float(_holdout()["queue"].value_counts(normalize=True).max())


# --- 1. a tokeniser with contractions and numbers ------------------------------------

NUMBER = "<num>"
TOKEN_CASES = (
    "Where is my parcel?",
    "Charged 3 times!!! fix it NOW",
    "I can't log in, the app says ERROR 500.",
    "Order A12B: my mp3 player and the 2FA code 0042",  # letters and digits mixed in one token
    "The customer's 'urgent' note, isn't it?",  # apostrophes inside a word and around one
    "Paid 19.99 on 03/12 - twice",
    "a b 1 x y",  # one-character tokens
    "user_name: café order #7",  # an underscore and an accented letter separate tokens too
    # several apostrophes in one token, an apostrophe before digits, two in a row, and a letter that
    # casefold() would turn into a-z but lower() does not
    "Rock'n'roll costs 5'000, don''t ask: Straße",
    # a hyphen and a comma between two runs, a number of more than four digits, a curly apostrophe
    "Two-factor login cost 5,000 on order 1234567, it\u2019s late",
)


def _tokens_of(text: str, *, contractions=True, numbers=True, split_mixed=False, any_digit=False, drop_short=False,
               fold_accents=False, bounded=False, one_apostrophe=False, letters_after_apostrophe=False,
               apostrophe_numbers=False, casefold=False, hyphens=False, thousands=False, curly=False,
               short_numbers_only=False) -> list[str]:
    """The tokens as the exercise asks, or with one slip (a wrong answer the check recognises).

    ``thousands`` keeps a comma between digits inside a token: ``"number"`` then reads ``5,000``
    as one number, ``"token"`` keeps it as it is.
    """
    import unicodedata

    text = text.casefold() if casefold else text.lower()
    if fold_accents:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    run = "(?:[a-z]+|[0-9]+)" if split_mixed else "[a-z0-9]+"
    after = "[a-z]+" if letters_after_apostrophe else run
    inside = "['\u2019-]" if curly and hyphens else "['\u2019]" if curly else "['-]" if hyphens else "'"
    pattern = f"{run}(?:{inside}{after}){'?' if one_apostrophe else '*'}" if contractions else run
    if thousands:
        pattern += "(?:,[0-9]{3})*"
    if bounded:
        pattern = rf"\b{pattern}\b"
    tokens = re.findall(pattern, text)
    if numbers:
        def is_number(t):
            if any_digit:
                return re.search("[0-9]", t) is not None
            if thousands == "number":
                t = t.replace(",", "")
            if short_numbers_only and len(t) > 4:
                return False
            return (t.replace("'", "") if apostrophe_numbers else t).isdigit()

        tokens = [NUMBER if is_number(t) else t for t in tokens]
    return [t for t in tokens if len(t) > 1] if drop_short else tokens


TOKEN_SLIPS = (
    ({"numbers": False}, "keeps numbers as they are: a token made of digits only becomes '<num>'."),
    ({"apostrophe_numbers": True}, "turns a token of digits with an apostrophe inside into '<num>'; only a token of "
                                   "digits only, without an apostrophe, becomes '<num>'."),
    ({"any_digit": True}, "turns every token with a digit into '<num>'; a token that mixes letters and digits, "
                          "such as a product code, stays as it is. Only tokens of digits only become '<num>'."),
    ({"split_mixed": True}, "splits a token that mixes letters and digits (such as a product code) into pieces; "
                            "a run of letters and digits is one token."),
    ({"contractions": False}, "splits a word at its apostrophe; an apostrophe between two letters or digits "
                              "belongs to the token (`can't` is one token)."),
    ({"drop_short": True}, "drops tokens of one character; every token is kept, whatever its length."),
    ({"fold_accents": True}, "turns accented letters into plain ones; an accented letter such as `é` is not one of "
                             "a to z, so it separates tokens like any other character."),
    ({"bounded": True}, "loses tokens next to an underscore or an accented letter: regular expressions count "
                        "those as word characters, so `\\b` finds no word boundary there. Every character other than "
                        "a to z, 0 to 9 and an apostrophe between them separates tokens."),
    ({"one_apostrophe": True}, "splits a token at its second apostrophe; a token may hold several apostrophes, each "
                               "between two letters or digits (`rock'n'roll` is one token)."),
    ({"letters_after_apostrophe": True}, "splits a token where an apostrophe is followed by a digit; an apostrophe "
                                         "between two letters *or digits* belongs to the token."),
    ({"casefold": True}, "lower-cases the text with `casefold()`, which also turns letters outside a to z into "
                         "letters inside it (`ß` into `ss`); the exercise lower-cases with `text.lower()`, and a "
                         "letter outside a to z separates tokens."),
    ({"hyphens": True}, "keeps a hyphen inside a token (`two-factor`); a hyphen separates tokens like any other "
                        "punctuation, even between two letters or digits."),
    ({"thousands": "number"}, "reads digits with a comma between them (`5,000`) as one number; a comma separates "
                              "tokens like any other punctuation, even between two digits."),
    ({"thousands": "token"}, "keeps digits with a comma between them (`5,000`) as one token; a comma separates "
                             "tokens like any other punctuation, even between two digits."),
    ({"short_numbers_only": True}, "keeps a long number as it is; every token of digits only becomes '<num>', "
                                   "whatever its length."),
    ({"curly": True}, "keeps a curly apostrophe (\u2019) inside a token; only the straight apostrophe (') belongs "
                      "to a token, and a curly one separates tokens like other punctuation."),
)


@EXERCISES.exercise(
    "tokenise_num",
    title="Write a tokeniser that keeps contractions and replaces numbers",
    hints=(
        "Three steps: make the text lower case with `text.lower()`; find the tokens, runs of letters and digits that "
        "may hold apostrophes, each between two of them; then replace each token made of digits only by '<num>'.",
        "A run of letters and digits is `[a-z0-9]+`. A token is one run, followed by any number of groups "
        "\"an apostrophe, then another run\": `(?:'[a-z0-9]+)*`. `token.isdigit()` says whether a token has "
        "digits only.",
        "`tokens = re.findall(r\"[a-z0-9]+(?:'[a-z0-9]+)*\", text.lower())`, then "
        "`return [\"<num>\" if token.isdigit() else token for token in tokens]`",
    ),
)
def tokenise_num(tokenise):
    if not callable(tokenise):
        raise Incorrect(f"`tokenise` should be a function, but it is a {type(tokenise).__name__}.")
    for text in TOKEN_CASES:
        tokens = call_learner(tokenise, text)
        if tokens is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if isinstance(tokens, (set, frozenset)):
            raise Incorrect(
                "`tokenise` returns a set: it loses the order of the words and how often each occurs, and a bag of "
                "words counts them. Return a list."
            )
        if isinstance(tokens, str) or not isinstance(tokens, (list, tuple)):
            raise Incorrect(f"`tokenise({text!r})` returned a {type(tokens).__name__}; a list of strings is expected.")
        if not all(isinstance(t, str) for t in tokens):
            raise Incorrect(f"`tokenise({text!r})` returned a list with things that are not strings.")
        tokens = list(tokens)
        want = _tokens_of(text)
        if tokens == want:
            continue
        placeholders = sorted({t for t in tokens if t != NUMBER and t.lower() == NUMBER})
        if placeholders:
            raise Incorrect(
                f"`tokenise({text!r})` returned the placeholder {placeholders[0]!r}; a token of digits only "
                f"becomes exactly {NUMBER!r}, in lower case."
            )
        if any(t != t.lower() for t in tokens):
            raise Incorrect(
                f"`tokenise({text!r})` keeps capital letters, so 'Box' and 'box' would count as two different "
                "words. Make the text lower case first."
            )
        for slip, why in TOKEN_SLIPS:
            if tokens == _tokens_of(text, **slip):
                raise Incorrect(f"`tokenise({text!r})` returned {tokens!r}: it {why}")
        odd = sorted({c for t in tokens if t != NUMBER for c in re.findall(r"[^a-z0-9']", t)})
        if odd:
            raise Incorrect(
                f"`tokenise({text!r})` returned tokens that hold {', '.join(repr(c) for c in odd)}: a token holds "
                "only the letters a to z, the digits 0 to 9 and apostrophes between them; every other character "
                "separates tokens."
            )
        if any(t.startswith("'") or t.endswith("'") for t in tokens):
            raise Incorrect(f"`tokenise({text!r})` returned a token that starts or ends with an apostrophe; an "
                            "apostrophe belongs to a token only between two letters or digits.")
        if any("''" in t for t in tokens):
            raise Incorrect(f"`tokenise({text!r})` returned a token with two apostrophes in a row; an apostrophe "
                            "belongs to a token only between two letters or digits, so two in a row separate tokens.")
        raise Incorrect(f"`tokenise({text!r})` returned {tokens!r}, which does not follow the rules of the "
                        "exercise: compare it with the text, token by token.")
    return (f"lower case, contractions kept whole, numbers as '{NUMBER}', on {len(TOKEN_CASES)} texts of the "
            "check's own.")


@tokenise_num.wrong_answer
def tokenise_num_the_lessons_tokeniser():
    return Answer.of(lambda text: re.findall(r"[a-z0-9]+", text.lower()))


@tokenise_num.wrong_answer
def tokenise_num_letters_and_digits_apart():
    return Answer.of(lambda text: _tokens_of(text, split_mixed=True))


@tokenise_num.wrong_answer
def tokenise_num_word_boundaries():
    return Answer.of(lambda text: _tokens_of(text, bounded=True))


@tokenise_num.wrong_answer
def tokenise_num_short_tokens_dropped():
    return Answer.of(lambda text: _tokens_of(text, drop_short=True))


@tokenise_num.wrong_answer
def tokenise_num_every_digit_a_number():
    return Answer.of(lambda text: _tokens_of(text, any_digit=True))


@tokenise_num.wrong_answer
def tokenise_num_accents_folded():
    return Answer.of(lambda text: _tokens_of(text, fold_accents=True))


@tokenise_num.wrong_answer
def tokenise_num_apostrophes_anywhere():
    def loose(text):
        return [NUMBER if t.isdigit() else t for t in re.findall(r"[a-z0-9']+", text.lower())]

    return Answer.of(loose)


@tokenise_num.wrong_answer
def tokenise_num_at_most_one_apostrophe():
    return Answer.of(lambda text: _tokens_of(text, one_apostrophe=True))


@tokenise_num.wrong_answer
def tokenise_num_only_letters_after_an_apostrophe():
    return Answer.of(lambda text: _tokens_of(text, letters_after_apostrophe=True))


@tokenise_num.wrong_answer
def tokenise_num_apostrophes_stripped_from_the_ends():
    def stripped(text):
        tokens = [t.strip("'") for t in re.split(r"[^a-z0-9']+", text.lower())]
        return [NUMBER if t.isdigit() else t for t in tokens if t]

    return Answer.of(stripped)


@tokenise_num.wrong_answer
def tokenise_num_digits_with_an_apostrophe_a_number():
    return Answer.of(lambda text: _tokens_of(text, apostrophe_numbers=True))


@tokenise_num.wrong_answer
def tokenise_num_hyphens_kept_inside_words():
    return Answer.of(lambda text: _tokens_of(text, hyphens=True))


@tokenise_num.wrong_answer
def tokenise_num_thousands_separators_kept():
    return Answer.of(lambda text: _tokens_of(text, thousands="number"))


@tokenise_num.wrong_answer
def tokenise_num_thousands_kept_as_a_token():
    return Answer.of(lambda text: _tokens_of(text, thousands="token"))


@tokenise_num.wrong_answer
def tokenise_num_only_short_numbers_replaced():
    return Answer.of(lambda text: _tokens_of(text, short_numbers_only=True))


@tokenise_num.wrong_answer
def tokenise_num_curly_apostrophes_kept():
    return Answer.of(lambda text: _tokens_of(text, curly=True))


@tokenise_num.wrong_answer
def tokenise_num_casefolded():
    return Answer.of(lambda text: _tokens_of(text, casefold=True))


@tokenise_num.wrong_answer
def tokenise_num_placeholder_in_capitals():
    return Answer.of(lambda text: ["<NUM>" if t == NUMBER else t for t in _tokens_of(text)])


@tokenise_num.wrong_answer
def tokenise_num_split_on_spaces():
    return Answer.of(lambda text: text.split())


@tokenise_num.wrong_answer
def tokenise_num_returns_a_set():
    return Answer.of(lambda text: set(_tokens_of(text)))


# --- 2. features chosen by cross-validation ----------------------------------------------


def feature_candidates() -> dict:
    """The feature variants exercise 2 compares, by name (new objects at each call)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return {
        "word 1- and 2-grams": TfidfVectorizer(ngram_range=(1, 2)),
        "words, sublinear counts": TfidfVectorizer(sublinear_tf=True),
        "1- and 2-grams, no stop words": TfidfVectorizer(ngram_range=(1, 2), stop_words="english"),
    }


CV_FOLDS = 5


def _classifier(features):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(features, LogisticRegression(max_iter=1000))


def _cv_accuracy(model) -> float:
    from sklearn.model_selection import cross_val_score

    train, _ = _split()
    return float(call_learner(cross_val_score, model, train["text"], train["queue"], cv=CV_FOLDS).mean())


@lru_cache(maxsize=1)
def _candidate_scores() -> dict:
    return {name: _cv_accuracy(_classifier(features)) for name, features in feature_candidates().items()}


def _tfidf_problem(model) -> str | None:
    """What keeps ``model`` (a pipeline) from being TF-IDF features then a classifier, or None.

    Every TF-IDF step counts whatever its other switches (``sublinear_tf``, ``norm``,
    ``smooth_idf``, n-grams, stop words); ``use_idf=False`` leaves the term frequencies alone,
    which is not TF-IDF.
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

    steps = [step for _, step in model.steps]
    tfidf = [s for s in steps if isinstance(s, (TfidfTransformer, TfidfVectorizer))]
    counts = [s for s in steps if isinstance(s, CountVectorizer) and not isinstance(s, TfidfVectorizer)]
    if counts and not tfidf:
        return ("turns messages into raw word counts (a CountVectorizer); the exercise asks for TF-IDF weights, "
                "which give less weight to words that occur in many messages.")
    without_idf = [s for s in tfidf if s.get_params().get("use_idf") is False]
    if without_idf:
        return (f"has a TF-IDF step ({type(without_idf[0]).__name__}) with `use_idf=False`: without the inverse "
                "document frequency, each word weighs by its count in the message alone, as in a bag of words. Keep "
                "the IDF (the default).")
    return None


@EXERCISES.exercise(
    "features",
    title="Choose TF-IDF features by cross-validation",
    hints=(
        "For each variant, put it in a pipeline before `LogisticRegression(max_iter=1000)` and score the pipeline "
        "with `cross_val_score(..., train[\"text\"], train[\"queue\"], cv=5)`; keep the mean.",
        "A dict comprehension builds `cv_scores` in one line; `max(cv_scores, key=cv_scores.get)` is the name with "
        "the largest score.",
        "`cv_scores = {name: cross_val_score(make_pipeline(f, LogisticRegression(max_iter=1000)), train[\"text\"], "
        "train[\"queue\"], cv=5).mean() for name, f in candidates.items()}`; then `text_model = "
        "make_pipeline(candidates[best], LogisticRegression(max_iter=1000))`.",
    ),
)
def features(cv_scores, text_model):
    import numpy as np

    if cv_scores is Ellipsis or text_model is Ellipsis:
        raise NotAttempted("`cv_scores` or `text_model` still holds `...`; replace it with your answer.")
    if not isinstance(cv_scores, dict):
        raise Incorrect(f"`cv_scores` should be a dict (variant name: mean accuracy), but it is a "
                        f"{type(cv_scores).__name__}.")
    want = _candidate_scores()
    missing = [name for name in want if name not in cv_scores]
    if missing:
        raise Incorrect(f"`cv_scores` has no score for {', '.join(repr(m) for m in missing)}: one entry per variant "
                        "of `candidates`, under its name.")
    for name, expected in want.items():
        value = cv_scores[name]
        if np.ndim(value) == 1 and len(value) == CV_FOLDS:
            raise Incorrect(f"`cv_scores[{name!r}]` holds {CV_FOLDS} fold scores; its mean is expected.")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise Incorrect(f"`cv_scores[{name!r}]` should be a number, a mean accuracy.") from None
        if not np.isclose(value, expected, rtol=0, atol=1e-6):
            refuse_rounded(value, expected, name=f"cv_scores[{name!r}]")
            if 1 < value <= 100 and abs(value - 100 * expected) <= 0.5:
                raise Incorrect(f"`cv_scores[{name!r}]` reads as a percentage; give the accuracy as a share between 0 "
                                "and 1, unrounded, as `cross_val_score` returns it.")
            raise Incorrect(f"`cv_scores[{name!r}]` is not the mean accuracy of that variant (before "
                            "`LogisticRegression(max_iter=1000)`) in `cross_val_score(..., train[\"text\"], "
                            "train[\"queue\"], cv=5)`: five stratified folds, in the order of the rows.")
    _expect_features_then_classifier(text_model)
    problem = _tfidf_problem(text_model)
    if problem:
        raise Incorrect(f"`text_model` {problem}")
    best = max(want, key=want.get)
    if not np.isclose(_cv_accuracy(text_model), want[best], rtol=0, atol=1e-9):
        raise Incorrect("`text_model` is not the pipeline of the variant with the largest mean score in "
                        "`cv_scores` (scored as `cv_scores` is, its mean accuracy differs from that score).")
    messages, held = _messages(), _holdout()
    fitted = fit_copy(text_model, messages["text"], messages["queue"], name="text_model")
    score = expect_score(
        fitted, held["text"], held["queue"], name="text_model", at_least=MIN_ACCURACY, baseline=_baseline_accuracy()
    )
    return (f"the variant with the best cross-validated accuracy; refitted on {len(messages)} messages, it routes "
            f"{score:.0%} of {len(held)} unseen ones right.")


def _expect_features_then_classifier(model) -> None:
    from sklearn.base import ClassifierMixin
    from sklearn.pipeline import Pipeline

    kind = type(model).__name__
    if not isinstance(model, Pipeline):
        if isinstance(model, ClassifierMixin):
            raise Incorrect(f"`text_model` is a single {kind}, not a Pipeline: a model cannot read strings, so the "
                            "feature step comes first (`make_pipeline` builds one).")
        raise Incorrect(f"`text_model` should be a Pipeline, but it is a {kind}.")
    steps = [step for _, step in model.steps]
    if any(isinstance(step, ClassifierMixin) for step in steps[:-1]):
        raise Incorrect("in `text_model`, a classifier comes before the last step: the feature step turns the "
                        "messages into numbers first, and the classifier comes last.")
    if len(steps) < 2 or not isinstance(steps[-1], ClassifierMixin):
        raise Incorrect("`text_model` should end with the classifier, after the feature step.")


def _scores_right():
    return dict(_candidate_scores())


def _best_name():
    scores = _candidate_scores()
    return max(scores, key=scores.get)


@features.wrong_answer
def features_idf_switched_off():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return Answer.of(_scores_right(), _classifier(TfidfVectorizer(use_idf=False, norm=None)))



@features.wrong_answer
def features_counts_then_a_transformer_without_idf():
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return Answer.of(_scores_right(),
                     make_pipeline(CountVectorizer(), TfidfTransformer(use_idf=False), LogisticRegression(max_iter=1000)))


@features.wrong_answer
def features_word_counts_not_tfidf():
    from sklearn.feature_extraction.text import CountVectorizer

    return Answer.of(_scores_right(), _classifier(CountVectorizer(ngram_range=(1, 2), stop_words="english")))


@features.wrong_answer
def features_not_the_best_variant():
    scores = _candidate_scores()
    worst = min(scores, key=scores.get)
    return Answer.of(_scores_right(), _classifier(feature_candidates()[worst]))



@features.wrong_answer
def features_fold_scores_not_averaged():
    from sklearn.model_selection import cross_val_score

    train, _ = _split()
    scores = {name: cross_val_score(_classifier(f), train["text"], train["queue"], cv=CV_FOLDS)
              for name, f in feature_candidates().items()}
    return Answer.of(scores, _classifier(feature_candidates()[_best_name()]))


@features.wrong_answer
def features_scored_on_the_training_messages():
    train, _ = _split()
    scores = {name: _classifier(f).fit(train["text"], train["queue"]).score(train["text"], train["queue"])
              for name, f in feature_candidates().items()}
    return Answer.of(scores, _classifier(feature_candidates()[max(scores, key=scores.get)]))


@features.wrong_answer
def features_model_only():
    from sklearn.linear_model import LogisticRegression

    return Answer.of(_scores_right(), LogisticRegression(max_iter=1000))


# --- 3. error analysis: the most common confusion, as a function ----------------------------------------


def _most_confused_of(results, *, slip=None):
    """The (true, predicted) pair most frequent among the misrouted rows, or a shortcut that can differ."""
    wrong = results[results["queue"] != results["predicted"]]
    if slip == "prediction_first":  # the most common wrong prediction, then the most common true queue in it
        top = wrong["predicted"].value_counts().idxmax()
        return wrong.loc[wrong["predicted"] == top, "queue"].value_counts().idxmax(), top
    if slip == "queue_first":  # the most common true queue among the errors, then its most common prediction
        top = wrong["queue"].value_counts().idxmax()
        return top, wrong.loc[wrong["queue"] == top, "predicted"].value_counts().idxmax()
    if slip == "all_rows":  # right answers counted too
        return tuple(results.groupby(["queue", "predicted"]).size().idxmax())
    return tuple(wrong.groupby(["queue", "predicted"]).size().idxmax())


def _table_of(pairs: dict, *, seed: int, extra=True, sure: tuple | None = None):
    """A results table with ``pairs[(true, predicted)]`` rows each, shuffled, with an id and text column.

    With ``extra``, a column ``probability`` too: high (0.9) on the rows of the pair ``sure``, low
    (0.3 to 0.4) on the others, so that probabilities summed by pair give another winner than counts.
    """
    import numpy as np
    import pandas as pd

    rows = [(true, predicted) for (true, predicted), n in pairs.items() for _ in range(n)]
    order = np.random.default_rng(seed).permutation(len(rows))
    table = pd.DataFrame([rows[i] for i in order], columns=["queue", "predicted"])
    table.index = 1000 + 7 * np.arange(len(table))[::-1]  # neither 0, 1, 2... nor increasing
    if extra:
        table.insert(0, "text", [f"message {i}" for i in range(len(table))])
        low = np.round(np.linspace(0.3, 0.4, len(table)), 2)
        table["probability"] = np.where([pair == sure for pair in zip(table["queue"], table["predicted"])], 0.9, low)
    return table


def _confusion_cases():
    """``(name, table)``: the lesson's results, then tables made so that each shortcut gives another pair."""
    prediction_first_differs = {  # wrong predictions: shipping 10 (sales 5, stock 4, support 1); the top pair: stock -> support
        ("sales", "sales"): 20, ("shipping", "shipping"): 18, ("stock", "stock"): 25, ("support", "support"): 30,
        ("sales", "shipping"): 5, ("stock", "shipping"): 4, ("support", "shipping"): 1,
        ("stock", "support"): 6, ("stock", "sales"): 3,
    }  # its probabilities are high on stock -> sales only, so that summing them by pair gives that pair
    queue_first_differs = {  # true queue of the errors: stock 12 (5, 4, 3); the top pair: sales -> shipping, 7
        ("sales", "sales"): 15, ("shipping", "shipping"): 22, ("stock", "stock"): 19, ("support", "support"): 16,
        ("sales", "shipping"): 7, ("stock", "sales"): 5, ("stock", "shipping"): 4, ("stock", "support"): 3,
    }
    return [
        ("the lesson's results", _results()),
        ("a table of the check's own", _table_of(prediction_first_differs, seed=31, sure=("stock", "sales"))),
        ("another table of the check's own", _table_of(queue_first_differs, seed=32, extra=False)),
    ]


@lru_cache(maxsize=1)
def _confused_pair() -> tuple[str, str]:
    return _most_confused_of(_results())


@EXERCISES.exercise(
    "most_confused",
    title="Find a classifier's most common confusion, for any table of results",
    hints=(
        "A row is an error when its true queue (column `queue`) differs from the model's (column `predicted`). "
        "Keep those rows first, then count the pairs.",
        "`results[results[\"queue\"] != results[\"predicted\"]]` keeps the errors. Group them by the pair of columns "
        "and count: `.groupby([\"queue\", \"predicted\"]).size()`; `idxmax()` gives the label of the largest count.",
        "`errors = results[results[\"queue\"] != results[\"predicted\"]]`; "
        "`return tuple(errors.groupby([\"queue\", \"predicted\"]).size().idxmax())`",
    ),
)
def most_confused(most_confused):
    import pandas as pd

    if not callable(most_confused):
        raise Incorrect(f"`most_confused` should be a function, but it is a {type(most_confused).__name__}.")
    for name, table in _confusion_cases():
        pair = call_learner(most_confused, table.copy())
        if pair is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        if isinstance(pair, pd.Series) and pair.dtype == bool:
            raise Incorrect(f"on {name}, `most_confused` returned a True/False Series, one value per row: it says "
                            "which rows are errors; use it to select those rows of `results`, then count the pairs.")
        if isinstance(pair, (pd.DataFrame, pd.Series)):
            raise Incorrect(f"on {name}, `most_confused` returned a {type(pair).__name__}; a pair of queue names, "
                            "(true queue, predicted queue), is expected.")
        if isinstance(pair, str):
            raise Incorrect(f"on {name}, `most_confused` returned one queue name; a pair, (true queue, predicted "
                            "queue), is expected.")
        pair = as_pair(pair, name="most_confused(results)", what="a pair of queue names, (true queue, predicted queue)")
        if not all(isinstance(queue, str) for queue in pair):
            raise Incorrect("`most_confused` should return two queue names (strings), (true queue, predicted queue).")
        want = _most_confused_of(table)
        if pair == want:
            continue
        if pair == want[::-1]:
            raise Incorrect(f"on {name}, `most_confused` returned the most frequent pair the wrong way round, its "
                            "two queues swapped: the true queue comes first, then the predicted one.")
        if pair[0] == pair[1]:
            raise Incorrect(f"on {name}, `most_confused` returned a pair of the same queue twice, a message routed "
                            "right: count only the rows where the two queues differ.")
        wrong = table[table["queue"] != table["predicted"]]
        counts = wrong.groupby(["queue", "predicted"]).size()
        if pair in counts.index:
            raise Incorrect(f"on {name}, the pair {pair!r} occurs {int(counts[pair])} times among the errors, but "
                            f"another pair occurs {int(counts.max())} times. Count the (true, predicted) pairs "
                            "themselves: for example, the most common wrong prediction, or the true queue with most "
                            "errors, need not belong to the most frequent pair.")
        raise Incorrect(f"on {name}, `most_confused` did not return the (true, predicted) pair that occurs most "
                        "often among the errors.")
    results = _results()
    count = int(((results["queue"] == _confused_pair()[0]) & (results["predicted"] == _confused_pair()[1])).sum())
    wrong = int((results["queue"] != results["predicted"]).sum())
    return (f"right on the lesson's results ({count} of its {wrong} errors are that pair) and on "
            f"{len(_confusion_cases()) - 1} tables of the check's own.")


@most_confused.wrong_answer
def most_confused_prediction_first():
    return Answer.of(lambda results: _most_confused_of(results, slip="prediction_first"))


@most_confused.wrong_answer
def most_confused_queue_first():
    return Answer.of(lambda results: _most_confused_of(results, slip="queue_first"))


@most_confused.wrong_answer
def most_confused_weighted_by_probability():
    def weighted(results):
        wrong = results[results["queue"] != results["predicted"]]
        if "probability" in wrong:
            return tuple(wrong.groupby(["queue", "predicted"])["probability"].sum().idxmax())
        return tuple(wrong.groupby(["queue", "predicted"]).size().idxmax())

    return Answer.of(weighted)


@most_confused.wrong_answer
def most_confused_right_answers_counted():
    return Answer.of(lambda results: _most_confused_of(results, slip="all_rows"))


@most_confused.wrong_answer
def most_confused_pair_reversed():
    return Answer.of(lambda results: _most_confused_of(results)[::-1])


@most_confused.wrong_answer
def most_confused_the_error_mask():
    return Answer.of(lambda results: results["queue"] != results["predicted"])


@most_confused.wrong_answer
def most_confused_most_frequent_true_queue_only():
    def true_queue(results):
        wrong = results[results["queue"] != results["predicted"]]
        return wrong["queue"].value_counts().idxmax()

    return Answer.of(true_queue)


@most_confused.wrong_answer
def most_confused_lessons_pair_always():
    return Answer.of(lambda results: _confused_pair())


@most_confused.secret_values
def most_confused_secrets():
    first, second = _confused_pair()
    return [f"({first!r}, {second!r})"]


# --- 4. positive pointwise mutual information --------------------------------------------

PPMI_RTOL, PPMI_ATOL = 1e-5, 1e-7


def _ppmi_cases():
    """``(counts, alpha)`` pairs: rectangular count matrices with zeros, no empty row or column.

    Rows and columns have different totals (so swapping their roles shows), some cells are
    rarer than chance (negative PMI) and some are zero; ``alpha`` is 1 (plain PPMI) and below.
    """
    import numpy as np

    rng = np.random.default_rng(2115)
    cases = []
    for shape, rate, alpha in (((5, 7), 1.6, 0.75), ((6, 4), 2.5, 1.0), ((4, 9), 1.2, 0.5)):
        counts = rng.poisson(rate, shape).astype(float)
        counts[np.arange(shape[0]), np.arange(shape[0]) % shape[1]] += 1 + np.arange(shape[0])
        counts[np.arange(shape[1]) % shape[0], np.arange(shape[1])] += 1  # no empty row or column
        cases.append((counts, alpha))
    return cases


def _ppmi_of(counts, alpha, *, log=None, floor=True, smooth_rows=False, renormalise=True):
    """PPMI computed as the exercise asks, or with one slip (a wrong answer the check recognises)."""
    import numpy as np

    log = log or np.log
    total = counts.sum()
    rows = counts.sum(axis=1, keepdims=True) ** (alpha if smooth_rows else 1.0)
    columns = counts.sum(axis=0, keepdims=True) ** alpha
    p_word = rows / rows.sum() if smooth_rows else rows / total
    p_context = columns / columns.sum() if renormalise else (counts.sum(axis=0, keepdims=True) / total) ** alpha
    with np.errstate(divide="ignore"):
        pmi = log(counts / total / (p_word * p_context))
    return np.maximum(pmi, 0.0) if floor else pmi


def _scipy_sparse(value) -> bool:
    """Whether ``value`` is a sparse matrix or array of SciPy itself (not a learner's subclass)."""
    import sys

    from mlkit.course.checks.plain import _from_trusted_library

    sparse = sys.modules.get("scipy.sparse")
    if sparse is None or not sparse.issparse(value):
        return False
    classes = [c for c in type(value).__mro__ if c is not object]
    return all(_from_trusted_library(c, frozenset({"scipy", "abc"})) for c in classes)


def _read_ppmi(result, counts):
    """What ``ppmi`` returned as a float array of the shape of ``counts`` (a SciPy sparse matrix made dense)."""
    if _scipy_sparse(result):
        result = result.toarray()
    return returned_array(result, name="what `ppmi` returned", shape=counts.shape)


KIT = "mlkit.topics.text"  # the module whose ppmi and attention the checks compare with, withheld from the learner


def _refuse_the_kits_own(function, name: str) -> None:
    """Refuse ``mlkit.topics.text.<name>`` itself (or a partial of it): the function the check compares with.

    A function that calls the kit's through the module (``text.ppmi(...)``) is refused by
    :func:`~mlkit.course.checks.withheld.withheld` while it runs; this catches the kit's function
    handed over as the answer, which the stand-in cannot replace.
    """
    import functools

    from mlkit.topics import text

    kit = getattr(text, name)
    while isinstance(function, functools.partial):
        function = function.func
    if function is kit or getattr(function, "__wrapped__", None) is kit:
        raise Incorrect(f"`{name}` is the kit's own `mlkit.topics.text.{name}`, the function this check compares "
                        "with: write it yourself, with NumPy.")


def _same(got, want) -> bool:
    import numpy as np

    return bool(np.allclose(got, want, rtol=PPMI_RTOL, atol=PPMI_ATOL))


@EXERCISES.exercise(
    "ppmi",
    title="Weigh co-occurrence counts by PPMI, with smoothed contexts",
    hints=(
        "Three shares of the total count: of the cell, P(w, c); of its row, P(w); of its column, P(c). PMI is "
        "the log of P(w, c) / (P(w) P(c)); PPMI keeps it where it is positive and puts 0 elsewhere.",
        "`counts.sum(axis=1, keepdims=True)` holds the row totals as a column, `counts.sum(axis=0, keepdims=True)` "
        "the column totals as a row, so that they broadcast against `counts`. For the smoothing, raise the column "
        "totals to the power `alpha`, then divide by *their* sum.",
        "`context = counts.sum(axis=0, keepdims=True) ** alpha`; `p_context = context / context.sum()`; then "
        "`np.maximum(np.log(p_joint / (p_word * p_context)), 0.0)` inside `with np.errstate(divide=\"ignore\"):`.",
    ),
)
def ppmi(ppmi):
    import numpy as np

    from mlkit.topics import text

    if not callable(ppmi):
        raise Incorrect(f"`ppmi` should be a function, but it is a {type(ppmi).__name__}.")
    _refuse_the_kits_own(ppmi, "ppmi")
    for counts, alpha in _ppmi_cases():
        with withheld(text, ["ppmi"], exercise="ppmi", alias=KIT):
            result = call_learner(ppmi, counts.copy(), alpha)
        got = _read_ppmi(result, counts)
        want = text.ppmi(counts, alpha)
        if _same(got, want):
            continue
        if np.isnan(got).any():
            raise Incorrect("`ppmi` returned NaN values: a cell with a zero count has no PMI to keep, and its PPMI is 0.")
        if (got < 0).any():
            raise Incorrect("`ppmi` returned negative values: the *positive* PMI keeps only the positive values and "
                            "puts 0 in every other cell, zero counts included.")
        for name, log in (("base 2", np.log2), ("base 10", np.log10)):
            if _same(got, _ppmi_of(counts, alpha, log=log)):
                raise Incorrect(f"`ppmi` uses the logarithm of {name}; the exercise asks for the natural logarithm, "
                                "`np.log`.")
        if alpha != 1.0 and _same(got, _ppmi_of(counts, 1.0)):
            raise Incorrect(f"`ppmi(counts, alpha={alpha})` gives plain PPMI: the column totals are not raised to the "
                            "power `alpha`.")
        if _same(got, _ppmi_of(counts.T, alpha).T):
            raise Incorrect("`ppmi` smooths the rows (the words) instead of the columns (the contexts).")
        if alpha != 1.0 and _same(got, _ppmi_of(counts, alpha, smooth_rows=True)):
            raise Incorrect("`ppmi` raises the row totals to the power `alpha` as well; only the contexts, the "
                            "columns, are smoothed.")
        if alpha != 1.0 and _same(got, _ppmi_of(counts, alpha, renormalise=False)):
            raise Incorrect("the smoothed context probabilities do not sum to 1: raise the column *totals* to the "
                            "power `alpha`, then divide them by their own sum.")
        wrong = int((~np.isclose(got, want, rtol=PPMI_RTOL, atol=PPMI_ATOL)).sum())
        raise Incorrect(f"for counts of shape {counts.shape} and alpha={alpha}, {wrong} of the {counts.size} values "
                        "of `ppmi` are not right.")
    return "right on three count matrices of other shapes, with zero counts, plain and smoothed."


def _ppmi_answer(**slip):
    return Answer.of(lambda counts, alpha: _ppmi_of(counts, alpha, **slip))


@ppmi.wrong_answer
def ppmi_the_kits_own_function():
    from mlkit.topics import text

    return Answer.of(text.ppmi)


@ppmi.wrong_answer
def ppmi_calls_the_kits_function():
    def through_the_kit(counts, alpha):
        from mlkit.topics import text

        return text.ppmi(counts, alpha)

    return Answer.of(through_the_kit)


@ppmi.wrong_answer
def ppmi_negative_values_kept():
    return _ppmi_answer(floor=False)


@ppmi.wrong_answer
def ppmi_base_2():
    import numpy as np

    return _ppmi_answer(log=np.log2)


@ppmi.wrong_answer
def ppmi_alpha_ignored():
    return Answer.of(lambda counts, alpha: _ppmi_of(counts, 1.0))


@ppmi.wrong_answer
def ppmi_rows_smoothed_too():
    return _ppmi_answer(smooth_rows=True)


@ppmi.wrong_answer
def ppmi_shares_not_renormalised():
    return _ppmi_answer(renormalise=False)


@ppmi.wrong_answer
def ppmi_words_and_contexts_swapped():
    return Answer.of(lambda counts, alpha: _ppmi_of(counts.T, alpha).T)


# --- 5. scaled dot-product attention ----------------------------------------------------------

ATTENTION_RTOL, ATTENTION_ATOL = 1e-5, 1e-7
LARGE_SCORES = 30.0  # queries and keys scaled by this give scores whose exp overflows unless shifted


def _attention_cases():
    """``(Q, K, V, mask)`` for cross-attention, causal and padding masks, no mask, and large scores.

    The sizes differ from case to case and from each other (queries, keys, d, values), so a
    transposed product or a scale by the wrong size shows; every query keeps at least one key.
    """
    import numpy as np

    rng = np.random.default_rng(2121)

    def draw(n_q, n_k, d, d_v, scale=1.0, key_mean=-0.3):
        Q = rng.normal(0.4, 1.0, (n_q, d)) * scale
        K = rng.normal(key_mean, 1.2, (n_k, d)) * scale
        V = rng.normal(1.5, 2.0, (n_k, d_v))
        return Q, K, V

    holes = np.array([[1, 1, 0, 1, 1], [1, 0, 1, 1, 0], [0, 1, 1, 1, 1]], dtype=bool)
    padding = np.repeat(np.array([[True, True, True, True, False, False]]), 4, axis=0)
    large = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=bool)
    return [
        (*draw(3, 5, 4, 2), holes),
        (*draw(6, 6, 3, 5), np.tril(np.ones((6, 6), dtype=bool))),
        (*draw(4, 6, 8, 3), padding),
        (*draw(2, 7, 5, 4), np.ones((2, 7), dtype=bool)),
        (*draw(5, 3, 2, 6, scale=LARGE_SCORES, key_mean=1.0), large),
    ]


def _attention_of(Q, K, V, mask, *, scale="sqrt", axis=1, use_mask=True, invert=False, shift=True,
                  mask_after_exp=False, shift_before_mask=False):
    """Attention as the exercise asks, or with one slip (a wrong answer the check recognises).

    ``shift`` is True (each row's largest score), False (none) or ``"global"`` (the largest of
    the table); ``mask_after_exp`` multiplies the exponentials by the mask instead of setting the
    masked scores to ``-inf`` (so a row's largest score may belong to a hidden key);
    ``shift_before_mask`` subtracts each row's largest score over all keys, then sets the masked
    scores to ``-inf`` (the same weights as ``mask_after_exp``, reached in another order).
    """
    import numpy as np

    divisor = {"sqrt": np.sqrt(Q.shape[1]), "none": 1.0, "d": Q.shape[1]}[scale]
    scores = Q @ K.T / divisor
    allowed = ~mask if invert else mask
    if shift_before_mask:
        scores = scores - scores.max(axis=axis, keepdims=True)
        shift = False
    if use_mask and not mask_after_exp:
        scores = np.where(allowed, scores, -np.inf)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if shift == "global":
            scores = scores - scores[np.isfinite(scores)].max()
        elif shift:
            scores = scores - scores.max(axis=axis, keepdims=True)
        weights = np.exp(scores)
        if use_mask and mask_after_exp:
            weights = weights * allowed
        weights = weights / weights.sum(axis=axis, keepdims=True)
        return weights @ V, weights


ATTENTION_NAN_SLIPS = (
    ({"shift": False}, "`np.exp` of a large score overflows. Subtract each row's largest unmasked score before "
                       "`np.exp`; the softmax does not change."),
    ({"mask_after_exp": True}, "each row's largest score is taken over all its keys, hidden ones included (the "
                               "largest score is subtracted before the mask is applied, or the mask is applied after "
                               "`np.exp`), so when it belongs to a hidden key, `np.exp` of every allowed score "
                               "underflows to 0 and the row is 0 / 0. Set the masked scores to `-np.inf` *before* "
                               "taking each row's largest score, so that the largest unmasked score is subtracted."),
    ({"shift": "global"}, "the largest score of the whole table is subtracted, so in a row whose scores are all far "
                          "below it, `np.exp` underflows to 0 and the row is 0 / 0. Subtract each *row's* largest "
                          "score."),
    ({"shift": "global", "mask_after_exp": True},
     "the largest score of the whole table, hidden keys included, is subtracted, so in some rows `np.exp` of every "
     "allowed score underflows to 0 and the row is 0 / 0. Set the masked scores to `-np.inf`, then subtract each "
     "*row's* largest unmasked score."),
)


def _same_with_nan(got, want) -> bool:
    """Same values, NaN where the other has NaN (an answer that fails the same way as a known slip)."""
    import numpy as np

    return bool(np.allclose(got, want, rtol=ATTENTION_RTOL, atol=ATTENTION_ATOL, equal_nan=True))


def _read_attention(result, n_queries, n_keys, n_values):
    """``(outputs, weights)`` as float arrays, or Incorrect naming what was returned instead."""
    import numpy as np

    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect("`attention` should return two arrays, `(outputs, weights)`.")
    if any(part is Ellipsis for part in result):
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    for part, name in zip(result, ("outputs", "weights")):
        refuse_non_numbers(part, name=f"the {name} `attention` returned")
    try:
        outputs, weights = (np.asarray(part, dtype=float) for part in result)
    except (TypeError, ValueError):
        raise Incorrect("`attention` should return two arrays of numbers, `(outputs, weights)`.") from None
    wanted = ((n_queries, n_values), (n_queries, n_keys))
    if (outputs.shape, weights.shape) == wanted[::-1]:
        raise Incorrect("`attention` returns the weights first; the order asked for is `(outputs, weights)`.")
    if weights.shape != wanted[1]:
        raise Incorrect(f"for {n_queries} queries and {n_keys} keys, the weights have shape {weights.shape}; one "
                        f"weight per query and key, shape {wanted[1]}, is expected.")
    if outputs.shape != wanted[0]:
        raise Incorrect(f"for {n_queries} queries and values of {n_values} numbers, the outputs have shape "
                        f"{outputs.shape}; shape {wanted[0]} is expected.")
    return outputs, weights


def _close(got, want) -> bool:
    import numpy as np

    return bool(np.allclose(got, want, rtol=ATTENTION_RTOL, atol=ATTENTION_ATOL))


@EXERCISES.exercise(
    "attention",
    title="Write scaled dot-product attention with a mask",
    hints=(
        "Four steps: the scores `Q @ K.T` divided by the square root of d; a very negative score (`-np.inf`) where "
        "the mask is False; a softmax of each row (over the keys); then the weights times `V`.",
        "For the softmax of each row, once the masked scores are `-np.inf`, subtract the row's largest score (which "
        "is now the largest unmasked one: `scores.max(axis=1, keepdims=True)`), take `np.exp`, and divide by the "
        "row's sum (`axis=1, keepdims=True` again). `np.where(mask, scores, -np.inf)` keeps a score where the mask "
        "is True.",
        "`scores = np.where(mask, Q @ K.T / np.sqrt(Q.shape[1]), -np.inf)`; `weights = np.exp(scores - "
        "scores.max(axis=1, keepdims=True))`; `weights = weights / weights.sum(axis=1, keepdims=True)`; "
        "`return weights @ V, weights`",
    ),
)
def attention(attention):
    import numpy as np

    from mlkit.topics import text

    if not callable(attention):
        raise Incorrect(f"`attention` should be a function, but it is a {type(attention).__name__}.")
    _refuse_the_kits_own(attention, "attention")
    for Q, K, V, mask in _attention_cases():
        shapes = f"Q {Q.shape}, K {K.shape}, V {V.shape}"
        with withheld(text, ["attention"], exercise="attention", alias=KIT):
            result = call_learner(attention, Q.copy(), K.copy(), V.copy(), mask.copy())
        outputs, weights = _read_attention(result, len(Q), len(K), V.shape[1])
        want_outputs, want_weights = _attention_of(Q, K, V, mask)
        large = np.abs(Q).max() > LARGE_SCORES / 2
        if not (np.isfinite(weights).all() and np.isfinite(outputs).all()):
            if large:
                for slip, why in ATTENTION_NAN_SLIPS:
                    if _same_with_nan(weights, _attention_of(Q, K, V, mask, **slip)[1]):
                        raise Incorrect(f"for large scores ({shapes}), `attention` returns NaN or infinite values: "
                                        f"{why}")
                raise Incorrect(f"for large scores ({shapes}), `attention` returns NaN or infinite values. Set the "
                                "masked scores to `-np.inf` first, then subtract each row's largest score before "
                                "`np.exp`; the softmax does not change.")
            raise Incorrect(f"for {shapes}, `attention` returns NaN or infinite values: a masked key should get a "
                            "score of `-np.inf`, whose `exp` is 0, and every row keeps at least one key.")
        if _close(weights, want_weights):
            if not _close(outputs, want_outputs):
                raise Incorrect(f"for {shapes}, the weights are right but the outputs are not: each output row is "
                                "the weighted sum of the rows of `V`, with that query's weights.")
            continue
        if not _close(weights.sum(axis=1), 1.0):
            if _close(weights.sum(axis=0), 1.0):
                raise Incorrect(f"for {shapes}, each *column* of the weights sums to 1: the softmax ran over the "
                                "queries. Each query's weights, a row, are a distribution over the keys.")
            raise Incorrect(f"for {shapes}, the rows of the weights do not sum to 1: each query's weights are a "
                            "softmax over the keys.")
        if _close(weights, _attention_of(Q, K, V, mask, invert=True)[1]):
            raise Incorrect(f"for {shapes}, the weights fall on the keys the mask hides: `mask` is True where the "
                            "query *may* attend to the key.")
        if (weights[~mask] > ATTENTION_ATOL).any():
            raise Incorrect(f"for {shapes}, some query gives weight to a key the mask hides (False); those "
                            "weights should be 0.")
        if _close(weights, _attention_of(Q, K, V, mask, scale="none")[1]):
            raise Incorrect(f"for {shapes}, the scores are not scaled: divide `Q @ K.T` by the square root of d, "
                            "the length of a query.")
        if _close(weights, _attention_of(Q, K, V, mask, scale="d")[1]):
            raise Incorrect(f"for {shapes}, the scores are divided by d itself; the scale is its square root.")
        raise Incorrect(f"for {shapes}, the weights are not the softmax over the keys of `Q @ K.T / sqrt(d)`.")
    return "right on five sets of inputs: cross-attention, causal and padding masks, no mask, and large scores."


def _attention_answer(**slip):
    return Answer.of(lambda Q, K, V, mask: _attention_of(Q, K, V, mask, **slip))


@attention.wrong_answer
def attention_the_kits_own_function():
    from mlkit.topics import text

    return Answer.of(text.attention)


@attention.wrong_answer
def attention_calls_the_kits_function():
    def through_the_kit(Q, K, V, mask):
        from mlkit.topics import text

        return text.attention(Q, K, V, mask)

    return Answer.of(through_the_kit)


@attention.wrong_answer
def attention_without_the_scale():
    return _attention_answer(scale="none")


@attention.wrong_answer
def attention_scaled_by_d():
    return _attention_answer(scale="d")


@attention.wrong_answer
def attention_softmax_over_the_queries():
    return _attention_answer(axis=0)


@attention.wrong_answer
def attention_mask_ignored():
    return _attention_answer(use_mask=False)


@attention.wrong_answer
def attention_mask_inverted():
    return _attention_answer(invert=True)


@attention.wrong_answer
def attention_softmax_not_shifted():
    return _attention_answer(shift=False)


@attention.wrong_answer
def attention_shifted_before_the_mask():
    """Each row's largest score over all keys subtracted, then the mask, then ``np.exp``.

    Its weights are those of the mask applied after ``np.exp`` (``mask_after_exp``), to the last
    bit, so the check cannot tell the two orders apart and gives both one message, which names both;
    only this one is registered, as each registered wrong answer has a message of its own.
    """
    return _attention_answer(shift_before_mask=True)


@attention.wrong_answer
def attention_shifted_by_the_largest_score_of_all():
    return _attention_answer(shift="global")


@attention.wrong_answer
def attention_weights_first():
    def swapped(Q, K, V, mask):
        outputs, weights = _attention_of(Q, K, V, mask)
        return weights, outputs

    return Answer.of(swapped)


@attention.wrong_answer
def attention_outputs_not_weighted():
    def unweighted(Q, K, V, mask):
        _, weights = _attention_of(Q, K, V, mask)
        return _mean_of_values(V, len(Q)), weights

    return Answer.of(unweighted)


def _mean_of_values(V, n_queries):
    """Every query's output the plain mean of the values (the weights left out)."""
    import numpy as np

    return np.repeat(V.mean(axis=0, keepdims=True), n_queries, axis=0)


# --- 6. a judgement ------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "B": "one small model trained from nothing on a few hundred messages says little about attention in "
    "general: transformers pretrained on a lot of text are usually much stronger text classifiers once fine-tuned. "
    "What lost here is the attempt to learn word vectors and attention from 220 messages.",
    "C": "training accuracy rises while a network memorises its few training messages; the validation loss "
    "already stopped falling. More epochs fit the noise, not the task.",
    "D": "the test messages would then choose the epoch, so its test accuracy is the best of many tries on them: "
    "an optimistic figure, and no longer a fair comparison with TF-IDF.",
}


@EXERCISES.exercise(
    "judgement",
    title="Judge the tiny transformer against TF-IDF",
    hints=(
        "Count what each model has to learn from the 220 messages it is fitted on: the transformer its word vectors, "
        "positions and attention, tens of thousands of weights; the TF-IDF model one weight per word and queue.",
        "Which data may choose a number of epochs, and where does knowledge of words come from when your own "
        "labelled messages are few?",
        "Look for the statement that blames the amount of data, not attention, and keeps the test set for the end.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="A", feedback=JUDGEMENT_FEEDBACK)
    return ("a few hundred labels cannot train a transformer from nothing; pretrained weights, fine-tuned and "
            "tested on the same messages, are the fair next try.")


@judgement.wrong_answer
def judgement_attention_does_not_work():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_train_longer():
    return Answer.of("C")


@judgement.wrong_answer
def judgement_choose_epochs_on_test():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'A'", "Option A"]
