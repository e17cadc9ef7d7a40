#!/usr/bin/env python3
"""Load test of a running `casebook serve`: N concurrent clients on /v1/recommend and /v1/search.

    casebook serve --workers 2 &
    python scripts/load.py --clients 1,4,16 --seconds 30 --server-pid $(pgrep -of 'casebook serve')

Each client holds one keep-alive HTTP/1.1 connection and sends the next request as soon as the last
answer is in (a closed loop), cycling through the CRM situations in `load_situations.json` (so the
server sees repeated situations, as a CRM sends them). The client is plain asyncio sockets, cheap
enough not to compete with the server for the CPU. Bounded: loopback only, at most MAX_SECONDS per
run and `--max-requests` per run. Prints, per endpoint and client count, throughput, p50/p95/p99
latency and errors; with `--server-pid`, also the server's CPU time per request, how close the
throughput comes to what the cores allow (cores / CPU time per request), and the share of the
cores the load generator and any other process on the machine used meanwhile. SIGTERM ends the
run early (requests in flight finish) and still prints what was measured, so a test can run it
for as long as something else takes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import psutil
from cpu_use import machine_busy, tree_cpu

HERE = Path(__file__).resolve().parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_SECONDS = 300
MAX_CLIENTS = 64


@dataclass
class Run:
    endpoint: str
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    cpu_seconds: float | None = None  # the server's
    busy_seconds: float | None = None  # the whole machine's, to see what else ran meanwhile
    client_seconds: float = 0.0  # this load generator's

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def requests_for(endpoint: str, host: str, api_key: str | None) -> list[bytes]:
    """The raw HTTP requests one client cycles through."""
    situations = json.loads((HERE / "load_situations.json").read_text(encoding="utf-8"))
    key = f"X-API-Key: {api_key}\r\n" if api_key else ""
    out = []
    for situation in situations:
        if endpoint == "recommend":
            body = json.dumps(situation, ensure_ascii=False).encode()
            head = (f"POST /v1/recommend HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n{key}\r\n")
            out.append(head.encode() + body)
        else:
            text = situation.get("text") or " ".join(situation.get("customer", {}).get("events", [])) or "客户挽留"
            out.append(f"GET /v1/search?q={quote(text)}&k=10 HTTP/1.1\r\nHost: {host}\r\n{key}\r\n".encode())
    return out


async def read_answer(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 answer (Content-Length bodies, as uvicorn sends JSON); return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = next((int(line.split(":", 1)[1]) for line in lines[1:] if line.lower().startswith("content-length:")), 0)
    if length:
        await reader.readexactly(length)
    return status


async def client(host: str, port: int, requests: list[bytes], offset: int, run: Run, deadline: list[float],
                 budget: list[int]) -> None:
    reader = writer = None
    n = offset
    while time.perf_counter() < deadline[0] and budget[0] > 0:
        budget[0] -= 1
        request = requests[n % len(requests)]
        n += 1
        start = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            status = await asyncio.wait_for(read_answer(reader), timeout=30)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            run.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        run.statuses[status] = run.statuses.get(status, 0) + 1
        if status == 200:
            run.latencies.append(time.perf_counter() - start)
        else:
            run.errors += 1
    if writer is not None:
        writer.close()


def wait_ready(host: str, port: int, timeout: float = 300) -> None:
    """Until /readyz has said 200 on ten fresh connections in a row (so every worker has its index)."""
    import http.client

    deadline, in_a_row = time.monotonic() + timeout, 0
    while in_a_row < 10:
        if time.monotonic() > deadline:
            sys.exit(f"the server at {host}:{port} is not ready after {timeout:.0f} s")
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", "/readyz")
            in_a_row = in_a_row + 1 if connection.getresponse().status == 200 else 0
            connection.close()
        except OSError:
            in_a_row = 0
        if in_a_row == 0:
            time.sleep(0.5)


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds used so far by the server process and its workers."""
    return None if pid is None else tree_cpu(psutil.Process(pid), reaped=False)


