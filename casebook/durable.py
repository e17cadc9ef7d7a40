"""Durable file changes: atomic replace (temp file, fsync, rename, fsync the folder), durable
removal, and an exclusive lock shared by every process on the machine (fcntl.flock).

A crash at any moment leaves the old file or the new one, never a torn one: the new bytes reach
the disk in a temp file of the same folder before one rename makes them the file. The temp name
does not end in `.md`, so a temp file left by a crash is never read as an item.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from casebook.errors import CasebookError

TEMP_SUFFIX = ".saving"


def temp_path(path: Path) -> Path:
    """Where the new bytes of `path` are written before the rename (a hidden sibling)."""
    return path.with_name(f".{path.name}.{os.getpid()}{TEMP_SUFFIX}")


def fsync_folder(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable (its directory entry is on disk)."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, before_replace: Callable[[Path], None] | None = None) -> None:
    """Replace (or create) `path` with `data` so that a crash leaves the old file or the new one.

    `before_replace(temp)` runs when the new bytes are on disk and the rename has not happened:
    the riskiest moment of a save, where tests crash the process on purpose.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(path)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def remove_durable(path: Path) -> None:
    path.unlink()
    fsync_folder(path.parent)


def remove_stale_temps(folder: Path) -> None:
    """Temp files of saves that crashed before their rename (their process is gone)."""
    for temp in folder.glob(f".*{TEMP_SUFFIX}"):
        pid = temp.name.removesuffix(TEMP_SUFFIX).rsplit(".", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def exclusive_lock(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (created if missing) for the block.

    flock locks belong to the open file, so two threads of one process exclude each other too,
    and the kernel releases the lock when its process dies: a crash never leaves it held.
    """
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a folder setting that points nowhere usable: say which, not a traceback
        raise CasebookError(f"cannot use the folder {lock_file.parent}: {exc.strerror or exc} (check the "
                            "path and its permissions, or the setting that names it: docs/SETTINGS.md)") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock
