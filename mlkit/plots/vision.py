"""Figures for the computer-vision unit: filters and their responses, learned kernels, robustness to shifts.

Presentation only: the values come from :mod:`mlkit.topics.vision` and from the lesson's
networks. Each function returns a matplotlib Figure and never shows it; in a notebook the figure is
displayed once, as the cell's result (made through pyplot, then closed, as in
:mod:`mlkit.plots.images`).
"""

from __future__ import annotations

from typing import Sequence

from mlkit.topics.vision import correlate2d


def filter_responses(image, kernels: Sequence, names: Sequence[str], *, cell_size: float = 1.6):
    """Draw an image, then for each kernel the kernel itself (top row) and its response map (bottom row).

    Kernels and responses are signed: each is drawn with :func:`mlkit.plots.style.signed_image`
    on its own symmetric scale (white is zero), and the figure's caption states the colours.

    Parameters
    ----------
    image : array-like of shape (rows, cols)
    kernels : 2-D kernels, applied with :func:`mlkit.topics.vision.correlate2d` (a cross-correlation)
    names : one title per kernel
    cell_size : size of one picture, in inches

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = filter_responses(np.eye(8), [np.ones((3, 3))], ["blur"])
    >>> len(fig.axes)
    4
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if len(names) != len(kernels):
        raise ValueError(f"names must have one entry per kernel ({len(kernels)}), got {len(names)}")
    columns = 1 + len(kernels)
    fig = plt.figure(figsize=(cell_size * columns, cell_size * 2 + 0.9))
    plt.close(fig)
    axes = fig.subplots(2, columns, squeeze=False)
    from mlkit.plots.style import SIGN_CONVENTION, image_axes, signed_image

    axes[0, 0].imshow(np.asarray(image, dtype=float), cmap="gray_r")
    axes[0, 0].set_title("image")
    axes[1, 0].set_visible(False)
    for c, (kernel, name) in enumerate(zip(kernels, names), start=1):
        kernel = np.asarray(kernel, dtype=float)
        signed_image(axes[0, c], kernel, colorbar=False)
        axes[0, c].set_title(name)
        signed_image(axes[1, c], correlate2d(image, kernel), colorbar=False)
        axes[1, c].set_title("response")
    for ax in axes.flat:
        image_axes(ax)
    fig.supxlabel(f"kernels and responses: each on its own scale, {SIGN_CONVENTION}", fontsize=8)
    fig.tight_layout()
    return fig


def kernel_convergence(snapshots: Sequence, target, shown: Sequence[int], *, cell_size: float = 1.3):
    """A kernel learned by gradient descent at a few epochs, next to the kernel it should become.

    Top row: ``snapshots[e]`` for each epoch ``e`` in ``shown`` (epoch 0 is the start), then
    ``target``, all on **one** symmetric diverging scale so that a colour means the same
    weight in every picture. Bottom: the largest absolute difference between the learned
    kernel and ``target`` after every epoch, on a logarithmic axis.

    Parameters
    ----------
    snapshots : 2-D kernels, one per epoch, the first before training
    target : 2-D kernel of the same shape
    shown : epochs to draw in the top row, indices into ``snapshots``
    cell_size : size of one picture, in inches

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> steps = [np.full((3, 3), v) for v in (0.0, 0.5, 0.9)]
    >>> fig = kernel_convergence(steps, np.ones((3, 3)), [0, 2])
    >>> len(fig.axes)
    5
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from mlkit.plots.style import SIGN_CONVENTION, image_axes, signed_image, symmetric_limits

    kernels = [np.asarray(k, dtype=float) for k in snapshots]
    target = np.asarray(target, dtype=float)
    if not kernels or any(k.shape != target.shape for k in kernels):
        raise ValueError(f"snapshots must be a non-empty list of kernels of the target's shape {target.shape}")
    if not shown or any(not 0 <= e < len(kernels) for e in shown):
        raise ValueError(f"shown must list epochs between 0 and {len(kernels) - 1}; got {list(shown)}")
    columns = len(shown) + 1
    fig = plt.figure(figsize=(max(cell_size * columns, 5.0) + 0.8, cell_size + 2.6))
    plt.close(fig)
    grid = fig.add_gridspec(2, columns, height_ratios=[cell_size, 2.0])
    _, limit = symmetric_limits(np.stack(kernels + [target]))
    for column, epoch in enumerate(shown):
        ax = fig.add_subplot(grid[0, column])
        signed_image(ax, kernels[epoch], limit=limit, colorbar=False)
        ax.set_title("start" if epoch == 0 else f"epoch {epoch}", fontsize=9)
    ax = fig.add_subplot(grid[0, columns - 1])
    drawn = signed_image(ax, target, limit=limit, colorbar=False)
    ax.set_title("written by hand", fontsize=9)
    bar = fig.colorbar(drawn, ax=fig.axes, fraction=0.03, pad=0.02)
    bar.set_label(f"weight ({SIGN_CONVENTION})", fontsize=7)
    curve = fig.add_subplot(grid[1, :])
    gaps = [float(np.abs(k - target).max()) for k in kernels]
    curve.plot(range(len(gaps)), gaps, "o-")
    curve.set_yscale("log")
    curve.set_xlabel("epoch (0 = before training)")
    curve.set_ylabel("largest |learned - by hand|")
    for ax in fig.axes[:columns]:
        image_axes(ax)
    return fig


