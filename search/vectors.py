"""Vector indexes in FAISS, chosen by size: exact for small libraries, IVF for large ones.

IVF was chosen over HNSW for large libraries because it builds in seconds rather than minutes
on two cores at 300k vectors, while a query still scans only a few thousand vectors.
"""

from __future__ import annotations

from pathlib import Path
from threading import Lock

import faiss
import numpy as np

EXACT_LIMIT = 20_000  # passages; above this an exact scan costs more memory bandwidth than a query should


class VectorIndex:
    """Inner-product (cosine, on normalised vectors) search over passage vectors."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        self._lock = Lock()

    @classmethod
    def build(cls, vectors: np.ndarray) -> VectorIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        if len(vectors) <= EXACT_LIMIT:
            index = faiss.IndexFlatIP(dim)
        else:
            lists = int(2 * np.sqrt(len(vectors)))
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
            index.referenced_objects = [quantizer]  # the IVF index must not outlive its quantizer
            sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), lists * 40),
                                                             replace=False)]
            index.train(sample)
            index.nprobe = max(8, lists // 32)
        index.add(vectors)
        return cls(index)

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(self.index, faiss.IndexIVFFlat) else "flat"

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, passage rows) of the k nearest passages to one query vector."""
        k = min(k, self.index.ntotal)
        scores, rows = self.index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep]

    def vectors_at(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of these passage rows (an IVF index gets its id map on first use)."""
        if isinstance(self.index, faiss.IndexIVFFlat):
            with self._lock:
                if self.index.direct_map.type == faiss.DirectMap.NoMap:
                    self.index.make_direct_map()
        return np.vstack([self.index.reconstruct(int(row)) for row in rows])

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        index = faiss.read_index(str(path))
        if isinstance(index, faiss.IndexIVFFlat):
            index.nprobe = max(8, index.nlist // 32)
        return cls(index)
