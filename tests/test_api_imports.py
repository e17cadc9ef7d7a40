"""`POST /v1/imports` on the session's real server (`api`): real Word files built from the seed
texts are uploaded as multipart form data and come back as drafts with suggestions, for review;
nothing is written. Time: about 10 s (suggestions for two drafts in the server)."""

from __future__ import annotations

import httpx
import pytest
from conftest import API_KEYS, EDITOR_KEY, MAX_UPLOAD_BYTES
from documents import build_docx, build_table_only_docx, collection_cases
from helpers import SEEDS

pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents live in ../shared/seeds")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMPORT_TIMEOUT = 180  # seconds; the server suggests annotations for each draft


@pytest.fixture(scope="module")
def word(tmp_path_factory):
    """A Word file with two seed cases, and a Word file holding only a table (nothing to import)."""
    folder = tmp_path_factory.mktemp("uploads")
    cases = collection_cases()[:2]
    return (build_docx(folder / "社区经理案例.docx", "社区经理营销案例", cases), cases,
            build_table_only_docx(folder / "table-only.docx"))


def upload(api, paths, key: str | None = EDITOR_KEY) -> httpx.Response:
    files = [("files", (path.name, path.read_bytes(), DOCX)) for path in paths]
    headers = {"X-API-Key": key} if key else {}
    return httpx.post(api.url + "/v1/imports", files=files, headers=headers, timeout=IMPORT_TIMEOUT)


@pytest.fixture(scope="module")
def imported(api, word):
    docx, _, table_only = word
    return upload(api, [docx, table_only])


def test_an_upload_larger_than_a_json_body_is_accepted(word, imported):
    docx, _, table_only = word
    assert docx.stat().st_size + table_only.stat().st_size > 65536  # CASEBOOK_MAX_BODY_BYTES
    assert imported.status_code == 200, imported.text


def test_each_case_of_the_document_comes_back_as_a_draft_for_review(word, imported):
    docx, cases, _ = word
    drafts = imported.json()["drafts"]
    assert [draft["title"] for draft in drafts] == [case.heading for case in cases]
    for draft, case in zip(drafts, cases):
        assert draft["document"] == docx.name and draft["markdown"].startswith("---\n")
        assert case.paragraphs[0] in draft["markdown"]
        assert {"situations", "theories", "title_en"} <= set(draft["review"])


def test_a_file_with_nothing_to_import_gets_its_reason_in_the_report(word, imported):
    _, _, table_only = word
    assert [(p["document"], p["reason"]) for p in imported.json()["problems"]] == [(table_only.name, "no-text")]


def test_nothing_is_written_to_the_library(client, imported):
    for draft in imported.json()["drafts"]:
        assert client.get(f"/v1/items/{draft['id']}").status_code == 404


def test_an_upload_needs_an_editor_key(api, word):
    docx, _, _ = word
    assert upload(api, [docx], key=None).status_code == 401
    refused = upload(api, [docx], key=API_KEYS[0])
    assert refused.status_code == 403 and "may read but not change" in refused.json()["message"]


def test_an_upload_with_nothing_importable_is_422_naming_each_file(api, word, tmp_path):
    _, _, table_only = word
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    answer = upload(api, [table_only, empty])
    assert answer.status_code == 422
    assert {detail["field"] for detail in answer.json()["details"]} == {table_only.name, empty.name}
    assert {d["field"]: d["code"] for d in answer.json()["details"]} == {table_only.name: "no-text", empty.name: "empty"}


def test_an_upload_over_the_upload_limit_is_413(api, tmp_path):
    big = tmp_path / "big.docx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES)
    answer = upload(api, [big])
    assert answer.status_code == 413 and "CASEBOOK_MAX_UPLOAD_BYTES" in answer.json()["message"]


def test_a_request_without_files_is_422(api):
    answer = httpx.post(api.url + "/v1/imports", data={"note": "no file"}, headers={"X-API-Key": EDITOR_KEY},
                        timeout=60)
    assert answer.status_code == 422 and answer.json()["details"][0]["field"] == "files"
