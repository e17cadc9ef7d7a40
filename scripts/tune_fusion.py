#!/usr/bin/env python3
"""Grid-search the fusion weights on an eval JSONL and print the best settings (a dev tool).

Signals are computed once per query; only the fusion is repeated, so the grid is cheap.
    .venv/bin/python scripts/tune_fusion.py ../shared/eval/dev.jsonl
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

from casebook.search import Engine
from casebook.search.evaluate import read_queries
from casebook.search.fusion import fuse
from casebook.settings import get_settings


def relevant_rows(engine: Engine, wanted: list[str]) -> set[int]:
    rows = set()
    for row, item in enumerate(engine.items):
        text = (engine.library.root / item.path).read_text(encoding="utf-8")
        if any(s in text for s in wanted):
            rows.add(row)
    return rows


def mrr(order: np.ndarray, relevant: set[int]) -> tuple[float, bool]:
    for rank, row in enumerate(order[:10], start=1):
        if row in relevant:
            return 1 / rank, rank <= 3
    return 0.0, False


def main(path: Path) -> None:
    engine = Engine.open(get_settings())
    rows = [r for r in read_queries(path) if r.get("kind") != "ood"]
    data = []
    for row in rows:
        signals, _ = engine.signals(row["query"])
        data.append((row, signals, relevant_rows(engine, row["relevant_if_contains"])))
    grid = [0.0, 0.1, 0.2, 0.3, 0.45, 0.6]
    results = []
    for wb, wu, we, wa in itertools.product(grid, grid, grid, [0.0, 0.05, 0.1, 0.2]):
        if wb + wu + we == 0:
            continue
        weights = {"bm25": wb, "use": wu, "e5": we, "annotations": wa}
        scores = [mrr(np.argsort(-fuse(s, weights)), rel) for _, s, rel in data]
        by_kind: dict[str, list[float]] = {}
        for (row, _, _), (m, _) in zip(data, scores):
            by_kind.setdefault(row["kind"], []).append(m)
        results.append((np.mean([m for m, _ in scores]), np.mean([h for _, h in scores]), weights,
                        {k: round(float(np.mean(v)), 3) for k, v in by_kind.items()}))
    results.sort(key=lambda r: -r[0])
    for m, h, w, kinds in results[:15]:
        print(f"mrr={m:.3f} hit@3={h:.3f} {w} {kinds}")
    single = {name: [r for r in results if sum(v > 0 for k, v in r[2].items() if k != "annotations") == 1
                     and r[2][name] > 0 and r[2]["annotations"] == 0] for name in ("bm25", "use", "e5")}
    for name, rs in single.items():
        if rs:
            print(f"{name} alone: mrr={rs[0][0]:.3f} hit@3={rs[0][1]:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
