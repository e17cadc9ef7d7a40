"""`GET /v1/items` (a page of items, filtered) and `GET /v1/items/{id}` (one item as it is on disk,
with its ETag; Markdown and HTML, or the file itself)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from casebook import editing
from casebook.api import examples
from casebook.api.deps import ApiKey, EngineDep
from casebook.api.schemas import ItemDetail, ItemPage, ItemSummary, error_responses, example_response
from casebook.model import ID_PATTERN, FrontMatter, ItemType
from casebook.render import render_markdown
from casebook.search import Filters

router = APIRouter(prefix="/v1", tags=["items"], dependencies=[ApiKey])


@router.get("/items", response_model=ItemPage,
            responses={**example_response(examples.ITEM_PAGE), **error_responses(401, 422, 503)})
def list_items(
    engine: EngineDep,
    type: Annotated[ItemType | None, Query(description="Only items of this type.", examples=["case"])] = None,
    tag: Annotated[str | None, Query(max_length=80, examples=["arrears"], description=(
        "Only items with this tag: a tag concept id of `GET /v1/vocabulary` (or any of its synonyms); "
        "an unknown one is a 422 naming the closest."))] = None,
    offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 20,
) -> ItemPage:
    """Items in library order, `limit` at a time; `total` counts every match."""
    found = engine.listed(Filters(types=[type] if type else [], tags=[tag] if tag else []))
    page = [ItemSummary.model_validate(i, from_attributes=True) for i in found[offset:offset + limit]]
    return ItemPage(total=len(found), offset=offset, limit=limit, items=page)


@router.get("/items/{item_id}", response_model=ItemDetail, responses={
    **example_response(examples.ITEM_DETAIL), **error_responses(401, 404, 422, 503),
    200: {"content": {"application/json": {"example": examples.ITEM_DETAIL},
                      "text/markdown": {"schema": {"type": "string"}}},
          "headers": {"ETag": {"description": "The version of the item file: send it as `If-Match` to change it.",
                               "schema": {"type": "string"}}}}})
def get_item(
    engine: EngineDep,
    request: Request,
    item_id: Annotated[str, Path(pattern=ID_PATTERN, max_length=80, examples=["theory-sincere-marketing"],
                                 description="Lower-case ASCII words joined by `-`.")],
) -> Response:
    """One item as it is on disk now: its front matter, the Markdown body, the body as sanitised
    HTML, and its backlinks; with `Accept: text/markdown`, the file itself. The `ETag` header is
    the file's version, for `If-Match` on PUT and DELETE."""
    known = engine.library.get(item_id)
    # The library the served index was built from: `settings.library`, or an artifact's own copy.
    path, data = editing.read_item_file(engine.library.root, item_id, hint=known.path if known else None)
    headers = {"ETag": f'"{editing.etag_of(data)}"'}
    if "text/markdown" in request.headers.get("accept", ""):
        return Response(data, media_type="text/markdown; charset=utf-8", headers=headers)
    item = editing.parse_item_file(data, path)
    detail = ItemDetail(
        id=item.id, type=item.type, path=item.path, markdown=item.body, html=render_markdown(item.body),
        front_matter=FrontMatter.model_validate(item.model_dump(exclude={"body", "path"})),
        backlinks=[i.id for i in engine.library.linking_to(item.id)],
    )
    return JSONResponse(detail.model_dump(mode="json"), headers=headers)
