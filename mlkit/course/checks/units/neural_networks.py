"""Exercises of unit 18, neural networks and deep learning (``solutions/18_neural_networks.ipynb``).

Data: :mod:`mlkit.datasets.digits`, split as the notebook splits it
(a quarter for testing, stratified, ``random_state=0``; of the training images, the
first ``FIT_SIZE`` to fit on and the rest for validation). The NumPy exercises
are checked against :mod:`mlkit.topics.neural` on small random inputs the checks make
themselves, so a learner's function is tested on data it was not written for.

Each exercise is a check function decorated with ``EXERCISES.exercise``;
below it, builders of plausible wrong answers (``@<exercise>.wrong_answer``)
and the values no failure message may reveal (``@<exercise>.secret_values``).
"""

from __future__ import annotations

import numbers
import warnings
from functools import lru_cache

from mlkit.course.checks.core import Answer, ExerciseSet, Incorrect, NotAttempted, call_learner
from mlkit.course.checks.kinds import (
    expect_choice,
    expect_estimator,
    expect_fitted,
    expect_number,
    expect_score,
    returned_array,
)
from mlkit.course.checks.plain import plain

EXERCISES = ExerciseSet("neural-networks", "Neural networks and deep learning")

TEST_SHARE = 0.25
FIT_SIZE = 1000
SMALL_TRAIN = 100
L2_STRENGTHS = (0.0, 0.003, 0.03)
STEPS = 600
RECORD_EVERY = 20


# --- shared data and reference results -------------------------------------------------


def _case(seed: int = 7, n: int = 6, n_in: int = 5, n_hidden: int = 4, n_out: int = 3):
    """Small random parameters, inputs and labels for testing a learner's NumPy function."""
    import numpy as np

    from mlkit.topics import neural

    rng = np.random.default_rng(seed)
    params = neural.init_params(n_in, n_hidden, n_out, seed=seed)
    params["b1"] = rng.normal(0, 0.5, n_hidden)
    params["b2"] = rng.normal(0, 0.5, n_out)
    X = rng.normal(0, 1.5, (n, n_in))
    y = rng.integers(0, n_out, n)
    return params, X, y


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


@lru_cache(maxsize=1)
def _split():
    from sklearn.model_selection import train_test_split

    from mlkit.datasets import digits

    X, y = digits.load()
    return tuple(train_test_split(X, y, test_size=TEST_SHARE, stratify=y, random_state=0))


def _validation_split():
    """``(X_fit, X_val, y_fit, y_val)``: the training images cut as the notebook cuts them.

    The first ``FIT_SIZE`` training images are fitted on, the others validate; the test
    images are not among them.
    """
    X_train, _, y_train, _ = _split()
    return X_train[:FIT_SIZE], X_train[FIT_SIZE:], y_train[:FIT_SIZE], y_train[FIT_SIZE:]


@lru_cache(maxsize=1)
def _l2_runs():
    """The notebook's three training runs, one per L2 strength, with their validation losses."""
    from mlkit.topics import neural

    X_fit, X_val, y_fit, y_val = _validation_split()
    runs = {}
    for l2 in L2_STRENGTHS:
        run = neural.train(
            X_fit[:SMALL_TRAIN] / 16, y_fit[:SMALL_TRAIN], n_hidden=64, steps=STEPS, l2=l2,
            X_val=X_val / 16, y_val=y_val, record_every=RECORD_EVERY,
        )
        runs[l2] = run
    return runs


@lru_cache(maxsize=1)
def _plain_run_judged_on_test():
    """The unregularised run of the notebook with its loss recorded on the test images instead.

    A learner who chooses the early-stopping step on the test images gets this run's best step.
    """
    from mlkit.topics import neural

    X_fit, _, y_fit, _ = _validation_split()
    _, X_test, _, y_test = _split()
    return neural.train(X_fit[:SMALL_TRAIN] / 16, y_fit[:SMALL_TRAIN], n_hidden=64, steps=STEPS, l2=0.0,
                        X_val=X_test / 16, y_val=y_test, record_every=RECORD_EVERY)


def _best_step(run) -> int:
    """The recorded step at which ``run``'s validation loss is lowest."""
    import numpy as np

    return int(run.steps[int(np.argmin(run.val_loss))])


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --- 1. forward pass -------------------------------------------------------------------


