"""Fitting the relevance calibration on labelled queries, and measuring it on held-out ones.

A labelled query is in the domain (it names strings that only its relevant items contain, as in
../shared/eval/dev.jsonl) or out of it (no item is relevant). Each query's top hits become
examples: their features (`calibration.hit_features`) and whether the item is relevant. Queries,
not hits, are split into a training and a held-out part, stratified by source, language and
domain, in the order of a hash of each query, so one source's split does not depend on the others.
scikit-learn is needed here only (the `calibrate` extra); the engine applies the result with numpy.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from casebook.errors import BadQuery
from casebook.search.calibration import Calibration, Logistic, hit_features
from casebook.search.engine import Engine
from casebook.search.tokenize import has_chinese

DEPTH = 10  # hits per query that become examples (and whose best relevance decides low confidence)
HELD_OUT = 0.4
# Query-level: how well the library's best items match.
DOMAIN_FEATURES = ("fused_best", "chinese", "matched",
                   "bm25_best", "bm25_best_z", "bm25_best_zh",
                   "use_best", "use_best_z", "use_best_zh",
                   "e5_best", "e5_best_z", "e5_best_zh")
# Hit-level: how this item scores against the others.
ITEM_FEATURES = ("fused", "gap", "log_rank", "chinese", "matched", "annotations",
                 "bm25", "bm25_z", "bm25_best", "bm25_best_z",
                 "use", "use_z", "use_best", "use_best_z", "use_best_zh",
                 "e5", "e5_z", "e5_best", "e5_best_z", "e5_best_zh")
# Share of the training part's answered in-domain queries (a relevant item among the top hits) the
# threshold may flag: none, so it sits just below the least relevant answered one. Measured after
# the vocabulary matching (English queries now reach BM25 through the concepts' Chinese labels):
# on the shipped split one threshold for both languages flagged 0/93 held-out in-domain questions
# and a threshold per language 3/93 (all English), with equal out-of-domain rates in Chinese; over
# eight random splits both flagged about 1% in the domain; flagging 1% of the training part
# flagged one dev.jsonl question.
IN_DOMAIN_BUDGET = 0.0
BINS = 10


@dataclass(frozen=True)
class LabelledQuery:
    id: str
    query: str
    lang: str  # "zh" when the query has Chinese, else "en"
    ood: bool
    source: str  # the file or data set it comes from; also a stratum of the split
    relevant_if_contains: tuple[str, ...] = ()


@dataclass
class Observed:
    """One labelled query as the engine sees it: the features and labels of its top hits."""

    query: LabelledQuery
    columns: dict[str, np.ndarray]
    labels: np.ndarray


def labelled_query(row: dict[str, Any], source: str) -> LabelledQuery:
    """A JSONL row (`query`, or a CRM record's `customer`) as a labelled query."""
    query = row.get("query")
    if query is None and "customer" in row:
        from casebook.search.recommend import CustomerSituation

        query = CustomerSituation(**row["customer"]).query()
    if not query:
        raise BadQuery(f"{source}: row {row.get('id')!r} has no query")
    wanted = tuple(row.get("relevant_if_contains") or ())
    ood = row.get("kind") == "ood"
    if not ood and not wanted:
        raise BadQuery(f"{source}: in-domain row {row.get('id')!r} names no relevant_if_contains")
    return LabelledQuery(id=str(row["id"]), query=query, lang="zh" if has_chinese(query) else "en", ood=ood,
                         source=row.get("source", source), relevant_if_contains=wanted)


def read_labelled(path: Path, source: str | None = None) -> list[LabelledQuery]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [labelled_query(row, source or path.stem) for row in rows]


def split(queries: list[LabelledQuery], share: float = HELD_OUT) -> tuple[list[LabelledQuery], list[LabelledQuery]]:
    """(training, held-out), exactly `share` of each stratum (source, language, domain) held out.

    Within a stratum the queries are ordered by their hash and the first ones held out, so the
    split of one source does not depend on the others.
    """
    strata: dict[tuple[str, str, bool], list[LabelledQuery]] = defaultdict(list)
    for q in queries:
        strata[(q.source, q.lang, q.ood)].append(q)
    train, held = [], []
    for members in strata.values():
        members.sort(key=lambda q: hashlib.sha1(f"{q.source}|{q.id}|{q.query}".encode()).hexdigest())
        cut = round(share * len(members))
        held += members[:cut]
        train += members[cut:]
    return train, held


def observe(engine: Engine, queries: list[LabelledQuery], depth: int = DEPTH) -> list[Observed]:
    """Each query's top `depth` hits: their features and whether their file holds a relevant string."""
    texts = {item.id: (engine.library.root / item.path).read_text(encoding="utf-8") for item in engine.items}
    for encoder in engine.encoders.values():  # one batch per encoder: several times faster than one by one
        for start in range(0, len(queries), 64):
            engine.cache.prefetch(encoder, [q.query for q in queries[start:start + 64]])
    out = []
    for q in queries:
        ranking = engine.rank(q.query)
        rows = np.argsort(-ranking.fused, kind="stable")[:depth]
        labels = np.array([int(any(s in texts[engine.items[r].id] for s in q.relevant_if_contains))
                           for r in rows])
        out.append(Observed(q, hit_features(ranking.scores, rows), labels))
    return out


def _logistic(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], c: float) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    return Logistic(features=features, mean=mean, scale=scale, coef=model.coef_[0].astype(np.float64),
                    intercept=float(model.intercept_[0]))


