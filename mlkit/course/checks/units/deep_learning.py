"""Exercises of unit 19, deep learning with a framework (``solutions/19_deep_learning.ipynb``).

Functions are tried on small random inputs the checks make themselves (uncentred, of several
sizes and parameters), against :mod:`mlkit.topics.deep`. The convolutional network is judged on
the quarter of the digits that the exercise notebook does not load (``train_test_split`` with
``test_size=0.25``, stratified, ``random_state=0``: 450 images), and must answer them quickly.

Each exercise is a check function decorated with ``EXERCISES.exercise``; below it, builders of
plausible wrong answers (``@<exercise>.wrong_answer``) and the values no failure message may
reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import time
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, LearnerCodeError, NotAttempted
from mlkit.course.checks.kinds import as_whole_number, expect_choice


EXERCISES = ExerciseSet("deep-learning", "Deep learning with a framework")

TEST_SHARE = 0.25
MIN_ACCURACY = 0.95
BASELINE = 0.11  # accuracy of always answering the most frequent digit
PREDICT_SECONDS = 2.0
CNN_FILTERS, CNN_KERNEL, CNN_CLASSES = 16, 3, 10
CNN_EPOCHS, CNN_BATCH, CNN_RATE = 8, 50, 0.01


def _numbers(function, *args, name: str):
    """Call a learner's function and read its result as a float array (JAX arrays included)."""
    import numpy as np

    try:
        result = function(*args)
    except NotImplementedError:
        raise NotAttempted("your function still raises NotImplementedError; write its body.") from None
    except (Incorrect, NotAttempted, LearnerCodeError):
        raise
    except Exception as error:  # noqa: BLE001 - the learner's code failed: report it as theirs
        raise LearnerCodeError(error) from error
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    try:
        return np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{name} should return numbers, but it returned a {type(result).__name__}.") from None


LARGE_MARGIN = 200.0  # beyond float32's exp overflow (about 88), within float64's (about 709)


