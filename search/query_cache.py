"""The query-vector cache: a repeated question is encoded once per encoder, across index reloads."""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import numpy as np

from casebook.search.embed import Encoder


class QueryCache:
    """A bounded LRU of query vectors, so a repeated situation is encoded once (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = Lock()

    def get(self, encoder: Encoder, text: str) -> np.ndarray:
        key = (encoder.name, text)
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        vector = encoder.encode_queries([text])[0]
        self._put(encoder, [text], [vector])
        return vector

    def prefetch(self, encoder: Encoder, texts: list[str]) -> None:
        """Encode the texts not cached yet in one batch (several times faster than one by one)."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if (encoder.name, t) not in self._data))
        if missing:
            self._put(encoder, missing, list(encoder.encode_queries(missing)))

    def rows(self, encoder: Encoder, texts: list[str]) -> np.ndarray:
        """The texts' vectors, one row each (those not cached encoded in one batch); (0, 0) for none."""
        self.prefetch(encoder, texts)
        return np.vstack([self.get(encoder, text) for text in texts]) if texts else np.zeros((0, 0))

    def _put(self, encoder: Encoder, texts: list[str], vectors: list[np.ndarray]) -> None:
        with self._lock:
            for text, vector in zip(texts, vectors):
                self._data[(encoder.name, text)] = vector
            while len(self._data) > self.size:
                self._data.popitem(last=False)
