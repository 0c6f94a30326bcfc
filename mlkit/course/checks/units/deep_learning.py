"""Exercises of unit 19, deep learning with a framework (``solutions/19_deep_learning.ipynb``).

Functions are tried on inputs the checks make themselves (uncentred, of several sizes and
parameters), against :mod:`mlkit.topics.deep` or a reference written here (batch normalisation of
images as Keras computes it, the shapes and weights of a stack of convolutions; the tests check
both against Keras). The convolutional network is judged on
the quarter of the digits that the exercise notebook sets aside and never trains on (``train_test_split``
with ``test_size=0.25``, stratified, ``random_state=0``: 450 images), must answer them quickly, and must
fit them less closely than the rows it was trained on.

Three exercises ask for something the kit or JAX already computes; while the learner's function
runs, those are withheld (:mod:`mlkit.course.checks.withheld`): ``jax.grad`` and its kin for the
hand-derived gradient, ``deep.stopping_epoch``, and ``deep.conv_output_size`` and
``deep.conv_parameters``. The checks' own references are computed outside those blocks.

Each exercise is a check function decorated with ``EXERCISES.exercise``; below it, builders of
plausible wrong answers (``@<exercise>.wrong_answer``) and the values no failure message may
reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import time
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, LearnerCodeError, NotAttempted, beside_learner
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
        if value.ndim:
            raise Incorrect(f"`logistic_loss` returns an array of shape {value.shape}; return a single number (shape "
                            "`()`): `jax.grad` differentiates functions that return a scalar only.")
        if largest is not None and not np.isfinite(float(value)):
            raise Incorrect(f"`logistic_loss` returns {float(value)} on inputs where one margin `y * (X @ w)` is "
                            f"-{largest:g}, and the mean loss there is finite: `exp` of a margin that large "
                            "overflows in float32 (beyond about 88). Compute the loss in a form that cannot overflow.")
        if not np.isclose(float(value), loss, rtol=1e-4):
            if np.isclose(float(value), loss * n, rtol=1e-4):
                raise Incorrect("`logistic_loss` is the *sum* of the losses of the rows; the exercise asks for their mean.")
            raise Incorrect("`logistic_loss` does not give the mean logistic loss `log(1 + exp(-y * (X @ w)))`.")
        try:
            auto = np.asarray(beside_learner(_jax_gradient, logistic_loss, w, X, y), dtype=float)
        except (NotImplementedError, Incorrect, NotAttempted):
            raise
        except Exception:  # noqa: BLE001 - any failure of jax.grad means the loss is not differentiable by JAX
            raise Incorrect("`jax.grad` cannot differentiate `logistic_loss`: write it with `jax.numpy` (`jnp`) "
                            "functions only, not NumPy's, and return a single number.") from None
        if not np.isfinite(auto).all():
            where = f" on inputs where one margin `y * (X @ w)` is -{largest:g}" if largest else ""
            raise Incorrect("`logistic_loss` has the right value, but `jax.grad(logistic_loss)` gives NaN or inf"
                            f"{where}. If the loss picks a branch with `jnp.where`, JAX differentiates both "
                            "branches, and the one not taken can overflow; `jnp.logaddexp(0, -m)` stays finite, and "
                            "so does its gradient.")
        if not np.allclose(auto, gradient, rtol=1e-4, atol=1e-6):
            raise Incorrect("`jax.grad(logistic_loss)` does not give the loss's gradient, although the loss's values "
                            "are right.")
        by_hand = _gradient_by_hand(logistic_gradient, jax, w, X, y)
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


def _jax_gradient(logistic_loss, w, X, y):
    """``jax.grad`` of the learner's loss at ``w`` (run beside the learner's code: it traces it)."""
    import jax
    import numpy as np

    return np.asarray(jax.grad(lambda v: logistic_loss(v, X, y))(w), dtype=float)


JAX_DIFFERENTIATION = ("grad", "value_and_grad", "vjp", "jvp", "jacrev", "jacfwd", "linearize", "hessian")


def _gradient_by_hand(logistic_gradient, jax, w, X, y):
    """The learner's gradient, computed with JAX's differentiation withheld (the loss's jax.grad is done)."""
    from mlkit.course.checks.withheld import Withheld, withheld

    try:
        with withheld(jax, JAX_DIFFERENTIATION, exercise="logistic_gradient", alias="jax"):
            return _numbers(logistic_gradient, w, X, y, name="`logistic_gradient`")
    except Withheld:
        raise Incorrect("`logistic_gradient` calls JAX's automatic differentiation (`jax.grad` or one of its kin), "
                        "which is withheld while it is checked: derive the gradient by hand, with the chain rule, "
                        "and write it in NumPy.") from None


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
def autodiff_gradient_by_jax_grad():
    """The 'hand-derived' gradient taken from jax.grad of the loss."""
    import jax
    import numpy as np

    return Answer.of(_solution_loss, lambda w, X, y: np.asarray(jax.grad(_solution_loss)(w, X, y)))


@autodiff.wrong_answer
def autodiff_loss_with_a_nan_gradient():
    """A 'stable' loss by jnp.where: right values, but the branch not taken overflows in the gradient."""
    import jax.numpy as jnp

    def loss(w, X, y):
        m = y * (X @ w)
        return jnp.mean(jnp.where(-m > 30, -m, jnp.log1p(jnp.exp(-m))))

    return Answer.of(loss, _solution_gradient)


@autodiff.wrong_answer
def autodiff_loss_of_shape_one():
    import jax.numpy as jnp

    return Answer.of(lambda w, X, y: jnp.mean(jnp.logaddexp(0.0, -y * (X @ w)), keepdims=True), _solution_gradient)


@autodiff.wrong_answer
def autodiff_gradient_missing_the_sigmoid():
    return Answer.of(_solution_loss, lambda w, X, y: -X.T @ y / len(y))


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



# --- 2. the early-stopping epoch -----------------------------------------------------------


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
    ([1.0, 0.8, 0.799, 0.9, 0.95], 2),  # a new best by a hair: any loss strictly below the best counts
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
    from mlkit.course.checks.withheld import withheld

    if stopping_epoch is deep.stopping_epoch:  # the kit's own function, passed on as the answer
        raise Incorrect("`stopping_epoch` is the kit's own `deep.stopping_epoch`; this exercise asks you to write "
                        "it yourself.")
    with withheld(deep, ["stopping_epoch"], exercise="stopping_epoch", alias="deep"):
        answers = [_raw(stopping_epoch, list(losses), patience) for losses, patience in STOPPING_CURVES]
    answers = [as_whole_number(answer, name="`stopping_epoch(...)`") for answer in answers]
    if all(got == deep.stopping_epoch(losses, patience) for got, (losses, patience) in zip(answers, STOPPING_CURVES)):
        return (f"right on {len(STOPPING_CURVES)} curves, with ties, a new best after a wait, a new best by a hair, a "
                "stop before any best, and runs that never stop.")
    # A mistake is named only when it gives every answer on every curve; the curves tell these apart.
    for mistake, message in _STOPPING_MISTAKES:
        if all(got == mistake(losses, patience) for got, (losses, patience) in zip(answers, STOPPING_CURVES)):
            raise Incorrect(message)
    raise Incorrect("the epoch is not the one early stopping keeps for one of the curves tried.")


def _stopping_with_min_delta(losses, patience, min_delta: float = 0.01) -> int:
    """Early stopping that wrongly asks a new best to beat the best by more than ``min_delta``."""
    return _stopping_reference(losses, patience, improves=lambda loss, i, best: loss[i] < loss[best] - min_delta)


def _stopping_against_the_previous_epoch(losses, patience) -> int:
    """Early stopping that wrongly compares each loss with the previous epoch's, not with the best's."""
    return _stopping_reference(losses, patience, improves=lambda loss, i, best: loss[i] < loss[i - 1])


def _stopping_with_ties(losses, patience) -> int:
    """Early stopping that wrongly takes a tie with the best loss for an improvement."""
    return _stopping_reference(losses, patience, improves=lambda loss, i, best: loss[i] <= loss[best])


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


def _stopping_reference(losses, patience=None, improves=None) -> int:
    """``deep.stopping_epoch`` written here: the mistakes call it while the kit's is withheld.

    ``improves(losses, i, best)`` says whether epoch ``i`` is a new best (by default: strictly below
    the best loss); the mistakes that misjudge a new best pass their own.
    """
    best, waited = 0, 0
    for i in range(1, len(losses)):
        if improves(losses, i, best) if improves is not None else losses[i] < losses[best]:
            best, waited = i, 0
        else:
            waited += 1
            if patience is not None and waited == patience:
                break
    return best + 1


def _stopping_late(losses, patience) -> int:
    return _stopping_reference(losses, patience + 1)


def _stopping_from_zero(losses, patience) -> int:
    return _stopping_reference(losses, patience) - 1


def _stopping_whole_curve(losses, patience) -> int:
    return _stopping_reference(losses)


def _stopping_when_training_stops(losses, patience) -> int:
    return min(len(losses), _stopping_reference(losses, patience) + patience)


_STOPPING_MISTAKES = (  # (the mistake's answers, what it says), each told apart from the others by a curve
    (_stopping_with_min_delta, "a loss only slightly below the best so far did not count as a new best; any loss "
     "strictly below the best is an improvement, however small."),
    (_stopping_with_ties, "a loss *equal* to the best so far counted as a new best; only a loss strictly below "
     "it is an improvement, so a tie keeps the earlier epoch and adds to the wait."),
    (_stopping_without_reset, "training stopped too early on a curve with a new best after a wait: a new best "
     "starts the count of epochs without improvement again from zero."),
    (_stopping_against_the_previous_epoch, "each loss was compared with the previous epoch's; a new best must be "
     "below the best loss so far, which may be several epochs back."),
    (_stopping_late, "training ran one epoch longer than `patience` allows: it stops as soon as the count of "
     "epochs without a new best *reaches* `patience`."),
    (_stopping_from_zero, "the epoch is off by one: the answer is an epoch counted from 1, not a position "
     "counted from 0."),
    (_stopping_whole_curve, "this is the lowest loss of the whole curve, but training stops earlier: once "
     "`patience` epochs pass without a new best, the later epochs are never run."),
    (_stopping_last_if_never_stopped, "on a curve where the patience never runs out, this is the last epoch; "
     "training then ends without stopping early, but the weights kept are still those of the best epoch."),
    (_stopping_when_training_stops, "this is the epoch at which training stops; early stopping keeps the weights "
     "of the best epoch before it."),
)


@stopping.wrong_answer
def stopping_the_kits_function():
    from mlkit.topics import deep

    return Answer.of(deep.stopping_epoch)


@stopping.wrong_answer
def stopping_calls_the_kits_function():
    from mlkit.topics import deep

    return Answer.of(lambda losses, patience: deep.stopping_epoch(losses, patience))


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
    return Answer.of(_stopping_from_zero)


@stopping.wrong_answer
def stopping_the_epoch_training_stops():
    return Answer.of(_stopping_when_training_stops)


@stopping.wrong_answer
def stopping_ties_count_as_new_best():
    return Answer.of(_stopping_with_ties)


@stopping.wrong_answer
def stopping_improvement_must_exceed_a_tolerance():
    return Answer.of(_stopping_with_min_delta)


@stopping.wrong_answer
def stopping_compared_with_the_previous_epoch():
    return Answer.of(_stopping_against_the_previous_epoch)


@stopping.wrong_answer
def stopping_one_epoch_too_late():
    return Answer.of(_stopping_late)


# --- 3. batch normalisation after a convolution, both modes ------------------------------------


def _batch_norm_images_reference(x, gamma, beta, moving_mean, moving_var, training, momentum, epsilon, *,
                                 axes=(0, 1, 2), ddof=0):
    """Keras's ``BatchNormalization`` on images (channels last), in float64; returns (out, mean, var).

    ``axes`` and ``ddof`` describe wrong answers: statistics per position (``axes=0``), or the
    variance divided by one value fewer (``ddof=1``).
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=ddof)
        moving_mean = momentum * moving_mean + (1 - momentum) * mean
        moving_var = momentum * moving_var + (1 - momentum) * var
    else:
        mean, var = moving_mean, moving_var
    return gamma * (x - mean) / np.sqrt(var + epsilon) + beta, moving_mean, moving_var


def _batch_norm_case(seed: int, shape: tuple):
    """Images (uncentred, one channel nearly constant so that epsilon counts) and the layer's state."""
    import numpy as np

    rng = np.random.default_rng(seed)
    channels = shape[-1]
    x = rng.normal(rng.uniform(-2.0, 3.0, channels), rng.uniform(0.5, 2.0, channels), shape)
    x[..., 0] = 2.0 + 1e-3 * rng.normal(size=shape[:-1])   # a channel that barely varies: epsilon matters
    gamma, beta = rng.normal(1.0, 0.4, channels), rng.normal(0.5, 0.5, channels)
    moving_mean, moving_var = rng.normal(0.3, 0.5, channels), rng.uniform(0.5, 2.0, channels)
    return x, gamma, beta, moving_mean, moving_var


BATCH_NORM_CASES = (  # (seed, shape of x, training, momentum, epsilon)
    (1, (5, 4, 3, 3), True, 0.9, 1e-3),
    (1, (5, 4, 3, 3), False, 0.9, 1e-3),
    (4, (3, 6, 5, 2), True, 0.99, 1e-2),
    (4, (3, 6, 5, 2), False, 0.99, 1e-2),
    (6, (8, 2, 2, 4), True, 0.5, 1e-3),
)


@EXERCISES.exercise(
    "batchnorm",
    title="Batch normalisation of images, in training and inference modes",
    hints=(
        "Each channel has one mean and one variance, taken over every image of the batch and every position "
        "in it: reduce over the first three axes, `axis=(0, 1, 2)`. `gamma`, `beta` and the running averages "
        "have one value per channel, and broadcast against the last axis.",
        "In training mode: the batch's mean and variance (`x.var` divides by the number of values), and the "
        "running averages become `momentum * old + (1 - momentum) * batch value`. In inference mode: normalise "
        "with the running averages and return them unchanged. `epsilon` goes under the square root.",
        "`mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))` in training mode (then update the running "
        "averages), `mean, var = moving_mean, moving_var` otherwise; `out = gamma * (x - mean) / "
        "np.sqrt(var + epsilon) + beta`.",
    ),
)
def batchnorm(batch_norm_images):
    import numpy as np

    if not callable(batch_norm_images):
        raise Incorrect(f"`batch_norm_images` should be a function, but it is a {type(batch_norm_images).__name__}.")
    for seed, shape, training, momentum, epsilon in BATCH_NORM_CASES:
        case = _batch_norm_case(seed, shape)
        args = (*case, training, momentum, epsilon)
        result = _raw(batch_norm_images, *(a.copy() for a in case), training, momentum, epsilon)
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise Incorrect("`batch_norm_images` should return three things, `(out, new_moving_mean, new_moving_var)`.")
        if any(part is Ellipsis for part in result):
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        mode = "training" if training else "inference"
        want_out, want_mean, want_var = _batch_norm_images_reference(*args)
        close = lambda a, b: np.allclose(a, b, rtol=1e-4, atol=1e-6)  # noqa: E731 - float32 answers too
        out = _array(result[0], "the output", shape)
        if not close(out, want_out):
            if training and close(out, _batch_norm_images_reference(*args, axes=0)[0]):
                raise Incorrect("the statistics were taken per position (over the images only); after a "
                                "convolution there is one mean and one variance per channel, over the images and "
                                "every position in them.")
            if training and close(out, _batch_norm_images_reference(*case, False, momentum, epsilon)[0]):
                raise Incorrect("in training mode the output was normalised with the running averages; training "
                                "mode uses the batch's own mean and variance.")
            if not training and close(out, _batch_norm_images_reference(*case, True, momentum, epsilon)[0]):
                raise Incorrect("in inference mode the output was normalised with the batch's statistics; "
                                "inference uses the running averages, so an image's output does not depend on "
                                "its batch.")
            if training and close(out, _batch_norm_images_reference(*args, ddof=1)[0]):
                raise Incorrect("the batch variance was divided by one value fewer; Keras divides by the number "
                                "of values, as `x.var()` does.")
            for other in (0.0, 1e-5, 1e-3, 1e-2):
                if other != epsilon and close(out, _batch_norm_images_reference(*case, training, momentum, other)[0]):
                    raise Incorrect(f"in {mode} mode the output is the one with " + ("no `epsilon`" if not other else
                                    f"`epsilon` = {other:g}") + "; use the `epsilon` the function is given, under "
                                    "the square root.")
            only_flat = close(out[..., 1:], want_out[..., 1:])  # channel 0 barely varies: epsilon matters there
            raise Incorrect(f"in {mode} mode the output is not `gamma * (x - mean) / sqrt(var + epsilon) + beta` "
                            "with the right mean and variance per channel"
                            + (": it is right on every channel but one that barely varies, where `epsilon` counts."
                               if only_flat else "."))
        new_mean = _array(result[1], "the new running mean", (shape[-1],))
        new_var = _array(result[2], "the new running variance", (shape[-1],))
        if not (close(new_mean, want_mean) and close(new_var, want_var)):
            if not training:
                raise Incorrect("in inference mode the running averages changed; they are only read there, and "
                                "returned as they were.")
            swapped = _batch_norm_images_reference(*case, True, 1 - momentum, epsilon)
            if close(new_mean, swapped[1]) and close(new_var, swapped[2]):
                raise Incorrect("the running averages moved a share `momentum` of the way towards the batch's "
                                "statistics; they keep `momentum` of their old value and take `1 - momentum` of the "
                                "batch's.")
            if close(new_mean, want_mean) and close(new_var, _batch_norm_images_reference(*args, ddof=1)[2]):
                raise Incorrect("the running variance took the batch variance divided by one value fewer; Keras "
                                "divides by the number of values, as `x.var()` does.")
            raise Incorrect("in training mode the new running averages are not `momentum` times the old ones plus "
                            "`1 - momentum` times the batch's mean and variance per channel.")
    return ("right in both modes on three batches of images, including a channel that barely varies, with "
            "the running averages updated only in training.")


def _array(value, what: str, shape: tuple):
    import numpy as np

    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Incorrect(f"{what} should be an array of numbers, but it is a {type(value).__name__}.") from None
    if array.shape != shape and array.size == int(np.prod(shape)) and len(shape) == 1:
        array = array.reshape(shape)  # a row or column of one value per channel
    if array.shape != shape:
        raise Incorrect(f"{what} has shape {array.shape}; for these inputs a shape of {shape} is expected.")
    return array


def _batch_norm_variant(*, axes=(0, 1, 2), ddof=0, share=None, normalise_with_batch=None, update_always=False):
    """The solution with one wrong choice (a wrong answer of the exercise)."""
    def function(x, gamma, beta, moving_mean, moving_var, training, momentum, epsilon):
        rate = share(momentum) if share else momentum
        _, new_mean, new_var = _batch_norm_images_reference(x, gamma, beta, moving_mean, moving_var,
                                                            training or update_always, rate, epsilon, axes=axes, ddof=ddof)
        with_batch = normalise_with_batch(training) if normalise_with_batch else training
        out = _batch_norm_images_reference(x, gamma, beta, moving_mean, moving_var, with_batch, rate, epsilon,
                                           axes=axes, ddof=ddof)[0]
        return out, new_mean, new_var

    return function


@batchnorm.wrong_answer
def batchnorm_statistics_per_position():
    return Answer.of(_batch_norm_variant(axes=0))


@batchnorm.wrong_answer
def batchnorm_unbiased_variance():
    return Answer.of(_batch_norm_variant(ddof=1))


@batchnorm.wrong_answer
def batchnorm_momentum_the_wrong_way_round():
    return Answer.of(_batch_norm_variant(share=lambda m: 1 - m))


@batchnorm.wrong_answer
def batchnorm_batch_statistics_at_inference():
    return Answer.of(_batch_norm_variant(normalise_with_batch=lambda training: True))


@batchnorm.wrong_answer
def batchnorm_running_averages_in_training():
    return Answer.of(_batch_norm_variant(normalise_with_batch=lambda training: False))


@batchnorm.wrong_answer
def batchnorm_running_averages_updated_at_inference():
    return Answer.of(_batch_norm_variant(update_always=True))


@batchnorm.wrong_answer
def batchnorm_epsilon_outside_the_root():
    import numpy as np

    def function(x, gamma, beta, moving_mean, moving_var, training, momentum, epsilon):
        out, mean, var = _batch_norm_images_reference(x, gamma, beta, moving_mean, moving_var, training, momentum,
                                                      epsilon)
        used = (x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))) if training else (moving_mean, moving_var)
        return gamma * (x - used[0]) / (np.sqrt(used[1]) + epsilon) + beta, mean, var

    return Answer.of(function)


