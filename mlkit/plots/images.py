"""Small images in a grid: digits, principal components, reconstructions.

Presentation only: the function returns a matplotlib Figure and never shows it.
In a notebook the figure is displayed once, as the cell's result: it is made
through pyplot (which, on first use, switches on the notebook's figure display)
and closed at once (so that pyplot does not show it a second time).
"""

from __future__ import annotations

from typing import Sequence


def image_grid(
    images,
    *,
    shape: tuple[int, int] = (8, 8),
    row_labels: Sequence[str] | None = None,
    titles: Sequence[str] | None = None,
    cmap: str = "gray_r",
    same_scale: bool = True,
    signed: bool = False,
    cell_size: float = 0.9,
):
    """Draw flat images as a grid of pictures, one row of the grid per row of ``images``.

    Parameters
    ----------
    images:
        Array-like of shape ``(rows, columns, pixels)`` or ``(columns, pixels)``
        (a single row); each image is ``pixels`` long and is reshaped to ``shape``.
    shape:
        Height and width of one image; ``shape[0] * shape[1]`` must equal ``pixels``.
    row_labels:
        One label per grid row, written to the left of the row.
    titles:
        One title per grid column, written above the first row.
    cmap:
        Colour map; the default draws high values dark, like ink on paper.
    same_scale:
        When true, every picture uses the colour range of all images together, so
        that shades compare across pictures; when false, each picture uses its own
        range.
    signed:
        For signed values (principal components, weights): a diverging colour map
        with white at zero and one symmetric scale for every picture, so that a
        colour means the same value everywhere (see :mod:`mlkit.plots.style`);
        ``cmap`` and ``same_scale`` are then ignored.
    cell_size:
        Size of one picture, in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = image_grid(np.zeros((2, 3, 64)), row_labels=["a", "b"], titles=["x", "y", "z"])
    >>> len(fig.axes)
    6
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from mlkit.plots.style import DIVERGING_CMAP, image_axes, symmetric_limits

    grid = np.asarray(images, dtype=float)
    if grid.ndim == 2:
        grid = grid[np.newaxis]
    if grid.ndim != 3 or grid.shape[2] != shape[0] * shape[1]:
        raise ValueError(
            f"images must have shape (rows, columns, {shape[0] * shape[1]}) for pictures of {shape[0]}x{shape[1]} "
            f"pixels, got {grid.shape}"
        )
    rows, columns, _ = grid.shape
    for labels, count, what, per in ((row_labels, rows, "row_labels", "row"), (titles, columns, "titles", "column")):
        if labels is not None and len(labels) != count:
            raise ValueError(f"{what} must have {count} entries, one per grid {per}, got {len(labels)}")
    if signed:
        low, high = symmetric_limits(grid)
        cmap, limits = DIVERGING_CMAP, {"vmin": low, "vmax": high}
    else:
        limits = {"vmin": grid.min(), "vmax": grid.max()} if same_scale else {}
    fig = plt.figure(figsize=(cell_size * columns + (0.8 if row_labels is not None else 0.1), cell_size * rows + 0.3))
    plt.close(fig)
    axes = fig.subplots(rows, columns, squeeze=False)
    for r in range(rows):
        for c in range(columns):
            ax = axes[r, c]
            ax.imshow(grid[r, c].reshape(shape), cmap=cmap, **limits)
            image_axes(ax)
            if titles is not None and r == 0:
                ax.set_title(titles[c], fontsize=9)
            if row_labels is not None and c == 0:
                ax.set_ylabel(row_labels[r], fontsize=9, rotation=0, ha="right", va="center")
    fig.subplots_adjust(wspace=0.05, hspace=0.1, left=0.2 if row_labels is not None else 0.02, right=0.98)
    return fig