async def measure(endpoint: str, clients: int, args: argparse.Namespace) -> Run:
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    requests = requests_for(endpoint, f"{host}:{port}", args.api_key)
    run = Run(endpoint, clients)
    cpu_before, busy_before, own_before = server_cpu(args.server_pid), machine_busy(), time.process_time()
    start = time.perf_counter()
    budget, deadline = [args.max_requests], [start + args.seconds]

    def stop() -> None:
        deadline[0], args.stopped = 0.0, True

    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    await asyncio.gather(*(client(host, port, requests, i * 7, run, deadline, budget)
                           for i in range(clients)))
    run.seconds = time.perf_counter() - start
    run.busy_seconds, run.client_seconds = machine_busy() - busy_before, time.process_time() - own_before
    cpu_after = server_cpu(args.server_pid)
    if cpu_before is not None and cpu_after is not None:
        run.cpu_seconds = cpu_after - cpu_before
    return run


def table(runs: list[Run], cores: int) -> str:
    header = (f"{'endpoint':<10} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'max ms':>7} {'errors':>6} {'cpu ms/req':>10} {'% of cores/cpu':>14} {'client':>6} {'others':>6}")
    lines = [header]
    for r in runs:
        cpu = capacity = others = ""
        if r.cpu_seconds is not None and r.latencies:
            per_request = r.cpu_seconds / len(r.latencies)
            cpu = f"{per_request * 1000:.1f}"
            capacity = f"{100 * r.throughput * per_request / cores:.0f}%"
            spare = (r.busy_seconds or 0.0) - r.cpu_seconds - r.client_seconds
            others = f"{100 * max(spare, 0.0) / (r.seconds * cores):.0f}%"
        client = f"{100 * r.client_seconds / (r.seconds * cores):.0f}%"
        lines.append(f"{r.endpoint:<10} {r.clients:>7} {len(r.latencies):>8} {r.throughput:>7.1f} "
                     f"{r.percentile(50):>7.1f} {r.percentile(95):>7.1f} {r.percentile(99):>7.1f} "
                     f"{r.percentile(100):>7.1f} "
                     f"{r.errors:>6} {cpu:>10} {capacity:>14} {client:>6} {others:>6}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="The server (loopback only).")
    parser.add_argument("--clients", default="1,4,16", help="Concurrent clients per run, comma-separated.")
    parser.add_argument("--seconds", type=float, default=30, help=f"Length of each run (at most {MAX_SECONDS}).")
    parser.add_argument("--max-requests", type=int, default=100_000, help="Most requests in one run.")
    parser.add_argument("--endpoints", default="recommend,search", help="recommend, search or both.")
    parser.add_argument("--api-key", default=None, help="X-API-Key to send, when the server wants one.")
    parser.add_argument("--server-pid", type=int, default=None,
                        help="PID of `casebook serve`, to report its CPU time per request.")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="Cores the server may use.")
    parser.add_argument("--json", action="store_true", help="Also print each run as a JSON line.")
    args = parser.parse_args()

    url = urlsplit(args.url)
    if url.scheme != "http" or url.hostname not in LOOPBACK:
        sys.exit(f"refusing {args.url}: the load test only runs against http on this machine's loopback")
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if not 0 < args.seconds <= MAX_SECONDS or not all(0 < c <= MAX_CLIENTS for c in clients):
        sys.exit(f"--seconds must be in (0, {MAX_SECONDS}] and each client count in [1, {MAX_CLIENTS}]")
    endpoints = [e.strip() for e in args.endpoints.split(",") if e.strip()]
    if not set(endpoints) <= {"recommend", "search"}:
        sys.exit("--endpoints takes recommend and/or search")

    wait_ready(url.hostname, url.port or 80)
    runs = []
    args.stopped = False
    for endpoint in endpoints:
        for count in clients:
            if args.stopped:
                break
            run = asyncio.run(measure(endpoint, count, args))
            runs.append(run)
            print(f"  {endpoint} x{count}: {len(run.latencies)} ok, {run.errors} errors "
                  f"(statuses {run.statuses})", file=sys.stderr, flush=True)
            if args.json:
                print(json.dumps({"endpoint": endpoint, "clients": count, "requests": len(run.latencies),
                                  "rps": round(run.throughput, 1), "p50_ms": round(run.percentile(50), 1),
                                  "p95_ms": round(run.percentile(95), 1), "p99_ms": round(run.percentile(99), 1),
                                  "errors": run.errors, "server_cpu_s": run.cpu_seconds,
                                  "machine_busy_s": run.busy_seconds, "client_cpu_s": run.client_seconds,
                                  "mean_ms": (round(statistics.fmean(run.latencies) * 1000, 1)
                                              if run.latencies else None)}))
    print(table(runs, args.cores))


if __name__ == "__main__":
    main()
