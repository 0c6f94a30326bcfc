"""A perceptron and a two-layer neural network, written out in NumPy.

The neural-networks unit builds these ideas by hand in the lesson first; this
module holds the reusable versions that the lesson then calls to train for many
steps, and that the exercise checks use as their reference.

The two-layer network has a ReLU hidden layer and a softmax output, and is
trained on the mean cross-entropy (plus an optional L2 penalty on the weights)
by full-batch gradient descent. Its parameters are a dict of arrays
``{"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, n_out), "b2": (n_out,)}``,
the same shapes a deep-learning framework would give them.

Everything here computes and returns values: nothing prints or plots.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> fit = train_perceptron(X, np.array([0, 0, 0, 1]), epochs=10)
>>> predict_perceptron(fit.weights, fit.bias, X).tolist()
[0, 0, 0, 1]
>>> params = init_params(2, 3, 2, seed=0)
>>> forward(params, X)[0].sum(axis=1).round(6).tolist()
[1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlkit.errors import InputError

PARAM_NAMES = ("W1", "b1", "W2", "b2")


# --- the perceptron ---------------------------------------------------------------


@dataclass
class PerceptronFit:
    """A trained perceptron: weights, bias, and the number of mistakes in each epoch."""

    weights: np.ndarray
    bias: float
    mistakes: list[int] = field(default_factory=list)


def train_perceptron(X, y, *, epochs: int = 20, learning_rate: float = 1.0) -> PerceptronFit:
    """Rosenblatt's perceptron rule for labels 0/1.

    For each example in turn, predict ``1`` when ``x @ w + b > 0``; when the
    prediction is wrong, move the weights towards the example (label 1) or away
    from it (label 0). On linearly separable data the mistakes reach zero.

    Parameters
    ----------
    X : array of shape (n, d)
    y : array of shape (n,), values 0 or 1
    epochs : passes over the data
    learning_rate : size of each correction

    Returns
    -------
    PerceptronFit
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise InputError(f"X must be 2-D and y hold one label per row; got shapes {X.shape} and {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise InputError("y must hold labels 0 and 1 only")
    weights = np.zeros(X.shape[1])
    bias = 0.0
    mistakes = []
    for _ in range(epochs):
        count = 0
        for xi, target in zip(X, y):
            predicted = int(xi @ weights + bias > 0)
            if predicted != target:
                step = learning_rate * (target - predicted)
                weights = weights + step * xi
                bias += step
                count += 1
        mistakes.append(count)
    return PerceptronFit(weights, float(bias), mistakes)


def predict_perceptron(weights, bias: float, X) -> np.ndarray:
    """Labels 0/1 of a perceptron: ``1`` where ``X @ weights + bias > 0``."""
    return (np.asarray(X, dtype=float) @ np.asarray(weights) + bias > 0).astype(int)


# --- the two-layer network --------------------------------------------------------


def relu(z):
    """``max(z, 0)`` element by element."""
    return np.maximum(z, 0.0)


def softmax(z):
    """Row-wise softmax; subtracting each row's maximum first keeps ``exp`` from overflowing."""
    z = np.asarray(z, dtype=float)
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def one_hot(y, n_classes: int) -> np.ndarray:
    """Labels ``0..n_classes-1`` as rows of zeros with a one in the label's column."""
    y = np.asarray(y)
    out = np.zeros((y.size, n_classes))
    out[np.arange(y.size), y] = 1.0
    return out


def init_params(n_in: int, n_hidden: int, n_out: int, *, seed: int = 0) -> dict:
    """Small random weights (He initialisation for the ReLU layer), zero biases."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0.0, np.sqrt(1.0 / n_hidden), size=(n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def forward(params: dict, X):
    """Class probabilities for each row of ``X``, and what backpropagation needs.

    Returns
    -------
    probs : array (n, n_out), each row sums to 1
    cache : dict with the hidden layer's input ``Z1`` and output ``H``
    """
    X = np.asarray(X, dtype=float)
    Z1 = X @ params["W1"] + params["b1"]
    H = relu(Z1)
    probs = softmax(H @ params["W2"] + params["b2"])
    return probs, {"Z1": Z1, "H": H}


def loss(params: dict, X, y, *, l2: float = 0.0) -> float:
    """Mean cross-entropy of the labels ``y``, plus ``l2/2`` times the squared weights."""
    probs, _ = forward(params, X)
    y = np.asarray(y)
    data = -np.mean(np.log(probs[np.arange(y.size), y] + 1e-12))
    penalty = 0.5 * l2 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    return float(data + penalty)


def gradients(params: dict, X, y, *, l2: float = 0.0) -> dict:
    """Gradients of :func:`loss` with respect to each parameter, by backpropagation.

    The chain rule, from the output back: with ``P`` the probabilities and
    ``Y`` the one-hot labels, ``dScores = (P - Y) / n``; then
    ``dW2 = H.T @ dScores``, ``dH = dScores @ W2.T``, ``dZ1 = dH * (Z1 > 0)``
    and ``dW1 = X.T @ dZ1``; each bias gets its layer's column sums.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    probs, cache = forward(params, X)
    d_scores = (probs - one_hot(y, probs.shape[1])) / X.shape[0]
    d_hidden = (d_scores @ params["W2"].T) * (cache["Z1"] > 0)
    return {
        "W1": X.T @ d_hidden + l2 * params["W1"],
        "b1": d_hidden.sum(axis=0),
        "W2": cache["H"].T @ d_scores + l2 * params["W2"],
        "b2": d_scores.sum(axis=0),
    }


def numerical_gradients(params: dict, X, y, *, l2: float = 0.0, h: float = 1e-5) -> dict:
    """The same gradients by central differences, one parameter at a time (slow; for checking)."""
    numeric = {}
    for name in PARAM_NAMES:
        values = params[name]
        grad = np.zeros_like(values)
        for index in np.ndindex(values.shape):
            saved = values[index]
            values[index] = saved + h
            up = loss(params, X, y, l2=l2)
            values[index] = saved - h
            down = loss(params, X, y, l2=l2)
            values[index] = saved
            grad[index] = (up - down) / (2 * h)
        numeric[name] = grad
    return numeric


def relative_error(a, b) -> float:
    """``max |a - b| / max(|a| + |b|)``: near 1e-7 or below when two gradients agree."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scale = np.max(np.abs(a) + np.abs(b))
    return float(np.max(np.abs(a - b)) / scale) if scale > 0 else 0.0


def gradient_check(params: dict, X, y, *, l2: float = 0.0) -> dict:
    """Relative error between backpropagation and central differences, per parameter."""
    analytic = gradients(params, X, y, l2=l2)
    numeric = numerical_gradients(params, X, y, l2=l2)
    return {name: relative_error(analytic[name], numeric[name]) for name in PARAM_NAMES}


@dataclass
class TrainingRun:
    """Parameters after training, and the loss and accuracy recorded every ``record_every`` steps."""

    params: dict
    steps: list[int]
    train_loss: list[float]
    val_loss: list[float]
    train_accuracy: list[float]
    val_accuracy: list[float]


def accuracy(params: dict, X, y) -> float:
    """Share of rows whose most probable class is the label."""
    probs, _ = forward(params, X)
    return float(np.mean(probs.argmax(axis=1) == np.asarray(y)))


def train(
    X,
    y,
    *,
    n_hidden: int = 32,
    learning_rate: float = 0.5,
    steps: int = 500,
    l2: float = 0.0,
    seed: int = 0,
    X_val=None,
    y_val=None,
    record_every: int = 10,
) -> TrainingRun:
    """Full-batch gradient descent on :func:`loss` for a two-layer network.

    When ``X_val``/``y_val`` are given, their loss (without the penalty) and
    accuracy are recorded too, so over- and underfitting show up as curves.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if steps < 1 or learning_rate <= 0:
        raise InputError(f"steps must be at least 1 and learning_rate positive; got {steps} and {learning_rate}")
    params = init_params(X.shape[1], n_hidden, int(y.max()) + 1, seed=seed)
    run = TrainingRun(params, [], [], [], [], [])
    for step in range(steps + 1):
        if step % record_every == 0 or step == steps:
            run.steps.append(step)
            run.train_loss.append(loss(params, X, y))
            run.train_accuracy.append(accuracy(params, X, y))
            if X_val is not None:
                run.val_loss.append(loss(params, X_val, y_val))
                run.val_accuracy.append(accuracy(params, X_val, y_val))
        if step == steps:
            break
        grads = gradients(params, X, y, l2=l2)
        for name in PARAM_NAMES:
            params[name] = params[name] - learning_rate * grads[name]
    return run
