"""Operations: `/healthz` (the process answers), `/readyz` (the index is loaded), `/metrics` (Prometheus).

Never behind an API key: probes and scrapers call them.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from casebook.api import metrics
from casebook.api.deps import LiveDep, SettingsDep
from casebook.api.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health,
            responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}})
async def healthz() -> Health:
    """Alive: the process answers HTTP (the index may still be loading)."""
    return Health()


@router.get("/readyz", response_model=Readiness, responses={
    200: {"content": {"application/json": {"example": {
        "status": "ready", "items": 90, "message": None, "index_version": "v-20261130-130638-2476-173870",
        "reloads": 3, "failed_reloads": 0}}},
        "description": "Serving: `ready`, or `stale` when the newest library state could not be loaded "
                       "and the last good index keeps serving (`message` says why)."},
    503: {"model": Readiness, "description": "Still loading, or the index failed to load (see `message`)."}})
async def readyz(live: LiveDep) -> Readiness | JSONResponse:
    """Ready: this worker serves an index; 503 until it has one. `stale` (still 200) means a change
    to the library could not be loaded, so this worker serves the last good index."""
    state = live.status()
    if state.version is None:
        status, message = ("failed", state.error) if state.error else ("loading", "loading the search index")
    elif state.error:
        status, message = "stale", (f"serving the last good index ({state.version}); "
                                    f"the newest change could not be loaded: {state.error}")
    else:
        status, message = "ready", None
    body = Readiness(status=status, items=state.items, message=message, index_version=state.version,
                     reloads=state.reloads, failed_reloads=state.failures)
    if state.version is None:
        return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "5"})
    return body


@router.get("/metrics", response_class=Response, responses={
    200: {"content": {metrics.CONTENT_TYPE: {"example": "casebook_http_requests_total{...} 12.0"}},
          "description": "Prometheus text format."}})
async def prometheus_metrics(settings: SettingsDep) -> Response:
    """Requests, latency histogram and errors per route, in the Prometheus text format."""
    return Response(metrics.exposition(settings.metrics_dir), media_type=metrics.CONTENT_TYPE)
