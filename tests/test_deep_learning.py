"""Unit 19 (deep learning): mlkit.topics.deep, mlkit.plots.deep, and the exercise checks.

The solution, the stubs and every wrong answer of each check are run by
test_exercises_discovered.py; here, what each message names and the helpers' numbers.
"""

import doctest
from pathlib import Path

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
    ("stopping", "stopping_lowest_of_the_whole_curve", "never run"),
    ("stopping", "stopping_counted_from_zero", "off by one"),
    ("stopping", "stopping_the_epoch_training_stops", "training stops"),
    ("stopping", "stopping_ties_count_as_new_best", "*equal*"),
    ("judgement", "judgement_stop_on_test", "optimistic"),
    ("batchnorm", "batchnorm_statistics_per_position", "per position"),
    ("batchnorm", "batchnorm_unbiased_variance", "one value fewer"),
    ("batchnorm", "batchnorm_momentum_the_wrong_way_round", "`1 - momentum`"),
    ("batchnorm", "batchnorm_batch_statistics_at_inference", "inference uses the running averages"),
    ("batchnorm", "batchnorm_running_averages_in_training", "batch's own mean"),
    ("batchnorm", "batchnorm_running_averages_updated_at_inference", "only read there"),
    ("batchnorm", "batchnorm_epsilon_outside_the_root", "sqrt(var + epsilon)"),
    ("conv", "conv_true_division", "whole numbers"),
    ("conv", "conv_padding_on_one_side", "both ends"),
    ("conv", "conv_no_plus_one", "`+ 1`"),
    ("conv", "conv_stride_ignored", "its own size"),
    ("conv", "conv_no_bias", "biases"),
    ("conv", "conv_filters_see_one_channel", "all the channels"),
    ("conv", "conv_rounded_to_the_nearest", "rounded up"),
    ("conv", "conv_plus_one_inside_the_floor_division", "after the `//`"),
    ("conv", "conv_calls_the_kits_functions", "withheld"),
    ("stopping", "stopping_improvement_must_exceed_a_tolerance", "however small"),
    ("stopping", "stopping_compared_with_the_previous_epoch", "previous epoch"),
    ("stopping", "stopping_one_epoch_too_late", "*reaches*"),
    ("stopping", "stopping_the_kits_function", "kit's own"),
    ("stopping", "stopping_calls_the_kits_function", "withheld"),
    ("autodiff", "autodiff_gradient_by_jax_grad", "withheld"),
    ("autodiff", "autodiff_loss_with_a_nan_gradient", "NaN"),
    ("autodiff", "autodiff_loss_of_shape_one", "single number"),
    ("cnn", "cnn_trained_on_digits_kept_aside", "seen digits kept aside"),
])
def test_specific_messages_name_the_mistake(exercise, wrong, words):
    outcome = _wrong(EX[exercise], wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_a_function_raising_is_reported_as_an_error():
    outcome = EX.conv.evaluate(lambda side, channels, layers: 1 / 0)
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


# --- found in review: each test below failed before the fix it guards --------------------------


def _stopping_without_reset(losses, patience):
    best, waited = 0, 0
    for i in range(1, len(losses)):
        if losses[i] < losses[best]:
            best = i  # the wait is not reset by the new best
        else:
            waited += 1
            if waited >= patience:
                break
    return best + 1


def _stopping_last_epoch_if_it_never_stops(losses, patience):
    best, waited = 0, 0
    for i in range(1, len(losses)):
        if losses[i] < losses[best]:
            best, waited = i, 0
        else:
            waited += 1
            if waited >= patience:
                return i + 1 - patience
    return len(losses)


@pytest.mark.parametrize("wrong, words", [
    (_stopping_without_reset, "from zero"),
    (_stopping_last_epoch_if_it_never_stops, "never runs out"),
])
def test_stopping_check_refuses_a_wait_not_reset_and_the_last_epoch_of_a_run_that_never_stops(wrong, words):
    outcome = EX.stopping.evaluate(wrong)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_autodiff_check_refuses_a_loss_that_overflows_on_large_margins():
    import jax.numpy as jnp

    def naive(w, X, y):
        return jnp.mean(jnp.log(1.0 + jnp.exp(-y * (X @ w))))

    def gradient(w, X, y):
        return -X.T @ (y / (1.0 + np.exp(y * (X @ w)))) / len(y)

    outcome = EX.autodiff.evaluate(naive, gradient)
    assert outcome.status == "incorrect" and "overflow" in outcome.message, outcome.message
    stable = EX.autodiff.evaluate(lambda w, X, y: jnp.mean(jnp.logaddexp(0.0, -y * (X @ w))), gradient)
    assert stable.status == "passed", stable.message


def _cnn(layers, epochs=0, batch_size=50):
    """A compiled network of the CNN exercise with the given layers before Flatten, trained as asked."""
    from sklearn.model_selection import train_test_split

    from mlkit.course.checks.units.deep_learning import _keras
    from mlkit.datasets import digits

    keras = _keras()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(8, 8, 1)), *layers(keras), keras.layers.Flatten(),
                              keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    if epochs:
        X, y = digits.load()
        X_train, _, y_train, _ = train_test_split(X / 16, y, test_size=0.25, stratify=y, random_state=0)
        model.fit(X_train.reshape(-1, 8, 8, 1), y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


@pytest.mark.parametrize("setting, words", [
    ({"padding": "same"}, "padding"), ({"strides": 2}, "strides"), ({"dilation_rate": 2}, "dilation"),
])
def test_cnn_check_refuses_a_convolution_the_statement_does_not_ask_for(setting, words):
    model = _cnn(lambda keras: [keras.layers.Conv2D(16, 3, activation="relu", **setting)])
    outcome = EX.cnn.evaluate(model)
    assert outcome.status == "incorrect" and words in outcome.message, outcome.message


def test_cnn_check_refuses_other_epochs_that_take_as_many_steps():
    # 4 epochs of 54 batches of 25 images: 216 steps, as many as 8 epochs of 27 batches of 50
    model = _cnn(lambda keras: [keras.layers.Conv2D(16, 3, activation="relu")], epochs=4, batch_size=25)
    outcome = EX.cnn.evaluate(model)
    assert outcome.status == "incorrect" and "4 epochs" in outcome.message, outcome.message


def test_cnn_check_accepts_the_relu_as_a_layer_of_its_own():
    model = _cnn(lambda keras: [keras.layers.Conv2D(16, 3), keras.layers.ReLU()], epochs=8)
    outcome = EX.cnn.evaluate(model)
    assert outcome.status == "passed", outcome.message
    leaky = _cnn(lambda keras: [keras.layers.Conv2D(16, 3), keras.layers.ReLU(negative_slope=0.1)])
    assert EX.cnn.evaluate(leaky).status == "incorrect"


def test_dropout_runs_see_the_same_minibatches_as_runs_without():
    X_fit, y_fit, X_val, y_val = _digits_case(200)
    plain = deep.train_mlp(X_fit, y_fit, X_val, y_val, epochs=3)
    barely = deep.train_mlp(X_fit, y_fit, X_val, y_val, epochs=3, dropout=1e-12)  # drops (almost surely) nothing
    assert np.allclose(plain.val_loss, barely.val_loss, rtol=1e-9)


def test_scores_with_dropout_on_vary_and_off_match_evaluate():
    X_fit, y_fit, X_val, y_val = _digits_case(200)
    params = deep.train_mlp(X_fit, y_fit, X_val, y_val, epochs=3).params
    off = deep.scores(params, X_val)
    assert np.allclose(neural.softmax(off), neural.forward(params, X_val)[0])
    rng = np.random.default_rng(0)
    first, second = (deep.scores(params, X_val, dropout=0.5, rng=rng) for _ in range(2))
    assert not np.allclose(first, second)
    with pytest.raises(InputError, match="rng"):
        deep.scores(params, X_val, dropout=0.5)
    with pytest.raises(InputError, match="dropout"):
        deep.scores(params, X_val, dropout=1.0, rng=rng)


def test_tune_learning_rate_chooses_the_lowest_validation_loss_and_skips_a_divergent_run(monkeypatch):
    X_fit, y_fit, X_val, y_val = _digits_case(200)
    rate, runs = deep.tune_learning_rate(X_fit, y_fit, X_val, y_val, optimiser="sgd", rates=[0.01, 0.3, 30.0], epochs=3)
    lowest = {r: min(run.val_loss) for r, run in runs.items()}
    assert list(runs) == [0.01, 0.3, 30.0] and rate == min(lowest, key=lowest.get) == 0.3
    assert runs[0.3].val_loss == deep.train_mlp(X_fit, y_fit, X_val, y_val, learning_rate=0.3, optimiser="sgd",
                                                epochs=3).val_loss

    curves = {1.0: [float("nan")], 0.1: [0.9, 0.5], 0.3: [0.5], 3.0: [0.4, float("inf")]}
    monkeypatch.setattr(deep, "train_mlp", lambda *a, learning_rate, **k: deep.History(val_loss=curves[learning_rate]))
    # a run that diverged (NaN) is never chosen; a tie keeps the earlier rate
    assert deep.tune_learning_rate(X_fit, y_fit, X_val, y_val, optimiser="sgd", rates=[1.0, 0.1, 0.3])[0] == 0.1
    assert deep.tune_learning_rate(X_fit, y_fit, X_val, y_val, optimiser="sgd", rates=[1.0, 3.0, 0.1])[0] == 3.0
    monkeypatch.undo()
    with pytest.raises(InputError, match="rates"):
        deep.tune_learning_rate(X_fit, y_fit, X_val, y_val, optimiser="sgd", rates=[])
    with pytest.raises(InputError, match="rates"):
        deep.tune_learning_rate(X_fit, y_fit, X_val, y_val, optimiser="sgd", rates=[0.1, -1.0])


def test_log_scale_learning_curves_label_ticks_with_plain_numbers():
    from mlkit.plots import deep as deep_plots

    fig = deep_plots.learning_curves({"a": {"train_loss": [2.0, 0.5, 0.01], "val_loss": [2.0, 0.4, 0.2]}}, log_y=True)
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[1].get_yticklabels() if t.get_text()]
    assert labels and all("10^" not in text and "mathdefault" not in text for text in labels), labels
    assert "0.2" in labels and "1" in labels


