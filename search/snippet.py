"""Snippets: the passage of an item that best matches the query, in the source's words, matched words marked.

Which passage: the source passage that holds the most query words (distinct words first, then
occurrences); failing that, the passage the dense encoder ranked best; then the item's first source
passage. An editor's section (a heading that starts with 编者按) is chosen only when no source
passage holds a query word and it does. Markdown markup is removed before a snippet is cut, so
`**` never shows.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from casebook.model import Item

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
WIDTH = 160
EDITORIAL = "编者按"  # heading prefix of the sections an editor wrote (never source text)

_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def matched_terms(tokens: list[str], item: Item) -> list[str]:
    """Query tokens (two characters or more) that occur in the item's text or annotations."""
    text = " ".join([item.title, item.title_en, item.summary, item.summary_en, item.body]).lower()
    seen: list[str] = []
    for token in tokens:
        if len(token) > 1 and token not in seen and token.lower() in text:
            seen.append(token)
    return seen


def plain(text: str) -> str:
    """Text without inline Markdown: emphasis and code marks dropped, links and images as their text."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return text.replace("**", "").replace("__", "")


def body_of(passage: str) -> str:
    """A passage's text without its `title · heading` first line."""
    return passage.split("\n", 1)[-1]


def is_editorial(passage: str) -> bool:
    """True for a passage of an editor's section (its first line is `title · 编者按...`)."""
    heading = passage.split("\n", 1)[0]
    return f"· {EDITORIAL}" in heading


def snippet_words(tokens: Iterable[str]) -> list[str]:
    """The words a snippet marks: two characters or more, longest first (so the longest is marked)."""
    return sorted({t for t in tokens if len(t) > 1}, key=len, reverse=True)


@dataclass
class ItemPassages:
    """One item's passages as snippets need them, prepared once: plain lower-cased bodies, which
    are an editor's, and (for the duplicate check) their shingles."""

    texts: list[str]

    @cached_property
    def lowered(self) -> list[str]:
        return [plain(body_of(t)).lower() for t in self.texts]

    @cached_property
    def editorial(self) -> list[bool]:
        return [is_editorial(t) for t in self.texts]

    @cached_property
    def shingles(self) -> list[frozenset[str]]:
        from casebook.search.duplicates import shingles

        return [shingles(t) for t in self.texts]


def words_pattern(words: list[str]) -> re.Pattern[str] | None:
    """One pattern for all the words (longest first, lower-cased), so a passage is scanned once."""
    return re.compile("|".join(re.escape(w.lower()) for w in words)) if words else None


def _match_score(lowered: str, pattern: re.Pattern[str] | None) -> tuple[int, int]:
    """(distinct words found, occurrences) in a lower-cased passage."""
    if pattern is None:
        return 0, 0
    found = pattern.findall(lowered)
    return len(set(found)), len(found)


def ranked_passages(passages: ItemPassages, pattern: re.Pattern[str] | None,
                    dense_best: int | None = None) -> tuple[list[int], list[int]]:
    """Passage indexes in the order to show them, in two tiers. First: the source passages that
    match (most words first) or, when none does, the editors' passages that match; then the dense
    encoder's best and the other source passages. Last: the other editors' passages.
    `pattern` is `words_pattern(words)`."""
    scores = [_match_score(t, pattern) for t in passages.lowered]

    def best_first(indexes: list[int]) -> list[int]:
        return sorted((i for i in indexes if scores[i][0]), key=lambda i: (-scores[i][0], -scores[i][1], i))

    source = [i for i, editorial in enumerate(passages.editorial) if not editorial]
    editorial = [i for i, editorial in enumerate(passages.editorial) if editorial]
    order = best_first(source) or best_first(editorial)  # an editor's words only when the source has none
    if dense_best is not None and dense_best in source:
        order.append(dense_best)
    first = list(dict.fromkeys(order + source))
    return first, [i for i in editorial if i not in first]


def render(passage: str, words: list[str], width: int = WIDTH) -> str:
    """HTML-escaped text around the first match, matched words in <mark>."""
    body = plain(body_of(passage))
    start = 0
    lowered = body.lower()
    positions = [lowered.find(w.lower()) for w in words if w.lower() in lowered]
    if positions:
        start = max(0, min(positions) - width // 4)
    window = body[start:start + width]
    text = ("…" if start else "") + window + ("…" if start + width < len(body) else "")
    escaped = html.escape(text)
    if not words:
        return escaped
    pattern = re.compile("|".join(re.escape(html.escape(w)) for w in words), re.IGNORECASE)
    return pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", escaped)


def best_snippet(texts: list[str], tokens: list[str], width: int = WIDTH) -> str:
    """The snippet of one item on its own (no other hits to avoid); empty when it has no passage."""
    if not texts:
        return ""
    words = snippet_words(tokens)
    source, editorial = ranked_passages(ItemPassages(texts), words_pattern(words))
    return render(texts[(source + editorial)[0]], words, width)
