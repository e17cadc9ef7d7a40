"""The cluster on this machine, short: two replicas behind HAProxy over one artifact, under load,
through a publish, a SIGKILL and a rolling restart (scripts/cluster.py; the full run is in docs/DEPLOY.md)."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import ROOT

CLUSTER_TIMEOUT = 400  # seconds; about 70 s on a quiet 2-core machine


def test_no_request_fails_through_a_publish_a_kill_and_a_rolling_restart(engine):
    """`engine` makes sure the library's own index exists, so the first publish reuses its vectors."""
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "cluster.py"), "--replicas", "2", "--clients", "4",
                          "--seconds", "2", "--no-scaling", "--json"],
                         capture_output=True, text=True, timeout=CLUSTER_TIMEOUT)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    phases = {p["name"]: p for p in result["phases"]}
    print(run.stdout)
    assert list(phases) == ["publish", "kill -9", "rolling restart"]
    assert [(name, p["failed"], p["problem"]) for name, p in phases.items()] == [
        (name, 0, False) for name in phases], run.stdout + run.stderr[-2000:]
    assert all(p["requests"] > 0 for p in phases.values())
    assert run.returncode == 0
