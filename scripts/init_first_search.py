#!/usr/bin/env python3
"""The first search of a library made by `casebook init`, with and without the seeded index.

    .venv/bin/python scripts/init_first_search.py [--seeded 3] [--unseeded 1]

Each run makes a library with `casebook init` in a temporary folder and times `casebook search`
in it, as a newcomer runs them (subprocesses, a cold model cache in the new library). `unseeded`
deletes the index `init` copied before searching: what `init` did before it seeded the index, so
the search builds the index from nothing. The built-in library's index must exist (any search of
it builds it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = "客户要销号怎么挽留"
CASEBOOK = [sys.executable, "-m", "casebook"]


def timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*CASEBOOK, *args], check=True, capture_output=True, text=True, timeout=1800)
    return time.perf_counter() - started


def one_run(seeded: bool) -> tuple[float, float]:
    """(seconds of `casebook init`, seconds of the first search) in a fresh library."""
    with tempfile.TemporaryDirectory(prefix="casebook-init-") as tmp:
        folder = Path(tmp) / "ours"
        init = timed("init", str(folder))
        if not seeded:
            shutil.rmtree(folder / ".casebook" / "index")
        return init, timed("search", QUERY, "-k", "3", "--library", str(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeded", type=int, default=3, help="runs with the index init seeds")
    parser.add_argument("--unseeded", type=int, default=1, help="runs without it (each encodes every passage)")
    args = parser.parse_args()
    env_note = os.environ.get("CASEBOOK_ENCODERS", "use,e5")
    print(f"encoders {env_note}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    print("| index of the new library | runs | `casebook init` s | first `casebook search` s (median, min-max) |")
    print("|---|---|---|---|")
    for label, seeded, runs in (("built on first search (before)", False, args.unseeded),
                                ("seeded by init (after)", True, args.seeded)):
        if not runs:
            continue
        times = [one_run(seeded) for _ in range(runs)]
        inits, searches = [t[0] for t in times], [t[1] for t in times]
        print(f"| {label} | {runs} | {statistics.median(inits):.1f} | {statistics.median(searches):.1f} "
              f"({min(searches):.1f}-{max(searches):.1f}) |")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
