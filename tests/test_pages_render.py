"""In-process checks behind the pages: sanitising, discussion prompts and the pack export."""

from __future__ import annotations

import json

import pytest

from casebook.catalog import commentary, discussion_prompts, theory_matrix
from casebook.errors import BadQuery
from casebook.export.markdown import pack_markdown
from casebook.loader import load_library
from casebook.pack import PackFile, filename, parse_pack, resolve
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
    assert filename(pack).startswith("casebook-pack-session-") and filename(pack).endswith(".md")


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
