"""Who changed which item, when and why: a git commit per change when the library is in a git
repository, else one JSON line per change in `<library>/.casebook/audit.jsonl` (append-only).

git is driven through its command line (subprocess): three short commands per change, no
library that has to match the repository's format.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger("casebook.audit")

AuditMode = Literal["auto", "git", "log"]
LOG_FILE = Path(".casebook") / "audit.jsonl"
COMMITTER = {"GIT_COMMITTER_NAME": "casebook", "GIT_COMMITTER_EMAIL": "casebook@casebook.invalid"}
GIT_TIMEOUT = 30  # seconds; a commit of one file takes milliseconds


@dataclass(frozen=True)
class Change:
    """One change to one item file."""

    action: Literal["create", "update", "delete"]
    item_id: str
    path: str  # relative to the library root
    editor: str
    message: str
    etag_before: str | None
    etag_after: str | None


def record(root: Path, change: Change, mode: AuditMode = "auto") -> str:
    """Record `change`; return where: `git <commit>` or `log <file>`.

    A failed commit (hooks are skipped, but a full disk or a broken repository can still fail)
    is logged and the change goes to the JSON log instead, so no change goes unrecorded.
    """
    top = git_toplevel(root) if mode in ("auto", "git") else None
    if top is not None:
        try:
            return "git " + _commit(top, root.resolve() / change.path, change)
        except (subprocess.SubprocessError, OSError) as exc:
            log.error("git commit of %s failed (%s); recording it in %s instead", change.path, exc, LOG_FILE)
    elif mode == "git":
        log.error("%s is not in a git repository; recording %s in %s", root, change.path, LOG_FILE)
    return "log " + _append(root, change)


def git_toplevel(root: Path) -> Path | None:
    """The work tree `root` is in, or None (not a repository, or no git installed)."""
    if shutil.which("git") is None:
        return None
    found = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                           capture_output=True, text=True, timeout=GIT_TIMEOUT)
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def _git(top: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT,
                          env={**os.environ, **COMMITTER})
    if done.returncode != 0:
        raise subprocess.SubprocessError(f"git {args[0]}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def _commit(top: Path, path: Path, change: Change) -> str:
    """Commit only `path` (whatever else is staged stays staged), authored by the editor."""
    _git(top, "add", "--all", "--", str(path))
    author = f"{change.editor} <{_email_name(change.editor)}@casebook.invalid>"
    _git(top, "commit", "--quiet", "--no-verify", "--only", "--author", author, "-m", change.message,
         "--", str(path))
    return _git(top, "rev-parse", "HEAD")


def _email_name(editor: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in editor) or "editor"


def _append(root: Path, change: Change) -> str:
    """One JSON line, appended and synced (O_APPEND keeps concurrent lines whole)."""
    path = root / LOG_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **asdict(change)}, ensure_ascii=False)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return str(LOG_FILE)


def read_log(root: Path) -> list[dict]:
    """The JSON log's entries, oldest first."""
    path = root / LOG_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
