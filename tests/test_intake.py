"""`casebook import` on real Word, PowerPoint and PDF files written from the seed texts: one draft per
case, wording verbatim, no page furniture, suggestions marked for review, clear messages for files
it cannot read. The documents are built once per module (about 10 s, mostly LibreOffice) and
imported once in-process with suggestions from the session's engine over the built-in library (the
models are loaded once for the whole test session); the CLI is run without suggestions, which
loads no model."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from documents import PPT_FOOTER, RUNNING_HEADER, build_documents
from helpers import SEEDS, copy_library

from casebook.importers import import_documents
from casebook.importers.clean import FIGURE_MARK
from casebook.search.suggest import Suggester

pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents live in ../shared/seeds")
IMPORT_TIMEOUT = 120  # seconds; a CLI run without suggestions loads no model


def casebook(*args: str, timeout: int = IMPORT_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casebook", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed (python3 tasks.py test installs it)")
    return build_documents(tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="module")
def imported(documents, engine, tmp_path_factory):
    """The report and the drafts (front matter, body) of importing every document at once."""
    out = tmp_path_factory.mktemp("drafts")
    files = [documents.docx, documents.pptx, documents.pdf, documents.image_pdf, documents.encrypted,
             documents.empty, documents.table_only]
    report = import_documents(files, engine.library, out, suggester=Suggester(engine)).as_dict()
    drafts = {}
    for entry in report["drafts"]:
        _, front, body = open(entry["path"], encoding="utf-8").read().split("---\n", 2)
        drafts[entry["id"]] = (yaml.safe_load(front), body)
    return report, drafts


def drafts_of(imported, document) -> list[tuple[dict, str]]:
    _, drafts = imported
    return [draft for draft in drafts.values() if draft[0]["source"]["document"] == document.name]


def test_each_document_becomes_one_draft_per_case(documents, imported):
    for kind in ("docx", "pptx", "pdf"):
        path = getattr(documents, kind)
        titles = [front["title"] for front, _ in drafts_of(imported, path)]
        assert titles == [case.heading for case in documents.cases[kind]], kind


def test_draft_bodies_keep_the_seed_wording_verbatim(documents, imported):
    for kind in ("docx", "pptx", "pdf"):
        drafts = {front["title"]: body for front, body in drafts_of(imported, getattr(documents, kind))}
        for case in documents.cases[kind]:
            body = drafts[case.heading]
            for paragraph in case.paragraphs + ([case.theory] if case.theory else []):
                assert paragraph in body, (kind, case.heading, paragraph[:30])


def test_slide_text_boxes_are_read_top_to_bottom(documents, imported):
    case = documents.cases["pptx"][0]
    body = next(body for front, body in drafts_of(imported, documents.pptx) if front["title"] == case.heading)
    assert body.index(case.paragraphs[0]) < body.index(case.paragraphs[1])


def test_no_running_header_footer_page_numbers_or_contents_in_drafts(imported):
    _, drafts = imported
    for front, body in drafts.values():
        for debris in (RUNNING_HEADER, PPT_FOOTER, "下转", "目录", "........"):
            assert debris not in body, (front["id"], debris)
        assert not re.search(r"^\s*(第\s*\d+\s*页|\d{1,3})\s*$", body, re.M), front["id"]


def test_tables_become_markdown_tables(imported):
    _, drafts = imported
    bodies = "\n".join(body for _, body in drafts.values())
    for row in ("| 欠费时长 | 长达19个月未缴话费 |", "| 政企客户经理 | 负责政企客户对公需求 |", "| 市话家家乐 | 节约话费 |"):
        assert row in bodies


def test_figures_are_marked_by_an_editor_line(documents, imported):
    for kind in ("docx", "pptx", "pdf"):
        _front, body = drafts_of(imported, getattr(documents, kind))[0]
        assert FIGURE_MARK in body, kind


def test_suggestions_are_present_and_every_field_is_marked_for_review(imported):
    _, drafts = imported
    for front, _ in drafts.values():
        assert front["situations"] and front["segments"] and front["channels"], front["id"]
        assert front["title_en"] == "TODO" and front["summary_en"] == "TODO"
        for field in ("type", "kind", "title", "summary", "situations", "segments", "channels", "products",
                      "theories", "title_en", "summary_en"):
            assert field in front["review"], (front["id"], field)


def test_a_theory_the_case_names_is_suggested(documents, imported):
    fronts = {front["title"]: front for front, _ in drafts_of(imported, documents.pdf)}
    assert "theory-sincere-marketing" in fronts["真诚营销"]["theories"]
    assert "theory-solution-selling" in fronts["解决方案营销"]["theories"]


def test_summary_is_the_first_sentence_verbatim(documents, imported):
    case = documents.cases["docx"][0]
    front = next(front for front, _ in drafts_of(imported, documents.docx) if front["title"] == case.heading)
    assert case.paragraphs[0].startswith(front["summary"]) and front["summary"].endswith("。")


def test_each_unreadable_file_gets_its_reason_and_no_traceback(documents, imported):
    report, _ = imported
    reasons = {problem["document"]: problem["reason"] for problem in report["problems"]}
    assert reasons == {documents.image_pdf.name: "image-only", documents.encrypted.name: "encrypted",
                       documents.empty.name: "empty", documents.table_only.name: "no-text"}


def test_text_before_the_first_case_is_reported_not_placed(documents, imported):
    report, _ = imported
    assert {"document": documents.pptx.name, "text": "培训材料"} in report["unplaced"]


def test_lint_refuses_an_unreviewed_draft_and_accepts_it_once_reviewed(documents, imported, tmp_path):
    front, body = drafts_of(imported, documents.pdf)[0]
    library = copy_library(tmp_path / "library", ids=front["theories"] + front["scripts"])
    draft = library / "cases" / f"{front['id']}.md"
    draft.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{body}", encoding="utf-8")
    refused = casebook("lint", "--library", str(library), timeout=60)
    assert refused.returncode == 1 and "fields still to review: type, kind, title" in refused.stdout
    reviewed = {**front, "review": [], "title_en": "Sincere marketing", "summary_en": "A manager recovers arrears."}
    draft.write_text(f"---\n{yaml.safe_dump(reviewed, allow_unicode=True, sort_keys=False)}---\n{body}",
                     encoding="utf-8")
    accepted = casebook("lint", "--library", str(library), timeout=60)
    assert accepted.returncode == 0, accepted.stdout


def test_nothing_importable_exits_nonzero_with_a_message_per_file(documents, tmp_path):
    run = casebook("import", str(documents.image_pdf), str(documents.empty), "--out", str(tmp_path), "--no-suggest",
                   timeout=120)
    assert run.returncode == 1
    assert f"not imported: {documents.image_pdf.name}: the PDF has no text layer" in run.stdout
    assert f"not imported: {documents.empty.name}: the file is empty" in run.stdout
    assert "0 draft(s) from 2 file(s)" in run.stderr and "review" not in run.stderr  # nothing to review
    assert "Traceback" not in run.stderr


def test_the_command_writes_the_drafts_its_json_report_lists(documents, tmp_path):
    run = casebook("import", str(documents.docx), str(documents.encrypted), "--out", str(tmp_path), "--json",
                   "--no-suggest")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert sorted(entry["path"] for entry in report["drafts"]) == sorted(map(str, tmp_path.glob("*.md")))
    assert [problem["reason"] for problem in report["problems"]] == ["encrypted"]
    assert "Traceback" not in run.stderr
