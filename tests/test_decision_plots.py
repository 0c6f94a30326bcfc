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
    labels = [t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts()]
    assert len(labels) == len(s.options) - 1  # staying has no spread
    bootcamp = sim.option("Full-time bootcamp")
    assert f"Full-time bootcamp (loses money in {bootcamp.prob_loss:.0%})" in labels
    assert any(line.get_xdata()[0] == 0 for line in ax.get_lines())
    assert "1,000 simulated futures" in fig.get_suptitle().replace("\n", " ")


def test_tornado_draws_the_chosen_options_inputs_widest_on_top(results):
    s, e, sim, bars = results
    option = "Full-time bootcamp"
    fig = plots.tornado_figure(bars, option, e.option(option).npv, limit=5)
    ax = fig.axes[0]
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
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


def _charts(results):
    s, e, sim, bars = results
    option = "Online part-time master's"
    return {
        "cash flow": plots.cash_flow_figure(e),
        "NPV distribution": plots.npv_distribution_figure(sim),
        "tornado": plots.tornado_figure(bars, option, e.option(option).npv),
        "loan balance": plots.loan_balance_figure(loan_schedules(s), options=[o.name for o in s.options]),
        "no loan": plots.loan_balance_figure({}),
    }


def _drawn_texts(fig):
    """The figure drawn once (Agg): every piece of text it holds with its box in pixels, and the box of all it drew."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return fig.get_tightbbox(renderer), [(t, t.get_window_extent(renderer)) for t in texts]


@pytest.mark.parametrize("name", ["cash flow", "NPV distribution", "tornado", "loan balance", "no loan"])
def test_every_chart_reads_on_a_phone(results, name):
    """Shown PHONE_CHART_PX wide, every text is at least MIN_TEXT_PX high (no text below FONT), and all the chart draws lies inside it."""
    fig = _charts(results)[name]
    width, height = fig.get_size_inches()
    drawn, texts = _drawn_texts(fig)
    assert len(texts) >= 2
    assert plots.FONT / 72 * plots.PHONE_CHART_PX / plots.SIZE[0] >= plots.MIN_TEXT_PX
    for text, _ in texts:
        assert text.get_fontsize() >= plots.FONT, f"{text.get_text()!r} is set smaller than the charts' font"
    assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height, \
        f"the chart draws outside its {width:.2f}×{height:.2f} in figure: {drawn.extents}"
    assert fig.get_suptitle() and all(box.x1 <= fig.bbox.width for t, box in texts if t is fig._suptitle)


def test_tornado_labels_wrap_and_never_overlap(results):
    s, e, sim, bars = results
    option = "Online part-time master's"
    fig = plots.tornado_figure(bars, option, e.option(option).npv)
    _, texts = _drawn_texts(fig)
    ax = fig.axes[0]
    shown = set(ax.get_yticklabels())
    labels = [box for text, box in texts if text in shown]
    assert len(labels) == 8
    assert any("\n" in t.get_text() for t in ax.get_yticklabels()), "no long label was wrapped"
    ordered = sorted(labels, key=lambda box: box.y0)
    for below, above in zip(ordered, ordered[1:]):
        assert below.y1 <= above.y0 + 0.5, "two input labels overlap"
    assert min(box.x0 for box in labels) >= 0 and max(box.x1 for box in labels) <= ax.bbox.x0


def test_text_width_and_wrap_measure_the_font():
    assert plots.text_width("iiii") < plots.text_width("WWWW")
    assert plots.text_width("a b", size=20) == pytest.approx(2 * plots.text_width("a b", size=10), rel=0.02)
    text = "what moves the expected net present value of this option"
    wrapped = plots.wrap(text, 1.5)
    assert wrapped.replace("\n", " ") == text and wrapped.count("\n") >= 2
    assert all(plots.text_width(line) <= 1.5 for line in wrapped.split("\n"))
    assert plots.wrap("unbreakablewordlongerthanthewidth", 0.5) == "unbreakablewordlongerthanthewidth"


def test_each_chart_describes_what_it_shows_and_its_png_carries_it(results):
    import io

    from PIL import Image

    from mlkit.decision.verdict import money

    s, e, sim, bars = results
    charts = _charts(results)
    cash = plots.description(charts["cash flow"])
    for r in e.options:
        if not r.is_baseline:
            assert f"{r.name} " in cash and money(r.npv) in cash, r.name
    npv = plots.description(charts["NPV distribution"])
    assert "1,000 simulated futures" in npv
    assert f"loses money in {sim.option('Full-time bootcamp').prob_loss:.0%}" in npv
    tornado = plots.description(charts["tornado"])
    option = "Online part-time master's"
    own = sorted((b for b in bars if b.option in (None, option)), key=lambda b: -abs(b.npv_high[option] - b.npv_low[option]))
    at = [tornado.index(f"; {b.label} from " if i else f": {b.label} from ") for i, b in enumerate(own[:8])]
    assert at == sorted(at), "the inputs are not described widest first"
    assert money(own[0].npv_low[option]) in tornado and money(e.option(option).npv) in tornado
    assert "$1,753 a month" in plots.description(charts["loan balance"])
    assert plots.description(charts["no loan"]) == "No option borrows: no loan to repay."
    for name, fig in charts.items():
        image = Image.open(io.BytesIO(plots.png_bytes(fig)))
        assert image.text["Description"] == plots.description(fig), name
        assert image.text["Title"] == " ".join(fig.get_suptitle().split()), name
