"""Prometheus metrics of the HTTP API: requests, latency and errors per route, and the live index:
the version each worker serves, reloads, reload time, failed reloads (prometheus-client).

With several workers (`casebook serve --workers N`) each process writes its samples to the
folder of the `metrics_dir` setting (prometheus-client's multiprocess mode, which the worker
turns on before this module is imported) and `/metrics` adds them up, whichever worker answers.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE  # noqa: F401  (re-exported)
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LABELS = ("method", "route", "status")
REQUESTS = Counter("casebook_http_requests_total", "HTTP requests answered.", LABELS)
ERRORS = Counter("casebook_http_errors_total", "HTTP answers with a 4xx or 5xx status.", LABELS)
LATENCY = Histogram("casebook_http_request_duration_seconds", "Time from request to the end of the answer.",
                    ("method", "route"),
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))

EVENTS_DROPPED = Counter("casebook_events_dropped_total", (
    "Events not recorded because this worker's event queue was full (CASEBOOK_EVENTS_QUEUE_SIZE)."))
# One sample per worker process (`pid` label under several workers): each says what it serves.
INDEX_VERSION = Gauge("casebook_index_version_info", "1 for the index version this worker serves.",
                      ("version",), multiprocess_mode="liveall")
INDEX_ITEMS = Gauge("casebook_index_items", "Items in the index this worker serves.", multiprocess_mode="liveall")
INDEX_STALE = Gauge("casebook_index_stale", "1 while the newest library state could not be loaded "
                    "(the last good index keeps serving; /readyz says why).", multiprocess_mode="liveall")
RELOADS = Counter("casebook_index_reloads_total", "Index reloads that swapped in a new engine.")
RELOAD_FAILURES = Counter("casebook_index_reload_failures_total", "Index reloads that failed.")
RELOAD_SECONDS = Histogram("casebook_index_reload_seconds", "Time to build (if needed), load and warm a new engine.",
                           buckets=(0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0))


class IndexMetrics:
    """The live index's listener: records each reload and failure."""

    def __init__(self) -> None:
        self.version: str | None = None

    def reloaded(self, engine, seconds: float) -> None:
        if self.version is not None:
            INDEX_VERSION.labels(self.version).set(0)
            RELOADS.inc()
        self.version = engine.version
        INDEX_VERSION.labels(engine.version).set(1)
        INDEX_ITEMS.set(len(engine.library))
        INDEX_STALE.set(0)
        RELOAD_SECONDS.observe(seconds)

    def failed(self, message: str, seconds: float) -> None:
        RELOAD_FAILURES.inc()
        INDEX_STALE.set(1)
        RELOAD_SECONDS.observe(seconds)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    if status >= 400:
        ERRORS.labels(method, route, str(status)).inc()


def exposition(multiprocess_dir: Path | None) -> bytes:
    """The metrics in the Prometheus text format, summed over the worker processes when there are several."""
    if multiprocess_dir is None:
        return generate_latest(REGISTRY)
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(multiprocess_dir))
    return generate_latest(registry)
