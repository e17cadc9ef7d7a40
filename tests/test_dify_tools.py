"""The tool document for an assistant builder's custom tool (`/dify/tools/openapi.json`), against the
session's real server (`api`, with API keys set): a valid OpenAPI 3 document that Dify's parser
(api/core/tools/utils/parser.py) reads as three tools, each called here the way Dify's `ApiTool`
(api/core/tools/custom_tool/tool.py) calls one, built from the document alone."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from conftest import API_KEYS
from openapi_spec_validator import validate

from casebook.api.schemas import CustomerFields

LANDLORD_CASE = "case-05-sincere-marketing-arrears-landlord"
RETENTION_ZH = "客户要销号怎么挽留"
# What Dify's parser gives a parameter a type from; anything else it sends as a string.
SIMPLE_TYPES = {"string", "integer", "number", "boolean"}
OPERATION_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # the tool names Dify (and an LLM's function call) accept


@pytest.fixture(scope="module")
def document(anonymous) -> dict[str, Any]:
    answer = anonymous.get("/dify/tools/openapi.json")  # Dify's "Import from URL" sends no key
    assert answer.status_code == 200
    return answer.json()


@pytest.fixture(scope="module")
def tool(api):
    with httpx.Client(headers={"Authorization": f"Bearer {API_KEYS[1]}"}, timeout=60) as http:
        yield http


def operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation), every method of every path, as Dify's parser walks them."""
    return {op["operationId"]: (method, path, op) for path, item in document["paths"].items()
            for method, op in item.items()}


