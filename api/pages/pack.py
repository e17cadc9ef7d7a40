"""The session pack: edited in the browser (localStorage), exported here as Markdown or print HTML.

The browser posts `pack=<json>` as an ordinary form; item content always comes from the library.
The pack file and the PowerPoint and Word exports are in pack_files.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from casebook.api.pages.web import engine_of, page_router, render
from casebook.export import FORMATS, export_pack
from casebook.pack import Pack, PackFile, ascii_filename, filename, parse_pack, resolve, source_line

router = page_router()


async def posted_pack(request: Request) -> PackFile:
    """The pack in a form post (`pack` field) or a JSON body."""
    body = (await request.body()).decode("utf-8", errors="replace")
    if request.headers.get("content-type", "").startswith("application/json"):
        return parse_pack(body)
    return parse_pack(parse_qs(body).get("pack", ["{}"])[0])


def download_headers(pack: Pack, extension: str) -> dict[str, str]:
    """Content-Disposition naming the download after the pack's title (RFC 6266): `filename*` in
    UTF-8 (RFC 5987) for the Chinese title, and an ASCII `filename` for clients that cannot read it."""
    name, fallback = filename(pack, extension), ascii_filename(pack, extension)
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"}


@router.get("/pack", response_class=HTMLResponse)
def pack_page(request: Request) -> HTMLResponse:
    """The pack editor; pack.js fills it from localStorage."""
    return render(request, "pack.html")


@router.post("/pack/export.md")
async def export_markdown(request: Request) -> Response:
    """The pack as one Markdown file, downloaded (items the library no longer has are listed at the end)."""
    pack = resolve(await posted_pack(request), engine_of(request).library)
    return Response(export_pack(pack, "md"), media_type=FORMATS["md"].media_type,
                    headers=download_headers(pack, "md"))


@router.post("/pack/print", response_class=HTMLResponse)
async def print_view(request: Request) -> HTMLResponse:
    """The pack as a print-ready page: one item a page, source under each, prints to PDF."""
    from casebook.render import render_markdown

    pack = resolve(await posted_pack(request), engine_of(request).library)
    bodies = {p.item.id: render_markdown(p.item.body) for p in pack.items}
    return render(request, "pack_print.html", pack=pack, bodies=bodies, source_line=source_line)
