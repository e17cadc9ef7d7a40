"""What the editor pages share: templates (beside the reading pages' base and macros), their words,
the signed-in check, and their static files at `/editor/assets/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from casebook.api.editor.auth import csrf_token, signed_in_editor
from casebook.api.editor.i18n import EditorWords
from casebook.api.html_pages import lang_of, render_page, static_file
from casebook.api.pages.web import TEMPLATES as PAGE_TEMPLATES
from casebook.api.pages.web import page_router

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

# The editor's templates first, then the reading pages' (base.html, _macros.html), so the editor
# looks like the rest of the site and keeps its navigation and language switch.
templates = Jinja2Templates(directory=[HERE / "templates", PAGE_TEMPLATES])
templates.env.trim_blocks = templates.env.lstrip_blocks = True  # the form has a thousand options: no blank lines

router = page_router()


def words(request: Request) -> EditorWords:
    return EditorWords(lang_of(request))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """An editor page from its template, with the language helpers, the signed-in editor and the
    session's CSRF token (every form and every change the page's script sends carries it)."""
    response = render_page(templates, request, name, words(request).helpers(), status_code, nav="editor",
                           editor=signed_in_editor(request), csrf=csrf_token(request.session), **context)
    response.headers["Cache-Control"] = "no-store"  # a page with a CSRF token and unsaved work is never cached
    return response


@router.get("/editor/assets/{name}")
def asset(name: str) -> FileResponse:
    """The editor's CSS and JavaScript (only files that are really in static/)."""
    return static_file(STATIC, name, "no-cache")
