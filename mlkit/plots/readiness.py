"""Figures of the readiness self-assessment: scores per area, and scores over time.

Presentation only: each function takes results computed by
:mod:`mlkit.readiness` and returns a :class:`matplotlib.figure.Figure` built
without pyplot (nothing is shown, no global figure state), so it works headless
and in tests. Imports matplotlib when called.
"""

from __future__ import annotations

import textwrap

from mlkit.readiness.scoring import READY_FROM, REFRESH_FROM

LEVEL_COLOURS = {"course": "#d95f02", "learn": "#e6ab02", "refresh": "#e6ab02", "ready": "#1b9e77"}


def _new_figure(**kwargs):
    """A new Figure that is not left among pyplot's open figures (so never shown twice).

    It is made with pyplot and closed at once: making it through pyplot loads
    the notebook's inline backend, which is what lets Jupyter display a
    returned Figure as an image. Outside Jupyter pyplot picks a
    non-interactive backend, so this works headless.
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(**kwargs)
    plt.close(fig)
    return fig


def area_scores_figure(result, practice=None, width: float = 8.0):
    """Horizontal bars of each area's score (0-100), coloured by level.

    The bar is the area score; the dot is the answers alone (knowledge, before
    the self-rating is mixed in). Dashed lines mark the refresh (40) and ready
    (70) thresholds. Areas a master's teaches itself are drawn hatched. With
    ``practice`` (:class:`mlkit.readiness.PracticeSince`), each label adds the
    exercises completed since.

    Parameters
    ----------
    result : mlkit.readiness.Result
    practice : mlkit.readiness.PracticeSince, optional
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    areas = list(result.areas)[::-1]  # first area on top
    fig = _new_figure(figsize=(width, 0.55 * len(areas) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    positions = range(len(areas))
    bars = ax.barh(
        positions,
        [a.score for a in areas],
        color=[LEVEL_COLOURS[a.level] for a in areas],
        edgecolor="#333333",
        linewidth=0.6,
        height=0.6,
    )
    for bar, area in zip(bars, areas):
        if not area.prerequisite:
            bar.set_hatch("//")
            bar.set_alpha(0.75)
    ax.scatter([100 * a.knowledge for a in areas], positions, color="#222222", s=18, zorder=3)
    for threshold in (REFRESH_FROM, READY_FROM):
        ax.axvline(threshold, color="#555555", linestyle="--", linewidth=0.8)
    for y, area in zip(positions, areas):
        ax.text(102, y, f"{area.score:.0f}  {area.level_words}", va="center", fontsize=8)
    names = [a.title for a in areas]
    if practice is not None:
        names = [f"{a.title}\n+{practice.per_area.get(a.area, 0)} exercises since" for a in areas]
    ax.set_yticks(list(positions), names, fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, REFRESH_FROM, READY_FROM, 100])
    ax.set_xlabel("bar: area score (answers weighted by difficulty, lowered by a low self-rating); dot: answers alone", fontsize=8)
    ax.grid(axis="y", visible=False)
    title = "Readiness per area" + (f": {result.person}" if result.person else "")
    ax.set_title(title + "\n" + textwrap.fill(result.summary, 70), loc="left", fontsize=10)
    return fig  # constrained layout keeps the labels right of the axes inside the figure


def history_figure(attempts, width: float = 7.5):
    """Each area's score over the finished attempts (:func:`mlkit.readiness.history`).

    Returns a figure with a short note instead of lines when there is no
    finished attempt yet.
    """
    fig = _new_figure(figsize=(width, 3.6), layout="constrained")
    ax = fig.add_subplot()
    if not attempts:
        ax.text(0.5, 0.5, "No finished attempt yet: take the quiz above.", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    xs = list(range(1, len(attempts) + 1))
    for i, area in enumerate(attempts[0].result.areas):
        scores = [a.result.areas[i].score for a in attempts]
        ax.plot(xs, scores, marker="o", label=area.title, linestyle="-" if area.prerequisite else ":")
    for threshold in (REFRESH_FROM, READY_FROM):
        ax.axhline(threshold, color="#555555", linestyle="--", linewidth=0.8)
    ax.set_xticks(xs, [(a.finished or "")[:10] for a in attempts], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel("area score")
    ax.set_title("Your readiness over time", loc="left", fontsize=10)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return fig
