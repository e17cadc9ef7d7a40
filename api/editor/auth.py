"""Sign-in for the editor pages: who may sign in, the signed session cookie, CSRF tokens, and the
gate that lets a signed-in editor's browser call the editing API.

An editor signs in with an editor key (`CASEBOOK_EDITOR_KEYS`) or a name and password from the user
list (`casebook editor-user`). The session is a cookie signed with the server's secret (starlette's
SessionMiddleware: HttpOnly, SameSite=Lax). It holds the editor's name, a proof of the credential
used (an HMAC of the key, or of the user's stored password hash) and a CSRF token. The proof is
checked on every request, so removing a key or a user, or changing a password, signs that editor
out at once.

The editor pages are a client of the JSON API: their script calls `/v1/items/...` with the session
cookie and the CSRF token in `X-CSRF-Token`. `EditorGate` checks both and puts the editor's name in
the request state, where the API's key check and `get_editor` accept it as they accept an editor key.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from casebook.accounts import AccountError, User, read_users, session_secret, verify_password
from casebook.api.errors import is_api_path, render_error
from casebook.api.middleware import API_KEY, SIGNED_IN_EDITOR
from casebook.settings import Settings

log = logging.getLogger("casebook.editor")

SESSION_COOKIE = "casebook_editor"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
EDITOR_STATE = "editor_session"  # request state: the signed-in editor's name, on any path
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SIGN_IN_PATH = "/editor/sign-in"
# Paths open to anyone even when the reading pages need a sign-in (CASEBOOK_PAGES_SIGN_IN).
OPEN_PATHS = (SIGN_IN_PATH, "/assets/", "/editor/assets/", "/lang/")


@dataclass(frozen=True)
class SignIn:
    name: str
    proof: str  # HMAC of the credential, so the session ends when the credential does


class EditorAccounts:
    """Who may sign in to the editor pages: the editor keys and the users of the user list."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        given = settings.editor_secret
        self.secret = given.get_secret_value().encode() if given else session_secret(settings.index_path.parent)
        self.users_file: Path = settings.editor_users_path
        self._users: tuple[tuple[float, int] | None, dict[str, User]] = (None, {})

    @property
    def enabled(self) -> bool:
        """True when anyone can sign in: an editor key is set or the user list has a user."""
        return bool(self.settings.editors) or bool(self.users())

    def users(self) -> dict[str, User]:
        """The user list, re-read when the file changes (a user added while the server runs)."""
        try:
            stat = self.users_file.stat()
            stamp: tuple[float, int] | None = (stat.st_mtime, stat.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._users[0]:
            try:
                users = read_users(self.users_file) if stamp else {}
            except (AccountError, OSError, UnicodeDecodeError) as exc:  # keys still work; the log says why
                log.error("editor user list not read, nobody can sign in with a password: %s", exc)
                users = {}
            self._users = (stamp, users)
        return self._users[1]

    def by_key(self, key: str) -> SignIn | None:
        found = None
        for known, name in self.settings.editors.items():  # every key compared: no timing hints
            if hmac.compare_digest(key.encode("utf-8", "replace"), known.encode("utf-8")):
                found = SignIn(name, self._proof("key", known))
        return found

    def by_password(self, name: str, password: str) -> SignIn | None:
        user = self.users().get(name)
        if user is None or not verify_password(password, user.password_hash):
            return None
        return SignIn(user.name, self._proof("user", user.name, user.password_hash))

    def signed_in(self, session: Mapping[str, object]) -> str | None:
        """The editor a session belongs to, while the credential it was made with still exists."""
        name, proof = session.get("editor"), session.get("proof")
        if not isinstance(name, str) or not isinstance(proof, str):
            return None
        user = self.users().get(name)
        candidates = [self._proof("key", key) for key, owner in self.settings.editors.items() if owner == name]
        if user is not None:
            candidates.append(self._proof("user", user.name, user.password_hash))
        return name if any(hmac.compare_digest(proof, c) for c in candidates) else None

    def _proof(self, *parts: str) -> str:
        return hmac.new(self.secret, "\0".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_token(session: MutableMapping[str, object]) -> str:
    """The session's CSRF token, made on first use (a visitor gets one before signing in, so the
    sign-in form is protected too)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_valid(session: Mapping[str, object], given: str | None) -> bool:
    token = session.get(CSRF_FIELD)
    return isinstance(token, str) and given is not None and hmac.compare_digest(token.encode(), given.encode())


def start_session(session: MutableMapping[str, object], sign_in: SignIn) -> None:
    """Sign the editor in: a new CSRF token, so one learnt before the sign-in is worth nothing after."""
    session.clear()
    session.update({"editor": sign_in.name, "proof": sign_in.proof, CSRF_FIELD: secrets.token_urlsafe(32)})


def signed_in_editor(request: Request) -> str | None:
    """The editor signed in on this request (checked by EditorGate), or None."""
    return request.scope.get("state", {}).get(EDITOR_STATE)


def sign_in_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(f"{SIGN_IN_PATH}?next={quote(path, safe='/')}", status_code=303)


class EditorGate:
    """Per request: which editor the session belongs to; a session whose credential is gone is
    cleared. A `/v1` request without a key of its own is the editor's when its session is valid
    and, for a change, it carries the session's CSRF token (403 otherwise). With
    CASEBOOK_PAGES_SIGN_IN the reading pages send a visitor to the sign-in first."""

    def __init__(self, app: ASGIApp, accounts: EditorAccounts, pages_sign_in: bool) -> None:
        self.app = app
        self.accounts = accounts
        self.pages_sign_in = pages_sign_in

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope["session"]
        name = self.accounts.signed_in(session) if "editor" in session else None
        if "editor" in session and name is None:
            session.clear()  # the key or user it was made with is gone: signed out
        state = scope.setdefault("state", {})
        state[EDITOR_STATE] = name
        headers = Headers(scope=scope)
        path = scope["path"]
        if name and is_api_path(path) and headers.get(API_KEY) is None:
            if scope["method"] not in SAFE_METHODS and not csrf_valid(session, headers.get(CSRF_HEADER)):
                message = (f"a change from the editor pages needs the page's CSRF token in {CSRF_HEADER}: "
                           "reload the page and try again")
                await render_error(Request(scope), 403, message)(scope, receive, send)
                return
            state[SIGNED_IN_EDITOR] = name
        elif self.pages_sign_in and name is None and not is_api_path(path) and not path.startswith(OPEN_PATHS):
            query = scope.get("query_string", b"").decode("latin-1")
            await sign_in_redirect(path + (f"?{query}" if query else ""))(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the editor pages' session and gate around the app's inner middleware (call it after
    the key check is added, so the gate runs first)."""
    accounts = EditorAccounts(settings)
    app.state.editor_accounts = accounts
    app.add_middleware(EditorGate, accounts=accounts, pages_sign_in=settings.pages_sign_in)
    app.add_middleware(SessionMiddleware, secret_key=accounts.secret.decode(), session_cookie=SESSION_COOKIE,
                       max_age=int(settings.editor_session_hours * 3600), same_site="lax")
