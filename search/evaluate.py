"""Retrieval quality on a JSONL query set: hit@1, hit@3, MRR@10 overall and per kind, OOD flagging,
and how well the calibrated relevance fits the labels (Brier score, flag rates per language).

A row is a search query (`{"query": ...}`, judged on the search results) or a CRM record
(`{"customer": {...}}`, judged on what recommend returns: with `expect_type: case` the rank among
the cases, with `any` the best rank in any group).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebook.errors import BadQuery
from casebook.search.calibration_fit import brier, flag_rates
from casebook.search.engine import Engine
from casebook.search.tokenize import has_chinese


@dataclass
class QueryResult:
    id: str
    kind: str
    rank: int | None  # 1-based rank of the first relevant item in the top 10, None if absent
    low_confidence: bool
    top: list[str]
    lang: str = "zh"
    relevance: list[float] = field(default_factory=list)  # of each hit in the top 10
    labels: list[int] = field(default_factory=list)  # 1 where that hit is relevant


def read_queries(path: Path) -> list[dict[str, Any]]:
    """Queries from JSONL (`{"id", "query", ...}`) or plain text (one query a line)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise BadQuery(f"{path}:{number}: not valid JSON: {exc}") from exc
            if not isinstance(row, dict) or not ({"query", "customer"} & row.keys()):
                raise BadQuery(f"{path}:{number}: a row needs `query` (a question) or `customer` (a CRM "
                               "record), as in ../shared/eval/README.md")
            rows.append(row)
        else:
            rows.append({"id": f"q{number}", "query": line.strip()})
    return rows


def _labels(engine: Engine, paths: list[str], wanted: list[str]) -> list[int]:
    """1 for each item whose file holds one of the `wanted` strings, else 0."""
    return [int(any(s in (engine.library.root / path).read_text(encoding="utf-8") for s in wanted)) for path in paths]


def _first_relevant(engine: Engine, paths: list[str], wanted: list[str]) -> int | None:
    """1-based rank of the first item whose file holds one of the `wanted` strings."""
    labels = _labels(engine, paths, wanted)
    return labels.index(1) + 1 if 1 in labels else None


def judge(engine: Engine, row: dict[str, Any], k: int = 10) -> QueryResult:
    if "customer" in row:
        return judge_recommendation(engine, row, k)
    response = engine.search(row["query"], k=k)
    labels = _labels(engine, [h.path for h in response.results], row.get("relevant_if_contains") or [])
    rank = labels.index(1) + 1 if 1 in labels else None
    return QueryResult(row["id"], row.get("kind", "all"), rank, response.low_confidence,
                       [h.id for h in response.results[:3]], lang="zh" if has_chinese(row["query"]) else "en",
                       relevance=[h.relevance for h in response.results], labels=labels)


def judge_recommendation(engine: Engine, row: dict[str, Any], k: int = 10) -> QueryResult:
    """A CRM record judged on recommend: the relevant case's rank, or (`any`) the best in any group."""
    from casebook.search.recommend import CustomerSituation, recommend

    situation = CustomerSituation.model_validate({**row["customer"], "text": row.get("text", "")})
    result = recommend(engine, situation, cases=k, theories=k, scripts=k)
    groups = [result.cases] if row.get("expect_type", "case") == "case" else [
        result.cases, result.theories, result.scripts]
    wanted = row.get("relevant_if_contains") or []
    ranks = [r for r in (_first_relevant(engine, [i.path for i in g], wanted) for g in groups) if r]
    return QueryResult(row["id"], row.get("kind", "recommend"), min(ranks, default=None), result.low_confidence,
                       [g[0].id for g in groups if g])


def metrics(results: list[QueryResult]) -> dict[str, Any]:
    """Scores over the in-domain queries, per kind, and the out-of-domain flagging."""
    def score(group: list[QueryResult]) -> dict[str, float]:
        n = len(group) or 1
        return {"n": len(group),
                "hit@1": round(sum(r.rank == 1 for r in group) / n, 3),
                "hit@3": round(sum(r.rank is not None and r.rank <= 3 for r in group) / n, 3),
                "mrr@10": round(sum(1 / r.rank for r in group if r.rank) / n, 3)}

    in_domain = [r for r in results if r.kind != "ood"]
    ood = [r for r in results if r.kind == "ood"]
    kinds: dict[str, list[QueryResult]] = defaultdict(list)
    for r in in_domain:
        kinds[r.kind].append(r)
    return {
        "overall": score(in_domain),
        "per_kind": {kind: score(group) for kind, group in sorted(kinds.items())},
        "ood": {"n": len(ood), "flagged": sum(r.low_confidence for r in ood),
                "in_domain_flagged": sum(r.low_confidence for r in in_domain)},
        "misses": [{"id": r.id, "kind": r.kind, "rank": r.rank, "top": r.top}
                   for r in in_domain if r.rank != 1],
        "relevance": {
            "brier": round(brier([p for r in results for p in r.relevance], [y for r in results for y in r.labels]), 4),
            "hits": sum(len(r.relevance) for r in results),
            "flags": flag_rates([(r.lang, r.kind == "ood", r.low_confidence) for r in results]),
        } if ood else None,
    }


def format_table(report: dict[str, Any]) -> str:
    lines = [f"{'group':<10} {'n':>3} {'hit@1':>6} {'hit@3':>6} {'mrr@10':>7}"]
    rows = [("overall", report["overall"])] + list(report["per_kind"].items())
    for name, s in rows:
        lines.append(f"{name:<10} {s['n']:>3} {s['hit@1']:>6.3f} {s['hit@3']:>6.3f} {s['mrr@10']:>7.3f}")
    ood = report["ood"]
    lines.append(f"out-of-domain flagged low confidence: {ood['flagged']}/{ood['n']}; "
                 f"in-domain flagged: {ood['in_domain_flagged']}/{report['overall']['n']}")
    relevance = report.get("relevance")
    if relevance:  # only with out-of-domain queries: otherwise the labels say nothing about flagging
        lines.append(f"relevance: Brier score {relevance['brier']:.4f} over {relevance['hits']} hits")
        lines.append("flagged by language: " + "; ".join(
            f"{name} {g['flagged']}/{g['n']}" for name, g in relevance["flags"].items()
            if name.endswith(("_zh", "_en"))))
    return "\n".join(lines)