# --- 4. shapes and weights of a stack of convolutions ------------------------------------------

CONV_STACKS = (  # (side, channels, layers)
    (28, 1, [("conv", 6, 5, 1, 2), ("pool", 2), ("conv", 16, 5, 1, 0), ("pool", 2)]),
    (32, 3, [("conv", 8, 3, 2, 0), ("conv", 16, 3, 1, 1), ("pool", 2)]),
    (9, 2, [("conv", 4, 3, 2, 1), ("pool", 3)]),
    (64, 3, [("conv", 10, 7, 3, 2), ("pool", 2), ("conv", 5, 1, 1, 0)]),
    # divisions whose fraction rounds up to the nearest whole number: 29 / 3 = 9.67, and 31 / 2 = 15.5,
    # which Python's round() sends up to the even 16; the floor is 9 and 15
    (32, 2, [("conv", 6, 3, 3, 0), ("conv", 4, 1, 1, 0)]),
    (33, 1, [("conv", 3, 2, 2, 0), ("pool", 3)]),
)


CONV_HELPERS = ("conv_output_size", "conv_parameters")  # the kit's, withheld while conv_stack runs


def conv_stack_reference(side: int, channels: int, layers) -> tuple[list[tuple[int, int, int]], int]:
    """Output shape of each layer of a stack of square convolutions and poolings, and its weights."""
    shapes, weights = [], 0
    for layer in layers:
        if layer[0] == "conv":
            _, filters, kernel, stride, padding = layer
            weights += (kernel * kernel * channels + 1) * filters
            side, channels = (side + 2 * padding - kernel) // stride + 1, filters
        else:
            side = (side - layer[1]) // layer[1] + 1
        shapes.append((side, side, channels))
    return shapes, weights


