"""Charts of the decision workbook, built from the model's results.

Presentation only: every function takes results computed by :mod:`mlkit.decision`
(an :class:`~mlkit.decision.results.Evaluation`, a
:class:`~mlkit.decision.montecarlo.MonteCarloResult`, sensitivity bars, loan schedules)
and returns a :class:`matplotlib.figure.Figure`; nothing is shown and no pyplot figure
is left open, so the functions work headless (Agg) and in tests. matplotlib is imported
when a function is called. :func:`png_bytes` renders a figure for an image widget or a
report.

Every option keeps the same colour in every chart (its position in the scenario).
"""

from __future__ import annotations

import io

PALETTE = ("#4d4d4d", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
SIZE = (6.4, 3.6)


def colour(index: int) -> str:
    """The colour of the option at ``index`` in the scenario."""
    return PALETTE[index % len(PALETTE)]


def _new_figure(figsize=SIZE, left: float = 0.13, bottom: float = 0.15):
    """A Figure not left among pyplot's open figures (see :mod:`mlkit.plots.readiness`).

    Off the main thread (the workbook redraws in a worker thread) pyplot is not
    touched. Margins are fixed rather than computed by a layout engine: a constrained layout
    costs several times the drawing itself, and the workbook redraws on every change.
    """
    import threading

    if threading.current_thread() is threading.main_thread():
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=figsize)
        plt.close(fig)
    else:  # pyplot's global state is not for threads: a bare Figure renders the same
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize)
    fig.subplots_adjust(left=left, right=0.97, bottom=bottom, top=0.9)
    return fig


def _dollars(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    def fmt(value, _pos):
        if abs(value) >= 1e6:
            return f"${value / 1e6:,.1f}M"
        return f"${value / 1e3:,.0f}k"

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def cash_flow_figure(evaluation, figsize=SIZE):
    """Cumulative discounted cash flow against staying, per option, by age.

    One line per option that differs from staying (the flat zero line is staying);
    a dot marks each option's break-even year. The last point of a line is its expected NPV.
    """
    from mlkit.decision.summary import cumulative_flows

    scenario = evaluation.scenario
    flows = cumulative_flows(evaluation)
    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    ax.axhline(0, color=colour(0), linewidth=1, label="staying")
    ages = scenario.person.age + __import__("numpy").arange(scenario.person.horizon_years)
    for index, result in enumerate(evaluation.options):
        if result.is_baseline:
            continue
        ax.plot(ages, flows[result.name], color=colour(index), linewidth=1.8, label=result.name)
        if result.break_even_year is not None:
            year = result.break_even_year - 1
            ax.plot([ages[year]], [flows[result.name][year]], "o", color=colour(index), markersize=4)
    _dollars(ax)
    ax.set_xlabel("age")
    ax.set_ylabel("cumulative, discounted, vs staying")
    ax.set_title("Cumulative cash flow against staying (dot: break-even)", loc="left", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return fig


def npv_distribution_figure(simulation, figsize=SIZE, bins: int = 40):
    """The Monte Carlo NPV distribution of every option but staying (step histograms).

    The dashed line at zero separates losing money from gaining it; the legend gives
    each option's chance of losing money.
    """
    import numpy as np

    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    shown = [(i, o) for i, o in enumerate(simulation.options) if np.ptp(o.npv) > 0 or abs(o.mean) > 1e-6]
    if shown:
        low = min(float(np.percentile(o.npv, 0.5)) for _, o in shown)
        high = max(float(np.percentile(o.npv, 99.5)) for _, o in shown)
        edges = np.linspace(low, high, bins + 1) if high > low else bins
        for index, option in shown:
            ax.hist(option.npv, bins=edges, histtype="step", linewidth=1.6, color=colour(index),
                    label=f"{option.name} (P(loss) {option.prob_loss:.0%})", density=True)
    ax.axvline(0, color="#333333", linestyle="--", linewidth=1)
    _dollars(ax, "x")
    ax.set_yticks([])
    ax.set_xlabel("NPV against staying")
    ax.set_title(f"NPV distribution ({simulation.draws:,} simulated futures, seed {simulation.seed})", loc="left", fontsize=10)
    ax.legend(fontsize=7, loc="upper right", frameon=False)
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
    limit : int
        At most this many inputs, widest first.
    """
    from mlkit.decision.verdict import format_value

    own = [b for b in bars if b.option in (None, option)]
    own.sort(key=lambda b: abs(b.npv_high[option] - b.npv_low[option]), reverse=True)
    own = own[:limit][::-1]  # widest on top
    fig = _new_figure(figsize, left=0.42, bottom=0.17)
    ax = fig.add_subplot()
    for y, bar in enumerate(own):
        low, high = bar.npv_low[option] - base_npv, bar.npv_high[option] - base_npv
        ax.barh(y, low, left=base_npv, color="#d62728", height=0.6)
        ax.barh(y, high, left=base_npv, color="#1f77b4", height=0.6)
    ax.set_yticks(range(len(own)), [f"{b.label} ({format_value(b.input, b.low)} – {format_value(b.input, b.high)})" for b in own], fontsize=8)
    ax.axvline(base_npv, color="#333333", linewidth=1)
    ax.axvline(0, color="#333333", linestyle="--", linewidth=0.8)
    _dollars(ax, "x")
    ax.set_xlabel("expected NPV vs staying (red: input at its low end; blue: at its high end)")
    ax.set_title(f"What moves the NPV of {option}", loc="left", fontsize=10)
    ax.grid(axis="y", visible=False)
    return fig


def loan_balance_figure(schedules: dict, figsize=SIZE, options: list[str] | None = None):
    """Balance owed over time for each option that borrows (:func:`mlkit.decision.summary.loan_schedules`).

    ``options`` gives the scenario's option names so colours match the other charts.
    """
    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    order = options or list(schedules)
    if not schedules:
        ax.text(0.5, 0.5, "No option borrows: no loan to repay.", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    for name, schedule in schedules.items():
        index = order.index(name) if name in order else 0
        ax.plot(schedule.years, schedule.balance, color=colour(index), linewidth=1.8,
                label=f"{name} (${schedule.monthly_payment:,.0f}/month)")
        ax.axvline(schedule.repayment_years, color=colour(index), linestyle=":", linewidth=1)
    _dollars(ax)
    ax.set_xlabel("years since study starts (dotted: repayment starts)")
    ax.set_ylabel("balance owed (nominal)")
    ax.set_title("Loan balance over time", loc="left", fontsize=10)
    ax.legend(fontsize=7, loc="upper right", frameon=False)
    return fig


def png_bytes(fig, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (for an image widget or an embedded report image)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
