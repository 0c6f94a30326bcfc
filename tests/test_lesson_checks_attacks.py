"""Lessons an author could write by mistake, run through the claims check and the test-set check.

Each case is a small notebook: a lesson that tunes on its test set, prose that states a number
no cell shows, or correct work that a check must let through. A test that passes documents a
case the check handles; a test marked ``xfail(strict=True)`` is a gap the check has today (a
mistake it misses, or correct work it flags). Fixing the check turns that test into a pass, and
``strict`` then asks for the mark to be removed.
"""

from __future__ import annotations

import nbformat
import pytest

from mlkit.course.authoring.claims import unsupported_numbers
from mlkit.course.authoring.final_evaluation import TAG, check_test_set


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells.extend(cells)
    return nb


def code(source, final=False, printed=""):
    cell = nbformat.v4.new_code_cell(source)
    if final:
        cell.metadata["tags"] = [TAG]
    if printed:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    return cell


md = nbformat.v4.new_markdown_cell

SPLIT = code("from sklearn.model_selection import train_test_split\n"
             "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)")


def reasons(*cells):
    """The test-set check's findings on a notebook that starts with the usual split."""
    return [f.reason for f in check_test_set(notebook(SPLIT, *cells))]


def choices(source):
    """What the test-set check says a ``final-evaluation`` cell holding ``source`` chooses."""
    return [r for r in reasons(code(source, final=True)) if "is tagged final-evaluation but" in r]


def gap(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


# ---------------------------------------------------------------------------------------------
# The test-set check: choosing on test data inside a final-evaluation cell
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, what",
    [
        ("model.fit(X_train, y_train, epochs=50, validation_data=(X_test, y_test),\n"
         "          callbacks=[EarlyStopping(restore_best_weights=True)])", "fits on test data"),
        ("booster.fit(X_train, y_train, eval_set=[(X_test, y_test)])", "fits on test data"),
        ("scaler = StandardScaler().fit(X_test)", "fits on test data"),
        ("best_score, best_alpha = 0, None\nfor a in alphas:\n"
         "    s = Ridge(alpha=a).fit(X_train, y_train).score(X_test, y_test)\n"
         "    if s > best_score:\n        best_score, best_alpha = s, a", "compares test results"),
        ("scores = np.array([fitted[a].score(X_test, y_test) for a in alphas])\n"
         "best = alphas[np.where(scores == scores.max())[0][0]]", "picks max"),
        ("ranking = pd.Series({a: fitted[a].score(X_test, y_test) for a in alphas}).sort_values()", "picks sort_values"),
        ("accs = [m.score(X_test, y_test) for m in models]\nbest = models[accs.index(max(accs))]", "picks max"),
        ("search = GridSearchCV(model, grid).fit(X_train, y_train)\n"
         "final = search.best_estimator_ if search.score(X_test, y_test) >= base.score(X_test, y_test) else base",
         "compares test results"),
        ("best = sorted(models, key=lambda m: m.score(X_test, y_test))[-1]", "picks sorted"),
        ("p, r, t = precision_recall_curve(y_test, proba_test)\nbest = t[np.argmax(2 * p * r / (p + r))]", "picks argmax"),
        ("cut = np.quantile(proba_test, 0.95)\nflagged = proba_test >= cut", "compares test results"),
    ],
    ids=["early-stopping", "eval-set", "scaler", "if-better", "np-where-max", "series-sort", "index-max",
         "search-then-compare", "sorted-key", "pr-curve-argmax", "threshold-from-test-quantile"],
)
def test_a_tagged_cell_that_chooses_on_test_data_is_found(source, what):
    found = choices(source)
    assert any(what in r for r in found), found


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("print(cross_val_score(model, X_test, y_test, cv=5).mean())",
                     id="cross-val-score"),
        pytest.param("train_s, valid_s = validation_curve(Ridge(), X_test, y_test, param_name='alpha', param_range=alphas)",
                     id="validation-curve"),
        pytest.param("order = np.argsort([m.score(X_test, y_test) for m in models])\nbest = models[order[-1]]",
                     id="argsort"),
        pytest.param("scores = np.array([fitted[a].score(X_test, y_test) for a in alphas])\n"
                     "best = alphas[np.flatnonzero(scores == np.amax(scores))[0]]",
                     id="amax"),
        pytest.param("for a in [0.1, 1, 10]:\n    m = Ridge(alpha=a).fit(X_train, y_train)\n"
                     "    print(a, m.score(X_test, y_test))",
                     id="sweep-printed"),
    ],
)
def test_more_ways_of_choosing_on_test_data_are_found(source):
    assert choices(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("pred = model.predict_proba(X_test).argmax(axis=1)\nprint(accuracy_score(y_test, pred))",
                     id="argmax-classes"),
        pytest.param("pred = model(x_test).argmax(dim=1)\nprint((pred == y_test).float().mean())",
                     id="torch-argmax"),
        pytest.param("proba_test = model.predict_proba(X_test)[:, 1]\n"
                     "print(recall_score(y_test, proba_test >= threshold))",
                     id="apply-threshold"),
        pytest.param("pred = model.predict(X_test)\nplt.scatter(y_test, pred)\n"
                     "plt.plot([y_test.min(), y_test.max()], [y_test.min(), y_test.max()])",
                     id="diagonal"),
        pytest.param("errors = np.abs(model.predict(X_test) - y_test)\n"
                     "print(f'largest error {errors.max():.1f}, within 5: {(errors < 5).mean():.0%}')",
                     marks=gap("the largest error and a share within a tolerance are reports"), id="max-error"),
        pytest.param("plt.plot(np.sort(y_test), np.sort(model.predict(X_test)))",
                     id="sorted-plot"),
        pytest.param("for name, m in models.items():\n    print(name, m.score(X_test, y_test))", id="one-score-per-model"),
        pytest.param("fpr, tpr, _ = roc_curve(y_test, model.predict_proba(X_test)[:, 1])\nplt.plot(fpr, tpr)", id="roc-curve"),
    ],
)
def test_a_tagged_cell_that_only_reports_passes(source):
    assert choices(source) == []


