"""The library as a **custom tool** of an assistant builder (Dify's "Create custom tool" from an
OpenAPI schema; any other builder that imports OpenAPI the same way).

`GET /dify/tools/openapi.json` is a small OpenAPI document made for tool use: three read
operations, each with an `operationId` and a description an LLM can choose and fill by, flat
parameters of simple types (Dify's parser, api/core/tools/utils/parser.py, types a parameter only
by its `type` and sends a nested object as a string), `servers` from the request's own base URL
(the Host header, and X-Forwarded-Proto from a trusted proxy as uvicorn's proxy headers give it),
and the key as an HTTP Bearer security scheme. The whole `/openapi.json` is not that: Dify would
make every path a tool, writes included, and it has no `servers`.

Search and recommend are `/v1`'s own route functions called with the flat fields mapped onto
their parameters (so they answer, record and fail as `/v1` does), and get_item reads the item as
the MCP face does; the key is checked as `/dify/retrieval` checks it (`Authorization:
Bearer`, api/dify.py), and refusals have Dify's shape. The document itself is open: Dify fetches
it without the key.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema

from casebook.api.assistant_text import RELEVANCE_NOTE, ItemForAssistant, library_description
from casebook.api.deps import EngineDep, RecorderDep, RequestIdDep, current_engine
from casebook.api.dify import READ_KEY, DifyError, DifyRoute
from casebook.api.routes.recommend import recommend_items
from casebook.api.routes.search import search_items
from casebook.api.schemas import CustomerFields, RecommendRequest, RecommendResponse, SearchResults
from casebook.errors import CasebookError, ItemNotFound
from casebook.loader import Library
from casebook.model import CHANNEL_LABELS, ID_PATTERN, SEGMENT_LABELS, ItemType
from casebook.search.engine import MAX_QUERY_CHARS

PREFIX = "/dify/tools"
MAX_RESULTS = 20  # an assistant reads every result; more only fills its context
# A list field as one string: the LLM writes "固定电话, 宽带" (Chinese or ASCII separators).
SEPARATORS = re.compile(r"[,，、;；\n]")

router = APIRouter(prefix=PREFIX, tags=["dify tools"], route_class=DifyRoute, dependencies=[READ_KEY], responses={
    403: {"model": DifyError, "description": "Malformed Authorization header (1001) or unknown key (1002)."},
    422: {"model": DifyError, "description": "A parameter is invalid; the message names it and says what to send."}})
document_router = APIRouter(prefix=PREFIX, tags=["dify tools"])


RECOMMEND_EXAMPLE: dict[str, Any] = {
    "text": "房东联系不上,租户已经搬走", "segment": "household", "products": "固定电话", "arrears_months": 3,
    "events": "欠费催缴", "channel": "community_manager", "limit": 3}


def _choices(labels: dict[str, str]) -> str:
    return ", ".join(f"{value} ({label})" for value, label in labels.items())


def _described(name: str, extra: str = "") -> str:
    """The description of `/v1/recommend`'s customer field, so both faces say the same."""
    return f"{CustomerFields.model_fields[name].description} {extra}".strip()


class CustomerCall(BaseModel):
    """A customer's situation as flat fields: free text and the simple CRM fields of `/v1/recommend`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [RECOMMEND_EXAMPLE]})

    text: str = Field(default="", max_length=1000, description=(
        "The customer's situation in the user's own words, Chinese or English. Give this, the fields below, or both."))
    segment: str | SkipJsonSchema[None] = Field(default=None, max_length=40, description=_described(
        "segment", f"One of: {_choices(SEGMENT_LABELS)}."))
    products: str = Field(default="", max_length=450, description=_described("products", "Comma-separated."))
    arpu: float | SkipJsonSchema[None] = Field(default=None, description=_described("arpu"))
    tenure_months: int | SkipJsonSchema[None] = Field(default=None, description=_described("tenure_months"))
    arrears_months: int | SkipJsonSchema[None] = Field(default=None, description=_described("arrears_months"))
    events: str = Field(default="", max_length=450, description=_described("events", "Comma-separated."))
    competitor: str | SkipJsonSchema[None] = Field(default=None, max_length=40, description=_described("competitor"))
    channel: str | SkipJsonSchema[None] = Field(default=None, max_length=40, description=_described(
        "channel", f"One of: {_choices(CHANNEL_LABELS)}."))
    notes: str = Field(default="", max_length=500, description=_described("notes"))
    limit: int = Field(default=3, ge=1, le=10, description="Most items per group (cases, theories, scripts).")

    def customer(self) -> CustomerFields:
        """The nested customer of `/v1/recommend`, validated by its own model; a value it refuses is
        a 422 that names this call's field."""
        try:
            return CustomerFields(
                segment=_by_label(self.segment, SEGMENT_LABELS), products=_phrases(self.products),
                arpu=self.arpu, tenure_months=self.tenure_months, arrears_months=self.arrears_months,
                events=_phrases(self.events), competitor=self.competitor or None,
                channel=_by_label(self.channel, CHANNEL_LABELS), notes=self.notes)
        except ValidationError as exc:
            raise RequestValidationError([{**e, "loc": ("body", *e["loc"])}
                                          for e in exc.errors(include_url=False)]) from None


