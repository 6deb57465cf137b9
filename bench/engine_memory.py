"""100,000 diagnoses in one process: RSS before and after (figures printed, not asserted).

.venv/bin/python bench/engine_memory.py [--count 100000] [--engine durable]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from engine_bench import make_queries, real_kb  # noqa: E402

from mailkb.diagnosis import diagnose  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--engine", choices=("durable", "reference"), default="durable")
    args = parser.parse_args()
    kb, status = real_kb()
    queries = make_queries(kb, 1000, seed=3)
    print(f"# engine memory — {args.count} diagnoses, engine {args.engine}, real KB {status}")
    print(f"RSS after load: {rss_mb():.1f} MB")
    diagnose(queries[0], kb=kb, backend=args.engine)
    print(f"RSS after compile and first query: {rss_mb():.1f} MB")
    marks = {args.count // 10, args.count // 2, args.count}
    start = time.perf_counter()
    for i in range(1, args.count + 1):
        diagnose(queries[i % len(queries)], kb=kb, backend=args.engine)
        if i in marks:
            print(f"RSS after {i:>7} diagnoses: {rss_mb():.1f} MB  ({i / (time.perf_counter() - start):.0f} diagnoses/s)")


if __name__ == "__main__":
    main()
