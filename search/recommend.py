"""Recommend: what fits one customer's situation, grouped into cases, the theories behind them, scripts.

A situation is free text and/or structured CRM fields. The fields become a labelled Chinese query
(`客户类型:家庭客户; 状态:欠费3个月; 事件:申请销号`) for the search engine, and annotation matches
that add to the search score: segment -> item.segments, channel -> item.channels, and by concept
of the vocabulary (situation.py): products -> the item's products, events, the states derived
from ARPU, tenure, arrears and competitor, and the concepts the notes and text name -> the item's
situations. Theories linked from the top cases rank up, and so do scripts linked from them or
sharing their theories. One search serves the three groups; the engine caches the query vectors,
so a repeated situation is not encoded twice.
"""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from casebook.errors import BadQuery
from casebook.model import CHANNEL_LABELS, SEGMENT_LABELS, Item
from casebook.search.concepts import key
from casebook.search.engine import Engine, Ranking
from casebook.search.situation import FREE_TEXT, CustomerSituation, FieldMatch, Wanted, wanted

DEPTH = 25  # items the one search returns; theories and scripts linked from the top cases are added
LINKING_CASES = (1.0, 0.5, 0.25)  # weight of the 1st, 2nd and 3rd case when their links boost others
# What each kind of evidence adds to an item's search score (fused z-scores, the best item ~3-6).
WEIGHTS = {
    "segment": 0.3,  # the item is written for the customer's segment
    "channel": 0.15,  # ... for the role that will act
    "products": 0.4,  # per product both name (at most MAX_MATCHES)
    "events": 0.5,  # per event that is one of the item's situations (at most MAX_MATCHES)
    "notes": 0.25,  # per concept the notes name that the item carries (at most MAX_MATCHES)
    "text": 0.25,  # ... the free text
    "state": 0.2,  # per state derived from arrears, tenure, ARPU or competitor that is one
    "linked": 2.0,  # a theory or script the top case links (times LINKING_CASES)
    "shared_theory": 0.5,  # a script applying a theory the top case illustrates (times LINKING_CASES)
}
MAX_MATCHES = 3
# Words too common in situations to say that two situations are alike.
GENERIC = frozenset({"客户", "用户", "业务", "问题", "需求", "营销", "服务", "申请", "管理", "发展"})


@dataclass
class RecommendWhy:
    """Why an item is recommended: the customer fields, words and links that led to it."""

    fields: dict[str, list[FieldMatch]] = field(default_factory=dict)
    matched_terms: list[str] = field(default_factory=list)
    matched_annotations: list[str] = field(default_factory=list)
    linked_from: list[str] = field(default_factory=list)
    search_rank: int | None = None


@dataclass
class Recommended:
    id: str
    type: str
    title: str
    title_en: str
    summary: str
    summary_en: str
    score: float
    relevance: float  # calibrated probability that the item is relevant to the situation's query
    path: str
    why: RecommendWhy


@dataclass
class Recommendation:
    query: str
    low_confidence: bool
    cases: list[Recommended]
    theories: list[Recommended]
    scripts: list[Recommended]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Candidate:
    item: Item
    score: float
    why: RecommendWhy
    relevance: float = 0.0


