"""Insights for trainers from the event store: what is asked, what the library lacks, what is used.

`insights(engine, store, days)` reads the events of a time window and builds five tables:

- `asked_by_situation`: questions per customer situation (concepts found in the question), per channel;
- `asked_by_channel`: questions per channel and kind, with how many were answered without confidence;
- `gaps`: not-confident and dismissed questions grouped by meaning (`gaps.py`), each labelled by its
  most typical question, with examples and the nearest items: "write a case for this";
- `items`: per situation, the items users used, dismissed and opened;
- `uncovered_theories`: theories that answered questions but that no case illustrates.

Every table is a list of flat records, so `table_csv` exports any of them.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from casebook.events import EventStore
from casebook.loader import Library
from casebook.search.engine import Engine
from casebook.search.gaps import MAX_QUESTIONS, embed_questions, group_questions
from casebook.settings import Settings

TABLES = ("asked_by_situation", "asked_by_channel", "gaps", "items", "uncovered_theories")
NO_SITUATION = ("", "（未识别情境）")  # the row for questions that name no known situation
EXAMPLES = 5
NEAREST = 3
NEAREST_FOR = 30  # the largest gap groups get their nearest items (a search each); the rest none
CACHE_SECONDS = 60.0  # insights of an unchanged store are reused for this long
TOP = 3  # an answer's first items per group are what counts as "answered by"


@dataclass
class Window:
    days: float
    since: float
    until: float


@dataclass
class SituationCount:
    situation_id: str
    situation: str
    asks: int
    api: int = 0
    pages: int = 0
    mcp: int = 0
    cli: int = 0


@dataclass
class ChannelCount:
    channel: str
    kind: str
    asks: int
    low_confidence: int


@dataclass
class NearItem:
    id: str
    type: str
    title: str
    title_en: str


@dataclass
class Gap:
    label: str  # the most typical question of the group
    asks: int  # times any of its questions was asked
    questions: int  # distinct questions in the group
    low_confidence: int
    dismissed: int
    examples: list[str]
    nearest: list[NearItem]


@dataclass
class ItemUse:
    situation_id: str
    situation: str
    item_id: str
    type: str
    title: str
    used: int
    dismissed: int
    opened: int


@dataclass
class UncoveredTheory:
    theory_id: str
    title: str
    title_en: str
    asks: int  # confident answers that held it among their first items
    used: int


@dataclass
class Insights:
    window: Window
    totals: dict[str, Any]
    asked_by_situation: list[SituationCount] = field(default_factory=list)
    asked_by_channel: list[ChannelCount] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    items: list[ItemUse] = field(default_factory=list)
    uncovered_theories: list[UncoveredTheory] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def insights(engine: Engine, store: EventStore, days: float = 30, now: float | None = None) -> Insights:
    """The five tables over the last `days` days of events."""
    until = now if now is not None else time.time()
    window = Window(days=days, since=until - days * 86400, until=until)
    span = (window.since, window.until)
    totals = store.totals(*span)
    counts = store.question_counts(*span)
    feedback = store.feedback(*span)
    situations = SituationFinder(engine)
    return Insights(
        window=window,
        totals={"asks": totals.asks, **{k: totals.by_kind.get(k, 0) for k in ("search", "recommend")},
                "low_confidence": totals.low_confidence,
                **{k: totals.feedback.get(k, 0) for k in ("opened", "used", "dismissed")}},
        asked_by_situation=_by_situation(counts, situations),
        asked_by_channel=_by_channel(counts),
        gaps=_gaps(engine, store, span),
        items=_item_use(feedback, situations, engine.library),
        uncovered_theories=_uncovered(engine.library, store.returned_counts(*span, top=TOP), feedback),
    )


class SituationFinder:
    """The customer situations a question names.

    Uses the library's vocabulary (`Library.vocabulary.find_in_text`, issue 9) when the library has
    one. Until then, the situation phrases the items are annotated with, found the way the engine
    finds annotations (the phrase, or all its words, in the question), a longer one hiding those in it.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.vocabulary = getattr(engine.library, "vocabulary", None)
        self.phrases = {s for item in engine.library.items for s in item.situations}
        self._seen: dict[str, list[tuple[str, str]]] = {}

    def __call__(self, text: str) -> list[tuple[str, str]]:
        """(id, label) of each situation found in `text`; the label doubles as id without a vocabulary."""
        if text not in self._seen:
            self._seen[text] = self._find(text)
        return self._seen[text]

    def _find(self, text: str) -> list[tuple[str, str]]:
        if self.vocabulary is not None:
            return [(c.id, c.label) for c in self.vocabulary.find_in_text(text, kinds=("situation",))]
        tokens = set(self.engine.tokenizer(text))
        found = [p for p in self.engine.matched_phrases(text, tokens) if p in self.phrases]
        return [(p, p) for p in found if not any(p != q and p in q for q in found)]


