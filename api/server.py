"""Running the app under uvicorn: one process, or several worker processes on one port.

Several workers each get their own listening socket with SO_REUSEPORT, so the kernel spreads the
connections over them. uvicorn's own `--workers` shares one socket instead, and then whichever
worker wakes first takes a whole burst of new keep-alive connections (a CRM's connection pool
opening at once) and the other workers sit idle; that shared socket also lacks TCP_NODELAY
(Kludex/uvicorn#3149), which adds ~40 ms to every keep-alive request after the first.
"""

from __future__ import annotations

import errno
import logging
import logging.config
import multiprocessing
import os
import signal
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from casebook.errors import CasebookError

APP = "casebook.api.app:main"  # the factory each worker process calls
log = logging.getLogger("casebook.api")


def run(host: str, port: int, workers: int = 1, library: Path | None = None) -> None:
    """Serve until interrupted. Settings reach the workers through the environment (CASEBOOK_*).
    `workers` 0 is one per CPU this process may use (a container's CPU quota counts)."""
    import uvicorn

    from casebook.api.app import log_config
    from casebook.cpu import available_cpus

    workers = workers or available_cpus()

    if library is not None:
        os.environ["CASEBOOK_LIBRARY"] = str(library.resolve())
    options = {"host": host, "port": port, "factory": True, "access_log": False, "log_config": log_config(),
               "timeout_graceful_shutdown": 5}
    if workers == 1:
        uvicorn.run(APP, **options)
        return
    if not hasattr(socket, "SO_REUSEPORT"):
        raise CasebookError("several workers need SO_REUSEPORT (Linux, macOS); run one worker per process "
                            "behind a proxy instead")
    # Encoder threads of all workers together should not outnumber the cores: OpenMP threads
    # that wait for a busy core spin and slow every worker down.
    os.environ.setdefault("CASEBOOK_THREADS", str(max(1, available_cpus() // workers)))
    with tempfile.TemporaryDirectory(prefix="casebook-metrics-") as metrics_dir:
        os.environ["CASEBOOK_METRICS_DIR"] = metrics_dir  # the workers' settings; /metrics sums the folder
        logging.config.dictConfig(options["log_config"])
        raise SystemExit(supervise(workers, options))


def tcp_listener(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A listening socket declared TCP (`IPPROTO_TCP`), so asyncio turns on TCP_NODELAY for the
    connections it accepts; with `reuse_port`, one of several on the same port."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def check_port_free(host: str, port: int) -> None:
    """CasebookError when nothing may listen on host:port, said before any index is loaded.

    The test socket is bound without SO_REUSEPORT, so a port that another casebook's workers hold
    (they bind with SO_REUSEPORT) counts as taken: the kernel would otherwise let this server's
    workers join them and split the connections between two servers, one of them stale."""
    try:
        with tcp_listener(host, port):
            pass
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CasebookError(f"port {port} on {host} is in use (another `casebook serve`?): stop that "
                                "server or choose a free port with --port") from None
        raise CasebookError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _worker(options: dict[str, Any]) -> None:
    """One worker process: uvicorn on its own SO_REUSEPORT socket."""
    from casebook.settings import get_settings

    # prometheus-client reads its variable when first imported, so set it before the app loads
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(get_settings().metrics_dir)
    import uvicorn

    listener = tcp_listener(options["host"], options["port"], reuse_port=True)
    uvicorn.Server(uvicorn.Config(APP, **options)).run(sockets=[listener])


def supervise(count: int, options: dict[str, Any]) -> int:
    """Start `count` workers and wait. SIGTERM or SIGINT stops them all (uvicorn shuts each down
    gracefully); a worker that dies stops the rest too, so the service manager restarts it whole."""
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    processes = [context.Process(target=_worker, args=(options,), name=f"casebook-worker-{n}") for n in range(count)]
    for process in processes:
        process.start()
    log.info("%d workers on http://%s:%d (parent %d)", count, options["host"], options["port"], os.getpid())
    while not stop.wait(0.5):
        dead = [p for p in processes if not p.is_alive()]
        if dead:
            log.error("worker %s exited with %s; stopping the others", dead[0].pid, dead[0].exitcode)
            break
    for process in processes:
        process.join(timeout=1)  # a Ctrl+C in the terminal reached the workers too: let them finish
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight, then exits
    for process in processes:
        process.join(timeout=options["timeout_graceful_shutdown"] + 5)
        if process.is_alive():
            process.kill()
            process.join()
    return 0 if stop.is_set() else 1