class Recommender:
    """Recommendations over one engine; the item annotations are tokenised once, here."""

    def __init__(self, engine: Engine) -> None:
        # Weakly: `_recommenders` is keyed weakly by the engine, and a value holding its key
        # strongly would keep every engine a live reload replaced (and its index) in memory.
        self._engine = weakref.ref(engine)
        tokens = engine.tokenizer
        self._situation_words = {
            item.id: {s: _key_words(tokens(s)) for s in item.situations} for item in engine.library.items}

    @property
    def engine(self) -> Engine:
        engine = self._engine()
        assert engine is not None, "a recommender is only reached through its live engine"
        return engine

    def recommend(self, situation: CustomerSituation, cases: int = 3, theories: int = 3,
                  scripts: int = 2) -> Recommendation:
        query = situation.query()
        if not query:
            raise BadQuery("the situation is empty: give `text`, `events` or other customer fields "
                           "(an ARPU or tenure that is neither high nor long nor new says nothing to match)")
        ranking = self.engine.rank(query)
        response = self.engine.respond(ranking, k=DEPTH, snippets=False)  # recommend shows no snippets
        asked = wanted(situation, self.engine.values)
        candidates = {}
        for rank, hit in enumerate(response.results, start=1):
            why = RecommendWhy(matched_terms=list(hit.why.matched_terms),
                               matched_annotations=list(hit.why.matched_annotations), search_rank=rank)
            candidates[hit.id] = self._candidate(self.engine.library.get(hit.id), hit.score, asked, why)
            candidates[hit.id].relevance = hit.relevance
        top_cases = _best([c for c in candidates.values() if c.item.type == "case"], cases)
        self._add_links(candidates, top_cases, asked)
        self._rate_linked(ranking, [c for c in candidates.values() if c.why.search_rank is None])
        _inherit_relevance(candidates, top_cases)
        groups = {t: [c for c in candidates.values() if c.item.type == t] for t in ("theory", "script")}
        chosen_theories = _best(groups["theory"], theories)
        if top_cases and chosen_theories:  # the theories must explain the best case, whatever else fits
            explaining = _best([c for c in groups["theory"] if c.item.id in top_cases[0].item.theories], 1)
            if explaining and explaining[0] not in chosen_theories:
                chosen_theories[-1] = explaining[0]
        chosen = {"cases": top_cases, "theories": _most_relevant_first(chosen_theories),
                  "scripts": _most_relevant_first(_best(groups["script"], scripts))}
        # An event, product or named concept of the customer's that is one of the top case's
        # annotations is evidence enough on its own, whatever free text came with it.
        matched = bool(top_cases) and any(k in top_cases[0].why.fields for k in ("events", "products", *FREE_TEXT))
        low = self.engine.calibration.is_low([c.relevance for group in chosen.values() for c in group],
                                             ranking.scores.chinese)
        return Recommendation(
            query=query,
            low_confidence=low and not matched,
            **{group: [_public(c) for c in members] for group, members in chosen.items()},
        )

    def _rate_linked(self, ranking: Ranking, linked: list[_Candidate]) -> None:
        """Relevance for the items only a link brought in: the same calibration, on their own search scores."""
        rows = [self.engine.row_of[c.item.id] for c in linked]
        for candidate, chance in zip(linked, self.engine.relevance(ranking, rows)):
            candidate.relevance = round(float(chance), 4)

    # --- scoring -------------------------------------------------------------------------

    def _candidate(self, item: Item, score: float, asked: Wanted, why: RecommendWhy) -> _Candidate:
        """An item scored by search plus the structured fields its annotations share (kept in `why`)."""
        found: dict[str, list[FieldMatch]] = {}
        if asked.segment and asked.segment in item.segments:
            found["segment"] = [FieldMatch(asked.segment, SEGMENT_LABELS[asked.segment])]
        if asked.channel and asked.channel in item.channels:
            found["channel"] = [FieldMatch(asked.channel, CHANNEL_LABELS[asked.channel])]
        carried = self.engine.concepts.of_row[self.engine.row_of[item.id]]
        for name, concept in asked.concepts:
            match = FieldMatch(concept.id, concept.label)
            if key(concept) in carried and match not in found.get(name, []):
                found.setdefault(name, []).append(match)
        situations = self._situation_words[item.id]
        for name, phrase in asked.phrases:  # values outside the vocabulary: matched as strings
            if name == "products":
                alike = any(_alike(phrase, q) for q in item.products)
            else:
                words = _key_words(self.engine.tokenizer(phrase))
                alike = any(_alike(phrase, s) or _covers(words, key_words) for s, key_words in situations.items())
            if alike:
                found.setdefault(name, []).append(FieldMatch(None, phrase))
        why.fields.update(found)
        score += sum(WEIGHTS.get(name, WEIGHTS["state"]) * min(len(values), MAX_MATCHES)
                     for name, values in found.items())
        return _Candidate(item, score, why)

    def _add_links(self, candidates: dict[str, _Candidate], top_cases: list[_Candidate],
                   asked: Wanted) -> None:
        """Theories and scripts linked from the top cases rank up (the best case counts most)."""
        floor = min((c.score for c in candidates.values()), default=0.0)
        for weight, case in zip(LINKING_CASES, top_cases):
            links = [(i, "linked") for i in [*case.item.theories, *case.item.scripts]]
            links += [(s.id, "shared_theory") for s in self.engine.library.of_type("script")
                      if set(s.theories) & set(case.item.theories) and s.id not in case.item.scripts]
            for item_id, kind in links:
                item = self.engine.library.get(item_id)
                if item is None:
                    continue
                if item_id not in candidates:  # not reached by the search: start from the lowest score
                    candidates[item_id] = self._candidate(item, floor, asked, RecommendWhy())
                candidate = candidates[item_id]
                candidate.score += WEIGHTS[kind] * weight
                if case.item.id not in candidate.why.linked_from:
                    candidate.why.linked_from.append(case.item.id)


