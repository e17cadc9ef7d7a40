#!/usr/bin/env python3
"""Replicas behind HAProxy on this machine, under load, through a publish, a kill and a rolling restart.

    python scripts/cluster.py                      # 3 replicas, 20 s phases, then 1 vs 2 replicas
    python scripts/cluster.py --replicas 2 --seconds 8 --no-scaling     # the short version the tests run

It copies the built-in library, publishes it as an artifact (`casebook index --out`), starts
HAProxy (Debian's) with deploy/haproxy.cfg, its servers replaced by N `casebook serve` replicas on
loopback ports over that one artifact, and runs the project's load script (scripts/load.py)
against the balancer. During the load it (a) publishes a new case to the artifact and waits until
every replica serves it, (b) kills one replica with SIGKILL and starts it again, (c) restarts
every replica in turn. It prints throughput, p50/p99 and failed requests for each phase, then
the throughput of 1 and 2 replicas, per core they used. Loopback only; every wait is bounded.
Exit status 1 when a request failed or the new case was not served everywhere within 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from cluster_processes import Balancer, Replica, free_port

ROOT = Path(__file__).resolve().parent.parent
LOAD = ROOT / "scripts" / "load.py"
VISIBLE_WITHIN = 15.0  # seconds from a publish to the new case on every replica
NEW_CASE = "case-99-published-during-load"


@dataclass
class Phase:
    name: str
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    failed: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    problem: bool = False  # the event itself went wrong (the new case not served everywhere in time)


class Load:
    """scripts/load.py against the balancer for as long as an action takes (it stops on SIGTERM)."""

    def __init__(self, url: str, clients: int, endpoint: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(LOAD), "--url", url, "--clients", str(clients), "--endpoints", endpoint,
             "--seconds", "300", "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.started = time.monotonic()

    def finish(self, name: str) -> Phase:
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=60)
        row = next(json.loads(line) for line in out.splitlines() if line.startswith("{"))
        return Phase(name, row["requests"], row["rps"], row["p50_ms"], row["p99_ms"], row["errors"],
                     time.monotonic() - self.started)


class Cluster:
    def __init__(self, work: Path, replicas: int, threads: int) -> None:
        self.work, self.library, self.artifact = work, work / "library", work / "artifact"
        # One prepared USE model for every process here: the replicas' and the publisher's.
        shared = {"CASEBOOK_MODEL_DIR": str(ROOT / ".casebook" / "models"), "CASEBOOK_THREADS": str(threads)}
        self.publisher_env = {**os.environ, **shared}
        self.env = {**self.publisher_env, "CASEBOOK_INDEX_DIR": str(self.artifact)}
        self.replicas = [Replica(f"r{n}", free_port(), self.env, work / "logs") for n in range(replicas)]
        self.balancer = Balancer(work, [(r.name, r.port) for r in self.replicas])

    def publish(self) -> float:
        """`casebook index --out` from the library copy; the seconds it took."""
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "casebook", "index", "--library", str(self.library),
                        "--out", str(self.artifact), "--quiet"], check=True, env=self.publisher_env,
                       stdout=subprocess.DEVNULL, timeout=600)
        return time.monotonic() - start

    def prepare(self) -> float:
        """The library copy (with its own index, so the first publish reuses its vectors), the
        artifact, and the prepared USE model for the replicas' thread count."""
        for folder in ("cases", "playbook"):
            shutil.copytree(ROOT / folder, self.library / folder)
        if (ROOT / ".casebook" / "index").is_dir():
            shutil.copytree(ROOT / ".casebook" / "index", self.library / ".casebook" / "index")
        subprocess.run([sys.executable, "-m", "casebook", "prepare-models"], check=True, env=self.env,
                       stdout=subprocess.DEVNULL, timeout=300)
        return self.publish()

    def start(self, timeout: float) -> list[float]:
        """Start the first replica alone (its start-to-ready is the one a new pod has), then the
        others together, then the balancer; each replica's seconds from start to ready."""
        first, *others = self.replicas
        first.start()
        seconds = [first.wait_ready(timeout)]
        for replica in others:
            replica.start()
        seconds += [replica.wait_ready(timeout) for replica in others]
        self.balancer.start()
        self.balancer.wait_up([r.name for r in self.replicas], timeout)
        return seconds

    def stop(self) -> None:
        for replica in self.replicas:
            replica.stop()
        self.balancer.stop()

    # --- the three events ----------------------------------------------------------------------

    def publish_new_case(self, phase: Phase) -> None:
        source = (self.library / "cases" / "case-05-sincere-marketing-arrears-landlord.md").read_text("utf-8")
        text = source.replace("id: case-05-sincere-marketing-arrears-landlord", f"id: {NEW_CASE}", 1)
        (self.library / "cases" / f"{NEW_CASE}.md").write_text(text.replace("title: 真诚营销：", "title: 新发布：", 1),
                                                              encoding="utf-8")
        took = self.publish()
        switched = (self.artifact / "CURRENT").stat().st_mtime  # os.replace keeps the time it was written
        seen = {r.name: self._visible(r, switched) for r in self.replicas}
        slowest = max(seen.values())
        phase.notes.append(f"publish took {took:.1f} s; served by every replica {slowest:.1f} s after CURRENT "
                           f"switched ({', '.join(f'{k} {v:.1f}' for k, v in seen.items())})")
        if slowest > VISIBLE_WITHIN:
            phase.problem = True

    def _visible(self, replica: Replica, since: float) -> float:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{replica.url}/v1/items/{NEW_CASE}", timeout=5).status_code == 200:
                    return time.time() - since
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        return float("inf")

    def kill_and_restart(self, phase: Phase, timeout: float) -> None:
        replica = self.replicas[0]
        replica.kill()
        started = time.monotonic()
        replica.start()
        ready = replica.wait_ready(timeout)
        self.balancer.wait_up([replica.name], timeout)
        phase.notes.append(f"{replica.name} killed (SIGKILL); restarted and ready in {ready:.1f} s, "
                           f"back in the balancer after {time.monotonic() - started:.1f} s")

    def rolling_restart(self, phase: Phase, timeout: float) -> None:
        times = []
        for replica in self.replicas:
            started = time.monotonic()
            replica.stop()  # SIGTERM: uvicorn finishes the requests in flight
            replica.start()
            replica.wait_ready(timeout)
            self.balancer.wait_up([replica.name], timeout)
            times.append(time.monotonic() - started)
        phase.notes.append("each replica stopped (SIGTERM), started and back in the balancer in "
                           + ", ".join(f"{t:.1f} s" for t in times))

    # --- scaling -------------------------------------------------------------------------------

    def throughput(self, serving: int, clients: int, endpoint: str, seconds: float) -> tuple[Phase, float]:
        """Load with only the first `serving` replicas in the balancer; the phase and the cores they used."""
        for n, replica in enumerate(self.replicas):
            self.balancer.set_enabled(replica.name, n < serving)
        self.balancer.wait_up([r.name for r in self.replicas[:serving]], 60)
        used = self.replicas[:serving]
        before = sum(r.cpu_seconds() for r in used)
        load = Load(self.balancer.url, clients, endpoint)
        time.sleep(seconds)
        phase = load.finish(f"{serving} replica{'s' if serving > 1 else ''}")
        cores = (sum(r.cpu_seconds() for r in used) - before) / phase.seconds
        for replica in self.replicas:
            self.balancer.set_enabled(replica.name, True)
        return phase, cores


