"""Recording events without ever slowing or failing the request that caused them.

Each process has one `Recorder`: `record()` puts the event on a bounded queue and returns at once;
a background thread writes what has queued up in one short transaction, purges events older than
the retention period when it starts and then every hour, and logs (never raises) what goes wrong.
When the queue is full the event is dropped and counted: a stalled disk must not become a stalled
service. `NullRecorder` (CASEBOOK_EVENTS=off) records nothing.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from casebook.events.records import Ask, Feedback
from casebook.events.store import EventStore

if TYPE_CHECKING:
    from casebook.settings import Settings

log = logging.getLogger("casebook.events")

BATCH = 500  # events written in one transaction at most
PURGE_EVERY = 3600.0  # seconds between retention purges
ERROR_LOG_EVERY = 60.0  # seconds between two logged write errors (the rest are counted)
_STOP = object()


class NullRecorder:
    """Records nothing: what a process uses when events are off."""

    enabled = False
    store: EventStore | None = None
    dropped = written = failed = 0

    def record(self, event: Ask | Feedback) -> None:
        pass

    def flush(self, timeout: float = 5.0) -> bool:
        return True

    def close(self, timeout: float = 5.0) -> None:
        pass


class Recorder:
    """Queue events for one background writer thread; start it with `start()`, stop with `close()`."""

    enabled = True

    def __init__(self, store: EventStore, retention_days: float, queue_size: int = 10_000,
                 on_drop: Callable[[], None] | None = None, on_write: Callable[[int], None] | None = None) -> None:
        self.store = store
        self.retention_days = retention_days
        self.queue: queue.Queue[object] = queue.Queue(maxsize=queue_size)
        self.on_drop, self.on_write = on_drop, on_write
        self.dropped = self.written = self.failed = 0
        self._thread: threading.Thread | None = None
        self._last_error_log = 0.0

    def start(self) -> Recorder:
        self._thread = threading.Thread(target=self._run, name="casebook-events-writer", daemon=True)
        self._thread.start()
        return self

    def record(self, event: Ask | Feedback) -> None:
        """Queue one event; never blocks, never raises (a full queue drops it and counts the drop)."""
        try:
            self.queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1
            if self.on_drop is not None:
                try:
                    self.on_drop()
                except Exception:
                    log.exception("event drop counter failed")

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is written (or given up on); False on timeout."""
        deadline = time.monotonic() + timeout
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.queue.all_tasks_done.wait(remaining):
                    return False
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (for at most `timeout` seconds) and stop the writer."""
        if self._thread is None:
            return
        try:
            self.queue.put(_STOP, timeout=timeout)
        except queue.Full:
            log.warning("event queue still full at shutdown; %d events not written", self.queue.qsize())
            return
        self._thread.join(timeout)
        self._thread = None

    # --- the writer thread -------------------------------------------------------------

    def _run(self) -> None:
        self._purge()
        next_purge = time.monotonic() + PURGE_EVERY
        while True:
            try:
                first = self.queue.get(timeout=max(0.1, next_purge - time.monotonic()))
            except queue.Empty:
                first = None
            batch = [] if first is None else [first]
            while first is not None and len(batch) < BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            stop = any(event is _STOP for event in batch)
            self._write([e for e in batch if e is not _STOP])
            for _ in batch:
                self.queue.task_done()
            if stop:
                return
            if time.monotonic() >= next_purge:
                self._purge()
                next_purge = time.monotonic() + PURGE_EVERY

    def _write(self, events: list[object]) -> None:
        if not events:
            return
        try:
            written = self.store.write(events)  # type: ignore[arg-type]
        except Exception:
            self.failed += len(events)
            now = time.monotonic()
            if now - self._last_error_log >= ERROR_LOG_EVERY:
                self._last_error_log = now
                log.exception("could not write %d events to %s (%d failed so far)", len(events),
                              self.store.path, self.failed)
            return
        self.written += written
        if self.on_write is not None:
            self.on_write(written)

    def _purge(self) -> None:
        try:
            deleted = self.store.purge(self.retention_days)
        except Exception:
            log.exception("could not purge old events from %s", self.store.path)
            return
        if deleted:
            log.info("deleted %d events older than %g days", deleted, self.retention_days)


def open_recorder(settings: Settings, on_drop: Callable[[], None] | None = None) -> Recorder | NullRecorder:
    """The recorder a process uses: started on the settings' event store, or the null one when off."""
    if not settings.events:
        return NullRecorder()
    return Recorder(EventStore(settings.events_file), settings.events_retention_days, settings.events_queue_size,
                    on_drop=on_drop).start()
