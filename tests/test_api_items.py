"""GET /v1/items and /v1/items/{id} against the real server."""

from __future__ import annotations


def test_items_are_paged(client):
    first = client.get("/v1/items", params={"limit": 5})
    second = client.get("/v1/items", params={"limit": 5, "offset": 5})
    assert first.status_code == second.status_code == 200
    assert first.json()["total"] == second.json()["total"] > 10
    assert len(first.json()["items"]) == len(second.json()["items"]) == 5
    assert {i["id"] for i in first.json()["items"]}.isdisjoint(i["id"] for i in second.json()["items"])


def test_items_filter_by_type_and_tag(client):
    response = client.get("/v1/items", params={"type": "case", "tag": "arrears", "limit": 100})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items and len(items) == response.json()["total"]
    assert all(i["type"] == "case" and "arrears" in i["tags"] for i in items)



def test_items_tag_takes_the_label_of_a_tag_concept_as_search_does(client):
    tags = client.get("/v1/vocabulary", params={"kind": "tag"}).json()["concepts"]
    concept = max(tags, key=lambda c: c["items"])
    by_id = client.get("/v1/items", params={"tag": concept["id"], "limit": 100}).json()
    by_label = client.get("/v1/items", params={"tag": concept["label"], "limit": 100}).json()
    assert by_id["total"] == concept["items"] and by_label == by_id


def test_items_with_an_unknown_tag_is_422_naming_the_closest(client):
    response = client.get("/v1/items", params={"tag": "arrear"})
    assert response.status_code == 422
    assert "arrears" in response.json()["message"]

def test_items_page_past_the_end_is_empty(client):
    response = client.get("/v1/items", params={"offset": 10_000})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_items_limit_over_100_is_refused(client):
    response = client.get("/v1/items", params={"limit": 1000})
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "limit (query)"


def test_item_has_front_matter_markdown_and_html(client):
    response = client.get("/v1/items/case-05-sincere-marketing-arrears-landlord")
    assert response.status_code == 200
    item = response.json()
    assert item["front_matter"]["id"] == item["id"] == "case-05-sincere-marketing-arrears-landlord"
    assert "theory-sincere-marketing" in item["front_matter"]["theories"]
    assert "郑某" in item["markdown"]
    assert item["html"].startswith("<") and "郑某" in item["html"]
    assert item["path"] == "cases/case-05-sincere-marketing-arrears-landlord.md"


def test_theory_lists_the_cases_that_link_it(client):
    response = client.get("/v1/items/theory-sincere-marketing")
    assert response.status_code == 200
    assert "case-05-sincere-marketing-arrears-landlord" in response.json()["backlinks"]


def test_item_html_is_sanitised(client):
    for summary in client.get("/v1/items", params={"limit": 100}).json()["items"]:
        html = client.get(f"/v1/items/{summary['id']}").json()["html"]
        assert "<script" not in html and "onerror=" not in html and "javascript:" not in html


def test_unknown_item_is_404(client):
    response = client.get("/v1/items/case-that-does-not-exist")
    assert response.status_code == 404
    assert response.json()["message"].startswith("no item has id 'case-that-does-not-exist'")


def test_item_id_with_path_tricks_is_refused(client):
    for trick in ("..%2F..%2Fpyproject.toml", "..%2Fcases%2Fcase-01-crm-hejiahuan-upsell",
                  "case-01-crm-hejiahuan-upsell.md", "%2Fetc%2Fpasswd", "CASE-01", "a%00b"):
        response = client.get(f"/v1/items/{trick}")
        assert response.status_code in (404, 422), trick
        assert response.headers["content-type"] == "application/json"
        assert "pyproject" not in response.text and "root:" not in response.text
