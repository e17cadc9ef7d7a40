"""Intake without the engine: readers recognise files by content, the splitter finds each way of
heading a case, the cleaner drops page furniture and nothing else. Real documents, built here."""

from __future__ import annotations

import pytest
from documents import build_docx, collection_cases, direct_sales_cases, handbook_chapters
from helpers import SEEDS

from casebook.importers import SourceFile, import_documents
from casebook.importers.clean import clean
from casebook.importers.registry import reader_for
from casebook.importers.split import split
from casebook.loader import Library
from casebook.personal_numbers import personal_numbers

pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents live in ../shared/seeds")
EMPTY = Library(root=SEEDS, items=[])


def test_a_word_file_is_recognised_by_its_content_whatever_its_name(tmp_path):
    path = build_docx(tmp_path / "cases.docx", "案例", collection_cases()[:2])
    renamed = SourceFile("export.bin", path.read_bytes())
    assert reader_for(renamed).name == "docx"
    report = import_documents([renamed], EMPTY)
    assert [d.title for d in report.drafts] == ["进攻性竞争策略", "数据库营销为本,有效沟通解决难题"]


def test_text_that_is_not_a_document_is_refused_by_name():
    report = import_documents([SourceFile("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)], EMPTY)
    assert [(p.reason, p.message) for p in report.problems] == \
        [("not-a-document", "not a document casebook reads (Word (.docx), PowerPoint (.pptx), PDF, "
                            "web pages (.html), Markdown and text)")]


@pytest.mark.parametrize("heading", ["## 案例一：{}", "## 案例1 {}", "【案例】{}", "[案例]3----{}", "**案例 2：{}**"])
def test_each_way_of_heading_a_case_starts_a_draft(heading):
    cases = direct_sales_cases()[:2]
    text = "# 直销渠道\n\n" + "\n\n".join(heading.format(c.heading) + "\n\n" + "\n\n".join(c.paragraphs)
                                         for c in cases)
    document = split(clean(text))
    assert [s.title for s in document.sections] == [c.heading for c in cases]
    assert document.title == "直销渠道"


def test_a_case_word_on_its_own_line_takes_the_next_line_as_title():
    cases = direct_sales_cases()
    text = "\n\n".join(f"案例\n\n{c.heading}\n\n{c.paragraphs[0]}" for c in cases)
    assert [s.title for s in split(text).sections] == [c.heading for c in cases]


def test_numbered_sections_split_when_no_case_heading_is_found():
    cases = direct_sales_cases()
    text = "\n\n".join(f"## {n}、{c.heading}\n\n{c.paragraphs[0]}" for n, c in zip("一二三", cases))
    assert len(split(text).sections) == 3


def test_a_numbered_section_is_titled_without_its_number_and_keeps_it_in_its_heading():
    cases = direct_sales_cases()
    text = "\n\n".join(f"## {n}{c.heading}\n\n{c.paragraphs[0]}" for n, c in zip(("一、", "第二章 ", "（三）"), cases))
    sections = split(text).sections
    assert [s.title for s in sections] == [c.heading for c in cases]
    assert [s.heading for s in sections] == [f"一、{cases[0].heading}", f"第二章 {cases[1].heading}",
                                             f"（三）{cases[2].heading}"]


def handbook_with_chapters_and_cases(case_subheading: str = "") -> tuple[str, list[tuple[str, str]]]:
    """A handbook's Markdown: 第一章 theory, 案例一 story, 第二章 theory, 案例二 story (seed text);
    and its parts as (title, text)."""
    (_, theory5), (_, theory4), (_, story5), (heading4, story4) = handbook_chapters()
    parts = [("真诚营销", theory5), ("租户搬走、房东难找", story5), ("数据库营销", theory4),
             (heading4.split("、", 1)[1], story4)]
    headings = ["第一章 ", "案例一：", "第二章 ", "案例二："]
    text = "# 社区经理营销手册\n\n" + "\n\n".join(
        f"## {number}{title}\n\n{case_subheading if number.startswith('案例') else ''}{body}"
        for number, (title, body) in zip(headings, parts))
    return text, parts


def test_a_chapter_between_cases_is_a_section_of_its_own_not_part_of_the_case_before():
    text, parts = handbook_with_chapters_and_cases()
    document = split(text)
    assert [(s.title, s.body) for s in document.sections] == parts
    assert document.unplaced == [] and document.title == "社区经理营销手册"


def test_a_cases_own_numbered_sub_headings_stay_in_the_case():
    text, parts = handbook_with_chapters_and_cases(case_subheading="### 一、经过\n\n")
    assert [s.title for s in split(text).sections] == [title for title, _ in parts]


def test_a_document_without_headings_is_one_case():
    case = direct_sales_cases()[0]
    document = split(clean(f"{case.heading}\n\n" + "\n\n".join(case.paragraphs)))
    assert [(s.title, s.body) for s in document.sections] == [(case.heading, "\n\n".join(case.paragraphs))]


def test_cleaner_drops_page_numbers_continuations_and_contents_but_keeps_the_text():
    paragraph = direct_sales_cases()[0].paragraphs[0]
    text = f"目录\n\n案例1 徐州........3\n\n{paragraph}\n\n（下转第2页）\n\n- 2 -\n\n第 3 页\n\n12\n\n上一篇：电信营销"
    assert clean(text) == paragraph + "\n"


def test_a_web_page_loses_its_menus_and_chrome(tmp_path):
    cases = direct_sales_cases()[:2]
    page = ("<!DOCTYPE html><html><head><title>团队营销案例</title></head><body>"
            "<nav><a href='/'>首页</a> <a href='/cases'>营销案例</a></nav>"
            "<div class='breadcrumb'>您现在的位置：首页 &gt; 案例</div><article>"
            + "".join(f"<h2>案例{n + 1}：{c.heading}</h2>" + "".join(f"<p>{p}</p>" for p in c.paragraphs)
                      for n, c in enumerate(cases))
            + "<p>上一篇：电信营销方案</p></article><footer>版权所有 © 2014</footer></body></html>")
    report = import_documents([SourceFile("cases.html", page.encode())], EMPTY)
    assert [d.title for d in report.drafts] == [c.heading for c in cases]
    markdown = "".join(d.markdown for d in report.drafts)
    for chrome in ("首页", "您现在的位置", "上一篇", "版权所有"):
        assert chrome not in markdown
    assert all(p in markdown for c in cases for p in c.paragraphs)


def test_an_unreadable_zip_named_docx_is_reported_not_raised():
    report = import_documents([SourceFile("broken.docx", b"PK\x03\x04" + b"\x00" * 100)], EMPTY)
    assert [p.reason for p in report.problems] == ["not-a-document"] and not report.drafts


def test_phone_and_id_numbers_are_masked_before_a_draft_is_stored():
    text = "客户手机13912345678，身份证号110105198001011234，家中电话020-87654321，欠费19个月。"
    assert clean(text) == "客户手机139XXXX5678，身份证号110105XXXXXXXX1234，家中电话020-87XXXX21，欠费19个月。\n"


def test_the_intake_masks_every_way_of_writing_a_number_the_event_store_masks_and_lint_accepts_it():
    text = "备用号+86 139 1234 5678，公司电话(020)87654321转123，家里 010 62345678，房东座机：83371269，老证430102850101123"
    masked = clean(text)
    assert masked == ("备用号+86 139 XXXX 5678，公司电话(020)87XXXX21转123，家里 010 62XXXX78，房东座机：83XXXX69，"
                      "老证430102XXXXXX123\n")
    assert personal_numbers(text) and not personal_numbers(masked)
