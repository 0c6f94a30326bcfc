"""Learning curves of training runs: one panel per measure, one line per run.

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
    legend_outside(axes[0][-1])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.close(fig)
    return fig
