"""The persistent index beside a library: versioned folders, a manifest, an atomic switch.

Layout of `<index_dir>`: `CURRENT` names the live version folder `v-*`; each version holds
`manifest.json`, `bm25/`, and per encoder `<name>.npy` (passage vectors) and `<name>.faiss`.
A build writes a new version folder and only then replaces `CURRENT` (os.replace is atomic),
so a crash or Ctrl-C mid-build leaves the previous version live. `build.lock` lets one process
build at a time (server workers, `casebook index` in another shell); `open_fresh` also loads
under it, so no build prunes a version while another process is reading it.

A version built with `snapshot` (an artifact, search/artifact.py) also holds a copy of the
library's `cases/` and `playbook/` in `library/`, so replicas load it with nothing but the folder;
replicas cannot take the lock of a read-only folder, so an artifact keeps the versions before the
live one instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from casebook.durable import exclusive_lock
from casebook.errors import IndexMissing, LibraryError
from casebook.loader import Library, item_files, load_library
from casebook.search.bm25 import BM25Index, item_text
from casebook.search.chunk import passages
from casebook.search.embed import Encoder
from casebook.search.tokenize import Tokenizer, domain_terms
from casebook.search.vectors import VectorIndex

log = logging.getLogger("casebook.index")

FORMAT = 2  # 2: drafts whose `review:` lists fields are left out of the index
BATCH = 16
SNAPSHOT = "library"  # the library copy inside an artifact's version folder
# An artifact keeps this many versions, so a replica that read CURRENT just before a publish
# still finds the folder it named while it loads.
ARTIFACT_VERSIONS = 3
# The code and word lists that decide what is indexed: an index built with others is stale.
_RECIPE_FILES = ("chunk.py", "tokenize.py", "bm25.py", "data/terms.txt", "data/stopwords.txt")


def sha1(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha1(data).hexdigest()


def recipe_hash() -> str:
    here = Path(__file__).parent
    return sha1(b"".join((here / name).read_bytes() for name in _RECIPE_FILES))


def library_hash(root: Path) -> str:
    """One hash over every item file's path and bytes: any edit, addition or removal changes it."""
    digest = hashlib.sha1()
    for path in item_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def current_name(index_dir: Path) -> str | None:
    """What `CURRENT` names (cheap enough to poll), or None before the first build."""
    try:
        return (index_dir / "CURRENT").read_text().strip() or None
    except OSError:
        return None


def current_version(index_dir: Path) -> Path | None:
    """The live version folder, or None when no build has finished."""
    name = current_name(index_dir)
    if name is None:
        return None
    folder = index_dir / name
    return folder if (folder / "manifest.json").is_file() else None


def read_manifest(index_dir: Path) -> dict | None:
    folder = current_version(index_dir)
    return None if folder is None else version_manifest(folder)


def version_manifest(folder: Path) -> dict | None:
    """The manifest of one version folder, or None when it cannot be read."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def incompatibility(manifest: dict, specs: list[str]) -> str | None:
    """Why an index built as `manifest` says cannot be searched by this casebook with these encoders."""
    if manifest.get("format") != FORMAT:
        return "the index was built by another version of casebook"
    if manifest.get("recipe") != recipe_hash():
        return "the chunking or tokenisation changed"
    if [e["spec"] for e in manifest["encoders"]] != specs:
        return "the encoders changed"
    return None


def staleness(index_dir: Path, root: Path, specs: list[str], source_hash: str | None = None) -> str | None:
    """Why the index cannot serve this library and these encoders, or None when it is fresh.

    `source_hash` is the library's hash when the caller has just taken it (`library_hash`)."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return "no index has been built yet"
    reason = incompatibility(manifest, specs)
    if reason is not None:
        return reason
    if manifest["library_hash"] != (source_hash or library_hash(root)):
        return "library files changed since the index was built"
    return None


@dataclass
class BuildReport:
    folder: Path
    passages: int
    encoded: dict[str, int]  # passages actually run through each encoder (the rest were reused)
    seconds: float
    items: int = 0


def _previous_vectors(index_dir: Path, name: str) -> dict[str, np.ndarray]:
    """passage hash -> vector from the live version, so unchanged passages are not re-encoded."""
    folder = current_version(index_dir)
    manifest = read_manifest(index_dir)
    if folder is None or manifest is None or not (folder / f"{name}.npy").is_file():
        return {}
    vectors = np.load(folder / f"{name}.npy")
    hashes = [p["hash"] for p in manifest["passages"]]
    return dict(zip(hashes, vectors)) if len(hashes) == len(vectors) else {}


def _encode_missing(encoder: Encoder, texts: list[str], hashes: list[str], known: dict[str, np.ndarray],
                    progress: bool) -> tuple[np.ndarray, int]:
    todo = [i for i, h in enumerate(hashes) if h not in known]
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        if h in known:
            out[i] = known[h]
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), desc=f"encoding passages ({encoder.name})", unit="passage",
                   file=sys.stderr, leave=False)
    for start in range(0, len(todo), BATCH):
        rows = todo[start:start + BATCH]
        out[rows] = encoder.encode_passages([texts[i] for i in rows])
        if bar:
            bar.update(len(rows))
    if bar:
        bar.close()
    return out, len(todo)


