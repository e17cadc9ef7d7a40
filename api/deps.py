"""What the routes depend on, as typed aliases: the engine (loaded once per process), the settings,
and the documented `X-API-Key` header."""

from __future__ import annotations

import logging
import threading
import time
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Security
from fastapi.security import APIKeyHeader

from casebook.errors import IndexMissing
from casebook.search import Engine
from casebook.settings import Settings

log = logging.getLogger("casebook.api")


def load_engine(app: FastAPI, settings: Settings) -> threading.Thread:
    """Open the engine in a background thread, so `/healthz` answers at once and `/readyz` says when
    the index is in; a warm-up recommend loads the tokenizer and the encoders before the first request."""

    def load() -> None:
        from casebook.search.recommend import CustomerSituation, recommend

        start = time.perf_counter()
        try:
            engine = Engine.open(settings, progress=False)
            recommend(engine, CustomerSituation(text="客户申请销号", events=["申请销号"]))
        except Exception as exc:  # the failure is served by /readyz and every /v1 request
            log.exception("could not load the search index")
            app.state.engine_error = f"the search index could not be loaded: {exc}"
            return
        app.state.engine = engine
        log.info("index loaded: %d items in %.1f s", len(engine.library), time.perf_counter() - start)

    app.state.engine, app.state.engine_error = None, None
    thread = threading.Thread(target=load, name="casebook-engine-loader", daemon=True)
    thread.start()
    return thread


def current_engine(request: Request) -> Engine:
    """The engine this process loaded; IndexMissing (503) while it loads or when it failed to load."""
    return engine_of(request.app)


def engine_of(app: FastAPI) -> Engine:
    """`current_engine` for code that has the app but no request (the MCP tools)."""
    engine = getattr(app.state, "engine", None)
    if engine is None:
        error = getattr(app.state, "engine_error", None)
        raise IndexMissing(error or "the search index is still loading; retry in a few seconds (GET /readyz)")
    return engine


async def get_engine(request: Request) -> Engine:
    """`current_engine` as a dependency; `async` so FastAPI does not hop to its thread pool for a lookup."""
    return current_engine(request)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

# Documents the key in /openapi.json (a security scheme a client generator understands); the
# ApiKeys middleware is what checks it, before the body is even read.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey", description=(
    "Needed on every /v1 request when the server sets CASEBOOK_API_KEYS; otherwise ignored."))
ApiKey = Security(api_key_header)
