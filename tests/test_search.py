"""The search engine on the real library with its real FAISS index."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from casebook.errors import BadQuery
from casebook.search import Engine, Filters
from casebook.settings import get_settings

LANDLORD_CASES = {"case-05-sincere-marketing-arrears-landlord", "case-04-database-marketing-arrears-rental"}


@pytest.fixture(scope="session")
def engine():
    return Engine.open(get_settings())


def top_ids(response, n=3):
    return [hit.id for hit in response.results[:n]]


def test_tokenizer_keeps_domain_terms_whole(engine):
    tokens = engine.tokenizer("客户要销号怎么挽留，推荐合家欢礼包")
    assert {"销号", "挽留", "合家欢"} <= set(tokens)
    assert "怎么" not in tokens  # stop word


def test_tokenizer_keeps_english_lower_cased(engine):
    assert engine.tokenizer("ADSL Speed for SME") == ["adsl", "speed", "sme"]


def test_tokenizer_learns_products_from_the_library(engine):
    assert "家家乐" in engine.tokenizer.domain_terms or "家家乐" in engine.tokenizer("市话家家乐")


def test_bm25_ranks_the_case_that_shares_the_words(engine):
    scores = engine.bm25.scores(engine.tokenizer("房东郑某 ADSL 欠费"))
    assert engine.items[int(scores.argmax())].id == "case-05-sincere-marketing-arrears-landlord"


def test_dense_ranks_an_english_paraphrase_of_a_chinese_case(engine):
    scores = engine._dense("e5", "the tenant moved out, the landlord cannot be reached and the phone bill is unpaid")
    assert engine.items[int(scores.argmax())].id in LANDLORD_CASES


def test_hybrid_answers_a_chinese_paraphrase(engine):
    assert top_ids(engine.search("房东联系不上,租户已经搬走,电话欠了三个月费"), 1)[0] in LANDLORD_CASES


def test_hybrid_answers_an_english_query(engine):
    assert set(top_ids(engine.search("how to handle arrears with absent landlord"))) & LANDLORD_CASES


def test_filter_by_type_returns_only_that_type(engine):
    response = engine.search("客户要销号怎么挽留", k=5, filters=Filters(types=["script"]))
    assert response.results and {hit.type for hit in response.results} == {"script"}


def test_filter_by_segment_and_tag(engine):
    response = engine.search("欠费", k=10, filters=Filters(segments=["household"], tags=["arrears"]))
    assert response.results
    for hit in response.results:
        item = engine.library.get(hit.id)
        assert "household" in item.segments and "arrears" in item.tags


def test_out_of_domain_query_is_flagged_low_confidence(engine):
    assert engine.search("红烧肉怎么做才好吃").low_confidence
    assert engine.search("what is the capital of Australia").low_confidence


def test_in_domain_query_is_not_flagged(engine):
    assert not engine.search("客户要销号怎么挽留").low_confidence


def test_hit_explains_why_it_matched(engine):
    hit = engine.search("房东 欠费 ADSL", k=1).results[0]
    assert set(hit.why.signals) == {"bm25", "use", "e5"}
    assert {"房东", "欠费"} <= set(hit.why.matched_terms)
    assert "<mark>" in hit.snippet


def test_snippet_escapes_html(engine):
    hit = engine.search("<script>alert(1)</script> 欠费", k=1).results[0]
    assert "<script>" not in hit.snippet


@pytest.mark.parametrize("query,k", [("", 5), ("欠费", 0), ("欠费", 1000), ("欠" * 5000, 5)])
def test_bad_queries_raise_a_clear_error(engine, query, k):
    with pytest.raises(BadQuery):
        engine.search(query, k=k)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "casebook", *args], capture_output=True, text=True, timeout=300)


def test_search_json_has_the_documented_shape(engine):
    run = run_cli("search", "客户要销号怎么挽留", "-k", "3", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"query", "low_confidence", "results"}
    assert len(data["results"]) == 3
    for hit in data["results"]:
        assert set(hit) >= {"id", "type", "title", "title_en", "score", "path", "snippet", "why"}
        assert not hit["path"].startswith("/") and hit["path"].endswith(f"{hit['id']}.md")


def test_queries_file_answers_one_json_line_per_query(engine, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("客户要销号怎么挽留\nhow to handle arrears with absent landlord\n", encoding="utf-8")
    run = run_cli("search", "--queries", str(queries), "-k", "2")
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["客户要销号怎么挽留", "how to handle arrears with absent landlord"]


def test_an_engine_without_dense_encoders_answers_with_bm25_and_snippets(tmp_path):
    """CASEBOOK_ENCODERS= (BM25 only): a few items, an index built in seconds."""
    from helpers import copy_library

    root = copy_library(tmp_path / "lib", ["case-05-sincere-marketing-arrears-landlord"])
    settings = get_settings().model_copy(update={"library": root, "encoders": "", "index_dir": tmp_path / "index"})
    response = Engine.open(settings).search("房东 欠费", k=3)
    assert response.results[0].id == "case-05-sincere-marketing-arrears-landlord"
    assert "<mark>" in response.results[0].snippet
