"""The library items whose text a draft repeats, so a trainer who imports a handbook the library
already holds (in part) is told before publishing its cases a second time under new ids.

Items keep their source's wording verbatim, so a draft whose sentences stand, character for
character, in an item's body is (a part of) that item again. Whitespace is ignored: a document's
line breaks and the spaces of a PDF's layout fall anywhere.
"""

from __future__ import annotations

import re

from casebook.loader import Library
from casebook.sentences import split_sentences

MIN_SENTENCE = 12  # characters; shorter pieces (a heading, "点评") recur in texts that differ
SHARE = 0.5  # of a draft's sentences found in one item's body; across the library's own items a
# theory that quotes a case's [营销理论] section reaches 0.5 to 0.8, unrelated items stay under 0.45

_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    return _SPACE.sub("", text)


class Repeats:
    """The library's bodies without whitespace, read once for all the drafts of an import."""

    def __init__(self, library: Library) -> None:
        self.bodies = {item.id: _plain(item.body) for item in library.items}

    def items_repeated(self, body: str) -> list[str]:
        """Ids of the items holding at least half of the body's sentences, most repeated first."""
        sentences = [s for s in (_plain(piece) for piece in split_sentences(body)) if len(s) >= MIN_SENTENCE]
        if not sentences:
            return []
        shares = []
        for item_id, text in self.bodies.items():
            share = sum(sentence in text for sentence in sentences) / len(sentences)
            if share >= SHARE:
                shares.append((-share, item_id))
        return [item_id for _, item_id in sorted(shares)]
