"""Suggested annotations for a draft: from the vocabulary found in its text, from its nearest items
in the library (the search engine's hybrid ranking of the draft's own text), and for situations
from how close each concept's words are to the text in the encoder's space.

Every value is ranked by evidence, measured by leave-one-out over the curated items
(`suggest_eval.py`, README): what the draft's own words name outranks what its neighbours carry,
because a concept, product, segment, channel or theory the text names was curated on that item far
more often (situations 76%, theory names 81%) than one a neighbour carries. So a value the text
names gets TEXT_WEIGHT, several times the nearest neighbour's weight (1); each neighbour adds its
weight relative to the nearest; a situation adds how far its concept's words stand above the
average concept in closeness to the text (z-score, SEMANTIC_WEIGHT); theory links count theory
items near the draft fully and theories that near items link at LINK_WEIGHT. Nothing here writes
or prints; the core marks every value for review.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from casebook.importers.drafts import Draft, prose
from casebook.importers.terms import CHANNEL_WORDS, SEGMENT_WORDS, normalise, vocabulary_of, words_found
from casebook.model import KINDS, Item
from casebook.search.closeness import ConceptCloseness
from casebook.search.engine import WEIGHTS, Engine
from casebook.search.fusion import fuse
from casebook.search.imported_theories import ImportedTheories
from casebook.search.item_types import TypeCentroids

QUERY_CHARS = 500  # the draft's title and first sentences: about one e5 window of Chinese text
NEIGHBOURS = 8
# How many values of each field go into a draft's front matter (the eval ranks deeper).
WRITE = {"situations": 5, "products": 3, "segments": 2, "channels": 2, "tags": 6, "theories": 3, "scripts": 1}
KEEP_SHARE = 0.25  # a value is written only with at least this share of the best value's score
NEAR_THEORIES = 5  # theory items nearest to the draft that count as links
TEXT_WEIGHT = 4.0  # a value the text names, in units of the nearest neighbour's weight
LINK_WEIGHT = 0.5  # a theory a near item links, against a theory item that is itself near
SEMANTIC_WEIGHT = 1.0  # per standard deviation a situation's words stand closer to the text than average
IMPORTED_WEIGHT = 2.0  # per standard deviation a theory draft of the same import stands closer than average
KIND_OF_FIELD = {"situations": "situation", "products": "product", "tags": "tag"}
FIELD_OF_KIND = {kind: name for name, kind in KIND_OF_FIELD.items()}
_NAME_SUFFIX = re.compile(r"(营销|理论|法则|定律|模型|策略|管理|计划|原理|沟通|分析|步|细分|销售|挽留|服务)$")
SHORT_TITLE = 8  # characters
_TITLE_PUNCTUATION = re.compile(r"[：:（）()，,、]")
_NAME_SPLIT = re.compile(r"[：:（）()“”\"、,，—\-─·/与和及]+")


@dataclass
class Ranked:
    """Every candidate value of every field, best first, with its score (for writing and measuring)."""

    fields: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    type: str = "case"
    kind: str = "story"
    neighbours: list[tuple[str, float]] = field(default_factory=list)

    def values(self, name: str, k: int | None = None) -> list[str]:
        return [value for value, _ in self.fields.get(name, [])][:k]


def draft_text(title: str, body: str) -> str:
    """What a draft is read as: its title and its running text (no tables, headings or figure lines)."""
    return f"{title}\n" + "\n".join(prose(body))


def theory_names(title: str) -> list[str]:
    """Names a text would use for a theory: parts of its title that end like a name (…营销, …法则,
    …模型), are Latin acronyms (AIDAS, CRM, SWOT) or stand in quotes (“价格旋涡”), and a short
    title that is a name on its own (流动客户经理)."""
    names = re.findall(r"[“\"]([^”\"]{2,12})[”\"]", title)
    if len(title) <= SHORT_TITLE and not _TITLE_PUNCTUATION.search(title):
        names.append(title.strip())
    for part in _NAME_SPLIT.split(title):
        part = part.strip("“”\" ")
        suffix = _NAME_SUFFIX.search(part)  # with two characters before it at least (not the 2理论 of 8—2理论)
        if re.fullmatch(r"[A-Z]{3,}", part) or (len(part) <= 12 and suffix is not None and suffix.start() >= 2):
            names.append(part)
        names += re.findall(r"[A-Z]{3,}", part) if not re.fullmatch(r"[A-Z]{3,}", part) else []
    return list(dict.fromkeys(names))


class Suggester:
    """Suggests front matter for drafts from a library's engine; `exclude` hides items (leave-one-out)."""

    def __init__(self, engine: Engine, exclude: frozenset[str] = frozenset(),
                 types: TypeCentroids | None = None) -> None:
        self.engine = engine
        self.types = types or TypeCentroids(engine)  # reusable: it reads the index once
        self.exclude = exclude
        self.vocabulary = vocabulary_of(engine.library)
        self.theories = [item for item in engine.items if item.type == "theory" and item.id not in exclude]
        self.names = {item.id: theory_names(item.title) for item in self.theories}
        self.semantic = ConceptCloseness(engine, self.vocabulary)
        self._imported: tuple[tuple[str, ...], ImportedTheories] | None = None

    def __call__(self, draft: Draft, imported: Mapping[str, Draft] | None = None) -> dict[str, Any]:
        """Front matter for a draft; `imported` (id -> draft) are theory drafts of the same import,
        which the draft may link like the library's theories."""
        ranked = self.rank(draft, imported)
        out: dict[str, Any] = {"type": ranked.type, "kind": ranked.kind, "outcome": "unknown"}
        for name, k in WRITE.items():
            scored = ranked.fields.get(name, [])
            best = scored[0][1] if scored else 0.0
            out[name] = [value for value, score in scored[:k] if score > 0 and score >= KEEP_SHARE * best]
        return out

    def canonical(self, name: str, value: str) -> str:
        """A situation, product or tag as the vocabulary writes it (label, or a tag's id)."""
        kind = KIND_OF_FIELD.get(name)
        concept = self.vocabulary.lookup(value, kind) if kind else None
        return concept.canonical if concept else value

    # --- ranking -------------------------------------------------------------------------

    def neighbours(self, text: str) -> list[tuple[Item, float]]:
        """The items nearest to a text, best first, with weights relative to the nearest (1.0): the
        fused score above the median item's, so the far half of the library weighs nothing."""
        signals, _ = self.engine.signals(text)
        fused = fuse(signals, WEIGHTS)
        rows = [row for row in np.argsort(-fused) if self.engine.items[row].id not in self.exclude]
        floor = float(np.median(fused))
        above = [max(float(fused[row]) - floor, 0.0) for row in rows]
        top = above[0] if above and above[0] > 0 else 1.0
        return [(self.engine.items[row], weight / top) for row, weight in zip(rows, above)]

    def rank(self, draft: Draft, imported: Mapping[str, Draft] | None = None) -> Ranked:
        text = draft_text(draft.title, draft.body)
        query = text[:QUERY_CHARS]
        ordered = self.neighbours(query)
        near = ordered[:NEIGHBOURS]
        scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for item, weight in near:
            for name in ("situations", "products", "segments", "channels", "tags", "scripts"):
                # dict, not set: ties keep the neighbours' order in every process (string hashes vary)
                for value in dict.fromkeys(self.canonical(name, value) for value in getattr(item, name)):
                    if value in self.exclude:
                        continue
                    scores[name][value] += weight
        for concept in self.vocabulary.find_in_text(text, kinds=["situation", "product", "tag"]):
            scores[FIELD_OF_KIND[concept.kind]][concept.canonical] += TEXT_WEIGHT
        for name, table in (("segments", SEGMENT_WORDS), ("channels", CHANNEL_WORDS)):
            for rank, value in enumerate(words_found(text, table)):
                scores[name][value] += TEXT_WEIGHT / (rank + 1)
        for label, closeness in self.semantic.closeness(query, "situation").items():
            scores["situations"][label] += SEMANTIC_WEIGHT * max(closeness, 0.0)
        self._theories(text, ordered, scores["theories"])
        if imported:
            self._imported_theories(text, query, imported, scores["theories"])
        item_type, kind = self._type_and_kind(text, query, near)
        return Ranked(fields={name: sorted(values.items(), key=lambda pair: -pair[1])
                              for name, values in scores.items()},
                      type=item_type, kind=kind, neighbours=[(item.id, round(w, 3)) for item, w in near])

    def _theories(self, text: str, ordered: list[tuple[Item, float]], scores: dict[str, float]) -> None:
        """Theory links: theories the text names; theory items near the text; theories near items link."""
        for item, weight in [(item, weight) for item, weight in ordered if item.type == "theory"][:NEAR_THEORIES]:
            scores[item.id] += weight
        for item, weight in ordered[:NEIGHBOURS]:
            for theory_id in dict.fromkeys(item.theories):
                if theory_id not in self.exclude:
                    scores[theory_id] += LINK_WEIGHT * weight
        haystack = normalise(text)
        for theory_id, names in self.names.items():
            if any(normalise(name) in haystack for name in names):
                scores[theory_id] += TEXT_WEIGHT

    def _imported_theories(self, text: str, query: str, imported: Mapping[str, Draft],
                           scores: dict[str, float]) -> None:
        """Theory drafts of the same import: named in the text (as a library theory named is), and
        close to it against all theories (`imported_theories`)."""
        evidence = self._imported_evidence(imported)
        for theory_id in evidence.named(text):
            scores[theory_id] += TEXT_WEIGHT
        for theory_id, closeness in evidence.closeness(query).items():
            scores[theory_id] += IMPORTED_WEIGHT * max(closeness, 0.0)

    def _imported_evidence(self, imported: Mapping[str, Draft]) -> ImportedTheories:
        """One ImportedTheories per import: its drafts' names and vectors are read once for all its cases."""
        key = tuple(imported)
        if self._imported is None or self._imported[0] != key:
            self._imported = (key, ImportedTheories(
                self.engine, [f"{theory.title}\n{theory.summary}" for theory in self.theories],
                texts={i: draft_text(d.title, d.body)[:QUERY_CHARS] for i, d in imported.items()},
                names={i: theory_names(d.title) for i, d in imported.items()}))
        return self._imported[1]

    def _type_and_kind(self, text: str, query: str, near: list[tuple[Item, float]]) -> tuple[str, str]:
        """The type the text reads like (`item_types`); the kind its nearest same-type items have."""
        item_type = self.types.type_of(text, query, self.exclude)
        kinds: dict[str, float] = defaultdict(float)
        for item, weight in near:
            if item.type == item_type and item.kind:
                kinds[item.kind] += weight
        kind = max(kinds, key=kinds.get) if kinds else KINDS[item_type][0]
        return item_type, kind
