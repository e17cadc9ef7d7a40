"""The MCP face: the library as tools and resources for assistants (Model Context Protocol).

`create_server(library, engine)` builds one `MCPServer` (the official `mcp` SDK) whose tools call
the same library functions as `/v1`: the engine's search, recommend, the item lookup. It is served
over stdio by `casebook mcp` (desktop clients spawn it) and over streamable HTTP at `/mcp` by
`casebook serve` (`mount`), where the `X-API-Key` check of `/v1` applies too (api/middleware.py).

Every tool has typed inputs and returns a pydantic model, so the SDK publishes its outputSchema
and a client gets `structuredContent` beside the JSON text.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError, UnexpectedToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field, ValidationError
from starlette.routing import Route

from casebook.api.assistant_text import RELEVANCE_NOTE, ItemForAssistant, library_description
from casebook.api.schemas import CustomerFields, RecommendResponse, SearchResults
from casebook.errors import CasebookError, UnknownConcept
from casebook.events import NullRecorder, Recorder
from casebook.loader import Library
from casebook.model import CHANNEL_LABELS, SEGMENT_LABELS, Channel, ItemType, Segment
from casebook.search import Engine, Filters
from casebook.search.engine import MAX_QUERY_CHARS
from casebook.search.recommend import CustomerSituation, recommend
from casebook.search.usage import record_recommendation, record_search
from casebook.settings import Settings

log = logging.getLogger("casebook.mcp")

PATH = "/mcp"
ITEM_URI = "casebook://items/{item_id}"
MAX_RESULTS = 20  # an assistant reads every result; more only fills its context
EngineSource = Callable[[], Engine]
RecorderSource = Callable[[], Recorder | NullRecorder]
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)


class McpItem(ItemForAssistant):
    """One item as an MCP client reads it: also its file and its resource URI."""

    path: str = Field(description="The item's file in the library.")
    resource: str = Field(description="The item's MCP resource URI (the whole Markdown file).")


class Choice(BaseModel):
    value: str = Field(description="What to pass in the filter.")
    label: str = Field(description="Chinese label (the value itself when it is already Chinese).")
    count: int = Field(description="Items that carry it.")


class FilterChoices(BaseModel):
    """What search and recommend can be narrowed by, with how many items carry each value."""

    types: list[Choice]
    segments: list[Choice]
    channels: list[Choice]
    situations: list[Choice] = Field(description="Customer situations, short Chinese phrases, most used first.")
    tags: list[Choice] = Field(description="English keywords, most used first.")
    products: list[Choice] = Field(description="Products and programmes named, most used first.")


class CasebookMCPServer(MCPServer):
    """The SDK's server, with a refusal of a tool's arguments in words an assistant can act on: one
    `field: what is wrong` per problem, without pydantic's header and its documentation links."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
                                 for e in cause.errors(include_url=False))
            raise ToolError(f"Error executing tool {name}: invalid arguments: {problems}") from cause


def unknown_concept_message(exc: UnknownConcept) -> str:
    """The engine's message points to `GET /v1/vocabulary`, which an MCP client cannot call."""
    listed = f"call list_filters for the {exc.kind}s the library uses"
    if not exc.closest:
        return f"unknown {exc.kind} {exc.value!r}: {listed}."
    return f"unknown {exc.kind} {exc.value!r}; the closest are {', '.join(exc.closest)}: pass one of them, or {listed}."


def create_server(library: Library | None, engine: EngineSource, recorder: RecorderSource = NullRecorder) -> MCPServer:
    """The MCP server over `library`; `engine()` gives the engine to answer with (it may block
    until the index is loaded, or raise CasebookError when it cannot be); searches and
    recommendations are recorded to `recorder()` (channel `mcp`) under their `request_id`."""
    about = library_description(library)
    server = CasebookMCPServer("casebook", title="casebook marketing case library", version="1.0.0", log_level="WARNING",
                       instructions=f"{about} Use `search` for a question, `recommend` for a customer's "
                                    f"situation, `get_item` to read one item. {RELEVANCE_NOTE}")

    def current() -> Engine:
        try:
            return engine()
        except CasebookError as exc:
            raise ToolError(str(exc)) from exc

    def search(
        query: Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS,
                                    description="What to look for, Chinese or English.")],
        k: Annotated[int, Field(ge=1, le=MAX_RESULTS, description="How many results.")] = 5,
        types: Annotated[list[ItemType] | None, Field(description="Only these types.")] = None,
        segments: Annotated[list[Segment] | None, Field(description="Only items for these customer segments.")] = None,
        channels: Annotated[list[Channel] | None, Field(description="Only items for these roles/channels.")] = None,
        situations: Annotated[list[str] | None, Field(description=(
            "Only items for one of these customer situations: the Chinese label of a situation (申请销号; "
            "list_filters lists those in use), or any synonym of it, Chinese or English (销户, cancellation)."))] = None,
        tags: Annotated[list[str] | None, Field(description=(
            "Only items with one of these tags: an English tag of list_filters (retention), or a synonym."))] = None,
    ) -> SearchResults:
        filters = Filters(types=list(types or []), segments=[_value(s) for s in segments or []],
                          channels=[_value(c) for c in channels or []], situations=list(situations or []),
                          tags=list(tags or []))
        request_id, started = uuid.uuid4().hex, time.perf_counter()
        try:
            found = current().search(query, k=k, filters=filters)
        except UnknownConcept as exc:
            raise ToolError(unknown_concept_message(exc)) from exc
        except CasebookError as exc:
            raise ToolError(str(exc)) from exc
        record_search(recorder(), found, request_id=request_id, channel="mcp", started=started, filters=filters)
        return SearchResults.model_validate({**found.as_dict(), "request_id": request_id})

    def recommend_for(
        text: Annotated[str, Field(max_length=1000, description="The customer's situation in free text.")] = "",
        customer: Annotated[CustomerFields | None, Field(description="What the CRM knows about the customer.")] = None,
        limit: Annotated[int, Field(ge=1, le=10, description="Most items per group.")] = 3,
    ) -> RecommendResponse:
        situation = CustomerSituation(text=text, **(customer or CustomerFields()).model_dump())
        request_id, started = uuid.uuid4().hex, time.perf_counter()
        try:
            result = recommend(current(), situation, cases=limit, theories=limit, scripts=limit)
        except CasebookError as exc:
            raise ToolError(str(exc)) from exc
        record_recommendation(recorder(), result, situation, request_id=request_id, channel="mcp", started=started)
        return RecommendResponse.model_validate({**result.as_dict(), "request_id": request_id})

    def get_item(item_id: Annotated[str, Field(max_length=80, description=(
            "An item id from search or recommend, e.g. case-05-sincere-marketing-arrears-landlord."))]) -> McpItem:
        lib = current().library
        item = lib.get(item_id)
        if item is None:
            raise ToolError(f"no item has id {item_id!r}; search finds ids")
        return McpItem.of(item, lib, path=item.path, resource=ITEM_URI.format(item_id=item.id))

    def list_filters() -> FilterChoices:
        return filter_choices(current().library)

    server.add_tool(search, name="search", title="Search the case library", annotations=READ_ONLY, description=(
        f"{about} Search it with a question or keywords; narrow by type, segment, channel, situation "
        f"or tag (list_filters gives the values). Returns the best items with title, summary and "
        f"snippet. {RELEVANCE_NOTE}"))
    server.add_tool(recommend_for, name="recommend", title="Recommend for a customer", annotations=READ_ONLY,
                    description=(
        "For a customer's situation (free text and/or CRM fields: segment, products, arpu, tenure_months, "
        "arrears_months, events, competitor, channel, notes), the cases that fit, the theories that "
        "explain them and the scripts to use, each with why. " + RELEVANCE_NOTE))
    server.add_tool(get_item, name="get_item", title="Read one item", annotations=READ_ONLY, description=(
        "One case, theory or script by id: its Markdown body (Chinese, verbatim from the source), "
        "annotations, source, linked theories and scripts, and the items that link it."))
    server.add_tool(list_filters, name="list_filters", title="What can be filtered on", annotations=READ_ONLY,
                    description=("The types, customer segments, channels, situations, tags and products "
                                 "in the library, with how many items carry each: the values search accepts."))

    @server.resource(ITEM_URI, name="item", title="A library item", mime_type="text/markdown",
                     description="One case, theory or script as its Markdown file (YAML front matter, then the body).")
    def item_file(item_id: str) -> str:
        lib = current().library
        item = lib.get(item_id)
        if item is None:
            raise ResourceError(f"no item has id {item_id!r}")
        return item.file_path(lib.root).read_text(encoding="utf-8")

    return server