def run_phase(cluster: Cluster, name: str, action, clients: int, endpoint: str, settle: float) -> Phase:
    """Load through `settle` seconds, the action, and `settle` seconds more."""
    load = Load(cluster.balancer.url, clients, endpoint)
    event = Phase(name)
    time.sleep(settle)
    try:
        action(event)
    except Exception as exc:  # reported with the phase; the cluster is still stopped cleanly
        event.notes.append(f"the event failed: {exc!r}")
        event.problem = True
    time.sleep(settle)
    measured = load.finish(name)
    measured.notes, measured.problem = event.notes, event.problem
    return measured


def table(phases: list[Phase]) -> str:
    lines = [f"{'phase':<16} {'seconds':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}"]
    for p in phases:
        lines.append(f"{p.name:<16} {p.seconds:>7.1f} {p.requests:>8} {p.rps:>7.1f} {p.p50_ms:>7.1f} "
                     f"{p.p99_ms:>7.1f} {p.failed:>6}")
        lines.extend(f"    {note}" for note in p.notes)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=3, help="casebook serve replicas (2-8).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent load clients.")
    parser.add_argument("--endpoint", default="recommend", choices=["recommend", "search"])
    parser.add_argument("--seconds", type=float, default=10, help="Load before and after each event.")
    parser.add_argument("--scale-seconds", type=float, default=20, help="Length of each scaling run.")
    parser.add_argument("--no-scaling", action="store_true", help="Skip the 1-vs-2-replica runs.")
    parser.add_argument("--threads", type=int, default=1, help="Encoder threads per replica.")
    parser.add_argument("--timeout", type=float, default=120, help="Longest wait for a replica to be ready.")
    parser.add_argument("--json", action="store_true", help="Also print the result as one JSON line.")
    args = parser.parse_args()
    if not 2 <= args.replicas <= 8 or not 1 <= args.clients <= 64 or not 0 < args.seconds <= 60:
        sys.exit("--replicas must be 2-8, --clients 1-64, --seconds at most 60")

    work = Path(tempfile.mkdtemp(prefix="casebook-cluster-"))
    cluster = Cluster(work, args.replicas, args.threads)
    try:
        published = cluster.prepare()
        print(f"artifact published in {published:.1f} s; starting {args.replicas} replicas and HAProxy",
              file=sys.stderr, flush=True)
        ready = cluster.start(args.timeout)
        cpu = [r.cpu_to_ready for r in cluster.replicas]
        print(f"start to ready: {ready[0]:.1f} s alone (CPU {cpu[0]:.1f} s), then "
              f"{', '.join(f'{s:.1f}' for s in ready[1:])} s started together "
              f"(CPU {', '.join(f'{c:.1f}' for c in cpu[1:])} s); {args.threads} encoder thread(s) each; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        phases = [
            run_phase(cluster, "publish", cluster.publish_new_case, args.clients, args.endpoint, args.seconds),
            run_phase(cluster, "kill -9", lambda p: cluster.kill_and_restart(p, args.timeout), args.clients,
                      args.endpoint, args.seconds),
            run_phase(cluster, "rolling restart", lambda p: cluster.rolling_restart(p, args.timeout), args.clients,
                      args.endpoint, args.seconds),
        ]
        print(table(phases), flush=True)
        scaling = []
        if not args.no_scaling:
            cores = psutil.cpu_count() or 1
            for serving in (1, 2):
                phase, used = cluster.throughput(serving, args.clients, args.endpoint, args.scale_seconds)
                scaling.append({"replicas": serving, "rps": phase.rps, "p50_ms": phase.p50_ms, "p99_ms": phase.p99_ms,
                                "failed": phase.failed, "cores_used": round(used, 2),
                                "rps_per_core_used": round(phase.rps / used, 1) if used else None,
                                "rps_per_machine_core": round(phase.rps / cores, 1)})
            print(f"\nthroughput on {cores} cores ({args.endpoint}, {args.clients} clients):")
            for row in scaling:
                print(f"  {row['replicas']} replica(s): {row['rps']:.1f} req/s, p50 {row['p50_ms']:.1f} ms, "
                      f"p99 {row['p99_ms']:.1f} ms, {row['failed']} failed; the replicas used "
                      f"{row['cores_used']:.2f} cores: {row['rps_per_core_used']} req/s per core used, "
                      f"{row['rps_per_machine_core']} req/s per machine core")
        if args.json:
            print(json.dumps({"start_to_ready_s": ready, "start_to_ready_cpu_s": cpu, "artifact_publish_s": published,
                              "phases": [p.__dict__ for p in phases], "scaling": scaling}, ensure_ascii=False))
        bad = [p.name for p in phases if p.failed or p.problem]
        if bad:
            print(f"FAILED: {', '.join(bad)}", file=sys.stderr)
        return 1 if bad else 0
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
