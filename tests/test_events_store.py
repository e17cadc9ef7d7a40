"""The event store on disk: schema versions, retention, duplicate feedback, masking on the way in,
and a writer that never blocks or raises, whatever the disk does."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from helpers import ROOT

from casebook.errors import EventStoreError, NotInAnswer, UnknownRequest
from casebook.events import Ask, EventStore, Feedback, Recorder, Returned, take_feedback
from casebook.events.store import SCHEMA_VERSION

DAY = 86400.0


def ask(request_id: str, ts: float | None = None, text: str = "客户要销号怎么挽留", low: bool = False) -> Ask:
    return Ask(request_id=request_id, kind="search", channel="api", query=text, text=text, low_confidence=low,
               latency_ms=12.5, returned=[Returned("script-retention-probing-questions", 1, "results", 3.2),
                                          Returned("theory-customer-retention-steps", 2, "results", 3.1)],
               ts=ts if ts is not None else time.time())


def used(store: EventStore, request_id: str, item: str, user: str = "", ts: float | None = None) -> Feedback:
    answer = store.answer(request_id)
    return Feedback(request_id=request_id, item_id=item, action="used", channel="api", user=user,
                    ts=ts if ts is not None else time.time(), ask_id=answer.ask_id)


def test_a_new_store_is_created_in_wal_mode_at_the_current_schema_version(tmp_path):
    store = EventStore(tmp_path / "sub" / "events.sqlite3")
    store.write([ask("r1")])
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_a_newer_casebook_is_refused_with_a_message(tmp_path):
    path = tmp_path / "events.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(EventStoreError, match="newer than this casebook"):
        EventStore(path).totals()


def test_questions_and_customer_fields_are_masked_before_they_are_stored(tmp_path):
    store = EventStore(tmp_path / "events.sqlite3")
    question = "客户手机13812345678要销号，身份证440301199003071234"
    store.write([Ask(request_id="r1", kind="recommend", channel="api", query=question, text=question,
                     customer={"notes": "房东电话0755-83371269", "events": ["申请销号"]}, returned=[],
                     low_confidence=False, latency_ms=5.0)])
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("events.sqlite3*"))  # the file and any WAL left
    assert b"13812345678" not in raw and b"440301199003071234" not in raw
    assert b"83371269" not in raw
    stored = store.asks()[0]
    assert stored.text == "客户手机[手机号]要销号，身份证[身份证号]"
    assert stored.customer == {"notes": "房东电话[电话]", "events": ["申请销号"]}


def test_the_same_feedback_twice_counts_once(tmp_path):
    store = EventStore(tmp_path / "events.sqlite3")
    store.write([ask("r1")])
    item = "script-retention-probing-questions"
    store.write([used(store, "r1", item, "u1"), used(store, "r1", item, "u1"), used(store, "r1", item, "u2")])
    store.write([used(store, "r1", item, "u1")])
    assert [(f.item_id, f.user) for f in store.feedback()] == [(item, "u1"), (item, "u2")]


def test_retention_deletes_events_older_than_the_setting_and_keeps_the_rest(tmp_path):
    store = EventStore(tmp_path / "events.sqlite3")
    now = time.time()
    store.write([ask("old", ts=now - 200 * DAY), ask("recent", ts=now - 10 * DAY)])
    item = "theory-customer-retention-steps"
    store.write([used(store, "old", item, ts=now - 199 * DAY), used(store, "recent", item, ts=now - 9 * DAY)])
    assert store.purge(older_than_days=180, now=now) == 2
    assert [a.request_id for a in store.asks()] == ["recent"]
    assert [f.request_id for f in store.feedback()] == ["recent"]
    assert store.answer("old") is None


def test_the_writer_purges_old_events_when_it_starts(tmp_path):
    store = EventStore(tmp_path / "events.sqlite3")
    store.write([ask("old", ts=time.time() - 3 * DAY), ask("recent")])
    recorder = Recorder(store, retention_days=2).start()
    recorder.close()
    assert [a.request_id for a in store.asks()] == ["recent"]


def test_a_full_queue_drops_and_counts_rather_than_waiting_for_a_locked_file(tmp_path):
    store = EventStore(tmp_path / "events.sqlite3")
    store.ensure()
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the file: the writer must wait
    recorder = Recorder(store, retention_days=180, queue_size=5).start()
    try:
        started = time.perf_counter()
        for n in range(50):
            recorder.record(ask(f"r{n}"))
        assert time.perf_counter() - started < 0.5  # recording never waited for the disk
        assert recorder.dropped >= 40
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert recorder.flush(timeout=20)
    recorder.close()
    assert store.totals().asks == 50 - recorder.dropped


def test_a_broken_store_is_logged_and_never_raised_to_the_request(tmp_path, caplog):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    recorder = Recorder(EventStore(not_a_folder / "events.sqlite3"), retention_days=180).start()
    recorder.record(ask("r1"))  # no exception here
    assert recorder.flush(timeout=10)
    recorder.close()
    assert recorder.failed == 1
    assert "could not write 1 events" in caplog.text


def test_feedback_on_an_unknown_request_or_an_item_not_in_the_answer_is_refused(tmp_path):
    store = EventStore(tmp_path / "events.sqlite3")
    store.write([ask("r1")])
    recorder = Recorder(store, retention_days=180).start()
    try:
        with pytest.raises(UnknownRequest, match="no recorded answer has request id 'nope'"):
            asyncio.run(take_feedback(recorder, Feedback("nope", "theory-crm", "used", "api"), wait=0.2))
        with pytest.raises(NotInAnswer, match="was not in the answer"):
            asyncio.run(take_feedback(recorder, Feedback("r1", "theory-crm", "used", "api"), wait=0.2))
    finally:
        recorder.close()


def test_feedback_finds_an_answer_still_on_its_way_to_the_file(tmp_path):
    store = EventStore(tmp_path / "events.sqlite3")
    recorder = Recorder(store, retention_days=180).start()
    try:
        recorder.record(ask("just-answered"))  # queued, perhaps not written yet
        accepted = asyncio.run(take_feedback(
            recorder, Feedback("just-answered", "theory-customer-retention-steps", "opened", "pages")))
        assert accepted and recorder.flush(10)
        assert [f.action for f in store.feedback()] == ["opened"]
    finally:
        recorder.close()


def test_events_off_records_nothing_and_on_records_the_cli_question(tmp_path):
    events = tmp_path / "events.sqlite3"
    env = {**os.environ, "CASEBOOK_EVENTS_PATH": str(events)}
    command = [sys.executable, "-m", "casebook", "search", "客户手机13812345678要销号怎么挽留", "-k", "2"]
    off = subprocess.run(command, env={**env, "CASEBOOK_EVENTS": "off"}, cwd=ROOT, capture_output=True, timeout=120)
    assert off.returncode == 0, off.stderr
    assert not events.exists()
    on = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=120)
    assert on.returncode == 0, on.stderr
    [recorded] = EventStore(events).asks()
    assert (recorded.channel, recorded.kind, recorded.text) == ("cli", "search", "客户手机[手机号]要销号怎么挽留")
    assert len(recorded.returned) == 2
