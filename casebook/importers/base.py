"""What every format reader shares: the file it reads, the reader interface, the reasons it can fail."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from casebook.errors import CasebookError

HEAD_BYTES = 4096  # enough of a file's start to recognise every format we read


@dataclass(frozen=True)
class SourceFile:
    """A document to import: its file name (for messages and the draft's `source`) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path) -> SourceFile:
        return cls(name=path.name, data=path.read_bytes())

    @property
    def head(self) -> bytes:
        """The first bytes; for a zip (Office files) followed by NUL and its member names, one a line,
        since a zip names its members in a directory at its end."""
        members = zip_members(self.data)
        return self.data[:HEAD_BYTES] + (b"\0" + "\n".join(sorted(members)).encode() if members else b"")

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.data)


class UnreadableDocument(CasebookError):
    """A file that yields no text to import; `reason` is a short code for programs."""

    REASONS = ("empty", "encrypted", "image-only", "not-a-document", "no-text", "damaged")

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NothingImported(CasebookError):
    """No uploaded file yielded a draft; `problems` are (file name, reason, message), one a file."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        listing = "; ".join(f"{name}: {message}" for name, _, message in problems) or "no case found"
        super().__init__(f"nothing to import: {listing}")


class Reader(Protocol):
    """One document format: recognise it by content, turn it into Markdown.

    `read` keeps the document's wording, headings (`#`), lists, tables (Markdown tables) and marks
    each figure as a Markdown image `![caption](figure)`; the cleaner turns those into editor lines.
    """

    name: str

    def accepts(self, head: bytes, name: str) -> bool: ...

    def read(self, source: SourceFile) -> str: ...


def zip_members(data: bytes) -> set[str]:
    """Names inside a zip container (Office files are zips), or an empty set for anything else."""
    if not data.startswith(b"PK\x03\x04"):
        return set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except zipfile.BadZipFile:
        return set()


# An encrypted Office file is not a zip but an OLE compound file holding an EncryptionInfo stream.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_encrypted_office(data: bytes) -> bool:
    return data.startswith(OLE_MAGIC) and "EncryptionInfo".encode("utf-16-le") in data[:1 << 20]


def accepts_office(head: bytes, name: str, extension: str, member: str) -> bool:
    """An Office file of one format: a zip holding `member`, or an encrypted one named `*.extension`
    (its contents cannot be seen, so the name decides which reader explains the refusal)."""
    if is_encrypted_office(head) and name.lower().endswith(extension):
        return True
    return head.startswith(b"PK\x03\x04") and member.encode() in head


def check_office(source: SourceFile, member: str, encrypted: str, damaged: str) -> None:
    """Refuse an encrypted Office file or one that lacks its main part, with the given messages."""
    if is_encrypted_office(source.data):
        raise UnreadableDocument("encrypted", encrypted)
    if member not in zip_members(source.data):
        raise UnreadableDocument("damaged", damaged)


def markdown_table(rows: list[list[str]]) -> str:
    """Rows of cell text as a Markdown table, the first row as its header."""
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    width = max(len(row) for row in rows)
    padded = [[cell(c) for c in row] + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(padded[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in padded[1:]]
    return "\n".join(lines)