def test_learning_rates_figure_marks_the_chosen_rate_and_labels_the_rates_tried():
    from mlkit.plots import deep as deep_plots

    results = {"SGD": {0.3: 0.15, 1.0: 0.11, 3.0: 2.2}, "Adam": {0.003: 0.15, 0.01: 0.13}}
    fig = deep_plots.learning_rates(results, chosen={"SGD": 1.0, "Adam": 0.01})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "learning rate" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.003", "0.01", "0.3", "1", "3"]
    chosen_points = [(line.get_xdata()[0], line.get_ydata()[0]) for line in ax.lines if len(line.get_xdata()) == 1]
    assert chosen_points == [(1.0, 0.11), (0.01, 0.13)]
    with pytest.raises(ValueError, match="not among"):
        deep_plots.learning_rates(results, chosen={"SGD": 0.1})


def test_filters_figure_has_one_symmetric_scale_and_a_colour_bar_with_the_sign_convention():
    from mlkit.plots import deep as deep_plots
    from mlkit.plots.style import DIVERGING_CMAP

    kernels = np.random.default_rng(0).normal(size=(3, 3, 1, 10))
    kernels[0, 0, 0, 3] = -4.0
    fig = deep_plots.filters(kernels, columns=4)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 10 and all(im.get_cmap().name == DIVERGING_CMAP and im.get_clim() == (-4.0, 4.0) for im in images)
    bar = [ax for ax in fig.axes if not ax.images and ax.get_visible() and "red" in ax.get_ylabel()]
    assert len(bar) == 1 and "blue" in bar[0].get_ylabel()
    assert np.array_equal(images[3].get_array(), kernels[:, :, 0, 3])
    with pytest.raises(ValueError, match="one input channel"):
        deep_plots.filters(np.zeros((3, 3, 2, 4)))