def _by_situation(counts: list, situations: SituationFinder) -> list[SituationCount]:
    rows: dict[tuple[str, str], SituationCount] = {}
    for count in counts:
        for key in situations(count.question) or [NO_SITUATION]:
            row = rows.setdefault(key, SituationCount(situation_id=key[0], situation=key[1], asks=0))
            row.asks += count.asks
            setattr(row, count.channel, getattr(row, count.channel, 0) + count.asks)
    return sorted(rows.values(), key=lambda r: (-r.asks, r.situation_id == "", r.situation))


def _by_channel(counts: list) -> list[ChannelCount]:
    rows: dict[tuple[str, str], ChannelCount] = {}
    for count in counts:
        row = rows.setdefault((count.channel, count.kind), ChannelCount(count.channel, count.kind, 0, 0))
        row.asks += count.asks
        row.low_confidence += count.low_confidence
    return sorted(rows.values(), key=lambda r: (-r.asks, r.channel, r.kind))


def _gaps(engine: Engine, store: EventStore, span: tuple[float, float]) -> list[Gap]:
    questions = store.gap_questions(*span)[:MAX_QUESTIONS]
    if not questions:
        return []
    vectors = embed_questions(engine, [q.question for q in questions])
    groups = group_questions(vectors, [q.asks for q in questions])
    for encoder in engine.encoders.values():  # the nearest-item searches' queries, in one batch each
        engine.cache.prefetch(encoder, [questions[g.medoid].question for g in groups[:NEAREST_FOR]])
    gaps = []
    for rank, group in enumerate(groups):
        members = [questions[i] for i in group.members]
        label = questions[group.medoid].question
        nearest = engine.search(label, k=NEAREST, snippets=False).results if rank < NEAREST_FOR else []
        gaps.append(Gap(
            label=label, asks=sum(q.asks for q in members), questions=len(members),
            low_confidence=sum(q.low_confidence for q in members), dismissed=sum(q.dismissed for q in members),
            examples=[q.question for q in members[:EXAMPLES]],
            nearest=[NearItem(h.id, h.type, h.title, h.title_en) for h in nearest]))
    return sorted(gaps, key=lambda g: (-g.asks, -g.questions, g.label))


def _item_use(feedback: list, situations: SituationFinder, library: Library) -> list[ItemUse]:
    counts: dict[tuple[tuple[str, str], str], Counter] = defaultdict(Counter)
    for row in feedback:
        for key in situations(row.query) or [NO_SITUATION]:
            counts[(key, row.item_id)][row.action] += 1
    rows = []
    for ((situation_id, situation), item_id), actions in counts.items():
        item = library.get(item_id)
        rows.append(ItemUse(situation_id, situation, item_id, item.type if item else "",
                            item.title if item else item_id, actions["used"], actions["dismissed"], actions["opened"]))
    return sorted(rows, key=lambda r: (r.situation_id == "", r.situation, -r.used, -r.dismissed, -r.opened, r.item_id))


def _uncovered(library: Library, returned: dict[str, int], feedback: list) -> list[UncoveredTheory]:
    illustrated = {t for case in library.of_type("case") for t in case.theories}
    used = Counter(row.item_id for row in feedback if row.action == "used")
    rows = [UncoveredTheory(t.id, t.title, t.title_en, returned.get(t.id, 0), used[t.id])
            for t in library.of_type("theory")
            if t.id not in illustrated and (returned.get(t.id) or used[t.id])]
    return sorted(rows, key=lambda r: (-r.asks, -r.used, r.theory_id))


