"""Small factories for test libraries made from real items of the built-in library."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from casebook.vocabulary import VOCABULARY_FILE

ROOT = Path(__file__).resolve().parent.parent
# `shared/` sits beside the checkout (../shared), or beside the folder of worktrees (../../shared).
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "seeds").is_dir()), ROOT.parent / "shared")
SEEDS = SHARED / "seeds"
EVAL = SHARED / "eval" / "dev.jsonl"


def copy_library(target: Path, ids: list[str] | None = None) -> Path:
    """A copy of the built-in library (or of just the items `ids` and what they link to), with its vocabulary."""
    for folder in ("cases", "playbook/theories", "playbook/scripts"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    files = sorted(ROOT.glob("cases/*.md")) + sorted(ROOT.glob("playbook/*/*.md"))
    wanted = set(ids) if ids is not None else None
    if wanted is not None:
        for path in files:
            if path.stem in ids:
                front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
                wanted.update(front.get("theories", []) + front.get("scripts", []))
    for path in files:
        if wanted is None or path.stem in wanted:
            shutil.copy(path, target / path.relative_to(ROOT))
    if (ROOT / VOCABULARY_FILE).is_file():
        shutil.copy(ROOT / VOCABULARY_FILE, target / VOCABULARY_FILE)
    return target


def write_item(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def item_text(root: Path, item_id: str) -> str:
    return next(root.glob(f"**/{item_id}.md")).read_text(encoding="utf-8")


def copy_library_and_index(target: Path) -> Path:
    """A copy of the built-in library with a copy of its built index (so a server on it starts in
    seconds and re-encodes only what a test changes) and its prepared models (linked)."""
    from casebook.search import store
    from casebook.settings import get_settings

    settings = get_settings()
    if store.current_version(settings.index_path) is None:
        raise RuntimeError("the built-in library has no index yet: run `casebook index` first")
    library = copy_library(target)
    shutil.copytree(settings.index_path, library / ".casebook" / "index",
                    ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    (library / ".casebook" / "models").symlink_to(settings.model_cache.resolve())
    return library
