"""What every page shares: templates, the language switch, static files and the HTML error page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from casebook.api.deps import current_engine
from casebook.api.pages.i18n import LANGS, Words
from casebook.errors import (
    BadQuery,
    CasebookError,
    IndexMissing,
    ItemNotFound,
    LibraryError,
    NotInAnswer,
    UnknownRequest,
)

if TYPE_CHECKING:
    from casebook.search import Engine

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
LANG_COOKIE = "casebook_lang"
log = logging.getLogger("casebook.pages")

templates = Jinja2Templates(directory=HERE / "templates")

# Defence in depth behind the sanitiser: only the pages' own files may run or load.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

STATUS_OF: dict[type[CasebookError], int] = {ItemNotFound: 404, BadQuery: 400, IndexMissing: 503,
                                              LibraryError: 503, UnknownRequest: 404, NotInAnswer: 422}


def lang_of(request: Request) -> str:
    """`?lang=` first, then the cookie the switch sets; Chinese by default."""
    for lang in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if lang in LANGS:
            return lang
    return "zh"


def words(request: Request) -> Words:
    return Words(lang_of(request))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template, with the language helpers and the navigation state."""
    w = words(request)
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    here = request.url.path + (f"?{query}" if query else "")
    response = templates.TemplateResponse(request, name, {**w.helpers(), "here": here, **context},
                                          status_code=status_code)
    response.headers["Content-Security-Policy"] = CSP
    return response


def engine_of(request: Request) -> Engine:
    """The engine the app loads at start-up (IndexMissing, a 503 page, while it is still loading)."""
    return current_engine(request)


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """The HTML error page people see for any error on a page path; never a traceback."""
    w = words(request)
    heading = w(f"error.{status_code}") if status_code in (400, 404, 503) else w("error.other")
    # 503 is the index still loading (or failing to): the page retries by itself.
    headers = {"Retry-After": "5"} if status_code == 503 else {}
    try:
        response = render(request, "error.html", status_code=status_code, status=status_code,
                          heading=heading, message=message, retry=bool(headers))
        response.headers.update(headers)
        return response
    except Exception:  # a broken template must not hide the error it reports
        log.exception("error page template failed")
        import html

        return HTMLResponse(f"<!doctype html><meta charset='utf-8'><title>{status_code}</title>"
                            f"<h1>{status_code} {html.escape(heading)}</h1><p>{html.escape(message)}</p>"
                            f"<p><a href='/'>{html.escape(w('error.back'))}</a></p>", status_code=status_code)


class PageRoute(APIRoute):
    """A page route: a domain error raised inside it becomes the HTML error page with its status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except CasebookError as exc:
                status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 500)
                return error_page(request, status, str(exc))

        return route


def page_router() -> APIRouter:
    return APIRouter(route_class=PageRoute, include_in_schema=False)


router = page_router()


@router.get("/assets/{name}")
def asset(name: str) -> FileResponse:
    """The pages' CSS and JavaScript (only files that are really in static/)."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise ItemNotFound(f"no asset called {name!r}")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=300"})


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str = "/") -> RedirectResponse:
    """Remember the language in a cookie and go back to the page the switch was pressed on."""
    if lang not in LANGS:
        raise ItemNotFound(f"no language {lang!r}; use zh or en")
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