def kernel_rows(rows, *, titles=None, cell_size: float = 1.1):
    """Rows of kernels, one row per group (for instance written by hand, then learned).

    Each kernel is drawn on its own symmetric diverging scale (white is zero): learned
    kernels have no fixed size, so only their pattern of signs and relative sizes is
    compared. The figure's caption states the colours.

    Parameters
    ----------
    rows : mapping of row label -> sequence of 2-D kernels
    titles : optional mapping of row label -> one title per kernel
    cell_size : size of one picture, in inches

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = kernel_rows({"a": [np.eye(3)], "b": [np.eye(3), -np.eye(3)]})
    >>> sum(ax.get_visible() for ax in fig.axes)
    3
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from mlkit.plots.style import SIGN_CONVENTION, signed_image

    if not rows:
        raise ValueError("rows is empty: give at least one row of kernels")
    titles = titles or {}
    columns = max(len(kernels) for kernels in rows.values())
    fig = plt.figure(figsize=(cell_size * columns + 1.4, cell_size * len(rows) + 0.8))
    plt.close(fig)
    axes = fig.subplots(len(rows), columns, squeeze=False)
    for r, (label, kernels) in enumerate(rows.items()):
        names = titles.get(label)
        if names is not None and len(names) != len(kernels):
            raise ValueError(f"titles[{label!r}] must have one entry per kernel ({len(kernels)}), got {len(names)}")
        for c in range(columns):
            ax = axes[r, c]
            if c >= len(kernels):
                ax.set_visible(False)
                continue
            signed_image(ax, np.asarray(kernels[c], dtype=float), colorbar=False)
            if names is not None:
                ax.set_title(names[c], fontsize=8)
        axes[r, 0].set_ylabel(label, fontsize=9)
    fig.supxlabel(f"each kernel on its own scale, {SIGN_CONVENTION}", fontsize=8)
    fig.tight_layout()
    return fig


def shift_robustness(distances: Sequence[int], accuracies, *, what: str = "validation images"):
    """Accuracy of several models on images moved by 0, 1, 2, ... pixels: one group of bars per shift.

    Bars rather than lines, so that models with nearly equal accuracies stay visible side by
    side; each bar carries its value.

    Parameters
    ----------
    distances : the shifts in pixels, one group of bars each
    accuracies : mapping of model name -> one accuracy per distance
    what : which images were shifted, for the vertical axis's label

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = shift_robustness([0, 1], {"a": [0.9, 0.5], "b": [0.9, 0.8]})
    >>> [container.get_label() for container in fig.axes[0].containers]
    ['a', 'b']
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from mlkit.plots.style import legend_outside

    if not accuracies:
        raise ValueError("accuracies is empty: give at least one model")
    for name, values in accuracies.items():
        if len(values) != len(distances):
            raise ValueError(f"accuracies[{name!r}] must have one value per distance ({len(distances)}), got {len(values)}")
    fig, ax = plt.subplots(figsize=(8.0, 3.4))
    plt.close(fig)
    width = 0.8 / len(accuracies)
    hatches = ["", "//", "..", "xx", "\\\\", "++"]
    groups = np.arange(len(distances))
    for index, (name, values) in enumerate(accuracies.items()):
        bars = ax.bar(groups + (index - (len(accuracies) - 1) / 2) * width, list(values), width,
                      label=name, hatch=hatches[index % len(hatches)], edgecolor="white", linewidth=0.5)
        ax.bar_label(bars, fmt="%.2f", fontsize=6, padding=1)
    ax.set_xticks(groups, [f"{d} pixel{'' if d == 1 else 's'}" for d in distances])
    ax.set_xlabel("shift of the images (0: as they are; else up, down, left or right)")
    ax.set_ylabel(f"accuracy on the {what}\n(unshifted or shifted)")
    ax.set_ylim(0.0, 1.08)
    ax.grid(axis="x", visible=False)
    legend_outside(ax)
    fig.tight_layout()
    return fig
