"""Matching speaks the vocabulary: queries, CRM fields and filters reach concepts by any synonym.

On the real library, its vocabulary (playbook/vocabulary.yaml) and its index.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from casebook.cli import app
from casebook.errors import BadQuery
from casebook.search import Engine, Filters
from casebook.search.concepts import ValueMatcher, key
from casebook.search.recommend import CustomerSituation, FieldMatch, recommend
from casebook.settings import get_settings
from casebook.vocabulary import term_key


def concept(engine, term: str, kind: str):
    found = engine.vocabulary.lookup(term, kind)
    assert found is not None, f"the vocabulary has no {kind} {term!r}"
    return found


def carries(engine, item_id: str, wanted) -> bool:
    return key(wanted) in engine.concepts.of_row[engine.row_of[item_id]]


# --- queries -----------------------------------------------------------------------------------

def test_chinese_and_english_synonyms_name_the_same_concept(engine):
    cancellation = concept(engine, "申请销号", "situation")
    for query in ("客户要求消号", "营业厅来了个要销户的", "the customer wants to cancel the line"):
        assert cancellation in engine.parse(query).concepts, query


def test_an_english_query_gains_the_chinese_terms_of_its_concepts_for_bm25(engine):
    cancellation = concept(engine, "申请销号", "situation")
    parsed = engine.parse("the customer wants to cancel the line")
    assert set(engine.tokenizer(cancellation.label)) <= set(parsed.words)
    signals, _ = engine.signals("the customer wants to cancel the line")
    assert signals["bm25"].max() > 0


def test_a_chinese_query_keeps_bm25_to_its_own_words(engine):
    parsed = engine.parse("客户要求消号")
    assert parsed.added == []


def test_items_annotated_with_a_concept_score_for_its_synonym(engine):
    cancellation = concept(engine, "申请销号", "situation")
    signals, _ = engine.signals("客户要求消号")
    rows = engine.concepts.rows[key(cancellation)]
    assert len(rows) and (signals["annotations"][rows] >= 1).all()


def test_search_why_names_the_items_own_term_for_the_concept(engine):
    hit = engine.search("the customer wants to cancel the line", k=1).results[0]
    assert "申请销号" in hit.why.matched_annotations


# --- CRM values --------------------------------------------------------------------------------

def test_a_chinese_value_that_is_part_of_one_longer_term_reaches_its_concept(engine):
    """A CRM's short form of a phrase the vocabulary holds in full (对手抢客户 for 竞争对手抢客户)."""
    matcher = ValueMatcher(engine.vocabulary)
    terms = [(term_key(t), c) for c in engine.vocabulary.of_kind("situation") for t in c.terms]
    tried = 0
    for term, owner in terms:
        part = term[2:]
        if len(part) < 3 or not all("\u4e00" <= ch <= "\u9fff" for ch in part) or engine.vocabulary.find_in_text(part):
            continue
        holders = {c.id for t, c in terms if part in t}
        if holders == {owner.id}:
            assert matcher.concepts(part, ("situation",)) == [owner], part
            tried += 1
    assert tried >= 3


def test_synonyms_of_one_event_give_the_same_answer_and_name_the_concept(engine):
    cancellation = concept(engine, "申请销号", "situation")
    answers = [recommend(engine, CustomerSituation(events=[event], segment="individual", channel="store"))
               for event in ("申请销号", "要求消户", "customer wants to close the account")]
    assert len({a.cases[0].id for a in answers}) == 1
    for answer in answers:
        assert answer.cases[0].why.fields["events"] == [FieldMatch(cancellation.id, cancellation.label)]


def test_a_product_is_matched_by_its_english_name(engine):
    gotone = concept(engine, "全球通", "product")
    result = recommend(engine, CustomerSituation(products=[gotone.label_en], events=["停机"]))
    top = result.cases[0]
    assert carries(engine, top.id, gotone)
    assert FieldMatch(gotone.id, gotone.label) in top.why.fields["products"]


def test_concepts_named_in_the_notes_count_and_are_named(engine):
    cancellation = concept(engine, "申请销号", "situation")
    result = recommend(engine, CustomerSituation(segment="individual", notes="came to the store to cancel the line"))
    matched = [c for c in result.cases if "notes" in c.why.fields]
    assert matched and all(FieldMatch(cancellation.id, cancellation.label) in c.why.fields["notes"] for c in matched)


