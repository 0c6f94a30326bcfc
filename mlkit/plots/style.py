"""How each kind of figure is drawn: the one place that decides grids, aspect, colour maps and legends.

``mlkit.setup()`` sets the house style for line and scatter plots (light grid, no top
and right spines). Some kinds of figure need something else, and the lessons and the
kit's own figures call these functions for them:

- **images and matrices** (a digit, a confusion matrix, a filter): no grid lines across
  the pixels or cells — :func:`image_axes`, :func:`matrix_axes`;
- **geometry** (vectors, projections, contours of a loss whose circles are the point):
  one unit on x is one unit on y — :func:`equal_aspect`;
- **signed values** (a principal component's weights, a filter, a residual): a diverging
  colour map centred on zero, with the same scale on both sides, and the sign convention
  said in the colour bar — :func:`signed_image`, with :data:`SIGN_CONVENTION`;
- **legends** that would cover the data they explain go beside the axes —
  :func:`legend_outside`.

Every function takes a matplotlib ``Axes`` and returns what it drew (or the axes), so a
test can check the result.
"""

from __future__ import annotations

import numpy as np

DIVERGING_CMAP = "RdBu_r"
SIGN_CONVENTION = "red above zero, blue below, white at zero"


def image_axes(ax, *, ticks: bool = False):
    """Axes for a picture: no grid, square pixels, and (by default) no tick marks.

    Returns ``ax``.
    """
    ax.grid(False)
    ax.set_aspect("equal")
    if not ticks:
        ax.set_xticks([])
        ax.set_yticks([])
    return ax


def matrix_axes(ax):
    """Axes for a matrix of numbers (a confusion matrix, a Q-table): no grid across the cells.

    Tick labels stay, since they name the rows and columns. Returns ``ax``.
    """
    ax.grid(False)
    ax.minorticks_off()
    return ax


def equal_aspect(ax):
    """One unit on x is one unit on y, so circles look round and right angles look right.

    Returns ``ax``.
    """
    ax.set_aspect("equal", adjustable="box")
    return ax


def symmetric_limits(values) -> tuple[float, float]:
    """``(-m, m)`` where ``m`` is the largest absolute value in ``values`` (1.0 if all are zero).

    Raises ``ValueError`` for an empty array or one with NaN or infinite values.
    """
    array = np.asarray(values, dtype=float)
    if array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError("signed values must be a non-empty array of finite numbers")
    largest = float(np.max(np.abs(array)))
    largest = largest if largest > 0 else 1.0
    return -largest, largest


def signed_image(ax, values, *, limit: float | None = None, colorbar: bool = True, label: str = ""):
    """Draw a 2-D array of signed values on a diverging colour map centred on zero.

    ``values`` has shape (rows, columns); ``limit`` fixes the scale to ``[-limit, limit]``
    (pass the same limit to several panels so that one colour means one value on all of
    them), otherwise it is the largest absolute value. The colour bar's label ends with
    :data:`SIGN_CONVENTION`. Returns the ``AxesImage``.
    """
    low, high = (-limit, limit) if limit is not None else symmetric_limits(values)
    image = ax.imshow(np.asarray(values, dtype=float), cmap=DIVERGING_CMAP, vmin=low, vmax=high)
    image_axes(ax)
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        bar.set_label(f"{label} ({SIGN_CONVENTION})" if label else SIGN_CONVENTION, fontsize=8)
    return image


def legend_outside(ax, **kwargs):
    """The legend beside the axes, on the right, so that it covers none of the data.

    Extra keyword arguments go to ``Axes.legend``. Returns the ``Legend``.
    """
    options = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0, "frameon": False}
    options.update(kwargs)
    return ax.legend(**options)
