"""The index as an artifact: `casebook index --out DIR` publishes versions that replicas load
read-only (CASEBOOK_INDEX_DIR), without encoding or writing, and move to when CURRENT changes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from helpers import ROOT, copy_library
from replicas import (
    add_published_case,
    fingerprint,
    free_port,
    make_read_only,
    make_writable,
    start_replica,
    stop,
    unprivileged,
    wait_ready,
)

from casebook.errors import IndexMissing
from casebook.loader import load_library
from casebook.search import artifact, store
from casebook.search.chunk import passages
from casebook.search.embed import make_encoder

CASES = ["case-05-sincere-marketing-arrears-landlord", "case-02-solution-selling-jiajiale-package"]
START_BOUND = 60  # seconds; the start time in docs/DEPLOY.md comes from scripts/cluster.py on a quiet machine


@pytest.fixture(scope="module")
def use():
    return [("use", make_encoder("use", 2))]


@pytest.fixture(scope="module")
def shared_tmp():
    """A folder other users may enter (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="casebook-artifact-"))
    folder.chmod(0o755)
    yield folder
    make_writable(folder)
    subprocess.run(["rm", "-rf", str(folder)], check=True)


@dataclass
class Published:
    library: Path
    out: Path
    reports: list[store.BuildReport]
    new_texts: int  # passages of the last publish whose text no earlier version had


@pytest.fixture(scope="module")
def published(shared_tmp, use) -> Published:
    """A small library published, then published again after each of three new cases."""
    lib, out = copy_library(shared_tmp / "lib", CASES), shared_tmp / "small-artifact"
    reports, before = [artifact.build_artifact(lib, out, use)], set()
    for n in range(store.ARTIFACT_VERSIONS):
        before = passage_texts(lib)
        add_published_case(lib, f"case-99-published-000{n}")
        reports.append(artifact.build_artifact(lib, out, use))
    return Published(lib, out, reports, len(passage_texts(lib) - before))


def passage_texts(root: Path) -> set[str]:
    return {p.text for item in load_library(root).items for p in passages(item)}


def test_first_publish_encodes_every_passage(published):
    first = published.reports[0]
    assert first.encoded["use"] == first.passages > 0


def test_publishing_again_encodes_only_passages_not_in_the_artifacts_last_version(published):
    last = published.reports[-1]
    assert 0 < last.encoded["use"] == published.new_texts < last.passages


def test_publish_keeps_the_versions_a_replica_may_still_be_loading(published):
    kept = sorted(folder.name for folder in published.out.glob("v-*"))
    assert kept == sorted(r.folder.name for r in published.reports[-store.ARTIFACT_VERSIONS:])


def test_artifact_carries_the_library_it_indexes(published, tmp_path):
    library, index = artifact.open_read_only(published.out, tmp_path / "no-library-here", ["use"])
    assert sorted(i.id for i in library.items) == sorted(e["id"] for e in index.manifest["items"])
    assert {i.id for i in library.items} == {i.id for i in load_library(published.library).items}


def test_first_publish_reuses_the_vectors_of_the_librarys_own_index(tmp_path, use):
    lib = copy_library(tmp_path / "lib", CASES)
    own = lib / ".casebook" / "index"
    store.build(load_library(lib), own, use)
    report = artifact.build_artifact(lib, tmp_path / "artifact", use, seed=own)
    assert report.encoded["use"] == 0


def test_an_empty_read_only_index_folder_says_to_publish_there(tmp_path):
    with pytest.raises(IndexMissing, match="casebook index --out"):
        artifact.open_read_only(tmp_path / "nothing-yet", ROOT, ["use"])


def test_index_refuses_to_rebuild_an_artifact_in_place(published):
    before = store.current_name(published.out)
    run = subprocess.run([sys.executable, "-m", "casebook", "index", "--quiet"], capture_output=True, text=True,
                         env={**os.environ, "CASEBOOK_LIBRARY": str(published.library),
                              "CASEBOOK_INDEX_DIR": str(published.out), "CASEBOOK_ENCODERS": "use"}, timeout=120)
    assert run.returncode == 1 and "--out" in run.stderr
    assert store.current_name(published.out) == before


def test_replica_on_a_read_only_artifact_starts_without_writing(shared_tmp, engine, capsys):
    """The built-in library, both encoders: the real replica. `engine` makes sure the library's own
    index exists, so the publish reuses its vectors instead of encoding for a minute."""
    volume, models = shared_tmp / "read-only-volume", engine.settings.model_cache
    out = volume / "artifact"  # the folder beside it is read-only too (a server once kept a secret there)
    published = subprocess.run([sys.executable, "-m", "casebook", "index", "--out", str(out), "--quiet"],
                                capture_output=True, text=True, timeout=300)
    assert published.returncode == 0, published.stderr
    make_read_only(volume)
    before = fingerprint(volume), fingerprint(models)
    prefix, who = unprivileged()
    port = free_port()
    scratch = shared_tmp / "scratch"  # what a pod's /tmp is: usage events are kept there (deploy/k8s)
    replica = start_replica(out, scratch, port, {"CASEBOOK_MODEL_DIR": str(models),
                                                 "CASEBOOK_EVENTS_PATH": str(scratch / "events.sqlite3")}, prefix)
    try:
        seconds = wait_ready(f"http://127.0.0.1:{port}", replica, START_BOUND)
        answer = httpx.get(f"http://127.0.0.1:{port}/v1/search", params={"q": "房东联系不上", "k": 3}, timeout=30)
    finally:
        stop(replica)
    with capsys.disabled():
        print(f"\n  read-only replica ({who}): ready {seconds:.1f} s after start")
    assert answer.status_code == 200
    assert "case-05-sincere-marketing-arrears-landlord" in [r["id"] for r in answer.json()["results"]]
    assert (fingerprint(volume), fingerprint(models)) == before


def test_replica_serves_a_newly_published_version_without_restarting(published, shared_tmp, use):
    lib, out = published.library, published.out
    port = free_port()
    replica = start_replica(out, shared_tmp / "scratch", port,
                            {"CASEBOOK_ENCODERS": "use"})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, replica, START_BOUND)
        add_published_case(lib, "case-99-published-0042")
        artifact.build_artifact(lib, out, use)
        published, deadline = time.monotonic(), time.monotonic() + 15
        while httpx.get(f"{url}/v1/items/case-99-published-0042", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "the new version was not served within 15 s"
            time.sleep(0.2)
        ready = httpx.get(f"{url}/readyz", timeout=5).json()
        edit = httpx.put(f"{url}/v1/items/case-99-published-0042", content=b"---\n", timeout=5,
                         headers={"Content-Type": "text/markdown", "X-API-Key": "any"})
    finally:
        stop(replica)
    assert ready["index_version"] == store.current_name(out) and ready["reloads"] == 1
    assert time.monotonic() - published < 15
    assert edit.status_code == 403 and "published" in edit.json()["message"]  # edits go to the publisher
