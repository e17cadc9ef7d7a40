"""Dify's External Knowledge API: the library as an external knowledge base of a Dify app.

A Dify user registers the endpoint `http://HOST:PORT/dify`, an API key and a knowledge id; Dify
then sends `POST /dify/retrieval` with the user's question. `GET /dify/knowledge` lists the
knowledge ids (views of the library, casebook/knowledge.py). Answers and errors have Dify's shapes
(`{"records": [...]}`, `{"error_code", "error_msg"}`), not the `/v1` ones; the key comes as
`Authorization: Bearer <key>` and is checked here, before the body is read, against
`CASEBOOK_API_KEYS` (no keys set: any or none is accepted).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from casebook.api.deps import EngineDep
from casebook.api.errors import STATUS_OF
from casebook.errors import CasebookError
from casebook.knowledge import MetadataCondition, knowledge_views
from casebook.model import Item
from casebook.search import Engine, Filters, Hit
from casebook.search.engine import MAX_K, MAX_QUERY_CHARS

PASSAGES = 2  # best passages of an item in a record's content: enough to answer, not the whole file
# Dify's own error codes; other refusals carry their HTTP status as the code.
MALFORMED_AUTHORIZATION, AUTHORIZATION_FAILED, UNKNOWN_KNOWLEDGE = 1001, 1002, 2001


class DifyError(BaseModel):
    error_code: int = Field(description="1001 malformed Authorization header, 1002 unknown key, 2001 unknown "
                                        "knowledge id; otherwise the HTTP status.")
    error_msg: str


def dify_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"error_code": code, "error_msg": message}, status_code=status)


def _validation_message(exc: RequestValidationError) -> tuple[int, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "the body is not valid JSON: send UTF-8 JSON with `Content-Type: application/json`"
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg', 'invalid')}"
             for e in errors[:10]]
    return 422, "; ".join(parts)


class DifyRoute(APIRoute):
    """Checks Dify's bearer key before anything else, and answers every refusal in Dify's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def dify_handler(request: Request) -> Response:
            refused = _refuse_key(request)
            if refused is not None:
                return refused
            try:
                return await handler(request)
            except RequestValidationError as exc:
                status, message = _validation_message(exc)
                return dify_error(status, status, message)
            except CasebookError as exc:
                status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 400)
                return dify_error(status, status, str(exc))

        return dify_handler


def _refuse_key(request: Request) -> JSONResponse | None:
    keys = [k.strip() for k in request.app.state.settings.api_keys.split(",") if k.strip()]
    if not keys:
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return dify_error(403, MALFORMED_AUTHORIZATION,
                          "Invalid Authorization header format. Expected 'Bearer <api-key>' format.")
    valid = False
    for key in keys:  # every key compared in constant time: no timing hints
        valid |= hmac.compare_digest(token.strip().encode("utf-8", "replace"), key.encode("utf-8"))
    if not valid:
        return dify_error(403, AUTHORIZATION_FAILED, "Authorization failed: unknown API key.")
    return None


# Documents the key in /openapi.json as Dify sends it; `DifyRoute` is what checks it.
bearer_key = HTTPBearer(auto_error=False, scheme_name="BearerKey", description=(
    "`Authorization: Bearer <key>`, a key of CASEBOOK_API_KEYS; any or none when the server sets no keys."))
READ_KEY = Security(bearer_key)

router = APIRouter(prefix="/dify", tags=["dify"], route_class=DifyRoute, dependencies=[READ_KEY], responses={
    403: {"model": DifyError, "description": "Malformed Authorization header (1001) or unknown key (1002)."}})


# --- contract ------------------------------------------------------------------------------------

class RetrievalSetting(BaseModel):
    model_config = ConfigDict(extra="ignore")

    top_k: int = Field(ge=1, le=MAX_K, description="Most records to return.")
    score_threshold: float = Field(default=0.0, ge=0, le=1, description=(
        "Least `score` (calibrated relevance) a record needs; Dify sends 0.0 when its threshold is off."))


class RetrievalRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    knowledge_id: str = Field(max_length=80, description="A view of the library: GET /dify/knowledge lists them.",
                              examples=["all"])
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, description="The user's question, Chinese or English.")
    retrieval_setting: RetrievalSetting
    metadata_condition: MetadataCondition | None = Field(default=None, description=(
        "Conditions on type, segment, channel, situation, tag or product."))


