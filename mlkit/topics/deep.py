"""Deep learning with automatic differentiation: the unit-18 network in JAX, optimisers, early stopping,
the scale of signals and gradients through a deep network, and convolution arithmetic.

The network is the one of :mod:`mlkit.topics.neural` (inputs, one ReLU hidden layer, one score
per class), with the same parameter dict ``{"W1", "b1", "W2", "b2"}``, so a gradient that JAX
derives can be compared with the one backpropagation computes by hand. The optimiser steps are
written with arithmetic only, so they work on NumPy arrays and on JAX arrays alike.

JAX is imported inside the functions that need it: ``import mlkit`` stays light.

Examples
--------
>>> import numpy as np
>>> w, v = momentum_step(np.array([1.0]), np.array([0.0]), np.array([2.0]), learning_rate=0.1, beta=0.9)
>>> w.tolist(), v.tolist()
([0.8], [2.0])
>>> stopping_epoch([0.9, 0.7, 0.6, 0.65, 0.62, 0.7, 0.5], patience=3)
3
>>> conv_output_size(8, kernel=3, padding=1, stride=2)
4
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlkit.errors import InputError

OPTIMISERS = ("sgd", "momentum", "adam")
INITIALISATIONS = ("he", "zeros", "large")
DEEP_INITIALISATIONS = ("normal", "small", "glorot", "he")
ACTIVATIONS = ("relu", "sigmoid")


# --- the network and its loss, in JAX ----------------------------------------------------


def mlp_logits(params: dict, X):
    """Class scores (logits) of the two-layer ReLU network, one row per row of ``X``.

    ``params`` holds ``W1`` (inputs x hidden), ``b1`` (hidden), ``W2`` (hidden x classes) and
    ``b2`` (classes); NumPy or JAX arrays. Returns a JAX array of shape (rows, classes).
    """
    import jax.numpy as jnp

    hidden = jnp.maximum(X @ params["W1"] + params["b1"], 0.0)
    return hidden @ params["W2"] + params["b2"]


def mlp_loss(params: dict, X, y, *, l2: float = 0.0):
    """Mean cross-entropy of the integer labels ``y``, plus ``l2/2`` times the squared weights.

    The same loss as :func:`mlkit.topics.neural.loss`, written with ``jax.numpy`` so that
    ``jax.grad`` can differentiate it; computed from the logits by ``log_softmax``, which is
    stable for large scores. Returns a JAX scalar.
    """
    import jax
    import jax.numpy as jnp

    log_probs = jax.nn.log_softmax(mlp_logits(params, X), axis=1)
    data = -jnp.mean(jnp.take_along_axis(log_probs, jnp.asarray(y)[:, None], axis=1))
    return data + 0.5 * l2 * (jnp.sum(params["W1"] ** 2) + jnp.sum(params["W2"] ** 2))


def init_mlp(n_in: int, n_hidden: int, n_out: int, *, init: str = "he", seed: int = 0) -> dict:
    """Parameters of the two-layer network as float32 NumPy arrays, biases zero.

    ``init``: ``"he"`` (normal with variance 2 / fan-in for the ReLU layer, 1 / fan-in for the
    output layer, as :func:`mlkit.topics.neural.init_params`), ``"zeros"`` (every weight 0: the
    hidden units stay identical) or ``"large"`` (standard deviation 1 whatever the fan-in).

    Raises
    ------
    InputError
        If ``init`` is not one of :data:`INITIALISATIONS`.
    """
    if init not in INITIALISATIONS:
        raise InputError(f"init must be one of {', '.join(INITIALISATIONS)}; got {init!r}")
    rng = np.random.default_rng(seed)
    scales = {"he": (np.sqrt(2.0 / n_in), np.sqrt(1.0 / n_hidden)), "zeros": (0.0, 0.0), "large": (1.0, 1.0)}[init]
    params = {
        "W1": rng.normal(0.0, 1.0, (n_in, n_hidden)) * scales[0],
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0.0, 1.0, (n_hidden, n_out)) * scales[1],
        "b2": np.zeros(n_out),
    }
    return {name: value.astype(np.float32) for name, value in params.items()}


# --- optimiser steps, one parameter array at a time ----------------------------------------


def sgd_step(w, grad, learning_rate: float):
    """Plain gradient descent: ``w - learning_rate * grad`` (arrays of one shape)."""
    return w - learning_rate * grad


def momentum_step(w, velocity, grad, learning_rate: float, beta: float = 0.9):
    """One step of gradient descent with momentum; returns ``(new_w, new_velocity)``.

    The velocity is a running sum of past gradients, each step's share shrinking by ``beta``:
    ``velocity = beta * velocity + grad``, then ``w = w - learning_rate * velocity`` (the
    convention of PyTorch's SGD with momentum; Keras's keeps ``-learning_rate`` times this
    velocity, which gives the same steps while the learning rate is constant).
    """
    velocity = beta * velocity + grad
    return w - learning_rate * velocity, velocity


def adam_step(w, m, v, grad, t: int, learning_rate: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    """One Adam step (Kingma and Ba, 2015); returns ``(new_w, new_m, new_v)``.

    ``m`` and ``v`` are running means of the gradient and of its square; ``t`` counts steps
    from 1 and corrects their bias towards the zero they start from. Each weight moves by
    about ``learning_rate`` at most, whatever the scale of its gradient.
    """
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - learning_rate * m_hat / (v_hat**0.5 + eps), m, v


# --- early stopping ------------------------------------------------------------------------


def stopping_epoch(val_losses, patience: int | None = None) -> int:
    """The epoch (counted from 1) whose weights early stopping keeps.

    Training stops once the validation loss has not fallen below its best value for
    ``patience`` epochs in a row; the weights kept are those of the best epoch seen until
    then. With ``patience=None`` the whole curve is seen, and the answer is the epoch of the
    lowest loss. Ties keep the earlier epoch.

    Raises
    ------
    InputError
        If ``val_losses`` is empty or ``patience`` is below 1.
    """
    losses = np.asarray(val_losses, dtype=float).ravel()
    if losses.size == 0:
        raise InputError("val_losses is empty; give one validation loss per epoch")
    if patience is not None and patience < 1:
        raise InputError(f"patience must be at least 1 epoch; got {patience}")
    best, waited = 0, 0
    for epoch in range(1, losses.size):
        if losses[epoch] < losses[best]:
            best, waited = epoch, 0
        else:
            waited += 1
            if patience is not None and waited >= patience:
                break
    return best + 1


def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Row indices ``0..n-1`` shuffled by ``rng`` and cut into batches of ``batch_size`` (the last may be smaller)."""
    if batch_size < 1:
        raise InputError(f"batch_size must be at least 1; got {batch_size}")
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


# --- the training loop ---------------------------------------------------------------------


@dataclass
class History:
    """Per-epoch curves of one training run, and the parameters early stopping keeps.

    ``train_loss`` is measured on the fitting images after each epoch (with the network in
    evaluation mode: no dropout, no penalty), ``val_loss`` and ``val_accuracy`` on the
    validation images; ``best_epoch`` counts from 1 and ``params`` are its weights.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int = 0
    params: dict = field(default_factory=dict)


def _dropout_mask(shape, dropout: float, rng: np.random.Generator | None):
    """Inverted dropout: 0 with probability ``dropout``, else ``1 / (1 - dropout)``; 1.0 when ``dropout`` is 0."""
    if dropout <= 0:
        return 1.0
    return (rng.random(shape) >= dropout) / (1.0 - dropout)


def scores(params: dict, X, *, dropout: float = 0.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """Class scores (logits) of the two-layer network in NumPy, one row per row of ``X``.

    With ``dropout`` = 0 (the default) this is the network as it is evaluated. With ``dropout``
    > 0 the hidden units are dropped as during training (a fresh mask from ``rng`` per call):
    what a hand-written evaluation computes if it forgets to turn dropout off.

    Raises
    ------
    InputError
        If ``dropout`` is outside [0, 1), or is above 0 without a generator ``rng``.
    """
    if not 0.0 <= dropout < 1.0:
        raise InputError(f"dropout must be in [0, 1); got {dropout}")
    if dropout > 0 and rng is None:
        raise InputError("dropout above 0 draws a random mask: pass rng=np.random.default_rng(seed)")
    X = np.asarray(X, dtype=float)
    Z1 = X @ params["W1"] + params["b1"]
    return (np.maximum(Z1, 0.0) * _dropout_mask(Z1.shape, dropout, rng)) @ params["W2"] + params["b2"]


def _gradients(params: dict, X, y, *, l2: float, dropout: float, rng: np.random.Generator) -> dict:
    """Backpropagation of unit 18 (:func:`mlkit.topics.neural.gradients`), with inverted dropout.

    With ``dropout`` > 0 each hidden unit is zeroed with that probability (a fresh draw from
    ``rng`` per call) and the others are scaled by ``1 / (1 - dropout)``; the same mask
    multiplies the gradient on its way back.
    """
    from mlkit.topics import neural

    Z1 = X @ params["W1"] + params["b1"]
    mask = _dropout_mask(Z1.shape, dropout, rng)
    H = np.maximum(Z1, 0.0) * mask
    d_scores = (neural.softmax(H @ params["W2"] + params["b2"]) - neural.one_hot(y, params["b2"].size)) / len(X)
    d_hidden = (d_scores @ params["W2"].T) * (Z1 > 0) * mask
    return {
        "W1": X.T @ d_hidden + l2 * params["W1"],
        "b1": d_hidden.sum(axis=0),
        "W2": H.T @ d_scores + l2 * params["W2"],
        "b2": d_scores.sum(axis=0),
    }


def _update(name: str, params: dict, grads: dict, state: dict, t: int, learning_rate: float, beta: float):
    """One optimiser step on every array of ``params``; ``state`` holds each array's running averages."""
    for k in params:
        if name == "sgd":
            params[k] = sgd_step(params[k], grads[k], learning_rate)
        elif name == "momentum":
            params[k], state[k] = momentum_step(params[k], state.get(k, 0.0), grads[k], learning_rate, beta)
        else:
            m, v = state.get(k, (0.0, 0.0))
            params[k], m, v = adam_step(params[k], m, v, grads[k], t, learning_rate, beta1=beta)
            state[k] = (m, v)


