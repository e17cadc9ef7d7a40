"""Laying a story out over slides, on every item of the library (in process, no LibreOffice): the text
kept whole, cut only between sentences, each slide within its frame by the fit estimate."""

from __future__ import annotations

import pytest

from casebook.export import pptx_kit
from casebook.export.content import body_blocks, sentences
from casebook.export.fit import FILL, LATIN_EM, Frame, Style, line_count
from casebook.export.flow import Para, fits, flow_story, flow_units
from casebook.export.pptx import BODY, STORY
from casebook.loader import load_library
from casebook.pack import PackFile, PackInvalid, pack_file_text, parse_pack, resolve
from casebook.settings import get_settings

FRAME = pptx_kit.inner(*BODY[2:])


@pytest.fixture(scope="module")
def library():
    return load_library(get_settings().library)


@pytest.fixture(scope="module")
def layouts(library):
    return {item.id: (body_blocks(item.body), flow_story(body_blocks(item.body), STORY, FRAME))
            for item in library.items}


def test_a_line_holds_one_full_width_character_per_em():
    room = int(FRAME.width * FILL / 20)  # ems on a line of 20 pt text
    assert line_count("客" * room, 20, FRAME.width) == 1
    assert line_count("客" * (room + 1), 20, FRAME.width) == 2
    assert line_count("客" * (3 * room), 20, FRAME.width) == 3


def test_latin_letters_are_narrower_than_chinese_and_words_do_not_break():
    room = int(FRAME.width * FILL / 20)
    assert line_count("a" * (room + 1), 20, FRAME.width) == 1
    word = "x" * int(room / LATIN_EM)
    assert line_count(word, 20, FRAME.width) == 1
    assert line_count("ab " + word, 20, FRAME.width) == 2


def test_every_story_keeps_its_text_whole_over_its_slides(layouts):
    for item_id, (blocks, pages) in layouts.items():
        laid = "".join(p.text for page in pages for p in page)
        assert laid == "".join(b.text for b in blocks), item_id


def test_every_story_slide_fits_its_frame_by_the_estimate(layouts):
    for item_id, (_, pages) in layouts.items():
        assert all(fits(page, FRAME) for page in pages), item_id


def test_stories_are_cut_between_sentences_only(layouts):
    for item_id, (blocks, pages) in layouts.items():
        ends = {s for b in blocks for s in sentences(b.text)}  # what a slide may end a paragraph with
        for page in pages[:-1]:
            last = page[-1].text
            assert any(last.endswith(s) for s in ends), (item_id, last[-20:])


def test_a_story_slide_never_ends_with_a_heading(layouts):
    for item_id, (_, pages) in layouts.items():
        assert all(page[-1].kind != "heading" for page in pages[:-1]), item_id


def test_units_are_never_cut_and_a_title_stays_with_what_follows():
    style = Style(18, 27, space_before=12)
    units = []
    for n in range(12):
        units.append(Para(f"第{n}个标题", style, keep_with_next=True))
        units.append(Para("说明文字" * 30, style))
    pages = flow_units(units, Frame(600, 300))
    assert len(pages) > 1
    assert [p for page in pages for p in page] == units
    assert all(not page[-1].keep_with_next for page in pages)


def test_a_pack_file_round_trips(library):
    request = PackFile.model_validate({"title": "培训", "audience": "社区经理", "date": "2025-03-01",
                                       "items": [{"id": "theory-crm", "note": "先讲\n再问"}]})
    assert parse_pack(pack_file_text(request)) == request


def test_a_pack_from_the_pages_before_pack_files_still_reads():
    request = parse_pack('{"title": "x", "items": [{"id": "theory-crm", "notes": "old spelling", "type": "theory"}]}')
    assert request.items[0].note == "old spelling" and request.date is None


def test_an_unknown_id_in_a_strict_pack_names_its_place(library):
    raw = '{"items": [\n {"id": "theory-crm"},\n {"id": "no-such-item"}\n]}'
    with pytest.raises(PackInvalid, match=r"pack.json:3: items\[1\]\.id: no item 'no-such-item'"):
        resolve(parse_pack(raw, "pack.json"), library, strict=True, where="pack.json", raw=raw)
    assert resolve(parse_pack(raw), library).missing == ["no-such-item"]


@pytest.mark.parametrize(("raw", "message"), [
    ('{"items": "x"}', "items: Input should be a valid list"),
    ('{"title": "t"}', "items: Field required"),
    ('{"items": [{"id": "a", "note": 1}]}', r"items\[0\]\.note: Input should be a valid string"),
    ('{"items": [], "date": "March"}', "date: Input should be a valid date"),
    ('["x"]', "a pack is a JSON object"),
    ('{"items": [,]}', r"pack.json:1:\d+: not JSON"),
])
def test_a_malformed_pack_names_what_is_wrong(raw, message):
    with pytest.raises(PackInvalid, match=message):
        parse_pack(raw, "pack.json")