@EXERCISES.exercise(
    "conv",
    title="Work out the shapes and weights of a stack of convolutions",
    hints=(
        "Walk through the layers keeping the current side and number of channels. A convolution's output side "
        "is the number of positions its window fits at; its channels are its filters. Pooling keeps the "
        "channels and has no weights.",
        "Positions: `(side + 2 * padding - kernel) // stride + 1`, the floor of the division (a window that "
        "would stick out is not counted); pooling is a window of `size` moved by `size`, without padding. Each "
        "filter spans all the input channels and has a bias.",
        "For `(\"conv\", f, k, s, p)`: `weights += (k * k * channels + 1) * f`, then `side = (side + 2 * p - k) "
        "// s + 1` and `channels = f`; for `(\"pool\", q)`: `side = (side - q) // q + 1`; append "
        "`(side, side, channels)` after each layer.",
    ),
)
def conv(conv_stack):
    import numpy as np

    if not callable(conv_stack):
        raise Incorrect(f"`conv_stack` should be a function, but it is a {type(conv_stack).__name__}.")
    from mlkit.course.checks.withheld import withheld
    from mlkit.topics import deep

    with withheld(deep, CONV_HELPERS, exercise="conv_stack", alias="deep"):
        results = [_raw(conv_stack, side, channels, [tuple(layer) for layer in layers])
                   for side, channels, layers in CONV_STACKS]
    for (side, channels, layers), result in zip(CONV_STACKS, results):
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Incorrect("`conv_stack` should return two things, `(shapes, n_weights)`.")
        shapes, n_weights = result
        if shapes is Ellipsis or n_weights is Ellipsis:
            raise NotAttempted("your function still returns `...`; replace it with your answer.")
        described = f"{side} by {side} images with {channels} channel{'s' if channels > 1 else ''}"
        try:
            got = np.asarray(shapes, dtype=float)
        except (TypeError, ValueError):
            raise Incorrect("`shapes` should be a list of `(height, width, channels)` shapes, one per layer.") from None
        if got.shape != (len(layers), 3):
            raise Incorrect(f"for a stack of {len(layers)} layers on {described}, `shapes` should hold "
                            f"{len(layers)} shapes of three numbers `(height, width, channels)`; it has shape "
                            f"{got.shape} as an array.")
        want_shapes, want_weights = conv_stack_reference(side, channels, layers)
        if not np.array_equal(got, np.asarray(want_shapes, dtype=float)):
            if (got != np.round(got)).any():
                raise Incorrect(f"some sizes in `shapes` are not whole numbers (on {described}): a window fits at "
                                "a whole number of positions; round the division down.")
            row = int(np.argmax((got != np.asarray(want_shapes)).any(axis=1)))
            before = (side, side, channels) if row == 0 else want_shapes[row - 1]
            raise Incorrect(f"on {described}, the output shape of layer {row + 1} ({layers[row][0]}) is not right"
                            f"{' (the layers before it are)' if row else ''}{_conv_diagnosis(layers[row], before, got[row])}")
        weights = as_whole_number(n_weights, name="n_weights")
        if weights != want_weights:
            without_bias = want_weights - sum(layer[1] for layer in layers if layer[0] == "conv")
            if weights == without_bias:
                raise Incorrect(f"`n_weights` leaves out the biases (on {described}): each filter has one.")
            one_channel = sum((layer[2] ** 2 + 1) * layer[1] for layer in layers if layer[0] == "conv")
            if weights == one_channel:
                raise Incorrect(f"`n_weights` counts each filter as if it saw one channel (on {described}); a filter "
                                "spans all the channels of its input.")
            raise Incorrect(f"`n_weights` is not the number of weights of the stack on {described} (the shapes are "
                            "right).")
    return (f"right on {len(CONV_STACKS)} stacks, with padding, strides that do not divide evenly, several input "
            "channels and a 1 by 1 convolution.")