def _columns(observed: list[Observed], features: tuple[str, ...], first_only: bool = False) -> np.ndarray:
    rows = slice(0, 1) if first_only else slice(None)
    return np.vstack([np.column_stack([o.columns[f][rows] for f in features]) for o in observed])


def fit(train: list[Observed], c: float = 1.0, budget: float = IN_DOMAIN_BUDGET) -> Calibration:
    """The domain model on every training query, the item model on the in-domain ones' hits, and
    the threshold that flags `budget` of the answered in-domain training queries (the file keeps
    one per query language; the fit gives both the same)."""
    in_domain = [o for o in train if not o.query.ood]
    domain = _logistic(_columns(train, DOMAIN_FEATURES, first_only=True),
                       np.array([0 if o.query.ood else 1 for o in train]), DOMAIN_FEATURES, c)
    item = _logistic(_columns(in_domain, ITEM_FEATURES), np.concatenate([o.labels for o in in_domain]),
                     ITEM_FEATURES, c)
    unthresholded = Calibration(domain=domain, item=item, thresholds={})
    # A query whose top hits hold nothing relevant is rightly flagged; it must not pull the threshold down.
    answered = [o for o in in_domain if o.labels.any()]
    threshold = choose_threshold(best_relevance(unthresholded, answered), budget)
    return Calibration(domain=domain, item=item, thresholds={"zh": threshold, "en": threshold})


def choose_threshold(best_in_domain: np.ndarray, budget: float) -> float:
    """The highest threshold that flags at most `budget` of these in-domain queries."""
    ordered = np.sort(best_in_domain)
    allowed = int(np.floor(budget * len(ordered)))  # queries that may fall below the threshold
    # A hair below the first query that must pass, so rounding in the stored file cannot flag it.
    return float(ordered[allowed]) - 1e-4 if len(ordered) else 0.5


def best_relevance(calibration: Calibration, observed: list[Observed]) -> np.ndarray:
    return np.array([calibration.probability(o.columns).max() for o in observed])


# --- measuring ---------------------------------------------------------------------------------

def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((np.asarray(p) - np.asarray(y)) ** 2)) if len(p) else float("nan")


def reliability(p: np.ndarray, y: np.ndarray, bins: int = BINS) -> list[dict[str, Any]]:
    """Per bin of predicted relevance: how many hits, their mean prediction, the share truly relevant."""
    p, y = np.asarray(p), np.asarray(y)
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        inside = index == b
        if inside.any():
            out.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "n": int(inside.sum()),
                        "predicted": round(float(p[inside].mean()), 3), "observed": round(float(y[inside].mean()), 3)})
    return out


def flag_rates(flags: list[tuple[str, bool, bool]]) -> dict[str, dict[str, Any]]:
    """(language, out of domain, flagged) per query -> flagged/n per group (ood_zh, in_domain_en, ...)."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for lang, ood, flagged in flags:
        side = "ood" if ood else "in_domain"
        groups[side].append(flagged)
        groups[f"{side}_{lang}"].append(flagged)
    return {name: {"flagged": sum(v), "n": len(v), "rate": round(sum(v) / len(v), 3)}
            for name, v in sorted(groups.items())}


def measure(calibration: Calibration, observed: list[Observed]) -> dict[str, Any]:
    """Reliability table, Brier score and low-confidence flag rates of a calibration on these queries."""
    p = np.concatenate([calibration.probability(o.columns) for o in observed]) if observed else np.zeros(0)
    y = np.concatenate([o.labels for o in observed]) if observed else np.zeros(0)
    flagged = [bool(b < calibration.threshold(o.query.lang == "zh"))
               for o, b in zip(observed, best_relevance(calibration, observed))]
    by_source: dict[str, dict[str, int]] = defaultdict(lambda: {"flagged": 0, "n": 0})
    for o, low in zip(observed, flagged):
        key = f"{o.query.source} {'ood' if o.query.ood else 'in'} {o.query.lang}"
        by_source[key]["flagged"] += int(low)
        by_source[key]["n"] += 1
    return {"queries": len(observed), "hits": len(p), "brier": round(brier(p, y), 4),
            "reliability": reliability(p, y),
            "flags": flag_rates([(o.query.lang, o.query.ood, low) for o, low in zip(observed, flagged)]),
            "by_source": dict(sorted(by_source.items()))}


def format_report(report: dict[str, Any]) -> str:
    """A measurement as a person reads it: the reliability table, Brier score and flag rates."""
    lines = [f"{'bin':<9} {'hits':>5} {'predicted':>9} {'observed':>8}"]
    lines += [f"{r['bin']:<9} {r['n']:>5} {r['predicted']:>9.3f} {r['observed']:>8.3f}" for r in report["reliability"]]
    lines.append(f"Brier score {report['brier']:.4f} over {report['hits']} hits of {report['queries']} queries")
    lines.append("flagged low confidence: " + "; ".join(
        f"{name} {g['flagged']}/{g['n']} ({g['rate']:.1%})" for name, g in report["flags"].items()))
    return "\n".join(lines)
