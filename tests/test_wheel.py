"""The wheel runs anywhere: built from an sdist, installed into a fresh virtual environment, used from a
folder outside the checkout with the library it carries, and `casebook init` from there.

It encodes the built-in library once with USE alone (CASEBOOK_ENCODERS=use, ~10 s; e5 would add a
minute or two), since what is tested here is the packaging, not the encoders. pip's cache and this
machine's local wheel folders keep the install to about a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from casebook.new_library import library_files

QUESTION = "客户要销号怎么挽留"
ITEMS = len([f for f in library_files(ROOT) if f.suffix == ".md"])
OUR_WARNINGS = ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "absent from the `packages`")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with casebook installed from a wheel built from an sdist."""
    work = tmp_path_factory.mktemp("wheel")
    built = run(sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(ROOT), cwd=work)
    assert [w for w in OUR_WARNINGS if w in built.stdout + built.stderr] == []
    wheel = next((work / "dist").glob("casebook-*.whl"))
    run(sys.executable, "-m", "venv", str(work / "venv"), cwd=work)
    run(str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel), cwd=work)
    return work / "venv"


@pytest.fixture(scope="module")
def user(installed, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A folder outside the checkout, and the environment of a user with an empty home and cache."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEBOOK_", "GIT_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"),
               PATH=f"{installed / 'bin'}{os.pathsep}{env['PATH']}", CASEBOOK_ENCODERS="use")
    return home, env


def casebook(user, *args: str) -> subprocess.CompletedProcess:
    home, env = user
    return run("casebook", *args, cwd=home, env=env)


def site_library(installed: Path) -> Path:
    return next(installed.glob("lib/python*/site-packages/casebook/library"))


def test_the_wheel_carries_every_file_of_the_builtin_library(installed):
    assert library_files(site_library(installed)) == library_files(ROOT)


def test_search_uses_the_builtin_library_and_keeps_its_index_in_the_user_cache(installed, user):
    home, _ = user
    answer = json.loads(casebook(user, "search", QUESTION, "--json").stdout)
    # USE alone (to stay short): the calibration counts the missing e5 signal as its training average
    assert len(answer["results"]) >= 3 and not answer["low_confidence"]
    assert (site_library(installed) / answer["results"][0]["path"]).is_file()
    assert len(list((home / ".cache" / "casebook").glob("library-*/index/CURRENT"))) == 1
    assert not (site_library(installed) / ".casebook").exists()


def test_init_lint_and_search_a_library_of_ones_own(user):
    home, _ = user
    casebook(user, "search", QUESTION)  # the built-in library's index, in the user cache (built once per module)
    made = casebook(user, "init", "ours")
    assert "search index: the built-in library's, copied" in made.stdout
    lint = casebook(user, "lint", "--library", "ours")
    assert f"{ITEMS} files checked, 0 problem(s)" in lint.stderr
    searched = casebook(user, "search", QUESTION, "--json", "--library", "ours")
    assert "building the index" not in searched.stderr  # the copied index serves it as it is
    answer = json.loads(searched.stdout)
    assert answer["results"] and (home / "ours" / answer["results"][0]["path"]).is_file()
    assert (home / "ours" / ".casebook" / "index" / "CURRENT").is_file()
