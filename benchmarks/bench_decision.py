"""The decision model's Monte Carlo: 100,000 draws x every option kind x a 40-year horizon.

Targets (issues 6 and 17): a whole simulation (draws, NPVs, percentiles, chance of loss, chance
of being best) under 250 ms, and within 4x the time of generating the same random draws
alone. Both are timed side by side in this run (best of several repeats), by the wall
clock and by the CPU time of this process (which other programs running at the same time
disturb much less), with the peak memory of one simulation measured by tracemalloc.

Two scenarios, each timed two ways:

- **no loans**: the shipped defaults of every option kind (after tax, career-stage salaries);
- **loans on RAP**: the same, each option borrowing 80% of its cost of attendance (graduate
  programmes on the Repayment Assistance Plan, the others privately), so the land branch's
  loan cost is tabulated over the salary grid;
- **warm**: the same scenario simulated again (its tables already computed: what "Full run"
  costs after the numbers are shown);
- **cold**: the model's tables cleared before each run (:func:`mlkit.decision.cashflows.clear_caches`),
  as for a scenario never seen, e.g. after a change in the workbook; the figures file and tax
  brackets, read once per process, stay loaded.
"""

from __future__ import annotations

import time
import tracemalloc

DRAWS = 100_000
REPEATS = 7
TARGET_MS = 250.0
TARGET_RATIO = 4.0


def scenario(loans: bool = False):
    """A 25-year-old retiring at 65 (40 years) weighing every option kind (borrowing with ``loans``)."""
    from mlkit.decision import Assumptions, Financing, Person, Scenario
    from mlkit.decision.inputs import GRADUATE_KINDS, KINDS
    from mlkit.decision.kinds import make_option

    def option(kind):
        if not loans or kind == "stay":
            return make_option(kind)
        money = Financing(borrow_share=0.8, plan="rap") if kind in GRADUATE_KINDS else Financing(borrow_share=0.8)
        return make_option(kind, financing=money)

    return Scenario(Person(age=25, salary=58_260, retirement_age=65), tuple(option(kind) for kind in KINDS), Assumptions(draws=DRAWS))


def best_of(function, repeats: int = REPEATS, before=None) -> tuple[float, float]:
    """The fastest of ``repeats`` runs in milliseconds: (wall clock, CPU time of this process); ``before`` runs untimed first."""
    wall, cpu = [], []
    for _ in range(repeats):
        if before is not None:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return 1000 * min(wall), 1000 * min(cpu)


def measure() -> dict:
    import numpy as np

    from mlkit.decision import montecarlo, simulate
    from mlkit.decision.cashflows import clear_caches

    scenarios = {"no loans": scenario(False), "loans on RAP": scenario(True)}
    for s in scenarios.values():
        simulate(s, draws=1_000)  # load the figures and imports once
    # The random draws do not depend on the loans: one measurement serves both scenarios.
    first = scenarios["no loans"]
    draws_ms, draws_cpu_ms = best_of(lambda: montecarlo.draw(first, DRAWS, np.random.default_rng(0)), repeats=2 * REPEATS)
    out = {"draws": DRAWS, "draws_ms": draws_ms, "draws_cpu_ms": draws_cpu_ms, "runs": {},
           "options": len(first.options), "years": first.person.horizon_years}
    for name, s in scenarios.items():
        runs = {}
        for how, before in (("warm", None), ("cold", clear_caches)):
            simulate(s, draws=1_000)
            ms, cpu_ms = best_of(lambda: simulate(s, draws=DRAWS, seed=0), before=before)
            runs[how] = {"ms": ms, "cpu_ms": cpu_ms, "ratio": ms / draws_ms, "ratio_cpu": cpu_ms / draws_cpu_ms}
        tracemalloc.start()
        simulate(s, draws=DRAWS, seed=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        runs["peak_mib"] = peak / 2**20
        out["runs"][name] = runs
    return out


def main() -> None:
    r = measure()

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"decision Monte Carlo: {r['draws']:,} draws x {r['options']} options x {r['years']} years (best of {REPEATS})")
    print("                            wall clock    CPU time")
    print(f"  random draws alone       {r['draws_ms']:8.1f} ms  {r['draws_cpu_ms']:8.1f} ms")
    for name, runs in r["runs"].items():
        print(f"{name}:")
        for how in ("warm", "cold"):
            run = runs[how]
            print(
                f"  simulation, {how}        {run['ms']:8.1f} ms  {run['cpu_ms']:8.1f} ms   target < {TARGET_MS:.0f} ms: "
                f"{verdict(run['ms'] < TARGET_MS)} (wall), {verdict(run['cpu_ms'] < TARGET_MS)} (CPU)"
            )
            print(
                f"    / draws alone          {run['ratio']:8.2f} x   {run['ratio_cpu']:8.2f} x    target <= {TARGET_RATIO:.0f}x: "
                f"{verdict(run['ratio'] <= TARGET_RATIO)} (wall), {verdict(run['ratio_cpu'] <= TARGET_RATIO)} (CPU)"
            )
        print(f"  peak memory              {runs['peak_mib']:8.1f} MiB (tracemalloc, one simulation)")

if __name__ == "__main__":
    main()
