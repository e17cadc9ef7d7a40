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
from casebook.events import NullRecorder, Recorder
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
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        error = getattr(request.app.state, "engine_error", None)
        raise IndexMissing(error or "the search index is still loading; retry in a few seconds (GET /readyz)")
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


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RecorderDep = Annotated[Recorder | NullRecorder, Depends(get_recorder)]
RequestIdDep = Annotated[str, Depends(get_request_id)]

# Documents the key in /openapi.json (a security scheme a client generator understands); the
# ApiKeys middleware is what checks it, before the body is even read.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, scheme_name="ApiKey", description=(
    "Needed on every /v1 request when the server sets CASEBOOK_API_KEYS; otherwise ignored."))
ApiKey = Security(api_key_header)