def _logistic_case(seed: int, n: int = 12, d: int = 3, *, largest_margin: float | None = None):
    """Weights, uncentred inputs and labels in {-1, +1} for a logistic-loss check.

    With ``largest_margin``, the weights are scaled so that the largest margin ``|y * (X @ w)|``
    is that value, and that row's label is chosen to make its margin negative (a large loss).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    X = rng.normal(1.0, 2.0, (n, d))
    y = rng.choice([-1.0, 1.0], n)
    w = rng.normal(0.0, 0.7, d)
    if largest_margin is not None:
        scores = X @ w
        row = int(np.argmax(np.abs(scores)))
        w = w * largest_margin / abs(scores[row])
        y[row] = -np.sign(scores[row])
    return w, X, y


def _logistic_reference(w, X, y):
    """Mean logistic loss and its analytic gradient, in NumPy (float64)."""
    import numpy as np

    margins = y * (X @ w)
    loss = np.mean(np.logaddexp(0.0, -margins))
    gradient = -X.T @ (y / (1.0 + np.exp(margins))) / len(y)
    return loss, gradient


# --- 1. a gradient by jax.grad ----------------------------------------------------------


@EXERCISES.exercise(
    "autodiff",
    title="Differentiate the logistic loss with jax.grad and by hand",
    hints=(
        "The loss is the mean over the rows of `log(1 + exp(-y * (X @ w)))`; write it with `jnp` so that "
        "`jax.grad` can follow every operation. `jnp.logaddexp(0, -m)` computes `log(1 + exp(-m))` without overflow.",
        "By the chain rule, the derivative of `log(1 + exp(-m))` with respect to `m` is `-1 / (1 + exp(m))`, "
        "and `m = y * (X @ w)` contributes `y * X` row by row. Average over the rows.",
        "`gradient = -X.T @ (y / (1 + np.exp(y * (X @ w)))) / len(y)`",
    ),
)
def autodiff(logistic_loss, logistic_gradient):
    import numpy as np

    for function, name in ((logistic_loss, "logistic_loss"), (logistic_gradient, "logistic_gradient")):
        if not callable(function):
            raise Incorrect(f"`{name}` should be a function, but it is a {type(function).__name__}.")
    import jax

    for seed, n, largest in ((3, 12, None), (8, 30, None), (11, 10, LARGE_MARGIN)):
        w, X, y = _logistic_case(seed, n, largest_margin=largest)
        loss, gradient = _logistic_reference(w, X, y)
        value = _numbers(logistic_loss, w, X, y, name="`logistic_loss`")
        if value.size != 1:
            raise Incorrect(f"`logistic_loss` should return one number (the mean loss), but it returned {value.size}.")
        if largest is not None and not np.isfinite(float(value)):
            raise Incorrect(f"`logistic_loss` returns {float(value)} on inputs where one margin `y * (X @ w)` is "
                            f"-{largest:g}, and the mean loss there is finite: `exp` of a margin that large "
                            "overflows in float32 (beyond about 88). Compute the loss in a form that cannot overflow.")
        if not np.isclose(float(value), loss, rtol=1e-4):
            if np.isclose(float(value), loss * n, rtol=1e-4):
                raise Incorrect("`logistic_loss` is the *sum* of the losses of the rows; the exercise asks for their mean.")
            raise Incorrect("`logistic_loss` does not give the mean logistic loss `log(1 + exp(-y * (X @ w)))`.")
        try:
            auto = np.asarray(jax.grad(lambda v: logistic_loss(v, X, y))(w), dtype=float)
        except (NotImplementedError, Incorrect, NotAttempted):
            raise
        except Exception:  # noqa: BLE001 - any failure of jax.grad means the loss is not differentiable by JAX
            raise Incorrect("`jax.grad` cannot differentiate `logistic_loss`: write it with `jax.numpy` (`jnp`) "
                            "functions only, not NumPy's, and return a single number.") from None
        if not np.allclose(auto, gradient, rtol=1e-4, atol=1e-6):
            raise Incorrect("`jax.grad(logistic_loss)` does not give the loss's gradient: check the loss formula.")
        by_hand = _numbers(logistic_gradient, w, X, y, name="`logistic_gradient`")
        if by_hand.size == w.size:
            by_hand = by_hand.reshape(w.shape)  # a column or row vector holds the same gradient
        if by_hand.shape != w.shape:
            raise Incorrect(f"`logistic_gradient` has shape {by_hand.shape}; it should have one value per weight, "
                            f"shape {w.shape}.")
        if not np.allclose(by_hand, gradient, rtol=1e-4, atol=1e-6):
            if np.allclose(by_hand, -gradient, rtol=1e-4, atol=1e-6):
                raise Incorrect("`logistic_gradient` has the wrong sign: the loss falls as the margin `y * (X @ w)` "
                                "grows, so its derivative carries a minus.")
            if np.allclose(by_hand, gradient * n, rtol=1e-4, atol=1e-6):
                raise Incorrect("`logistic_gradient` is the gradient of the summed loss; divide by the number of rows.")
            raise Incorrect("`logistic_gradient` does not agree with `jax.grad(logistic_loss)`: check the chain rule.")
    return ("the hand-derived gradient agrees with jax.grad to float32 precision, on three sets of inputs, one "
            "with margins large enough to overflow a naive `exp`.")


def _solution_loss(w, X, y):
    import jax.numpy as jnp

    return jnp.mean(jnp.logaddexp(0.0, -y * (X @ w)))


def _solution_gradient(w, X, y, *, sign: float = -1.0, mean: bool = True):
    import numpy as np

    total = sign * X.T @ (y / (1.0 + np.exp(y * (X @ w))))
    return total / len(y) if mean else total


@autodiff.wrong_answer
def autodiff_gradient_sign_flipped():
    return Answer.of(_solution_loss, lambda w, X, y: _solution_gradient(w, X, y, sign=1.0))


@autodiff.wrong_answer
def autodiff_gradient_of_the_sum():
    return Answer.of(_solution_loss, lambda w, X, y: _solution_gradient(w, X, y, mean=False))


@autodiff.wrong_answer
def autodiff_loss_summed():
    import jax.numpy as jnp

    return Answer.of(lambda w, X, y: jnp.sum(jnp.logaddexp(0.0, -y * (X @ w))), _solution_gradient)


@autodiff.wrong_answer
def autodiff_loss_in_numpy():
    import numpy as np

    return Answer.of(lambda w, X, y: float(np.mean(np.log1p(np.exp(-y * (X @ w))))), _solution_gradient)


@autodiff.wrong_answer
def autodiff_loss_that_overflows():
    import jax.numpy as jnp

    return Answer.of(lambda w, X, y: jnp.mean(jnp.log(1.0 + jnp.exp(-y * (X @ w)))), _solution_gradient)


@autodiff.wrong_answer
def autodiff_gradient_missing_the_sigmoid():
    return Answer.of(_solution_loss, lambda w, X, y: -X.T @ y / len(y))


# --- 2. a momentum step -----------------------------------------------------------------


@EXERCISES.exercise(
    "momentum",
    title="Write one step of gradient descent with momentum",
    hints=(
        "Two lines: first the new velocity from the old one and the gradient, then the new weights from the "
        "new velocity.",
        "The velocity keeps `beta` of its old value and adds the whole gradient; the weights move *against* "
        "the velocity, scaled by the learning rate.",
        "`velocity = beta * velocity + grad`; `return w - learning_rate * velocity, velocity`",
    ),
)
def momentum(momentum_step):
    import numpy as np

    from mlkit.topics import deep

    if not callable(momentum_step):
        raise Incorrect(f"`momentum_step` should be a function, but it is a {type(momentum_step).__name__}.")
    rng = np.random.default_rng(19)
    for shape, rate, beta in (((4, 3), 0.1, 0.9), ((7,), 0.03, 0.5), ((2, 5), 0.5, 0.0)):
        w, v, g = (rng.normal(1.0, 2.0, shape) for _ in range(3))
        result = _step_result(momentum_step, w.copy(), v.copy(), g.copy(), rate, beta)
        new_w, new_v = (np.asarray(part, dtype=float) for part in result)
        want_w, want_v = deep.momentum_step(w, v, g, rate, beta)
        if new_w.shape != w.shape or new_v.shape != w.shape:
            raise Incorrect(f"for weights of shape {shape}, the new weights and velocity should have that shape too; "
                            f"they have {new_w.shape} and {new_v.shape}.")
        if not np.allclose(new_v, want_v, rtol=1e-5):
            if np.allclose(new_v, beta * v + (1 - beta) * g, rtol=1e-5) and beta:
                raise Incorrect("the velocity is a weighted *average* of old velocity and gradient; the exercise's "
                                "velocity adds the whole gradient to `beta` times the old one.")
            if np.allclose(new_v, beta * v + rate * g, rtol=1e-5):
                raise Incorrect("the velocity includes the learning rate; in this convention it is a sum of "
                                "gradients, and the learning rate scales the step of the weights.")
            raise Incorrect("the new velocity is not `beta` times the old one plus the gradient.")
        if not np.allclose(new_w, want_w, rtol=1e-5):
            if np.allclose(new_w, w - rate * v, rtol=1e-5):
                raise Incorrect("the weights moved with the *old* velocity; update the velocity first, then the weights.")
            if np.allclose(new_w, w + rate * want_v, rtol=1e-5):
                raise Incorrect("the weights moved *up* the gradient; a descent step subtracts.")
            if np.allclose(new_w, w - rate * g, rtol=1e-5):
                raise Incorrect("the weights moved by the gradient alone, a plain SGD step: use the velocity.")
            raise Incorrect("the new weights are not the old ones minus the learning rate times the new velocity.")
    return "right on three shapes and settings, including `beta = 0` (plain SGD)."


def _step_result(function, *args):
    result = _raw(function, *args)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise Incorrect("`momentum_step` should return two arrays, `(new_w, new_velocity)`.")
    if any(part is Ellipsis for part in result):
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    return result


def _raw(function, *args):
    try:
        result = function(*args)
    except NotImplementedError:
        raise NotAttempted("your function still raises NotImplementedError; write its body.") from None
    except (Incorrect, NotAttempted, LearnerCodeError):
        raise
    except Exception as error:  # noqa: BLE001 - the learner's code failed: report it as theirs
        raise LearnerCodeError(error) from error
    if result is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    return result


@momentum.wrong_answer
def momentum_old_velocity_for_the_weights():
    return Answer.of(lambda w, v, g, lr, beta: (w - lr * v, beta * v + g))


@momentum.wrong_answer
def momentum_average_not_sum():
    def step(w, v, g, lr, beta):
        v = beta * v + (1 - beta) * g
        return w - lr * v, v

    return Answer.of(step)


@momentum.wrong_answer
def momentum_plain_sgd():
    return Answer.of(lambda w, v, g, lr, beta: (w - lr * g, beta * v + g))


@momentum.wrong_answer
def momentum_ascent():
    def step(w, v, g, lr, beta):
        v = beta * v + g
        return w + lr * v, v

    return Answer.of(step)


# --- 3. the early-stopping epoch -----------------------------------------------------------


STOPPING_CURVES = (
    ([0.9, 0.7, 0.6, 0.65, 0.62, 0.7, 0.5, 0.4], 3),
    ([1.2, 1.0, 1.1, 0.8, 0.85, 0.9, 0.95, 0.7], 2),
    ([2.0, 1.5, 1.4, 1.3, 1.2], 2),
    ([0.5, 0.5, 0.6, 0.4, 0.3], 1),
    ([3.0, 2.0, 2.5, 2.4, 2.3, 2.2, 2.1, 1.0, 0.9], 5),
    ([1.0, 1.1, 1.2, 0.9, 0.8], 3),
    ([1.0, 1.1, 1.2, 1.3, 0.5], 3),
    ([1.0, 1.1, 0.9, 1.0, 0.8, 0.85], 2),
    ([1.0, 0.6, 0.7, 0.8], 5),
)


@EXERCISES.exercise(
    "stopping",
    title="Find the epoch that early stopping keeps",
    hints=(
        "Walk through the losses in order, remembering the best epoch so far and how many epochs have passed "
        "without a new best.",
        "A new best resets the count; otherwise add one, and stop as soon as the count reaches `patience`. "
        "Only a loss strictly below the best counts as a new best. Epochs are counted from 1.",
        "`best, waited = 0, 0`; for each index `i` from 1: if `val_losses[i] < val_losses[best]`: `best, waited = "
        "i, 0`, else `waited += 1` and `break` when `waited == patience`; `return best + 1`",
    ),
)
def stopping(stopping_epoch):
    from mlkit.topics import deep

    if not callable(stopping_epoch):
        raise Incorrect(f"`stopping_epoch` should be a function, but it is a {type(stopping_epoch).__name__}.")
    for losses, patience in STOPPING_CURVES:
        got = as_whole_number(_raw(stopping_epoch, list(losses), patience), name="`stopping_epoch(...)`")
        right = deep.stopping_epoch(losses, patience)
        if got == right:
            continue
        seen_all = deep.stopping_epoch(losses)
        if got == _stopping_without_reset(losses, patience):
            raise Incorrect("training stopped too early on a curve with a new best after a wait: a new best "
                            "starts the count of epochs without improvement again from zero.")
        if got == _stopping_with_ties(losses, patience):
            raise Incorrect("a loss *equal* to the best so far counted as a new best; only a loss strictly below "
                            "it is an improvement, so a tie keeps the earlier epoch and adds to the wait.")
        if got == right - 1:
            raise Incorrect("the epoch is off by one: the answer is an epoch counted from 1, not a position "
                            "counted from 0.")
        if got == seen_all and got != right:
            raise Incorrect("this is the lowest loss of the whole curve, but training stopped earlier: once "
                            "`patience` epochs pass without a new best, the later epochs are never run.")
        if got == len(losses) and _stopping_last_if_never_stopped(losses, patience) == got:
            raise Incorrect("on a curve where the patience never runs out, this is the last epoch; training then "
                            "ends without stopping early, but the weights kept are still those of the best epoch.")
        if got == min(len(losses), right + patience):
            raise Incorrect("this is the epoch at which training stops; early stopping keeps the weights of the "
                            "best epoch before it.")
        raise Incorrect("the epoch is not the one early stopping keeps for one of the curves tried.")
    return (f"right on {len(STOPPING_CURVES)} curves, with ties, a new best after a wait, a stop before any best, "
            "and runs that never stop.")


def _stopping_with_ties(losses, patience) -> int:
    """Early stopping that wrongly takes a tie with the best loss for an improvement."""
    best, waited = 0, 0
    for i in range(1, len(losses)):
        if losses[i] <= losses[best]:
            best, waited = i, 0
        else:
            waited += 1
            if waited == patience:
                break
    return best + 1


def _stopping_without_reset(losses, patience) -> int:
    """Early stopping that wrongly keeps counting the wait across a new best."""
    best, waited = 0, 0
    for i in range(1, len(losses)):
        if losses[i] < losses[best]:
            best = i
        else:
            waited += 1
            if waited == patience:
                break
    return best + 1


def _stopping_last_if_never_stopped(losses, patience) -> int:
    """Early stopping that wrongly keeps the last epoch when the patience never runs out."""
    best, waited = 0, 0
    for i in range(1, len(losses)):
        if losses[i] < losses[best]:
            best, waited = i, 0
        else:
            waited += 1
            if waited == patience:
                return best + 1
    return len(losses)


@stopping.wrong_answer
def stopping_wait_not_reset():
    return Answer.of(_stopping_without_reset)


@stopping.wrong_answer
def stopping_last_epoch_when_never_stopped():
    return Answer.of(_stopping_last_if_never_stopped)


@stopping.wrong_answer
def stopping_lowest_of_the_whole_curve():
    import numpy as np

    return Answer.of(lambda losses, patience: int(np.argmin(losses)) + 1)


@stopping.wrong_answer
def stopping_counted_from_zero():
    from mlkit.topics import deep

    return Answer.of(lambda losses, patience: deep.stopping_epoch(losses, patience) - 1)


@stopping.wrong_answer
def stopping_the_epoch_training_stops():
    from mlkit.topics import deep

    return Answer.of(lambda losses, patience: min(len(losses), deep.stopping_epoch(losses, patience) + patience))


@stopping.wrong_answer
def stopping_ties_count_as_new_best():
    return Answer.of(_stopping_with_ties)


# --- 4. a convolutional network, judged on digits the notebook does not load ---------------


@lru_cache(maxsize=1)
def _held_back():
    """``(images, labels)``: the quarter of the digits kept aside, scaled to [0, 1], shaped (450, 8, 8, 1)."""
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import digits

    X, y = digits.load()
    _, X_held, _, y_held = train_test_split(X / 16, y, test_size=TEST_SHARE, stratify=y, random_state=0)
    return X_held.reshape(-1, 8, 8, 1).astype("float32"), y_held


def _training_rows() -> int:
    """How many digits the exercise notebook trains on: all but those kept aside."""
    from mlkit.datasets import digits

    return len(digits.load()[1]) - len(_held_back()[1])


@EXERCISES.exercise(
    "cnn",
    title="Build and train a small convolutional network",
    hints=(
        "Three layers after `keras.Input(shape=(8, 8, 1))`: a `Conv2D` with 16 filters of size 3 and a ReLU, "
        "a `Flatten`, and a `Dense` layer with one output per digit and no activation.",
        "The last layer outputs logits, so the loss needs `from_logits=True`. `fit` takes `epochs=` and "
        "`batch_size=`.",
        "`cnn.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), "
        "loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))`, then "
        "`cnn.fit(images_train, y_train, epochs=8, batch_size=50, verbose=0)`",
    ),
)
def cnn(cnn):
    import numpy as np

    if cnn is Ellipsis:
        raise NotAttempted("replace the `...` with your answer.")
    keras = _keras()
    if not isinstance(cnn, keras.Model):
        raise Incorrect(f"`cnn` should be a Keras model, but it is a {type(cnn).__name__}.")
    _expect_layers(cnn, keras)
    _expect_training_settings(cnn, keras)
    images, labels = _held_back()
    start = time.perf_counter()
    scores = np.asarray(cnn.predict(images, verbose=0, batch_size=len(images)))
    seconds = time.perf_counter() - start
    if scores.shape != (len(labels), CNN_CLASSES):
        raise Incorrect(f"`cnn` gives outputs of shape {scores.shape} for {len(labels)} images; one score per "
                        f"digit, shape ({len(labels)}, {CNN_CLASSES}), is expected.")
    accuracy = float(np.mean(scores.argmax(axis=1) == labels))
    if accuracy < MIN_ACCURACY:
        raise Incorrect(f"`cnn` recognises {accuracy:.3f} of the {len(labels)} digits kept aside (guessing the most "
                        f"frequent digit: about {BASELINE}); at least {MIN_ACCURACY} is expected. Check that it was "
                        "trained on `images_train`, the pixels divided by 16.")
    if seconds > PREDICT_SECONDS:
        raise Incorrect(f"`cnn` took more than {PREDICT_SECONDS:.0f} s to answer {len(labels)} small images.")
    return f"it recognises {accuracy:.2f} of the {len(labels)} digits kept aside, which it never saw."


def _keras():
    """Keras, on the kit's backend when nothing imported it yet (see ``mlkit.setup``)."""
    from mlkit.course.notebook_setup import configure_framework

    configure_framework()
    import keras

    return keras


