"""Every error becomes one answer: JSON (`ErrorBody`) on the API paths, the HTML error page elsewhere.

Domain errors are translated here, never in a route; no answer carries a traceback.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from casebook.editing import EditConflict, InvalidItem, ItemInUse, PreconditionRequired
from casebook.errors import (
    BadQuery,
    CasebookError,
    EventStoreError,
    IndexMissing,
    ItemNotFound,
    LibraryError,
    NotInAnswer,
    UnknownRequest,
)
from casebook.importers import NothingImported

log = logging.getLogger("casebook.api")

API_PREFIXES = ("/v1/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/mcp", "/dify")
KINDS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 412: "precondition_failed", 413: "payload_too_large", 415: "unsupported_media_type",
         422: "invalid", 428: "precondition_required", 500: "internal", 503: "not_ready"}
STATUS_OF: dict[type[CasebookError], int] = {ItemNotFound: 404, BadQuery: 422, IndexMissing: 503,
                                              LibraryError: 503, InvalidItem: 422, EditConflict: 412,
                                              PreconditionRequired: 428, ItemInUse: 409,
                                              UnknownRequest: 404, NotInAnswer: 422, EventStoreError: 503,
                                              NothingImported: 422}
# What Starlette and FastAPI say, in words that tell a client what to do.
CLEARER = {
    "There was an error parsing the body": "the body could not be read: send UTF-8 JSON with "
                                           "`Content-Type: application/json`",
    "Not Found": "no such endpoint; see /docs or /openapi.json for the API",
    "Method Not Allowed": "this endpoint does not take that method; see /openapi.json",
}
MAX_DETAILS = 10


def is_api_path(path: str) -> bool:
    return path == "/v1" or path.startswith(API_PREFIXES)


def render_error(request: Request, status: int, message: str, details: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> Response:
    """The error answer for this request's path: `ErrorBody` JSON for the API, an HTML page for people."""
    if not is_api_path(request.url.path):
        from casebook.api.pages import error_page

        response = error_page(request, status, message)
        response.headers.update(headers or {})
        return response
    body = {"status": status, "error": KINDS.get(status, "bad_request" if status < 500 else "internal"),
            "message": message, "request_id": request.scope.get("state", {}).get("request_id"),
            "details": details or []}
    return JSONResponse(body, status_code=status, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    """`('body', 'customer', 'arpu')` -> `customer.arpu`; `('query', 'k')` -> `k (query)`."""
    where, *rest = [str(part) for part in loc] or ["body"]
    name = ".".join(rest)
    if where == "body":
        return name or "body"
    return f"{name} ({where})" if name else where


def _validation(request: Request, exc: RequestValidationError) -> Response:
    errors = exc.errors()
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        reason = (bad_json.get("ctx") or {}).get("error", "")
        return render_error(request, 400, f"the body is not valid JSON: {reason}".rstrip(": "))
    whole_body = _whole_body_problem(request, errors)
    if whole_body is not None:
        return render_error(request, 422, whole_body, [{"field": "body", "message": whole_body}])
    details = [{"field": _field(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")}
               for e in errors[:MAX_DETAILS]]
    message = "; ".join(f"{d['field']}: {d['message']}" for d in details)
    return render_error(request, 422, message, details)


def _whole_body_problem(request: Request, errors: list[dict[str, Any]]) -> str | None:
    """What to change when the body as a whole was not read as a JSON object. Most often it is
    `curl -d` without `-H 'Content-Type: application/json'` (a form, which FastAPI does not parse
    as JSON) or no body at all; pydantic's own words ("Input should be a valid dictionary", "Field
    required") do not say so."""
    if not errors or any(tuple(e.get("loc", ())) != ("body",) for e in errors):
        return None
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if "json" not in content_type.lower():
        sent = f"`Content-Type: {content_type}`" if content_type else "no Content-Type"
        return f"the body must be JSON sent with `Content-Type: application/json` (this request had {sent})"
    if errors[0].get("type") == "missing":
        return "the body is empty: send a JSON object (/docs shows an example for each endpoint)"
    return None


async def handle_error(request: Request, exc: Exception) -> Response:
    """The one exception handler: validation errors, HTTP errors and casebook's domain errors."""
    if isinstance(exc, RequestValidationError):
        return _validation(request, exc)
    if isinstance(exc, HTTPException):
        message = str(exc.detail) if exc.detail else KINDS.get(exc.status_code, "error")
        return render_error(request, exc.status_code, CLEARER.get(message, message),
                            headers=getattr(exc, "headers", None))
    if isinstance(exc, InvalidItem):  # every problem, by field, so an editor can fix them all at once
        details = [{k: v for k, v in asdict(p).items() if v is not None} for p in exc.problems]
        return render_error(request, 422, str(exc), details)
    if isinstance(exc, NothingImported):  # each file's reason, by file name
        details = [{"field": name, "message": message, "code": reason}
                   for name, reason, message in exc.problems[:MAX_DETAILS]]
        return render_error(request, 422, str(exc), details)
    if isinstance(exc, CasebookError):
        status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 400)
        headers = {"Retry-After": "5"} if status == 503 else None
        return render_error(request, status, str(exc), headers=headers)
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return internal_error(request)


def internal_error(request: Request) -> Response:
    request_id = request.scope.get("state", {}).get("request_id")
    return render_error(request, 500, f"internal error; the server log has the details under request id "
                                      f"{request_id}")


def install(app: FastAPI) -> None:
    for kind in (RequestValidationError, HTTPException, CasebookError):
        app.add_exception_handler(kind, handle_error)
