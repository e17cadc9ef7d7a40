"""Prometheus metrics of the HTTP API: requests, latency and errors per route (prometheus-client).

With several workers (`casebook serve --workers N`) each process writes its samples to the
folder of the `metrics_dir` setting (prometheus-client's multiprocess mode, which the worker
turns on before this module is imported) and `/metrics` adds them up, whichever worker answers.
"""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE  # noqa: F401  (re-exported)
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

LABELS = ("method", "route", "status")
REQUESTS = Counter("casebook_http_requests_total", "HTTP requests answered.", LABELS)
ERRORS = Counter("casebook_http_errors_total", "HTTP answers with a 4xx or 5xx status.", LABELS)
LATENCY = Histogram("casebook_http_request_duration_seconds", "Time from request to the end of the answer.",
                    ("method", "route"),
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))

EVENTS_DROPPED = Counter("casebook_events_dropped_total", (
    "Events not recorded because this worker's event queue was full (CASEBOOK_EVENTS_QUEUE_SIZE)."))


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
