"""An item's Markdown body as the slides and the handout set it: blocks of verbatim text, and sentences.

Only the Markdown markup is dropped (`## `, `- `, `**`); every character of the text is kept, so the
story on the slides reads exactly as the source does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from casebook.model import Item

BlockKind = Literal["heading", "text", "bullet"]

# A sentence ends at a full stop, question or exclamation mark or semicolon (Chinese or Latin), with
# any closing quotes or brackets that follow it.
_SENTENCE = re.compile(r"[^。！？!?；;]+(?:[。！？!?；;]+[”’」』）)\]》]*)?|[。！？!?；;]+[”’」』）)\]》]*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_BOLD_LINE = re.compile(r"^\*\*(.+)\*\*$")


@dataclass(frozen=True)
class Block:
    """One paragraph of a body: a heading, a paragraph of text or a list item (`bold`: a bold line)."""

    kind: BlockKind
    text: str
    level: int = 0
    bold: bool = False


def _plain(text: str) -> str:
    """Inline markup off: `**bold**` keeps its words."""
    return text.replace("**", "")


def body_blocks(markdown: str) -> list[Block]:
    """The body's headings, paragraphs (soft-wrapped lines joined) and list items, in order."""
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        text = " ".join(part.strip() for part in lines).strip()
        if text:
            bold = _BOLD_LINE.match(text)
            blocks.append(Block("text", _plain(bold.group(1) if bold else text), bold=bool(bold)))
        lines.clear()

    for line in markdown.splitlines():
        heading, bullet = _HEADING.match(line), _BULLET.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", _plain(heading.group(2).strip()), level=len(heading.group(1))))
        elif bullet:
            flush()
            blocks.append(Block("bullet", _plain(bullet.group(1).strip())))
        elif not line.strip():
            flush()
        else:
            lines.append(line)
    flush()
    return blocks


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph; joined together they give back the text exactly."""
    return [s for s in _SENTENCE.findall(text) if s]


def story_text(blocks: list[Block]) -> str:
    """All the words of the blocks without white space: what a complete story must contain."""
    return re.sub(r"\s+", "", "".join(b.text for b in blocks))


def script_lines(script: Item, limit: int = 80) -> list[str]:
    """The lines of a script to say to a customer: its short paragraphs and list items, verbatim.

    A script's long paragraphs are the editor's or author's analysis, not words for the customer.
    """
    return [b.text for b in body_blocks(script.body) if b.kind != "heading" and len(b.text) <= limit]