# --- the lesson ----------------------------------------------------------------------------------


ROOT = Path(__file__).resolve().parents[1]


def _notebook(path):
    import nbformat

    return nbformat.read(ROOT / path, as_version=4)


def _lesson():
    return _notebook("notebooks/19_deep_learning.ipynb")


def _outputs(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", ["notebooks/19_deep_learning.ipynb", "solutions/19_deep_learning.ipynb"])
def test_links_of_the_unit_point_to_notebooks_that_exist(path):
    import re

    folder = (ROOT / path).parent
    links = [link for cell in _notebook(path).cells if cell.cell_type == "markdown"
             for link in re.findall(r"\]\(([^)#\s]+\.ipynb)\)", cell.source)]
    assert links and all((folder / link).exists() for link in links), [l for l in links if not (folder / l).exists()]


def test_lesson_does_not_speak_of_a_later_unit_as_already_read():
    import re

    text = " ".join(c.source for c in _lesson().cells if c.cell_type == "markdown")
    past = re.findall(r"unit (\d+) (?:wrote|showed|built|saw|did)\b", text)
    assert not [n for n in past if int(n) > 19], past


def test_lesson_compares_optimisers_each_at_a_learning_rate_chosen_on_validation():
    cell = next(c for c in _lesson().cells if c.cell_type == "code" and "optimiser=optimiser" in c.source)
    assert "deep.tune_learning_rate(X_fit, y_fit, X_val, y_val" in cell.source
    chosen = [line for line in _outputs(cell).splitlines() if "chosen" in line]
    assert len(chosen) == 3 and all(line.count("rate ") >= 3 for line in chosen), chosen


def test_lesson_trains_the_dense_and_the_convolutional_network_by_one_recipe_at_similar_sizes():
    import re

    cells = [c for c in _lesson().cells if c.cell_type == "code"]
    assert sum("model.compile(" in c.source for c in cells) == 1
    assert any("compile_and_fit(mlp, X_fit, X_val)" in c.source for c in cells)
    conv = next(c for c in cells if "compile_and_fit(cnn," in c.source)
    assert "Dropout" not in conv.source
    weights = [int(n) for n in re.findall(r"(\d+) weights", _outputs(conv))]
    assert len(weights) == 2 and max(weights) / min(weights) < 1.5, weights


def test_lesson_training_loop_stops_early_and_keeps_an_earlier_epoch():
    import re

    cell = next(c for c in _lesson().cells if c.cell_type == "code" and "grad_fn = jax.jit" in c.source)
    stopped, most, kept = map(int, re.search(r"stopped after epoch (\d+) of at most (\d+); kept the weights of "
                                             r"epoch (\d+)", _outputs(cell)).groups())
    assert kept < stopped < most


def test_lesson_describes_what_keras_does_with_logits_read_as_probabilities():
    import jax.numpy as jnp

    from mlkit.course.checks.units.deep_learning import _keras

    keras = _keras()
    logits, labels = np.array([[2.0, 1.0, 0.5], [0.3, 0.2, 2.0], [1.0, -0.5, 1.5]]), np.array([1, 0, 2])
    normalised = np.clip(logits / logits.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)  # rows: 3.5, 2.5, 2.0
    expected = -np.mean(np.log(normalised[np.arange(3), labels]))  # log of 1/3.5, 0.3/2.5, 1.5/2
    assert np.isclose(float(keras.losses.SparseCategoricalCrossentropy()(labels, jnp.asarray(logits))), expected, rtol=1e-5)
    text = " ".join(c.source for c in _lesson().cells if c.cell_type == "markdown")
    assert "divides each row by its sum" in text and "the loss still falls" not in text


def test_lesson_says_an_l2_penalty_under_adam_is_not_weight_decay():
    text = " ".join(c.source for c in _lesson().cells if c.cell_type == "markdown")
    cell = next(c for c in _lesson().cells if c.cell_type == "code" and "n_hidden=128" in c.source)
    assert "optimiser=" not in cell.source  # train_mlp's default, Adam
    assert "AdamW" in text and '"weight decay (l2' not in cell.source



# --- depth, batch normalisation and convolution arithmetic ----------------------------------------


@pytest.mark.parametrize("activation, init, batch_norm", [
    ("relu", "he", False), ("sigmoid", "glorot", False), ("relu", "normal", True), ("sigmoid", "small", True),
])
def test_depth_profile_gradients_are_jax_grads_of_the_same_network(activation, init, batch_norm):
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(3)
    X, y = rng.normal(0.5, 1.0, (12, 5)), rng.integers(0, 3, 12)
    profile = deep.depth_profile(X, y, depth=4, width=6, activation=activation, init=init, batch_norm=batch_norm,
                                 seed=7)
    # the same weights, drawn in the same order
    draw = np.random.default_rng(7)
    sizes = [5, 6, 6, 6, 6]
    weights = [draw.normal(0.0, deep.init_std(init, a, b), (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    readout = draw.normal(0.0, np.sqrt(1 / 6), (6, 3))

    def loss(ws):
        h = jnp.asarray(X)
        for W in ws:
            z = h @ W
            if batch_norm:
                z = (z - z.mean(axis=0)) / jnp.sqrt(z.var(axis=0) + 1e-3)
            h = jnp.maximum(z, 0.0) if activation == "relu" else jax.nn.sigmoid(z)
        log_probs = jax.nn.log_softmax(h @ readout, axis=1)
        return -jnp.mean(log_probs[jnp.arange(len(y)), y])

    grads = jax.grad(loss)([jnp.asarray(w, dtype=jnp.float32) for w in weights])  # JAX in float32, NumPy in 64
    assert np.allclose(profile.gradient_norm, [float(jnp.linalg.norm(g)) for g in grads], rtol=1e-3)
    assert len(profile.output_std) == 4 and all(s > 0 for s in profile.output_std)


def test_depth_profile_shows_vanishing_and_exploding_and_he_between():
    X_fit, y_fit, _, _ = _digits_case(200)
    profile = lambda act, init: deep.depth_profile(X_fit, y_fit, depth=12, width=32, activation=act, init=init)  # noqa: E731
    sigmoid, normal, small, he = (profile("sigmoid", "glorot"), profile("relu", "normal"), profile("relu", "small"),
                                  profile("relu", "he"))
    assert sigmoid.gradient_norm[0] < 1e-4 * sigmoid.gradient_norm[-1]
    assert min(normal.gradient_norm) > 1e6 and max(small.gradient_norm) < 1e-10
    assert 1e-3 < min(he.gradient_norm) and max(he.gradient_norm) < 10
    normalised = deep.depth_profile(X_fit, y_fit, depth=12, width=32, activation="sigmoid", init="glorot", batch_norm=True)
    assert normalised.gradient_norm[0] > 0.1 * normalised.gradient_norm[-1]


@pytest.mark.parametrize("settings, message", [
    ({"activation": "tanh"}, "activation"), ({"init": "zeros"}, "init"), ({"depth": 0}, "depth"),
])
def test_depth_profile_rejects_bad_settings(settings, message):
    X_fit, y_fit, _, _ = _digits_case(20)
    with pytest.raises(InputError, match=message):
        deep.depth_profile(X_fit, y_fit, **settings)


def test_init_std_is_glorots_and_hes_variance():
    assert deep.init_std("he", 8, 3) ** 2 == pytest.approx(2 / 8)
    assert deep.init_std("glorot", 8, 24) ** 2 == pytest.approx(2 / 32)
    assert (deep.init_std("normal", 5, 5), deep.init_std("small", 5, 5)) == (1.0, 0.01)


@pytest.mark.parametrize("n, k, p, s", [(8, 3, 0, 1), (8, 3, 1, 2), (9, 3, 0, 2), (28, 5, 2, 2), (7, 2, 0, 2),
                                        (10, 4, 1, 3), (5, 5, 0, 1)])
def test_conv_output_size_and_parameters_are_what_keras_builds(n, k, p, s):
    from mlkit.course.checks.units.deep_learning import _keras

    keras = _keras()
    padded = keras.layers.ZeroPadding2D(p).compute_output_shape((None, n, n, 2))
    assert keras.layers.Conv2D(3, k, strides=s).compute_output_shape(padded)[1:3] == (deep.conv_output_size(n, k, padding=p, stride=s),) * 2
    layer = keras.layers.Conv2D(3, k)
    layer.build((None, n, n, 2))
    assert layer.count_params() == deep.conv_parameters(k, 2, 3)


def test_conv_output_size_rejects_a_window_that_does_not_fit():
    with pytest.raises(InputError, match="does not fit"):
        deep.conv_output_size(3, 5)
    with pytest.raises(InputError, match="positive"):
        deep.conv_output_size(8, 3, stride=0)


def test_batch_norm_reference_of_the_check_is_keras_in_both_modes():
    from mlkit.course.checks.units import deep_learning as unit

    keras = unit._keras()
    x, gamma, beta, moving_mean, moving_var = unit._batch_norm_case(4, (3, 6, 5, 2))
    layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-2)
    layer.build((None, 6, 5, 2))
    layer.set_weights([w.astype("float32") for w in (gamma, beta, moving_mean, moving_var)])
    out, new_mean, new_var = unit._batch_norm_images_reference(x, gamma, beta, moving_mean, moving_var, True, 0.9, 1e-2)
    assert np.allclose(np.asarray(layer(x.astype("float32"), training=True)), out, atol=1e-4)
    assert np.allclose(layer.moving_mean, new_mean, atol=1e-5) and np.allclose(layer.moving_variance, new_var, atol=1e-5)
    out, same_mean, _ = unit._batch_norm_images_reference(x, gamma, beta, new_mean, new_var, False, 0.9, 1e-2)
    assert np.allclose(np.asarray(layer(x.astype("float32"), training=False)), out, atol=1e-4)
    assert same_mean is new_mean


def test_conv_stack_reference_of_the_check_is_what_keras_builds():
    from mlkit.course.checks.units import deep_learning as unit

    keras = unit._keras()
    for side, channels, layers in unit.CONV_STACKS:
        built = [keras.Input(shape=(side, side, channels))]
        for layer in layers:
            if layer[0] == "conv":
                _, filters, kernel, stride, padding = layer
                built += [keras.layers.ZeroPadding2D(padding), keras.layers.Conv2D(filters, kernel, strides=stride)]
            else:
                built.append(keras.layers.MaxPooling2D(layer[1]))
        model = keras.Sequential(built)
        shapes, weights = unit.conv_stack_reference(side, channels, layers)
        outputs = [tuple(l.output.shape[1:]) for l in model.layers if not isinstance(l, keras.layers.ZeroPadding2D)]
        assert outputs == shapes and model.count_params() == weights


def test_conv_check_accepts_shapes_as_arrays_and_a_whole_float_count():
    from mlkit.course.checks.units import deep_learning as unit

    def as_arrays(side, channels, layers):
        shapes, weights = unit.conv_stack_reference(side, channels, layers)
        return np.array(shapes), float(weights)

    assert EX.conv.evaluate(as_arrays).status == "passed"


def test_depth_profiles_figure_draws_each_network_in_both_log_panels():
    from mlkit.plots import deep as deep_plots

    profiles = {"a": deep.DepthProfile([1.0, 0.1, 0.01], [1e-3, 1e-2, 1e-1]), "b": {"output_std": [1, 1, 1],
                                                                                     "gradient_norm": [2, 2, 2]}}
    fig = deep_plots.depth_profiles(profiles)
    assert [len(ax.lines) for ax in fig.axes] == [2, 2] and all(ax.get_yscale() == "log" for ax in fig.axes)
    assert list(fig.axes[1].lines[0].get_ydata()) == [1e-3, 1e-2, 1e-1]
    with pytest.raises(ValueError, match="empty"):
        deep_plots.depth_profiles({})


def test_lesson_checks_its_batch_norm_and_its_shapes_against_keras():
    cells = [c for c in _lesson().cells if c.cell_type == "code"]
    bn = next(c for c in cells if "bn(batch, training=True)" in c.source)
    assert _outputs(bn).count("True") == 3 and "False" not in _outputs(bn)
    arithmetic = next(c for c in cells if "ZeroPadding2D(p)" in c.source)
    import re
    pairs = re.findall(r"formula\s+(\d+), Keras\s+(\d+)", _outputs(arithmetic))
    assert len(pairs) == 7 and all(a == b for a, b in pairs)
    lenet = next(c for c in cells if "by_hand = [" in c.source)
    assert "False" not in _outputs(lenet) and _outputs(lenet).count("True") == 12


# --- found in the second review: each test below failed before the fix it guards -----------------


def test_conv_stacks_include_divisions_that_round_to_the_nearest_above_the_floor():
    from mlkit.course.checks.units import deep_learning as unit

    cases = [(side + 2 * layer[4] - layer[2], layer[3]) for side, _, layers in unit.CONV_STACKS
             for layer in layers[:1] if layer[0] == "conv"]
    assert any(span % stride / stride > 0.5 for span, stride in cases)  # round() above the floor
    assert any(span % stride / stride == 0.5 and round(span / stride) > span // stride for span, stride in cases)


def test_conv_check_refuses_rounding_to_the_nearest_and_names_the_plus_one_inside_the_floor():
    def stack(size):
        def conv_stack(side, channels, layers):
            shapes, n = [], 0
            for layer in layers:
                if layer[0] == "conv":
                    _, f, k, s, p = layer
                    n += (k * k * channels + 1) * f
                    side, channels = size(side, k, s, p), f
                else:
                    side = (side - layer[1]) // layer[1] + 1
                shapes.append((side, side, channels))
            return shapes, n
        return conv_stack

    rounded = EX.conv.evaluate(stack(lambda n, k, s, p: round((n + 2 * p - k) / s) + 1))
    assert rounded.status == "incorrect" and "rounded up" in rounded.message, rounded.message
    inside = EX.conv.evaluate(stack(lambda n, k, s, p: (n + 2 * p - k + 1) // s))
    assert inside.status == "incorrect" and "after the `//`" in inside.message, inside.message


@pytest.mark.parametrize("tolerance", [0.01, 0.05, 0.099])
def test_stopping_check_refuses_a_new_best_that_must_beat_the_best_by_a_tolerance(tolerance):
    from mlkit.course.checks.units import deep_learning as unit

    assert ([1.0, 0.8, 0.799, 0.9, 0.95], 2) in unit.STOPPING_CURVES
    assert deep.stopping_epoch([1.0, 0.8, 0.799, 0.9, 0.95], 2) == 3
    outcome = EX.stopping.evaluate(lambda losses, patience: unit._stopping_with_min_delta(losses, patience, tolerance))
    assert outcome.status == "incorrect" and "however small" in outcome.message, outcome.message

    def relative(losses, patience):  # a new best must be 1 % below the best
        best, waited = 0, 0
        for i in range(1, len(losses)):
            if losses[i] < 0.99 * losses[best]:
                best, waited = i, 0
            else:
                waited += 1
                if waited == patience:
                    break
        return best + 1

    assert EX.stopping.evaluate(relative).status == "incorrect"


def test_stopping_mistakes_are_told_apart_by_the_curves_and_the_reference_is_the_kits():
    from mlkit.course.checks.units import deep_learning as unit

    curves = unit.STOPPING_CURVES
    answers = [tuple(mistake(losses, patience) for losses, patience in curves)
               for mistake, _ in unit._STOPPING_MISTAKES]
    right = tuple(deep.stopping_epoch(losses, patience) for losses, patience in curves)
    assert len(set(answers + [right])) == len(answers) + 1
    assert right == tuple(unit._stopping_reference(losses, patience) for losses, patience in curves)


def test_stopping_check_names_a_late_stop_and_not_the_whole_curve():
    def late(losses, patience):  # waits one epoch more than patience allows
        best, waited = 0, 0
        for i in range(1, len(losses)):
            if losses[i] < losses[best]:
                best, waited = i, 0
            else:
                waited += 1
                if waited > patience:
                    break
        return best + 1

    outcome = EX.stopping.evaluate(late)
    assert outcome.status == "incorrect" and "one epoch longer" in outcome.message, outcome.message


def test_kit_functions_are_withheld_only_while_the_learners_code_runs():
    import jax

    from mlkit.course.checks.units import deep_learning as unit

    originals = {name: getattr(jax, name) for name in unit.JAX_DIFFERENTIATION}
    kit = (deep.stopping_epoch, deep.conv_output_size, deep.conv_parameters)
    for exercise in ("autodiff", "stopping", "conv"):
        builder = next(b for b in EX[exercise].wrong_answers
                       if "calls_the_kits" in b.__name__ or "jax_grad" in b.__name__)
        assert "withheld" in EX[exercise].evaluate(*builder().args).message
    by_value_and_grad = EX.autodiff.evaluate(unit._solution_loss, lambda w, X, y: np.asarray(
        jax.value_and_grad(unit._solution_loss)(w, X, y)[1]))
    assert by_value_and_grad.status == "incorrect" and "withheld" in by_value_and_grad.message
    assert {name: getattr(jax, name) for name in unit.JAX_DIFFERENTIATION} == originals
    assert (deep.stopping_epoch, deep.conv_output_size, deep.conv_parameters) == kit
    # the check's own jax.grad of the loss still runs: a hand-derived gradient passes right after
    import jax.numpy as jnp

    passed = EX.autodiff.evaluate(lambda w, X, y: jnp.mean(jnp.logaddexp(0.0, -y * (X @ w))),
                                  lambda w, X, y: -X.T @ (y / (1.0 + np.exp(y * (X @ w)))) / len(y))
    assert passed.status == "passed", passed.message


def test_autodiff_check_refuses_a_loss_of_shape_one_without_crashing():
    import jax.numpy as jnp

    gradient = lambda w, X, y: -X.T @ (y / (1.0 + np.exp(y * (X @ w)))) / len(y)  # noqa: E731
    outcome = EX.autodiff.evaluate(lambda w, X, y: jnp.mean(jnp.logaddexp(0.0, -y * (X @ w)))[None], gradient)
    assert outcome.status == "incorrect" and "single number" in outcome.message, outcome.message


def test_autodiff_check_says_a_nan_gradient_is_one_and_not_a_wrong_formula():
    import jax.numpy as jnp

    def loss(w, X, y):
        m = y * (X @ w)
        return jnp.mean(jnp.where(-m > 30, -m, jnp.log1p(jnp.exp(-m))))

    gradient = lambda w, X, y: -X.T @ (y / (1.0 + np.exp(y * (X @ w)))) / len(y)  # noqa: E731
    outcome = EX.autodiff.evaluate(loss, gradient)
    assert outcome.status == "incorrect" and "NaN" in outcome.message and "logaddexp" in outcome.message
    assert "formula" not in outcome.message


def test_batch_norm_check_names_epsilon_only_when_the_output_shows_it():
    from mlkit.course.checks.units import deep_learning as unit

    def with_epsilon(value):
        def function(x, gamma, beta, moving_mean, moving_var, training, momentum, epsilon):
            return unit._batch_norm_images_reference(x, gamma, beta, moving_mean, moving_var, training, momentum, value)
        return function

    hard_coded = EX.batchnorm.evaluate(with_epsilon(1e-5))
    assert hard_coded.status == "incorrect" and "`epsilon` = 1e-05" in hard_coded.message, hard_coded.message
    outside = _wrong(EX.batchnorm, "batchnorm_epsilon_outside_the_root")
    assert "barely varies" not in outside.message and "epsilon =" not in outside.message, outside.message


def test_cnn_check_judges_the_loss_by_its_values_and_accepts_what_the_statement_allows():
    from mlkit.course.checks.units.deep_learning import _keras

    keras = _keras()
    layers = lambda keras: [keras.layers.Conv2D(16, 3, activation="relu")]  # noqa: E731
    model = _cnn(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=lambda t, p: keras.losses.sparse_categorical_crossentropy(t, p, from_logits=True))
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import digits

    X, y = digits.load()
    X_train, _, y_train, _ = train_test_split(X / 16, y, test_size=0.25, stratify=y, random_state=0)
    model.fit(X_train.reshape(-1, 8, 8, 1), y_train, epochs=8, batch_size=50, verbose=0)
    outcome = EX.cnn.evaluate(model)
    assert outcome.status == "passed" and "never saw" not in outcome.message, outcome.message
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    assert "from_logits=True" in EX.cnn.evaluate(model).message
    # 8 epochs of 27 steps, as the statement asks: batches of 51 give them too (1,347 rows)
    wide = _cnn(layers, epochs=8, batch_size=51)
    assert EX.cnn.evaluate(wide).status == "passed"


def test_lesson_summary_and_regularisation_claims_hold_for_every_seed():
    text = " ".join(c.source for c in _lesson().cells if c.cell_type == "markdown")
    assert "Adam is the least sensitive" not in text
    assert "momentum and Adam are far less sensitive to the rate than plain SGD" in text
    assert "validation loss lower at the end" not in text and "by their lowest validation loss" in text


def test_exercise_notebook_says_what_it_loads():
    first = next(c.source for c in _notebook("exercises/19_deep_learning.ipynb").cells if "# Exercises 19" in c.source)
    assert "does not load" not in first and "sets aside" in first and "`X` holds\nevery digit" in first
