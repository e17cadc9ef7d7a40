"""Dify's External Knowledge API (`/dify`), posted the request shapes Dify sends, against the
session's real server (`api`, with API keys set): records, thresholds, top_k, metadata
conditions, and Dify's error codes."""

from __future__ import annotations

import httpx
import pytest
from conftest import API_KEYS

LANDLORD_EN = "how to handle arrears with absent landlord"
LANDLORD_CASE = "case-05-sincere-marketing-arrears-landlord"
RETENTION_ZH = "客户要销号怎么挽留"


@pytest.fixture(scope="module")
def dify(api):
    with httpx.Client(base_url=api.url + "/dify", headers={"Authorization": f"Bearer {API_KEYS[1]}"},
                      timeout=60) as http:
        yield http


def retrieval(query: str, knowledge_id: str = "all", top_k: int = 5, threshold: float = 0.0, **extra) -> dict:
    return {"knowledge_id": knowledge_id, "query": query,
            "retrieval_setting": {"top_k": top_k, "score_threshold": threshold}, **extra}


def test_retrieval_answers_records_with_content_score_title_and_metadata(dify, engine):
    answer = dify.post("/retrieval", json=retrieval(LANDLORD_EN))
    assert answer.status_code == 200
    records = answer.json()["records"]
    assert records[0]["metadata"]["document_id"] == LANDLORD_CASE
    for record in records:
        item = engine.library.get(record["metadata"]["document_id"])
        assert record["title"] == item.title
        assert record["content"].startswith(item.title)
        assert 0 <= record["score"] <= 1
        assert {"document_id", "type", "path", "url", "situations", "tags"} <= set(record["metadata"])
        assert record["metadata"]["url"].endswith(f"/items/{item.id}")


def test_record_content_is_the_best_passages_not_the_whole_file(dify, engine):
    record = dify.post("/retrieval", json=retrieval(LANDLORD_EN, top_k=1)).json()["records"][0]
    passages = [p.partition("\n")[2] for p in engine.passages[LANDLORD_CASE]]  # body passages, title line dropped
    shown = [p for p in passages if p in record["content"]]
    assert 0 < len(shown) < len(passages)  # some passages, not the whole body (the item is short: 817 characters)
    assert "房东" in record["content"]  # the passage about the landlord, found from an English question


def test_score_is_the_calibrated_relevance_of_search(dify, client):
    records = dify.post("/retrieval", json=retrieval(RETENTION_ZH, top_k=3)).json()["records"]
    hits = client.get("/v1/search", params={"q": RETENTION_ZH, "k": 3}).json()["results"]
    assert [(r["metadata"]["document_id"], r["score"]) for r in records] == [(h["id"], h["relevance"]) for h in hits]


def test_top_k_bounds_the_records(dify):
    assert len(dify.post("/retrieval", json=retrieval(RETENTION_ZH, top_k=1)).json()["records"]) == 1
    assert len(dify.post("/retrieval", json=retrieval(RETENTION_ZH, top_k=20)).json()["records"]) == 20


def test_threshold_keeps_only_records_that_reach_it(dify):
    every = dify.post("/retrieval", json=retrieval(RETENTION_ZH, top_k=20)).json()["records"]
    kept = dify.post("/retrieval", json=retrieval(RETENTION_ZH, top_k=20, threshold=0.5)).json()["records"]
    assert kept == [r for r in every if r["score"] >= 0.5]
    assert 0 < len(kept) < len(every)


def test_a_question_from_another_domain_gets_no_record_at_threshold_half(dify):
    answer = dify.post("/retrieval", json=retrieval("我家孩子发烧39度怎么办", top_k=5, threshold=0.5))
    assert answer.status_code == 200
    assert answer.json() == {"records": []}


def test_knowledge_id_narrows_to_a_type(dify):
    records = dify.post("/retrieval", json=retrieval(RETENTION_ZH, knowledge_id="scripts", top_k=20)).json()["records"]
    assert records and {r["metadata"]["type"] for r in records} == {"script"}


def test_metadata_condition_filters_the_records(dify, engine):
    condition = {"logical_operator": "and", "conditions": [
        {"name": "tag", "comparison_operator": "contains", "value": "retention"},
        {"name": "segment", "comparison_operator": "is not", "value": "enterprise"}]}
    records = dify.post("/retrieval", json=retrieval(RETENTION_ZH, top_k=20, metadata_condition=condition)).json()["records"]
    assert records
    for record in records:
        item = engine.library.get(record["metadata"]["document_id"])
        assert any("retention" in tag for tag in item.tags) and "enterprise" not in item.segments


