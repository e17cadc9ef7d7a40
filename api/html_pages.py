"""What every HTML page shares, the reading pages' (api/pages/) and the editor's (api/editor/):
the site's languages and the switch's cookie, the content-security policy, a template rendered as
a page, a folder's static files, and where a page may send the browser next.

Nothing here knows a page's words or templates: each face passes its own. (The HTML error page is
the reading pages' own, api/pages/web.py, and the editor's routes use it too.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from casebook.errors import ItemNotFound

LANGS = ("zh", "en")
LANG_COOKIE = "casebook_lang"

# Defence in depth behind the sanitiser: only the pages' own files may run or load.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def lang_of(request: Request) -> str:
    """`?lang=` first, then the cookie the switch sets; Chinese by default."""
    for lang in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if lang in LANGS:
            return lang
    return "zh"


def render_page(templates: Jinja2Templates, request: Request, name: str, helpers: dict[str, Callable[..., str] | str],
                status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template with the words' `helpers`, `here` (this page's address without
    `?lang=`, for the language switch) and `context`, under the content-security policy."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    here = request.url.path + (f"?{query}" if query else "")
    response = templates.TemplateResponse(request, name, {**helpers, "here": here, **context},
                                          status_code=status_code)
    response.headers["Content-Security-Policy"] = CSP
    return response


def static_file(folder: Path, name: str, cache_control: str) -> FileResponse:
    """A CSS or JavaScript file of `folder` (only a file that is really there, by its bare name)."""
    path = folder / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise ItemNotFound(f"no asset called {name!r}")
    return FileResponse(path, headers={"Cache-Control": cache_control})


def local_path(target: str | None, default: str) -> str:
    """Where to send the browser next: a path on this site only, never another site (`//host`,
    `/\\host`), else `default`."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
