"""How close each vocabulary concept is to a text in the engine's strongest encoder's space.

A concept is embedded as what a person would write about it: its Chinese label and up to
SYNONYMS of its Chinese synonyms ("出租屋：出租房、租户搬走、…"). A text's closeness to each concept
is returned as a z-score over all concepts of the kind, so a caller can add "stands out from the
average concept" as evidence without knowing the encoder's cosine scale. This finds a situation a
text describes without using any of its words (本地通话费平均值…降 for 本地话费下降).

Vectors come from the engine's query cache: the text's vector is the one the engine's own search
of the same text has just computed, and the concepts' are encoded once per cache.
"""

from __future__ import annotations

import numpy as np

from casebook.search.engine import Engine
from casebook.search.tokenize import has_chinese
from casebook.vocabulary import Concept, Kind, Vocabulary

SYNONYMS = 8


def concept_text(concept: Concept) -> str:
    """The words a concept is embedded as: its label and its first Chinese synonyms."""
    chinese = [term for term in concept.synonyms if has_chinese(term)][:SYNONYMS]
    return f"{concept.label}：{'、'.join(chinese)}" if chinese else concept.label


class ConceptCloseness:
    """Z-scored closeness of a text to every concept of a kind (empty when the engine has no encoder)."""

    def __init__(self, engine: Engine, vocabulary: Vocabulary) -> None:
        self.engine = engine
        self.vocabulary = vocabulary
        self.encoder = engine.encoders[engine.strongest] if engine.strongest else None
        self._concepts: dict[Kind, tuple[list[Concept], np.ndarray]] = {}  # per kind, built on first use

    def _embedded(self, kind: Kind) -> tuple[list[Concept], np.ndarray]:
        """The concepts of a kind and their vectors, one row each (encoded in one batch, once)."""
        if kind not in self._concepts:
            concepts = self.vocabulary.of_kind(kind)
            texts = [concept_text(concept) for concept in concepts]
            self._concepts[kind] = (concepts, self.engine.cache.rows(self.encoder, texts))
        return self._concepts[kind]

    def closeness(self, text: str, kind: Kind) -> dict[str, float]:
        """Concept (as items write it) -> how many standard deviations closer than the average concept."""
        if self.encoder is None or not text.strip():
            return {}
        concepts, matrix = self._embedded(kind)
        if len(concepts) < 2:
            return {}
        z = standing_out(matrix, self.engine.cache.get(self.encoder, text))
        return {} if z is None else {concept.canonical: float(score) for concept, score in zip(concepts, z)}


def standing_out(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray | None:
    """How many standard deviations closer to `vector` each row of `matrix` stands than the average
    row (cosines of normalised vectors, z-scored); None when the rows cannot be told apart."""
    cosines = matrix @ vector
    spread = float(cosines.std())
    if spread < 1e-9:
        return None
    return (cosines - cosines.mean()) / spread
