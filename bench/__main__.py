"""`make bench`: run every `bench/bench_*.py` module's `main()` in turn, or only those named.

    python -m bench                 # all
    python -m bench formats pull    # bench_formats and bench_pull

Benchmarks report ratios measured in the same run (against bare lxml, a bare FastAPI endpoint,
openssl s_server...), because absolute times on shared machines are noisy.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def bench_modules(selected: list[str]) -> list[str]:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    )
    if selected:
        names = [name for name in names if name.removeprefix("bench_") in selected or name in selected]
    return names


def main(argv: list[str]) -> int:
    for name in bench_modules(argv):
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        sys.argv = [name]  # each bench parses its own options; run them with their defaults
        module.main()
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
