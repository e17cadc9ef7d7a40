"""/openapi.json is a complete contract: every endpoint, its models, examples, errors and the key."""

from __future__ import annotations

import dataclasses
import json
import re
import typing

import pytest
from pydantic import BaseModel

from casebook.api import usage_schemas
from casebook.search import insights

ENDPOINTS = [("post", "/v1/recommend"), ("get", "/v1/search"), ("get", "/v1/items"),
             ("get", "/v1/items/{item_id}"), ("get", "/v1/vocabulary"), ("get", "/healthz"), ("get", "/readyz"),
             ("get", "/v1/insights")]


@pytest.fixture(scope="module")
def schema(anonymous):
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(schema: dict, ref: dict) -> dict:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]]


def test_openapi_lists_every_endpoint(schema):
    for method, path in ENDPOINTS:
        assert method in schema["paths"][path], (method, path)


def test_every_endpoint_has_a_response_model_and_example(schema):
    for method, path in ENDPOINTS:
        content = schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]
        assert "$ref" in content["schema"], path
        assert "example" in content, path


def test_every_endpoint_documents_a_request_example(schema):
    recommend = schema["paths"]["/v1/recommend"]["post"]["requestBody"]["content"]["application/json"]
    assert recommend["examples"]["arrears"]["value"]["customer"]["segment"] == "household"
    for path in ("/v1/search", "/v1/items", "/v1/items/{item_id}", "/v1/vocabulary"):
        parameters = schema["paths"][path]["get"]["parameters"]
        assert any("examples" in p or "examples" in p["schema"] for p in parameters), path


def test_recommend_request_schema_has_every_customer_field(schema):
    request = resolve(schema, schema["paths"]["/v1/recommend"]["post"]["requestBody"]["content"]
                      ["application/json"]["schema"])
    customer = schema["components"]["schemas"]["CustomerFields"]
    assert set(request["properties"]) == {"text", "customer", "limit"}
    assert set(customer["properties"]) == {"segment", "products", "arpu", "tenure_months", "arrears_months",
                                           "events", "competitor", "channel", "notes"}
    assert customer["additionalProperties"] is False


def test_recommend_response_has_three_groups_of_items(schema):
    response = schema["components"]["schemas"]["RecommendResponse"]
    assert set(response["properties"]) == {"request_id", "query", "low_confidence", "cases", "theories", "scripts"}
    item = schema["components"]["schemas"]["RecommendedItem"]
    assert {"id", "type", "title", "title_en", "summary", "score", "path", "why"} <= set(item["properties"])


def test_v1_endpoints_declare_the_api_key_and_their_errors(schema):
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": schema["components"]["securitySchemes"]["ApiKey"]["description"]}
    for method, path in [(m, p) for m, p in ENDPOINTS if p.startswith("/v1/")]:
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"ApiKey": []}], path
        for status in ("401", "422", "503"):
            assert operation["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith(
                "/ErrorBody"), (path, status)


def test_feedback_is_documented_with_its_errors(schema):
    operation = schema["paths"]["/v1/feedback"]["post"]
    assert operation["security"] == [{"ApiKey": []}]
    assert "example" in operation["responses"]["202"]["content"]["application/json"]
    for status in ("401", "404", "422"):
        assert operation["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_pages_are_not_in_the_contract(schema):
    assert all(path.startswith(("/v1/", "/dify/", "/healthz", "/readyz", "/metrics")) for path in schema["paths"])


def test_editing_endpoints_take_the_file_or_json_and_need_an_editor_key(schema):
    for method, path in (("put", "/v1/items/{item_id}"), ("post", "/v1/items/{item_id}/validate")):
        operation = schema["paths"][path][method]
        assert set(operation["requestBody"]["content"]) == {"text/markdown", "application/json"}, path
        assert operation["security"] == [{"EditorKey": []}], path
    assert schema["paths"]["/v1/items/{item_id}"]["delete"]["security"] == [{"EditorKey": []}]
    assert {"403", "412", "422"} <= set(schema["paths"]["/v1/items/{item_id}"]["put"]["responses"])


def test_every_schema_reference_resolves(schema):
    named = set(re.findall(r"#/components/schemas/([\w.-]+)", json.dumps(schema)))
    assert named - set(schema["components"]["schemas"]) == set()


def nested(annotation) -> type | None:
    """The record type inside a field's type (`list[Gap]` -> `Gap`), if any."""
    for kind in (annotation, *typing.get_args(annotation)):
        if isinstance(kind, type) and (dataclasses.is_dataclass(kind) or issubclass(kind, BaseModel)):
            return kind
    return None


def test_the_insights_contract_names_exactly_the_fields_the_engine_reports():
    # The public models (usage_schemas.py) repeat the engine's records (search/insights.py) to add
    # descriptions and examples; a field added or renamed on one side only fails here, not in a 500.
    pairs = [(usage_schemas.Insights, insights.Insights)]
    while pairs:
        model, record = pairs.pop()
        hints = typing.get_type_hints(record)
        assert set(model.model_fields) == set(hints), model.__name__
        for name, field in model.model_fields.items():
            inner = nested(field.annotation), nested(hints[name])
            assert (inner[0] is None) == (inner[1] is None), f"{model.__name__}.{name}"
            if inner[0] is not None:
                pairs.append(inner)
