"""The search page (`/`): one box, filters, results with highlighted snippets and why they matched."""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from casebook.api.deps import current_recorder, request_id_of
from casebook.api.pages.i18n import Words
from casebook.api.pages.web import engine_of, page_router, render, words
from casebook.catalog import tag_counts
from casebook.loader import Library
from casebook.model import Channel, Segment
from casebook.search import Filters, Hit
from casebook.search.citing import search_citing
from casebook.search.usage import record_search

router = page_router()

RESULTS = 10
TYPES = ("case", "theory", "script")
EXAMPLES = ("客户要销号怎么挽留", "欠费催缴", "how to win a bank as a key account", "社区经理 交叉销售")


@dataclass
class Query:
    """What the search form sent; empty strings mean no filter."""

    q: str = ""
    type: str = ""
    theory: str = ""
    segment: str = ""
    channel: str = ""
    tag: str = ""

    @property
    def filters(self) -> Filters:
        def one(value: str) -> list[str]:
            return [value] if value else []

        return Filters(types=one(self.type), segments=one(self.segment), channels=one(self.channel),
                       tags=one(self.tag))

    @property
    def filtered(self) -> bool:
        return any((self.type, self.theory, self.segment, self.channel, self.tag))


def why_words(hit: Hit, w: Words, library: Library) -> list[str]:
    """The `why` of a hit in plain words: the words it contains, how each kind of match ranks it."""
    parts = []
    if hit.why.matched_terms:
        parts.append(f"{w('why.words')} " + w.join([f"“{term}”" for term in hit.why.matched_terms[:6]]))
    signals = hit.why.signals
    if "bm25" in signals and signals["bm25"]["rank"] <= 10:
        parts.append(w("why.keyword", rank=int(signals["bm25"]["rank"])))
    dense = [int(s["rank"]) for name, s in signals.items() if name not in ("bm25", "annotations")]
    if dense and min(dense) <= 10:
        parts.append(w("why.meaning", rank=min(dense)))
    if hit.why.matched_annotations:
        names = [w.concept(library.vocabulary, term) for term in hit.why.matched_annotations]
        parts.append(f"{w('why.annotations')}: " + w.join(list(dict.fromkeys(names))))
    return parts or [w("why.weak")]


def filter_options(library: Library, w: Words) -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices of every filter select."""
    theories = sorted(library.of_type("theory"), key=lambda t: w.title(t))
    return {
        "type": [(t, w(f"types.{t}")) for t in TYPES],
        "theory": [(t.id, w.title(t)) for t in theories],
        "segment": [(s.value, w.label("segment", s.value)) for s in Segment],
        "channel": [(c.value, w.label("channel", c.value)) for c in Channel],
        "tag": [(tag, f"{w.tag(library.vocabulary, tag)} ({n})") for tag, n in tag_counts(library)],
    }


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, q: str = "", type: str = "", theory: str = "", segment: str = "",
                channel: str = "", tag: str = "") -> HTMLResponse:
    """Search the library; with no query, the empty form and a few examples."""
    engine = engine_of(request)
    w = words(request)
    query = Query(q=q.strip(), type=type, theory=theory, segment=segment, channel=channel, tag=tag)
    response, feedback_rid = None, ""
    if query.q:
        started = time.perf_counter()
        response = search_citing(engine, query.q, RESULTS, query.filters, query.theory or None)
        feedback_rid = request_id_of(request)
        record_search(current_recorder(request), response, request_id=feedback_rid, channel="pages", started=started,
                      filters=query.filters)
    why = {hit.id: why_words(hit, w, engine.library) for hit in response.results} if response else {}
    return render(request, "search.html", query=query, response=response, why=why, examples=EXAMPLES,
                  options=filter_options(engine.library, w), library=engine.library, feedback_rid=feedback_rid)
