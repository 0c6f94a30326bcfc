"""Unit 19 (deep learning): mlkit.topics.deep, mlkit.plots.deep, and the exercise checks.

The solution, the stubs and every wrong answer of each check are run by
test_exercises_discovered.py; here, what each message names and the helpers' numbers.
"""

import doctest

import numpy as np
import pytest

from mlkit.course.checks import exercises
from mlkit.errors import InputError
from mlkit.topics import deep, neural

EX = exercises("deep-learning")


def _digits_case(rows: int = 300):
    from mlkit.datasets import digits

    X, y = digits.load()
    return X[:rows] / 16, y[:rows], X[rows:rows + 200] / 16, y[rows:rows + 200]


# --- mlkit.topics.deep ---------------------------------------------------------------------------


def test_docstring_examples():
    assert doctest.testmod(deep).failed == 0


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_jax_grad_of_the_loss_is_unit_18s_backpropagation(l2):
    import jax

    rng = np.random.default_rng(5)
    params = neural.init_params(6, 5, 3, seed=2)
    X, y = rng.normal(1.0, 1.5, (9, 6)), rng.integers(0, 3, 9)
    assert np.isclose(float(deep.mlp_loss(params, X, y, l2=l2)), neural.loss(params, X, y, l2=l2), rtol=1e-5)
    auto = jax.grad(deep.mlp_loss)(params, X, y, l2=l2)
    by_hand = neural.gradients(params, X, y, l2=l2)
    for name in by_hand:
        assert neural.relative_error(np.asarray(auto[name]), by_hand[name]) < 1e-4, name


def test_optimiser_steps_on_known_values():
    w, g = np.array([1.0, -2.0]), np.array([0.5, -4.0])
    assert np.allclose(deep.sgd_step(w, g, 0.1), [0.95, -1.6])
    new_w, v = deep.momentum_step(w, np.array([1.0, 1.0]), g, 0.1, beta=0.5)
    assert np.allclose(v, [1.0, -3.5]) and np.allclose(new_w, [0.9, -1.65])
    # Adam's first step moves every weight by the learning rate, against its gradient's sign
    new_w, m, s = deep.adam_step(w, np.zeros(2), np.zeros(2), g, 1, 0.01)
    assert np.allclose(new_w, w - 0.01 * np.sign(g), atol=1e-6)
    assert np.allclose(m, 0.1 * g) and np.allclose(s, 0.001 * g**2)


@pytest.mark.parametrize("losses, patience, epoch", [
    ([0.9, 0.7, 0.6, 0.65, 0.62, 0.7, 0.5], 3, 3),
    ([0.9, 0.7, 0.6, 0.65, 0.62, 0.7, 0.5], 4, 7),
    ([0.5, 0.5, 0.4], 1, 1),
    ([0.5, 0.5, 0.4], None, 3),
    ([1.0], 2, 1),
])
def test_stopping_epoch(losses, patience, epoch):
    assert deep.stopping_epoch(losses, patience) == epoch


@pytest.mark.parametrize("losses, patience, message", [([], 2, "empty"), ([1.0, 0.5], 0, "patience")])
def test_stopping_epoch_rejects_bad_input(losses, patience, message):
    with pytest.raises(InputError, match=message):
        deep.stopping_epoch(losses, patience)


def test_minibatches_cover_every_row_once_and_depend_on_the_generator():
    first = deep.minibatches(23, 5, np.random.default_rng(0))
    assert [len(b) for b in first] == [5, 5, 5, 5, 3]
    assert sorted(np.concatenate(first).tolist()) == list(range(23))
    again = deep.minibatches(23, 5, np.random.default_rng(0))
    other = deep.minibatches(23, 5, np.random.default_rng(1))
    assert all((a == b).all() for a, b in zip(first, again))
    assert not all((a == b).all() for a, b in zip(first, other))
    with pytest.raises(InputError, match="batch_size"):
        deep.minibatches(3, 0, np.random.default_rng(0))


def test_training_learns_and_keeps_the_best_validation_epoch():
    X_fit, y_fit, X_val, y_val = _digits_case()
    run = deep.train_mlp(X_fit, y_fit, X_val, y_val, epochs=8)
    assert len(run.val_loss) == len(run.train_loss) == len(run.val_accuracy) == 8
    assert run.val_loss[-1] < run.val_loss[0] and max(run.val_accuracy) > 0.8
    assert run.best_epoch == int(np.argmin(run.val_loss)) + 1
    assert np.isclose(deep.evaluate(run.params, X_val, y_val)[0], min(run.val_loss))
    assert deep.evaluate(run.params, X_val, y_val)[1] == run.val_accuracy[run.best_epoch - 1]


def test_zero_initialisation_does_not_learn_and_he_does():
    X_fit, y_fit, X_val, y_val = _digits_case()
    zeros = deep.train_mlp(X_fit, y_fit, X_val, y_val, init="zeros", optimiser="sgd", learning_rate=0.1, epochs=4)
    he = deep.train_mlp(X_fit, y_fit, X_val, y_val, init="he", optimiser="sgd", learning_rate=0.1, epochs=4)
    assert abs(zeros.val_loss[-1] - np.log(10)) < 0.05 < np.log(10) - he.val_loss[-1]


