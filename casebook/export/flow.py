"""Flow paragraphs over pages (slides) that each hold what fits their frame, never cutting a sentence.

A story is cut only between sentences; a unit (a prompt, an agenda row, a theory) is never cut. A
heading is never left at the foot of a page. A sentence too long for a page alone is set smaller,
down to `MIN_SIZE`; only one longer than a whole page even then is cut, at a comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from casebook.export.content import Block, sentences
from casebook.export.fit import Frame, Style, paragraph_height

MIN_SIZE = 14.0


@dataclass(frozen=True)
class Para:
    """A paragraph as set on a page: its text, style, kind (`heading`, `text`, `bullet`), an optional
    lead-in (a number, a label) set before the text in another colour, and whether it must not end a
    page (a heading, a title with its summary below)."""

    text: str
    style: Style
    kind: str = "text"
    lead: str = ""
    keep_with_next: bool = False

    @property
    def full(self) -> str:
        return self.lead + self.text


def height(page: list[Para], frame: Frame) -> float:
    return sum(paragraph_height(p.full, p.style, _narrower(frame, p), n == 0) for n, p in enumerate(page))


def fits(page: list[Para], frame: Frame) -> bool:
    return height(page, frame) <= frame.height


def _narrower(frame: Frame, para: Para) -> Frame:
    """The frame a paragraph is set in: list items are indented."""
    indent = para.style.size * 1.2 if para.kind == "bullet" else 0.0
    return Frame(frame.width - indent, frame.height)


def _smaller(para: Para, size: float) -> Para:
    scale = size / para.style.size
    return replace(para, style=replace(para.style, size=size, pitch=para.style.pitch * scale))


def _shrunk_to_fit(para: Para, page: list[Para], frame: Frame) -> Para | None:
    """The paragraph at the largest size (down to MIN_SIZE) at which it fits below `page`, or None."""
    size = para.style.size
    while size >= min(MIN_SIZE, para.style.size):
        candidate = _smaller(para, size)
        if fits([*page, candidate], frame):
            return candidate
        size -= 1
    return None


def _pieces(sentence: str, style: Style, kind: str, frame: Frame) -> list[str]:
    """A sentence as it can be set: whole, or (only if it cannot fit a page at all) cut at commas."""
    if _shrunk_to_fit(Para(sentence, style, kind), [], frame) is not None:
        return [sentence]
    clauses = [c for c in re.split(r"(?<=[，,、：:])", sentence) if c]
    if len(clauses) == 1:  # no comma either: cut into halves
        half = len(sentence) // 2
        clauses = [sentence[:half], sentence[half:]]
    out: list[str] = []
    for clause in clauses:
        out += _pieces(clause, style, kind, frame)
    return out


class _Pages:
    """Pages being filled; `new_page` carries trailing keep-with-next paragraphs to the next page."""

    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.done: list[list[Para]] = []
        self.page: list[Para] = []

    def new_page(self) -> None:
        carry: list[Para] = []
        while self.page and self.page[-1].keep_with_next:
            carry.insert(0, self.page.pop())
        if self.page:
            self.done.append(self.page)
        self.page = carry

    def place(self, para: Para) -> None:
        """Put a paragraph at the end of the page, or on a new one, set smaller if it must be."""
        if fits([*self.page, para], self.frame):
            self.page.append(para)
            return
        if self.page:
            self.new_page()
        placed = _shrunk_to_fit(para, self.page, self.frame)
        if placed is None and self.page:  # a carried heading and this one do not fit together
            self.done.append(self.page)
            self.page = []
            placed = _shrunk_to_fit(para, [], self.frame)
        self.page.append(placed or _smaller(para, min(MIN_SIZE, para.style.size)))

    def extend_last(self, text: str) -> bool:
        """Add a sentence to the page's last paragraph if it still fits."""
        last = self.page[-1]
        longer = replace(last, text=last.text + text)
        if fits([*self.page[:-1], longer], self.frame):
            self.page[-1] = longer
            return True
        return False

    def finish(self) -> list[list[Para]]:
        if self.page:
            self.done.append(self.page)
        return self.done


def flow_story(blocks: list[Block], style_of: dict[str, Style], frame: Frame) -> list[list[Para]]:
    """A body's blocks over pages, paragraphs cut between sentences only."""
    pages = _Pages(frame)
    for block in blocks:
        style = style_of["heading" if block.kind == "heading" else ("bold" if block.bold else block.kind)]
        if block.kind == "heading":
            pages.place(Para(block.text, style, "heading", keep_with_next=True))
            continue
        parts = [p for s in sentences(block.text) for p in _pieces(s, style, block.kind, frame)]
        pages.place(Para(parts[0], style, block.kind))
        for part in parts[1:]:
            if not pages.extend_last(part):
                pages.place(Para(part, style, block.kind))
    return pages.finish()


def flow_units(units: list[Para], frame: Frame) -> list[list[Para]]:
    """Paragraphs that are never cut (prompts, agenda rows, links) over pages."""
    pages = _Pages(frame)
    for unit in units:
        pages.place(unit)
    return pages.finish()