# ---------------------------------------------------------------------------------------------
# The test-set check: what counts as test data
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param([code("data = {'train': X_train, 'test': X_test}", final=True),
                      code("print(data['test'].mean())")], id="dict"),
        pytest.param([code("on_test = lambda m: m.score(X_test, y_test)", final=True),
                      code("best = max(models, key=on_test)")], id="lambda"),
        pytest.param([code("print(cross_val_score(model, X_test, y_test).mean())")], id="cross-val-score"),
        pytest.param([code("X_tr, X_te, y_tr, y_te = train_test_split(X, y)"), code("print(model.score(X_te, y_te))")],
                     id="short-names-from-split"),
        pytest.param([code("X_train, X_test = X[:400], X[400:]\ny_train, y_test = y[:400], y[400:]"),
                      code("print(model.score(X_test, y_test))")], id="slicing"),
        pytest.param([code("model.fit(X_train, y_train, validation_data=(X_test, y_test))")], id="early-stopping"),
    ],
)
def test_test_data_under_another_form_is_found(cells):
    assert any("without the tag" in r for r in reasons(*cells))


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param([code("print(model.score(Xtest, ytest))")], id="Xtest"),
        pytest.param([code("print(model.score(X_holdout, y_holdout))")], id="holdout"),
        pytest.param([code("testset = CIFAR10(root, train=False)\ntestloader = DataLoader(testset)"),
                      code("print(evaluate(net, testloader))")],
                     id="testset"),
        pytest.param([code("print(model.score(X_test2, y_test2))")], id="X_test2"),
        pytest.param([code("X_tr, X_te = X[:400], X[400:]\ny_tr, y_te = y[:400], y[400:]"),
                      code("print(model.score(X_te, y_te))")],
                     marks=gap("_te is a test name only when train_test_split made it"), id="sliced-te"),
        pytest.param([code("from sklearn.model_selection import train_test_split as tts\nX_a, X_b, y_a, y_b = tts(X, y)"),
                      code("print(model.score(X_b, y_b))")],
                     id="split-alias"),
        pytest.param([code("news = fetch_20newsgroups(subset='test')"), code("print(model.score(news.data, news.target))")],
                     id="subset-test"),
        pytest.param([code("reviews = load_dataset('imdb', split='test')"), code("print(model.score(reviews['text'], reviews['label']))")],
                     id="split-test"),
        pytest.param([code("held = datasets.MNIST(root, train=False)"), code("print(evaluate(net, held))")],
                     id="train-false"),
        pytest.param([code("held = frame[frame['split'] == 'test']"), code("print(model.score(held[columns], held['y']))")],
                     id="rows-labelled-test"),
        pytest.param([code("trainer = Trainer(model, train_dataset=ds['train'], eval_dataset=ds['test'])")],
                     id="key-test"),
    ],
)
def test_test_data_under_other_names_is_found(cells):
    assert any("without the tag" in r for r in reasons(*cells))


