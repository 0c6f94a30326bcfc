"""Charts of the decision workbook, built from the model's results.

Presentation only: every function takes results computed by :mod:`mlkit.decision`
(an :class:`~mlkit.decision.results.Evaluation`, a
:class:`~mlkit.decision.montecarlo.MonteCarloResult`, sensitivity bars, loan schedules)
and returns a :class:`matplotlib.figure.Figure`; nothing is shown and no pyplot figure
is left open, so the functions work headless (Agg) and in tests. matplotlib is imported
when a function is called. :func:`png_bytes` renders a figure for an image widget or a
report, with the figure's description in words (:func:`description`) inside the PNG.

Every chart reads on a phone: drawn :data:`SIZE` inches wide and shown
:data:`PHONE_CHART_PX` pixels wide (a 390 px phone screen), its smallest text is
:data:`MIN_TEXT_PX` pixels high. Titles, long labels and legends wrap to the figure's
width, legends sit below the plot, and a figure grows taller when its text needs the room.

Every option keeps the same colour in every chart (its position in the scenario).
"""

from __future__ import annotations

import functools
import io
import math

PALETTE = ("#4d4d4d", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
SIZE = (6.0, 4.6)  # inches: 480×368 px at png_bytes' 80 dpi
PHONE_CHART_PX = 340  # how wide a chart is shown on a 390 px phone screen (the page's margins taken off)
MIN_TEXT_PX = 11  # the smallest text a chart may show on that phone
FONT = math.ceil(MIN_TEXT_PX * 72 * SIZE[0] / PHONE_CHART_PX)  # points: 14 for a 6-inch figure
LINE = 1.3 * FONT / 72  # inches: one line of text
PAD = 0.08  # inches: the gap between the figure's edge and its text
_DESCRIPTION = "mlkit_description"


def colour(index: int) -> str:
    """The colour of the option at ``index`` in the scenario."""
    return PALETTE[index % len(PALETTE)]


@functools.lru_cache(maxsize=4096)  # the same labels are measured again on every redraw
def text_width(text: str, size: float = FONT) -> float:
    """Width in inches of ``text`` set in the charts' font at ``size`` points (the widest line)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=size)
    return max(text_to_path.get_text_width_height_descent(line, font, ismath=False)[0] for line in text.split("\n")) / 72


def wrap(text: str, width: float, size: float = FONT) -> str:
    """``text`` broken between words into lines at most ``width`` inches wide (a longer word keeps its line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def description(fig) -> str:
    """What ``fig`` (one of this module's charts) shows for its inputs, in words: its text alternative."""
    return getattr(fig, _DESCRIPTION, "")


def _new_figure(figsize=SIZE):
    """A Figure not left among pyplot's open figures (see :mod:`mlkit.plots.readiness`).

    Off the main thread (the workbook redraws in a worker thread) pyplot is not
    touched. Margins are set by :func:`_frame` from measured text rather than by a layout
    engine: a constrained layout costs several times the drawing itself, and the workbook
    redraws on every change.
    """
    import threading

    if threading.current_thread() is threading.main_thread():
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=figsize)
        plt.close(fig)
    else:  # pyplot's global state is not for threads: a bare Figure renders the same
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize)
    return fig


def _frame(fig, ax, title: str, *, left: float, bottom: float, legend: list | None = None,
           min_plot: float = 1.8, words: str = "") -> None:
    """Title, legend and margins of a one-axes chart, sized from its text (inches).

    ``left`` and ``bottom`` are the room the y tick labels and the x axis (ticks and label)
    need; the title wraps to the figure's width above the plot and ``legend`` (handles and
    labels) lies below it, one entry a line. The figure grows taller when the plot would be
    shorter than ``min_plot``. ``words`` is the chart's description (:func:`description`).
    """
    width, height = fig.get_size_inches()
    title = wrap(title, width - 2 * PAD)
    top = PAD + LINE * (title.count("\n") + 1) + 0.1
    if legend:
        handles, labels = legend
        labels = [wrap(label, width - 2 * PAD - 0.7) for label in labels]
        bottom += 0.1 + sum(LINE * (label.count("\n") + 1) + 0.3 * FONT / 72 for label in labels)
    height = max(height, math.ceil((top + bottom + PAD + min_plot) * 20) / 20)  # whole pixels at 80 and 100 dpi
    fig.set_size_inches(width, height)
    fig.suptitle(title, x=PAD / width, y=1 - PAD / height, ha="left", va="top", fontsize=FONT)
    if legend:
        fig.legend(handles, labels, loc="lower left", bbox_to_anchor=(PAD / width, PAD / height),
                   fontsize=FONT, frameon=False, borderaxespad=0, borderpad=0, handlelength=1.5)
    fig.subplots_adjust(left=left / width, right=1 - 0.35 / width, bottom=(bottom + PAD) / height, top=1 - top / height)
    ax.tick_params(labelsize=FONT)
    setattr(fig, _DESCRIPTION, words)


