"""Signing in to the editor pages, and CSRF: the app in process (starlette's TestClient, no index
loaded) on a copy of a few real items, with an editor key, a read key and a user list.

Checking an item (`POST /v1/items/{id}/validate`) needs no index, so it is what these tests call to
see whether a session may use the editing API. Time: about 2 s.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from helpers import copy_library, item_text
from typer.testing import CliRunner

from casebook.accounts import AccountError, read_users, set_user, verify_password
from casebook.api.app import create_app
from casebook.settings import Settings

CASE = "case-05-sincere-marketing-arrears-landlord"
USER, PASSWORD = "trainer", "correct horse battery"
EDITOR_KEY, READ_KEY = "boss-editor-key", "crm-read-key"


@pytest.fixture
def site(tmp_path):
    library = copy_library(tmp_path / "library", [CASE])
    users = tmp_path / "editor-users"
    set_user(users, USER, PASSWORD)
    settings = Settings(library=library, index_dir=tmp_path / "state" / "index", editor_users=users,
                        editor_keys=f"boss:{EDITOR_KEY}", api_keys=READ_KEY)
    return settings


def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings), follow_redirects=False)


def csrf_of(http: TestClient, path: str = "/editor/sign-in") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', http.get(path).text).group(1)


def sign_in(http: TestClient, **fields: str) -> object:
    return http.post("/editor/sign-in", data={"csrf": csrf_of(http), "next": "/editor", **fields})


def validate(http: TestClient, settings: Settings, token: str | None) -> object:
    headers = {"Content-Type": "text/markdown", **({"X-CSRF-Token": token} if token else {})}
    return http.post(f"/v1/items/{CASE}/validate", content=item_text(settings.library, CASE).encode(), headers=headers)


def session_token(http: TestClient) -> str:
    """The CSRF token the pages of a signed-in session carry (the sign-in page shows it too)."""
    return csrf_of(http)


def test_editor_pages_send_a_visitor_to_sign_in(site):
    answer = client(site).get("/editor/items/" + CASE)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/editor/sign-in?next=/editor/items/{CASE}"


def test_password_from_the_user_list_signs_in_with_a_private_cookie(site):
    http = client(site)
    answer = sign_in(http, name=USER, password=PASSWORD)
    assert answer.status_code == 303 and answer.headers["location"] == "/editor"
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith("casebook_editor=") and "httponly" in cookie and "samesite=lax" in cookie
    assert validate(http, site, session_token(http)).json()["valid"] is True


def test_editor_key_signs_in(site):
    http = client(site)
    assert sign_in(http, key=EDITOR_KEY).status_code == 303
    assert validate(http, site, session_token(http)).status_code == 200


def test_wrong_password_or_key_gets_401_and_no_session(site):
    http = client(site)
    assert sign_in(http, name=USER, password="wrong password").status_code == 401
    assert sign_in(http, key=READ_KEY).status_code == 401  # a read key is no editor key
    assert validate(http, site, session_token(http)).status_code == 401


def test_sign_in_without_the_forms_csrf_token_is_refused(site):
    http = client(site)
    http.get("/editor/sign-in")
    answer = http.post("/editor/sign-in", data={"name": USER, "password": PASSWORD, "next": "/editor"})
    assert answer.status_code == 403
    assert validate(http, site, session_token(http)).status_code == 401


def test_change_from_a_session_without_its_csrf_token_is_refused(site):
    http = client(site)
    sign_in(http, name=USER, password=PASSWORD)
    for token in (None, "a-token-from-elsewhere"):
        answer = validate(http, site, token)
        assert answer.status_code == 403
        assert "CSRF" in answer.json()["message"]


def test_save_from_a_session_without_its_csrf_token_writes_nothing(site):
    http = client(site)
    sign_in(http, name=USER, password=PASSWORD)
    path = site.library / "cases" / f"{CASE}.md"
    before = path.read_bytes()
    answer = http.put(f"/v1/items/{CASE}", content=before.replace(b"\xe7\x9c\x9f", b"X"),
                      headers={"Content-Type": "text/markdown", "If-Match": "*"})
    assert answer.status_code == 403
    assert path.read_bytes() == before


def test_removing_a_user_ends_their_session(site):
    http = client(site)
    sign_in(http, name=USER, password=PASSWORD)
    token = session_token(http)
    site.editor_users.write_text("", encoding="utf-8")
    assert validate(http, site, token).status_code == 401


def test_sign_out_needs_the_token_and_ends_the_session(site):
    http = client(site)
    sign_in(http, name=USER, password=PASSWORD)
    token = session_token(http)
    assert http.post("/editor/sign-out", data={}).status_code == 403
    assert http.post("/editor/sign-out", data={"csrf": token}).status_code == 303
    assert validate(http, site, token).status_code == 401


def test_sign_in_never_sends_the_editor_to_another_site(site):
    http = client(site)
    answer = http.post("/editor/sign-in", data={"csrf": csrf_of(http), "name": USER, "password": PASSWORD,
                                                "next": "//evil.example.com/editor"})
    assert answer.headers["location"] == "/editor"


def test_reading_pages_stay_open_unless_configured(site):
    assert "location" not in client(site).get("/", headers={"Accept": "text/html"}).headers
    closed = client(site.model_copy(update={"pages_sign_in": True}))
    assert closed.get("/browse").headers["location"] == "/editor/sign-in?next=/browse"
    assert closed.get("/assets/style.css").status_code == 200


def test_editor_user_command_adds_a_user_who_can_sign_in(site):
    from casebook.cli import app

    run = CliRunner().invoke(app, ["editor-user", "reviewer", "--users-file", str(site.editor_users),
                                   "--password-stdin"], input="another long password\n")
    assert run.exit_code == 0, run.output
    users = read_users(site.editor_users)
    assert set(users) == {USER, "reviewer"}
    assert verify_password("another long password", users["reviewer"].password_hash)
    assert sign_in(client(site), name="reviewer", password="another long password").status_code == 303


def test_user_list_problems_name_the_file_and_line(tmp_path):
    users = tmp_path / "editor-users"
    users.write_text("# editors\nalice plain-text-password\n", encoding="utf-8")
    with pytest.raises(AccountError, match=rf"{users}:2: "):
        read_users(users)
