"""`casebook init DIR`: a library of one's own, started from the built-in one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT

from casebook.library import builtin_library
from casebook.new_library import create_library, library_files
from casebook.settings import get_settings

CASE = "case-05-sincere-marketing-arrears-landlord"
ITEMS = len([f for f in library_files(ROOT) if f.suffix == ".md"])  # the rest is the vocabulary
FIRST_SEARCH_LIMIT = 60  # seconds; building the index from nothing takes 95-214 s on two cores


def casebook(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casebook", *args], capture_output=True, text=True,
                          env=env or os.environ.copy(), timeout=120)


def git(folder, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One library made by the command, shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("own") / "our-library"
    run = casebook("init", str(folder))
    assert run.returncode == 0, run.stderr
    return folder


def test_init_copies_every_item_of_the_builtin_library(made):
    assert library_files(made) == library_files(ROOT)
    assert (made / "cases" / f"{CASE}.md").read_bytes() == (ROOT / "cases" / f"{CASE}.md").read_bytes()


def test_the_new_library_lints_clean(made):
    run = casebook("lint", "--library", str(made))
    assert run.returncode == 0, run.stdout
    assert f"{ITEMS} files checked, 0 problem(s)" in run.stderr


def test_init_writes_a_readme_for_the_team_and_ignores_the_index(made):
    readme = (made / "README.md").read_text(encoding="utf-8")
    assert "# our-library" in readme
    for command in ("lint", "index", "search", "serve"):
        assert f"casebook {command} " in readme and "--library" in readme
    assert ".casebook/" in (made / ".gitignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_makes_a_git_repository_with_everything_in_a_first_commit(made):
    assert git(made, "log", "--format=%s").splitlines() == ["A library of our own, started from casebook's built-in library"]
    assert git(made, "status", "--porcelain") == ""
    assert len(git(made, "ls-files").splitlines()) == len(library_files(ROOT)) + 2  # README.md, .gitignore


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_commits_when_git_knows_no_identity(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1")
    run = casebook("init", str(tmp_path / "lib"), env=env)
    assert run.returncode == 0, run.stderr
    assert git(tmp_path / "lib", "log", "--format=%an <%ae>").strip() == "casebook init <casebook-init@localhost>"
    assert not (home / ".gitconfig").exists()  # the stand-in identity was for that commit only


def test_init_without_git_still_makes_the_library(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path / "no-tools-here")}
    run = casebook("init", str(tmp_path / "lib"), env=env)
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "lib" / ".git").exists()
    assert library_files(tmp_path / "lib") == library_files(ROOT)


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("ours", encoding="utf-8")
    run = casebook("init", str(tmp_path))
    assert run.returncode == 1
    assert "is not an empty folder" in run.stderr and "Traceback" not in run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_copies_the_vocabulary_when_the_library_has_one(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT / "cases", source / "cases")
    shutil.copytree(ROOT / "playbook", source / "playbook")
    vocabulary = "situations:\n  - {id: cancellation-request, label: 申请销号, synonyms: [销号, 销户]}\n"
    (source / "playbook" / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
    made = create_library(tmp_path / "ours", source)
    assert "playbook/vocabulary.yaml" in made.files
    assert (tmp_path / "ours" / "playbook" / "vocabulary.yaml").read_text(encoding="utf-8") == vocabulary


def test_the_library_setting_and_option_both_use_the_new_library(tmp_path):
    folder = tmp_path / "lib"
    assert casebook("init", str(folder)).returncode == 0
    (folder / "cases" / f"{CASE}.md").unlink()  # ours now differs from the built-in one
    by_option = casebook("list", "--json", "--library", str(folder))
    by_setting = casebook("list", "--json", env={**os.environ, "CASEBOOK_LIBRARY": str(folder)})
    for run in (by_option, by_setting):
        ids = [item["id"] for item in json.loads(run.stdout)]
        assert CASE not in ids and len(ids) == ITEMS - 1


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and modification time: any write shows."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_library_searches_at_once_from_the_builtin_index_which_init_leaves_unchanged(tmp_path, engine):
    """`engine` builds the built-in library's index if the session has none yet."""
    builtin_index = get_settings(builtin_library()).index_path
    before = files_of(builtin_index)
    folder = tmp_path / "ours"
    made = casebook("init", str(folder))
    assert made.returncode == 0, made.stderr
    assert "search index: the built-in library's, copied" in made.stdout
    started = time.monotonic()
    found = subprocess.run([sys.executable, "-m", "casebook", "search", "房东联系不上,租户已经搬走", "--json",
                            "--library", str(folder)], capture_output=True, text=True, timeout=FIRST_SEARCH_LIMIT)
    assert found.returncode == 0, found.stderr
    assert time.monotonic() - started < FIRST_SEARCH_LIMIT
    assert "building the index" not in found.stderr  # nothing encoded: the seeded index was fresh
    assert "case" in [hit["type"] for hit in json.loads(found.stdout)["results"]]
    assert files_of(builtin_index) == before


def test_init_says_the_first_search_builds_the_index_when_the_builtin_one_cannot_be_reused(tmp_path, engine):
    """An index made with other encoders cannot serve this library: nothing is copied."""
    folder = tmp_path / "ours"
    made = casebook("init", str(folder), env={**os.environ, "CASEBOOK_ENCODERS": "use"})
    assert made.returncode == 0, made.stderr
    assert "search index: not copied, the built-in library's index cannot be reused: the encoders changed" in made.stdout
    assert "the first search builds it" in made.stdout and f"casebook index --library {folder}" in made.stdout
    assert not (folder / ".casebook" / "index").exists()