def test_training_is_deterministic_and_dropout_changes_it():
    X_fit, y_fit, X_val, y_val = _digits_case(200)
    runs = [deep.train_mlp(X_fit, y_fit, X_val, y_val, epochs=3, dropout=d) for d in (0.5, 0.5, 0.0)]
    assert runs[0].val_loss == runs[1].val_loss != runs[2].val_loss


def test_weight_decay_shrinks_the_weights():
    X_fit, y_fit, X_val, y_val = _digits_case(200)
    plain, decayed = (deep.train_mlp(X_fit, y_fit, X_val, y_val, epochs=5, l2=l2) for l2 in (0.0, 0.05))
    size = lambda p: np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)  # noqa: E731
    assert size(decayed.params) < 0.8 * size(plain.params)


@pytest.mark.parametrize("settings, message", [
    ({"optimiser": "rmsprop"}, "optimiser"), ({"init": "ones"}, "init"), ({"epochs": 0}, "epochs"),
    ({"dropout": 1.0}, "dropout"),
])
def test_training_rejects_bad_settings(settings, message):
    X_fit, y_fit, X_val, y_val = _digits_case(50)
    with pytest.raises(InputError, match=message):
        deep.train_mlp(X_fit, y_fit, X_val, y_val, **settings)


# --- mlkit.plots.deep -----------------------------------------------------------------------------


def test_learning_curves_draw_one_line_per_run_in_each_panel():
    from mlkit.plots import deep as deep_plots

    runs = {"a": {"train_loss": [3, 2, 1], "val_loss": [3, 2, 2]}, "b": deep.History([2, 1], [2, 1.5], [0.5, 0.6])}
    fig = deep_plots.learning_curves(runs)
    assert len(fig.axes) == 2 and [len(ax.lines) for ax in fig.axes] == [2, 2]
    assert list(fig.axes[1].lines[0].get_ydata()) == [3, 2, 2]
    assert fig.axes[0].get_yscale() == "linear"
    assert deep_plots.learning_curves(runs, log_y=True).axes[1].get_yscale() == "log"
    with pytest.raises(ValueError, match="empty"):
        deep_plots.learning_curves({})


# --- the checks: messages name the mistake ------------------------------------------------------------


def _wrong(exercise, name):
    builder = next(b for b in exercise.wrong_answers if b.__name__ == name)
    return exercise.evaluate(*builder().args)


@pytest.mark.parametrize("exercise, wrong, words", [
    ("autodiff", "autodiff_gradient_sign_flipped", "sign"),
    ("autodiff", "autodiff_gradient_of_the_sum", "summed"),
    ("autodiff", "autodiff_loss_summed", "*sum*"),
    ("autodiff", "autodiff_loss_in_numpy", "jax.numpy"),
    ("momentum", "momentum_old_velocity_for_the_weights", "old* velocity"),
    ("momentum", "momentum_average_not_sum", "*average*"),
    ("momentum", "momentum_plain_sgd", "plain SGD"),
    ("momentum", "momentum_ascent", "*up*"),
    ("stopping", "stopping_lowest_of_the_whole_curve", "never run"),
    ("stopping", "stopping_counted_from_zero", "off by one"),
    ("stopping", "stopping_the_epoch_training_stops", "training stops"),
    ("stopping", "stopping_ties_count_as_new_best", "*equal*"),
    ("judgement", "judgement_stop_on_test", "optimistic"),
])
def test_specific_messages_name_the_mistake(exercise, wrong, words):
    outcome = _wrong(EX[exercise], wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_a_function_raising_is_reported_as_an_error():
    outcome = EX.momentum.evaluate(lambda w, v, g, lr, beta: 1 / 0)
    assert outcome.status == "error" and "ZeroDivisionError" in outcome.message


def test_the_held_back_digits_are_the_test_quarter_and_not_the_notebooks_training_images():
    from sklearn.model_selection import train_test_split

    from mlkit.course.checks.units import deep_learning as unit
    from mlkit.datasets import digits

    X, y = digits.load()
    X_train, _, _, _ = train_test_split(X / 16, y, test_size=0.25, stratify=y, random_state=0)
    images, labels = unit._held_back()
    assert images.shape == (450, 8, 8, 1) and unit._training_rows() == len(X_train)
    train_rows = {row.tobytes() for row in X_train.astype("float32")}
    assert sum(row.reshape(-1).tobytes() in train_rows for row in images) < 5  # duplicates of a digit may exist


@pytest.mark.parametrize("wrong, words", [
    ("cnn_not_trained", "not been trained"),
    ("cnn_without_relu", "ReLU"),
    ("cnn_probabilities_loss", "from_logits=True"),
    ("cnn_other_filters", "16 filters"),
])
def test_cnn_check_names_the_setting_that_differs(wrong, words):
    outcome = _wrong(EX.cnn, wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message
