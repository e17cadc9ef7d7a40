"""POST /v1/feedback against the real server: answers carry the request id to use, feedback on it is
accepted once, and a request id or item that does not fit is a 4xx that says why."""

from __future__ import annotations

import time
import uuid

import pytest

from casebook.events import EventStore


def recorded(api, request_id: str, count: int, timeout: float = 10) -> list:
    """The feedback on one answer the server's store holds, once `count` are in (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [f for f in EventStore(api.events).feedback() if f.request_id == request_id]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


@pytest.fixture
def answer(client) -> dict:
    response = client.get("/v1/search", params={"q": "客户要销号怎么挽留", "k": 3})
    assert response.status_code == 200
    return response.json()


def test_search_and_recommend_answers_carry_their_request_id(client):
    search = client.get("/v1/search", params={"q": "欠费催缴"})
    assert search.json()["request_id"] == search.headers["X-Request-ID"]
    mine = f"crm-{uuid.uuid4().hex[:12]}"
    recommend = client.post("/v1/recommend", json={"text": "客户要求销号"}, headers={"X-Request-ID": mine})
    assert recommend.json()["request_id"] == mine == recommend.headers["X-Request-ID"]


def test_feedback_on_an_item_of_an_answer_is_accepted(client, api, answer):
    item = answer["results"][1]["id"]
    response = client.post("/v1/feedback", json={"request_id": answer["request_id"], "item_id": item,
                                                 "action": "used", "user": "crm-user-7"})
    assert response.status_code == 202
    assert response.json() == {"request_id": answer["request_id"], "item_id": item, "action": "used",
                               "recorded": True}
    [row] = recorded(api, answer["request_id"], 1)
    assert (row.item_id, row.action, row.user, row.channel) == (item, "used", "crm-user-7", "api")


def test_the_same_feedback_twice_counts_once(client, api, answer):
    body = {"request_id": answer["request_id"], "item_id": answer["results"][0]["id"], "action": "dismissed"}
    assert [client.post("/v1/feedback", json=body).status_code for _ in range(3)] == [202, 202, 202]
    client.post("/v1/feedback", json={**body, "action": "opened"})
    recorded(api, answer["request_id"], 2)
    time.sleep(0.5)  # time for a duplicate, had one been kept, to reach the file too
    assert sorted(r.action for r in recorded(api, answer["request_id"], 2)) == ["dismissed", "opened"]


def test_feedback_on_an_unknown_request_id_is_404_with_a_message(client):
    response = client.post("/v1/feedback", json={"request_id": "never-answered", "item_id": "theory-crm",
                                                 "action": "used"})
    assert response.status_code == 404
    assert "no recorded answer has request id 'never-answered'" in response.json()["message"]


def test_feedback_on_an_item_that_was_not_in_the_answer_is_422_with_a_message(client, answer):
    absent = "case-five-yuan-ashtray-wins-key-account"
    assert absent not in {hit["id"] for hit in answer["results"]}
    response = client.post("/v1/feedback", json={"request_id": answer["request_id"], "item_id": absent,
                                                 "action": "used"})
    assert response.status_code == 422
    assert f"item '{absent}' was not in the answer" in response.json()["message"]


def test_feedback_with_an_unknown_action_is_422_naming_the_field(client, answer):
    response = client.post("/v1/feedback", json={"request_id": answer["request_id"],
                                                 "item_id": answer["results"][0]["id"], "action": "liked"})
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "action"


def test_feedback_needs_the_api_key(anonymous, answer):
    response = anonymous.post("/v1/feedback", json={"request_id": answer["request_id"],
                                                    "item_id": answer["results"][0]["id"], "action": "used"})
    assert response.status_code == 401
