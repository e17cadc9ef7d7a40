"""Pure ASGI middleware around every request: request id and timing, access log and metrics,
API keys, UTF-8 URLs, body size limit. Each answers a refused request itself, in the shape `errors.render_error` gives.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import time
import uuid
from urllib.parse import unquote_to_bytes

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casebook.api import metrics
from casebook.api.errors import internal_error, render_error

access_log = logging.getLogger("casebook.access")
log = logging.getLogger("casebook.api")

REQUEST_ID = "X-Request-ID"
API_KEY = "X-API-Key"
WORKER_HEADER = "X-Casebook-Worker"  # which worker process answered (several share one port)
# Request state: the name of the editor signed in to the editor pages, set by api/editor/auth.py
# once the session cookie (and, on a change, its CSRF token) checked out; it stands for a key.
SIGNED_IN_EDITOR = "signed_in_editor"
WORKER = str(os.getpid())
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestContext:
    """A request id (the client's `X-Request-ID` if sane, else new), `X-Request-ID` and `Server-Timing`
    on the answer, one JSON access-log line and the metrics per request, and a JSON 500 for anything
    unexpected (the traceback goes to the log, never to the client)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID, "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        start = time.perf_counter()
        status, size, started = 500, 0, False

        async def send_with_context(message: Message) -> None:
            nonlocal status, size, started
            if message["type"] == "http.response.start":
                started, status = True, message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID] = request_id
                headers[WORKER_HEADER] = WORKER
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
        except Exception:
            log.exception("unhandled error, request id %s", request_id)
            if started:
                raise
            await internal_error(Request(scope))(scope, receive, send_with_context)
        finally:
            seconds = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            metrics.observe(scope["method"], route, status, seconds)
            access_log.info(json.dumps({
                "ts": round(time.time(), 3), "request_id": request_id, "method": scope["method"],
                "path": scope["path"], "route": route, "status": status, "ms": round(seconds * 1000, 2),
                "bytes": size, "client": (scope.get("client") or ("", 0))[0],
            }, ensure_ascii=False))


class ApiKeys:
    """When keys are configured, every `/v1` and `/mcp` request needs one of them in `X-API-Key` (401
    otherwise), or an editor signed in to the editor pages; the health, readiness and metrics
    endpoints stay open for probes and scrapers, and `/dify` checks Dify's `Authorization: Bearer`
    itself (api/dify.py)."""

    def __init__(self, app: ASGIApp, keys: list[str]) -> None:
        self.app = app
        self.keys = [k.encode() for k in keys]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and self.keys and _needs_key(scope["path"]) and not self._valid(scope)
                and not scope.get("state", {}).get(SIGNED_IN_EDITOR)):
            request = Request(scope)
            message = ("missing or unknown X-API-Key header: send the key the casebook operator gave you"
                       if request.headers.get(API_KEY) is None else "unknown X-API-Key: check the key")
            response = render_error(request, 401, message, headers={"WWW-Authenticate": f'ApiKey header="{API_KEY}"'})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _valid(self, scope: Scope) -> bool:
        given = Headers(scope=scope).get(API_KEY, "").encode("latin-1", "replace")
        valid = False
        for key in self.keys:  # every key compared in constant time, none skipped: no timing hints
            valid |= hmac.compare_digest(given, key)
        return valid


class Utf8Url:
    """Refuse (400) a path or query string that is not UTF-8 once percent-decoded, rather than let
    the server guess at the bytes and answer for a text nobody sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                for raw in (scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b"")):
                    unquote_to_bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                message = "the URL is not UTF-8 once percent-decoded: encode ids and queries as UTF-8"
                await render_error(Request(scope), 400, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse bodies over `max_bytes` with a 413, by `Content-Length` or while reading a chunked body.

    The body is read here (at most `max_bytes`) and handed on whole, so the app never sees a cut one.
    `larger` gives paths their own limit and the setting that sets it (document uploads).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, tuple[int, str]] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self.larger.get(scope["path"], (self.max_bytes, "CASEBOOK_MAX_BODY_BYTES"))
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, declared, limit, setting)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, f"more than {limit}", limit, setting)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, size: str, limit: int, setting: str) -> None:
        message = f"the request body is {size} bytes; the limit is {limit} (setting {setting})"
        await render_error(Request(scope), 413, message, headers={"Connection": "close"})(scope, receive, send)


KEYED_PREFIXES = ("/v1", "/mcp")


def _needs_key(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in KEYED_PREFIXES)
