"""Does a text fit a frame? An estimate of line wrap from the frame's width and the font size.

No font is opened: the viewer substitutes its own (Microsoft YaHei on Windows, Noto Sans CJK and
DejaVu Sans in LibreOffice on Debian), so widths are counted in ems, on the safe side: a CJK or other
full-width character is 1 em, Latin letters and digits 0.62 em (0.5 is typical; DejaVu Sans is
wider), a space 0.35 em. Latin words do not break; a line is filled to 94% of the frame at most, for
the line-breaking rules (no full stop at the start of a line) and font differences.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

FULL_EM = 1.0
LATIN_EM = 0.62
SPACE_EM = 0.35
FILL = 0.94
_TOKEN = re.compile(r"[A-Za-z0-9.,:;'’/%&@#+_()\-]+|\s|.", re.S)


def char_em(ch: str) -> float:
    """Width of one character in ems (ambiguous-width quotes and dashes count as full width)."""
    if ch.isspace():
        return SPACE_EM
    return FULL_EM if unicodedata.east_asian_width(ch) in "WFA" else LATIN_EM


def text_em(text: str) -> float:
    return sum(char_em(ch) for ch in text)


def line_count(text: str, size_pt: float, width_pt: float) -> int:
    """How many lines `text` takes at `size_pt` in a frame `width_pt` wide (at least one)."""
    room = width_pt * FILL / size_pt  # ems per line
    lines, used = 1, 0.0
    for token in _TOKEN.findall(text):
        width = text_em(token)
        if used + width <= room or (token.isspace() and used > 0):
            used += width
            continue
        if width > room:  # a Latin word longer than the line breaks anywhere
            lines += math.ceil((used + width) / room) - 1
            used = (used + width) % room
            continue
        lines += 1
        used = 0.0 if token.isspace() else width
    return lines


@dataclass(frozen=True)
class Style:
    """How a paragraph is set: font size, line pitch (exact, in points), space before it, the look."""

    size: float
    pitch: float
    space_before: float = 0.0
    bold: bool = False
    italic: bool = False
    color: str = "1C2430"


@dataclass(frozen=True)
class Frame:
    """The text area of a frame: its width and height inside the insets, in points."""

    width: float
    height: float


def paragraph_height(text: str, style: Style, frame: Frame, first: bool) -> float:
    before = 0.0 if first else style.space_before
    return before + line_count(text, style.size, frame.width) * style.pitch


def text_height(paragraphs: list[tuple[str, Style]], frame: Frame) -> float:
    """Height of paragraphs set one after another in the frame."""
    return sum(paragraph_height(text, style, frame, n == 0) for n, (text, style) in enumerate(paragraphs))


def fits(paragraphs: list[tuple[str, Style]], frame: Frame) -> bool:
    return text_height(paragraphs, frame) <= frame.height
