"""Which type of item (case, theory, script) a text reads like.

Several lines of the form `speaker：words` make a script. Otherwise the text's vector (the strongest
encoder's, as the engine's search of the text computed it) goes to the nearest type centroid: the
mean over the library's items of that type of each item's mean body-passage vector, so long items
do not outweigh short ones. The nearest items' types are no guide: a case's nearest items are
often the theories it illustrates (leave-one-out on the library: nearest-items vote 0.59 right,
centroids 0.86; docs/INTAKE.md). At most SAMPLE items per type are read, so a large library costs the same.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from casebook.search.chunk import ANNOTATION_PASSAGES
from casebook.search.engine import Engine

SAMPLE = 300  # items per type whose passages make its centroid
PASSAGES = 4  # body passages per item read (the first ones: where a case tells its story)
DIALOGUE_LINES = 4
_DIALOGUE = re.compile(r"^(?:[-*]\s*)?(?:\*\*)?[\u4e00-\u9fff]{1,6}(?:\*\*)?[：:]", re.M)


def reads_as_dialogue(text: str) -> bool:
    """Words to say: several lines that start with a short speaker name and a colon."""
    return len(_DIALOGUE.findall(text)) >= DIALOGUE_LINES


class TypeCentroids:
    """Per-type centroids of the library's items in the engine's strongest encoder's space."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = engine.strongest
        self.item_means: dict[str, np.ndarray] = {}
        self.types: dict[str, list[str]] = defaultdict(list)
        if self.name is not None:
            self._read_items()

    def _read_items(self) -> None:
        body: dict[int, list[int]] = defaultdict(list)
        seen: dict[int, int] = defaultdict(int)
        for position, row in enumerate(self.engine.passage_rows.tolist()):
            if seen[row] >= ANNOTATION_PASSAGES and len(body[row]) < PASSAGES:
                body[row].append(position)
            seen[row] += 1
        chosen = []
        for row, item in enumerate(self.engine.items):
            if body.get(row) and len(self.types[item.type]) < SAMPLE:
                self.types[item.type].append(item.id)
                chosen.append((item.id, body[row]))
        if not chosen:
            return
        vectors = self.engine.vectors[self.name].vectors_at(np.array([p for _, rows in chosen for p in rows]))
        start = 0
        for item_id, rows in chosen:
            mean = vectors[start:start + len(rows)].mean(axis=0)
            self.item_means[item_id] = mean / max(float(np.linalg.norm(mean)), 1e-12)
            start += len(rows)

    def nearest(self, text: str, exclude: frozenset[str] = frozenset()) -> str | None:
        """The type whose centroid is closest to the text (None without an encoder or items)."""
        if not self.item_means:
            return None
        vector = self.engine.cache.get(self.engine.encoders[self.name], text)
        best, best_score = None, -np.inf
        for item_type, ids in self.types.items():
            kept = [self.item_means[i] for i in ids if i not in exclude]
            if not kept:
                continue
            centroid = np.mean(kept, axis=0)
            score = float(vector @ centroid) / max(float(np.linalg.norm(centroid)), 1e-12)
            if score > best_score:
                best, best_score = item_type, score
        return best

    def type_of(self, text: str, query: str, exclude: frozenset[str] = frozenset()) -> str:
        """`text` is the whole draft (dialogue is looked for in all of it); `query` its searched part."""
        if reads_as_dialogue(text):
            return "script"
        return self.nearest(query, exclude) or "case"
