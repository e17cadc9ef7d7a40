"""A handbook of theory chapters and cases imported in one go: its cases link the theory drafts
imported with them, which the library cannot know yet. A real .docx written from seed 000 (two
theory chapters, two stories), imported into a copy of two cases of other sources and what they
link (no theory of seed 000), indexed with USE only (a few seconds)."""

from __future__ import annotations

import pytest
import yaml
from documents import build_handbook_docx
from helpers import SEEDS, copy_library

from casebook.importers import import_documents
from casebook.search import Engine
from casebook.search.embed import make_encoder
from casebook.search.suggest import Suggester
from casebook.settings import Settings

pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents live in ../shared/seeds")
OTHER_SOURCES = ["case-hong-kong-callers-segment-plan", "case-bank-private-line-mstp-upgrade"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = copy_library(tmp_path_factory.mktemp("lib"), OTHER_SOURCES)
    return Engine.open(Settings(library=root, encoders="use"), encoders=[("use", make_encoder("use", 2))])


def fronts(files, engine) -> dict[str, dict]:
    """Title -> front matter of each draft imported from `files` in one import."""
    report = import_documents(files, engine.library, None, suggester=Suggester(engine))
    drafts = [yaml.safe_load(entry.markdown.split("---\n")[1]) for entry in report.drafts]
    return {front["title"]: front for front in drafts}


@pytest.fixture(scope="module")
def handbook(engine, tmp_path_factory):
    return fronts([build_handbook_docx(tmp_path_factory.mktemp("doc") / "社区经理营销手册.docx")], engine)


def test_the_theory_chapters_become_theory_drafts(handbook):
    assert [handbook[t]["type"] for t in ("真诚营销", "数据库营销")] == ["theory", "theory"]
    assert [handbook[t]["type"] for t in ("租户搬走、房东难找", "数据库营销为本,有效沟通解决难题")] == ["case", "case"]


def test_a_case_links_the_theory_chapter_its_story_is_close_to(handbook):
    # the story names no theory: the link comes from how close the two texts are
    assert handbook["真诚营销"]["id"] in handbook["租户搬走、房东难找"]["theories"]


def test_a_case_whose_heading_names_an_imported_theory_links_it_first(handbook):
    assert handbook["数据库营销为本,有效沟通解决难题"]["theories"][0] == handbook["数据库营销"]["id"]

