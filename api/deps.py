"""What the routes depend on, as typed aliases: the engine this process serves now (its live index
keeps it up to date), the settings, the editor behind a change, and the documented `X-API-Key` header."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from casebook.api.middleware import SIGNED_IN_EDITOR
from casebook.errors import IndexMissing
from casebook.events import NullRecorder, Recorder
from casebook.search import Engine, artifact
from casebook.search.live import LiveEngine
from casebook.settings import Settings

log = logging.getLogger("casebook.api")


def start_live_engine(app: FastAPI, settings: Settings) -> LiveEngine:
    """Load the engine in the live index's thread, so `/healthz` answers at once and `/readyz` says
    when the index is in; the thread then keeps it up to date with the library (search/live.py)."""
    from casebook.api.metrics import IndexMetrics

    live = LiveEngine(settings, listener=IndexMetrics())
    app.state.live = live
    live.start()
    return live


def current_engine(request: Request) -> Engine:
    """The engine this process serves now; IndexMissing (503) while it loads or when it failed to load."""
    return engine_of(request.app)


def engine_of(app: FastAPI) -> Engine:
    """`current_engine` for code that has the app but no request (the MCP tools)."""
    live: LiveEngine | None = getattr(app.state, "live", None)
    engine = live.engine if live is not None else None
    if engine is None:
        error = live.error if live is not None else None
        raise IndexMissing(f"the search index could not be loaded: {error}" if error
                           else "the search index is still loading; retry in a few seconds (GET /readyz)")
    return engine


async def get_engine(request: Request) -> Engine:
    """`current_engine` as a dependency; `async` so FastAPI does not hop to its thread pool for a lookup."""
    return current_engine(request)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def current_recorder(request: Request) -> Recorder | NullRecorder:
    """This process's event recorder (started with the app; the null one when events are off)."""
    return getattr(request.app.state, "recorder", None) or NullRecorder()


def request_id_of(request: Request) -> str:
    """The id `RequestContext` gave this request (the `X-Request-ID` of the answer)."""
    return request.scope.get("state", {}).get("request_id", "")


async def get_recorder(request: Request) -> Recorder | NullRecorder:
    return current_recorder(request)


async def get_request_id(request: Request) -> str:
    return request_id_of(request)


async def get_live(request: Request) -> LiveEngine:
    return request.app.state.live


editor_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="EditorKey", description=(
    "An editor key (CASEBOOK_EDITOR_KEYS): needed to change the library; a read key gets 403."))


async def get_editor(request: Request, key: Annotated[str | None, Security(editor_key_header)] = None) -> str:
    """The name of the editor whose key came in `X-API-Key`, or who signed in to the editor pages:
    401 without a known key, 403 for a read key or when the server has no editor keys."""
    settings: Settings = request.app.state.settings
    if artifact.is_read_only(settings.index_path):
        raise HTTPException(403, "this server serves a published index read-only: change the library where "
                                 "it is published from (`casebook index --out`), and every replica follows")
    if key is None and request.scope.get("state", {}).get(SIGNED_IN_EDITOR):
        return request.scope["state"][SIGNED_IN_EDITOR]  # checked by api/editor/auth.py, CSRF token included
    if key is None:
        raise HTTPException(401, "this change needs an editor key in the X-API-Key header",
                            headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})
    editors = settings.editors
    if not editors:
        raise HTTPException(403, "editing is off on this server: its operator sets CASEBOOK_EDITOR_KEYS")
    name = _match(key, editors)
    if name is not None:
        return name
    if _match(key, {k: k for k in settings.read_keys}) is not None:
        raise HTTPException(403, "this key may read but not change the library: use an editor key")
    raise HTTPException(401, "unknown X-API-Key: check the key", headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})


def _match(given: str, keys: dict[str, str]) -> str | None:
    """The value of the key equal to `given`, comparing every key in constant time (no timing hints)."""
    found = None
    for key, value in keys.items():
        if hmac.compare_digest(given.encode("utf-8", "replace"), key.encode("utf-8")):
            found = value
    return found


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RecorderDep = Annotated[Recorder | NullRecorder, Depends(get_recorder)]
RequestIdDep = Annotated[str, Depends(get_request_id)]
LiveDep = Annotated[LiveEngine, Depends(get_live)]

# Documents the key in /openapi.json (a security scheme a client generator understands); the
# ApiKeys middleware is what checks it, before the body is even read.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey", description=(
    "Needed on every /v1 request when the server sets CASEBOOK_API_KEYS; otherwise ignored."))
ApiKey = Security(api_key_header)
EditorDep = Annotated[str, Depends(get_editor)]
