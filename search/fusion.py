"""Fusing signals: a convex combination of per-query z-scored scores over each signal's top list.

Plain reciprocal-rank fusion with equal weights lets weak signals drag the strongest one down
(../shared/eval/FINDINGS.md); z-scores keep how far ahead a signal's best answer is.
"""

from __future__ import annotations

import numpy as np

TOP = 100  # each signal contributes its top TOP items; the rest take its TOP-th score


def zscores(scores: np.ndarray, top: int = TOP) -> np.ndarray:
    """Per-query z-scores of a signal over all items, with items outside its top list floored."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.size == 0:
        return scores
    top = min(top, scores.size)
    # Most entries sit at the signal's minimum (items a dense search did not reach, documents
    # without a query word); partitioning only the others avoids introselect's slow path on ties.
    low = scores.min()
    above = scores[scores > low]
    if above.size >= top:
        head = np.partition(above, above.size - top)[above.size - top:]
    else:
        head = np.concatenate([above, np.full(top - above.size, low)])
    floor = head.min()
    clipped = np.maximum(scores, floor)
    spread = head.std()
    if spread < 1e-9:
        return np.zeros_like(scores)
    return (clipped - head.mean()) / spread


def zscored(signals: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every signal's per-query z-scores (fusion and the relevance calibration both read them)."""
    return {name: zscores(values) for name, values in signals.items()}


def combine(z: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Weighted sum of z-scored signals, weights renormalised over the signals present."""
    present = {name: w for name, w in weights.items() if name in z and w > 0}
    total = sum(present.values()) or 1.0
    fused = None
    for name, weight in present.items():
        part = (weight / total) * z[name]
        fused = part if fused is None else fused + part
    if fused is None:
        size = len(next(iter(z.values()))) if z else 0
        return np.zeros(size)
    return fused


def fuse(signals: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Weighted sum of the z-scored signals, weights renormalised over the signals present."""
    return combine(zscored(signals), weights)