def table_rows(result: Insights, table: str) -> list[dict[str, Any]]:
    """One table as flat rows (lists joined with ` | `), for CSV."""
    if table not in TABLES:
        raise KeyError(table)
    rows = []
    for record in getattr(result, table):
        row = asdict(record)
        if table == "gaps":
            row["examples"] = " | ".join(row["examples"])
            row["nearest"] = " | ".join(n["id"] for n in row["nearest"])
        rows.append(row)
    return rows


COLUMNS = {
    "asked_by_situation": [f for f in SituationCount.__dataclass_fields__],
    "asked_by_channel": [f for f in ChannelCount.__dataclass_fields__],
    "gaps": [f for f in Gap.__dataclass_fields__],
    "items": [f for f in ItemUse.__dataclass_fields__],
    "uncovered_theories": [f for f in UncoveredTheory.__dataclass_fields__],
}


def table_csv(result: Insights, table: str) -> str:
    """One table as CSV text with a header row (UTF-8; Excel reads it with the BOM the caller adds)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[table], lineterminator="\n")
    writer.writeheader()
    writer.writerows(table_rows(result, table))
    return out.getvalue()


_cached: WeakKeyDictionary[Engine, dict[tuple[str, float], tuple[float, tuple, Insights]]] = WeakKeyDictionary()


def insights_for(engine: Engine, settings: Settings, days: float = 30) -> Insights:
    """The insights of the settings' event store; empty tables when it has recorded nothing yet
    (the file is not created just to be read). A page view and its CSV downloads reuse one
    computation while the store is unchanged, for up to CACHE_SECONDS."""
    path = settings.events_file
    now = time.time()
    if not path.exists():
        return Insights(window=Window(days, now - days * 86400, now),
                        totals=dict.fromkeys(("asks", "search", "recommend", "low_confidence", "opened", "used",
                                              "dismissed"), 0))
    store = EventStore(path)
    version, cache = store.version(), _cached.setdefault(engine, {})
    hit = cache.get((str(path), days))
    if hit is not None and hit[1] == version and now - hit[0] < CACHE_SECONDS:
        return hit[2]
    result = insights(engine, store, days, now)
    cache[(str(path), days)] = (now, version, result)
    return result


def insights_text(result: Insights, rows: int = 10) -> str:
    """The insights as a person reads them in a terminal: totals, gaps first, then the tables."""
    t = result.totals
    lines = [f"last {result.window.days:g} days: {t['asks']} questions ({t['search']} search, {t['recommend']} "
             f"recommend), {t['low_confidence']} not answered with confidence; feedback: {t['opened']} opened, "
             f"{t['used']} used, {t['dismissed']} dismissed", "", "gaps (write a case for these):"]
    for n, gap in enumerate(result.gaps[:rows], start=1):
        lines.append(f"{n}. {gap.label}  [{gap.asks} asks, {gap.questions} phrasings, "
                     f"{gap.low_confidence} not confident, {gap.dismissed} dismissed]")
        lines += [f"   - {q}" for q in gap.examples[1:]]
        lines.append("   nearest: " + (", ".join(i.id for i in gap.nearest) or "none"))
    if not result.gaps:
        lines.append("   none")
    lines += ["", "most asked situations:"]
    lines += [f"   {r.asks:>5}  {r.situation}" for r in result.asked_by_situation[:rows]] or ["   none"]
    lines += ["", "by channel:"]
    lines += [f"   {r.asks:>5}  {r.channel} {r.kind} ({r.low_confidence} not confident)"
              for r in result.asked_by_channel] or ["   none"]
    lines += ["", "items used / dismissed / opened, per situation:"]
    lines += [f"   {r.used:>3} {r.dismissed:>3} {r.opened:>3}  {r.situation or '-'}: {r.item_id}"
              for r in result.items[:rows * 2]] or ["   none"]
    lines += ["", "theories asked about that no case illustrates:"]
    lines += [f"   {r.asks:>5}  {r.theory_id}" for r in result.uncovered_theories[:rows]] or ["   none"]
    return "\n".join(lines)
