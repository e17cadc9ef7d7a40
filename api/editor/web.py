"""What the editor pages share: templates (beside the reading pages' base and macros), their words,
the signed-in check, and their static files at `/editor/assets/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from casebook.api.editor.auth import csrf_token, signed_in_editor
from casebook.api.editor.i18n import EditorWords
from casebook.api.pages.web import CSP, lang_of, page_router
from casebook.api.pages.web import templates as page_templates
from casebook.errors import ItemNotFound

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

templates = Jinja2Templates(directory=HERE / "templates")
# The editor's templates first, then the reading pages' (base.html, _macros.html), so the editor
# looks like the rest of the site and keeps its navigation and language switch.
templates.env.loader = ChoiceLoader([FileSystemLoader(HERE / "templates"), page_templates.env.loader])
templates.env.trim_blocks = templates.env.lstrip_blocks = True  # the form has a thousand options: no blank lines

router = page_router()


def words(request: Request) -> EditorWords:
    return EditorWords(lang_of(request))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """An editor page from its template, with the language helpers, the signed-in editor and the
    session's CSRF token (every form and every change the page's script sends carries it)."""
    w = words(request)
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    here = request.url.path + (f"?{query}" if query else "")
    response = templates.TemplateResponse(request, name, {
        **w.helpers(), "here": here, "nav": "editor", "editor": signed_in_editor(request),
        "csrf": csrf_token(request.session), **context}, status_code=status_code)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"  # a page with a CSRF token and unsaved work is never cached
    return response


@router.get("/editor/assets/{name}")
def asset(name: str) -> FileResponse:
    """The editor's CSS and JavaScript (only files that are really in static/)."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise ItemNotFound(f"no asset called {name!r}")
    return FileResponse(path, headers={"Cache-Control": "no-cache"})