@EXERCISES.exercise(
    "forward",
    title="Write the forward pass of a two-layer network",
    hints=(
        "Three steps: the hidden layer's input `X @ W1 + b1`, the ReLU, then the output scores "
        "`H @ W2 + b2` turned into probabilities by a softmax.",
        "ReLU is `np.maximum(z, 0)`. The softmax works row by row: `exp` of each score divided by the sum "
        "of its row's `exp`s (`axis=1, keepdims=True`). Subtract each row's maximum first so `exp` cannot overflow.",
        "`H = np.maximum(X @ W1 + b1, 0)`; `S = H @ W2 + b2`; `E = np.exp(S - S.max(axis=1, keepdims=True))`; "
        "`return E / E.sum(axis=1, keepdims=True)`",
    ),
)
def forward(forward_pass):
    import numpy as np

    from mlkit.topics import neural

    if not callable(forward_pass):
        raise Incorrect(f"`forward_pass` should be a function, but it is a {type(forward_pass).__name__}.")
    params, X, _ = _case()
    expected, cache = neural.forward(params, X)
    got = returned_array(call_learner(forward_pass, _copy(params), X.copy()), name="`forward_pass(params, X)`",
                         shape=expected.shape, finite=True)
    if not np.allclose(got.sum(axis=1), 1.0):
        if np.isclose(got.sum(), 1.0):
            raise Incorrect("all the probabilities together sum to 1, but each row (one example) should: "
                            "normalise each row by its own sum.")
        raise Incorrect("the rows of `forward_pass(params, X)` do not sum to 1, so they are not probabilities "
                        "over the classes: the output needs a softmax.")
    no_relu = neural.softmax((X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"])
    if np.allclose(got, no_relu):
        raise Incorrect("the hidden layer is missing its ReLU: without it, two layers collapse into one linear map.")
    if not np.allclose(got, expected, atol=1e-8):
        raise Incorrect("the probabilities are not those of the network: check each step, "
                        "`X @ W1 + b1`, the ReLU, then `@ W2 + b2` and the softmax.")
    big = returned_array(call_learner(forward_pass, _copy(params), X * 1000), name="`forward_pass` on large inputs",
                         shape=expected.shape, finite=True)
    if not np.allclose(big, neural.forward(params, X * 1000)[0], atol=1e-8):
        raise Incorrect("on large inputs the probabilities go wrong: subtract each row's maximum score before `exp`.")
    return "probabilities of the right shape, each row summing to 1, stable for large scores too."


def _forward_from(transform):
    def learner(params, X):
        import numpy as np

        H = np.maximum(X @ params["W1"] + params["b1"], 0)
        return transform(H @ params["W2"] + params["b2"], X, params)

    return learner


@forward.wrong_answer
def forward_without_relu():
    from mlkit.topics import neural

    return Answer.of(lambda p, X: neural.softmax((X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]))


@forward.wrong_answer
def forward_softmax_over_everything():
    import numpy as np

    return Answer.of(_forward_from(lambda S, X, p: np.exp(S) / np.exp(S).sum()))


@forward.wrong_answer
def forward_sigmoid_output():
    import numpy as np

    return Answer.of(_forward_from(lambda S, X, p: 1 / (1 + np.exp(-S))))


@forward.wrong_answer
def forward_softmax_overflows():
    import numpy as np

    def unstable(S, X, p):
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)

    return Answer.of(_forward_from(unstable))


# --- 2. backpropagation ------------------------------------------------------------------


@EXERCISES.exercise(
    "backprop",
    title="Write backpropagation for the two-layer network",
    hints=(
        "Go backwards from the loss. For softmax with cross-entropy, the gradient with respect to the output "
        "scores is `(P - Y) / n`, with `P` the probabilities and `Y` the labels one-hot encoded.",
        "Then `dW2 = H.T @ dS` and `db2 = dS.sum(axis=0)`; back through the second layer, `dH = dS @ W2.T`; "
        "through the ReLU, only units whose input was positive pass the gradient: `dZ1 = dH * (Z1 > 0)`.",
        "Finally `dW1 = X.T @ dZ1` and `db1 = dZ1.sum(axis=0)`. Return them in a dict with the keys "
        "'W1', 'b1', 'W2', 'b2'.",
    ),
)
def backprop(backward):
    import numpy as np

    from mlkit.topics import neural

    if not callable(backward):
        raise Incorrect(f"`backward` should be a function, but it is a {type(backward).__name__}.")
    params, X, y = _case(seed=11)
    grads = call_learner(backward, _copy(params), X.copy(), y.copy())
    if grads is Ellipsis:
        raise NotAttempted("your function still returns `...`; replace it with your answer.")
    if not isinstance(grads, dict) or set(grads) != set(neural.PARAM_NAMES):
        raise Incorrect("`backward` should return a dict with the keys 'W1', 'b1', 'W2' and 'b2', "
                        "one gradient per parameter.")
    numeric = neural.numerical_gradients(_copy(params), X, y)
    analytic = neural.gradients(params, X, y)
    for name in ("b2", "W2", "b1", "W1"):
        got = returned_array(grads[name], name=f"the gradient of `{name}`", shape=params[name].shape, finite=True)
        error = neural.relative_error(got, numeric[name])
        if error < 1e-5:
            continue
        if np.allclose(got, analytic[name] * X.shape[0]):
            raise Incorrect(f"the gradient of `{name}` is {X.shape[0]} times too large: the loss is the *mean* "
                            "over the examples, so divide by their number.")
        if name in ("W1", "b1"):
            raise Incorrect(f"the gradient check fails for `{name}` (relative error {error:.1e}): the layers after "
                            "it are right, so look at the step back through the ReLU.")
        raise Incorrect(f"the gradient check fails for `{name}` (relative error {error:.1e}): check the gradient "
                        "of the output scores, `P - Y` over the number of examples.")
    return "all four gradients agree with the numerical gradient check."


def _backward(mask: bool = True, mean: bool = True):
    def learner(params, X, y):

        from mlkit.topics import neural

        probs, cache = neural.forward(params, X)
        dS = probs - neural.one_hot(y, probs.shape[1])
        if mean:
            dS = dS / X.shape[0]
        dH = dS @ params["W2"].T
        if mask:
            dH = dH * (cache["Z1"] > 0)
        return {"W1": X.T @ dH, "b1": dH.sum(axis=0), "W2": cache["H"].T @ dS, "b2": dS.sum(axis=0)}

    return learner


@backprop.wrong_answer
def backprop_without_relu_mask():
    return Answer.of(_backward(mask=False))


@backprop.wrong_answer
def backprop_sum_not_mean():
    return Answer.of(_backward(mean=False))


@backprop.wrong_answer
def backprop_returns_a_list():
    def learner(params, X, y):
        grads = _backward()(params, X, y)
        return [grads[k] for k in ("W1", "b1", "W2", "b2")]

    return Answer.of(learner)


# --- 3. MLPClassifier on the digits --------------------------------------------------------


@EXERCISES.exercise(
    "mlp",
    title="Train an MLPClassifier on the digits",
    hints=(
        "Put a `StandardScaler` and an `MLPClassifier` in a pipeline, then `fit` it on the training part.",
        "The settings asked for are arguments of `MLPClassifier`: `hidden_layer_sizes` takes a tuple with one "
        "number per hidden layer, `learning_rate_init` the step size, and `early_stopping=True` stops training "
        "when the validation score stops improving, which avoids a ConvergenceWarning.",
        "`mlp = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(64,), learning_rate_init=0.01, "
        "early_stopping=True, max_iter=200, random_state=0)).fit(X_train, y_train)`",
    ),
)
def mlp(mlp):
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline

    expect_estimator(mlp, name="mlp", classifier=True)
    final = mlp.steps[-1][1] if isinstance(mlp, Pipeline) else mlp
    if not isinstance(final, MLPClassifier):
        raise Incorrect(f"`mlp` ends in a {type(final).__name__}; this exercise is about a neural network, "
                        "an `MLPClassifier`.")
    expect_fitted(mlp, name="mlp")
    X_train, X_test, y_train, y_test = _split()
    features = plain(getattr(mlp, "n_features_in_", X_test.shape[1]))
    if features != X_test.shape[1]:
        raise Incorrect(f"`mlp` was fitted on {features} feature(s); the digits have {X_test.shape[1]} pixels.")
    seed = plain(final.random_state)
    if seed is None:
        raise Incorrect("the `MLPClassifier` of `mlp` has no `random_state`, so its result does not repeat; "
                        "the exercise asks for `random_state=0`.")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) != 0:
        raise Incorrect(f"the `MLPClassifier` of `mlp` has `random_state={seed!r}`; the exercise asks for "
                        "`random_state=0`, so that the result repeats.")
    rows = _rows_fitted(mlp, final)
    if rows is not None and rows != len(X_train):
        where = {len(X_test): ", as many as `X_test` has", len(X_train) + len(X_test): ", as many as `X_train` and "
                 "`X_test` together"}.get(rows, "")
        raise Incorrect(f"`mlp` was fitted on {rows} rows{where}; `X_train` has {len(X_train)}. Fit it on the "
                        "training split, `X_train`, `y_train`: the test rows are for scoring only.")
    refit, warned = _fit_watching(mlp, X_train, y_train)
    if warned:
        raise Incorrect(f"fitted on `X_train`, `y_train`, the `MLPClassifier` of `mlp` stops at `max_iter` "
                        f"({final.max_iter}) before its training has converged, and scikit-learn prints a "
                        "ConvergenceWarning, which the exercise asks you to avoid.")
    mine = np.asarray(_quiet(call_learner, mlp.predict, X_test))
    theirs = np.asarray(_quiet(call_learner, refit.predict, X_test))
    if mine.shape != theirs.shape or np.mean(mine != theirs) > AGREEMENT_SLACK:
        raise Incorrect("`mlp` does not predict what a copy of it fitted on `X_train`, `y_train` (the raw pixels) "
                        "predicts, so it was not fitted on them as they are. Fit it on the training split, unchanged.")
    _expect_mlp_settings(final)
    score = _quiet(expect_score, refit, X_test, y_test, name="mlp", at_least=0.95, baseline=0.11)
    iterations = getattr(refit.steps[-1][1] if isinstance(refit, Pipeline) else refit, "n_iter_", None)
    return f"test accuracy {score:.3f}" + (f", after {iterations} passes over the data." if iterations else ".")


