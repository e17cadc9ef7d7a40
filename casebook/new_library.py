"""A library of one's own, started from the built-in one (`casebook init DIR`).

The new folder gets the built-in items (and the vocabulary file when there is one), a README for
the team, a `.gitignore` for the index, and, when git is installed, a repository with a first commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from casebook.errors import CasebookError
from casebook.library import FOLDERS

# What a library is made of: items (Markdown) and, in playbook/, the vocabulary (YAML).
LIBRARY_PATTERNS = ("*.md", "*.yaml")
GITIGNORE = "# casebook's search index and prepared models, rebuilt from the items\n.casebook/\n"
FIRST_COMMIT = "A library of our own, started from casebook's built-in library"
# Used for the first commit only, when git has no identity configured (a fresh machine or CI).
FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "casebook init", "GIT_AUTHOR_EMAIL": "casebook-init@localhost",
                     "GIT_COMMITTER_NAME": "casebook init", "GIT_COMMITTER_EMAIL": "casebook-init@localhost"}


@dataclass
class NewLibrary:
    root: Path
    files: list[str]  # library files copied, relative to root
    commit: str | None  # the first commit, or None without git
    git_problem: str | None = None  # why there is no commit although git is installed


def library_files(source: Path) -> list[Path]:
    """Every item and vocabulary file of a library, relative to its root, in a stable order."""
    found = {p.relative_to(source) for folder in FOLDERS for pattern in LIBRARY_PATTERNS
             for p in (source / folder).rglob(pattern) if p.is_file()}
    return sorted(found, key=lambda p: p.as_posix())


def create_library(target: Path, source: Path) -> NewLibrary:
    """Make `target` (new or empty) a library copied from `source`; never overwrites anything."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CasebookError(f"{target} is not an empty folder: `casebook init` starts a library only in "
                            "a new or empty folder, so nothing there is overwritten")
    copied = library_files(source)
    target.mkdir(parents=True, exist_ok=True)
    for rel in copied:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target / rel)
    readme = files("casebook").joinpath("new_library_README.md").read_text(encoding="utf-8")
    (target / "README.md").write_text(readme.replace("{name}", target.resolve().name), encoding="utf-8")
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    commit, problem = first_commit(target)
    return NewLibrary(target, [p.as_posix() for p in copied], commit, problem)


def first_commit(root: Path) -> tuple[str | None, str | None]:
    """`git init` and commit everything; (commit id, None), (None, why) on failure, (None, None) without git."""
    git = shutil.which("git")
    if git is None:
        return None, None

    def run(*args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run([git, *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise CasebookError(f"git {args[0]}: {(done.stderr or done.stdout).strip()}")
        return done.stdout.strip()

    try:
        run("init", "--quiet")
        run("add", "--all")
        run("commit", "--quiet", "--message", FIRST_COMMIT, env={**os.environ, **identity_env(git, root)})
        return run("rev-parse", "HEAD"), None
    except (CasebookError, OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)


def identity_env(git: str, root: Path) -> dict[str, str]:
    """Nothing when git knows who commits; else a stand-in identity for the first commit only."""
    def configured(key: str) -> bool:
        done = subprocess.run([git, "config", key], cwd=root, capture_output=True, text=True, timeout=60)
        return done.returncode == 0 and bool(done.stdout.strip())

    if configured("user.name") and configured("user.email"):
        return {}
    return {k: v for k, v in FALLBACK_IDENTITY.items() if k not in os.environ}