class Record(BaseModel):
    content: str = Field(description="The item's title and summary, then its passages that best match the query.")
    score: float = Field(ge=0, le=1, description="Calibrated relevance: the probability that the item is relevant.")
    title: str
    metadata: dict[str, Any] = Field(description=(
        "`document_id` (the item id), `type`, `path`, `url` of the item page, and its annotations."))


class RetrievalResponse(BaseModel):
    records: list[Record]


class KnowledgeBase(BaseModel):
    id: str = Field(description="What to enter as Dify's External Knowledge ID.")
    name: str
    description: str
    items: int


class KnowledgeList(BaseModel):
    knowledge: list[KnowledgeBase]


RETRIEVAL_EXAMPLE = {
    "knowledge_id": "cases", "query": "how to handle arrears with absent landlord",
    "retrieval_setting": {"top_k": 3, "score_threshold": 0.5},
    "metadata_condition": {"logical_operator": "and",
                           "conditions": [{"name": "segment", "comparison_operator": "is", "value": "household"}]}}


# --- routes --------------------------------------------------------------------------------------

@router.get("/knowledge", response_model=KnowledgeList)
def list_knowledge(engine: EngineDep) -> KnowledgeList:
    """The knowledge ids this server answers for: the whole library, each type, and each situation
    family when the library has a vocabulary."""
    items = engine.library.items
    return KnowledgeList(knowledge=[KnowledgeBase(id=v.id, name=v.name, description=v.description,
                                                  items=sum(1 for i in items if v.allows(i)))
                                    for v in knowledge_views(engine.library).values()])


@router.post("/retrieval", response_model=RetrievalResponse,
             responses={404: {"model": DifyError, "description": "Unknown knowledge id (2001)."},
                        422: {"model": DifyError, "description": "A field is invalid."}})
def retrieve(body: Annotated[RetrievalRequest, Body(openapi_examples={"landlord": {
                 "summary": "A question in English, household cases only, records likely relevant",
                 "value": RETRIEVAL_EXAMPLE}})], engine: EngineDep, request: Request) -> Response | RetrievalResponse:
    """The items of the knowledge view that best answer the query, each with its best passages;
    only those whose calibrated relevance reaches `score_threshold`, at most `top_k`."""
    views = knowledge_views(engine.library)
    view = views.get(body.knowledge_id)
    if view is None:
        return dify_error(404, UNKNOWN_KNOWLEDGE, f"The knowledge id {body.knowledge_id!r} does not exist; "
                                                  f"use one of: {', '.join(views)} (GET /dify/knowledge).")
    condition = body.metadata_condition or MetadataCondition()
    setting = body.retrieval_setting
    found = engine.search(body.query, k=setting.top_k, snippets=False,
                          filters=Filters(where=lambda item: view.allows(item) and condition.allows(item)))
    base = str(request.base_url).rstrip("/")
    return RetrievalResponse(records=[_record(engine, found.query, hit, base) for hit in found.results
                                      if hit.relevance >= setting.score_threshold])


def _record(engine: Engine, query: str, hit: Hit, base_url: str) -> Record:
    item = engine.library.get(hit.id)
    passages = [_readable(p, item) for p in engine.best_passages(query, item.id, PASSAGES)]
    content = "\n\n".join([f"{item.title} ({item.title_en})", f"{item.summary}\n{item.summary_en}", *passages])
    return Record(content=content, score=hit.relevance, title=item.title, metadata=_metadata(item, base_url))


def _readable(passage: str, item: Item) -> str:
    """A passage starts `title · section`; keep the section name, drop the repeated title."""
    head, _, text = passage.partition("\n")
    section = head.removeprefix(item.title).removeprefix(" · ").strip()
    return f"【{section}】{text}" if section else text


def _metadata(item: Item, base_url: str) -> dict[str, Any]:
    return {"document_id": item.id, "type": item.type, "path": item.path, "url": f"{base_url}/items/{item.id}",
            "title_en": item.title_en, "kind": item.kind, "situations": item.situations, "segments": item.segments,
            "channels": item.channels, "products": item.products, "tags": item.tags, "outcome": item.outcome,
            "theories": item.theories, "scripts": item.scripts,
            "source": f"{item.source.title} · {item.source.section}"}