HIDDEN_LAYERS = (64,)
LEARNING_RATE = 0.01


def _expect_mlp_settings(final):
    """The hidden layer, learning rate and early stopping the statement asks for, or Incorrect naming the one that differs."""
    import math

    import numpy as np

    sizes = plain(final.hidden_layer_sizes)
    try:
        layers = tuple(int(s) for s in np.ravel(np.asarray(sizes)))
    except (TypeError, ValueError):
        layers = None
    if layers != HIDDEN_LAYERS:
        raise Incorrect(f"the `MLPClassifier` of `mlp` has `hidden_layer_sizes={sizes!r}`; the exercise asks for one "
                        "hidden layer of 64 units, `hidden_layer_sizes=(64,)`.")
    rate = plain(final.learning_rate_init)
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not math.isclose(float(rate), LEARNING_RATE,
                                                                                       rel_tol=1e-6):
        raise Incorrect(f"the `MLPClassifier` of `mlp` has `learning_rate_init={rate!r}`; the exercise asks for a "
                        "learning rate of 0.01.")
    early = plain(final.early_stopping)
    if early is not True and not (isinstance(early, np.bool_) and early):
        raise Incorrect(f"the `MLPClassifier` of `mlp` has `early_stopping={early!r}`; the exercise asks "
                        "for early stopping, `early_stopping=True`.")


