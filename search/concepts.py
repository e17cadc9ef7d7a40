"""The vocabulary on the engine side: which concepts a text names and which concepts each item carries.

Queries and CRM fields are mapped onto concepts of the library's vocabulary (`playbook/vocabulary.yaml`)
with its synonyms, Chinese and English, so 要求消号, 申请销户 and "wants to cancel the line" are one
concept. Items carry concepts through their annotations (a situation's or product's label, a tag's
id; a synonym written in an item still counts). Matching is then by concept, and the canonical
Chinese labels of the concepts a query names are added to its BM25 query, which gives an English
query Chinese words to match.

A library without a vocabulary file gets an empty vocabulary: nothing is normalised, and the engine
falls back to matching annotation phrases as strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from casebook.model import Item
from casebook.vocabulary import Concept, Kind, Vocabulary, term_key

ConceptKey = tuple[str, str]  # (kind, id): ids are unique per kind
PART_OF_TERM = 3  # Chinese characters a field value needs before it may match as part of a longer term
MAX_PARTIAL = 2  # a value that is part of the terms of more concepts than this says too little
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass(frozen=True)
class ConceptRef:
    """A concept as `why` names it: its id and canonical label."""

    id: str
    label: str
    kind: str
    label_en: str


def key(concept: Concept) -> ConceptKey:
    return (concept.kind, concept.id)


def ref(concept: Concept) -> ConceptRef:
    return ConceptRef(id=concept.id, label=concept.label, kind=concept.kind, label_en=concept.label_en)


class ItemConcepts:
    """The concepts each item's annotations name, and the rows of the items that carry each concept."""

    def __init__(self, vocabulary: Vocabulary, items: list[Item]) -> None:
        self.vocabulary = vocabulary
        self.of_row: list[dict[ConceptKey, str]] = [self._annotated(item) for item in items]
        rows: dict[ConceptKey, list[int]] = {}
        for row, found in enumerate(self.of_row):
            for concept_key in found:
                rows.setdefault(concept_key, []).append(row)
        self.rows = {k: np.array(r, dtype=np.int64) for k, r in rows.items()}

    def _annotated(self, item: Item) -> dict[ConceptKey, str]:
        """Concept -> the term the item writes for it (what `why.matched_annotations` shows)."""
        found: dict[ConceptKey, str] = {}
        for kind, terms in (("situation", item.situations), ("product", item.products), ("tag", item.tags)):
            for term in terms:
                concept = self.vocabulary.lookup(term, kind)
                if concept is not None:
                    found.setdefault(key(concept), term)
        return found

    def unmapped_phrases(self, item: Item) -> list[str]:
        """The item's annotation phrases no concept covers; these are still matched as strings."""
        out = []
        for kind, terms in (("situation", item.situations), ("product", item.products), ("tag", item.tag_words)):
            out += [t for t in terms if self.vocabulary.lookup(t, kind) is None]
        return out


class ValueMatcher:
    """A CRM field value (an event, a product) -> the concepts it means.

    In order: the value is a term of a concept (any synonym, case and width ignored); the value
    names concepts (`find_in_text`); a Chinese value of three characters or more is part of the
    terms of one or two concepts (对手抢客户 is part of 竞争对手抢客户): a CRM's short form of a
    phrase the vocabulary has in full.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    @cached_property
    def _terms(self) -> dict[Kind, list[tuple[str, Concept]]]:
        out: dict[Kind, list[tuple[str, Concept]]] = {}
        for concept in self.vocabulary:
            out.setdefault(concept.kind, []).extend((term_key(t), concept) for t in concept.terms)
        return out

    def concepts(self, value: str, kinds: tuple[Kind, ...]) -> list[Concept]:
        if not len(self.vocabulary) or not value.strip():
            return []
        for kind in kinds:
            whole = self.vocabulary.lookup(value, kind)
            if whole is not None:
                return [whole]
        found = self.vocabulary.find_in_text(value, kinds)
        if found:
            return found
        return self._part_of_terms(term_key(value), kinds)

    def _part_of_terms(self, value: str, kinds: tuple[Kind, ...]) -> list[Concept]:
        if len(value) < PART_OF_TERM or not _CJK_ONLY.match(value):
            return []
        found = {c.id: c for kind in kinds for term, c in self._terms.get(kind, []) if value in term}
        return list(found.values()) if len(found) <= MAX_PARTIAL else []


def named_in(vocabulary: Vocabulary, text: str, kinds: Iterable[Kind] | None = None) -> list[Concept]:
    """The concepts a text names (longest words first), or none when the library has no vocabulary."""
    if not len(vocabulary) or not text.strip():
        return []
    return vocabulary.find_in_text(text, kinds)


def canonical_terms(concepts: Iterable[Concept]) -> list[str]:
    """The canonical Chinese labels of the concepts, for the BM25 query (each once)."""
    return list(dict.fromkeys(c.label for c in concepts if c.label))


def chinese_terms(concepts: Iterable[Concept]) -> list[str]:
    """Every Chinese way to say the concepts (labels and synonyms): the words a snippet marks, so an
    English query or a synonym finds the source's own word (销号 marks 消号)."""
    return list(dict.fromkeys(t for c in concepts for t in (c.label, *c.synonyms)
                              if len(t) > 1 and _CJK_ONLY.match(t)))


def resolve(vocabulary: Vocabulary, values: Iterable[str], kind: Kind) -> list[Concept]:
    """Filter values (a concept id, label or synonym) -> concepts; an unknown value is an
    UnknownConcept (a BadQuery, 422 over HTTP) that names the closest concepts."""
    return [vocabulary.resolve(value, kind) for value in values]
