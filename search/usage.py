"""Answers as events: a search or a recommendation, turned into the `Ask` the event store records.

Every face (API, pages, CLI, MCP) records what it answered through these two functions, so the
store sees the same shape whoever asked. Recording never raises: an event that cannot be built
is logged and skipped, and the answer goes out regardless.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from typing import TYPE_CHECKING

from casebook.events import Ask, NullRecorder, Recorder, Returned
from casebook.search.hits import SearchResponse

if TYPE_CHECKING:
    from casebook.search.filters import Filters
    from casebook.search.recommend import CustomerSituation, Recommendation

log = logging.getLogger("casebook.events")
GROUPS = ("cases", "theories", "scripts")


def record_search(recorder: Recorder | NullRecorder, response: SearchResponse, *, request_id: str, channel: str,
                  started: float, filters: Filters | None = None) -> None:
    """Record a search answer; `started` is the `time.perf_counter()` taken before the search."""
    if not recorder.enabled:
        return
    try:
        wanted = {k: v for k, v in asdict(filters).items() if v} if filters is not None else {}
        recorder.record(Ask(
            request_id=request_id, kind="search", channel=channel, query=response.query, text=response.query,
            returned=[Returned(h.id, rank, "results", h.score) for rank, h in enumerate(response.results, start=1)],
            low_confidence=response.low_confidence, latency_ms=_since(started), filters=wanted or None))
    except Exception:
        log.exception("could not record search %s", request_id)


def record_recommendation(recorder: Recorder | NullRecorder, result: Recommendation,
                          situation: CustomerSituation, *, request_id: str, channel: str, started: float) -> None:
    """Record a recommendation with the customer fields it was given (masked when stored)."""
    if not recorder.enabled:
        return
    try:
        fields = situation.model_dump(exclude={"text"}, exclude_defaults=True)
        returned = [Returned(r.id, rank, group, r.score)
                    for group in GROUPS for rank, r in enumerate(getattr(result, group), start=1)]
        recorder.record(Ask(
            request_id=request_id, kind="recommend", channel=channel, query=result.query, text=situation.text,
            customer=fields or None, returned=returned, low_confidence=result.low_confidence,
            latency_ms=_since(started)))
    except Exception:
        log.exception("could not record recommendation %s", request_id)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
