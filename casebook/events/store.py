"""The event store: one SQLite file (WAL mode) that several worker processes write at once.

This module is the only code that knows the tables. The schema is versioned with SQLite's
`user_version`; `MIGRATIONS[n]` takes a file from version n to n+1, inside one transaction, so a
file from an older casebook is upgraded when it is opened, and a newer one is refused rather than
misread. Writers take short `BEGIN IMMEDIATE` transactions and wait (busy_timeout) for each
other; readers never block writers in WAL mode.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import EventStoreError
from casebook.events.mask import mask, mask_value
from casebook.events.records import Answer, Ask, Feedback, FeedbackRow, Returned

BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another process's transaction

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: questions and their answers, feedback on an item of an answer
    (
        """CREATE TABLE asks (
            id INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL,
            ts REAL NOT NULL,
            kind TEXT NOT NULL,
            channel TEXT NOT NULL,
            query TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            customer TEXT,
            filters TEXT,
            low_confidence INTEGER NOT NULL,
            latency_ms REAL NOT NULL,
            pid INTEGER
        )""",
        "CREATE INDEX asks_request_id ON asks (request_id)",
        "CREATE INDEX asks_ts ON asks (ts)",
        """CREATE TABLE answers (
            ask_id INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            item_group TEXT NOT NULL,
            rank INTEGER NOT NULL,
            score REAL NOT NULL,
            PRIMARY KEY (ask_id, item_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            ts REAL NOT NULL,
            request_id TEXT NOT NULL,
            ask_id INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            action TEXT NOT NULL,
            user TEXT NOT NULL DEFAULT '',
            channel TEXT NOT NULL,
            UNIQUE (request_id, item_id, action, user)
        )""",
        "CREATE INDEX feedback_ask ON feedback (ask_id)",
        "CREATE INDEX feedback_ts ON feedback (ts)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class QuestionCount:
    """How often one question was asked on one channel, and how often the answer was not confident."""

    question: str
    channel: str
    kind: str
    asks: int
    low_confidence: int


@dataclass(frozen=True)
class GapQuestion:
    """A question the library answered badly: not confidently, or its answer was dismissed."""

    question: str
    asks: int
    low_confidence: int
    dismissed: int


@dataclass(frozen=True)
class Totals:
    asks: int
    by_kind: dict[str, int]
    low_confidence: int
    feedback: dict[str, int]
    first_ts: float | None
    last_ts: float | None
    processes: int  # distinct worker processes that recorded questions


class EventStore:
    """The events of one library, in the SQLite file at `path` (created when first written)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False

    # --- connections and schema --------------------------------------------------------

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode (transactions are explicit), closed afterwards."""
        self.ensure()
        conn = self._open()
        try:
            yield conn
        except sqlite3.Error as exc:
            raise EventStoreError(f"the event store {self.path} failed: {exc}") from exc
        finally:
            conn.close()

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable at checkpoints, never corrupt
        except sqlite3.Error as exc:
            raise EventStoreError(f"cannot open the event store {self.path}: {exc}") from exc
        return conn

    def ensure(self) -> None:
        """Create the file, switch it to WAL and bring its schema up to date (once per process)."""
        if self._ready:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self._open()
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")  # persistent: recorded in the file
            migrate(conn, self.path)
        except sqlite3.DatabaseError as exc:
            raise EventStoreError(f"the event store {self.path} cannot be used ({exc}); move it away "
                                  "or set CASEBOOK_EVENTS_PATH to another file") from exc
        finally:
            conn.close()
        self._ready = True

    # --- writing -----------------------------------------------------------------------

    def write(self, events: Iterable[Ask | Feedback]) -> int:
        """Store a batch of events in one short transaction; the same feedback twice is kept once.
        Free text is masked here, so nothing unmasked reaches the file whoever calls."""
        written = 0
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for event in events:
                    written += (self._write_ask(conn, event) if isinstance(event, Ask)
                                else self._write_feedback(conn, event))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return written

    @staticmethod
    def _write_ask(conn: sqlite3.Connection, ask: Ask) -> int:
        row = conn.execute(
            "INSERT INTO asks (request_id, ts, kind, channel, query, text, customer, filters, low_confidence,"
            " latency_ms, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ask.request_id, ask.ts, ask.kind, ask.channel, mask(ask.query), mask(ask.text),
             _json(mask_value(ask.customer)), _json(mask_value(ask.filters)), int(ask.low_confidence),
             round(ask.latency_ms, 3), os.getpid()))
        conn.executemany(
            "INSERT OR IGNORE INTO answers (ask_id, item_id, item_group, rank, score) VALUES (?, ?, ?, ?, ?)",
            [(row.lastrowid, r.item_id, r.group, r.rank, r.score) for r in ask.returned])
        return 1

    @staticmethod
    def _write_feedback(conn: sqlite3.Connection, feedback: Feedback) -> int:
        if feedback.ask_id is None:
            raise ValueError("feedback must be checked against its answer (ask_id) before it is stored")
        cursor = conn.execute(
            "INSERT OR IGNORE INTO feedback (ts, request_id, ask_id, item_id, action, user, channel)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (feedback.ts, feedback.request_id, feedback.ask_id, feedback.item_id, feedback.action,
             mask(feedback.user), feedback.channel))
        return cursor.rowcount

    def purge(self, older_than_days: float, now: float | None = None) -> int:
        """Delete every event older than the retention period; how many asks and feedback went."""
        cutoff = (now or time.time()) - older_than_days * 86400
        with self.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM answers WHERE ask_id IN (SELECT id FROM asks WHERE ts < ?)", (cutoff,))
                asks = conn.execute("DELETE FROM asks WHERE ts < ?", (cutoff,)).rowcount
                feedback = conn.execute("DELETE FROM feedback WHERE ts < ?", (cutoff,)).rowcount
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return asks + feedback

    # --- reading -----------------------------------------------------------------------

    def answer(self, request_id: str) -> Answer | None:
        """The latest recorded answer with this request id, with the ids of the items it held."""
        with self.connect() as conn:
            row = conn.execute("SELECT id FROM asks WHERE request_id = ? ORDER BY id DESC LIMIT 1",
                               (request_id,)).fetchone()
            if row is None:
                return None
            items = conn.execute("SELECT item_id FROM answers WHERE ask_id = ?", (row[0],)).fetchall()
        return Answer(ask_id=row[0], request_id=request_id, item_ids=frozenset(i for (i,) in items))

    def asks(self, since: float = 0.0, until: float | None = None) -> list[Ask]:
        """Every recorded question in the window with its answer, oldest first (as stored: masked)."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT id, request_id, ts, kind, channel, query, text, customer, filters, low_confidence,"
                " latency_ms FROM asks WHERE ts >= ? AND ts < ? ORDER BY id", _window(since, until)).fetchall()
            returned: dict[int, list[Returned]] = {}
            for ask_id, item_id, group, rank, score in conn.execute(
                    "SELECT a.ask_id, a.item_id, a.item_group, a.rank, a.score FROM answers a JOIN asks q"
                    " ON q.id = a.ask_id WHERE q.ts >= ? AND q.ts < ? ORDER BY a.ask_id, a.item_group, a.rank",
                    _window(since, until)):
                returned.setdefault(ask_id, []).append(Returned(item_id, rank, group, score))
        return [Ask(id=r[0], request_id=r[1], ts=r[2], kind=r[3], channel=r[4], query=r[5], text=r[6],
                    customer=_unjson(r[7]), filters=_unjson(r[8]), low_confidence=bool(r[9]), latency_ms=r[10],
                    returned=returned.get(r[0], [])) for r in rows]

    def question_counts(self, since: float = 0.0, until: float | None = None) -> list[QuestionCount]:
        """Each distinct question (its free text, else the query) per channel and kind, most asked first."""
        with self.connect() as conn:
            rows = conn.execute(
                f"SELECT {_QUESTION}, channel, kind, COUNT(*), SUM(low_confidence) FROM asks"
                " WHERE ts >= ? AND ts < ? GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1", _window(since, until)).fetchall()
        return [QuestionCount(*row) for row in rows]

    def gap_questions(self, since: float = 0.0, until: float | None = None) -> list[GapQuestion]:
        """Questions answered without confidence, or whose answer was dismissed and nothing in it used."""
        with self.connect() as conn:
            rows = conn.execute(
                f"""SELECT {_QUESTION}, COUNT(*), SUM(low_confidence), SUM(dismissed) FROM (
                      SELECT q.*,
                        (SELECT COUNT(*) FROM feedback f WHERE f.ask_id = q.id AND f.action = 'dismissed') AS dismissed,
                        (SELECT COUNT(*) FROM feedback f WHERE f.ask_id = q.id AND f.action = 'used') AS used
                      FROM asks q WHERE q.ts >= ? AND q.ts < ?)
                    WHERE low_confidence = 1 OR (dismissed > 0 AND used = 0)
                    GROUP BY 1 ORDER BY 2 DESC, 1""", _window(since, until)).fetchall()
        return [GapQuestion(*row) for row in rows]

    def feedback(self, since: float = 0.0, until: float | None = None,
                 actions: Iterable[str] | None = None) -> list[FeedbackRow]:
        """Feedback events in the window with the question each answered, oldest first."""
        wanted = tuple(actions or ("opened", "used", "dismissed"))
        marks = ", ".join("?" * len(wanted))
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT f.ask_id, f.item_id, f.action, f.user, f.request_id, q.query, f.channel, f.ts"
                " FROM feedback f JOIN asks q ON q.id = f.ask_id"
                f" WHERE f.ts >= ? AND f.ts < ? AND f.action IN ({marks}) ORDER BY f.id",
                (*_window(since, until), *wanted)).fetchall()
        return [FeedbackRow(*row) for row in rows]

    def returned_counts(self, since: float = 0.0, until: float | None = None, top: int = 3) -> dict[str, int]:
        """Item id -> how many confident answers held it among their first `top` of a group."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT a.item_id, COUNT(*) FROM answers a JOIN asks q ON q.id = a.ask_id"
                " WHERE q.ts >= ? AND q.ts < ? AND q.low_confidence = 0 AND a.rank <= ? GROUP BY a.item_id",
                (*_window(since, until), top)).fetchall()
        return dict(rows)

    def version(self) -> tuple[int, ...]:
        """A stamp that changes whenever an event is added or deleted: each table's newest id and size."""
        with self.connect() as conn:
            return tuple(conn.execute("SELECT (SELECT MAX(id) FROM asks), (SELECT COUNT(*) FROM asks),"
                                      " (SELECT MAX(id) FROM feedback), (SELECT COUNT(*) FROM feedback)").fetchone())

    def totals(self, since: float = 0.0, until: float | None = None) -> Totals:
        """Counts over the window: questions by kind, not-confident answers, feedback by action."""
        with self.connect() as conn:
            window = _window(since, until)
            by_kind = dict(conn.execute("SELECT kind, COUNT(*) FROM asks WHERE ts >= ? AND ts < ? GROUP BY kind",
                                        window).fetchall())
            low, first, last, processes = conn.execute(
                "SELECT SUM(low_confidence), MIN(ts), MAX(ts), COUNT(DISTINCT pid) FROM asks WHERE ts >= ? AND ts < ?",
                window).fetchone()
            feedback = dict(conn.execute("SELECT action, COUNT(*) FROM feedback WHERE ts >= ? AND ts < ?"
                                         " GROUP BY action", window).fetchall())
        return Totals(asks=sum(by_kind.values()), by_kind=by_kind, low_confidence=low or 0, feedback=feedback,
                      first_ts=first, last_ts=last, processes=processes)


# The question a person asked: the free text when there is one, else the query built from the fields.
_QUESTION = "CASE WHEN text != '' THEN text ELSE query END"


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the file's schema to SCHEMA_VERSION in one transaction; several processes may race here,
    so the version is read again once the write lock is held."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise EventStoreError(f"the event store {path} has schema version {version}, newer than this "
                                  f"casebook's {SCHEMA_VERSION}: upgrade casebook or set CASEBOOK_EVENTS_PATH")
        for step in MIGRATIONS[version:]:
            for statement in step:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version


def _window(since: float, until: float | None) -> tuple[float, float]:
    return since, until if until is not None else float("inf")


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _unjson(text: str | None) -> object:
    return None if text is None else json.loads(text)
