#!/usr/bin/env python3
"""One task runner, standard library only, so it works on a fresh machine with Python 3.11+.

    python3 tasks.py run    # set up .venv, build the index, answer a search, start the service
    python3 tasks.py test   # set up .venv (and Chromium for the browser tests), run the test suite
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"


def sh(*args: str, **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def setup(extras: str = "dev") -> None:
    """Create .venv and install casebook (editable) with the given extras."""
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", str(VENV))
    sh(str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]")


def browser() -> None:
    """Debian's Chromium and its driver for the browser tests (no browser download at run time)."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh(*sudo, "apt-get", "update", "-q", env=env)
    sh(*sudo, "apt-get", "install", "-y", "-q", "chromium", "chromium-driver", env=env)


def office() -> None:
    """Debian's LibreOffice Writer (renders the intake tests' PDFs) and CJK fonts for its Chinese text."""
    have_fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip() \
        if shutil.which("fc-list") else ""
    if shutil.which("soffice") and have_fonts:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh(*sudo, "apt-get", "update", "-q", env=env)
    sh(*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", "libreoffice-writer",
       "fonts-noto-cjk", env=env)


def run() -> None:
    setup()
    sh(str(BIN / "casebook"), "index")
    sh(str(BIN / "casebook"), "search", "客户要销号怎么挽留", "-k", "3")
    sh(str(BIN / "casebook"), "serve")


def test() -> None:
    setup()
    browser()
    office()
    sh(str(BIN / "ruff"), "check", "casebook", "search", "api", "tests", "scripts", "tasks.py")
    sh(str(BIN / "casebook"), "lint")
    sh(str(BIN / "python"), "-m", "pytest", "-q", *sys.argv[2:])


if __name__ == "__main__":
    tasks = {"run": run, "test": test, "setup": setup}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        sys.exit(__doc__)
    tasks[sys.argv[1]]()
