"""Where the built-in library is found and where an index goes, whatever the install."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from fnmatch import fnmatch

import pytest
from helpers import ROOT, copy_library

from casebook.errors import CasebookError
from casebook.library import FOLDERS, builtin_library
from casebook.settings import get_settings

CASE = "case-05-sincere-marketing-arrears-landlord"


def test_every_module_and_data_file_is_declared_for_the_wheel():
    """pyproject.toml lists packages by hand (search/, api/, cases/ and playbook/ are mapped into
    casebook), so a new folder or kind of data file must be added there; this says which."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages, data = set(setuptools["packages"]), setuptools["package-data"]
    roots = {"casebook": "casebook", **setuptools["package-dir"]}
    left_out = []
    for package, folder in roots.items():
        for path in (ROOT / folder).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            name = ".".join([package, *path.relative_to(ROOT / folder).parent.parts])
            if name not in packages or not (path.suffix == ".py" or
                                            any(fnmatch(path.name, glob) for glob in data.get(name, []))):
                left_out.append(f"{path.relative_to(ROOT)} ({name})")
    assert left_out == [], "declare these in pyproject.toml [tool.setuptools]"
    assert all(roots[f"casebook.library.{folder}"] == folder for folder in FOLDERS)


def test_a_checkout_or_editable_install_reads_the_checkout_library(tmp_path):
    assert builtin_library() == ROOT
    assert get_settings().index_path == ROOT / ".casebook" / "index"
    # from another folder, `casebook` is imported through the editable install (tasks.py's `pip install -e`)
    code = "from casebook.settings import get_settings; print(get_settings().library)"
    elsewhere = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                               env={k: v for k, v in os.environ.items() if k != "CASEBOOK_LIBRARY"})
    assert elsewhere.stdout.strip() == str(ROOT), elsewhere.stderr


def test_a_writable_library_keeps_its_index_beside_it(tmp_path):
    settings = get_settings(tmp_path)
    assert settings.index_path == tmp_path / ".casebook" / "index"
    assert settings.model_cache == tmp_path / ".casebook" / "models"


def test_a_library_whose_state_folder_cannot_be_written_uses_the_user_cache(tmp_path, monkeypatch):
    library = copy_library(tmp_path / "lib", [CASE])
    (library / ".casebook").write_text("a file where the state folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    index = get_settings(library).index_path
    assert index.parent.parent == tmp_path / "cache" / "casebook"
    assert index.parent.name.startswith("lib-") and index.name == "index"


def test_the_index_dir_setting_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEBOOK_INDEX_DIR", str(tmp_path / "elsewhere"))
    assert get_settings(tmp_path).index_path == tmp_path / "elsewhere"


def test_no_writable_place_asks_for_the_index_dir_setting(tmp_path, monkeypatch):
    (tmp_path / ".casebook").write_text("not a folder", encoding="utf-8")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file" / "cache"))
    with pytest.raises(CasebookError, match="set CASEBOOK_INDEX_DIR"):
        get_settings(tmp_path).index_path  # noqa: B018 - the property is what decides


def test_casebook_index_builds_in_the_cache_when_the_library_folder_is_not_writable(tmp_path):
    library = copy_library(tmp_path / "lib", [CASE])
    (library / ".casebook").write_text("a file where the state folder would go", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "CASEBOOK_ENCODERS": ""}
    env.pop("CASEBOOK_INDEX_DIR", None)
    run = subprocess.run([sys.executable, "-m", "casebook", "index", "--library", str(library), "--quiet"],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    built = list((tmp_path / "cache" / "casebook").glob("lib-*/index/CURRENT"))
    assert len(built) == 1 and str(built[0].parent) in run.stdout
