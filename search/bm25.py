"""BM25 over item text with bm25s (measured against rank_bm25: same ranking, ~100x faster)."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from casebook.model import Item


def item_text(item: Item) -> str:
    """What BM25 indexes: annotations (English included, so English queries can match) and body."""
    fields = [item.title, item.title_en, item.summary, item.summary_en, " ".join(item.situations),
              " ".join(item.products), " ".join(item.tag_words), item.body]
    return "\n".join(fields)


class BM25Index:
    """A bm25s index whose rows are items, in the order given."""

    def __init__(self, retriever: bm25s.BM25, size: int) -> None:
        self.retriever = retriever
        self.size = size

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> BM25Index:
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(token_lists, show_progress=False)
        return cls(retriever, len(token_lists))

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every row for the query tokens (zeros when no token is known)."""
        known = [t for t in tokens if t in self.retriever.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return self.retriever.get_scores(known).astype(np.float32)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> BM25Index:
        return cls(bm25s.BM25.load(str(folder)), size)
