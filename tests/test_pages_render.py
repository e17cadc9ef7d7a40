"""In-process checks behind the pages: sanitising, discussion prompts and the pack export."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document

from casebook.api.pages.i18n import Words
from casebook.catalog import commentary, discussion_prompts, theory_matrix
from casebook.errors import BadQuery
from casebook.export import export_pack
from casebook.export.markdown import pack_markdown
from casebook.loader import load_library
from casebook.pack import PackFile, ascii_filename, filename, parse_pack, resolve
from casebook.render import render_markdown
from casebook.settings import get_settings


@pytest.fixture(scope="module")
def library():
    return load_library(get_settings().library)


def test_render_markdown_drops_script_and_event_handlers():
    html = render_markdown('## 点评\n\n好<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">'
                           '\n\n[x](javascript:alert(3)) <b onclick="alert(4)">b</b>')
    assert "<h2>点评</h2>" in html and "<b>b</b>" in html
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "onclick"):
        assert bad not in html


def test_render_markdown_keeps_tables():
    assert "<table>" in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")


def test_commentary_is_the_dianping_and_bingfa_sections(library):
    headings = [h for h, _ in commentary(library.get("case-01-crm-hejiahuan-upsell"))]
    assert headings == ["点评", "营销兵法"]
    assert commentary(library.get("theory-crm")) == []


def test_discussion_prompts_quote_the_commentary_verbatim(library):
    case = library.get("case-01-crm-hejiahuan-upsell")
    prompts = discussion_prompts(case)
    assert 1 <= len(prompts) <= 5
    assert prompts[0].startswith("点评：“案例中,社区经理陈经理,关注老窖户的需求,致力于老客户的关系营销。”")
    quoted = [p.split("“", 1)[1].rsplit("”", 1)[0] for p in prompts]
    assert all(q in case.body for q in quoted)


def test_case_without_commentary_has_no_prompts(library):
    plain = next(c for c in library.of_type("case") if not commentary(c))
    assert discussion_prompts(plain) == []


def test_pack_markdown_keeps_order_notes_and_sources(library):
    request = PackFile.model_validate({"title": "培训", "items": [
        {"id": "theory-crm", "notes": "先讲"}, {"id": "case-01-crm-hejiahuan-upsell"}, {"id": "gone-item"}]})
    pack = resolve(request, library)
    text = pack_markdown(pack)
    assert text.startswith("# 培训\n")
    assert text.index("`theory-crm`") < text.index("`case-01-crm-hejiahuan-upsell`")
    assert "先讲" in text and "gone-item" in text
    assert text.count("出处 Source:") == 2
    assert filename(pack) == f"培训 {pack.day.isoformat()}.md"  # named after the title, dated


def test_a_file_name_keeps_the_title_but_drops_what_file_systems_forbid(library):
    pack = resolve(PackFile.model_validate({"title": ' 季度复盘: A/B "测试" ', "date": "2025-03-01", "items": []}),
                   library)
    assert filename(pack, "docx") == "季度复盘 A B 测试 2025-03-01.docx"
    assert ascii_filename(pack, "docx") == "casebook-pack-a-b-2025-03-01.docx"


def test_the_handout_names_the_kind_in_both_its_languages(library):
    story = library.get("case-01-crm-hejiahuan-upsell")
    pack = resolve(PackFile.model_validate({"title": "培训", "items": [{"id": story.id}]}), library)
    handout = Document(io.BytesIO(export_pack(pack, "docx")))
    kind_line = next(p.text for p in handout.paragraphs if p.text.endswith(f" · {story.id}"))
    assert story.kind == "story"
    assert kind_line == f"案例 Case · 故事 Story · {story.id}"  # as the pages say it, not the raw `story`


def test_english_pages_name_situations_and_products_by_their_english_labels(library):
    vocabulary = library.vocabulary
    situation, product = vocabulary.of_kind("situation")[0], vocabulary.of_kind("product")[0]
    english, chinese = Words("en"), Words("zh")
    assert english.concept(vocabulary, situation.label, "situation") == situation.label_en
    assert english.concept(vocabulary, situation.id, "situation") == situation.label_en  # a browse key
    assert chinese.concept(vocabulary, situation.label, "situation") == situation.label
    assert english.concept(vocabulary, product.label, "product") == product.label_en
    assert english.concept(vocabulary, "不在词表里的说法", "situation") == "不在词表里的说法"  # stays as written


def test_a_malformed_pack_is_a_bad_query():
    with pytest.raises(BadQuery):
        parse_pack("{not json")
    with pytest.raises(BadQuery):
        parse_pack(json.dumps({"items": [{"id": "x" * 500}]}))


def test_matrix_puts_theories_without_cases_last(library):
    matrix = theory_matrix(library)
    counts = [matrix.row_count(t.id) for t in matrix.theories]
    assert counts == sorted(counts, reverse=True)
    assert matrix.gaps == [t for t in matrix.theories if matrix.row_count(t.id) == 0]
