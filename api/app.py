"""The FastAPI application: the JSON API under `/v1`, health and metrics, the pages at `/`, and the
assistant faces: MCP at `/mcp` (api/mcp.py), Dify's External Knowledge API at `/dify` (api/dify.py)
and the tool document of an assistant builder's custom tool at `/dify/tools` (api/dify_tools.py).

`create_app(settings)` builds it; `main()` is the factory `casebook serve` hands to uvicorn, once
per worker process. Each process serves one engine, shared read-only across requests, and its
live index (search/live.py) swaps in a new one when the library or the index changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from casebook.api import dify, dify_tools, errors, metrics
from casebook.api import mcp as mcp_face
from casebook.api.deps import engine_of, start_live_engine
from casebook.api.middleware import WORKER_HEADER, ApiKeys, BodyLimit, RequestContext, Utf8Url
from casebook.api.routes import (
    editing,
    feedback,
    health,
    imports,
    insights,
    items,
    recommend,
    search,
    vocabulary,
)
from casebook.events import NullRecorder, open_recorder
from casebook.settings import Settings, get_settings

DESCRIPTION = """Recommendations and search over casebook's library of telecom marketing cases,
theories and sales scripts, for a CRM plugin. Every `/v1` request needs an `X-API-Key` header when
the server sets `CASEBOOK_API_KEYS`; changes to the library (`PUT`, `DELETE`, `validate`) need an
editor key (`CASEBOOK_EDITOR_KEYS`). Errors are JSON (`ErrorBody`) with a message that says what to
do; every answer carries `X-Request-ID` and `Server-Timing`."""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def create_app(settings: Settings) -> FastAPI:
    from casebook.api.editor import auth as editor_auth
    from casebook.api.editor import router as editor_router
    from casebook.api.pages import router as pages_router

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # sync routes run in anyio's thread pool; its size is how many requests compute at once
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        app.state.recorder = open_recorder(settings, on_drop=metrics.EVENTS_DROPPED.inc)
        live = start_live_engine(app, settings)
        async with mcp.session_manager.run():  # the SDK's task group for MCP requests (stateless)
            yield
        live.stop()
        app.state.recorder.close(timeout=3)

    app = FastAPI(title="casebook API", version="1.0.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings, app.state.live = settings, None
    errors.install(app)
    for router in (health.router, recommend.router, search.router, items.router, vocabulary.router, feedback.router,
                   insights.router, editing.router, imports.router, editor_router, dify.router, dify_tools.router,
                   dify_tools.document_router, pages_router):
        app.include_router(router)
    mcp = mcp_face.mount(app, settings, lambda: engine_of(app),
                         lambda: getattr(app.state, "recorder", None) or NullRecorder())
    # Added innermost first: RequestContext wraps everything, then CORS (answers preflights without a
    # key), then the editor pages' session and gate, then the key check (before any body is read),
    # then the URL and body checks.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       larger={imports.PATH: (settings.max_upload_bytes, "CASEBOOK_MAX_UPLOAD_BYTES")})
    app.add_middleware(Utf8Url)
    # Reads need a key only when read keys are set; an editor key then reads too.
    read_keys = settings.read_keys
    app.add_middleware(ApiKeys, keys=read_keys + list(settings.editors) if read_keys else [])
    # The editor pages' signed session and the gate that turns it (with its CSRF token) into an
    # editor for the key check and the editing API: outside the key check, so it runs first.
    editor_auth.install(app, settings)
    if _split(settings.cors_origins):
        app.add_middleware(CORSMiddleware, allow_origins=_split(settings.cors_origins),
                           allow_methods=["GET", "POST", "PUT", "DELETE"],
                           allow_headers=["Content-Type", "X-API-Key", "X-Request-ID", "If-Match", "If-None-Match"],
                           expose_headers=["X-Request-ID", "Server-Timing", "ETag", WORKER_HEADER], max_age=600)
    app.add_middleware(RequestContext)
    return app


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus casebook's: access lines are JSON, one per request, on stderr."""
    from uvicorn.config import LOGGING_CONFIG

    config = {**LOGGING_CONFIG, "formatters": {**LOGGING_CONFIG["formatters"], "line": {"format": "%(message)s"},
                                                "casebook": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}}}
    config["handlers"] = {**LOGGING_CONFIG["handlers"],
                          "access_json": {"class": "logging.StreamHandler", "formatter": "line",
                                          "stream": "ext://sys.stderr"},
                          "casebook": {"class": "logging.StreamHandler", "formatter": "casebook",
                                       "stream": "ext://sys.stderr"}}
    config["loggers"] = {**LOGGING_CONFIG["loggers"],
                         "casebook.access": {"handlers": ["access_json"], "level": "INFO", "propagate": False},
                         "casebook": {"handlers": ["casebook"], "level": "INFO", "propagate": False}}
    return config


def main() -> FastAPI:
    """The uvicorn factory: the app on the settings of this process's environment."""
    return create_app(get_settings())
