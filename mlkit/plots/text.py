"""Figures for the NLP unit: how alike word vectors are, and where attention goes.

Presentation only: the numbers come from :mod:`mlkit.topics.text`. Each function returns a
matplotlib Figure and never shows it (made through pyplot and closed at once, as
:mod:`mlkit.plots.deep` does).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def similarity_map(similarities, words: Sequence[str], *, group_size: int | None = None, title: str = ""):
    """Draw a matrix of cosine similarities between words, one row and one column per word.

    Cosines are signed (from -1 to 1), so they are drawn on the diverging colour map of
    :func:`mlkit.plots.style.signed_image` with the scale fixed to [-1, 1]; the colour bar
    says the sign convention.

    Parameters
    ----------
    similarities:
        Square array, shape (words, words).
    words:
        The tick labels, in the order of the rows.
    group_size:
        When the words come in groups of this many (the words of one topic), thin lines
        separate the groups.
    title:
        Title of the axes.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``similarities`` is not square or its size differs from the number of words.
    """
    import matplotlib.pyplot as plt

    from mlkit.plots.style import signed_image

    values = np.asarray(similarities, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or len(values) != len(words):
        raise ValueError(f"similarities should be square with one row per word: {len(words)} words, "
                         f"shape {values.shape}")
    size = 0.42 * len(words) + 1.8
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    signed_image(ax, values, limit=1.0, label="cosine similarity")
    ax.set_xticks(range(len(words)), words, rotation=90)
    ax.set_yticks(range(len(words)), words)
    if group_size:
        for edge in np.arange(group_size, len(words), group_size) - 0.5:
            ax.axhline(edge, color="0.3", linewidth=0.8)
            ax.axvline(edge, color="0.3", linewidth=0.8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    plt.close(fig)
    return fig


def attention_map(weights, tokens: Sequence[str], *, head_names: Sequence[str] | None = None, title: str = ""):
    """Draw attention weights: one panel per head, a row per query word, a column per key word.

    Weights are shares from 0 to 1 (each row sums to 1), drawn on a sequential colour map
    with the scale fixed to [0, 1] on every panel, so one colour means one weight everywhere.

    Parameters
    ----------
    weights:
        Shape (heads, words, words) or (words, words) for one head.
    tokens:
        The words, in order: the row labels (queries) and the column labels (keys).
    head_names:
        A title per panel; ``"head 1"``, ``"head 2"``, ... by default.
    title:
        Title of the whole figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the weights are not square per head or their size differs from the number of tokens.
    """
    import matplotlib.pyplot as plt

    from mlkit.plots.style import matrix_axes

    values = np.asarray(weights, dtype=float)
    if values.ndim == 2:
        values = values[None]
    if values.ndim != 3 or values.shape[1] != values.shape[2] or values.shape[1] != len(tokens):
        raise ValueError(f"weights should have shape (heads, words, words) with {len(tokens)} words, got {values.shape}")
    heads = len(values)
    names = list(head_names) if head_names is not None else [f"head {h + 1}" for h in range(heads)]
    side = 0.38 * len(tokens) + 1.6
    fig, axes = plt.subplots(1, heads, figsize=(side * heads + 1.2, side + 1.0), squeeze=False, layout="constrained")
    for ax, head, name in zip(axes[0], values, names):
        image = ax.imshow(head, cmap="Blues", vmin=0.0, vmax=1.0)
        matrix_axes(ax)
        ax.set_xticks(range(len(tokens)), tokens, rotation=90)
        ax.set_yticks(range(len(tokens)), tokens)
        ax.set_xlabel("key: the word attended to")
        ax.set_title(name)
    axes[0][0].set_ylabel("query: the word being updated")
    bar = fig.colorbar(image, ax=list(axes[0]), shrink=0.8)
    bar.set_label("attention weight (each row sums to 1)", fontsize=8)
    if title:
        fig.suptitle(title)
    plt.close(fig)
    return fig