def evaluate(params: dict, X, y) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of the network (no dropout, no penalty) on ``X``, ``y``."""
    from mlkit.topics import neural

    probs, _ = neural.forward(params, X)
    y = np.asarray(y)
    return float(-np.mean(np.log(probs[np.arange(y.size), y] + 1e-12))), float(np.mean(probs.argmax(axis=1) == y))


def train_mlp(
    X_fit,
    y_fit,
    X_val,
    y_val,
    *,
    n_hidden: int = 32,
    optimiser: str = "adam",
    learning_rate: float = 0.01,
    beta: float = 0.9,
    epochs: int = 20,
    batch_size: int = 50,
    l2: float = 0.0,
    dropout: float = 0.0,
    init: str = "he",
    seed: int = 0,
) -> History:
    """Train the two-layer network with mini-batches, recording curves after each epoch.

    The loop of the lesson's JAX section, with the gradients of unit 18's backpropagation
    (which the lesson shows equal to ``jax.grad``'s): each epoch shuffles the fitting rows (a
    NumPy generator seeded by ``seed``) and takes one optimiser step per mini-batch:
    ``"sgd"``, ``"momentum"`` (``beta`` is the momentum) or ``"adam"`` (``beta`` is its
    first-moment decay). The loss is the mean cross-entropy plus ``l2/2`` times the squared
    weights (the L2 penalty: with ``"sgd"`` the same as weight decay, with ``"adam"`` not
    quite, since Adam rescales the penalty's gradient like any other). With ``dropout`` > 0,
    each hidden unit is zeroed with that probability during training and the others scaled
    by ``1 / (1 - dropout)`` (inverted dropout), so evaluation uses the network as it is. The
    dropout masks come from a generator of their own, so that runs with and without dropout
    see the same mini-batches in the same order. The kept parameters are those of the epoch
    with the lowest validation loss (early stopping, chosen on validation data).

    ``X_*`` are float arrays (rows x inputs), ``y_*`` integer labels ``0..k-1``.

    Raises
    ------
    InputError
        For an unknown optimiser or initialisation, ``epochs`` below 1 or ``dropout`` outside [0, 1).
    """
    if optimiser not in OPTIMISERS:
        raise InputError(f"optimiser must be one of {', '.join(OPTIMISERS)}; got {optimiser!r}")
    if epochs < 1 or not 0.0 <= dropout < 1.0:
        raise InputError(f"epochs must be at least 1 and dropout in [0, 1); got {epochs} and {dropout}")
    X_fit, X_val = (np.asarray(a, dtype=float) for a in (X_fit, X_val))
    y_fit, y_val = np.asarray(y_fit), np.asarray(y_val)
    n_classes = int(max(y_fit.max(), y_val.max())) + 1
    params = {k: w.astype(float) for k, w in init_mlp(X_fit.shape[1], n_hidden, n_classes, init=init, seed=seed).items()}
    rng, masks = np.random.default_rng(seed), np.random.default_rng([seed, 1])
    history, state, t = History(), {}, 0
    for _ in range(epochs):
        for batch in minibatches(len(X_fit), batch_size, rng):
            t += 1
            grads = _gradients(params, X_fit[batch], y_fit[batch], l2=l2, dropout=dropout, rng=masks)
            _update(optimiser, params, grads, state, t, learning_rate, beta)
        history.train_loss.append(evaluate(params, X_fit, y_fit)[0])
        val_loss, val_accuracy = evaluate(params, X_val, y_val)
        if not history.val_loss or val_loss < min(history.val_loss):
            history.best_epoch, history.params = len(history.val_loss) + 1, {k: w.copy() for k, w in params.items()}
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_accuracy)
    return history


def tune_learning_rate(X_fit, y_fit, X_val, y_val, *, optimiser: str, rates, **settings) -> tuple[float, dict]:
    """Train once per learning rate and choose the rate with the lowest validation loss.

    The fair way to compare optimisers: each gets the learning rate that suits it, chosen on
    the validation images, with everything else (network, start, mini-batches, epochs) the
    same. ``settings`` go to :func:`train_mlp`. A run whose loss is not a number (it
    diverged) is never chosen; ties keep the earlier rate of ``rates``.

    Returns
    -------
    best_rate, runs
        The chosen rate, and ``{rate: History}`` for every rate tried, in the order given.

    Raises
    ------
    InputError
        If ``rates`` is empty or holds a rate that is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(60, 4)), rng.integers(0, 2, 60)
    >>> rate, runs = tune_learning_rate(X[:40], y[:40], X[40:], y[40:], optimiser="sgd", rates=[0.01, 0.1], epochs=3)
    >>> sorted(runs) == [0.01, 0.1] and rate in runs
    True
    """
    rates = [float(rate) for rate in rates]
    if not rates or min(rates) <= 0:
        raise InputError(f"rates must be a non-empty list of positive learning rates; got {rates}")
    runs = {rate: train_mlp(X_fit, y_fit, X_val, y_val, optimiser=optimiser, learning_rate=rate, **settings)
            for rate in rates}

    def lowest(rate: float) -> float:
        value = min(runs[rate].val_loss)
        return value if np.isfinite(value) else np.inf

    return min(rates, key=lowest), runs


# --- signals and gradients through a deep network, at initialisation -----------------------


def init_std(init: str, n_in: int, n_out: int) -> float:
    """Standard deviation of a layer's normal weights under the initialisation ``init``.

    ``"normal"``: 1 whatever the layer's size (the naive choice); ``"small"``: 0.01;
    ``"glorot"``: variance ``2 / (n_in + n_out)`` (Glorot and Bengio, 2010); ``"he"``: variance
    ``2 / n_in`` (He et al., 2015).

    Raises
    ------
    InputError
        If ``init`` is not one of :data:`DEEP_INITIALISATIONS`.

    Examples
    --------
    >>> init_std("he", 50, 10), init_std("glorot", 30, 70)
    (0.2, 0.1414213562373095)
    """
    if init not in DEEP_INITIALISATIONS:
        raise InputError(f"init must be one of {', '.join(DEEP_INITIALISATIONS)}; got {init!r}")
    return {"normal": 1.0, "small": 0.01, "glorot": float(np.sqrt(2.0 / (n_in + n_out))),
            "he": float(np.sqrt(2.0 / n_in))}[init]


@dataclass
class DepthProfile:
    """One deep network at initialisation, layer by layer (layer 1 is the one next to the inputs).

    ``output_std``: standard deviation of each hidden layer's outputs (after the activation)
    on the batch; ``gradient_norm``: Euclidean norm of the gradient of the mean cross-entropy
    with respect to each hidden layer's weight matrix.
    """

    output_std: list[float]
    gradient_norm: list[float]


def _batch_norm_backward(d_out, normalised, inverse_std):
    """Gradient through ``(z - mean(z)) / sqrt(var(z) + eps)`` with batch statistics, per column."""
    n = len(d_out)
    return inverse_std / n * (n * d_out - d_out.sum(axis=0) - normalised * (d_out * normalised).sum(axis=0))


def depth_profile(X, y, *, depth: int = 15, width: int = 64, activation: str = "relu", init: str = "he",
                  batch_norm: bool = False, epsilon: float = 1e-3, seed: int = 0) -> DepthProfile:
    """Output scale and weight-gradient norm of every hidden layer of a deep network, at initialisation.

    The network has ``depth`` hidden layers of ``width`` units, no biases, normal weights of
    :func:`init_std`'s scale, the activation ``"relu"`` or ``"sigmoid"``, and a linear output
    layer with one score per class (variance ``1 / width``). With ``batch_norm``, each hidden
    layer normalises its pre-activations with the batch's mean and variance (batch
    normalisation in training mode, scale 1 and shift 0) before the activation. One forward
    pass over the rows of ``X`` (float64), then backpropagation of the mean cross-entropy of
    the integer labels ``y`` by hand; the tests check it against ``jax.grad``.

    Raises
    ------
    InputError
        For an unknown activation or initialisation, or ``depth`` or ``width`` below 1.
    """
    if activation not in ACTIVATIONS:
        raise InputError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    if depth < 1 or width < 1:
        raise InputError(f"depth and width must be at least 1; got {depth} and {width}")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n_classes = int(y.max()) + 1
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1]] + [width] * depth
    weights = [rng.normal(0.0, init_std(init, n_in, n_out), (n_in, n_out)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    readout = rng.normal(0.0, np.sqrt(1.0 / width), (width, n_classes))
    h, layers = X, []
    for W in weights:
        z = h @ W
        inverse_std = 1.0 / np.sqrt(z.var(axis=0) + epsilon) if batch_norm else None
        normalised = (z - z.mean(axis=0)) * inverse_std if batch_norm else z
        out = np.maximum(normalised, 0.0) if activation == "relu" else 1.0 / (1.0 + np.exp(-normalised))
        layers.append((h, normalised, inverse_std, out))
        h = out
    scores = h @ readout
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    d_scores = probs
    d_scores[np.arange(len(y)), y] -= 1.0
    d_h = d_scores / len(y) @ readout.T
    norms = []
    for W, (h_in, normalised, inverse_std, out) in zip(weights[::-1], layers[::-1]):
        d_normalised = d_h * ((normalised > 0) if activation == "relu" else out * (1.0 - out))
        d_z = _batch_norm_backward(d_normalised, normalised, inverse_std) if batch_norm else d_normalised
        norms.append(float(np.linalg.norm(h_in.T @ d_z)))
        d_h = d_z @ W.T
    return DepthProfile([float(layer[3].std()) for layer in layers], norms[::-1])


# --- convolution arithmetic -----------------------------------------------------------------


def conv_output_size(n: int, kernel: int, *, padding: int = 0, stride: int = 1) -> int:
    """Positions along one side at which a ``kernel``-wide window fits: ``floor((n + 2p - k) / s) + 1``.

    ``n`` pixels with ``padding`` zeros added on each side, the window moved ``stride`` pixels
    at a time. The same formula gives a pooling layer's size (its window is its kernel; Keras's
    ``MaxPooling2D(k)`` has stride ``k``). Keras's ``padding="same"`` with stride 1 and an odd
    kernel is ``padding = (kernel - 1) // 2``.

    Raises
    ------
    InputError
        If the window does not fit even once, or a size is not positive.
    """
    if n < 1 or kernel < 1 or stride < 1 or padding < 0:
        raise InputError(f"sizes must be positive and padding at least 0; got n={n}, kernel={kernel}, "
                         f"padding={padding}, stride={stride}")
    if n + 2 * padding < kernel:
        raise InputError(f"a window of {kernel} does not fit in {n} pixels with padding {padding}")
    return (n + 2 * padding - kernel) // stride + 1


def conv_parameters(kernel: int, in_channels: int, filters: int) -> int:
    """Weights of a 2-D convolution: a ``kernel`` x ``kernel`` x ``in_channels`` filter plus a bias, per filter.

    >>> conv_parameters(3, 1, 32), conv_parameters(5, 6, 16)
    (320, 2416)
    """
    return (kernel * kernel * in_channels + 1) * filters