# --- filters -----------------------------------------------------------------------------------

def test_situation_filter_keeps_only_items_with_that_concept(engine):
    cancellation = concept(engine, "申请销号", "situation")
    response = engine.search("怎么留住客户", k=10, filters=Filters(situations=[cancellation.id]))
    assert response.results
    assert all(carries(engine, hit.id, cancellation) for hit in response.results)


def test_situation_and_tag_filters_accept_a_synonym_as_the_concept(engine):
    by_synonym = engine.search("怎么留住客户", k=10, filters=Filters(situations=["消号"], tags=["customer-retention"]))
    by_id = engine.search("怎么留住客户", k=10, filters=Filters(situations=[concept(engine, "消号", "situation").id],
                                                          tags=[concept(engine, "customer-retention", "tag").id]))
    assert [h.id for h in by_synonym.results] == [h.id for h in by_id.results]


def test_an_unknown_situation_filter_names_the_closest_concepts(engine):
    with pytest.raises(BadQuery, match=r"closest concepts: .*cancellation"):
        engine.search("客户", filters=Filters(situations=["cancelation-request"]))


def test_cli_search_filters_by_situation():
    result = CliRunner().invoke(app, ["search", "怎么留住客户", "--situation", "cancellation-request", "-k", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]
    result = CliRunner().invoke(app, ["search", "怎么留住客户", "--situation", "no-such-situation"])
    assert result.exit_code == 2  # a usage error, like a --type that is not one
    assert "error: unknown situation 'no-such-situation'; closest concepts:" in result.stderr


def test_cli_list_by_tag_takes_the_concept_id_label_or_a_synonym_alike():
    from casebook.library import builtin_library
    from casebook.loader import load_library

    library = load_library(builtin_library())
    used = {t for item in library.items for t in item.tags}
    tag = next(c for c in library.vocabulary.of_kind("tag") if c.synonyms and c.id in used)
    listed = {}
    for term in (tag.id, tag.label, tag.synonyms[0]):
        result = CliRunner().invoke(app, ["list", "--tag", term, "--json"])
        assert result.exit_code == 0, result.output
        listed[term] = [row["id"] for row in json.loads(result.stdout)]
    assert listed[tag.id] and listed[tag.label] == listed[tag.id] == listed[tag.synonyms[0]]
    assert all(tag.id in library.get(i).tags for i in listed[tag.id])


def test_v1_search_filters_by_situation_concept(client):
    response = client.get("/v1/search", params={"q": "怎么留住客户", "situation": "cancellation-request", "k": 5})
    assert response.status_code == 200
    for hit in response.json()["results"]:
        item = client.get(f"/v1/items/{hit['id']}").json()
        assert "申请销号" in item["front_matter"]["situations"]


def test_v1_search_with_an_unknown_situation_is_a_422_that_names_the_closest(client):
    response = client.get("/v1/search", params={"q": "客户", "situation": "cancelation"})
    assert response.status_code == 422
    assert "cancellation-request" in response.json()["message"]


# --- a library without a vocabulary ------------------------------------------------------------

@pytest.fixture(scope="module")
def plain_engine(tmp_path_factory):
    """The same items and index, in a library folder that has no vocabulary file."""
    settings = get_settings()
    root = tmp_path_factory.mktemp("library")
    shutil.copytree(settings.library / "cases", root / "cases")
    shutil.copytree(settings.library / "playbook", root / "playbook")
    (root / "playbook" / "vocabulary.yaml").unlink()
    return Engine.open(settings.model_copy(update={"library": root, "index_dir": settings.index_path}), build=False)


def test_without_a_vocabulary_annotations_still_match_as_strings(plain_engine):
    assert not len(plain_engine.vocabulary)
    hit = plain_engine.search("客户申请销号怎么办", k=1).results[0]
    assert "申请销号" in hit.why.matched_annotations
    result = recommend(plain_engine, CustomerSituation(events=["申请销号"], channel="store"))
    assert result.cases[0].why.fields["events"] == [FieldMatch(None, "申请销号")]
