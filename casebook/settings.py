"""Every setting of casebook, read from the environment (CASEBOOK_*) in this one place."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from casebook.cpu import available_cpus

# The checkout's own library (cases/ and playbook/ beside the package), used when none is named.
BUILTIN_LIBRARY = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """casebook settings; each field is also the environment variable CASEBOOK_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CASEBOOK_", extra="ignore")

    library: Path = Field(default=BUILTIN_LIBRARY, description=(
        "Library folder holding `cases/` and `playbook/`; defaults to the built-in library."))
    index_dir: Path | None = Field(default=None, description=(
        "Where the search index is stored; defaults to `<library>/.casebook/index`. A folder built by "
        "`casebook index --out DIR` is an artifact: replicas load it read-only, with the library it holds."))
    model_dir: Path | None = Field(default=None, description=(
        "Where prepared encoder models (the USE pickle) are kept; defaults to `<library>/.casebook/models`. "
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
    query_cache_size: int = Field(default=2048, description=(
        "Query embeddings kept in memory, so a repeated situation is not encoded twice."))
    metrics_dir: Path | None = Field(default=None, description=(
        "Folder where each API worker process writes its Prometheus metrics, so `/metrics` sums "
        "them all; `casebook serve --workers N` (N > 1) sets it to a temporary folder."))
    request_threads: int = Field(default=4, ge=1, description=(
        "Requests one API worker process computes at once; more wait their turn. Search and "
        "recommend are CPU-bound, so more threads than this only fight over the interpreter lock."))
    reload_interval: float = Field(default=1.0, ge=0, description=(
        "Seconds between a server worker's checks for a new index version (`casebook index --out` "
        "publishing to an artifact, or `casebook index` from another shell); 0 turns live reloading off."))

    @property
    def index_path(self) -> Path:
        return self.index_dir or self.library / ".casebook" / "index"

    @property
    def model_cache(self) -> Path:
        """Prepared encoder models, kept beside the index so a cold start is fast."""
        return self.model_dir or self.library / ".casebook" / "models"

    def with_library(self, library: Path | None) -> Settings:
        """These settings with the library replaced when one is given (the CLI's --library)."""
        return self if library is None else self.model_copy(update={"library": library})


def get_settings(library: Path | None = None) -> Settings:
    return Settings().with_library(library)