def _nothing_to_index(library: Library) -> str:
    drafts = len(library.items)
    waiting = (f"its {drafts} draft(s) still list fields under `review:` (`casebook lint` names them); "
               "review them, " if drafts else "it has no items yet; ")
    return (f"nothing to search in {library.root}: {waiting}import documents "
            f"(`casebook import FILE --out {library.root / 'cases'}`), or start from the built-in items "
            "with `casebook init FOLDER`")


def build(library: Library, index_dir: Path, encoders: list[tuple[str, Encoder]],
          progress: bool = False, source_hash: str | None = None, snapshot: bool = False,
          previous: Path | None = None) -> BuildReport:
    """Build a new version of the index and make it live; reuse vectors of unchanged passages.

    `source_hash` is the `library_hash` taken before `library` was read: a file changed while the
    build runs then makes the index stale, rather than recorded as indexed. `snapshot` copies the
    library into the version (an artifact) and keeps the versions before it that a replica may
    still be loading; `previous` is the index whose live version's vectors and tokens are reused
    (default: `index_dir`'s own).
    """
    items = library.reviewed().items  # drafts still to review are not searchable
    if not items:
        raise LibraryError(_nothing_to_index(library))
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = index_dir / f"v-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.perf_counter_ns() % 10**6}"
    folder.mkdir()
    try:
        chunks = [p for item in items for p in passages(item)]
        texts = [p.text for p in chunks]
        hashes = [sha1(t) for t in texts]
        tokenizer_spec = _build_lexical(previous or index_dir, folder, items)
        encoded, described = {}, []
        for spec, encoder in encoders:
            vectors, encoded[encoder.name] = _encode_missing(
                encoder, texts, hashes, _previous_vectors(previous or index_dir, encoder.name), progress)
            np.save(folder / f"{encoder.name}.npy", vectors)
            vector_index = VectorIndex.build(vectors)
            vector_index.save(folder / f"{encoder.name}.faiss")
            described.append({"spec": spec, "name": encoder.name, "version": encoder.version,
                              "dim": encoder.dim, "index": vector_index.kind})
        manifest = {
            "format": FORMAT, "recipe": recipe_hash(), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "library_hash": source_hash or library_hash(library.root), "encoders": described,
            "tokenizer": tokenizer_spec,
            "items": [{"id": i.id, "path": i.path, "hash": sha1(i.model_dump_json())} for i in items],
            "passages": [{"item": p.item_id, "hash": h} for p, h in zip(chunks, hashes)],
        }
        if snapshot:
            manifest["library"] = _copy_library(library.root, folder / SNAPSHOT)
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        switch(index_dir, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _prune(index_dir, keep=folder, versions=ARTIFACT_VERSIONS if snapshot else 1)
    return BuildReport(folder, len(chunks), encoded, time.perf_counter() - started, len(items))


def _build_lexical(index_dir: Path, folder: Path, items: list) -> dict:
    """The BM25 index and the reduced jieba dictionary in `folder`; the tokenizer's manifest entry.

    Items whose text the live version already tokenized with the same domain terms keep its
    tokens (`tokens.json`), and only new texts are looked up in jieba's dictionary: a one-file
    change costs milliseconds of tokenising, not seconds.
    """
    tokenizer = Tokenizer(domain_terms(items))
    texts = [item_text(i) for i in items]
    keys = [sha1(t) for t in texts]
    previous = _previous_lexical(index_dir, tokenizer.domain_terms)
    known_tokens, known_words, total = previous if previous else ({}, {}, None)
    fresh = [t for t, key in zip(texts, keys) if key not in known_tokens]
    if previous is None or fresh:
        found, total = tokenizer.vocabulary(fresh if previous else texts)
        known_words = {**known_words, **dict(found)}  # words of removed texts stay: harmless for segmenting
    (folder / "jieba.dict").write_text("".join(f"{w} {f}\n" for w, f in sorted(known_words.items())),
                                       encoding="utf-8")
    reduced = Tokenizer(tokenizer.domain_terms, dictionary=folder / "jieba.dict", total=total)
    tokens = [known_tokens[key] if key in known_tokens else reduced(text) for text, key in zip(texts, keys)]
    BM25Index.build(tokens).save(folder / "bm25")
    (folder / "tokens.json").write_text(json.dumps({k: " ".join(t) for k, t in zip(keys, tokens)},
                                                   ensure_ascii=False), encoding="utf-8")
    return {"jieba": version("jieba"), "domain_terms": tokenizer.domain_terms, "dictionary": "jieba.dict",
            "total": total, "tokens": "tokens.json"}


def _previous_lexical(index_dir: Path, terms: list[str]) -> tuple[dict[str, list[str]], dict[str, int], float] | None:
    """(text hash -> tokens, dictionary words, total) of the live version when it was tokenized
    by this recipe with these domain terms; else None."""
    folder, manifest = current_version(index_dir), read_manifest(index_dir)
    if folder is None or manifest is None or manifest.get("recipe") != recipe_hash():
        return None
    spec = manifest.get("tokenizer", {})
    if spec.get("domain_terms") != terms or spec.get("jieba") != version("jieba") or "tokens" not in spec:
        return None
    try:
        stored = json.loads((folder / spec["tokens"]).read_text(encoding="utf-8"))
        lines = (folder / spec["dictionary"]).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return None
    words = {word: int(freq) for word, freq in (line.rsplit(" ", 1) for line in lines if line)}
    return {k: v.split() for k, v in stored.items()}, words, spec["total"]


def switch(index_dir: Path, folder: Path) -> None:
    """Point CURRENT at `folder` atomically."""
    tmp = index_dir / f"CURRENT.{os.getpid()}.tmp"
    with open(tmp, "w") as handle:
        handle.write(folder.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / "CURRENT")


def _prune(index_dir: Path, keep: Path, versions: int = 1) -> None:
    """Remove old versions, keeping the live one, the newest `versions - 1` before it, and any build
    another process has under way."""
    finished = sorted((old for old in index_dir.glob("v-*") if old != keep and (old / "manifest.json").is_file()),
                      key=lambda old: old.stat().st_mtime)
    for old in finished[:max(0, len(finished) - (versions - 1))]:
        shutil.rmtree(old, ignore_errors=True)


def _copy_library(root: Path, target: Path) -> str:
    """Copy the library's item folders (and whatever else they hold, like the vocabulary) into
    `target`; the manifest entry that names it."""
    for folder in ("cases", "playbook"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, target / folder, ignore=shutil.ignore_patterns(".*"))
    return target.name


@dataclass
class StoredIndex:
    """A version of the index read back from disk."""

    manifest: dict
    bm25: BM25Index
    vectors: dict[str, VectorIndex]
    passage_items: list[str]
    tokenizer: Tokenizer
    version: str = ""  # the name of its folder


def load(index_dir: Path) -> StoredIndex:
    folder = current_version(index_dir)
    if folder is None:
        raise IndexMissing(f"no index in {index_dir}: run `casebook index`")
    return load_version(folder)


def load_version(folder: Path) -> StoredIndex:
    """One version folder, read once: CURRENT may move on meanwhile without mixing two versions."""
    manifest = version_manifest(folder)
    if manifest is None:
        raise IndexMissing(f"no index in {folder}: run `casebook index`")
    vectors = {e["name"]: VectorIndex.load(folder / f"{e['name']}.faiss") for e in manifest["encoders"]}
    spec = manifest["tokenizer"]
    tokenizer = Tokenizer(spec["domain_terms"], dictionary=folder / spec["dictionary"], total=spec["total"])
    return StoredIndex(manifest=manifest, bm25=BM25Index.load(folder / "bm25", len(manifest["items"])),
                       vectors=vectors, passage_items=[p["item"] for p in manifest["passages"]],
                       tokenizer=tokenizer, version=folder.name)


def prepare_builds() -> None:
    """Load what a rebuild needs (jieba's word list, ~50 MB), so a process that may rebuild later
    (a server worker) does not pay for it on its first rebuild."""
    from casebook.search.tokenize import main_dictionary

    main_dictionary()


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One builder at a time, across processes: the others wait, then find the index fresh."""
    with exclusive_lock(index_dir / "build.lock"):
        yield


def build_library(root: Path, index_dir: Path, encoders: list[tuple[str, Encoder]],
                  progress: bool = False) -> tuple[Library, BuildReport]:
    """Read the library at `root` and build its index, under the build lock (`casebook index`)."""
    with build_lock(index_dir):
        source = library_hash(root)
        library = load_library(root)
        return library, build(library, index_dir, encoders, progress=progress, source_hash=source)


def open_fresh(root: Path, index_dir: Path, encoders: list[tuple[str, Encoder]], build_missing: bool = True,
               progress: bool = False) -> tuple[Library, StoredIndex]:
    """The library at `root` and an index built from exactly those files, building it first when
    it is missing or stale; under the build lock, so a worker that waited finds the index another
    one just built. IndexMissing when it is stale and `build_missing` is false; LibraryError when
    a file does not parse (the index is left as it was)."""
    specs = [spec for spec, _ in encoders]
    asked = time.perf_counter()
    with build_lock(index_dir):
        locked = time.perf_counter()
        source = library_hash(root)  # before reading: an edit made meanwhile leaves the index stale
        library = load_library(root)
        reason = staleness(index_dir, root, specs, source_hash=source)
        if reason is not None:
            if not build_missing:
                raise IndexMissing(f"{reason}: run `casebook index`")
            if progress:
                print(f"building the index ({reason}) ...", file=sys.stderr)
            report = build(library, index_dir, encoders, progress=progress, source_hash=source)
            log.info("built %s (%s): %d passages, encoded %s, in %.1f s", report.folder.name, reason,
                     report.passages, report.encoded, report.seconds)
        index = load(index_dir)
    log.info("opened %s: %.1f s waiting for the build lock, %.1f s reading, building and loading",
             index.version, locked - asked, time.perf_counter() - locked)
    return library, index
