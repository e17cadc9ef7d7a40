"""The session pack as files: PowerPoint slides, a Word handout, and the pack file to save and open.

The pack page posts the pack (kept in localStorage) as a form, like the Markdown export; each route
reads it, resolves it against the library (an id the library does not have is a 400 that names it)
and makes the file with one library call.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from casebook.api.pages.pack import download_headers, posted_pack
from casebook.api.pages.web import engine_of, page_router
from casebook.export import FORMATS, export_pack
from casebook.pack import Pack, PackInvalid, pack_file_text, parse_pack, resolve

router = page_router()


def _download(data: bytes | str, pack: Pack, extension: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers=download_headers(pack, extension))


async def _export(request: Request, fmt: str) -> Response:
    pack = resolve(await posted_pack(request), engine_of(request).library, strict=True)
    data = await run_in_threadpool(export_pack, pack, fmt)  # a second or two of CPU: not on the event loop
    return _download(data, pack, fmt, FORMATS[fmt].media_type)


@router.post("/pack/export.pptx")
async def export_slides(request: Request) -> Response:
    """The pack as PowerPoint slides, downloaded."""
    return await _export(request, "pptx")


@router.post("/pack/export.docx")
async def export_handout(request: Request) -> Response:
    """The pack as a Word handout, downloaded."""
    return await _export(request, "docx")


@router.post("/pack/export.json")
async def save_pack_file(request: Request) -> Response:
    """The pack file itself, to keep, send to a colleague, open again or give to `casebook pack`."""
    posted = await posted_pack(request)
    pack = resolve(posted, engine_of(request).library)
    return _download(pack_file_text(posted), pack, "json", "application/json")


@router.post("/pack/open")
async def open_pack_file(request: Request) -> JSONResponse:
    """A pack file the browser read from disk, checked: the pack with each item's type and titles for
    the editor, or 400 with a message that says what is wrong (field, item id)."""
    raw = (await request.body()).decode("utf-8-sig", errors="replace")
    try:
        posted = parse_pack(raw, "the pack file")
        pack = resolve(posted, engine_of(request).library, strict=True, where="the pack file", raw=raw)
    except PackInvalid as exc:
        return JSONResponse({"message": str(exc)}, status_code=400)
    return JSONResponse({
        "title": posted.title, "audience": posted.audience,
        "date": posted.date.isoformat() if posted.date else "",
        "items": [{"id": p.item.id, "note": p.note, "type": p.item.type, "title": p.item.title,
                   "title_en": p.item.title_en} for p in pack.items]})
