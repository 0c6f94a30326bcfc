"""Run every ``benchmarks/bench_*.py`` (or those named) and print their figures.

Each benchmark module has a ``main() -> None`` that prints its own results.
Usage: ``python -m benchmarks [NAME ...]`` (``make bench``).
"""

import importlib
import pkgutil
import sys
from pathlib import Path


def main(names: list[str]) -> int:
    found = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    chosen = [n for n in found if not names or n in names or n.removeprefix("bench_") in names]
    unknown = [n for n in names if n not in found and f"bench_{n}" not in found]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(found)}", file=sys.stderr)
        return 2
    for name in chosen:
        print(f"== {name}", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()
        print(flush=True)
    return 0


sys.exit(main(sys.argv[1:]))