def body_schema(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The JSON body's schema, its one `$ref` resolved from the document root as Dify's parser does."""
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        for part in schema["$ref"].split("/")[1:]:
            document = document[part]
        return document
    return schema


def tool_parameters(document: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    """The parameters Dify makes of an operation: name, type, description, required."""
    found = [{"name": p["name"], "type": p.get("schema", {}).get("type"), "description": p.get("description"),
              "required": p.get("required", False)} for p in operation.get("parameters", [])]
    if "requestBody" in operation:
        schema = body_schema(document, operation)
        found += [{"name": name, "type": prop.get("type"), "description": prop.get("description"),
                   "required": name in schema.get("required", [])} for name, prop in schema["properties"].items()]
    return found


def call_as_dify(http: httpx.Client, document: dict[str, Any], operation_id: str, arguments: dict[str, Any]) -> httpx.Response:
    """Call an operation as Dify's ApiTool does: the first server's URL plus the path, path parameters
    put in, query parameters sent unless empty, and a JSON body of the body schema's properties."""
    method, path, operation = operations(document)[operation_id]
    url, params = document["servers"][0]["url"] + path, {}
    for parameter in operation.get("parameters", []):
        value = arguments.get(parameter["name"], parameter.get("schema", {}).get("default", ""))
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", str(value))
        elif parameter["in"] == "query" and value != "":
            params[parameter["name"]] = value
    body = None
    if "requestBody" in operation:
        properties = body_schema(document, operation)["properties"]
        body = {name: arguments.get(name, prop.get("default")) for name, prop in properties.items()
                if name in arguments or "default" in prop}
    return http.request(method, url, params=params, json=body)


def test_the_tool_document_is_valid_openapi_3(document):
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema
    assert document["openapi"].startswith("3.")


def test_servers_name_the_server_as_the_request_reached_it(api, anonymous):
    assert anonymous.get("/dify/tools/openapi.json").json()["servers"] == [{"url": api.url}]
    # behind a proxy: its Host, and the scheme it states (uvicorn trusts X-Forwarded-Proto from loopback)
    proxied = anonymous.get("/dify/tools/openapi.json", headers={"Host": "casebook.example:9000",
                                                                 "X-Forwarded-Proto": "https"})
    assert proxied.json()["servers"] == [{"url": "https://casebook.example:9000"}]


def test_the_tools_are_the_three_read_operations(document):
    assert {(method, path) for method, path, _ in operations(document).values()} == {
        ("get", "/dify/tools/search"), ("post", "/dify/tools/recommend"), ("get", "/dify/tools/items/{item_id}")}
    assert set(operations(document)) == {"search_library", "recommend_for_customer", "get_item"}


def test_every_tool_has_a_name_and_description_an_llm_can_choose_by(document):
    assert "cases" in document["info"]["description"]  # Dify's description of the tool provider
    for operation_id, (_, _, operation) in operations(document).items():
        assert OPERATION_ID.match(operation_id)
        assert len(operation["description"]) > 80, operation_id


def test_every_parameter_has_a_type_difys_parser_reads_and_a_description(document):
    for operation_id, (_, _, operation) in operations(document).items():
        parameters = tool_parameters(document, operation)
        assert parameters, operation_id
        for parameter in parameters:
            assert parameter["type"] in SIMPLE_TYPES, (operation_id, parameter)
            assert parameter["description"], (operation_id, parameter["name"])
        names = [p["name"] for p in parameters]
        assert len(names) == len(set(names)), operation_id


def test_recommend_takes_every_customer_field_of_v1_as_a_flat_field(document):
    _, _, operation = operations(document)["recommend_for_customer"]
    types = {p["name"]: p["type"] for p in tool_parameters(document, operation)}
    assert set(types) == {"text", "limit", *CustomerFields.model_fields}
    assert types["arrears_months"] == "integer" and types["arpu"] == "number"
    assert types["segment"] == types["products"] == types["events"] == types["text"] == "string"
    assert "customer" not in types


def test_the_key_is_declared_as_a_bearer_scheme_on_every_tool(document):
    schemes = document["components"]["securitySchemes"]
    assert [name for name, s in schemes.items() if s["type"] == "http" and s["scheme"] == "bearer"] == list(schemes)
    for operation_id, (_, _, operation) in operations(document).items():
        assert operation["security"] == [{name: []} for name in schemes], operation_id


def test_search_library_called_as_the_document_describes_answers_results(tool, document):
    answer = call_as_dify(tool, document, "search_library", {"query": RETENTION_ZH, "type": "case"})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert len(results) == 5 and {r["type"] for r in results} == {"case"}
    assert 0 <= results[0]["relevance"] <= 1


def test_recommend_for_customer_with_flat_fields_answers_as_v1_recommend_with_the_nested_customer(tool, document, client):
    flat = {"text": "房东联系不上,租户已经搬走", "segment": "household", "products": "固定电话", "arrears_months": 3,
            "events": "欠费催缴", "channel": "community_manager", "limit": 3}
    answer = call_as_dify(tool, document, "recommend_for_customer", flat)
    assert answer.status_code == 200, answer.text
    nested = client.post("/v1/recommend", json={"text": flat["text"], "limit": 3, "customer": {
        "segment": "household", "products": ["固定电话"], "arrears_months": 3, "events": ["欠费催缴"],
        "channel": "community_manager"}}).json()
    for group in ("cases", "theories", "scripts"):
        assert [(i["id"], i["relevance"]) for i in answer.json()[group]] == [(i["id"], i["relevance"]) for i in nested[group]]
    assert answer.json()["cases"][0]["id"] == LANDLORD_CASE


def test_recommend_takes_lists_as_comma_separated_text_and_a_segment_by_its_chinese_label(tool, document, client):
    flat = call_as_dify(tool, document, "recommend_for_customer",
                        {"segment": "家庭客户", "products": "固定电话，宽带", "events": "欠费催缴、申请销号"}).json()
    nested = client.post("/v1/recommend", json={"customer": {
        "segment": "household", "products": ["固定电话", "宽带"], "events": ["欠费催缴", "申请销号"]}}).json()
    assert flat["query"] == nested["query"]
    assert [i["id"] for i in flat["cases"]] == [i["id"] for i in nested["cases"]]


def test_get_item_called_as_the_document_describes_gives_the_body_and_its_page(tool, document, engine, api):
    answer = call_as_dify(tool, document, "get_item", {"item_id": LANDLORD_CASE})
    assert answer.status_code == 200, answer.text
    item = answer.json()
    assert item["markdown"] == engine.library.get(LANDLORD_CASE).body
    assert item["url"] == f"{api.url}/items/{LANDLORD_CASE}"
    assert item["annotations"]["theories"] == engine.library.get(LANDLORD_CASE).theories


def test_an_invalid_field_is_a_422_that_names_it(tool, document):
    answer = call_as_dify(tool, document, "recommend_for_customer",
                          {"text": "欠费", "arrears_months": -1, "segment": "martians"})
    assert answer.status_code == 422
    message = answer.json()["error_msg"]
    assert "arrears_months" in message and "segment" in message and "household" in message


def test_an_unknown_item_is_a_404_that_says_where_ids_come_from(tool, document):
    answer = call_as_dify(tool, document, "get_item", {"item_id": "no-such-item"})
    assert answer.status_code == 404
    assert "search_library" in answer.json()["error_msg"]


def test_a_tool_call_without_the_key_is_refused(api, document):
    with httpx.Client(timeout=60) as keyless:
        answer = call_as_dify(keyless, document, "search_library", {"query": RETENTION_ZH})
    assert answer.status_code == 403
    assert answer.json()["error_code"] == 1001
