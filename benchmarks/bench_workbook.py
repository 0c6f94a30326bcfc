"""The decision workbook's update latency: from a changed input to redrawn results, headless.

One update of the workbook (``mlkit.widgets.decision.DecisionWorkbook``) has two stages:

- **numbers**: validate the inputs, evaluate every option, run the interactive Monte Carlo
  (2,000 draws), rebuild the results table and the headline, and redraw the chart on the
  open tab (a PNG swapped into an image widget) — what the person waits for; target about
  0.3 s (issue 7);
- **drivers**: the one-at-a-time sensitivity with its switch points, the verdict naming
  them and the tornado chart — it follows in the worker thread, with its own note.

Each stage is timed over ``CHANGES`` changes of the tuition of the example scenario's
in-person master's, for each chart tab, by the wall clock and by this process's CPU time
(which other work on a shared machine disturbs less): median and 95th percentile. The
debounce delay (0.1 s by default) comes on top of the numbers stage.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

CHANGES = 20
TARGET_S = 0.3


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _time(function) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    os.environ.setdefault("MLKIT_HOME", tempfile.mkdtemp(prefix="mlkit-bench-"))
    from mlkit.decision.store import ScenarioStore
    from mlkit.widgets.decision import CHARTS, DecisionWorkbook

    app = DecisionWorkbook(store=ScenarioStore(tempfile.mkdtemp()), prior=None, background=False)
    app.option_picker.value = "In-person master's (CMU-priced)"
    print(f"workbook update latency, example scenario ({len(app.scenario.options)} options), "
          f"{app.draws:,} Monte Carlo draws while editing, {CHANGES} changes per row")
    print(f"{'stage':<32}{'wall median':>12}{'wall p95':>10}{'cpu median':>12}{'cpu p95':>10}")
    rows = []
    for chart in CHARTS:
        app.charts.selected_index = CHARTS.index(chart)
        wall, cpu = [], []
        for i in range(CHANGES):
            # the value a changed control records; the stage is then timed alone
            app.values[(app.chosen, "tuition_per_year")] = 40_000.0 + 1_000 * (i % 10)
            if chart == "Tornado":
                w, c = _time(lambda: (app.update_numbers(), app.update_drivers()))
            else:
                w, c = _time(app.update_numbers)
            wall.append(w)
            cpu.append(c)
        label = f"numbers + {chart.lower()}" + (" (+ drivers)" if chart == "Tornado" else "")
        rows.append((label, wall, cpu))
    wall, cpu = [], []
    for i in range(max(3, CHANGES // 4)):
        app.values[(app.chosen, "tuition_per_year")] = 40_000 + 1_000 * i
        app.update_numbers()
        w, c = _time(app.update_drivers)
        wall.append(w)
        cpu.append(c)
    rows.append(("drivers (sensitivity, verdict)", wall, cpu))
    for label, wall, cpu in rows:
        print(f"{label:<32}{statistics.median(wall):>11.3f}s{percentile(wall, 95):>9.3f}s"
              f"{statistics.median(cpu):>11.3f}s{percentile(cpu, 95):>9.3f}s")
    numbers = [w for label, wall, _ in rows[:2] + rows[3:4] for w in wall]
    print(f"numbers stage (cash flow, NPV distribution, loan tabs): wall median {statistics.median(numbers):.3f} s, "
          f"p95 {percentile(numbers, 95):.3f} s; target about {TARGET_S} s plus the 0.1 s debounce")


if __name__ == "__main__":
    main()
