"""GET /v1/vocabulary against the real server: the library's concepts, as the library itself reads them."""

from __future__ import annotations

from helpers import ROOT

from casebook.loader import load_library
from casebook.vocabulary_doc import listing


def test_vocabulary_lists_the_library_concepts_with_their_usage(client):
    response = client.get("/v1/vocabulary")
    assert response.status_code == 200
    assert response.json() == listing(load_library(ROOT))


def test_vocabulary_filters_by_kind(client):
    response = client.get("/v1/vocabulary", params={"kind": "product"})
    assert response.status_code == 200
    concepts = response.json()["concepts"]
    assert concepts and {c["kind"] for c in concepts} == {"product"}
    assert response.json()["families"]  # families come whatever the kind, for the pickers


def test_vocabulary_unknown_kind_is_422(client):
    response = client.get("/v1/vocabulary", params={"kind": "situations"})
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "kind (query)"


def test_vocabulary_needs_the_api_key(anonymous):
    assert anonymous.get("/v1/vocabulary").status_code == 401