def test_scores_appended_in_a_tagged_cell_are_test_data_where_they_are_chosen_from():
    found = reasons(
        code("scores = []\nfor a in alphas:\n    scores.append(fitted[a].score(X_test, y_test))", final=True),
        code("best_alpha = alphas[int(np.argmax(scores))]"),
    )
    assert any("(scores)" in r and "without the tag" in r for r in found), found


def test_a_function_that_reads_test_data_is_test_data_where_it_is_called():
    found = reasons(
        code("def evaluate(model):\n    return model.score(X_test, y_test)", final=True),
        code("best = max(alphas, key=lambda a: evaluate(Ridge(alpha=a).fit(X_train, y_train)))"),
    )
    assert any("(evaluate)" in r for r in found), found


def test_a_function_with_test_data_as_default_arguments_is_test_data():
    found = reasons(
        code("def evaluate(model, X=X_test, y=y_test):\n    return model.score(X, y)", final=True),
        code("scores = {a: evaluate(Ridge(alpha=a).fit(X_train, y_train)) for a in alphas}"),
    )
    assert any("(evaluate)" in r for r in found), found


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param([code("X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.25)"),
                      code("print(model.score(X_val, y_val))")], id="validation-split"),
        pytest.param([code("X_fit, X_va, y_fit, y_va = train_test_split(X_train, y_train, test_size=0.25)"),
                      code("print(model.score(X_va, y_va))")],
                     id="validation-split-va"),
        pytest.param([code("scores = []\nfor train_idx, test_idx in KFold(5).split(X_train):\n"
                           "    m = Ridge().fit(X_train[train_idx], y_train[train_idx])\n"
                           "    scores.append(m.score(X_train[test_idx], y_train[test_idx]))")],
                     id="hand-written-cv"),
        pytest.param([code("train_scores, test_scores = validation_curve(Ridge(), X_train, y_train, "
                           "param_name='alpha', param_range=alphas)\nbest = alphas[test_scores.mean(axis=1).argmax()]")],
                     id="validation-curve"),
        pytest.param([code("mean_test_score = search.cv_results_['mean_test_score']\nprint(mean_test_score.round(3))")],
                     id="mean-test-score"),
        pytest.param([code("from scipy import stats\nt_test = stats.ttest_ind(a, b)\nprint(t_test.pvalue)")],
                     id="t-test"),
        pytest.param([code("proba = model.predict_proba(X_test)[:, 1]\nprint(roc_auc_score(y_test, proba))", final=True),
                      code("proba = model.predict_proba(X_val)[:, 1]\nprint(proba.mean())")],
                     marks=gap("a name stays test data after it is given a value computed from other data"),
                     id="name-reused"),
    ],
)
def test_choosing_on_validation_data_or_by_cross_validation_passes(cells):
    assert reasons(*cells) == []


# ---------------------------------------------------------------------------------------------
# The claims check
# ---------------------------------------------------------------------------------------------

PRINTED = "accuracy 0.9268\nrows 12345\nsaved 16.0 minutes\ngradient error 3.46e-07\nmalignant 40"


