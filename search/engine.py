"""The search engine: load (or build) the index of a library and answer queries with ranked items."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

import numpy as np

from casebook.errors import BadQuery
from casebook.loader import Library
from casebook.model import Item
from casebook.search import artifact, store
from casebook.search.calibration import Calibration, QuerySignals, load_calibration
from casebook.search.chunk import ANNOTATION_PASSAGES, passages
from casebook.search.concepts import ItemConcepts, ValueMatcher, chinese_terms, key
from casebook.search.duplicates import choose
from casebook.search.embed import Encoder, encoders_for
from casebook.search.filters import Filters, row_test
from casebook.search.fusion import combine, zscored
from casebook.search.hits import Hit, SearchResponse, Why
from casebook.search.query import MAX_QUERY_CHARS, ParsedQuery, QueryParser, checked_query
from casebook.search.query_cache import QueryCache
from casebook.search.snippet import (
    ItemPassages,
    matched_terms,
    ranked_passages,
    render,
    snippet_words,
    words_pattern,
)
from casebook.search.tokenize import has_chinese
from casebook.settings import Settings

# Filters, MAX_QUERY_CHARS, ParsedQuery and QueryCache live in filters.py, query.py and query_cache.py;
# other code imports them from here too.
__all__ = ["MAX_K", "MAX_QUERY_CHARS", "WEIGHTS", "Engine", "Filters", "ParsedQuery", "QueryCache", "Ranking",
           "fusion_weights", "top_rows"]

# Fusion weights, tuned on ../shared/eval/dev.jsonl and checked on an outside corpus (docs/QUALITY.md).
WEIGHTS = {"bm25": 0.25, "use": 0.15, "e5": 0.60, "annotations": 0.2}
MAX_K = 100
DENSE_DEPTH = 256  # passages fetched per encoder before aggregating to items
MODES = ("hybrid", "bm25", "dense")
EXTRA_ROWS = 5  # results looked at beyond k, to fill the places of results that repeat a passage
PREPARED_ITEMS = 4096  # items whose passages are kept prepared for snippets and the duplicate check


@dataclass(frozen=True)
class Ranking:
    """One query scored against every item: what a search response and a recommendation are cut from."""

    query: str
    parsed: ParsedQuery
    scores: QuerySignals

    @property
    def fused(self) -> np.ndarray:
        return self.scores.fused


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
        self.strongest = next(reversed(encoders), None)  # the strongest encoder's name: listed last (e5)
        self.passage_rows = np.array([self.row_of[i] for i in index.passage_items], dtype=np.int64)
        self.passages = passage_texts or {
            item.id: [p.text for p in passages(item)[ANNOTATION_PASSAGES:]] for item in items}
        self.first_passage = self._first_passages(index.passage_items)
        self.tokenizer = index.tokenizer
        self.cache = cache or QueryCache(settings.query_cache_size)
        self.version = index.version  # the index folder it was loaded from
        self.vocabulary = self.library.vocabulary
        self.concepts = ItemConcepts(self.vocabulary, items)
        self.values = ValueMatcher(self.vocabulary)
        self.parser = QueryParser(self.tokenizer, self.vocabulary, self.concepts, items)
        self.prior = None  # feedback as a ranking prior (`prior.py`), when the setting turns it on
        self._lock = Lock()
        self._prepared: OrderedDict[str, ItemPassages] = OrderedDict()

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
        library = library.reviewed()  # what the index holds; drafts to review stay in `library.drafts`
        items = [library.get(entry["id"]) for entry in index.manifest["items"]]
        engine = cls(items, index, {e.name: e for _, e in encoders}, settings, library=library, cache=cache)
        if settings.feedback_prior:
            from casebook.events import EventStore
            from casebook.search.prior import LivePrior

            engine.prior = LivePrior(engine, EventStore(settings.events_file), settings.events_retention_days)
        return engine

    def _first_passages(self, passage_items: list[str]) -> np.ndarray:
        """Index row of each item's first body passage (after its annotation passages)."""
        first = np.full(len(self.items), -1, dtype=np.int64)
        for position in range(len(passage_items) - 1, -1, -1):
            first[self.passage_rows[position]] = position
        return first + ANNOTATION_PASSAGES

    # --- signals -------------------------------------------------------------------------

    def _dense(self, name: str, query: str, best_passage: dict[int, int] | None = None) -> np.ndarray:
        """Best passage cosine of each item for one encoder (items not reached take the floor).

        With `best_passage`, also records which body passage of each reached item scored best.
        """
        vector = self.cache.get(self.encoders[name], query)
        scores, rows = self.vectors[name].search(vector, DENSE_DEPTH)
        out = np.full(len(self.items), float(scores.min()) if len(scores) else 0.0)
        best = np.full(len(self.items), -np.inf)
        item_rows = self.passage_rows[rows]
        np.maximum.at(best, item_rows, scores)
        reached = best > -np.inf
        out[reached] = best[reached]
        if best_passage is not None:
            for row, passage in zip(item_rows.tolist(), rows.tolist()):  # best first: FAISS sorts
                local = passage - int(self.first_passage[row])
                if local >= 0:
                    best_passage.setdefault(row, local)
        return out

    def parse(self, query: str) -> ParsedQuery:
        """The query's tokens and the concepts and annotation phrases it names (query.py)."""
        return self.parser.parse(query)

    def matched_phrases(self, query: str, tokens: set[str]) -> list[str]:
        """Annotation phrases outside the vocabulary that the query names (query.py)."""
        return self.parser.matched_phrases(query, tokens)

    def _annotations(self, parsed: ParsedQuery) -> np.ndarray:
        """How many of the concepts (and outside-vocabulary phrases) the query names each item carries."""
        counts = np.zeros(len(self.items))
        for concept in parsed.concepts:
            rows = self.concepts.rows.get(key(concept))
            if rows is not None:
                counts[rows] += 1
        for phrase in parsed.phrases:
            counts[self.parser.phrases[phrase][1]] += 1
        return counts

    def signals(self, query: str, mode: str = "hybrid") -> tuple[dict[str, np.ndarray], ParsedQuery]:
        """Every signal's score for every item, and the parsed query.

        `mode` is `hybrid` (all signals), `bm25` (lexical only) or `dense` (encoders only).
        """
        if mode not in MODES:
            raise BadQuery(f"mode must be one of {', '.join(MODES)}")
        parsed = self.parse(query)
        signals: dict[str, np.ndarray] = {}
        # An English query's own words match the items' English titles, summaries and tags, and
        # the Chinese labels of the concepts it names match their Chinese text and annotations.
        if mode in ("bm25", "hybrid"):
            signals["bm25"] = self.bm25.scores(parsed.words)
        if mode != "bm25":
            for name in self.encoders:
                signals[name] = self._dense(name, query, parsed.best_passage if name == self.strongest else None)
        if mode == "hybrid":
            signals["annotations"] = self._annotations(parsed)
        return signals, parsed

    # --- ranking -------------------------------------------------------------------------

    def rank(self, query: str, mode: str = "hybrid") -> Ranking:
        """Every item scored for a query: each signal, its z-scores and the fused score."""
        query = checked_query(query)
        signals, parsed = self.signals(query, mode)
        z = zscored(signals)
        fused = combine(z, fusion_weights(signals))
        # Feedback as a ranking prior (prior.py; off unless CASEBOOK_FEEDBACK_PRIOR is set).
        boost = self.prior.boost(query) if self.prior is not None and mode == "hybrid" else None
        if boost is not None:
            fused = fused + boost
        scores = QuerySignals(signals=signals, z=z, fused=fused, chinese=has_chinese(query),
                              matched=len(parsed.concepts) + len(parsed.phrases))
        return Ranking(query=query, parsed=parsed, scores=scores)

    def search(self, query: str, k: int = 10, filters: Filters | None = None,
               mode: str = "hybrid", snippets: bool = True) -> SearchResponse:
        """The k best items for a query, with relevance, snippets, the why, and a low-confidence flag."""
        if not 1 <= k <= MAX_K:
            raise BadQuery(f"k must be between 1 and {MAX_K}")
        allowed = self.allowed(filters or Filters())  # an unknown concept fails before any encoding
        return self.respond(self.rank(query, mode), k, allowed, snippets)

    def respond(self, ranking: Ranking, k: int = 10, allowed: Filters | Callable[[int], bool] | None = None,
                snippets: bool = True) -> SearchResponse:
        """The k best items of a ranking that pass the filters; low confidence when none is relevant."""
        if not callable(allowed):
            allowed = self.allowed(allowed or Filters())
        hits = self._hits(ranking, k, allowed, snippets)
        relevance = [hit.relevance for hit in hits]
        return SearchResponse(query=ranking.query, low_confidence=self.calibration.is_low(relevance, ranking.scores.chinese),
                              results=hits)

    @cached_property
    def calibration(self) -> Calibration:
        return load_calibration()

    def relevance(self, ranking: Ranking, rows: list[int]) -> np.ndarray:
        """The calibrated probability that each item at `rows` is relevant to the ranked query."""
        return self.calibration.relevance(ranking.scores, np.asarray(rows, dtype=np.int64))

    def allowed(self, filters: Filters) -> Callable[[int], bool]:
        """The filters as a test of an item row (tags and situations by concept: filters.py)."""
        return row_test(filters, self.items, self.vocabulary, self.concepts)

    def listed(self, filters: Filters) -> list[Item]:
        """The library's items that pass the filters, in library order; a tag or situation is
        matched by concept, as in search (an unknown one is a BadQuery naming the closest)."""
        test = self.allowed(filters)
        passing = {self.items[row].id for row in range(len(self.items)) if test(row)}
        return [item for item in self.library.items if item.id in passing]

    def best_passages(self, query: str, item_id: str, n: int = 2) -> list[str]:
        """The n body passages of an item closest to the query, in reading order: by the cosine of
        the first dense encoder's vectors (e5 when present; the query vector is cached from the
        search), else by how many query words each holds."""
        texts = self.passages.get(item_id, [])
        if len(texts) <= n:
            return list(texts)
        rows = np.flatnonzero(self.passage_rows == self.row_of[item_id])[ANNOTATION_PASSAGES:]
        name = "e5" if "e5" in self.encoders else next(iter(self.encoders), None)
        if name is not None and len(rows) == len(texts):
            scores = self.vectors[name].vectors_at(rows) @ self.cache.get(self.encoders[name], query.strip())
        else:
            words = [t for t in self.tokenizer(query) if len(t) > 1]
            scores = np.array([sum(text.count(w) for w in words) for text in texts], dtype=np.float64)
        best = sorted(int(i) for i in np.argsort(-scores, kind="stable")[:n])
        return [texts[i] for i in best]

    def _hits(self, ranking: Ranking, k: int, allowed: Callable[[int], bool], snippets: bool = True) -> list[Hit]:
        parsed = ranking.parsed
        rows = top_rows(ranking.fused, allowed, k + EXTRA_ROWS if snippets else k)
        chance = dict(zip(rows, self.relevance(ranking, rows).tolist()))
        if not snippets:
            return [self._hit(row, ranking, chance[row], "") for row in rows]
        # Each result shows its best passage that no better result shows (duplicates.py); results
        # with nothing new to show go below those that have.
        words = snippet_words(parsed.words + chinese_terms(parsed.concepts))
        pattern = words_pattern(words)
        views = [self._item_passages(self.items[row].id) for row in rows]
        choices = choose(len(rows), lambda n: ranked_passages(views[n], pattern, parsed.best_passage.get(rows[n])),
                         lambda n: views[n].shingles, wanted=k)
        ranked = [n for n, c in enumerate(choices) if c.new] + [n for n, c in enumerate(choices) if not c.new]
        return [self._hit(rows[n], ranking, chance[rows[n]],
                          render(views[n].texts[choices[n].passage], words) if choices[n].passage is not None else "")
                for n in ranked[:k]]

    def _hit(self, row: int, ranking: Ranking, relevance: float, snippet: str) -> Hit:
        item, parsed, signals = self.items[row], ranking.parsed, ranking.scores.signals
        carried = self.concepts.of_row[row]
        mine = set(self.concepts.unmapped_phrases(item)) if parsed.phrases else set()
        why = Why(
            signals={name: {"rank": int((values > values[row]).sum()) + 1, "score": round(float(values[row]), 4)}
                     for name, values in signals.items() if name != "annotations"},
            matched_terms=matched_terms(parsed.words, item),
            matched_annotations=list(dict.fromkeys(
                [carried[key(c)] for c in parsed.concepts if key(c) in carried]
                + [p for p in parsed.phrases if p in mine])),
        )
        return Hit(id=item.id, type=item.type, title=item.title, title_en=item.title_en, summary=item.summary,
                   summary_en=item.summary_en, score=round(float(ranking.fused[row]), 4),
                   relevance=round(relevance, 4), path=item.path, why=why, snippet=snippet)

    def _item_passages(self, item_id: str) -> ItemPassages:
        """An item's passages prepared for snippets, kept for the items most recently shown (bounded)."""
        with self._lock:
            found = self._prepared.get(item_id)
            if found is None:
                found = self._prepared[item_id] = ItemPassages(self.passages[item_id])
                while len(self._prepared) > PREPARED_ITEMS:
                    self._prepared.popitem(last=False)
            return found


def fusion_weights(names) -> dict[str, float]:
    """WEIGHTS, and for a team's own `st:` model the weight of e5, the dense signal it stands beside
    or in for (untuned: without it an `st:` signal would be computed, shown in `why`, and ignored)."""
    return {**WEIGHTS, **{name: WEIGHTS["e5"] for name in names if name.startswith("st:")}}


def top_rows(scores: np.ndarray, allowed: Callable[[int], bool], k: int) -> list[int]:
    """The k best rows that pass the filters; partial sorting keeps this cheap for large libraries."""
    depth = k
    while True:
        depth = min(len(scores), max(depth * 4, 64))
        head = np.argpartition(-scores, depth - 1)[:depth] if depth < len(scores) else np.arange(len(scores))
        head = head[np.argsort(-scores[head], kind="stable")]
        picked = [int(r) for r in head if allowed(int(r))][:k]
        if len(picked) == k or depth == len(scores):
            return picked