def _inherit_relevance(candidates: dict[str, _Candidate], top_cases: list[_Candidate]) -> None:
    """A theory or script a top case links directly is at least as relevant as that case: the
    curated link says it is what the case illustrates or uses, though its own words may share
    nothing with the customer's (its own search relevance is often near 0)."""
    for case in top_cases:
        for item_id in (*case.item.theories, *case.item.scripts):
            candidate = candidates.get(item_id)
            if candidate is not None:
                candidate.relevance = max(candidate.relevance, case.relevance)


def _key_words(tokens: list[str]) -> set[str]:
    return {t for t in tokens if len(t) > 1 and t not in GENERIC}


def _covers(a: set[str], b: set[str]) -> bool:
    """The key words of one phrase are all among the other's (e.g. 房东欠费 and 欠费房东 alike)."""
    return bool(a) and bool(b) and (a <= b or b <= a)


def _alike(a: str, b: str) -> bool:
    """Two short phrases name the same thing when one contains the other (case-insensitive)."""
    a, b = a.strip().lower(), b.strip().lower()
    return len(a) > 1 and len(b) > 1 and (a in b or b in a)


def _best(candidates: list[_Candidate], k: int) -> list[_Candidate]:
    return sorted(candidates, key=lambda c: (-c.score, c.item.id))[:k]


def _most_relevant_first(chosen: list[_Candidate]) -> list[_Candidate]:
    """A group as a reader takes it, most likely relevant first. The theory the best case links
    (relevance inherited from the case) was placed last when it had to displace one, and a linked
    theory or script may score lower than one the search found although it is far more relevant."""
    return sorted(chosen, key=lambda c: (-c.relevance, -c.score, c.item.id))


def _public(candidate: _Candidate) -> Recommended:
    item = candidate.item
    return Recommended(id=item.id, type=item.type, title=item.title, title_en=item.title_en,
                       summary=item.summary, summary_en=item.summary_en, score=round(candidate.score, 4),
                       relevance=candidate.relevance, path=item.path, why=candidate.why)


_recommenders: WeakKeyDictionary[Engine, Recommender] = WeakKeyDictionary()


def recommend(engine: Engine, situation: CustomerSituation, cases: int = 3, theories: int = 3,
              scripts: int = 2) -> Recommendation:
    """The cases, theories and scripts that fit a customer's situation, best first in each group."""
    recommender = _recommenders.get(engine)
    if recommender is None:
        recommender = _recommenders[engine] = Recommender(engine)
    return recommender.recommend(situation, cases=cases, theories=theories, scripts=scripts)


def recommendation_text(result: Recommendation) -> str:
    """A recommendation as a person reads it in a terminal: the three groups, each item with why."""
    lines = [f"query: {result.query}"]
    if result.low_confidence:
        lines.append("(nothing in the library fits this situation well; the closest items are below)")
    for heading, group in (("cases", result.cases), ("theories", result.theories), ("scripts", result.scripts)):
        lines.append(f"\n{heading}:" + ("" if group else " none"))
        for n, rec in enumerate(group, start=1):
            why = [f"{name}: {', '.join(m.label + (f' [{m.id}]' if m.id and m.id != m.label else '') for m in values)}"
                   for name, values in rec.why.fields.items()]
            if rec.why.matched_terms:
                why.append("words: " + ", ".join(rec.why.matched_terms[:6]))
            if rec.why.linked_from:
                why.append("linked from: " + ", ".join(rec.why.linked_from))
            lines += [f"{n}. {rec.title}  [{rec.id}]  score {rec.score:.2f}, relevance {rec.relevance:.2f}",
                      f"   {rec.title_en}",
                      f"   why: {'; '.join(why) or 'search'}"]
    return "\n".join(lines)