def _conv_diagnosis(layer, before, got) -> str:
    """What a wrong output shape of one layer says about the formula used, given its right input shape."""
    n, channels = before[0], before[2]
    kernel, stride, padding = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[1], 0)
    out_channels = layer[1] if layer[0] == "conv" else channels
    if got[2] != out_channels:
        return ": a convolution outputs one channel per filter, and pooling keeps the channels."
    span = n + 2 * padding - kernel
    if got[0] == span // stride or got[0] == (span + 1) // stride:
        return (": it is one short; the number of positions is the floor division plus one, the `+ 1` (the "
                "window's first position) added after the `//`.")
    if span % stride and got[0] == -(-span // stride) + 1:
        return (": it is one too many, as if the division were rounded up; a window that would stick out is "
                "not counted, so the division is rounded down.")
    if padding and got[0] == (n + padding - kernel) // stride + 1:
        return ": the padding is added at both ends of each side."
    if stride > 1 and got[0] == n + 2 * padding - kernel + 1:
        return f": the window moves {stride} pixels at a time{', its own size' if layer[0] == 'pool' else ''}."
    return "."


def _conv_variant(*, size=None, weights=None):
    """A wrong ``conv_stack``: ``size(side, kernel, stride, padding)`` or ``weights(k, c_in, f)`` replaced."""
    def function(side, channels, layers):
        shapes, total = [], 0
        for layer in layers:
            if layer[0] == "conv":
                _, filters, kernel, stride, padding = layer
                total += (weights or (lambda k, c, f: (k * k * c + 1) * f))(kernel, channels, filters)
                side, channels = (size or (lambda n, k, s, p: (n + 2 * p - k) // s + 1))(side, kernel, stride, padding), filters
            else:
                side = (size or (lambda n, k, s, p: (n + 2 * p - k) // s + 1))(side, layer[1], layer[1], 0)
            shapes.append((side, side, channels))
        return shapes, total

    return function


@conv.wrong_answer
def conv_calls_the_kits_functions():
    from mlkit.topics import deep

    def conv_stack(side, channels, layers):
        shapes, n_weights = [], 0
        for layer in layers:
            if layer[0] == "conv":
                n_weights += deep.conv_parameters(layer[2], channels, layer[1])
                side, channels = deep.conv_output_size(side, layer[2], padding=layer[4], stride=layer[3]), layer[1]
            else:
                side = deep.conv_output_size(side, layer[1], stride=layer[1])
            shapes.append((side, side, channels))
        return shapes, n_weights

    return Answer.of(conv_stack)


@conv.wrong_answer
def conv_true_division():
    return Answer.of(_conv_variant(size=lambda n, k, s, p: (n + 2 * p - k) / s + 1))


@conv.wrong_answer
def conv_rounded_to_the_nearest():
    return Answer.of(_conv_variant(size=lambda n, k, s, p: round((n + 2 * p - k) / s) + 1))


@conv.wrong_answer
def conv_plus_one_inside_the_floor_division():
    return Answer.of(_conv_variant(size=lambda n, k, s, p: (n + 2 * p - k + 1) // s))


@conv.wrong_answer
def conv_padding_on_one_side():
    return Answer.of(_conv_variant(size=lambda n, k, s, p: (n + p - k) // s + 1))


@conv.wrong_answer
def conv_no_plus_one():
    return Answer.of(_conv_variant(size=lambda n, k, s, p: (n + 2 * p - k) // s))


@conv.wrong_answer
def conv_stride_ignored():
    return Answer.of(_conv_variant(size=lambda n, k, s, p: n + 2 * p - k + 1))


@conv.wrong_answer
def conv_no_bias():
    return Answer.of(_conv_variant(weights=lambda k, c, f: k * k * c * f))


@conv.wrong_answer
def conv_filters_see_one_channel():
    return Answer.of(_conv_variant(weights=lambda k, c, f: (k * k + 1) * f))


# --- 5. a convolutional network, judged on digits the notebook sets aside -------------------


@lru_cache(maxsize=1)
def _split():
    """``(images_train, y_train, images_held, y_held)``: the exercise notebook's split, scaled to [0, 1].

    The notebook trains on the first part; the second, a quarter of the digits (450), is kept aside.
    """
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import digits

    X, y = digits.load()
    X_train, X_held, y_train, y_held = train_test_split(X / 16, y, test_size=TEST_SHARE, stratify=y, random_state=0)
    as_images = lambda rows: rows.reshape(-1, 8, 8, 1).astype("float32")  # noqa: E731
    return as_images(X_train), y_train, as_images(X_held), y_held


def _held_back():
    """``(images, labels)``: the quarter of the digits kept aside, scaled to [0, 1], shaped (450, 8, 8, 1)."""
    return _split()[2:]


def _training_rows() -> int:
    """How many digits the exercise notebook trains on: all but those kept aside."""
    return len(_split()[1])


def _cross_entropy(scores, labels) -> float:
    """Mean cross-entropy of logits ``scores`` (rows) for integer ``labels``, in float64."""
    import numpy as np

    scores = np.asarray(scores, dtype=float)
    top = scores.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(scores - top).sum(axis=1))
    return float(np.mean(log_norm - scores[np.arange(len(labels)), labels]))


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
    problem = beside_learner(_structure_problem, cnn)
    if problem is not None:
        raise Incorrect(problem)
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
    # A network fits the rows it was trained on better than rows it never saw: trained on `images_train`, its
    # loss there is a fraction of its loss on the digits kept aside (about a third). The other way round, it
    # was trained on digits kept aside. (A few of them mixed in go unnoticed: the test is one-sided.)
    images_train, y_train = _split()[:2]
    seen = _cross_entropy(cnn.predict(images_train, verbose=0, batch_size=len(images_train)), y_train)
    aside = _cross_entropy(scores, labels)
    if aside < seen:
        raise Incorrect(f"`cnn`'s loss on the {len(labels)} digits kept aside ({aside:.3f}) is below its loss on "
                        f"`images_train` ({seen:.3f}), the digits it was to be trained on; a network fits the digits "
                        "it trained on best, so it has most likely seen digits kept aside in training. Train it on "
                        "`images_train` and `y_train` only.")
    return (f"it recognises {accuracy:.2f} of the {len(labels)} digits kept aside, and fits them less closely than "
            "`images_train`, as a network trained on `images_train` alone does.")


def _structure_problem(model) -> str | None:
    """What is wrong with the network's layers or training settings (None when nothing is).

    Run beside the learner's code (``beside_learner``): it reads the model's layers and compiled
    loss, which are the learner's objects.
    """
    keras = _keras()
    try:
        _expect_layers(model, keras)
        _expect_training_settings(model, keras)
    except Incorrect as wrong:
        return str(wrong)
    return None


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
    _expect_cross_entropy_of_logits(model.loss, keras)
    steps = int(np.asarray(optimizer.iterations))
    if steps == 0:
        raise Incorrect("`cnn` has not been trained: call `cnn.fit(...)`.")
    per_epoch = math.ceil(_training_rows() / CNN_BATCH)
    expected = CNN_EPOCHS * per_epoch
    # The steps taken pin epochs x batches per epoch; the record of the last call of fit pins the epochs. The
    # statement asks for 8 epochs of 27 steps: batches of 50 give them, and so do batches of 51 (1,347 rows), which
    # the check accepts as the statement allows (a trained model keeps no record of its batch size).
    epochs_run = getattr(getattr(model, "history", None), "epoch", None)
    if epochs_run is not None and steps == expected and len(epochs_run) != CNN_EPOCHS:
        raise Incorrect(f"the last call of `cnn.fit` ran {len(epochs_run)} epochs; the exercise asks for "
                        f"{CNN_EPOCHS} epochs of {per_epoch} steps, in batches of {CNN_BATCH} images.")
    if steps != expected:
        raise Incorrect(f"`cnn` took {steps} optimiser steps; {CNN_EPOCHS} epochs of {per_epoch} steps (batches of "
                        f"{CNN_BATCH} images over `images_train`) make a different number. Train it once, with the "
                        "epochs and batch size asked for.")


def _expect_cross_entropy_of_logits(loss, keras) -> None:
    """The loss, judged by its values (an object, a function or a name): cross-entropy reading logits."""
    import numpy as np

    if loss is None:
        raise Incorrect("`cnn` is compiled without a loss: pass `loss=` to `cnn.compile`.")
    rng = np.random.default_rng(19)
    labels = rng.integers(0, CNN_CLASSES, 40)
    logits = rng.normal(0.0, 3.0, (40, CNN_CLASSES)).astype("float32")
    try:
        function = keras.losses.get(loss) if isinstance(loss, (str, dict)) else loss
        value = float(np.mean(np.asarray(function(labels, logits), dtype=float)))
    except Exception:  # noqa: BLE001 - a loss that cannot take integer labels and scores is not the one asked for
        raise Incorrect("the loss cannot be computed from integer labels and one score per digit; use the sparse "
                        "categorical cross-entropy.") from None
    if np.isclose(value, _cross_entropy(logits, labels), rtol=1e-4):
        return
    as_probabilities = float(np.mean(np.asarray(
        keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=False), dtype=float)))
    if np.isclose(value, as_probabilities, rtol=1e-4):
        raise Incorrect("the loss reads the outputs as probabilities, but the last layer outputs logits: pass "
                        "`from_logits=True`.")
    raise Incorrect("the loss does not give the sparse categorical cross-entropy of logits (tried on labels and "
                    "scores of its own).")


def _trained_cnn(*, filters=CNN_FILTERS, activation="relu", from_logits=True, epochs=CNN_EPOCHS, padding="valid",
                 batch_size=CNN_BATCH, peeked: int = 0):
    """The exercise's network trained as the statement says, with one setting changed (a wrong answer).

    ``peeked``: that many training rows swapped for digits kept aside (as many rows, as many steps).
    """
    import numpy as np

    images, labels, held_images, held_labels = _split()
    if peeked:
        images = np.concatenate([images[:len(images) - peeked], held_images[:peeked]])
        labels = np.concatenate([labels[:len(labels) - peeked], held_labels[:peeked]])
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
        model.fit(images, labels, epochs=epochs, batch_size=batch_size, verbose=0)
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
def cnn_trained_on_digits_kept_aside():
    """All 450 digits kept aside swapped in for as many training rows: the same number of steps."""
    return Answer.of(_trained_cnn(peeked=450))


@cnn.wrong_answer
def cnn_other_filters():
    return Answer.of(_trained_cnn(filters=8, epochs=1))


# --- 6. a judgement ---------------------------------------------------------------------------

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
