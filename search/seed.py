"""A new library's index seeded from another library's (`casebook init`), so its first search
encodes nothing.

A library started by `casebook init` holds the same item files as the built-in one, and the index
records each item by its path inside the library and the library by a hash of those paths and
bytes (search/store.py). The built-in library's live version is therefore a valid index of the
new library as it is: it is copied, byte for byte, into the new library's index folder and made
live there. When the two libraries differ (the built-in index is a little stale, or the team
edits before searching), the first search rebuilds incrementally from the seeded version and
re-encodes only the changed passages.

The files are copied, not linked: version folders are never written in place, but a copy keeps
the two libraries apart whatever a later tool does to one of them. The source is only read: no
lock is taken there and nothing is written; the copy is loaded once before it is switched live,
so a source version pruned while it was being copied is never served.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import CasebookError
from casebook.search import store
from casebook.search.embed import encoder_specs
from casebook.settings import Settings


@dataclass
class SeedReport:
    """What `seed_index` did: `version` the folder now live in the new index, or `reason` why nothing was seeded."""

    version: str | None = None
    passages: int = 0
    reason: str | None = None
    shared: bool = False  # both libraries use one index folder: there is nothing to seed

    @property
    def seeded(self) -> bool:
        return self.version is not None


def seed_library_index(source: Settings, target: Settings) -> SeedReport:
    """Seed the index of the library `target` names from the index of the library `source` names,
    with the encoders `target` searches with."""
    try:
        source_index, target_index = source.index_path, target.index_path
    except CasebookError as exc:  # no writable place for one of them: the first search says what to do
        return SeedReport(reason=str(exc))
    if source_index.resolve() == target_index.resolve():
        return SeedReport(reason=f"both libraries use the index folder {target_index} (CASEBOOK_INDEX_DIR)",
                          shared=True)
    return seed_index(source_index, target_index, encoder_specs(target.encoders))


def seed_index(source: Path, target: Path, specs: list[str]) -> SeedReport:
    """Make a copy of the live version of the index `source` the live version of the index `target`.

    Nothing is copied when `target` already has an index, when `source` has none, or when its
    version cannot be searched with the encoders `specs` by this casebook (`store.incompatibility`);
    the report then says why, and the first search builds the index as usual.
    """
    if store.current_version(target) is not None:
        return SeedReport(reason=f"{target} already holds an index")
    folder = store.current_version(source)
    manifest = store.version_manifest(folder) if folder is not None else None
    if folder is None or manifest is None:
        return SeedReport(reason=f"the built-in library has no index yet ({source})")
    reason = store.incompatibility(manifest, specs)
    if reason is not None:
        return SeedReport(reason=f"the built-in library's index cannot be reused: {reason}")
    if manifest.get("library"):
        return SeedReport(reason=f"{source} is a published artifact, not a library's own index")
    with store.build_lock(target):
        if store.current_version(target) is not None:  # built meanwhile by a search in another shell
            return SeedReport(reason=f"{target} already holds an index")
        staging = target / f".seeding-{os.getpid()}"
        try:
            shutil.copytree(folder, staging, ignore=shutil.ignore_patterns(".*"))
            store.load_version(staging)  # every file the manifest names is there and reads
            live = staging.rename(target / folder.name)
        except Exception as exc:  # any failure only means no seed: the first search builds as before
            shutil.rmtree(staging, ignore_errors=True)
            return SeedReport(reason=f"copying the built-in library's index failed: {exc}")
        store.switch(target, live)
    return SeedReport(version=live.name, passages=len(manifest["passages"]))
