"""Live index updates in a running process: a watcher thread notices a new index version, loads a
new engine beside the one serving, and swaps them.

This is the minimal, CURRENT-watching form of issue 11's live reload (branch `live` builds the full
one in this module, with the same `LiveEngine`: it also watches the library files and builds under
a lock). Each server worker has one `LiveEngine`. Its thread checks, every `reload_interval`
seconds, what the index's `CURRENT` names; when that changes (`casebook index --out` published to
the artifact, or `casebook index` from another shell) it opens a fresh engine reusing the loaded
encoders and the query-vector cache, warms it up, and replaces the served one in a single
assignment: requests already running finish on the old engine, which is freed after them.

A version that cannot be loaded leaves the last good engine serving; `error` says why until a
later version loads. A replica started before its artifact exists serves 503 until it appears.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from casebook.search import store
from casebook.search.embed import Encoder, encoders_for
from casebook.search.engine import Engine, QueryCache
from casebook.settings import Settings

log = logging.getLogger("casebook.live")

RETRY_SECONDS = 30.0  # a failed reload is retried this often even when nothing changes


class ReloadListener(Protocol):
    """Told about every reload (for metrics)."""

    def reloaded(self, engine: Engine, seconds: float) -> None: ...

    def failed(self, message: str, seconds: float) -> None: ...


@dataclass(frozen=True)
class LiveStatus:
    version: str | None  # the index version served, None before the first load
    items: int | None
    error: str | None  # why the newest index version is not served; None when it is
    reloads: int
    failures: int


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
        self._seen: str | None = None
        self._failed_at: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def status(self) -> LiveStatus:
        engine = self.engine
        return LiveStatus(engine.version if engine else None, len(engine.library) if engine else None,
                          self.error, self.reloads, self.failures)

    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self._run, name="casebook-live-index", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _observe(self) -> str | None:
        return store.current_name(self.settings.index_path)

    def _run(self) -> None:
        self._refresh(self._observe())
        interval = self.settings.reload_interval
        while interval and not self._stop.wait(interval):
            seen = self._observe()
            retry = self.error is not None and time.monotonic() - (self._failed_at or 0) > RETRY_SECONDS
            if seen != self._seen or retry:
                self._refresh(seen)

    def _refresh(self, seen: str | None) -> None:
        """Open a fresh engine and serve it, or keep the served one and say why not."""
        started, self._seen = time.perf_counter(), seen
        try:
            if self._encoders is None:
                self._encoders = encoders_for(self.settings)  # loaded once per process
            # The first load may build a missing index beside a library; a reload only loads.
            engine = Engine.open(self.settings, build=self.engine is None, encoders=self._encoders,
                                 cache=self._cache)
            warm_up(engine)
        except Exception as exc:  # anything: the served engine must survive every bad version
            seconds = time.perf_counter() - started
            self.error, self._failed_at = str(exc), time.monotonic()
            self.failures += 1
            log.error("index reload failed after %.1f s; still serving %s: %s", seconds,
                      self.engine.version if self.engine else "nothing", exc)
            if self.listener:
                self.listener.failed(self.error, seconds)
            return
        self._cache, self._seen = engine.cache, engine.version
        old, self.engine, self.error = self.engine, engine, None  # the swap: one assignment
        self.reloads += old is not None
        seconds = time.perf_counter() - started
        log.info("serving index %s (%d items), ready in %.1f s", engine.version, len(engine.library), seconds)
        if self.listener:
            self.listener.reloaded(engine, seconds)


def warm_up(engine: Engine) -> None:
    """Load what an engine loads lazily (the tokenizer's dictionary; the encoders on first use),
    so the first request it serves is not the one that pays for it."""
    from casebook.search.recommend import CustomerSituation, recommend

    recommend(engine, CustomerSituation(text="客户申请销号", events=["申请销号"]))
