"""The search engine: load (or build) the index of a library and answer queries with ranked items."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import numpy as np

from casebook.errors import BadQuery
from casebook.loader import Library
from casebook.model import Item
from casebook.search import artifact, store
from casebook.search.chunk import ANNOTATION_PASSAGES, passages
from casebook.search.embed import Encoder, encoders_for
from casebook.search.fusion import fuse
from casebook.search.hits import Hit, SearchResponse, Why
from casebook.search.snippet import best_snippet, matched_terms
from casebook.search.tokenize import has_chinese
from casebook.settings import Settings

# Fusion weights, tuned on ../shared/eval/dev.jsonl and checked on an outside corpus (README).
WEIGHTS = {"bm25": 0.25, "use": 0.15, "e5": 0.60, "annotations": 0.05}
MAX_K = 100
MAX_QUERY_CHARS = 2000
DENSE_DEPTH = 256
MODES = ("hybrid", "bm25", "dense")  # passages fetched per encoder before aggregating to items


@dataclass
class Filters:
    """Restrict results by type and annotations; empty means no restriction."""

    types: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def allows(self, item: Item) -> bool:
        return ((not self.types or item.type in self.types)
                and (not self.segments or bool(set(self.segments) & set(item.segments)))
                and (not self.channels or bool(set(self.channels) & set(item.channels)))
                and (not self.tags or bool(set(self.tags) & set(item.tags))))


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

    def _put(self, encoder: Encoder, texts: list[str], vectors: list[np.ndarray]) -> None:
        with self._lock:
            for text, vector in zip(texts, vectors):
                self._data[(encoder.name, text)] = vector
            while len(self._data) > self.size:
                self._data.popitem(last=False)


class Engine:
    """Everything a query needs, loaded once and shared read-only."""

    def __init__(self, items: list[Item], index: store.StoredIndex, encoders: dict[str, Encoder],
                 settings: Settings, library: Library | None = None,
                 passage_texts: dict[str, list[str]] | None = None, cache: QueryCache | None = None) -> None:
        self.library = library or Library(root=settings.library, items=items)
        self.settings = settings
        self.items = items
        self.row_of = {item.id: row for row, item in enumerate(items)}
        self.bm25 = index.bm25
        self.vectors = index.vectors
        self.encoders = encoders
        self.passage_rows = np.array([self.row_of[i] for i in index.passage_items], dtype=np.int64)
        self.passages = passage_texts or {
            item.id: [p.text for p in passages(item)[ANNOTATION_PASSAGES:]] for item in items}
        self.tokenizer = index.tokenizer
        self.cache = cache or QueryCache(settings.query_cache_size)
        self.version = index.version  # the index folder it was loaded from
        self.phrases = self._phrase_index(items)
        self.prior = None  # feedback as a ranking prior (`prior.py`), when the setting turns it on

    @classmethod
    def open(cls, settings: Settings, progress: bool = False, build: bool = True,
             encoders: list[tuple[str, Encoder]] | None = None, cache: QueryCache | None = None) -> Engine:
        """Load the index of `settings.library`, building it first when it is missing or stale.

        An artifact (`casebook index --out`) or an index this process may not write is loaded as it
        is: never built, no build lock taken, nothing written. A reload passes the `encoders` and
        query `cache` of the engine it replaces: models are loaded once per process, and query
        vectors do not depend on the index.
        """
        encoders = encoders if encoders is not None else encoders_for(settings)
        if artifact.is_read_only(settings.index_path):
            library, index = artifact.open_read_only(settings.index_path, settings.library,
                                                     [spec for spec, _ in encoders])
        else:
            library, index = store.open_fresh(settings.library, settings.index_path, encoders,
                                              build_missing=build, progress=progress)
        items = [library.get(entry["id"]) for entry in index.manifest["items"]]
        engine = cls(items, index, {e.name: e for _, e in encoders}, settings, library=library, cache=cache)
        if settings.feedback_prior:
            from casebook.events import EventStore
            from casebook.search.prior import LivePrior

            engine.prior = LivePrior(engine, EventStore(settings.events_file), settings.events_retention_days)
        return engine

    def _phrase_index(self, items: list[Item]) -> dict[str, tuple[frozenset[str], np.ndarray]]:
        """Each annotation phrase (situation, product, tag) -> its tokens and the rows that carry it."""
        rows: dict[str, list[int]] = {}
        for row, item in enumerate(items):
            for phrase in annotation_phrases(item):
                rows.setdefault(phrase, []).append(row)
        return {p: (frozenset(self.tokenizer(p)), np.array(r)) for p, r in rows.items()}

    # --- signals -------------------------------------------------------------------------

    def _dense(self, name: str, query: str) -> np.ndarray:
        """Best passage cosine of each item for one encoder (items not reached take the floor)."""
        vector = self.cache.get(self.encoders[name], query)
        scores, rows = self.vectors[name].search(vector, DENSE_DEPTH)
        out = np.full(len(self.items), float(scores.min()) if len(scores) else 0.0)
        best = np.full(len(self.items), -np.inf)
        np.maximum.at(best, self.passage_rows[rows], scores)
        reached = best > -np.inf
        out[reached] = best[reached]
        return out

    def matched_phrases(self, query: str, tokens: set[str]) -> list[str]:
        """Annotation phrases the query names, whole or by all of their words."""
        return [p for p, (words, _) in self.phrases.items() if p in query or (words and words <= tokens)]

    def _annotations(self, matched: list[str]) -> np.ndarray:
        """How many of the matched annotation phrases each item carries."""
        counts = np.zeros(len(self.items))
        for phrase in matched:
            counts[self.phrases[phrase][1]] += 1
        return counts

    def signals(self, query: str, mode: str = "hybrid") -> tuple[dict[str, np.ndarray], list[str], list[str]]:
        """Every signal's score for every item, the query tokens, and the annotation phrases matched.

        `mode` is `hybrid` (all signals), `bm25` (lexical only) or `dense` (encoders only).
        """
        if mode not in MODES:
            raise BadQuery(f"mode must be one of {', '.join(MODES)}")
        tokens = self.tokenizer(query)
        signals: dict[str, np.ndarray] = {}
        # BM25 over Chinese text is close to useless for queries with no Chinese (FINDINGS.md).
        if mode == "bm25" or (mode == "hybrid" and has_chinese(query)):
            signals["bm25"] = self.bm25.scores(tokens)
        if mode != "bm25":
            for name in self.encoders:
                signals[name] = self._dense(name, query)
        matched = self.matched_phrases(query, set(tokens))
        if mode == "hybrid":
            signals["annotations"] = self._annotations(matched)
        return signals, tokens, matched

    # --- ranking -------------------------------------------------------------------------

    def search(self, query: str, k: int = 10, filters: Filters | None = None,
               mode: str = "hybrid", snippets: bool = True) -> SearchResponse:
        """The k best items for a query, with snippets, the why, and a low-confidence flag."""
        query = (query or "").strip()
        if not query:
            raise BadQuery("the query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise BadQuery(f"the query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}")
        if not 1 <= k <= MAX_K:
            raise BadQuery(f"k must be between 1 and {MAX_K}")
        signals, tokens, matched = self.signals(query, mode)
        fused = fuse(signals, WEIGHTS)
        boost = self.prior.boost(query) if self.prior is not None and mode == "hybrid" else None
        if boost is not None:
            fused = fused + boost
        return SearchResponse(query=query, low_confidence=self.low_confidence(signals),
                              results=self._hits(fused, signals, tokens, matched, k, filters or Filters(), snippets))

    def low_confidence(self, signals: dict[str, np.ndarray]) -> bool:
        """True when no item is close enough to the query to be worth showing."""
        from casebook.search.confidence import is_low

        return is_low({name: float(values.max()) for name, values in signals.items() if len(values)})

    def _hits(self, fused: np.ndarray, signals: dict[str, np.ndarray], tokens: list[str],
              matched: list[str], k: int, filters: Filters, snippets: bool = True) -> list[Hit]:
        hits = []
        for row in top_rows(fused, filters, self.items, k):
            item = self.items[row]
            mine = set(annotation_phrases(item))
            why = Why(
                signals={name: {"rank": int((values > values[row]).sum()) + 1,
                                "score": round(float(values[row]), 4)}
                         for name, values in signals.items() if name != "annotations"},
                matched_terms=matched_terms(tokens, item),
                matched_annotations=[p for p in matched if p in mine],
            )
            hits.append(Hit(id=item.id, type=item.type, title=item.title, title_en=item.title_en,
                            summary=item.summary, summary_en=item.summary_en, score=round(float(fused[row]), 4),
                            path=item.path, why=why,
                            snippet=best_snippet(self.passages[item.id], tokens) if snippets else ""))
        return hits


def annotation_phrases(item: Item) -> list[str]:
    return item.situations + item.products + item.tag_words


def top_rows(scores: np.ndarray, filters: Filters, items: list[Item], k: int) -> list[int]:
    """The k best rows that pass the filters; partial sorting keeps this cheap for large libraries."""
    depth = k
    while True:
        depth = min(len(scores), max(depth * 4, 64))
        head = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
        head = head[np.argsort(-scores[head], kind="stable")]
        picked = [int(r) for r in head if filters.allows(items[r])][:k]
        if len(picked) == k or depth == len(scores):
            return picked
