#!/usr/bin/env python3
"""Save-to-searchable time of a running `casebook serve --workers N`, under load.

    python scripts/save_to_searchable.py                 # 20 saves, 2 workers, 8 load clients
    python scripts/save_to_searchable.py --saves 5 --load-clients 0

Copies the library and its built index into a temporary folder (so nothing is re-encoded but the
changed item and the real library is never touched), starts `casebook serve --workers N` on it with
an editor key, runs `scripts/load.py` (recommend, keep-alive clients) meanwhile, and saves one
test item N times through `PUT /v1/items/{id}`: the first save creates it (a real case under a new
title, so every passage is new and encoded), each later one edits a sentence (an editor's note
naming a new marker word), as a trainer's correction does.
For each save it measures, from the moment the PUT is sent: when the PUT answered (that worker
searches the change by then, `searchable: true`), and when every worker has returned the item for
the marker from `GET /v1/search` (fresh connections land on random workers; each answer names its
worker in `X-Casebook-Worker`). Prints a table, p50/p95/max, and the load script's errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psutil
from cpu_use import machine_busy, tree_cpu

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "case-05-sincere-marketing-arrears-landlord"
ITEM = "case-save-timing-probe"
MARKERS = ["斑马", "长颈鹿", "袋鼠", "企鹅", "熊猫", "海豚", "骆驼", "犀牛", "河马", "孔雀", "鸵鸟", "考拉",
           "猎豹", "狐狸", "松鼠", "刺猬", "海狮", "羚羊", "火烈鸟", "树懒", "水獭", "海龟", "鹦鹉", "蜂鸟"]
EDITOR_KEY, READ_KEY = "timing-editor-key", "timing-read-key"
TIMEOUT = 60.0  # seconds a save may take to reach every worker before it counts as missed


def copy_library(source: Path, target: Path) -> Path:
    """The item files, the built index and (linked) the prepared models of `source`, in `target`."""
    for folder in ("cases", "playbook"):
        shutil.copytree(source / folder, target / folder)
    shutil.copytree(source / ".casebook" / "index", target / ".casebook" / "index",
                    ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    (target / ".casebook" / "models").symlink_to((source / ".casebook" / "models").resolve())
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection (so the kernel picks a worker for it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def wait_ready(port: int, process: subprocess.Popen, workers: int, timeout: float = 300) -> None:
    """Until every worker has answered /readyz with 200 (each names itself in X-Casebook-Worker)."""
    deadline, ready = time.monotonic() + timeout, set()
    while len(ready) < workers:
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit("the server did not become ready")
        try:
            status, headers, _ = request(port, "GET", "/readyz")
            if status == 200:
                ready.add(headers.get("x-casebook-worker"))
                continue
        except OSError:
            pass
        time.sleep(0.3)


def item_text(template: str, marker: str) -> bytes:
    """The template case as the test item: a title of its own (every passage carries the title,
    so none can reuse a vector of the template) and an editor's note naming `marker`."""
    text = template.replace(f"id: {TEMPLATE}\n", f"id: {ITEM}\n", 1)
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    text = text.replace(title, f"title: 存档计时测试条目（{MARKERS[0]}）", 1)
    return (text.rstrip("\n") + f"\n\n## 编者按\n\n计时标记：{marker}。\n").encode("utf-8")


def seen_by_workers(port: int, marker: str, workers: int, since: float) -> float | None:
    """Seconds from `since` until `workers` different workers returned the item for `marker`."""
    found: set[str] = set()
    path = f"/v1/search?q={quote(marker)}&k=5"
    while time.perf_counter() - since < TIMEOUT:
        status, headers, body = request(port, "GET", path, headers={"X-API-Key": READ_KEY})
        hits = json.loads(body)["results"] if status == 200 else []
        if any(h["id"] == ITEM and marker in h["snippet"] for h in hits):
            found.add(headers.get("x-casebook-worker", "?"))
            if len(found) >= workers:
                return time.perf_counter() - since
        time.sleep(0.02)
    return None


def own_cpu() -> float:
    """CPU seconds of this script and everything it started (server, workers, load)."""
    return tree_cpu(psutil.Process())


