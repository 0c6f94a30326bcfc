"""Figures of training runs: learning curves, learning rates tried, and learned filters.

Presentation only: the function returns a matplotlib Figure and never shows it (made
through pyplot and closed at once, as :mod:`mlkit.plots.images` does).
"""

from __future__ import annotations

from typing import Mapping, Sequence


def learning_curves(
    runs: Mapping[str, Mapping[str, Sequence[float]]],
    *,
    panels: Sequence[tuple[str, str]] = (("train_loss", "training loss"), ("val_loss", "validation loss")),
    title: str = "",
    log_y: bool = False,
):
    """Draw per-epoch curves of several runs side by side, one panel per measure.

    Parameters
    ----------
    runs:
        Run label -> {measure name -> one value per epoch}; e.g. ``{"SGD": {"val_loss": [...]}}``.
        Objects with the measures as attributes (``deep.History``) are accepted too.
    panels:
        ``(measure name, axis label)`` pairs, one panel each, in order.
    title:
        Title of the whole figure.
    log_y:
        Logarithmic vertical axes, so that small late differences between losses show.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``runs`` is empty.
    """
    import matplotlib.pyplot as plt

    from mlkit.plots.style import legend_outside

    if not runs:
        raise ValueError("runs is empty: give at least one run to draw")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels) + 1.2, 3.2), squeeze=False)
    styles = ["-", "--", "-.", ":"]
    for ax, (measure, label) in zip(axes[0], panels):
        for index, (name, run) in enumerate(runs.items()):
            values = run[measure] if isinstance(run, Mapping) else getattr(run, measure)
            ax.plot(range(1, len(values) + 1), values, styles[index % len(styles)], label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"{label} (log scale)" if log_y else label)
        if log_y:
            ax.set_yscale("log")
            _plain_log_ticks(ax.yaxis)
    legend_outside(axes[0][-1])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def _plain_log_ticks(axis) -> None:
    """Label a log axis with plain numbers (0.2, 0.5, 1) at 1, 2 and 5 times each power of ten."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))


def learning_rates(
    results: Mapping[str, Mapping[float, float]],
    *,
    chosen: Mapping[str, float] | None = None,
    ylabel: str = "lowest validation loss",
    title: str = "",
):
    """Draw, for each optimiser, the loss reached at each learning rate tried (both axes logarithmic).

    Parameters
    ----------
    results:
        Optimiser label -> {learning rate -> loss reached}.
    chosen:
        Optimiser label -> the rate chosen, marked with a filled circle on its line.
    ylabel, title:
        Label of the vertical axis, title of the figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``results`` is empty, or a chosen rate is not one of those tried.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullLocator

    from mlkit.plots.style import legend_outside

    if not results:
        raise ValueError("results is empty: give at least one optimiser's losses")
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    styles = ["o-", "s--", "^-.", "d:"]
    for index, (name, losses) in enumerate(results.items()):
        rates = sorted(losses)
        line, = ax.plot(rates, [losses[r] for r in rates], styles[index % len(styles)], label=name,
                        markerfacecolor="white")
        if chosen and name in chosen:
            if chosen[name] not in losses:
                raise ValueError(f"the rate chosen for {name!r}, {chosen[name]}, is not among those tried: {rates}")
            ax.plot([chosen[name]], [losses[chosen[name]]], styles[index % len(styles)][0], color=line.get_color(),
                    markersize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log_ticks(ax.yaxis)
    tried = sorted({rate for losses in results.values() for rate in losses})
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(tried, [f"{rate:g}" for rate in tried])
    ax.set_xlabel("learning rate (log scale; the rates tried)")
    ax.set_ylabel(f"{ylabel} (log scale)")
    legend_outside(ax, title="filled: rate chosen" if chosen else None)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def filters(kernels, *, columns: int = 8, title: str = ""):
    """Draw learned convolution filters as small signed images with one colour scale and a colour bar.

    Parameters
    ----------
    kernels:
        The weights of a ``Conv2D`` layer with one input channel, shape (height, width, 1, filters)
        as ``layer.get_weights()[0]`` returns them, or (height, width, filters).
    columns:
        Filters per row of the grid.
    title:
        Title of the whole figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``kernels`` has another shape, more than one input channel, or values that are not finite.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from mlkit.plots.style import DIVERGING_CMAP, SIGN_CONVENTION, image_axes, symmetric_limits

    weights = np.asarray(kernels, dtype=float)
    if weights.ndim == 4:
        if weights.shape[2] != 1:
            raise ValueError(f"kernels must have one input channel, shape (height, width, 1, filters); got {weights.shape}")
        weights = weights[:, :, 0, :]
    if weights.ndim != 3:
        raise ValueError(f"kernels must have shape (height, width, 1, filters) or (height, width, filters); got {weights.shape}")
    low, high = symmetric_limits(weights)
    count = weights.shape[2]
    rows = -(-count // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(0.8 * columns + 1.2, 0.8 * rows + 0.5), squeeze=False)
    image = None
    for index, ax in enumerate(axes.flat):
        image_axes(ax)
        if index < count:
            image = ax.imshow(weights[:, :, index], cmap=DIVERGING_CMAP, vmin=low, vmax=high)
        else:
            ax.set_visible(False)
    bar = fig.colorbar(image, ax=axes, fraction=0.03, pad=0.03)
    bar.set_label("weight\n" + SIGN_CONVENTION.replace(", white", ",\nwhite"), fontsize=8)
    if title:
        fig.suptitle(title)
    plt.close(fig)
    return fig


def depth_profiles(profiles, *, title: str = ""):
    """Draw, for several deep networks at initialisation, each hidden layer's output scale and gradient norm.

    Parameters
    ----------
    profiles:
        Network label -> an object with ``output_std`` and ``gradient_norm`` (one value per hidden
        layer, layer 1 next to the inputs), such as ``deep.DepthProfile``, or a mapping with those keys.
    title:
        Title of the whole figure.

    Returns
    -------
    matplotlib.figure.Figure, with two panels on logarithmic vertical axes (the values span many
    powers of ten).

    Raises
    ------
    ValueError
        If ``profiles`` is empty.
    """
    import matplotlib.pyplot as plt

    from mlkit.plots.style import legend_outside

    if not profiles:
        raise ValueError("profiles is empty: give at least one network to draw")
    fig, axes = plt.subplots(1, 2, figsize=(10.4, 3.4))
    styles = ["o-", "s--", "^-.", "d:", "v-", "x--"]
    panels = (("output_std", "standard deviation of the layer's outputs"),
              ("gradient_norm", "norm of the gradient of the layer's weights"))
    for ax, (measure, label) in zip(axes, panels):
        for index, (name, profile) in enumerate(profiles.items()):
            values = profile[measure] if isinstance(profile, Mapping) else getattr(profile, measure)
            ax.plot(range(1, len(values) + 1), values, styles[index % len(styles)], label=name, markersize=4)
        ax.set_yscale("log")
        ax.set_xlabel("hidden layer (1 = next to the inputs)")
        ax.set_ylabel(f"{label}\n(log scale)")
    legend_outside(axes[-1])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.close(fig)
    return fig