def _is_relu_layer(layer, keras) -> bool:
    """A layer that only applies a plain ReLU: ``ReLU()`` with its defaults, or ``Activation("relu")``."""
    if isinstance(layer, keras.layers.ReLU):
        config = layer.get_config()
        return not config.get("max_value") and not config.get("negative_slope") and not config.get("threshold")
    return isinstance(layer, keras.layers.Activation) and layer.activation is keras.activations.relu


def _expect_layers(model, keras) -> None:
    """The architecture the statement asks for, or Incorrect naming the layer that differs.

    The ReLU may be the convolution's ``activation`` or a layer of its own right after it.
    """
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    separate_relu = (len(layers) == 4 and isinstance(layers[0], keras.layers.Conv2D) and _is_relu_layer(layers[1], keras)
                     and layers[0].activation is keras.activations.linear)
    if separate_relu:
        layers = [layers[0], *layers[2:]]
    kinds = [type(layer).__name__ for layer in layers]
    if kinds != ["Conv2D", "Flatten", "Dense"]:
        raise Incorrect(f"`cnn` has the layers {', '.join(kinds) or 'none'}; the exercise asks for Conv2D, Flatten "
                        "and Dense, in that order.")
    try:
        shape = tuple(model.input_shape)
    except (AttributeError, ValueError):
        raise Incorrect("`cnn` has no input shape: start it with `keras.Input(shape=(8, 8, 1))`.") from None
    if shape != (None, 8, 8, 1):
        raise Incorrect(f"`cnn` takes inputs of shape {shape[1:]}; the images are 8 by 8 with one channel, (8, 8, 1).")
    conv, _, dense = layers
    if conv.filters != CNN_FILTERS or tuple(conv.kernel_size) != (CNN_KERNEL, CNN_KERNEL):
        raise Incorrect(f"the `Conv2D` layer has {conv.filters} filters of size {tuple(conv.kernel_size)}; the "
                        "exercise asks for 16 filters of 3 by 3.")
    if conv.padding != "valid":
        raise Incorrect(f"the `Conv2D` layer has `padding=\"{conv.padding}\"`; the exercise asks for no padding, so "
                        "that each filter is applied only where it fits whole inside the image.")
    if tuple(conv.strides) != (1, 1) or tuple(conv.dilation_rate) != (1, 1):
        raise Incorrect(f"the `Conv2D` layer has strides {tuple(conv.strides)} and dilation "
                        f"{tuple(conv.dilation_rate)}; the exercise's filters move one pixel at a time over "
                        "neighbouring pixels, the defaults.")
    if conv.activation is not keras.activations.relu and not separate_relu:
        raise Incorrect("the `Conv2D` layer has no ReLU: give it `activation=\"relu\"`.")
    if dense.units != CNN_CLASSES:
        raise Incorrect(f"the `Dense` layer has {dense.units} outputs; there is one per digit.")
    if dense.activation is not keras.activations.linear:
        raise Incorrect("the `Dense` layer has an activation; the exercise asks for logits (no activation), "
                        "read by the loss with `from_logits=True`.")


