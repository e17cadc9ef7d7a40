"""Live index updates in a running process: a watcher thread notices changed library files or a
new index version, loads a new engine beside the one serving, and swaps them.

Each server worker has one `LiveEngine`. Its thread checks, every `reload_interval` seconds, the
item files' and `playbook/vocabulary.yaml`'s stat (path, size, mtime, inode) and what the
index's `CURRENT` names. On a change it opens a fresh engine through `store.open_fresh`: under
the index's build lock, so of several workers one builds (re-encoding only changed passages)
and the others wait and load what it built. The new engine reuses the loaded encoders and the
query-vector cache, is warmed up, and then replaces the served one in a single assignment:
requests already running finish on the old engine, which is freed after them.

A change that cannot be loaded (a file that does not parse, a duplicate id) leaves the last good
engine serving; `error` says why until a later change loads.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from casebook.loader import item_files
from casebook.search import artifact, store
from casebook.search.embed import Encoder, encoders_for
from casebook.search.engine import Engine
from casebook.search.query_cache import QueryCache
from casebook.settings import Settings

log = logging.getLogger("casebook.live")

RETRY_SECONDS = 30.0  # a failed reload is retried this often even when nothing changes
VOCABULARY = Path("playbook") / "vocabulary.yaml"


class ReloadListener(Protocol):
    """Told about every reload (for metrics)."""

    def reloaded(self, engine: Engine, seconds: float) -> None: ...

    def failed(self, message: str, seconds: float) -> None: ...


@dataclass(frozen=True)
class LiveStatus:
    version: str | None  # the index version served, None before the first load
    items: int | None
    error: str | None  # why the newest library state is not served; None when it is
    reloads: int
    failures: int


def library_fingerprint(root: Path) -> tuple:
    """What changes when any item file or the vocabulary is written, added, renamed or removed."""
    try:
        paths = item_files(root) + ([root / VOCABULARY] if (root / VOCABULARY).is_file() else [])
        stats = [(p, p.stat()) for p in paths]
    except OSError:  # a file vanished between listing and stat: certainly a change
        return (time.monotonic(),)
    return tuple((str(p), s.st_size, s.st_mtime_ns, s.st_ino) for p, s in stats)


class LiveEngine:
    """The engine a worker serves, kept up to date by a watcher thread."""

    def __init__(self, settings: Settings, listener: ReloadListener | None = None) -> None:
        self.settings = settings
        self.listener = listener
        self.engine: Engine | None = None  # replaced whole, never changed in place
        self.error: str | None = None
        self.reloads = self.failures = 0
        self._encoders: list[tuple[str, Encoder]] | None = None
        self._cache: QueryCache | None = None
        self._seen: tuple | None = None
        self._failed_at: float | None = None
        self._wanted = self._started_at = self._done_at = 0.0  # time.monotonic() values
        self._wake, self._stop, self._tickets = threading.Event(), threading.Event(), threading.Lock()
        self._thread: threading.Thread | None = None

    # --- what the server asks ------------------------------------------------------------

    def status(self) -> LiveStatus:
        engine = self.engine
        return LiveStatus(engine.version if engine else None, len(engine.library) if engine else None,
                          self.error, self.reloads, self.failures)

    def request_refresh(self, since: float | None = None) -> float:
        """Ask for a reload that sees everything written before `since` (a `time.monotonic()`,
        default now); the ticket it returns says when one has finished (`refreshed`)."""
        ticket = time.monotonic() if since is None else since
        with self._tickets:
            self._wanted = max(self._wanted, ticket)
        self._wake.set()
        return ticket

    def refreshed(self, ticket: float) -> bool:
        """True once a reload that began at or after `ticket` has finished."""
        return self._done_at >= ticket

    # --- the watcher thread --------------------------------------------------------------

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._run, name="casebook-live-index", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _observe(self) -> tuple:
        return library_fingerprint(self.settings.library), store.current_name(self.settings.index_path)

    def _run(self) -> None:
        self._refresh(self._observe())
        if self.settings.reload_interval and not artifact.is_read_only(self.settings.index_path):
            store.prepare_builds()  # the first save after a start is then as quick as later ones
        interval = self.settings.reload_interval or None  # 0: reload only when asked
        while not self._stop.is_set():
            self._wake.wait(interval)
            if self._stop.is_set():
                return
            self._wake.clear()
            seen = self._observe()
            retry = self.error is not None and time.monotonic() - (self._failed_at or 0) > RETRY_SECONDS
            if self._wanted >= self._started_at or seen != self._seen or retry:
                self._refresh(seen)

    def _refresh(self, seen: tuple) -> None:
        """Open a fresh engine and serve it, or keep the served one and say why not."""
        self._started_at, started, self._seen = time.monotonic(), time.perf_counter(), seen
        try:
            if self._encoders is None:
                self._encoders = encoders_for(self.settings)  # loaded once per process
            engine = Engine.open(self.settings, encoders=self._encoders, cache=self._cache)
            warm_up(engine)
        except Exception as exc:  # anything: the served engine must survive every bad change
            seconds = time.perf_counter() - started
            self.error, self._failed_at = str(exc), time.monotonic()
            self.failures += 1
            log.error("index reload failed after %.1f s; still serving %s: %s", seconds,
                      self.engine.version if self.engine else "nothing", exc)
            if self.listener:
                self.listener.failed(self.error, seconds)
        else:
            self._cache = engine.cache
            self._seen = (seen[0], engine.version)  # its own build moved CURRENT: no need to load that again
            old, self.engine, self.error = self.engine, engine, None  # the swap: one assignment
            self.reloads += old is not None
            seconds = time.perf_counter() - started
            log.info("serving index %s (%d items), ready in %.1f s", engine.version, len(engine.library), seconds)
            if self.listener:
                self.listener.reloaded(engine, seconds)
        finally:
            self._done_at = self._started_at


def warm_up(engine: Engine) -> None:
    """Load what an engine loads lazily (the tokenizer's dictionary; the encoders on first use),
    so the first request it serves is not the one that pays for it."""
    from casebook.search.recommend import CustomerSituation, recommend

    recommend(engine, CustomerSituation(text="客户申请销号", events=["申请销号"]))