def _axis_room(label: str, width: float) -> tuple[float, str]:
    """Height (inches) of an x axis, its tick labels and ``label`` wrapped to ``width``; and the wrapped label."""
    label = wrap(label, width) if label else ""
    return LINE + 0.1 + (LINE * (label.count("\n") + 1) if label else 0), label


def _dollars(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    def fmt(value, _pos):
        sign = "-" if value < 0 else ""
        if abs(value) >= 1e6:
            return f"{sign}${abs(value) / 1e6:,.1f}M"
        return f"{sign}${abs(value) / 1e3:,.0f}k"

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(fmt))
    target.set_major_locator(MaxNLocator(nbins=5 if axis == "y" else 4))


_DOLLAR_TICKS = "-$888k"  # the widest tick label a money axis shows


def _legend(ax):
    """The handles and labels of ``ax``'s labelled artists, for :func:`_frame`."""
    handles, labels = ax.get_legend_handles_labels()
    return (handles, labels) if handles else None


def cash_flow_figure(evaluation, figsize=SIZE):
    """Cumulative discounted cash flow against staying, per option, by age.

    One line per option that differs from staying (the flat zero line is staying);
    a dot marks each option's break-even year. The last point of a line is its expected NPV.
    """
    import numpy as np

    from mlkit.decision.summary import cumulative_flows
    from mlkit.decision.verdict import money

    scenario = evaluation.scenario
    flows = cumulative_flows(evaluation)
    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    ax.axhline(0, color=colour(0), linewidth=1, label="staying")
    ages = scenario.person.age + np.arange(scenario.person.horizon_years)
    said = []
    for index, result in enumerate(evaluation.options):
        if result.is_baseline:
            continue
        ax.plot(ages, flows[result.name], color=colour(index), linewidth=1.8, label=result.name)
        if result.break_even_year is not None:
            year = result.break_even_year - 1
            ax.plot([ages[year]], [flows[result.name][year]], "o", color=colour(index), markersize=5)
            said.append(f"{result.name} breaks even at age {ages[year]:g} and ends at {money(result.npv)}")
        else:
            said.append(f"{result.name} never breaks even and ends at {money(result.npv)}")
    _dollars(ax)
    room, label = _axis_room("age", fig.get_size_inches()[0])
    ax.set_xlabel(label, fontsize=FONT)
    words = (f"Line chart of each option's cumulative discounted cash flow against staying, by age from {ages[0]:g} "
             f"to {ages[-1]:g}: " + "; ".join(said) + ".")
    _frame(fig, ax, "Cumulative discounted cash flow against staying (dot: break-even)",
           left=PAD + text_width(_DOLLAR_TICKS) + 0.1, bottom=room, legend=_legend(ax), words=words)
    return fig


def npv_distribution_figure(simulation, figsize=SIZE, bins: int = 40):
    """The Monte Carlo NPV distribution of every option but staying (step histograms).

    The dashed line at zero separates losing money from gaining it; the legend gives
    each option's chance of losing money.
    """
    import numpy as np

    from mlkit.decision.verdict import money

    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    shown = [(i, o) for i, o in enumerate(simulation.options) if np.ptp(o.npv) > 0 or abs(o.mean) > 1e-6]
    if shown:
        low = min(float(np.percentile(o.npv, 0.5)) for _, o in shown)
        high = max(float(np.percentile(o.npv, 99.5)) for _, o in shown)
        edges = np.linspace(low, high, bins + 1) if high > low else bins
        for index, option in shown:
            ax.hist(option.npv, bins=edges, histtype="step", linewidth=1.6, color=colour(index),
                    label=f"{option.name} (loses money in {option.prob_loss:.0%})", density=True)
    ax.axvline(0, color="#333333", linestyle="--", linewidth=1)
    _dollars(ax, "x")
    ax.set_yticks([])
    room, label = _axis_room("NPV against staying (dashed: no gain, no loss)", fig.get_size_inches()[0] - 2 * PAD)
    ax.set_xlabel(label, fontsize=FONT)
    said = [f"{o.name}: median {money(o.percentiles[50])}, loses money in {o.prob_loss:.0%} of them" for _, o in shown]
    words = (f"Histogram of each option's NPV against staying over {simulation.draws:,} simulated futures: "
             + ("; ".join(said) if said else "no option differs from staying") + ".")
    _frame(fig, ax, f"NPV against staying in {simulation.draws:,} simulated futures (seed {simulation.seed})",
           left=PAD + 0.1, bottom=room, legend=_legend(ax), words=words)
    return fig


