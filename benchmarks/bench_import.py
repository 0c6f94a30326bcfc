"""How long ``import mlkit`` takes, against a bare ``python -c pass``.

Each figure is the median of repeated fresh interpreter starts, so it includes
interpreter start-up; the difference is what importing the kit costs.
"""

import statistics
import subprocess
import sys
import time

RUNS = 15


def _median_seconds(code: str, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure() -> dict[str, float]:
    """Median wall times in milliseconds for a bare start, ``import mlkit`` and the CLI's parser."""
    bare = _median_seconds("pass")
    kit = _median_seconds("import mlkit")
    cli = _median_seconds("from mlkit.cli import build_parser; build_parser()")
    return {"bare_ms": bare * 1000, "import_ms": kit * 1000, "cli_ms": cli * 1000}


def main() -> None:
    figures = measure()
    print(f"python -c pass                  {figures['bare_ms']:7.1f} ms (median of {RUNS})")
    print(f"python -c 'import mlkit'        {figures['import_ms']:7.1f} ms  (+{figures['import_ms'] - figures['bare_ms']:.1f} ms)")
    print(f"mlkit command-line parser       {figures['cli_ms']:7.1f} ms  (+{figures['cli_ms'] - figures['bare_ms']:.1f} ms)")
