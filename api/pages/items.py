"""The item page (`/items/{id}`): the Markdown rendered and sanitised, annotations, links and backlinks."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from casebook.api.middleware import SANE_REQUEST_ID
from casebook.api.pages.web import engine_of, page_router, render
from casebook.catalog import discussion_prompts, links
from casebook.errors import ItemNotFound

router = page_router()


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: str, rid: str = "") -> HTMLResponse:
    """One item as a trainer reads it; `rid` is the answer it was opened from (feedback.js says so)."""
    from casebook.render import render_markdown

    library = engine_of(request).library
    item = library.get(item_id)
    if item is None:
        raise ItemNotFound(f"no item has id {item_id!r}; search for it or browse the library")
    prompts = discussion_prompts(item) if item.type == "case" else []
    return render(request, "item.html", item=item, body=render_markdown(item.body), links=links(item, library),
                  prompts=prompts, vocabulary=library.vocabulary, feedback_rid=rid if SANE_REQUEST_ID.fullmatch(rid) else "")
