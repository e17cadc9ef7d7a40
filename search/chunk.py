"""Items -> passages: each passage keeps its item's title so it can stand alone for an encoder."""

from __future__ import annotations

import re
from dataclasses import dataclass

from casebook.model import Item
from casebook.sentences import split_sentences

MAX_CHARS = 320  # about one encoder window of Chinese text (e5-small reads 512 tokens)
# Markdown at the start of a line: headings, quotes, bullets. Only the markup: a line that starts
# with the source's own numbers (2004年, 8—2理论, 1、) keeps them.
_LINE_MARKUP = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+)+", re.M)


@dataclass(frozen=True)
class Passage:
    item_id: str
    text: str


def _pieces(text: str, limit: int) -> list[str]:
    """Split text into runs of whole sentences no longer than `limit` (a long sentence stands alone)."""
    out, current = [], ""
    for sentence in split_sentences(text):
        if current and len(current) + len(sentence) > limit:
            out.append(current)
            current = ""
        current += sentence
    if current.strip():
        out.append(current)
    return out


def annotation_texts(item: Item) -> list[str]:
    """The curated description of an item, one passage per language so neither dilutes the other."""
    chinese = [item.title, item.summary, "；".join(item.situations), "；".join(item.products)]
    english = [item.title_en, item.summary_en, ", ".join(item.tag_words)]
    return ["\n".join(p for p in chinese if p), "\n".join(p for p in english if p)]


ANNOTATION_PASSAGES = 2


def passages(item: Item, limit: int = MAX_CHARS) -> list[Passage]:
    """The annotation passages, then the body in sentence runs under their section heading."""
    out = [Passage(item.id, text) for text in annotation_texts(item)]
    for heading, text in item.sections.items():
        prefix = item.title + (f" · {heading}" if heading else "")
        for para in re.split(r"\n\s*\n", text):
            flat = re.sub(r"\s+", " ", _LINE_MARKUP.sub("", para)).strip()
            for piece in _pieces(flat, limit) if flat else []:
                out.append(Passage(item.id, f"{prefix}\n{piece.strip()}"))
    return out
