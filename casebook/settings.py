"""Every setting of casebook, read from the environment (CASEBOOK_*) in this one place."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from casebook.cpu import available_cpus
from casebook.errors import CasebookError
from casebook.library import builtin_library, is_installed_library

# The library used when none is named: package data when installed, the checkout's folders otherwise.
BUILTIN_LIBRARY = builtin_library()


class Settings(BaseSettings):
    """casebook settings; each field is also the environment variable CASEBOOK_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CASEBOOK_", extra="ignore")

    library: Path = Field(default=BUILTIN_LIBRARY, description=(
        "Library folder holding `cases/` and `playbook/`; defaults to the built-in library."))
    index_dir: Path | None = Field(default=None, description=(
        "Where the search index is stored. Unset: `<library>/.casebook/index` when the library's folder is "
        "writable and not the built-in library of an installed casebook, else `casebook/<library>-<hash>/index` "
        "in the user's cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux). A folder built by "
        "`casebook index --out DIR` is an artifact: replicas load it read-only, with the library it holds."))
    model_dir: Path | None = Field(default=None, description=(
        "Where prepared encoder models (the USE pickle) are kept; defaults to `models` beside the default index folder. "
        "`casebook prepare-models` fills it; a server that cannot write there prepares them in memory."))
    encoders: str = Field(default="use,e5", description=(
        "Comma-separated dense encoders: `use` (multilingual USE v3), `e5` (multilingual-e5-small "
        "4-bit), or `st:/path/to/sentence-transformers-model`; empty for BM25 only."))
    threads: int = Field(default=available_cpus(), description=(
        "CPU threads for the encoders; defaults to the CPUs this process may use (a container's CPU quota)."))
    api_keys: str = Field(default="", description=(
        "Comma-separated API keys; when set, every `/v1` request needs a valid `X-API-Key` header."))
    cors_origins: str = Field(default="", description=(
        "Comma-separated origins allowed by CORS (e.g. the CRM's `https://crm.example.com`)."))
    max_body_bytes: int = Field(default=65536, description="Largest request body the API accepts.")
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1, description=(
        "Largest upload `POST /v1/imports` accepts (all its documents together)."))
    query_cache_size: int = Field(default=2048, description=(
        "Query embeddings kept in memory, so a repeated situation is not encoded twice."))
    metrics_dir: Path | None = Field(default=None, description=(
        "Folder where each API worker process writes its Prometheus metrics, so `/metrics` sums "
        "them all; `casebook serve --workers N` (N > 1) sets it to a temporary folder."))
    request_threads: int = Field(default=4, ge=1, description=(
        "Requests one API worker process computes at once; more wait their turn. Search and "
        "recommend are CPU-bound, so more threads than this only fight over the interpreter lock."))
    events: bool = Field(default=True, description=(
        "Record each search, recommendation and feedback in the event store (`off` records nothing)."))
    events_path: Path | None = Field(default=None, description=(
        "The event store, an SQLite file; defaults to `events.sqlite3` beside the index "
        "(`<library>/.casebook/events.sqlite3`)."))
    events_retention_days: float = Field(default=180, gt=0, description=(
        "Events older than this many days are deleted (when a process starts, then hourly)."))
    events_queue_size: int = Field(default=10_000, ge=1, description=(
        "Events one process holds for its background writer; beyond that new events are dropped "
        "and counted (`casebook_events_dropped_total`), never waited for."))
    feedback_prior: bool = Field(default=False, description=(
        "Let feedback rank items up: an item users used for a situation ranks up a little for "
        "similar situations. Off until the replay evaluation (docs/LEARNING.md) supports it for your traffic."))
    editor_keys: str = Field(default="", description=(
        "Comma-separated editor keys, each `name:key` (the name goes into the audit trail) or a bare "
        "key (name `editor`); sent as `X-API-Key`, they allow the editing API's writes (and every "
        "read). Empty: nobody can write through the API."))
    editor_users: Path | None = Field(default=None, description=(
        "User list of the editor pages: `name:scrypt-hash` lines, written by `casebook editor-user NAME`; "
        "defaults to `<library>/.casebook/editor-users`. Its users sign in with a password."))
    editor_secret: SecretStr | None = Field(default=None, description=(
        "Key that signs the editor pages' sign-in cookies; by default a random key made once and kept "
        "in `.casebook/editor-secret` beside the index, shared by every worker. Set it when servers "
        "on several machines serve one site."))
    editor_session_hours: float = Field(default=12.0, gt=0, description=(
        "Hours an editor stays signed in to the editor pages without using them."))
    pages_sign_in: bool = Field(default=False, description=(
        "When true, the reading pages (search, items, browse, pack) also need an editor sign-in; "
        "by default they are open to anyone who can reach the server."))
    reload_interval: float = Field(default=1.0, ge=0, description=(
        "Seconds between a server worker's checks for changed library files or a new index "
        "version (`casebook index` from another shell, `casebook index --out` publishing to an "
        "artifact); 0 turns live reloading off."))
    save_wait: float = Field(default=10.0, ge=0, description=(
        "Seconds a save through the API waits for its change to be searchable in the worker that "
        "answered (the answer says whether it is); other workers follow within the reload interval."))
    audit: Literal["auto", "git", "log"] = Field(default="auto", description=(
        "Audit trail of edits: `git` commits each change (author: the editor), `log` appends a JSON "
        "line to `<library>/.casebook/audit.jsonl`, `auto` commits when the library is in a git "
        "work tree and logs otherwise."))

    @property
    def index_path(self) -> Path:
        return self.index_dir or state_folder(self.library) / "index"

    @property
    def model_cache(self) -> Path:
        """Prepared encoder models, kept so a cold start is fast (not beside an artifact: replicas
        load that read-only)."""
        if self.model_dir is not None:
            return self.model_dir
        try:
            return state_folder(self.library) / "models"
        except CasebookError:  # nowhere writable: the encoders prepare their models in memory
            return self.library / ".casebook" / "models"

    @property
    def events_file(self) -> Path:
        return self.events_path or self.index_path.parent / "events.sqlite3"

    @property
    def editor_users_path(self) -> Path:
        return self.editor_users or self.index_path.parent / "editor-users"

    @property
    def read_keys(self) -> list[str]:
        return _split(self.api_keys)

    @property
    def editors(self) -> dict[str, str]:
        """Editor key -> the editor's name (`name:key` entries; a bare key is named `editor`)."""
        pairs = [entry.partition(":") for entry in _split(self.editor_keys)]
        return {key if sep else name: name if sep else "editor" for name, sep, key in pairs}

    def with_library(self, library: Path | None) -> Settings:
        """These settings with the library replaced when one is given (the CLI's --library)."""
        return self if library is None else self.model_copy(update={"library": library})


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def state_folder(library: Path) -> Path:
    """Where a library's index and prepared models go when CASEBOOK_INDEX_DIR is not set.

    Beside the library (`.casebook/`) when that folder can be written, except for the library an
    installed casebook carries (site-packages is no place for state, and is often read-only); else a
    folder of its own in the user's cache folder, named after the library's path.
    """
    beside = library / ".casebook"
    if not is_installed_library(library) and can_write(beside):
        return beside
    from platformdirs import user_cache_path

    key = hashlib.sha1(str(library.resolve()).encode()).hexdigest()[:12]
    cached = user_cache_path("casebook", appauthor=False) / f"{library.resolve().name}-{key}"
    if can_write(cached):
        return cached
    raise CasebookError(f"no writable place for the search index of {library}: neither {beside} nor "
                        f"{cached} can be written; set CASEBOOK_INDEX_DIR to a writable folder")


def can_write(folder: Path) -> bool:
    """True when `folder` exists as a writable folder, or can be made in its nearest existing parent."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)


def get_settings(library: Path | None = None) -> Settings:
    """The settings from the environment; a value that does not parse is a CasebookError naming its variable."""
    try:
        settings = Settings()
    except ValidationError as exc:
        raise CasebookError(_setting_problems(exc)) from None
    return settings.with_library(library)


def _setting_problems(exc: ValidationError) -> str:
    problems = [f"CASEBOOK_{'_'.join(map(str, error['loc'])).upper()}={error['input']!r}: {error['msg']}"
                for error in exc.errors(include_url=False)]
    return f"bad setting {'; '.join(problems)} (every setting: docs/SETTINGS.md)"
