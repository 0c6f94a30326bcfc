"""Peak memory of each available unit's notebooks, to size a JupyterHub's per-user limits.

Each notebook runs top to bottom in a fresh kernel (nbclient, in a child
process); once the kernel has exited and been reaped, that child reads
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the largest resident set of
the kernel over its life. The figures go into ``deploy/README.md`` and
the README's "For instructors" section.

Usage: ``python -m benchmarks notebook_memory`` (``benchmarks/bench_notebook_memory.py``);
``MLKIT_BENCH_UNITS=nlp,deep-learning`` measures those units only. Each row also gives the
processor time of the kernel (user and system): on a busy machine it stays close to what an idle
one would take, while the wall time grows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
sys.modules.setdefault("rfc3987_syntax", None)
from mlkit.course.notebook_store import execute
start = time.monotonic()
execute(Path(sys.argv[1]), timeout=900)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"peak_mb": used.ru_maxrss / 1024, "seconds": time.monotonic() - start,
                  "cpu_seconds": used.ru_utime + used.ru_stime}))
"""


def notebooks() -> list[tuple[str, Path]]:
    """(unit id, notebook) for every notebook of the catalogue that exists in this checkout."""
    sys.path.insert(0, str(ROOT))
    from mlkit.course import curriculum

    wanted = set(filter(None, os.environ.get("MLKIT_BENCH_UNITS", "").split(",")))
    found = []
    for unit in curriculum.units():
        if wanted and unit.id not in wanted:
            continue
        for rel in unit.notebooks:
            if (ROOT / rel).is_file():
                found.append((unit.id, ROOT / rel))
    return found


def measure(path: Path) -> dict:
    """Peak kernel memory (MB) and run time of one notebook in a fresh kernel."""
    with tempfile.TemporaryDirectory(prefix="mlkit-mem-") as home:
        env = {**os.environ, "MLKIT_HOME": home, "MPLBACKEND": "Agg"}
        done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, env=env, cwd=ROOT)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    jobs = int(os.environ.get("MLKIT_BENCH_JOBS", "2"))
    found = notebooks()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda item: measure(item[1]), found))
    peaks = []
    print(f"{'unit':<28} {'notebook':<42} {'peak MB':>8} {'seconds':>8} {'CPU s':>8}")
    for (unit, path), result in zip(found, results):
        rel = str(path.relative_to(ROOT))
        if "error" in result:
            print(f"{unit:<28} {rel:<42} {'failed':>8}  {result['error']}")
            continue
        peaks.append(result["peak_mb"])
        print(f"{unit:<28} {rel:<42} {result['peak_mb']:8.0f} {result['seconds']:8.1f} {result['cpu_seconds']:8.1f}")
    if peaks:
        print(f"largest peak: {max(peaks):.0f} MB over {len(peaks)} notebook(s) ({time.monotonic() - started:.0f} s)")