def test_metadata_condition_with_or_takes_either(dify, engine):
    condition = {"logical_operator": "or", "conditions": [
        {"name": "type", "comparison_operator": "is", "value": "script"},
        {"name": "situation", "comparison_operator": "in", "value": ["欠费催缴"]}]}
    records = dify.post("/retrieval", json=retrieval(LANDLORD_EN, top_k=20, metadata_condition=condition)).json()["records"]
    items = [engine.library.get(r["metadata"]["document_id"]) for r in records]
    assert {i.type for i in items} >= {"script"} and any("欠费催缴" in i.situations for i in items)
    assert all(i.type == "script" or "欠费催缴" in i.situations for i in items)



def test_a_metadata_condition_with_nulls_as_dify_serialises_it_means_no_condition(dify):
    # Dify's MetadataCondition has `logical_operator: ... | None` and `conditions: list | None`;
    # a 4xx would reach its user only as a retrieval with no records
    plain = dify.post("/retrieval", json=retrieval(LANDLORD_EN)).json()["records"]
    nulls = dify.post("/retrieval", json=retrieval(LANDLORD_EN, metadata_condition={
        "logical_operator": None, "conditions": None}))
    assert nulls.status_code == 200, nulls.text
    assert nulls.json()["records"] == plain

def test_knowledge_lists_the_ids_with_their_item_counts(dify, engine):
    answer = dify.get("/knowledge")
    assert answer.status_code == 200
    counts = {k["id"]: k["items"] for k in answer.json()["knowledge"]}
    assert counts["all"] == len(engine.library)
    assert counts["cases"] == len(engine.library.of_type("case"))


@pytest.mark.parametrize("header", ["Token abc", "Bearer", "bearer-without-space", ""])
def test_malformed_authorization_header_is_error_1001(api, header):
    answer = httpx.post(api.url + "/dify/retrieval", json=retrieval(LANDLORD_EN), timeout=60,
                        headers={"Authorization": header} if header else {})
    assert answer.status_code == 403
    assert answer.json()["error_code"] == 1001


def test_unknown_key_is_error_1002(api):
    answer = httpx.post(api.url + "/dify/retrieval", json=retrieval(LANDLORD_EN), timeout=60,
                        headers={"Authorization": "Bearer not-a-key"})
    assert answer.status_code == 403
    assert answer.json()["error_code"] == 1002


def test_unknown_knowledge_id_is_error_2001(dify):
    answer = dify.post("/retrieval", json=retrieval(LANDLORD_EN, knowledge_id="no-such-knowledge"))
    assert answer.status_code == 404
    assert answer.json()["error_code"] == 2001
    assert "all" in answer.json()["error_msg"]


@pytest.mark.parametrize("body", [
    {"knowledge_id": "all", "query": "x"},  # no retrieval_setting
    retrieval("", top_k=3),
    retrieval("x", top_k=0),
    retrieval("x", threshold=1.5),
    retrieval("x", metadata_condition={"conditions": [{"name": "colour", "comparison_operator": "is", "value": "red"}]}),
    retrieval("x", metadata_condition={"conditions": [{"name": "tag", "comparison_operator": ">", "value": "1"}]}),
    retrieval("x", metadata_condition={"conditions": [{"name": "tag", "comparison_operator": "is"}]}),
    retrieval("x", metadata_condition={"logical_operator": "xor", "conditions": []}),
])
def test_bad_input_is_a_4xx_with_a_message_in_difys_shape(dify, body):
    answer = dify.post("/retrieval", json=body)
    assert 400 <= answer.status_code < 500
    assert answer.json()["error_code"] == answer.status_code and answer.json()["error_msg"]


def test_a_body_that_is_not_json_is_a_400(dify):
    answer = dify.post("/retrieval", content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error_code"] == 400


def test_openapi_declares_the_bearer_key_and_an_example_of_retrieval(anonymous):
    document = anonymous.get("/openapi.json").json()
    retrieval_operation = document["paths"]["/dify/retrieval"]["post"]
    schemes = document["components"]["securitySchemes"]
    assert [schemes[name] for entry in retrieval_operation["security"] for name in entry] == [
        {**schemes["BearerKey"], "type": "http", "scheme": "bearer"}]
    example = next(iter(retrieval_operation["requestBody"]["content"]["application/json"]["examples"].values()))
    assert {"knowledge_id", "query", "retrieval_setting"} <= set(example["value"])
