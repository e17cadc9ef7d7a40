"""A query as the signals see it: checked, cut into tokens, and mapped onto the vocabulary
concepts and the annotation phrases it names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from casebook.errors import BadQuery
from casebook.model import Item
from casebook.search.concepts import ItemConcepts, canonical_terms, named_in
from casebook.search.tokenize import Tokenizer
from casebook.vocabulary import Concept, Vocabulary

MAX_QUERY_CHARS = 2000
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def checked_query(query: str | None) -> str:
    """The query without surrounding white space; an empty or overlong one is a BadQuery."""
    query = (query or "").strip()
    if not query:
        raise BadQuery("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise BadQuery(f"the query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
    return query


@dataclass
class ParsedQuery:
    """A query as the signals see it: its tokens, the concepts it names and what they add."""

    text: str
    tokens: list[str]  # the query's own tokens
    concepts: list[Concept]  # vocabulary concepts the query names, by any synonym
    added: list[str]  # tokens of the concepts' canonical labels that the query lacks (BM25, snippets)
    phrases: list[str]  # annotation phrases outside the vocabulary that the query names
    best_passage: dict[int, int] = field(default_factory=dict)  # item row -> passage the encoder liked

    @property
    def words(self) -> list[str]:
        return self.tokens + self.added


class QueryParser:
    """Parses queries against one library: its tokenizer, its vocabulary, and the annotation
    phrases its items carry that no concept covers (matched as strings)."""

    def __init__(self, tokenizer: Tokenizer, vocabulary: Vocabulary, concepts: ItemConcepts,
                 items: list[Item]) -> None:
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.phrases = self._phrase_index(concepts, items)

    def _phrase_index(self, concepts: ItemConcepts, items: list[Item]) -> dict[str, tuple[frozenset[str], np.ndarray]]:
        """Each annotation phrase no concept covers -> its tokens and the rows that carry it."""
        rows: dict[str, list[int]] = {}
        for row, item in enumerate(items):
            for phrase in concepts.unmapped_phrases(item):
                rows.setdefault(phrase, []).append(row)
        return {p: (frozenset(self.tokenizer(p)), np.array(r)) for p, r in rows.items()}

    def parse(self, query: str) -> ParsedQuery:
        """The query's tokens, the concepts it names (any synonym, Chinese or English), and the
        tokens of the canonical labels of the concepts its non-Chinese words name.

        Only those are added to BM25: English words need Chinese ones to match Chinese text, while
        a Chinese synonym's concept is matched through the annotations (adding its label to BM25
        as well cost a dev query its first place: 单位统一套餐 named the product 优惠套餐).
        """
        tokens = self.tokenizer(query)
        concepts = named_in(self.vocabulary, query)
        have = set(tokens)
        foreign = named_in(self.vocabulary, _CJK_RUN.sub(" | ", query)) if concepts else []
        added = [t for t in dict.fromkeys(self.tokenizer(" ".join(canonical_terms(foreign)))) if t not in have]
        return ParsedQuery(query, tokens, concepts, added, self.matched_phrases(query, have))

    def matched_phrases(self, query: str, tokens: set[str]) -> list[str]:
        """Annotation phrases outside the vocabulary that the query names, whole or by all their words."""
        return [p for p, (words, _) in self.phrases.items() if p in query or (words and words <= tokens)]