def _phrases(value: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(value) if part.strip()]


def _by_label(value: str | None, labels: dict[str, str]) -> str | None:
    """An id as given, or the id whose Chinese label was given (an LLM often writes 家庭客户)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    return next((key for key, label in labels.items() if label == value), value)


class ToolItem(ItemForAssistant):
    """One item as an assistant reads it: annotations, the Markdown body, links and its page."""

    url: str = Field(description="The item's page, to show the user.")


# --- the operations ------------------------------------------------------------------------------

@router.get("/search", operation_id="search_library", response_model=SearchResults)
def search_library(
    engine: EngineDep,
    recorder: RecorderDep,
    request_id: RequestIdDep,
    query: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description=(
        "What to look for: a question or keywords, Chinese or English."))],
    k: Annotated[int, Query(ge=1, le=MAX_RESULTS, description="How many results (1-20).")] = 5,
    type: Annotated[ItemType | SkipJsonSchema[None], Query(description=(
        "Only this type: `case` (stories and campaign plans), `theory` (concepts and methods) or "
        "`script` (words to say to a customer). Leave empty for all."))] = None,
) -> SearchResults:
    """Search casebook's library of real telecom marketing cases, theories and customer scripts with
    a question or keywords (Chinese or English). Returns the best items with id, title, summary and a
    snippet; read one in full with get_item. Each result has `relevance`, the probability (0-1) that
    it is relevant: trust items above 0.5; `low_confidence: true` means nothing fits, so say so."""
    return search_items(engine, recorder, request_id, q=query, type=[type] if type else None, k=k)


@router.post("/recommend", operation_id="recommend_for_customer", response_model=RecommendResponse)
def recommend_for_customer(
    body: Annotated[CustomerCall, Body(openapi_examples={"arrears": {
        "summary": "A household three months in arrears, landlord unreachable",
        "value": RECOMMEND_EXAMPLE}})],
    engine: EngineDep,
    recorder: RecorderDep,
    request_id: RequestIdDep,
) -> RecommendResponse:
    """For a customer's situation (the user's words in `text`, and any CRM fields known: segment,
    products, arpu, tenure, arrears, events, competitor, channel), the cases that fit, the theories
    that explain them and the scripts to use, each with why and `relevance` (0-1). Use it when the
    user describes a customer; use search_library for a general question."""
    request = RecommendRequest(text=body.text, customer=body.customer(), limit=body.limit)
    return recommend_items(request, engine, recorder, request_id)


@router.get("/items/{item_id}", operation_id="get_item", response_model=ToolItem,
            responses={404: {"model": DifyError, "description": "No item has this id."}})
def get_item(
    engine: EngineDep,
    request: Request,
    item_id: Annotated[str, Path(pattern=ID_PATTERN, max_length=80, description=(
        "An item id from search_library or recommend_for_customer, e.g. case-05-sincere-marketing-arrears-landlord."))],
) -> ToolItem:
    """One case, theory or script in full by id: its Markdown body (Chinese, verbatim from the
    source), annotations, source, linked theories and scripts, the items that link it, and the
    page to show the user."""
    library = engine.library
    item = library.get(item_id)
    if item is None:
        raise ItemNotFound(f"no item has id {item_id!r}; search_library finds ids")
    return ToolItem.of(item, library, url=f"{str(request.base_url).rstrip('/')}/items/{item.id}")


# --- the document --------------------------------------------------------------------------------

@document_router.get("/openapi.json", summary="The tool document: OpenAPI 3 for an assistant builder")
def tool_document(request: Request) -> dict[str, Any]:
    """An OpenAPI 3.1 document of the three read operations above, with `servers` set to this
    server as the request reached it: paste its URL into Dify's Tools -> Custom -> Create custom
    tool (Import from URL), then set the key as `Authorization: Bearer`. Open, like `/openapi.json`."""
    base = str(request.base_url).rstrip("/")
    operations = _operations(request.app.version)
    return {"openapi": operations["openapi"],
            "info": {**operations["info"], "description": _about(request)},
            "servers": [{"url": base}], **{k: v for k, v in operations.items() if k not in ("openapi", "info")}}


@cache
def _operations(version: str) -> dict[str, Any]:
    """The document without its server and counts: made once per process (it takes FastAPI ~0.1 s)."""
    return get_openapi(title="casebook", version=version, routes=router.routes)


def _about(request: Request) -> str:
    library: Library | None
    try:
        library = current_engine(request).library
    except CasebookError:  # still loading: the document is still right, only without the counts
        library = None
    return (f"{library_description(library)} Use search_library for a question, recommend_for_customer "
            f"for a customer's situation, get_item to read one item. {RELEVANCE_NOTE}")
