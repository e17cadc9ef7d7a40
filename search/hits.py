"""What a search returns: small typed records, turned into the JSON shape by `as_dict`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Why:
    """Why an item was returned: each signal's rank and score, the words and annotations matched."""

    signals: dict[str, dict[str, float]]
    matched_terms: list[str] = field(default_factory=list)
    matched_annotations: list[str] = field(default_factory=list)


@dataclass
class Hit:
    id: str
    type: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    score: float  # the fused score: orders the hits of one query, not comparable across queries
    relevance: float  # calibrated probability in [0, 1] that the item is relevant (search/calibration.py)
    path: str
    snippet: str
    why: Why


@dataclass
class SearchResponse:
    query: str
    low_confidence: bool  # the best relevance among the results is below the calibrated threshold
    results: list[Hit]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
