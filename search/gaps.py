"""Gaps in the library: the questions it answered badly, grouped by meaning.

Questions are embedded with the engine's own encoders and grouped by agglomerative clustering
(average linkage over cosine distance, cut at a fixed distance), so a group holds questions that
are, on average, close to each other. Each group is labelled by its medoid: the question most
similar to the rest, weighted by how often each was asked.

USE is the encoder of choice here: on hand-labelled questions (`scripts/gap_clusters.py`, Chinese
and English) it groups them with a pairwise F1 of 0.97 at distance 0.6 on the 29 questions the
distance was chosen on, and 0.85 once 13 telecom questions added afterwards are included, where
e5's cosines (all 0.8-0.9) separate nothing at any cut. Phrasings of one need in two languages
are the usual miss: they may land in two groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from casebook.search.engine import Engine

ENCODER = "use"  # the encoder questions are grouped with, when the engine has it
DISTANCE = 0.6  # average cosine distance at which two groups stay apart (similarity below 0.4)
MAX_QUESTIONS = 2000  # distinct questions clustered at most (the most asked); bounds time and memory


@dataclass
class QuestionGroup:
    """Questions close in meaning: indexes into the input, the medoid first."""

    members: list[int]
    medoid: int


def embed_questions(engine: Engine, questions: list[str]) -> np.ndarray | None:
    """Unit vectors of the questions from the grouping encoder (None when the engine has no encoder).
    Without USE, the first encoder's vectors are centred on their mean first, since e5-like models
    give every pair of texts a high cosine."""
    if not questions or not engine.encoders:
        return None
    name = ENCODER if ENCODER in engine.encoders else next(iter(engine.encoders))
    vectors = engine.encoders[name].encode_queries(questions).astype(np.float64)  # one batch: ~5x faster
    if name != ENCODER and len(questions) > 2:
        vectors = vectors - vectors.mean(axis=0)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def group_questions(vectors: np.ndarray | None, weights: list[int], distance: float = DISTANCE) -> list[QuestionGroup]:
    """Agglomerative groups of the questions (each alone when there are no vectors), largest first
    by total weight."""
    count = len(weights)
    if vectors is None or count < 2:
        labels = np.arange(count)
    else:
        from scipy.cluster.hierarchy import fcluster, linkage

        tree = linkage(vectors, method="average", metric="cosine")
        labels = fcluster(tree, t=distance, criterion="distance")
    weight = np.asarray(weights, dtype=np.float64)
    groups = []
    for label in dict.fromkeys(labels.tolist()):
        members = [int(i) for i in np.flatnonzero(labels == label)]
        groups.append(QuestionGroup(members=_medoid_first(vectors, weight, members), medoid=0))
    for group in groups:
        group.medoid = group.members[0]
    return sorted(groups, key=lambda g: (-weight[g.members].sum(), g.medoid))


def _medoid_first(vectors: np.ndarray | None, weight: np.ndarray, members: list[int]) -> list[int]:
    """Members ordered by how typical they are: weighted mean similarity to the group, then how often asked."""
    if vectors is None or len(members) == 1:
        return sorted(members, key=lambda i: -weight[i])
    sub = vectors[members]
    typical = (sub @ sub.T) @ weight[members]
    order = np.lexsort((-weight[members], -typical))
    return [members[i] for i in order]