AGREEMENT_SLACK = 0.005  # share of test images on which a refitted copy may differ (floating-point noise)


def _rows_fitted(model, final):
    """How many rows ``model`` was fitted on, when its fitted state tells (else None).

    A pipeline's first step may count them (``n_samples_seen_`` of a scaler); an MLP trained by a
    stochastic solver counts the rows of each pass in ``t_`` (without its early-stopping share).
    """
    import math

    import numpy as np
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline) and len(model.steps) > 1:
        seen = getattr(model.steps[0][1], "n_samples_seen_", None)
        if seen is not None:
            seen = np.max(np.asarray(seen))
            return int(seen) if np.isfinite(seen) else None
    t, passes = plain(getattr(final, "t_", None)), plain(getattr(final, "n_iter_", None))
    if not t or not passes or plain(final.solver) not in ("adam", "sgd"):
        return None
    per_pass = t / passes
    for rows in {len(part) for part in _split()[:2]}:
        kept = rows - math.ceil(final.validation_fraction * rows) if final.early_stopping else rows
        if per_pass == kept:
            return rows
    return None


def _fit_watching(model, X, y):
    """A copy of ``model`` fitted on ``X, y``, and whether fitting warned that it did not converge."""
    from sklearn.base import clone
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught, _one_blas_thread():
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", ConvergenceWarning)
        refit = call_learner(clone(model).fit, X, y)
    return refit, any(issubclass(w.category, ConvergenceWarning) for w in caught)