def tornado_figure(bars, option: str, base_npv: float, figsize=SIZE, limit: int = 8):
    """Tornado chart of ``option``'s expected NPV: each input moved alone across its range.

    Parameters
    ----------
    bars : list of TornadoBar
        :func:`mlkit.decision.sensitivity` of the scenario.
    option : str
        The option whose NPV is drawn; the inputs shown are the shared ones and this option's own.
    base_npv : float
        The option's expected NPV at the scenario's values (the centre line).
    figsize : (float, float)
        Width and least height in inches; the figure grows taller to give each input's
        label (wrapped to at most 40% of the width) its room.
    limit : int
        At most this many inputs, widest first.
    """
    from matplotlib.patches import Patch

    from mlkit.decision.verdict import format_value, money

    own = [b for b in bars if b.option in (None, option)]
    own.sort(key=lambda b: abs(b.npv_high[option] - b.npv_low[option]), reverse=True)
    own = own[:limit][::-1]  # widest on top
    fig = _new_figure(figsize)
    width = fig.get_size_inches()[0]
    labels = [wrap(f"{b.label} ({format_value(b.input, b.low)} – {format_value(b.input, b.high)})", 0.4 * width) for b in own]
    ax = fig.add_subplot()
    for y, bar in enumerate(own):
        low, high = bar.npv_low[option] - base_npv, bar.npv_high[option] - base_npv
        ax.barh(y, low, left=base_npv, color="#d62728", height=0.6)
        ax.barh(y, high, left=base_npv, color="#1f77b4", height=0.6)
    ax.set_yticks(range(len(own)), labels, fontsize=FONT)
    ax.set_ylim(-0.5, len(own) - 0.5)
    ax.axvline(base_npv, color="#333333", linewidth=1)
    ax.axvline(0, color="#333333", linestyle="--", linewidth=0.8)
    _dollars(ax, "x")
    room, label = _axis_room("expected NPV against staying", width - 2 * PAD)
    ax.set_xlabel(label, fontsize=FONT)
    ax.grid(axis="y", visible=False)
    key = ([Patch(color="#d62728"), Patch(color="#1f77b4")], ["the input at its low end", "the input at its high end"])
    plot = sum(LINE * (text.count("\n") + 1) + 0.12 for text in labels) or 1.0
    left = PAD + (max(text_width(text) for text in labels) if labels else 0) + 0.1
    said = [f"{b.label} from {format_value(b.input, b.low)} to {format_value(b.input, b.high)} moves it from "
            f"{money(b.npv_low[option])} to {money(b.npv_high[option])}" for b in own[::-1]]
    words = (f"Bar chart of what moves the expected NPV of {option} ({money(base_npv)} against staying), "
             "one input at a time, largest first: " + "; ".join(said) + ".")
    _frame(fig, ax, f"What moves the NPV of {option}", left=left, bottom=room, legend=key, min_plot=plot, words=words)
    return fig


def loan_balance_figure(schedules: dict, figsize=SIZE, options: list[str] | None = None):
    """Balance owed over time for each option that borrows (:func:`mlkit.decision.summary.loan_schedules`).

    ``options`` gives the scenario's option names so colours match the other charts.
    """
    from mlkit.decision.verdict import money

    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    order = options or list(schedules)
    if not schedules:
        words = "No option borrows: no loan to repay."
        ax.text(0.5, 0.5, wrap(words, fig.get_size_inches()[0] - 2 * PAD), ha="center", va="center",
                transform=ax.transAxes, fontsize=FONT)
        ax.set_axis_off()
        _frame(fig, ax, "Loan balance over time", left=PAD, bottom=PAD, words=words)
        return fig
    said = []
    for name, schedule in schedules.items():
        index = order.index(name) if name in order else 0
        ax.plot(schedule.years, schedule.balance, color=colour(index), linewidth=1.8,
                label=f"{name} (${schedule.monthly_payment:,.0f}/month)")
        ax.axvline(schedule.repayment_years, color=colour(index), linestyle=":", linewidth=1)
        said.append(f"{name}: at most {money(float(schedule.balance.max()))} owed; repayment starts after "
                    f"{schedule.repayment_years:g} years at ${schedule.monthly_payment:,.0f} a month and ends after "
                    f"{float(schedule.years[-1]):.0f} years")
    _dollars(ax)
    room, label = _axis_room("years since study starts (dotted: repayment starts)", fig.get_size_inches()[0] - 2 * PAD)
    ax.set_xlabel(label, fontsize=FONT)
    words = "Line chart of the loan balance owed over time, in dollars of the day: " + "; ".join(said) + "."
    _frame(fig, ax, "Loan balance owed over time (dollars of the day)",
           left=PAD + text_width(_DOLLAR_TICKS) + 0.1, bottom=room, legend=_legend(ax), words=words)
    return fig


def png_bytes(fig, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (for an image widget or an embedded report image).

    The PNG carries the figure's title and its :func:`description` as text (the ``Title``
    and ``Description`` keywords), so a page can give the image its text alternative.
    """
    title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    metadata = {"Title": " ".join(title.split()), "Description": description(fig)}
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={k: v for k, v in metadata.items() if v})
    return buffer.getvalue()
