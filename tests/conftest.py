# ==== trainer pages: a real server and headless Chromium (tests/test_pages_*.py) ==================
# The pages are driven on the same `casebook serve` subprocess as the API tests (`api`, below), in
# one Chromium for the whole session; `page` hands each test a browser with an empty session pack.
# Set CASEBOOK_TEST_SERVER=http://host:port to drive a server that is already running instead.

import os as _os
from pathlib import Path as _Path

import pytest as _pytest
from browser import chrome, quit_chrome


@_pytest.fixture(scope="session")
def pages_server(request) -> str:
    """Base URL of a running casebook service (pages and API) on the built-in library."""
    given = _os.environ.get("CASEBOOK_TEST_SERVER")
    return given.rstrip("/") if given else request.getfixturevalue("api").url


@_pytest.fixture(scope="session")
def downloads(tmp_path_factory) -> _Path:
    return tmp_path_factory.mktemp("downloads")


@_pytest.fixture(scope="session")
def browser(downloads):
    driver = chrome(downloads)
    yield driver
    quit_chrome(driver)


@_pytest.fixture
def page(browser, pages_server, downloads):
    """The browser on the search page with an empty pack, no downloads and Chinese pages."""
    browser.get(pages_server + "/assets/style.css")
    browser.delete_all_cookies()
    browser.get(pages_server + "/pack")
    browser.execute_script("localStorage.clear()")
    for old in downloads.iterdir():
        old.unlink()
    while len(browser.window_handles) > 1:
        browser.switch_to.window(browser.window_handles[-1])
        browser.close()
    browser.switch_to.window(browser.window_handles[0])
    browser.base = pages_server
    return browser
# ==== end of trainer pages block ==================================================================


# ==== JSON API and recommend: one real server, one engine (tests/test_api_*.py, test_recommend.py) ====
# `api` is one `casebook serve` subprocess for the whole session, on a free loopback port and the
# built-in library (its index at the default location, so it is built once and reused), started
# with API keys, an editor key and a CORS origin so every hardening rule can be tested against it. `client` sends
# a valid key; `anonymous` sends none. `engine` is the library-level engine for test_recommend.py.
# ruff: noqa: E402 - each block of this file imports what it uses at its own head

import json as _json
import socket as _socket
import subprocess as _subprocess
import sys as _sys
import time as _time
from dataclasses import dataclass as _dataclass
from pathlib import Path as _Path

import httpx as _httpx
import pytest as _pytest

API_KEYS = ("test-key-one", "test-key-two")
EDITOR_KEY = "test-editor-key"  # for the routes that write nothing (POST /v1/imports)
MAX_UPLOAD_BYTES = 1_000_000  # small, so a test can exceed it cheaply
CRM_ORIGIN = "https://crm.example.com"
API_START_TIMEOUT = 600  # seconds; the first start on a fresh checkout builds the index


@_dataclass
class ApiServer:
    url: str
    log: _Path
    process: _subprocess.Popen
    events: _Path  # the server's event store (CASEBOOK_EVENTS_PATH), so tests read what it recorded

    def access_lines(self) -> list[dict]:
        """The JSON access-log lines the server has written so far."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [_json.loads(line) for line in lines if line.startswith('{"ts"')]


def _free_loopback_port() -> int:
    with _socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@_pytest.fixture(scope="session")
def api(tmp_path_factory):
    port = _free_loopback_port()
    folder = tmp_path_factory.mktemp("api")
    log, events = folder / "serve.log", folder / "events.sqlite3"
    # the tests' traffic goes to a store of their own, not the one beside the library's index
    env = {**_os.environ, "CASEBOOK_API_KEYS": ",".join(API_KEYS), "CASEBOOK_CORS_ORIGINS": CRM_ORIGIN,
           "CASEBOOK_EVENTS_PATH": str(events), "CASEBOOK_EDITOR_KEYS": f"tester:{EDITOR_KEY}",
           "CASEBOOK_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES)}
    with log.open("w") as out:
        process = _subprocess.Popen(
            [_sys.executable, "-m", "casebook", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=_subprocess.STDOUT)
    server = ApiServer(f"http://127.0.0.1:{port}", log, process, events)
    deadline = _time.monotonic() + API_START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"`casebook serve` exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if _httpx.get(server.url + "/readyz", timeout=5).status_code == 200:
                break
        except _httpx.TransportError:
            pass
        if _time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"`casebook serve` not ready in {API_START_TIMEOUT} s:\n{log.read_text()[-3000:]}")
        _time.sleep(0.3)
    yield server
    process.terminate()
    try:
        process.wait(timeout=15)
    except _subprocess.TimeoutExpired:
        process.kill()


@_pytest.fixture(scope="session")
def client(api):
    with _httpx.Client(base_url=api.url, headers={"X-API-Key": API_KEYS[0]}, timeout=60) as http:
        yield http


@_pytest.fixture(scope="session")
def anonymous(api):
    with _httpx.Client(base_url=api.url, timeout=60) as http:
        yield http


@_pytest.fixture(scope="session")
def engine():
    from casebook.search import Engine
    from casebook.settings import get_settings

    return Engine.open(get_settings())
