"""Hardening, each rule against the running server: API keys, bad input of every kind, body limit,
CORS, and errors that are always a clear 4xx in JSON (HTML on page paths), never a traceback."""

from __future__ import annotations

import asyncio

import httpx
from conftest import API_KEYS, CRM_ORIGIN

from casebook.api.app import create_app
from casebook.settings import Settings

V1_REQUESTS = [("GET", "/v1/items", None), ("GET", "/v1/items/theory-crm", None),
               ("GET", "/v1/search?q=销号", None), ("POST", "/v1/recommend", {"text": "销号"}),
               ("GET", "/v1/no-such-endpoint", None)]


def assert_clear_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == status and body["message"] and body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body


# --- API keys ---------------------------------------------------------------------------------

def test_v1_without_a_key_is_401(anonymous):
    for method, path, body in V1_REQUESTS:
        response = anonymous.request(method, path, json=body)
        assert_clear_error(response, 401)
        assert response.headers["www-authenticate"] == 'ApiKey header="X-API-Key"'


def test_v1_with_an_unknown_key_is_401(anonymous):
    for method, path, body in V1_REQUESTS:
        response = anonymous.request(method, path, json=body, headers={"X-API-Key": "not-a-key"})
        assert_clear_error(response, 401)


def test_v1_refuses_before_reading_a_malformed_or_huge_body(anonymous):
    malformed = anonymous.post("/v1/recommend", content=b"{not json", headers={"Content-Type": "application/json"})
    huge = anonymous.post("/v1/recommend", content=b"x" * 200_000, headers={"Content-Type": "application/json"})
    assert_clear_error(malformed, 401)
    assert_clear_error(huge, 401)


def test_every_configured_key_is_accepted(anonymous):
    for key in API_KEYS:
        response = anonymous.get("/v1/items", params={"limit": 1}, headers={"X-API-Key": key})
        assert response.status_code == 200


def test_health_endpoints_stay_open_without_a_key(anonymous):
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/readyz").status_code == 200
    assert anonymous.get("/metrics").status_code == 200


def test_without_configured_keys_v1_needs_none():
    async def get() -> httpx.Response:  # in process, before any index is loaded: 503, not 401
        transport = httpx.ASGITransport(app=create_app(Settings(api_keys="")))
        async with httpx.AsyncClient(transport=transport, base_url="http://casebook") as http:
            return await http.get("/v1/items")

    response = asyncio.run(get())
    assert response.status_code == 503
    assert response.json()["error"] == "not_ready"
    assert response.headers["retry-after"] == "5"


# --- bad input ----------------------------------------------------------------------------------

def test_malformed_json_is_400(client):
    response = client.post("/v1/recommend", content='{"text": "销号",'.encode(), headers={"Content-Type": "application/json"})
    assert "not valid JSON" in assert_clear_error(response, 400)["message"]


def test_non_utf8_body_is_400(client):
    response = client.post("/v1/recommend", content=b'{"text": "\xff\xfe\xc3"}',
                           headers={"Content-Type": "application/json"})
    assert "UTF-8" in assert_clear_error(response, 400)["message"]


def test_non_utf8_query_string_is_400(client):
    response = client.get("/v1/search?q=%FF%FE%C3")
    assert "UTF-8" in assert_clear_error(response, 400)["message"]


def test_non_utf8_item_id_is_400(client):
    assert_clear_error(client.get("/v1/items/%C0%AF"), 400)


def test_wrong_types_are_422_naming_each_field(client):
    response = client.post("/v1/recommend", json={"text": 5, "customer": {"arpu": "lots", "segment": "vip"}})
    body = assert_clear_error(response, 422)
    assert {d["field"] for d in body["details"]} == {"text", "customer.arpu", "customer.segment"}


def test_body_that_is_not_an_object_is_422(client):
    assert_clear_error(client.post("/v1/recommend", json=["销号"]), 422)
    assert_clear_error(client.post("/v1/recommend", content=b"null", headers={"Content-Type": "application/json"}), 422)


def test_unknown_field_is_422(client):
    body = assert_clear_error(client.post("/v1/recommend", json={"txt": "销号"}), 422)
    assert body["details"][0]["field"] == "txt"


def test_empty_situation_is_422(client):
    for empty in ({}, {"text": ""}, {"text": "   ", "customer": {}}):
        body = assert_clear_error(client.post("/v1/recommend", json=empty), 422)
        assert "situation is empty" in body["message"]


def test_empty_event_is_422(client):
    assert_clear_error(client.post("/v1/recommend", json={"customer": {"events": [""]}}), 422)


def test_negative_numbers_are_422(client):
    body = assert_clear_error(client.post("/v1/recommend", json={"customer": {"arrears_months": -1}}), 422)
    assert body["details"][0]["field"] == "customer.arrears_months"


def test_100kb_situation_is_413(client):
    response = client.post("/v1/recommend", json={"text": "销号" * 50_000})
    assert "limit is 65536" in assert_clear_error(response, 413)["message"]


def test_chunked_body_over_the_limit_is_413(client):
    chunks = (b'{"text": "' + b"a" * 10_000 for _ in range(10))  # no Content-Length: sent chunked
    response = client.post("/v1/recommend", content=chunks, headers={"Content-Type": "application/json"})
    assert_clear_error(response, 413)


def test_long_situation_under_the_body_limit_is_422(client):
    body = assert_clear_error(client.post("/v1/recommend", json={"text": "客户要销号" * 1000}), 422)
    assert body["details"][0]["field"] == "text"


def test_too_many_events_is_422(client):
    response = client.post("/v1/recommend", json={"customer": {"events": ["投诉"] * 50}})
    assert assert_clear_error(response, 422)["details"][0]["field"] == "customer.events"


def test_unknown_method_is_405(client):
    assert_clear_error(client.delete("/v1/recommend"), 405)


def test_errors_on_page_paths_are_html(anonymous):
    response = anonymous.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text


# --- CORS -------------------------------------------------------------------------------------

def test_cors_preflight_from_the_crm_origin_is_allowed_without_a_key(anonymous):
    response = anonymous.options("/v1/recommend", headers={
        "Origin": CRM_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-api-key"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == CRM_ORIGIN
    assert "x-api-key" in response.headers["access-control-allow-headers"].lower()


def test_cors_answers_carry_the_origin_and_expose_the_request_id(client):
    response = client.get("/v1/items", params={"limit": 1}, headers={"Origin": CRM_ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == CRM_ORIGIN
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


def test_cors_refuses_other_origins(anonymous):
    response = anonymous.options("/v1/recommend", headers={
        "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_a_json_body_sent_without_its_content_type_is_422_saying_which_header_to_send(client):
    # `curl -d '{...}'` without `-H 'Content-Type: application/json'` sends a form
    response = client.post("/v1/recommend", content='{"text": "销号"}'.encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    message = assert_clear_error(response, 422)["message"]
    assert "Content-Type: application/json" in message and "x-www-form-urlencoded" in message


def test_an_empty_body_is_422_saying_it_is_empty(client):
    response = client.post("/v1/recommend", headers={"Content-Type": "application/json"})
    assert "empty" in assert_clear_error(response, 422)["message"]
