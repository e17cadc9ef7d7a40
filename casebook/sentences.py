"""Where a sentence of the library's Chinese (or Latin) text ends: after 。！？!?；; ."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


def split_sentences(text: str) -> list[str]:
    """The text cut after each sentence end, every character kept (the pieces join back to it)."""
    return _SENTENCE_END.split(text)
