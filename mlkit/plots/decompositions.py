"""Figures of the matrix-decompositions lesson: a matrix as a map of the plane, and a quadratic form.

Presentation only: each function returns a matplotlib Figure and never shows it (it is
made through pyplot and closed, so that a notebook displays it once, as the cell's result).
Both are geometry, so both use equal axes (:func:`mlkit.plots.style.equal_aspect`).
"""

from __future__ import annotations

import numpy as np

from mlkit.plots.style import equal_aspect, legend_outside
from mlkit.topics.decompositions import normalise_signs

_SQUARE = np.array([[0.0, 1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0, 0.0]])


def _two_by_two(matrix, name: str) -> np.ndarray:
    array = np.asarray(matrix, dtype=float)
    if array.shape != (2, 2):
        raise ValueError(f"{name} must be a 2x2 matrix, got shape {array.shape}")
    return array


def square_images(matrices, titles):
    """The unit square (grey) and its image under each 2x2 matrix, one panel per matrix.

    Parameters
    ----------
    matrices:
        A sequence of 2x2 matrices.
    titles:
        One title per matrix (say its determinant there).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    arrays = [_two_by_two(m, "each matrix") for m in matrices]
    fig, axes = plt.subplots(1, len(arrays), figsize=(3.2 * len(arrays), 3.2), squeeze=False)
    for ax, M, title in zip(axes[0], arrays, titles):
        image = M @ _SQUARE
        ax.fill(_SQUARE[0], _SQUARE[1], color="lightgrey", label="unit square (area 1)")
        ax.fill(image[0], image[1], color="tab:blue", alpha=0.45, label="its image M @ square")
        ax.plot(image[0], image[1], color="tab:blue", lw=1.5)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_xlim(-1.5, 3.5)
        ax.set_ylim(-1.5, 3.5)
        equal_aspect(ax)
    legend_outside(axes[0][-1], fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def quadratic_form_levels(matrices, titles, *, extent: float = 2.0):
    """Level sets of ``x.T @ A @ x`` with the eigenvectors of ``A`` drawn, one panel per matrix.

    Each eigenvector is drawn from the origin with length 1, in the colour of its label,
    which gives its eigenvalue; signs follow :func:`mlkit.topics.decompositions.normalise_signs`.

    Parameters
    ----------
    matrices:
        A sequence of symmetric 2x2 matrices.
    titles:
        One title per matrix.
    extent:
        The panels show ``[-extent, extent]`` on both axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    arrays = [_two_by_two(m, "each matrix") for m in matrices]
    grid = np.linspace(-extent, extent, 161)
    x1, x2 = np.meshgrid(grid, grid)
    points = np.stack([x1.ravel(), x2.ravel()])
    fig, axes = plt.subplots(1, len(arrays), figsize=(4.2 * len(arrays), 3.6), squeeze=False)
    for ax, A, title in zip(axes[0], arrays, titles):
        values = np.einsum("in,ij,jn->n", points, A, points).reshape(x1.shape)
        lines = ax.contour(x1, x2, values, levels=9, cmap="viridis", linewidths=1)
        ax.clabel(lines, fontsize=7, fmt="%.1f")
        eigenvalues, eigenvectors = np.linalg.eigh(A)
        eigenvectors = normalise_signs(eigenvectors)
        for value, vector, colour in zip(eigenvalues, eigenvectors.T, ("tab:red", "tab:orange")):
            ax.annotate("", xy=vector, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": colour, "lw": 2.5})
            ax.plot([], [], color=colour, lw=2.5, label=f"eigenvector, λ = {value:.2f}")
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        equal_aspect(ax)
        legend_outside(ax, fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig
