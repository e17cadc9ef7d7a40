"""What every reading page shares: templates, words, the engine, the language switch, static files
and the HTML error page (what the editor's pages share with them too is in api/html_pages.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from casebook.api.deps import current_engine
from casebook.api.html_pages import LANG_COOKIE, LANGS, lang_of, local_path, render_page, static_file
from casebook.api.pages.i18n import Words
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
TEMPLATES = HERE / "templates"
log = logging.getLogger("casebook.pages")

templates = Jinja2Templates(directory=TEMPLATES)

STATUS_OF: dict[type[CasebookError], int] = {ItemNotFound: 404, BadQuery: 400, IndexMissing: 503,
                                              LibraryError: 503, UnknownRequest: 404, NotInAnswer: 422}


def words(request: Request) -> Words:
    return Words(lang_of(request))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template, with the language helpers and the navigation state."""
    return render_page(templates, request, name, words(request).helpers(), status_code, **context)


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
    return static_file(STATIC, name, "public, max-age=300")


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str = "/") -> RedirectResponse:
    """Remember the language in a cookie and go back to the page the switch was pressed on."""
    if lang not in LANGS:
        raise ItemNotFound(f"no language {lang!r}; use zh or en")
    response = RedirectResponse(local_path(next, "/"), status_code=303)
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
