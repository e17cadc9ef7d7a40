"""Editor accounts for the editor pages: a user list with hashed passwords, and the secret that
signs sign-in sessions.

The user list is a text file of `name:hash` lines (`CASEBOOK_EDITOR_USERS`, by default
`.casebook/editor-users` beside the index). Passwords are hashed with scrypt (standard library):
a salt per user and a cost that makes each guess take tens of milliseconds, so a copied file
does not give the passwords away. `casebook editor-user NAME` adds a user or changes a password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from casebook.durable import exclusive_lock, write_atomic
from casebook.errors import CasebookError

log = logging.getLogger("casebook.accounts")

# scrypt's cost: N=2^14, r=8 (16 MB), the interactive-login level of scrypt's paper: 0.15-0.2 s a
# hash measured on the shared 2-core development machine. OWASP's current minimum is N=2^17; each
# line stores its parameters, so they can be raised later without breaking existing passwords.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCHEME = "scrypt"
NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"
MIN_PASSWORD = 8


class AccountError(CasebookError):
    """The user list cannot be read or written, or a name or password is refused."""


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str  # `scrypt$N$r$p$salt$hash`, salt and hash in base64


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The stored form of a password: scrypt with a random salt, and its parameters."""
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join([SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """True when `password` hashes to `stored` (compared in constant time); False for a malformed hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        given = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


def read_users(path: Path) -> dict[str, User]:
    """The users of a user list; an empty list when the file does not exist. A malformed line is an
    AccountError naming the file and line, so a typo never silently locks someone out."""
    if not path.is_file():
        return {}
    users: dict[str, User] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if not sep or not re.fullmatch(NAME_PATTERN, name) or not stored.startswith(SCHEME + "$"):
            raise AccountError(f"{path}:{number}: not a `name:{SCHEME}$...` line; "
                               "add users with `casebook editor-user NAME`")
        if name in users:
            raise AccountError(f"{path}:{number}: {name!r} is listed twice")
        users[name] = User(name, stored)
    return users


def set_user(path: Path, name: str, password: str) -> bool:
    """Add `name` with `password` to the user list at `path`, or change its password; True when the
    user is new. The file is rewritten atomically (other lines kept as they were) and kept private."""
    if not re.fullmatch(NAME_PATTERN, name):
        raise AccountError(f"{name!r} is not a user name: letters, digits, `.`, `_`, `-`, at most 40")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    with exclusive_lock(path.with_name(f".{path.name}.lock")):
        read_users(path)  # refuse to rewrite a file that does not parse
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        entry = f"{name}:{hash_password(password)}"
        kept = [line for line in lines if line.partition(":")[0].strip() != name]
        write_atomic(path, ("\n".join([*kept, entry]) + "\n").encode("utf-8"))
        path.chmod(0o600)
        return len(kept) == len(lines)


def session_secret(folder: Path) -> bytes:
    """The secret that signs sign-in sessions, made once per machine: `<folder>/editor-secret`, created
    by whichever worker process comes first (a hard link cannot replace an existing file), read by
    the others, so every worker of one server accepts the others' sessions."""
    target = folder / "editor-secret"
    if not target.is_file():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temp = folder / f".editor-secret.{os.getpid()}"
            temp.write_text(secrets.token_urlsafe(48), encoding="ascii")
        except OSError as exc:  # a replica on a read-only file system must still start
            log.warning("cannot keep the editor session secret in %s (%s): sessions last while this "
                        "process runs; set CASEBOOK_EDITOR_SECRET to share one", folder, exc.strerror or exc)
            return secrets.token_urlsafe(48).encode("ascii")
        temp.chmod(0o600)
        try:
            os.link(temp, target)
        except FileExistsError:
            pass
        finally:
            temp.unlink(missing_ok=True)
    return target.read_text(encoding="ascii").strip().encode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n * 2, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
