"""The readers, tried in order; the first that recognises a file's content reads it."""

from __future__ import annotations

from casebook.importers.base import Reader, SourceFile, UnreadableDocument, is_encrypted_office
from casebook.importers.collection import CollectionReader
from casebook.importers.docx import DocxReader
from casebook.importers.html import HtmlReader
from casebook.importers.pdf import PdfReader
from casebook.importers.pptx import PptxReader
from casebook.importers.text import TextReader

# Binary formats first; the case-collection format before plain text, which accepts any text.
READERS: tuple[Reader, ...] = (PdfReader(), DocxReader(), PptxReader(), HtmlReader(), CollectionReader(),
                               TextReader())
FORMATS = "Word (.docx), PowerPoint (.pptx), PDF, web pages (.html), Markdown and text"


def reader_for(source: SourceFile) -> Reader:
    """The reader for a file, chosen by its content; a clear error when none fits."""
    if not source.data.strip():
        raise UnreadableDocument("empty", "the file is empty (0 bytes)" if not source.data else "the file is blank")
    head = source.head
    for reader in READERS:
        if reader.accepts(head, source.name):
            return reader
    if is_encrypted_office(source.data):
        raise UnreadableDocument("encrypted", "the Office file is protected by a password: "
                                 "save an unprotected copy and import that")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableDocument("not-a-document", "an old binary Office file (.doc/.ppt): "
                                 "save it as .docx or .pptx and import that")
    raise UnreadableDocument("not-a-document", f"not a document casebook reads ({FORMATS})")


def read_markdown(source: SourceFile) -> tuple[str, str]:
    """(reader name, Markdown text) of a file; UnreadableDocument says why when there is none."""
    reader = reader_for(source)
    return reader.name, reader.read(source)
