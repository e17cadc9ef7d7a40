"""`GET /v1/search`: items ranked for a query, with a snippet and why each matched."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query

from casebook.api import examples
from casebook.api.deps import ApiKey, EngineDep, RecorderDep, RequestIdDep
from casebook.api.schemas import SearchResults, error_responses, example_response
from casebook.model import Channel, ItemType, Segment
from casebook.search import Filters
from casebook.search.engine import MAX_K, MAX_QUERY_CHARS
from casebook.search.usage import record_search

router = APIRouter(prefix="/v1", tags=["search"], dependencies=[ApiKey])


@router.get("/search", response_model=SearchResults,
            responses={**example_response(examples.SEARCH_RESPONSE), **error_responses(401, 422, 503)})
def search_items(
    engine: EngineDep,
    recorder: RecorderDep,
    request_id: RequestIdDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, examples=["客户要销号怎么挽留"],
                            description="What to look for, in Chinese or English.")],
    type: Annotated[list[ItemType] | None, Query(description="Only these types (repeatable).")] = None,
    k: Annotated[int, Query(ge=1, le=MAX_K, description="How many results.")] = 10,
    segment: Annotated[list[Segment] | None, Query(description="Only items for these segments.")] = None,
    channel: Annotated[list[Channel] | None, Query(description="Only items for these channels/roles.")] = None,
    tag: Annotated[list[str] | None, Query(description=(
        "Only items with one of these tags: a tag concept id of `GET /v1/vocabulary` (or any of its synonyms)."))] = None,
    situation: Annotated[list[str] | None, Query(description=(
        "Only items for one of these customer situations: a situation concept id of `GET /v1/vocabulary` "
        "(or its label or a synonym), e.g. `cancellation-request`."))] = None,
) -> SearchResults:
    """Hybrid search (BM25 + sentence embeddings) over the library; `low_confidence` says nothing fits.
    An unknown tag or situation is a 422 that names the closest concepts; `request_id` identifies the
    answer for `POST /v1/feedback`."""
    filters = Filters(types=type or [], segments=[s.value for s in segment or []],
                      channels=[c.value for c in channel or []], tags=tag or [], situations=situation or [])
    started = time.perf_counter()
    response = engine.search(q, k=k, filters=filters)
    record_search(recorder, response, request_id=request_id, channel="api", started=started, filters=filters)
    return SearchResults.model_validate({**response.as_dict(), "request_id": request_id})
