"""The pack page's file routes on the real server: slides, handout and the pack file itself."""

from __future__ import annotations

import io
import json
from email.message import Message

from docx import Document
from pptx import Presentation

from casebook.export import FORMATS

CASE = "case-01-crm-hejiahuan-upsell"
SCRIPT = "script-retention-probing-questions"
PACK = {"title": "Retention workshop", "audience": "社区经理", "date": "2025-03-01",
        "items": [{"id": CASE, "note": "先问学员"}, {"id": SCRIPT, "note": ""}]}


def post_form(anonymous, path: str, pack: dict):
    return anonymous.post(path, data={"pack": json.dumps(pack, ensure_ascii=False)})


def download_names(response) -> tuple[str, str]:
    """(the name a browser saves: RFC 5987 `filename*`, the ASCII `filename` fallback) of a download,
    each decoded by the standard library's RFC 2231 reader (it takes the first of the two when both
    are in one header, so each is read on its own)."""
    disposition, _, extended = response.headers["content-disposition"].partition("; filename*=")
    names = []
    for value in (f"attachment; filename*={extended}", disposition):
        header = Message()
        header["Content-Disposition"] = value
        names.append(header.get_filename())
    return names[0], names[1]


def test_slides_download_as_a_pptx_file(anonymous):
    response = post_form(anonymous, "/pack/export.pptx", PACK)
    assert response.status_code == 200
    assert response.headers["content-type"] == FORMATS["pptx"].media_type
    assert download_names(response) == ("Retention workshop 2025-03-01.pptx",
                                        "casebook-pack-retention-workshop-2025-03-01.pptx")
    deck = Presentation(io.BytesIO(response.content))
    texts = [sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame]
    assert "Retention workshop" in texts and any("客户关系管理" in t for t in texts)


def test_the_handout_downloads_as_a_docx_file(anonymous):
    response = post_form(anonymous, "/pack/export.docx", PACK)
    assert response.status_code == 200
    assert response.headers["content-type"] == FORMATS["docx"].media_type
    handout = Document(io.BytesIO(response.content))
    assert any(p.text.startswith("1. 客户关系管理") for p in handout.paragraphs)


def test_a_download_is_named_after_a_chinese_title_with_an_ascii_fallback(anonymous):
    pack = {**PACK, "title": "老客户维系：专题/培训"}  # `/` and `：` are fine in a title, `/` not in a file name
    response = post_form(anonymous, "/pack/export.md", pack)
    assert response.status_code == 200
    name, fallback = download_names(response)
    assert name == "老客户维系：专题 培训 2025-03-01.md"
    assert fallback == "casebook-pack-2025-03-01.md" and fallback.isascii()


def test_an_export_with_an_unknown_item_is_a_400_that_names_it(anonymous):
    response = post_form(anonymous, "/pack/export.pptx", {"items": [{"id": CASE}, {"id": "case-gone-away"}]})
    assert response.status_code == 400
    assert "items[1].id" in response.text and "case-gone-away" in response.text


def test_the_pack_file_saves_and_opens_again(anonymous):
    saved = post_form(anonymous, "/pack/export.json", PACK)
    assert saved.status_code == 200 and download_names(saved)[0] == "Retention workshop 2025-03-01.json"
    assert json.loads(saved.text) == PACK
    opened = anonymous.post("/pack/open", content=saved.content, headers={"Content-Type": "application/json"})
    assert opened.status_code == 200
    body = opened.json()
    assert body["title"] == "Retention workshop" and body["date"] == "2025-03-01"
    assert [(i["id"], i["type"], i["note"]) for i in body["items"]] == [(CASE, "case", "先问学员"), (SCRIPT, "script", "")]
    assert body["items"][0]["title"].startswith("客户关系管理")


def test_opening_a_broken_pack_file_says_what_is_wrong(anonymous):
    for raw, words in (('{"title": "x", "items": [', "not JSON"),
                       ('{"items": [{"note": "x"}]}', "items[0].id: Field required"),
                       ('{"items": [{"id": "case-gone-away"}]}', "case-gone-away")):
        response = anonymous.post("/pack/open", content=raw.encode(), headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert words in response.json()["message"]
