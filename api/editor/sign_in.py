"""Signing in and out of the editor pages (`/editor/sign-in`, `/editor/sign-out`)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import anyio.to_thread
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casebook.api.editor.auth import CSRF_FIELD, EditorAccounts, csrf_valid, start_session
from casebook.api.editor.web import render
from casebook.api.html_pages import local_path
from casebook.api.pages.web import page_router

router = page_router()


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of a urlencoded form (the editor's forms send nothing else)."""
    body = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    return local_path(target, "/editor")


def sign_in_page(request: Request, next_path: str, status_code: int = 200, error: str | None = None) -> HTMLResponse:
    accounts: EditorAccounts = request.app.state.editor_accounts
    return render(request, "sign_in.html", status_code=status_code, next=safe_next(next_path),
                  enabled=accounts.enabled, error=error)


@router.get("/editor/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = "/editor") -> HTMLResponse:
    return sign_in_page(request, next)


@router.post("/editor/sign-in")
async def sign_in(request: Request) -> Response:
    """Check a name and password (the user list) or an editor key; on success a new session (and
    CSRF token) and back to the page the editor came from. A wrong credential gets 401 and the
    form again, never a hint which part was wrong."""
    fields = await form_fields(request)
    next_path = fields.get("next", "/editor")
    if not csrf_valid(request.session, fields.get(CSRF_FIELD)):
        return sign_in_page(request, next_path, 403, "signin.expired")
    accounts: EditorAccounts = request.app.state.editor_accounts
    if fields.get("key"):
        found = accounts.by_key(fields["key"])
    else:  # scrypt takes tens of milliseconds: off the event loop
        found = await anyio.to_thread.run_sync(accounts.by_password, fields.get("name", "").strip(),
                                               fields.get("password", ""))
    if found is None:
        return sign_in_page(request, next_path, 401, "signin.failed")
    start_session(request.session, found)
    return RedirectResponse(safe_next(next_path), status_code=303)


@router.post("/editor/sign-out")
async def sign_out(request: Request) -> Response:
    fields = await form_fields(request)
    if not csrf_valid(request.session, fields.get(CSRF_FIELD)):
        return sign_in_page(request, "/editor", 403, "signin.expired")
    request.session.clear()
    return RedirectResponse("/editor/sign-in", status_code=303)
