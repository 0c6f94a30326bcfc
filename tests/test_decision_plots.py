"""The workbook's charts: Figures with the expected axes and lines, drawn headless (Agg)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlkit import decision  # noqa: E402
from mlkit.decision.summary import cumulative_flows, loan_schedule, loan_schedules  # noqa: E402
from mlkit.plots import decision as plots  # noqa: E402


@pytest.fixture(scope="module")
def results():
    s = decision.example_scenario()
    return s, decision.evaluate(s), decision.simulate(s, draws=1_000, seed=0), decision.sensitivity(s)


def test_cash_flow_has_a_line_per_option_ending_at_its_npv(results):
    s, e, sim, bars = results
    fig = plots.cash_flow_figure(e)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    lines = {line.get_label(): line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")}
    movers = [r for r in e.options if not r.is_baseline]
    assert set(lines) == {"staying"} | {r.name for r in movers}
    for r in movers:
        x, y = lines[r.name].get_data()
        assert x[0] == s.person.age and len(y) == s.person.horizon_years
        assert y[-1] == pytest.approx(r.npv)
    assert cumulative_flows(e)["Stay"].tolist() == [0.0] * s.person.horizon_years


def test_npv_distribution_has_a_histogram_per_option_and_the_zero_line(results):
    s, e, sim, bars = results
    fig = plots.npv_distribution_figure(sim)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == len(s.options) - 1  # staying has no spread
    bootcamp = sim.option("Full-time bootcamp")
    assert f"Full-time bootcamp (P(loss) {bootcamp.prob_loss:.0%})" in labels
    assert any(line.get_xdata()[0] == 0 for line in ax.get_lines())
    assert "1,000 simulated futures" in ax.get_title(loc="left")


def test_tornado_draws_the_chosen_options_inputs_widest_on_top(results):
    s, e, sim, bars = results
    option = "Full-time bootcamp"
    fig = plots.tornado_figure(bars, option, e.option(option).npv, limit=5)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 5 and len(ax.patches) == 10
    own = sorted((b for b in bars if b.option in (None, option)), key=lambda b: abs(b.npv_high[option] - b.npv_low[option]))
    assert labels[-1].startswith(own[-1].label)
    widths = [abs(ax.patches[2 * i].get_width()) + abs(ax.patches[2 * i + 1].get_width()) for i in range(5)]
    assert widths == sorted(widths)
    assert ax.get_lines()[0].get_xdata()[0] == pytest.approx(e.option(option).npv)


def test_loan_balance_starts_at_the_first_disbursement_and_is_repaid(results):
    s, e, sim, bars = results
    schedules = loan_schedules(s)
    assert list(schedules) == ["In-person master's (CMU-priced)"]
    schedule = schedules["In-person master's (CMU-priced)"]
    summary = e.option("In-person master's (CMU-priced)").loan
    assert schedule.balance[0] == pytest.approx(summary.loans[0].principal + summary.loans[1].principal)
    assert schedule.balance.max() == pytest.approx(summary.balance_at_repayment, rel=1e-3)
    assert schedule.balance[-1] == 0 and np.all(np.diff(schedule.balance[int(schedule.repayment_years * 12):]) <= 1e-6)
    fig = plots.loan_balance_figure(schedules, options=[o.name for o in s.options])
    (line,) = fig.axes[0].get_lines()[:1]
    assert line.get_label().startswith("In-person master's (CMU-priced) ($1,753/month)")
    assert loan_schedule(s.option("Stay"), s.person, s.assumptions) is None


def test_no_loan_is_said_in_words():
    fig = plots.loan_balance_figure({})
    assert not fig.axes[0].axison
    assert "No option borrows" in fig.axes[0].texts[0].get_text()


def test_charts_render_to_png_and_leave_no_pyplot_figure_open(results):
    import matplotlib.pyplot as plt

    s, e, sim, bars = results
    before = plt.get_fignums()
    data = plots.png_bytes(plots.cash_flow_figure(e))
    assert data.startswith(b"\x89PNG") and plt.get_fignums() == before
