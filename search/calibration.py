"""Relevance: the probability that a hit is relevant, from the signals the engine computes anyway.

Two logistic regressions, multiplied:
- `domain`: the probability that the library answers the query at all, from how well its best
  items match (each signal's best score and how far it stands out, the best fused score, whether
  the query is Chinese, how many concepts and annotation phrases it names);
- `item`: the probability that this hit is a relevant one when the library does answer, from the
  hit's own scores (fused score and its gap to the best, rank, each signal's z-score and score).
`scripts/calibrate.py` fits both on labelled queries (in the domain, with the items that answer
them; out of the domain, with none) and writes the coefficients to `data/calibration.json`; here
they are applied with numpy only. `low_confidence` is the best relevance among the answers
falling below the threshold stored beside them (the file holds one per query language; the
current fit gives both the same).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_PATH = Path(__file__).parent / "data" / "calibration.json"
SIGNALS = ("bm25", "use", "e5")


@dataclass(frozen=True)
class QuerySignals:
    """What the engine computed for one query: raw scores, z-scores and fused score of every item."""

    signals: dict[str, np.ndarray]
    z: dict[str, np.ndarray]
    fused: np.ndarray
    chinese: bool
    matched: int  # vocabulary concepts and other annotation phrases the query names


def hit_features(q: QuerySignals, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Named feature columns for the items at `rows` (a signal a query lacks counts as 0)."""
    rows = np.asarray(rows, dtype=np.int64)
    fused = q.fused[rows]
    top = float(q.fused.max()) if q.fused.size else 0.0
    chinese = float(q.chinese)
    out: dict[str, np.ndarray] = {
        "fused": fused,
        "fused_best": np.full(len(rows), top),
        "gap": top - fused,
        "log_rank": np.log1p(np.array([(q.fused > f).sum() for f in fused], dtype=np.float64)),
        "chinese": np.full(len(rows), chinese),
        "matched": np.full(len(rows), np.log1p(q.matched)),
        "annotations": q.signals["annotations"][rows] if "annotations" in q.signals else np.zeros(len(rows)),
    }
    for name in SIGNALS:
        values, z = q.signals.get(name), q.z.get(name)
        present = values is not None and values.size > 0
        raw = values[rows] if present else np.zeros(len(rows))
        best = float(values.max()) if present else 0.0
        if name == "bm25":  # BM25 scores are unbounded and skewed; their logarithm is closer to linear
            raw, best = np.log1p(raw), float(np.log1p(best))
        out[name] = raw
        out[f"{name}_z"] = z[rows] if present else np.zeros(len(rows))
        out[f"{name}_best"] = np.full(len(rows), best)
        out[f"{name}_best_z"] = np.full(len(rows), float(z.max()) if present else 0.0)
        # Cosines of English queries against the Chinese library sit lower than Chinese ones.
        out[f"{name}_best_zh"] = out[f"{name}_best"] * chinese
    return out


@dataclass(frozen=True)
class Logistic:
    """A logistic regression over named, standardised feature columns."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        x = np.column_stack([columns[name] for name in self.features])
        logit = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -40, 40)))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logistic:
        return cls(features=tuple(data["features"]), mean=np.array(data["mean"], dtype=np.float64),
                   scale=np.array(data["scale"], dtype=np.float64), coef=np.array(data["coef"], dtype=np.float64),
                   intercept=float(data["intercept"]))


@dataclass(frozen=True)
class Calibration:
    """The fitted domain and item models, the low-confidence thresholds and the fit's report."""

    domain: Logistic
    item: Logistic
    thresholds: dict[str, float]  # by query language, "zh" (the query has Chinese) or "en"
    report: dict[str, Any] = field(default_factory=dict)

    def relevance(self, q: QuerySignals, rows: np.ndarray) -> np.ndarray:
        """The probability that each item at `rows` is relevant to the query."""
        return self.probability(hit_features(q, rows)) if len(rows) else np.zeros(0)

    def probability(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        """P(the library answers the query) x P(this hit is relevant | it does), per row of `columns`."""
        return self.domain.probability(columns) * self.item.probability(columns)

    def threshold(self, chinese: bool) -> float:
        return self.thresholds["zh" if chinese else "en"]

    def is_low(self, relevances: np.ndarray | list[float], chinese: bool) -> bool:
        """True when no answer is relevant enough to show without a warning."""
        return len(relevances) == 0 or float(np.max(relevances)) < self.threshold(chinese)

    def to_json(self) -> dict[str, Any]:
        return {"domain": self.domain.to_json(), "item": self.item.to_json(),
                "thresholds": {lang: round(t, 4) for lang, t in self.thresholds.items()}, "report": self.report}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Calibration:
        return cls(domain=Logistic.from_json(data["domain"]), item=Logistic.from_json(data["item"]),
                   thresholds={lang: float(t) for lang, t in data["thresholds"].items()},
                   report=data.get("report", {}))

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)


@cache
def load_calibration(path: Path = DEFAULT_PATH) -> Calibration:
    """The calibration shipped with the engine (or another file of the same shape)."""
    return Calibration.from_json(json.loads(path.read_text(encoding="utf-8")))