def _one_blas_thread():
    """Matrix products on one thread while the check refits: for matrices this small it is as fast on an
    idle machine, several times faster on a busy one; the predictions compared allow for rounding noise."""
    import contextlib

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency of scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


@mlp.wrong_answer
def mlp_tiny_hidden_layer():
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X_train, _, y_train, _ = _split()
    model = MLPClassifier(hidden_layer_sizes=(2,), max_iter=200, early_stopping=True, random_state=0)
    return Answer.of(_quiet(make_pipeline(StandardScaler(), model).fit, X_train, y_train))


def _solution_mlp(**changes):
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    settings = dict(hidden_layer_sizes=(64,), learning_rate_init=0.01, early_stopping=True, max_iter=200,
                    random_state=0)
    return make_pipeline(StandardScaler(), MLPClassifier(**{**settings, **changes}))


@mlp.wrong_answer
def mlp_default_learning_rate():
    X_train, _, y_train, _ = _split()
    return Answer.of(_quiet(_solution_mlp(learning_rate_init=0.001).fit, X_train, y_train))


@mlp.wrong_answer
def mlp_without_early_stopping():
    X_train, _, y_train, _ = _split()
    return Answer.of(_quiet(_solution_mlp(early_stopping=False).fit, X_train, y_train))


@mlp.wrong_answer
def mlp_fitted_on_test_data():
    _, X_test, _, y_test = _split()
    return Answer.of(_quiet(_solution_mlp().fit, X_test, y_test))


@mlp.wrong_answer
def mlp_stops_before_converging():
    X_train, _, y_train, _ = _split()
    return Answer.of(_quiet(_solution_mlp(max_iter=20).fit, X_train, y_train))


@mlp.wrong_answer
def mlp_another_seed():
    X_train, _, y_train, _ = _split()
    return Answer.of(_quiet(_solution_mlp(random_state=1).fit, X_train, y_train))


@mlp.wrong_answer
def mlp_unfitted():
    from sklearn.neural_network import MLPClassifier

    return Answer.of(MLPClassifier(hidden_layer_sizes=(64,), random_state=0))


@mlp.wrong_answer
def mlp_not_a_network():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X_train, _, y_train, _ = _split()
    return Answer.of(make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train))


# --- 4. regularisation and early stopping ------------------------------------------------


