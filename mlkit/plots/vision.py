"""Figures for the computer-vision unit: an image, the filters applied to it, and their responses.

Presentation only: the values come from :mod:`mlkit.topics.vision`. The function
returns a matplotlib Figure and never shows it; in a notebook the figure is
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
