"""The persistent index: incremental rebuilds, stale detection, and crash safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from helpers import copy_library, item_text, write_item

from casebook.loader import load_library
from casebook.search import Engine, store
from casebook.search.bm25 import item_text as bm25_text
from casebook.search.chunk import passages
from casebook.search.embed import make_encoder
from casebook.search.tokenize import Tokenizer, domain_terms
from casebook.settings import Settings

CASES = ["case-05-sincere-marketing-arrears-landlord", "case-02-solution-selling-jiajiale-package"]


@pytest.fixture
def lib(tmp_path):
    return copy_library(tmp_path / "lib", CASES)


@pytest.fixture(scope="module")
def use():
    return make_encoder("use", 2)


def build(root, use):
    return store.build(load_library(root), root / ".casebook" / "index", [("use", use)])


def edit_one_paragraph(root):
    text = item_text(root, CASES[0]).replace("郑某对电信局的人能找到他感到很愕然", "郑某对电信局的人能找到他感到很惊讶")
    write_item(root, f"cases/{CASES[0]}.md", text)


def test_first_build_encodes_every_passage(lib, use):
    report = build(lib, use)
    assert report.encoded["use"] == report.passages > 0


def test_rebuild_after_editing_one_file_encodes_only_changed_passages(lib, use):
    build(lib, use)
    before = {p.text for p in passages(load_library(lib).get(CASES[0]))}
    edit_one_paragraph(lib)
    after = {p.text for p in passages(load_library(lib).get(CASES[0]))}
    report = build(lib, use)
    assert report.encoded["use"] == len(after - before) >= 1


def test_unchanged_library_is_fresh_and_an_edit_makes_it_stale(lib, use):
    index_dir = lib / ".casebook" / "index"
    assert store.staleness(index_dir, lib, ["use"]) == "no index has been built yet"
    build(lib, use)
    assert store.staleness(index_dir, lib, ["use"]) is None
    edit_one_paragraph(lib)
    assert "changed" in store.staleness(index_dir, lib, ["use"])
    assert "encoders" in store.staleness(index_dir, lib, ["use", "e5"])


def test_search_on_a_stale_index_rebuilds_it_first(lib, use):
    build(lib, use)
    edit_one_paragraph(lib)
    engine = Engine.open(Settings(library=lib, encoders="use"))
    assert store.staleness(lib / ".casebook" / "index", lib, ["use"]) is None
    assert engine.search("郑某感到很惊讶", k=1).results[0].id == CASES[0]


def test_killed_build_leaves_the_previous_index_working(lib, use):
    build(lib, use)
    index_dir = lib / ".casebook" / "index"
    live = store.current_version(index_dir)
    edit_one_paragraph(lib)
    env = {**os.environ, "CASEBOOK_LIBRARY": str(lib), "CASEBOOK_ENCODERS": "use,e5"}
    proc = subprocess.Popen([sys.executable, "-m", "casebook", "index", "--quiet"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not any(p != live for p in index_dir.glob("v-*")):
        time.sleep(0.05)
    time.sleep(0.5)  # let it write part of the new version
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert store.current_version(index_dir) == live
    loaded = store.load(index_dir)
    assert [e["name"] for e in loaded.manifest["encoders"]] == ["use"]
    # The old index still answers: restore the file it was built from and search without building.
    copy_library(lib, CASES)
    engine = Engine.open(Settings(library=lib, encoders="use"), build=False)
    assert engine.search("房东郑某", k=1).results[0].id == CASES[0]


def test_incremental_rebuild_tokenizes_as_jieba_with_its_whole_dictionary(lib, use):
    index_dir = lib / ".casebook" / "index"
    build(lib, use)
    edit_one_paragraph(lib)
    build(lib, use)  # reuses the tokens of the unchanged item, looks the edited text up afresh

    def stored_tokens() -> dict[str, str]:
        return json.loads((store.current_version(index_dir) / "tokens.json").read_text(encoding="utf-8"))

    incremental = stored_tokens()
    shutil.rmtree(index_dir)
    build(lib, use)
    assert stored_tokens() == incremental
    library = load_library(lib)
    whole = Tokenizer(domain_terms(library.items))  # jieba's own dictionary, loaded whole
    assert incremental == {store.sha1(bm25_text(i)): " ".join(whole(bm25_text(i))) for i in library.items}
