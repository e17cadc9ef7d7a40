"""The built-in library: the items casebook ships with.

In a checkout they are the top-level `cases/` and `playbook/` folders; an installed casebook (wheel
or sdist) carries them as package data in `casebook/library/`. An editable install (`pip install -e
.`) reads the checkout's folders, so an edit to `cases/*.md` is seen at once.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

FOLDERS = ("cases", "playbook")


def installed_library() -> Path:
    """Where an installed casebook keeps its library (package data); may be empty in a checkout."""
    return Path(str(files(__name__)))


def checkout_library() -> Path:
    """The checkout the package runs from: the folder above `casebook/`."""
    return Path(__file__).resolve().parent.parent.parent


def builtin_library() -> Path:
    """The built-in library's root folder (it holds `cases/` and `playbook/`)."""
    installed = installed_library()
    return installed if is_installed_library(installed) else checkout_library()


def is_installed_library(root: Path) -> bool:
    """True for the library inside an installed package: casebook's files, not the user's to change."""
    installed = installed_library()
    return (installed / FOLDERS[0]).is_dir() and root.resolve() == installed.resolve()
