"""The editing API: `PUT /v1/items/{id}` (create or replace), `DELETE /v1/items/{id}` and
`POST /v1/items/{id}/validate` (lint only, for an editor page as the trainer types).

Each route parses the request and calls one function of `casebook.editing`, which checks the item
with the rules of `casebook lint`, writes atomically under a lock and records the change. A save
then asks this worker's live index to reload and waits (up to CASEBOOK_SAVE_WAIT seconds) until it
searches the change; the other workers notice the changed file themselves.

Preconditions (RFC 9110): `If-Match: "<etag>"` replaces or deletes only that version (412 if the
item changed since); a PUT without `If-Match` only creates, as if it sent `If-None-Match: *`
(412 if the item exists); a DELETE without `If-Match` gets 428.
"""

from __future__ import annotations

import time
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from casebook import editing
from casebook.api import examples
from casebook.api.deps import EditorDep, LiveDep, SettingsDep
from casebook.api.schemas import (
    ItemCheck,
    ItemDeleted,
    ItemSaved,
    ItemWrite,
    error_responses,
    example_response,
)
from casebook.model import ID_PATTERN
from casebook.search.live import LiveEngine

router = APIRouter(prefix="/v1", tags=["editing"])

MARKDOWN = "text/markdown"
JSON = "application/json"
ItemId = Annotated[str, Path(pattern=ID_PATTERN, max_length=80, examples=["case-gd2027-01-late-fee-waiver"],
                             description="Lower-case ASCII words joined by `-`; the file is `<type folder>/<id>.md`.")]
Message = Annotated[str | None, Query(max_length=200, description=(
    "Why the change was made (commit message or audit note); JSON bodies may send `message` instead."))]

# Both body forms, documented for client generators (the route reads the body itself).
ITEM_BODY = {"requestBody": {"required": True, "content": {
    MARKDOWN: {"schema": {"type": "string"}, "example": "---\nid: case-gd2027-01-late-fee-waiver\ntype: case\n"
                                                        "...\n---\n## 案例\n\n（案例原文）\n"},
    JSON: {"schema": ItemWrite.model_json_schema(), "example": examples.ITEM_WRITE},
}}}


async def item_bytes(request: Request) -> tuple[bytes, str | None]:
    """The item file a request carries, as bytes, and the JSON body's `message`."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if kind == MARKDOWN:
        return raw, None
    if kind != JSON:
        raise HTTPException(415, f"send the item as `{MARKDOWN}` (the file as it is on disk) or as `{JSON}` "
                                 '({"front_matter": {...}, "body": "..."})')
    try:
        body = ItemWrite.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    return editing.compose(body.front_matter, body.body).encode("utf-8"), body.message


def if_match(request: Request) -> list[str] | None:
    """The ETags of `If-Match` without their quotes (`*` kept), or None when it is absent."""
    header = request.headers.get("if-match")
    if header is None:
        return None
    return [tag.strip().strip('"') if not tag.strip().startswith("W/") else tag.strip()
            for tag in header.split(",") if tag.strip()]


def creation_precondition(request: Request) -> None:
    """`If-None-Match: *` is what a PUT without `If-Match` means anyway; other forms are refused."""
    value = request.headers.get("if-none-match")
    if value is None:
        return
    if value.strip() != "*":
        raise HTTPException(400, "If-None-Match takes only `*` here (create, never replace)")
    if request.headers.get("if-match") is not None:
        raise HTTPException(400, "send If-Match (replace that version) or If-None-Match: * (create), not both")


async def reloaded(live: LiveEngine, since: float, timeout: float) -> tuple[bool, str | None, str | None]:
    """Ask this worker's live index for a reload that sees what was written before `since`, and
    wait for it: (searchable, index version, error)."""
    ticket = live.request_refresh(since)
    with anyio.move_on_after(timeout):
        while not live.refreshed(ticket):
            await anyio.sleep(0.05)
    state = live.status()
    return live.refreshed(ticket) and state.error is None, state.version, state.error


def etag_header(etag: str) -> str:
    return f'"{etag}"'


@router.put("/items/{item_id}", response_model=ItemSaved, openapi_extra=ITEM_BODY, responses={
    **example_response(examples.ITEM_SAVED), 201: {"model": ItemSaved, "description": "Created."},
    **error_responses(400, 401, 403, 412, 413, 415, 422)})
async def put_item(item_id: ItemId, request: Request, editor: EditorDep, settings: SettingsDep, live: LiveDep,
                   message: Message = None) -> JSONResponse:
    """Create or replace an item from its Markdown file (`text/markdown`, the bytes exactly as they
    will be on disk) or from JSON (`front_matter` and `body`). Checked like `casebook lint`: any
    problem gets a 422 listing every one by field, and nothing is written. Replacing needs
    `If-Match` with the item's ETag; without it the PUT only creates (412 if the item exists)."""
    creation_precondition(request)
    data, note = await item_bytes(request)
    saved = await run_in_threadpool(editing.save, settings.library, item_id, data, editor, if_match(request),
                                    message or note, settings.audit)
    if saved.audit == "unchanged":
        state = live.status()
        searchable, version, error = state.error is None, state.version, state.error
    else:
        searchable, version, error = await reloaded(live, time.monotonic(), settings.save_wait)
    body = ItemSaved(id=saved.id, path=saved.path, etag=saved.etag, created=saved.created, audit=saved.audit,
                     searchable=searchable, index_version=version, reload_error=error)
    return JSONResponse(body.model_dump(), status_code=201 if saved.created else 200,
                        headers={"ETag": etag_header(saved.etag), "Location": f"/v1/items/{item_id}"})


@router.delete("/items/{item_id}", response_model=ItemDeleted,
               responses=error_responses(401, 403, 404, 409, 412, 428))
async def delete_item(item_id: ItemId, request: Request, editor: EditorDep, settings: SettingsDep, live: LiveDep,
                      message: Message = None) -> ItemDeleted:
    """Delete an item: needs `If-Match` with its ETag (428 without, 412 when stale); refused (409)
    while other items link to it."""
    audit = await run_in_threadpool(editing.delete, settings.library, item_id, editor, if_match(request),
                                    message, settings.audit)
    searchable, version, error = await reloaded(live, time.monotonic(), settings.save_wait)
    return ItemDeleted(id=item_id, audit=audit, searchable=searchable, index_version=version, reload_error=error)


@router.post("/items/{item_id}/validate", response_model=ItemCheck, openapi_extra=ITEM_BODY, responses={
    **example_response(examples.ITEM_CHECK), **error_responses(400, 401, 403, 413, 415, 422)})
async def validate_item(item_id: ItemId, request: Request, editor: EditorDep, settings: SettingsDep) -> ItemCheck:
    """Check an item as a save would, writing nothing: `valid`, and every problem by field with its
    line in the file (and in the body). Same bodies as PUT; meant to be called as an editor types."""
    data, _ = await item_bytes(request)
    problems = await run_in_threadpool(editing.check, settings.library, item_id, data)
    return ItemCheck(valid=not problems, problems=[
        {"field": p.field, "message": p.message, "line": p.line, "body_line": p.body_line, "code": p.code,
         "facts": p.facts} for p in problems])