@EXERCISES.exercise(
    "regularisation",
    title="Pick the L2 strength and the early-stopping step from validation curves",
    hints=(
        "Judge by the validation loss, the data the network did not train on, never by the training loss.",
        "`min(runs, key=...)` finds the strength whose last validation loss is lowest; for the step, find the "
        "position of the smallest validation loss of the unregularised run with `np.argmin` and read `steps` there.",
        "`best_l2 = min(runs, key=lambda l2: runs[l2].val_loss[-1])`; "
        "`best_step = runs[0.0].steps[int(np.argmin(runs[0.0].val_loss))]`",
    ),
)
def regularisation(best_l2, best_step):
    import numpy as np

    runs = _l2_runs()
    value = expect_number(best_l2, name="best_l2")
    if not any(np.isclose(value, l2) for l2 in L2_STRENGTHS):
        raise Incorrect(f"`best_l2` is {value}, which is not one of the strengths the cell tried.")
    by_val = min(runs, key=lambda l2: runs[l2].val_loss[-1])
    by_train = min(runs, key=lambda l2: runs[l2].train_loss[-1])
    if not np.isclose(value, by_val):
        if np.isclose(value, by_train):
            raise Incorrect("`best_l2` has the lowest *training* loss; a model is chosen by how it does on data it "
                            "did not train on.")
        if np.isclose(value, max(L2_STRENGTHS)):
            raise Incorrect("`best_l2` is the strongest penalty: more regularisation is not always better, it can "
                            "also stop the network from fitting the digits. Compare the validation losses.")
        raise Incorrect("`best_l2` does not have the lowest final validation loss of the three runs.")
    step = expect_number(best_step, name="best_step")
    plain = runs[0.0]
    right = plain.steps[int(np.argmin(plain.val_loss))]
    if step == plain.steps[-1]:
        raise Incorrect("`best_step` is the last step: early stopping keeps the network from the step where the "
                        "validation loss was lowest, before it started to rise.")
    if step != right:
        if step == int(np.argmin(plain.val_loss)):
            raise Incorrect("`best_step` is a position in the list of recorded losses; read the step number "
                            "at that position from `steps`.")
        if step == _best_step(_plain_run_judged_on_test()):
            raise Incorrect("`best_step` is where the loss on the *test* images is lowest; choose the step on the "
                            "validation images, `X_val`, and keep the test images for a final figure.")
        raise Incorrect("`best_step` is not where the unregularised run's validation loss is lowest.")
    return "chosen on validation data: the penalty and early stopping both stop the network from memorising."


@regularisation.wrong_answer
def regularisation_by_training_loss():
    import numpy as np

    runs = _l2_runs()
    plain = runs[0.0]
    return Answer.of(min(runs, key=lambda l2: runs[l2].train_loss[-1]), plain.steps[int(np.argmin(plain.val_loss))])


@regularisation.wrong_answer
def regularisation_strongest():
    import numpy as np

    plain = _l2_runs()[0.0]
    return Answer.of(max(L2_STRENGTHS), plain.steps[int(np.argmin(plain.val_loss))])


@regularisation.wrong_answer
def regularisation_last_step():
    runs = _l2_runs()
    return Answer.of(min(runs, key=lambda l2: runs[l2].val_loss[-1]), STEPS)


@regularisation.wrong_answer
def regularisation_step_chosen_on_test_images():
    runs = _l2_runs()
    return Answer.of(min(runs, key=lambda l2: runs[l2].val_loss[-1]), _best_step(_plain_run_judged_on_test()))


@regularisation.wrong_answer
def regularisation_index_not_step():
    import numpy as np

    runs = _l2_runs()
    return Answer.of(min(runs, key=lambda l2: runs[l2].val_loss[-1]), int(np.argmin(runs[0.0].val_loss)))


@regularisation.secret_values
def regularisation_secrets():
    import numpy as np

    runs = _l2_runs()
    plain = runs[0.0]
    return [f"best_step` is {plain.steps[int(np.argmin(plain.val_loss))]}"]


# --- 5. a judgement -------------------------------------------------------------------------

JUDGEMENT_FEEDBACK = {
    "A": "training longer is what made the validation loss rise: the network keeps memorising the training "
    "images. More epochs make the gap wider, not narrower.",
    "B": "a bigger network can memorise even more; the problem is not that the network is too weak to fit "
    "the training data (it fits it perfectly).",
    "D": "the training accuracy is exactly the number that hides the problem: it measures memory, not how the "
    "network does on new images.",
}


@EXERCISES.exercise(
    "judgement",
    title="Diagnose a network that overfits",
    hints=(
        "Compare the two curves: what does a training score of 1.000 with a falling validation score mean?",
        "The network is memorising. Which options make memorising harder, or stop it before it happens?",
        "Stop at the best validation step, add a penalty on the weights, or get more data.",
    ),
)
def judgement(answer):
    expect_choice(answer, name="answer", correct="C", feedback=JUDGEMENT_FEEDBACK)
    return "an overfitting network needs less freedom to memorise: early stopping, a weight penalty or more data."


@judgement.wrong_answer
def judgement_train_longer():
    return Answer.of("A")


@judgement.wrong_answer
def judgement_bigger_network():
    return Answer.of("B")


@judgement.wrong_answer
def judgement_training_accuracy():
    return Answer.of("D")


@judgement.secret_values
def judgement_secrets():
    return ["'C'", "Option C"]