def _expect_training_settings(model, keras) -> None:
    """Optimiser, loss and number of steps taken, or Incorrect naming the one that differs."""
    import math

    import numpy as np

    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise Incorrect("`cnn` is not compiled: call `cnn.compile(...)` with an optimiser and a loss.")
    if not isinstance(optimizer, keras.optimizers.Adam):
        raise Incorrect(f"`cnn` is compiled with {type(optimizer).__name__}; the exercise asks for Adam.")
    rate = float(np.asarray(optimizer.learning_rate))
    if not math.isclose(rate, CNN_RATE, rel_tol=1e-5):
        raise Incorrect(f"the optimiser's learning rate is {rate:g}; the exercise asks for {CNN_RATE}.")
    loss = model.loss
    if not isinstance(loss, keras.losses.SparseCategoricalCrossentropy):
        raise Incorrect("the loss is not `keras.losses.SparseCategoricalCrossentropy`, the cross-entropy for "
                        "integer labels.")
    if not loss.get_config().get("from_logits"):
        raise Incorrect("the loss reads the outputs as probabilities, but the last layer outputs logits: pass "
                        "`from_logits=True`.")
    steps = int(np.asarray(optimizer.iterations))
    if steps == 0:
        raise Incorrect("`cnn` has not been trained: call `cnn.fit(...)`.")
    per_epoch = math.ceil(_training_rows() / CNN_BATCH)
    expected = CNN_EPOCHS * per_epoch
    # The steps taken pin epochs x batches per epoch; the record of the last call of fit pins the epochs.
    epochs_run = getattr(getattr(model, "history", None), "epoch", None)
    if epochs_run is not None and steps == expected and len(epochs_run) != CNN_EPOCHS:
        raise Incorrect(f"the last call of `cnn.fit` ran {len(epochs_run)} epochs; the exercise asks for "
                        f"{CNN_EPOCHS}, in batches of {CNN_BATCH} images.")
    if steps != expected:
        raise Incorrect(f"`cnn` took {steps} optimiser steps; {CNN_EPOCHS} epochs in batches of {CNN_BATCH} images "
                        "over `images_train` make a different number. Train it once, with the epochs and batch "
                        "size asked for.")


