"""What the routes depend on, as typed aliases: the engine (loaded once per process), the settings,
and the documented `X-API-Key` header."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Security
from fastapi.security import APIKeyHeader

from casebook.errors import IndexMissing
from casebook.search import Engine
from casebook.search.live import LiveEngine
from casebook.settings import Settings

log = logging.getLogger("casebook.api")


def start_live_engine(app: FastAPI, settings: Settings) -> LiveEngine:
    """Load the engine in the live index's thread, so `/healthz` answers at once and `/readyz` says
    when the index is in; the thread then moves to each new index version (search/live.py)."""
    live = LiveEngine(settings)
    app.state.live = live
    live.start()
    return live


def current_engine(request: Request) -> Engine:
    """The engine this process serves now; IndexMissing (503) while it loads or when it failed to load."""
    live: LiveEngine | None = getattr(request.app.state, "live", None)
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


async def get_live(request: Request) -> LiveEngine:
    return request.app.state.live


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LiveDep = Annotated[LiveEngine, Depends(get_live)]

# Documents the key in /openapi.json (a security scheme a client generator understands); the
# ApiKeys middleware is what checks it, before the body is even read.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey", description=(
    "Needed on every /v1 request when the server sets CASEBOOK_API_KEYS; otherwise ignored."))
ApiKey = Security(api_key_header)
