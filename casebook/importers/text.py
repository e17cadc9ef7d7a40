"""Plain text and Markdown (.txt, .md): UTF-8 (or GB18030, common for Chinese Windows files) as is."""

from __future__ import annotations

from casebook.importers.base import SourceFile, UnreadableDocument

ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> str | None:
    """The text of `data` in the first encoding that fits, or None for binary data."""
    if b"\0" in data[:4096]:
        return None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def sniff_text(head: bytes) -> str | None:
    """The text of a file's first bytes, which may end inside a multi-byte character."""
    for cut in range(4):
        text = decode_text(head[:len(head) - cut] if cut else head)
        if text is not None:
            return text
    return None


class TextReader:
    name = "text"

    def accepts(self, head: bytes, name: str) -> bool:
        return sniff_text(head) is not None

    def read(self, source: SourceFile) -> str:
        text = decode_text(source.data)
        if text is None:
            raise UnreadableDocument("not-a-document", "not text in UTF-8 or GB18030, nor a Word, "
                                     "PowerPoint, PDF or HTML file")
        return text.replace("\r\n", "\n").replace("\r", "\n")