def filter_choices(library: Library) -> FilterChoices:
    """The values in use in the library, most used first (the vocabulary, when the library has
    one, names the same situations; these are the ones items carry)."""
    def choices(values: list[str], labels: dict[str, str] | None = None) -> list[Choice]:
        return [Choice(value=v, label=(labels or {}).get(v, v), count=n) for v, n in Counter(values).most_common()]

    items = library.items
    return FilterChoices(
        types=choices([i.type for i in items], {"case": "案例", "theory": "理论", "script": "话术"}),
        segments=choices([s for i in items for s in i.segments], SEGMENT_LABELS),
        channels=choices([c for i in items for c in i.channels], CHANNEL_LABELS),
        situations=choices([s for i in items for s in i.situations]),
        tags=choices([t for i in items for t in i.tags]),
        products=choices([p for i in items for p in i.products]),
    )


def _value(enum_or_str: object) -> str:
    return str(getattr(enum_or_str, "value", enum_or_str))


# --- the two transports ----------------------------------------------------------------------------

def mount(app: FastAPI, settings: Settings, engine: EngineSource, recorder: RecorderSource) -> MCPServer:
    """Serve the MCP server at `/mcp` of the FastAPI app (streamable HTTP). The caller runs
    `server.session_manager.run()` inside the app's lifespan.

    Stateless with JSON answers, so any worker process can answer any request (`--workers N`
    spreads connections over processes that share no sessions). The SDK's DNS-rebinding check is
    off: it accepts only localhost Host headers, and `casebook serve --host 0.0.0.0` serves
    others; the API key guards `/mcp` as it guards `/v1`.
    """
    server = create_server(_library_or_none(settings), engine, recorder)
    sdk_app = server.streamable_http_app(
        streamable_http_path=PATH, stateless_http=True, json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))
    app.router.routes.extend(r for r in sdk_app.routes if isinstance(r, Route) and r.path == PATH)
    return server


def _library_or_none(settings: Settings) -> Library | None:
    """The library for the descriptions' counts; a broken or missing one is the engine's to report
    (`/readyz`, every tool call), not a reason for the app not to start."""
    from casebook.loader import load_library

    try:
        return load_library(settings.library)
    except (CasebookError, OSError):
        return None


def run_stdio(settings: Settings) -> None:
    """`casebook mcp`: serve over stdin/stdout until the client closes them. The engine loads in
    the background from the start, so the handshake is answered at once and the first tool call
    waits only for what is left of the load."""
    from casebook.events import open_recorder
    from casebook.loader import load_library

    library = load_library(settings.library)
    loaded: dict[str, Engine | Exception] = {}
    done = threading.Event()

    def load() -> None:
        try:
            loaded["engine"] = Engine.open(settings)
        except Exception as exc:  # reported to the client by every tool call
            log.exception("could not load the search index")
            loaded["engine"] = exc
        finally:
            done.set()

    def engine() -> Engine:
        done.wait()
        found = loaded["engine"]
        if isinstance(found, Exception):
            raise CasebookError(f"the search index could not be loaded: {found}")
        return found

    threading.Thread(target=load, name="casebook-engine-loader", daemon=True).start()
    recorder = open_recorder(settings)
    try:
        create_server(library, engine, lambda: recorder).run("stdio")
    finally:
        recorder.close(timeout=3)
