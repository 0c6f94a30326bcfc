"""The test-set check flags test data read outside a final-evaluation cell, or used there to choose."""

from __future__ import annotations

import nbformat
import pytest

from mlkit.course.authoring.final_evaluation import TAG, check_test_set


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells.extend(cells)
    return nb


def code(source, final=False):
    cell = nbformat.v4.new_code_cell(source)
    if final:
        cell.metadata["tags"] = [TAG]
    return cell


SPLIT = code("from sklearn.model_selection import train_test_split\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)")


def reasons(*cells):
    return [f.reason for f in check_test_set(notebook(SPLIT, *cells))]


def test_the_split_itself_and_sizes_are_not_reads():
    assert reasons(code("print(len(X_test), X_test.shape, y_test.size)")) == []


@pytest.mark.parametrize(
    "source",
    ["model.score(X_test, y_test)", "print(y_test.mean())", "for row in X_test:\n    pass", "test = frame[frame.split == 'test']\nprint(test.head())"],
)
def test_reading_test_data_without_the_tag_is_found(source):
    found = reasons(code(source))
    assert found and "without the tag" in found[0]


def test_the_same_read_in_a_tagged_cell_passes():
    assert reasons(code("model.fit(X_train, y_train)"), code("print(model.score(X_test, y_test))", final=True)) == []


def test_what_is_computed_from_test_data_is_test_data_in_later_cells():
    found = reasons(code("proba = model.predict_proba(X_test)[:, 1]", final=True), code("cut = proba.mean()"))
    assert found == ["cell 2 reads test data (proba) without the tag final-evaluation"]


def test_the_test_parts_of_a_split_are_found_whatever_their_names():
    split = code("from sklearn.model_selection import train_test_split\na, b, c, d = train_test_split(X, y)")
    found = [f.reason for f in check_test_set(notebook(split, code("print(c.mean())"), code("print(d.mean())")))]
    assert found == ["cell 2 reads test data (d) without the tag final-evaluation"]


def test_a_loop_variable_over_test_data_is_test_data():
    found = reasons(code("for image in test_images:\n    shown = image", final=True), code("plot(shown)"))
    assert found == ["cell 2 reads test data (shown) without the tag final-evaluation"]


@pytest.mark.parametrize(
    "source, what",
    [
        ("best = thresholds[np.argmax(f1_score(y_test, proba))]", "picks argmax"),
        ("scores = {a: Ridge(alpha=a).fit(X_train, y_train).score(X_test, y_test) for a in alphas}\nbest = max(scores, key=scores.get)", "picks max"),
        ("model.fit(X_test, y_test)", "fits on test data"),
        ("GridSearchCV(model, grid).fit(X_test, y_test)", "test data"),
        ("ok = accuracy_score(y_test, model.predict(X_test)) > 0.9", "compares test results"),
        ("curve = [run(steps).score(X_test, y_test) for steps in range(50)]\nchosen = curve.index(min(curve))", "picks min"),
    ],
)
def test_a_tagged_cell_that_chooses_on_test_data_is_found(source, what):
    found = reasons(code(source, final=True))
    assert any(what in reason and "is tagged final-evaluation but" in reason for reason in found), found


def test_names_that_only_look_like_test_data_are_not():
    assert reasons(code("from mlkit.topics import test_helpers\nsplit = test_size * 2\ntest_helpers.run()")) == []


def test_shell_and_magic_lines_do_not_stop_the_check():
    found = reasons(code("%time model.fit(X_train, y_train)\nprint(model.score(X_test, y_test))"))
    assert found and "X_test" in found[0]


def test_a_validation_split_of_the_training_data_is_not_test_data():
    again = code("X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.25)")
    assert reasons(again, code("best = max(alphas, key=lambda a: Ridge(alpha=a).fit(X_fit, y_fit).score(X_val, y_val))")) == []
    sneaky = code("X_fit, X_hold, y_fit, y_hold = train_test_split(X_train, y_train)")
    assert reasons(sneaky, code("print(y_hold.mean())")) != []
