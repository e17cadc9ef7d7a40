"""The index as an artifact: one folder that replicas load read-only, with the library it indexes.

`casebook index --out DIR` builds DIR like the index beside a library (versioned folders, `CURRENT`
switched atomically, search/store.py), and each version also holds a copy of the library's files
(`library/`). A replica started with `CASEBOOK_INDEX_DIR=DIR` therefore needs nothing but DIR: it
reads no library folder, encodes nothing and writes nothing there, and moves to a new version when
`CURRENT` changes (search/live.py). Builds are incremental: passages whose text is unchanged reuse
the vectors of DIR's live version, or, on the first build, of the library's own index.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from casebook.errors import IndexMissing
from casebook.loader import Library, load_library
from casebook.search import store
from casebook.search.embed import Encoder


def is_artifact(index_dir: Path) -> bool:
    """True when the live version of `index_dir` carries its own library (built with `--out`)."""
    folder = store.current_version(index_dir)
    manifest = store.version_manifest(folder) if folder else None
    return bool(manifest and manifest.get("library"))


def is_read_only(index_dir: Path) -> bool:
    """True when the index is served as it is and never built here: an artifact, or a folder this
    process may not write (a replica waiting for its artifact on a read-only volume)."""
    return is_artifact(index_dir) or not _writable(index_dir)


def _writable(path: Path) -> bool:
    """Whether this process could create or change files at `path` (its nearest existing folder)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return os.access(path, os.W_OK)


def build_artifact(root: Path, out: Path, encoders: list[tuple[str, Encoder]], seed: Path | None = None,
                   progress: bool = False) -> store.BuildReport:
    """Publish the library at `root` as a new version of the artifact `out`.

    The library is copied first and indexed from the copy, so an edit made during the build cannot
    make the files in the artifact differ from what was indexed. `seed` is another index (the
    library's own) whose vectors a first build may reuse. Under the artifact's build lock (the
    publisher owns the folder and may write it; replicas never take the lock).
    """
    out.mkdir(parents=True, exist_ok=True)
    specs = [spec for spec, _ in encoders]
    with store.build_lock(out), tempfile.TemporaryDirectory(prefix="casebook-publish-") as staging:
        for folder in ("cases", "playbook"):
            if (root / folder).is_dir():
                shutil.copytree(root / folder, Path(staging) / folder, ignore=shutil.ignore_patterns(".*"))
        library = load_library(Path(staging))
        previous = out if store.current_version(out) else _compatible(seed, specs)
        return store.build(library, out, encoders, progress=progress, snapshot=True, previous=previous)


def _compatible(index_dir: Path | None, specs: list[str]) -> Path | None:
    """`index_dir` when its vectors were made by these encoders and this casebook, else None."""
    manifest = store.read_manifest(index_dir) if index_dir else None
    return index_dir if manifest and store.incompatibility(manifest, specs) is None else None


def open_read_only(index_dir: Path, library_root: Path, specs: list[str]) -> tuple[Library, store.StoredIndex]:
    """The live version of a read-only index and the library it indexes, loaded without writing.

    An artifact brings its own library; any other index must match the library at `library_root`.
    IndexMissing says what to do when there is no usable version.
    """
    folder = store.current_version(index_dir)
    if folder is None:
        raise IndexMissing(f"no index in {index_dir} yet: publish one with `casebook index --out {index_dir}`")
    manifest = store.version_manifest(folder) or {}
    reason = store.incompatibility(manifest, specs) if manifest else "its manifest cannot be read"
    if reason is not None:
        raise IndexMissing(f"the index in {index_dir} cannot be served ({reason}): "
                           f"publish it again with `casebook index --out {index_dir}`")
    if manifest.get("library"):
        library = load_library(folder / manifest["library"])
    else:
        library = load_library(library_root)
        if manifest["library_hash"] != store.library_hash(library_root):
            raise IndexMissing(f"the read-only index in {index_dir} is stale: library files changed since "
                               "it was built; rebuild it where it may be written (`casebook index`)")
    return library, store.load_version(folder)