def worker_rss(pid: int) -> list[float]:
    """Resident memory of each worker process of the server, in MB."""
    workers = [c for c in psutil.Process(pid).children(recursive=True)
               if "resource_tracker" not in " ".join(c.cmdline())]
    return sorted(worker.memory_info().rss / 1e6 for worker in workers)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=20, help=f"Saves to time (at most {len(MARKERS)}).")
    parser.add_argument("--workers", type=int, default=2, help="`casebook serve --workers`.")
    parser.add_argument("--load-clients", type=int, default=8, help="scripts/load.py clients meanwhile; 0 for none.")
    parser.add_argument("--show-log", action="store_true", help="Print the server's index log lines.")
    parser.add_argument("--library", type=Path, default=ROOT, help="Library (with a built index) to copy.")
    args = parser.parse_args()
    if not 0 < args.saves <= len(MARKERS):
        sys.exit(f"--saves must be 1..{len(MARKERS)}")

    with tempfile.TemporaryDirectory(prefix="casebook-timing-") as tmp:
        library = copy_library(args.library, Path(tmp) / "library")
        template = next(library.glob(f"cases/{TEMPLATE}.md")).read_text(encoding="utf-8")
        port = free_port()
        env = {**os.environ, "CASEBOOK_EDITOR_KEYS": f"timer:{EDITOR_KEY}", "CASEBOOK_API_KEYS": READ_KEY}
        env.pop("CASEBOOK_INDEX_DIR", None)
        log = open(Path(tmp) / "serve.log", "w")  # closed once the server has stopped
        server = subprocess.Popen([sys.executable, "-m", "casebook", "serve", "--workers", str(args.workers),
                                   "--port", str(port), "--library", str(library)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        load = None
        try:
            wait_ready(port, server, args.workers)
            if args.load_clients:
                load = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "load.py"), "--url",
                                         f"http://127.0.0.1:{port}", "--clients", str(args.load_clients),
                                         "--seconds", "120", "--endpoints", "recommend", "--api-key", READ_KEY,
                                         "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                time.sleep(2)
            rows, etag = [], None
            started, busy, ours = time.perf_counter(), machine_busy(), own_cpu()
            rss_before = worker_rss(server.pid)
            for n, marker in enumerate(MARKERS[:args.saves], start=1):
                headers = {"X-API-Key": EDITOR_KEY, "Content-Type": "text/markdown"}
                if etag:
                    headers["If-Match"] = etag
                start = time.perf_counter()
                status, answer_headers, body = request(port, "PUT", f"/v1/items/{ITEM}", item_text(template, marker),
                                                       headers)
                put_seconds = time.perf_counter() - start
                if status not in (200, 201):
                    sys.exit(f"save {n} failed: {status} {body[:300]!r}")
                etag = answer_headers["etag"]
                all_seconds = seen_by_workers(port, marker, args.workers, start)
                rows.append((n, marker, put_seconds, json.loads(body)["searchable"], all_seconds))
                print(f"  save {n:>2} {marker}: answered {put_seconds:.2f} s, every worker "
                      f"{'-' if all_seconds is None else f'{all_seconds:.2f} s'}", file=sys.stderr, flush=True)
                time.sleep(1)
            rss_after = worker_rss(server.pid)
            wall = time.perf_counter() - started
            others = ((machine_busy() - busy) - (own_cpu() - ours)) / (wall * (os.cpu_count() or 1))
        finally:
            load_out = ""
            if load is not None:
                load.send_signal(signal.SIGTERM)
                load_out = load.communicate(timeout=60)[0]
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
            if args.show_log:
                lines = (Path(tmp) / "serve.log").read_text(encoding="utf-8", errors="replace").splitlines()
                print("\n".join(line for line in lines if " casebook." in line), file=sys.stderr)

    print(f"{args.workers} workers, {args.load_clients} load clients, {os.cpu_count()} cores; other processes "
          f"used {max(others, 0):.0%} of the cores meanwhile")
    print("worker memory (RSS MB) before the saves: " + ", ".join(f"{m:.0f}" for m in rss_before)
          + "; after: " + ", ".join(f"{m:.0f}" for m in rss_after))
    print(f"{'save':>4} {'marker':<6} {'answered s':>10} {'searchable':>10} {'every worker s':>14}")
    for n, marker, put_s, searchable, all_s in rows:
        print(f"{n:>4} {marker:<6} {put_s:>10.2f} {searchable!s:>10} {'missed' if all_s is None else f'{all_s:.2f}':>14}")
    answered = [r[2] for r in rows]
    everywhere = [r[4] for r in rows if r[4] is not None]
    print(f"answered (searchable in the saving worker): p50 {statistics.median(answered):.2f} s, "
          f"p95 {percentile(answered, 95):.2f} s, max {max(answered):.2f} s")
    if everywhere:
        print(f"searchable in every worker: p50 {statistics.median(everywhere):.2f} s, "
              f"p95 {percentile(everywhere, 95):.2f} s, max {max(everywhere):.2f} s; "
              f"missed (> {TIMEOUT:.0f} s): {len(rows) - len(everywhere)}")
    for line in load_out.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            print(f"load meanwhile: {result['clients']} clients, {result['requests']} requests ok, "
                  f"{result['errors']} errors, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")


if __name__ == "__main__":
    main()
