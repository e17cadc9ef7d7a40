"""A trainer imports a handbook the library already holds in part: each draft names the items whose
text it repeats, so its cases are not published a second time under new ids; and drafts never
take a published item's id (written, --force would have overwritten it; returned, the import
page offered an id that is taken).

Core only, no engine and no model: Markdown documents made from the library's own item texts,
imported without suggestions. Time: about 2 s (reading the library four times)."""

from __future__ import annotations

import pytest
from helpers import ROOT, copy_library, item_text, write_item

from casebook.importers import SourceFile, import_documents
from casebook.importers.intake import report_text
from casebook.loader import load_library

CASE = "case-05-sincere-marketing-arrears-landlord"


def story_of(root, item_id: str) -> str:
    """The item's story: the text under its first `## ` heading, as the source document has it."""
    body = item_text(root, item_id).split("\n---\n", 1)[1]
    return body.split("## ", 2)[1].split("\n", 1)[1].strip()


def handbook(story: str) -> SourceFile:
    return SourceFile("社区经理手册.md", f"# 社区经理手册\n\n## 案例一：租户搬走、房东难找\n\n{story}\n".encode())


def test_a_draft_repeating_a_library_case_names_that_case(tmp_path):
    library = load_library(ROOT)
    report = import_documents([handbook(story_of(ROOT, CASE))], library, tmp_path, slug="hb")
    [draft] = report.drafts
    assert draft.repeats[0] == CASE
    assert f"already in the library: most of its text is in {CASE}" in "\n".join(report_text(report))


def test_a_draft_of_text_the_library_lacks_repeats_nothing(tmp_path):
    others = [item.id for item in load_library(ROOT).items if item.type == "case" and item.id != CASE]
    library = load_library(copy_library(tmp_path / "library", others[:5]))
    assert CASE not in library
    report = import_documents([handbook(story_of(ROOT, CASE))], library, tmp_path / "out", slug="hb")
    assert [draft.repeats for draft in report.drafts] == [[]]


@pytest.mark.parametrize("written", [False, True], ids=["returned", "written"])
def test_drafts_skip_the_ids_of_published_items(tmp_path, written):
    root = copy_library(tmp_path / "library")
    write_item(root, "cases/case-hb-01.md", item_text(ROOT, CASE).replace(f"id: {CASE}", "id: case-hb-01", 1))
    library = load_library(root)
    out = tmp_path / "drafts" if written else None  # None: as POST /v1/imports, nothing written
    report = import_documents([handbook(story_of(ROOT, CASE))], library, out, slug="hb")
    assert [draft.id for draft in report.drafts] == ["case-hb-02"] and report.problems == []
