"""The editor's import page (`/editor/import`): upload Word, PowerPoint or PDF files, see the drafts
`POST /v1/imports` makes of them, and open one in the new-item form (`POST /editor/draft`).

The page's script sends the files to the API with the session's CSRF token, as the form's script
sends a save; nothing is written until the trainer reviews a draft and saves it with the form.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from casebook.api.editor.auth import CSRF_FIELD, csrf_valid, sign_in_redirect, signed_in_editor
from casebook.api.editor.pages import TYPES, edit_form, split_file
from casebook.api.editor.sign_in import sign_in_page
from casebook.api.editor.web import render, words
from casebook.api.pages.web import page_router
from casebook.errors import BadQuery

router = page_router()


@router.get("/editor/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    if signed_in_editor(request) is None:
        return sign_in_redirect(request.url.path)
    return render(request, "import.html", words_json=words(request).script_words(),
                  max_upload_bytes=request.app.state.settings.max_upload_bytes)


@router.post("/editor/draft", response_class=HTMLResponse)
async def open_draft(request: Request) -> Response:
    """The new-item form filled from a draft's Markdown file (front matter and body), as the form
    for an item on disk is filled; its `review:` list shows as fields to tick off before saving."""
    if signed_in_editor(request) is None:
        return sign_in_redirect("/editor/import")
    fields = await request.form()
    if not csrf_valid(request.session, _text(fields.get(CSRF_FIELD))):
        return sign_in_page(request, "/editor/import", 403, "signin.expired")
    front, body = split_file(_text(fields.get("markdown")))
    if front.get("type") not in TYPES:
        raise BadQuery(f"the draft's type must be one of {', '.join(TYPES)}")
    return edit_form(request, item_id="", front=front, body=body, etag=None)


def _text(value: str | UploadFile | None) -> str:
    return value if isinstance(value, str) else ""