def claims(prose, printed=PRINTED, source="print(report)"):
    """Numbers in ``prose`` the claims check finds unsupported beside one printing cell."""
    return [c.text for c in unsupported_numbers(notebook(code(source, printed=printed), md(prose)))]


@pytest.mark.parametrize(
    "prose",
    [
        "| model | accuracy |\n|---|---|\n| forest | 0.95 |",
        "an accuracy of **0.95**",
        "an accuracy of *0.95*",
        "<td>0.95</td>",
        "right on 95\u00a0% of rows",
        "![accuracy 0.95](figure.png)",
    ],
    ids=["table", "bold", "italic-star", "html-cell", "nbsp-percent", "alt-text"],
)
def test_a_wrong_number_in_formatted_prose_is_found(prose):
    assert any("95" in text for text in claims(prose))


@pytest.mark.parametrize(
    "prose",
    [
        pytest.param("Routing saves −16 minutes.", id="unicode-minus-sign"),
        pytest.param("Routing saves -16 minutes.", id="hyphen-minus-sign"),
        pytest.param("an accuracy of _0.95_", id="italic-underscore"),
        pytest.param("an accuracy of __0.95__", id="bold-underscore"),
        pytest.param("an accuracy of .95", marks=gap("a leading decimal point is not read"), id="leading-point"),
        pytest.param("a 2.5x speed-up", marks=gap("a number glued to a unit or letter is not read"), id="times-x"),
        pytest.param("one epoch takes 45ms", marks=gap("a number glued to a unit is not read"), id="unit-glued"),
        pytest.param("gradient errors below 10⁻⁹", marks=gap("superscript exponents are not read; 10 is exempt"),
                     id="superscript-exponent"),
        pytest.param("## Test accuracy: 0.95", marks=gap("headings are dropped whole, decimals too"), id="heading"),
        pytest.param("So $R^2 \\approx 0.71$ on the test set.", marks=gap("results written in maths are not read"),
                     id="maths-result"),
        pytest.param("## Check your understanding\n\n1. Why?\n\n## Summary\n\nThe forest reached 0.95.",
                     id="summary-after-questions"),
    ],
)
def test_a_wrong_number_in_other_forms(prose):
    assert claims(prose)


def test_a_seed_does_not_support_a_count():
    found = claims("42 of the test tumours are malignant.", source="split = train_test_split(X, y, random_state=42)")
    assert found == ["42"]


@gap("numbers in the questions support the lesson's prose, so a question quoting a wrong figure hides it")
def test_a_question_does_not_support_the_lesson_it_follows():
    nb = notebook(
        code("print(scores.mean())", printed="0.8873"),
        md("The mean score, 0.925, is within the fold-to-fold spread."),
        md("## Check your understanding\n\n1. Why is 0.925 above every fold?"),
    )
    assert [c.text for c in unsupported_numbers(nb)] == ["0.925"]


@gap("an integer in prose is supported by any output that rounds to it (43.2), not only by the count")
def test_a_count_is_not_supported_by_an_unrelated_value_that_rounds_to_it():
    assert claims("43 of the test tumours are malignant.", printed="malignant 42\nlog loss 43.2") == ["43"]


@pytest.mark.parametrize(
    "prose",
    [
        pytest.param("right on 93 per cent of rows", id="per-cent"),
        pytest.param("right on 93 percent of rows", id="percent-word"),
        pytest.param("all 12\u202f345 rows", id="thin-space-thousands"),
        pytest.param("all 12 345 rows", marks=gap("a space thousands separator splits the number"), id="space-thousands"),
        pytest.param("a gradient error of 3.5 × 10⁻⁷", marks=gap("× 10⁻⁷ is not read as an exponent"),
                     id="times-ten-superscript"),
        pytest.param("gradient errors of about 3e-7", id="one-figure-e"),
        pytest.param("about 0.93, 93 % and 92.7%; all 12,345 rows; errors of 3.5e-7; a loss of 16 minutes",
                     id="handled-forms"),
    ],
)
def test_a_right_number_in_another_form_is_supported(prose):
    assert claims(prose) == []
