"""An imported draft lies in the library folder until its editor has reviewed it: meanwhile search,
recommend and the pages do not serve it, and the editor lists it to review. On a copy of two cases
and what they link to, indexed with USE only (a few seconds)."""

from __future__ import annotations

import pytest
from helpers import copy_library, item_text, write_item

from casebook.errors import LibraryError
from casebook.loader import load_library
from casebook.search import Engine, store
from casebook.search.embed import make_encoder
from casebook.settings import Settings

CASE = "case-05-sincere-marketing-arrears-landlord"
DRAFT = "case-landlord-draft-01"
WORDS = "郑某对电信局的人能找到他感到很愕然"  # a sentence of case-05 the draft repeats


@pytest.fixture(scope="module")
def use():
    return make_encoder("use", 2)


def open_engine(root, use) -> Engine:
    return Engine.open(Settings(library=root, encoders="use"), encoders=[("use", use)])


def write_draft(root, review: str) -> None:
    text = item_text(root, CASE).replace(f"id: {CASE}", f"id: {DRAFT}", 1)
    text = text.replace("\n---\n", f"\nreview: {review}\n---\n", 1)
    write_item(root, f"cases/{DRAFT}.md", text)


@pytest.fixture
def lib(tmp_path):
    root = copy_library(tmp_path / "lib", [CASE])
    write_draft(root, "[situations, theories]")
    return root


def test_a_draft_still_to_review_is_not_searchable(lib, use):
    engine = open_engine(lib, use)
    ids = [hit.id for hit in engine.search(WORDS, k=10).results]
    assert CASE in ids and DRAFT not in ids
    assert DRAFT not in engine.library and [d.id for d in engine.library.drafts] == [DRAFT]


def test_a_draft_becomes_searchable_once_its_review_list_is_empty(lib, use):
    open_engine(lib, use)
    write_draft(lib, "[]")
    ids = [hit.id for hit in open_engine(lib, use).search(WORDS, k=10).results]
    assert DRAFT in ids


def test_a_library_of_drafts_only_says_what_to_do_instead_of_failing(tmp_path, use):
    root = copy_library(tmp_path / "lib", [])
    write_item(root, f"cases/{CASE}.md", item_text(copy_library(tmp_path / "full", [CASE]), CASE)
               .replace("\n---\n", "\nreview: [summary]\n---\n", 1))
    with pytest.raises(LibraryError, match="1 draft"):
        store.build(load_library(root), root / ".casebook" / "index", [("use", use)])


def test_casebook_list_marks_a_draft_and_its_fields_to_review(lib):
    from typer.testing import CliRunner

    from casebook.cli import app

    run = CliRunner().invoke(app, ["list", "--library", str(lib)])
    line = next(line for line in run.output.splitlines() if line.startswith(DRAFT))
    assert "[draft: to review situations, theories]" in line
    assert "1 of them drafts not yet searchable" in run.output
