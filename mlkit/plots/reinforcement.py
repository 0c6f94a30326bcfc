"""Figures for the reinforcement-learning unit: a grid world's policy drawn as arrows, and its values as a map.

Presentation only: the values come from :mod:`mlkit.topics.reinforcement`.
"""

from __future__ import annotations

import numpy as np

from mlkit.plots.style import image_axes
from mlkit.topics.reinforcement import ACTION_ARROWS


def plot_policy(ax, policy, shape, *, cliff=(), start=None, goal=None, path=(), title: str = "", arrows=None):
    """Draw one arrow per cell of a grid world, the cliff in grey and a followed path in colour.

    The grid is drawn as a picture (:func:`mlkit.plots.style.image_axes`: square cells, no
    tick marks, no style grid), with thin borders between the cells and a frame around them.

    Parameters
    ----------
    ax : matplotlib Axes to draw on
    policy : one action per state (0 up, 1 right, 2 down, 3 left), states numbered row by row
    shape : (rows, columns) of the grid
    cliff : states drawn as cliff (no arrow)
    start, goal : states labelled S and G
    path : states visited by the policy, shaded
    arrows : the arrow of each action, default :data:`~mlkit.topics.reinforcement.ACTION_ARROWS`
        (CliffWalking); FrozenLake numbers its actions differently
        (:data:`~mlkit.topics.reinforcement.FROZEN_LAKE_ARROWS`)
    """
    arrows = ACTION_ARROWS if arrows is None else arrows
    rows, cols = shape
    policy = np.asarray(policy).reshape(rows, cols)
    shade = np.zeros(shape)
    for state in path:
        shade[divmod(int(state), cols)] = 1
    for state in cliff:
        shade[divmod(int(state), cols)] = 2
    from matplotlib.colors import ListedColormap

    ax.imshow(shade, cmap=ListedColormap(["white", "#fde2b8", "#9e9e9e"]), vmin=0, vmax=2)
    for r in range(rows):
        for c in range(cols):
            state = r * cols + c
            if state in set(int(s) for s in cliff):
                text = ""
            elif state == goal:
                text = "G"
            else:
                text = arrows[int(policy[r, c])]
                if state == start:
                    text = "S" + text
            ax.text(c, r, text, ha="center", va="center", fontsize=12)
    image_axes(ax)
    ax.hlines(np.arange(0.5, rows - 1), -0.5, cols - 0.5, color="#bdbdbd", linewidth=0.8)  # cell borders
    ax.vlines(np.arange(0.5, cols - 1), -0.5, rows - 0.5, color="#bdbdbd", linewidth=0.8)
    for spine in ax.spines.values():
        spine.set_visible(True)
    if title:
        ax.set_title(title)
    return ax


def plot_values(ax, values, shape, *, skip=(), marked=None, decimals: int = 0, label: str = "value", title: str = ""):
    """Draw state values as a coloured map with each value written in its cell.

    Parameters
    ----------
    ax : matplotlib Axes to draw on
    values : one value per state, states numbered row by row
    shape : (rows, columns) of the grid
    skip : states left blank (the cliff, holes)
    marked : ``{text: states}``, states without a value drawn in grey, with ``text`` written once
        across each group (``{"cliff": range(37, 47), "G": [47]}``); they are skipped too
    decimals : digits written after the decimal point
    label : the colour bar's label

    Returns the ``AxesImage``.
    """
    rows, cols = shape
    grid = np.asarray(values, dtype=float).reshape(rows, cols).copy()
    marked = {} if marked is None else {text: [int(s) for s in states] for text, states in marked.items()}
    blank = np.zeros(grid.shape, dtype=bool)
    for state in [*skip, *(s for states in marked.values() for s in states)]:
        blank[divmod(int(state), cols)] = True
    shown = np.ma.masked_array(grid, mask=blank)
    grey = np.ma.masked_array(np.ones(grid.shape), mask=~blank)
    if marked:
        from matplotlib.colors import ListedColormap

        ax.imshow(grey, cmap=ListedColormap(["#9e9e9e"]), vmin=0, vmax=1)
    image = ax.imshow(shown, cmap="viridis")
    for text, states in marked.items():
        rows_, cols_ = np.array([divmod(s, cols) for s in states]).T
        ax.text(cols_.mean(), rows_.mean(), text, ha="center", va="center", fontsize=10, color="white",
                fontweight="bold")
    for r in range(rows):
        for c in range(cols):
            if not blank[r, c]:
                ax.text(c, r, f"{grid[r, c]:.{decimals}f}", ha="center", va="center", fontsize=8,
                        color="white" if grid[r, c] < shown.mean() else "black")
    image_axes(ax)
    ax.figure.colorbar(image, ax=ax, label=label, shrink=0.8)
    if title:
        ax.set_title(title)
    return image
