"""The processes of scripts/cluster.py: `casebook serve` replicas and HAProxy, all on loopback.

HAProxy runs deploy/haproxy.cfg itself, with its `server-template` line (compose's DNS discovery)
replaced by one `server` line per replica and the frontend bound to a loopback port, plus an admin
socket through which the script sees which servers are up and takes them in and out of rotation.
"""

from __future__ import annotations

import csv
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
BACKEND = "replicas"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Replica:
    """One `casebook serve` process (one worker) on a loopback port; restarted on the same port."""

    def __init__(self, name: str, port: int, env: dict[str, str], logs: Path) -> None:
        self.name, self.port, self.env, self.logs = name, port, env, logs
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.cpu_to_ready = 0.0  # CPU seconds the process used until it was ready (unlike wall time,
        # not stretched by other processes on a busy machine)

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        with open(self.logs / f"{self.name}.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "casebook", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.started = time.monotonic()

    def wait_ready(self, timeout: float) -> float:
        """Seconds from start until /readyz says 200."""
        while time.monotonic() - self.started < timeout:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"replica {self.name} exited; see {self.logs / self.name}.log")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    self.cpu_to_ready = self.cpu_seconds()
                    return time.monotonic() - self.started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"replica {self.name} not ready in {timeout:.0f} s")

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def cpu_seconds(self) -> float:
        try:
            times = psutil.Process(self.process.pid).cpu_times() if self.process else None
        except psutil.NoSuchProcess:
            return 0.0
        return times.user + times.system if times else 0.0


def haproxy_binary() -> str:
    found = shutil.which("haproxy", path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        raise SystemExit("HAProxy is missing: apt-get install haproxy (python3 tasks.py test installs it)")
    return found


def loopback_config(template: str, port: int, servers: list[tuple[str, int]], admin: Path) -> str:
    """deploy/haproxy.cfg with loopback servers, a loopback frontend and an admin socket."""
    out, skipping = [], False
    for line in template.splitlines():
        word = line.split()[0] if line.strip() else ""
        if not line.startswith((" ", "\t")) and word:
            skipping = word == "resolvers"  # compose's DNS; not needed on loopback
        if skipping:
            continue
        if word == "bind":
            line = f"    bind 127.0.0.1:{port}"
        elif word == "server-template":
            out.extend(f"    server {name} 127.0.0.1:{server_port}" for name, server_port in servers)
            continue
        out.append(line)
        if line.strip() == "global":
            out.append(f"    stats socket {admin} mode 600 level admin")
    return "\n".join(out) + "\n"


class Balancer:
    """HAProxy in the foreground, its log in the work folder."""

    def __init__(self, work: Path, servers: list[tuple[str, int]]) -> None:
        self.work, self.port, self.admin = work, free_port(), work / "haproxy.sock"
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = work / "haproxy.cfg"
        self.config.write_text(loopback_config(HAPROXY_CFG.read_text(encoding="utf-8"), self.port, servers,
                                               self.admin), encoding="utf-8")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = haproxy_binary()
        subprocess.run([binary, "-c", "-q", "-f", str(self.config)], check=True, timeout=60)
        with open(self.work / "haproxy.log", "ab") as log:
            self.process = subprocess.Popen([binary, "-db", "-f", str(self.config)], stdout=log,
                                            stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def command(self, line: str) -> str:
        """One command on HAProxy's admin socket; its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(str(self.admin))
            sock.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def statuses(self) -> dict[str, str]:
        """Server name -> HAProxy's status of it (UP, DOWN, MAINT, ...)."""
        rows = list(csv.DictReader(self.command("show stat").lstrip("# ").splitlines()))
        return {row["svname"]: row["status"] for row in rows
                if row["pxname"] == BACKEND and row["svname"] not in {"FRONTEND", "BACKEND"}}

    def wait_up(self, names: list[str], timeout: float) -> None:
        """Until HAProxy's health checks have every named server UP."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                states = self.statuses()
                if all(states.get(name, "").startswith("UP") for name in names):
                    return
            except OSError:
                states = {}
            if time.monotonic() > deadline:
                raise TimeoutError(f"HAProxy does not see {names} up: {states}")
            time.sleep(0.1)

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Take a server out of rotation (maintenance) or back in."""
        self.command(f"{'enable' if enabled else 'disable'} server {BACKEND}/{name}")
