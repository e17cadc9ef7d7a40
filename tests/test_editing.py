"""Saving items (casebook/editing.py): checked like `casebook lint`, atomic, conflict-safe, audited.

Every test works on a copy of real library items in a temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import copy_library, item_text

from casebook import audit, editing
from casebook.editing import EditConflict, InvalidItem, ItemInUse, PreconditionRequired
from casebook.lint import lint
from casebook.loader import read_library

CASE = "case-05-sincere-marketing-arrears-landlord"
THEORY = "theory-sincere-marketing"
NEW = "case-editing-test-new-item"


@pytest.fixture
def lib(tmp_path):
    return copy_library(tmp_path / "lib", [CASE])


def new_item(lib) -> bytes:
    """A valid new case: the real case under another id."""
    return item_text(lib, CASE).replace(f"id: {CASE}", f"id: {NEW}", 1).encode("utf-8")


def case_file(lib):
    return lib / "cases" / f"{CASE}.md"


def test_save_creates_the_file_in_its_type_folder_and_lint_accepts_it(lib):
    saved = editing.save(lib, NEW, new_item(lib), "alice")
    assert saved.created and saved.path == f"cases/{NEW}.md"
    assert (lib / saved.path).read_bytes() == new_item(lib)
    assert saved.etag == editing.etag_of(new_item(lib))
    assert lint(lib) == []


def test_save_is_recorded_in_the_audit_log_with_the_editor(lib):
    saved = editing.save(lib, NEW, new_item(lib), "alice", message="add the case")
    entry = audit.read_log(lib)[-1]
    assert (entry["action"], entry["item_id"], entry["editor"], entry["message"]) == ("create", NEW, "alice",
                                                                                      "add the case")
    assert entry["etag_after"] == saved.etag and saved.audit == "log .casebook/audit.jsonl"


def test_invalid_item_lists_every_problem_by_field_and_writes_nothing(lib):
    before = case_file(lib).read_bytes()
    text = before.decode().replace(f"- {THEORY}", "- theory-no-such-thing").replace("郑某对", "郑某13812345678对")
    with pytest.raises(InvalidItem) as refused:
        editing.save(lib, CASE, text.encode(), "alice", if_match=[editing.etag_of(before)])
    problems = {p.field: p for p in refused.value.problems}
    assert problems["theories"].message == "no item has id 'theory-no-such-thing'"
    lines = text.splitlines()
    file_line = next(n for n, row in enumerate(lines, 1) if "13812345678" in row)
    body_start = lines.index("---", 1) + 2  # the line after the closing `---`
    assert (problems["body"].line, problems["body"].body_line) == (file_line, file_line - body_start + 1)
    assert case_file(lib).read_bytes() == before
    assert audit.read_log(lib) == []


def test_front_matter_errors_name_the_field(lib):
    text = item_text(lib, CASE).replace("outcome: success", "outcome: triumph")
    problems = editing.check(lib, CASE, text.encode())
    assert [p.field for p in problems] == ["outcome"]
    assert problems[0].line == next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("outcome:"))


def test_id_must_match_the_id_it_is_saved_under(lib):
    problems = editing.check(lib, "case-another-id", new_item(lib))
    assert [(p.field, p.message) for p in problems] == [("id", "the id must be 'case-another-id', the id in the URL")]


def test_replacing_needs_the_current_etag(lib):
    old_etag = editing.etag_of(case_file(lib).read_bytes())
    changed = item_text(lib, CASE).replace("恳谈", "恳切交谈").encode()
    editing.save(lib, CASE, changed, "alice", if_match=[old_etag])
    with pytest.raises(EditConflict, match="changed since you read it"):
        editing.save(lib, CASE, changed.replace("恳切交谈".encode(), "长谈".encode()), "bob", if_match=[old_etag])
    assert case_file(lib).read_bytes() == changed


def test_save_without_if_match_only_creates(lib):
    with pytest.raises(EditConflict, match="already exists"):
        editing.save(lib, CASE, item_text(lib, CASE).encode(), "alice")


def test_two_saves_from_one_etag_at_once_one_wins_one_conflicts(lib):
    etag = editing.etag_of(case_file(lib).read_bytes())
    texts = {name: item_text(lib, CASE).replace("恳谈", word).encode() for name, word in (("a", "长谈"), ("b", "细谈"))}
    outcome: dict[str, str] = {}

    def slow_rename(temp):  # hold the moment between check and rename open for the other save
        time.sleep(0.3)

    def attempt(name: str) -> None:
        try:
            editing.save(lib, CASE, texts[name], name, if_match=[etag], before_replace=slow_rename)
            outcome[name] = "saved"
        except EditConflict:
            outcome[name] = "conflict"

    threads = [threading.Thread(target=attempt, args=(name,)) for name in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == ["conflict", "saved"]
    winner = next(name for name, result in outcome.items() if result == "saved")
    assert case_file(lib).read_bytes() == texts[winner]


def test_crash_between_write_and_rename_leaves_the_old_file_intact(lib):
    before = case_file(lib).read_bytes()
    changed = before.replace("恳谈".encode(), "长谈".encode())
    crash = ("import os, signal, sys\nfrom pathlib import Path\nfrom casebook import editing\n"
             "editing.save(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]).read_bytes(), 'crash',\n"
             "             if_match=[sys.argv[4]], before_replace=lambda temp: os.kill(os.getpid(), signal.SIGKILL))\n")
    (lib.parent / "new.md").write_bytes(changed)
    run = subprocess.run([sys.executable, "-c", crash, str(lib), CASE, str(lib.parent / "new.md"),
                          editing.etag_of(before)], capture_output=True, timeout=120)
    assert run.returncode == -9, run.stderr.decode()[-2000:]
    assert case_file(lib).read_bytes() == before
    left = list((lib / "cases").glob(".*.saving"))
    assert len(left) == 1 and left[0].read_bytes() == changed  # the new bytes were on disk, never renamed
    assert lint(lib) == [] and read_library(lib).get(CASE).body in before.decode()  # the temp is no item
    editing.save(lib, CASE, changed, "after", if_match=[editing.etag_of(before)])  # lock released, temp cleared
    assert case_file(lib).read_bytes() == changed and not list((lib / "cases").glob(".*.saving"))


def test_delete_needs_if_match(lib):
    editing.save(lib, NEW, new_item(lib), "alice")
    with pytest.raises(PreconditionRequired):
        editing.delete(lib, NEW, "alice", if_match=None)
    editing.delete(lib, NEW, "alice", if_match=[editing.etag_of(new_item(lib))])
    assert not (lib / "cases" / f"{NEW}.md").exists()
    assert audit.read_log(lib)[-1]["action"] == "delete"


def test_delete_of_a_linked_item_is_refused(lib):
    with pytest.raises(ItemInUse, match=CASE):
        editing.delete(lib, THEORY, "alice", if_match=["*"])
    assert (lib / "playbook" / "theories" / f"{THEORY}.md").exists()


def test_compose_writes_the_layout_of_the_library_files(lib):
    item = editing.parse_item_file(case_file(lib).read_bytes(), f"cases/{CASE}.md")
    text = editing.compose(item.model_dump(exclude={"body", "path"}), item.body)
    assert text.encode("utf-8") == case_file(lib).read_bytes()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_in_a_git_library_each_save_is_a_commit_by_the_editor(lib, monkeypatch):
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(lib), "-c", "user.name=setup", "-c", "user.email=setup@example.com",
                               *args], check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "library")
    (lib / "unrelated.txt").write_text("staged, not part of the edit")
    git("add", "unrelated.txt")
    monkeypatch.chdir(lib.parent)  # a library named by a relative path, as CASEBOOK_LIBRARY may name it
    saved = editing.save(Path(lib.name), NEW, new_item(lib), "alice", message="add the case")
    assert saved.audit == "git " + git("rev-parse", "HEAD")
    assert git("log", "-1", "--format=%an|%s") == "alice|add the case"
    assert git("show", "--name-only", "--format=", "HEAD") == f"cases/{NEW}.md"
    assert git("diff", "--cached", "--name-only") == "unrelated.txt"  # still staged, not committed
    editing.delete(lib, NEW, "bob", if_match=[saved.etag])
    assert git("log", "-1", "--format=%an|%s", "--name-status") == f"bob|Delete {NEW}\n\nD\tcases/{NEW}.md"
    assert not (lib / audit.LOG_FILE).exists()
