"""Replicas for the artifact tests: a published item, a `casebook serve` subprocess started with
fewer rights than the test, and a fingerprint of a folder to prove that nothing was written."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from helpers import write_item

SOURCE_CASE = "case-05-sincere-marketing-arrears-landlord"


def add_published_case(root: Path, new_id: str) -> Path:
    """A new case in the library at `root`: a real case's text under a new id and title (test data)."""
    text = next(root.glob(f"cases/{SOURCE_CASE}.md")).read_text(encoding="utf-8")
    text = text.replace(f"id: {SOURCE_CASE}", f"id: {new_id}", 1)
    text = text.replace("title: 真诚营销：", f"title: 新发布{new_id[-4:]}：", 1)
    return write_item(root, f"cases/{new_id}.md", text)


def fingerprint(folder: Path) -> dict[str, tuple]:
    """Every file and folder under `folder`: mode, size, mtime and content hash. Any write, creation,
    removal or chmod changes it (a folder's mtime changes when an entry is added or removed)."""
    out = {}
    for path in [folder, *sorted(folder.rglob("*"))]:
        stat = path.lstat()
        digest = hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else ""
        out[str(path.relative_to(folder))] = (stat.st_mode, stat.st_size, stat.st_mtime_ns, digest)
    return out


def make_read_only(folder: Path) -> None:
    """chmod -R a-w (and a+rX, so an unprivileged reader may still read it)."""
    subprocess.run(["chmod", "-R", "a+rX,a-w", str(folder)], check=True)


def make_writable(folder: Path) -> None:
    subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)


def _reachable_by_others(path: Path) -> bool:
    """Whether a user with no rights here could run the file at `path` (every folder on the way o+x)."""
    path = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [*reversed(path.parents), path])


def unprivileged() -> tuple[list[str], str]:
    """A command prefix that runs a program with no rights to write the test's read-only folders,
    and what it is. As root: user `nobody` when it can reach this interpreter, else root with every
    capability dropped (without CAP_DAC_OVERRIDE, root is refused writes to an a-w file like anyone)."""
    if os.geteuid() != 0:
        return [], f"uid {os.geteuid()} (not root)"
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return [], "root (setpriv missing: the fingerprint comparison is the only check)"
    if _reachable_by_others(Path(sys.executable)):
        return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"], "user nobody (setpriv)"
    return ([setpriv, "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"],
            "root with all capabilities dropped (setpriv; the interpreter is not reachable by nobody)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_replica(index_dir: Path, scratch: Path, port: int, extra_env: dict[str, str] | None = None,
                  prefix: list[str] | None = None) -> subprocess.Popen:
    """`casebook serve` on `port` over the artifact `index_dir`; its temp files and home in `scratch`."""
    scratch.mkdir(parents=True, exist_ok=True)
    scratch.chmod(0o777)
    env = {**os.environ, "CASEBOOK_INDEX_DIR": str(index_dir), "TMPDIR": str(scratch), "HOME": str(scratch),
           **(extra_env or {})}
    with open(scratch / f"serve-{port}.log", "ab") as log:  # the child keeps its own copy of the file
        return subprocess.Popen([*(prefix or []), sys.executable, "-m", "casebook", "serve", "--port", str(port)],
                                env=env, stdout=log, stderr=subprocess.STDOUT, cwd=scratch)


def wait_ready(url: str, process: subprocess.Popen, timeout: float) -> float:
    """Seconds until `url`/readyz says 200; fails when the process exits or the time runs out."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise AssertionError(f"the replica exited with {process.returncode}")
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"the replica at {url} was not ready in {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
