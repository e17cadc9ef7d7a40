"""The editor pages: the list of items (`/editor`), the form to create one (`/editor/new`) or edit
one (`/editor/items/{id}`), and the Markdown preview the form asks for.

The form is filled on the server from the item's file as it is on disk (with its ETag); saving
and checking are the page script's calls to the editing API (`PUT /v1/items/{id}`,
`POST /v1/items/{id}/validate`), so every rule stays in one place.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from casebook import editing
from casebook.api.editor.auth import CSRF_HEADER, csrf_valid, sign_in_redirect, signed_in_editor
from casebook.api.editor.choices import picker_groups
from casebook.api.editor.web import render, words
from casebook.api.pages.web import engine_of, page_router
from casebook.errors import BadQuery
from casebook.lint import front_and_offset
from casebook.model import KINDS
from casebook.render import render_markdown

TYPES = ("case", "theory", "script")
PREVIEW_LIMIT = 200_000  # characters; an item body is a few thousand

router = page_router()


@router.get("/editor", response_class=HTMLResponse)
def editor_home(request: Request) -> Response:
    """Every item, by type, with a link to edit it; buttons to add one."""
    if signed_in_editor(request) is None:
        return sign_in_redirect(request.url.path)
    library = engine_of(request).library
    groups = [(t, sorted(library.of_type(t), key=lambda i: i.id)) for t in TYPES]
    return render(request, "home.html", groups=groups, drafts=sorted(library.drafts, key=lambda i: i.id))


@router.get("/editor/new", response_class=HTMLResponse)
def new_item(request: Request, type: str = "case") -> Response:
    if signed_in_editor(request) is None:
        return sign_in_redirect(str(request.url.path) + f"?type={type}")
    item_type = type if type in TYPES else "case"
    return edit_form(request, item_id="", front={"type": item_type}, body="", etag=None)


@router.get("/editor/items/{item_id}", response_class=HTMLResponse)
def edit_item(request: Request, item_id: str) -> Response:
    """The form for an item, from its file on disk now (not the index, which may lag a save)."""
    if signed_in_editor(request) is None:
        return sign_in_redirect(request.url.path)
    known = engine_of(request).library.get(item_id)
    settings = request.app.state.settings
    _, data = editing.read_item_file(settings.library, item_id, hint=known.path if known else None)
    front, body = split_file(data.decode("utf-8", "replace"))
    return edit_form(request, item_id=item_id, front=front, body=body, etag=editing.etag_of(data))


def split_file(text: str) -> tuple[dict[str, Any], str]:
    """An item file's front matter as it is written (keys the schema does not know yet are kept,
    so a save from the form never drops them) and its body."""
    head, body_line = front_and_offset(text)
    try:
        front = yaml.safe_load(head.removeprefix("---")) or {}
    except yaml.YAMLError as exc:
        raise BadQuery(f"the item's file does not parse ({exc}); fix it with `casebook lint`") from None
    if not isinstance(front, dict):
        raise BadQuery("the item's front matter is not a mapping; fix it with `casebook lint`")
    body = "\n".join(text.lstrip("\ufeff").splitlines()[body_line - 1:])
    return json.loads(json.dumps(front, ensure_ascii=False, default=str)), body.strip("\n")


def edit_form(request: Request, item_id: str, front: dict[str, Any], body: str, etag: str | None) -> HTMLResponse:
    w = words(request)
    library = engine_of(request).library
    data = {"id": item_id, "etag": etag, "front_matter": front, "kinds": KINDS,
            "kind_labels": {k: w.label("kind", k) for kinds in KINDS.values() for k in kinds}, "words": w.script_words()}
    return render(request, "edit.html", item_id=item_id, front=front, body=body, etag=etag, data=data,
                  types=TYPES, kinds=KINDS, pickers=picker_groups(library, w),
                  review=[f for f in front.get("review") or [] if isinstance(f, str)],
                  outcomes=["success", "partial", "failure", "unknown"])


@router.post("/editor/preview")
async def preview(request: Request) -> Response:
    """The Markdown of the body field as sanitised HTML, rendered as the item page renders it."""
    if signed_in_editor(request) is None:
        return JSONResponse({"message": "sign in to the editor pages first"}, status_code=401)
    if not csrf_valid(request.session, request.headers.get(CSRF_HEADER)):
        return JSONResponse({"message": f"send the page's CSRF token in {CSRF_HEADER}; reload the page"},
                            status_code=403)
    text = (await request.body()).decode("utf-8", "replace")[:PREVIEW_LIMIT]
    return JSONResponse({"html": render_markdown(text)})