def _trained_cnn(*, filters=CNN_FILTERS, activation="relu", from_logits=True, epochs=CNN_EPOCHS, padding="valid",
                 batch_size=CNN_BATCH):
    """The exercise's network trained as the statement says, with one setting changed (a wrong answer)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import digits

    X, y = digits.load()
    X_train, _, y_train, _ = train_test_split(X / 16, y, test_size=TEST_SHARE, stratify=y, random_state=0)
    images, labels = X_train.reshape(-1, 8, 8, 1), y_train
    keras = _keras()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(filters, 3, activation=activation, padding=padding),
        keras.layers.Flatten(),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=CNN_RATE),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits))
    if epochs:
        model.fit(np.asarray(images, dtype="float32"), labels, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


@cnn.wrong_answer
def cnn_not_trained():
    return Answer.of(_trained_cnn(epochs=0))


@cnn.wrong_answer
def cnn_without_relu():
    return Answer.of(_trained_cnn(activation=None, epochs=1))


@cnn.wrong_answer
def cnn_probabilities_loss():
    return Answer.of(_trained_cnn(from_logits=False, epochs=1))


@cnn.wrong_answer
def cnn_too_few_epochs():
    return Answer.of(_trained_cnn(epochs=2))


@cnn.wrong_answer
def cnn_same_padding():
    return Answer.of(_trained_cnn(padding="same", epochs=1))


@cnn.wrong_answer
def cnn_half_the_epochs_in_half_the_batch():
    """4 epochs of 54 batches of 25 take as many steps as 8 epochs of 27 batches of 50."""
    return Answer.of(_trained_cnn(epochs=CNN_EPOCHS // 2, batch_size=CNN_BATCH // 2))


@cnn.wrong_answer
def cnn_other_filters():
    return Answer.of(_trained_cnn(filters=8, epochs=1))


# --- 5. a judgement ---------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "the test set then chooses the number of epochs, so the reported test accuracy is the best of many "
    "tries on it: an optimistic figure, not an estimate for new data.",
    "B": "a validation set shuffled into the training data is data the network trained on: its loss keeps "
    "falling with the training loss and no longer warns of memorising.",
    "D": "the training accuracy keeps rising while the network memorises; it cannot say when to stop.",
}


@EXERCISES.exercise(
    "judgement",
    title="Choose how to stop training",
    hints=(
        "Which data can tell you that the network starts to memorise, and which data must stay unseen until "
        "the final figure?",
        "Stopping is a choice, like a hyper-parameter: it is made on data the network does not train on, and "
        "that is not the test set.",
        "Hold out a validation split from the training data, stop on its loss, and read the test set once.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="C", feedback=JUDGEMENT_FEEDBACK)
    return "early stopping is a choice, so it is made on validation data, and the test set is read once at the end."


@judgement.wrong_answer
def judgement_stop_on_test():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_validation_into_training():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_training_accuracy():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'C'", "Option C"]
