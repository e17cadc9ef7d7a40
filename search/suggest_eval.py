"""`casebook eval-suggest`: leave-one-out measurement of the suggester on the curated items.

Each item in turn is hidden (excluded from the neighbours and the theory links), its body and
source heading become a draft, and the suggested ranking of each field is compared with the
curated values: precision and recall at 3 and 5, averaged over the items that have curated values
for the field. Situations, products and tags compare as vocabulary concepts (a synonym counts as its
concept). The index is the full library's; only the item's own entries are excluded from the
results (its words still count in BM25's statistics), and the vocabulary is the library's, whose
synonyms were gathered from all items, the hidden one included.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from casebook.importers.drafts import Draft
from casebook.model import Item
from casebook.search.engine import Engine
from casebook.search.item_types import TypeCentroids
from casebook.search.suggest import KIND_OF_FIELD, Suggester
from casebook.vocabulary import Vocabulary

FIELDS = ("situations", "theories", "segments", "channels", "products", "tags")
CUTS = (3, 5)


def draft_of(item: Item) -> Draft:
    """An item as intake would have cut it from its source: the source's heading, the body."""
    heading = re.sub(r"^\[案例\]\d+\s*", "", item.source.section).strip() or item.source.section
    return Draft(document=item.source.document, document_title=item.source.title, section=item.source.section,
                 title=heading, body=item.body, number=1)


def _key(vocabulary: Vocabulary, kind: str | None) -> Callable[[str], str]:
    """Situations, products and tags compare as vocabulary concepts, other fields as written."""
    if kind is None:
        return lambda value: value

    def key(value: str) -> str:
        concept = vocabulary.lookup(value, kind)
        return concept.id if concept else value

    return key


HOLD_OUT = ("item", "source", "import")


def hidden_with(engine: Engine, item: Item, hold_out: str) -> frozenset[str]:
    """What is hidden while `item` is suggested: the item, or every item of its source document
    (as when a training department imports a whole collection the library has nothing from)."""
    if hold_out in ("source", "import"):
        return frozenset(i.id for i in engine.items if i.source.document == item.source.document)
    return frozenset({item.id})


def co_imported_theories(engine: Engine, item: Item, suggester: Suggester,
                         types: dict[str, dict[str, str]]) -> dict[str, Draft]:
    """The theory drafts imported with `item` when its whole source document is imported: the
    other items of the document that the suggester takes for theories (as `casebook import`
    would type them), by their ids. `types` keeps each document's suggested types."""
    siblings = [i for i in engine.items if i.source.document == item.source.document]
    if item.source.document not in types:
        types[item.source.document] = {i.id: suggester.rank(draft_of(i)).type for i in siblings}
    suggested = types[item.source.document]
    return {i.id: draft_of(i) for i in siblings if i.id != item.id and suggested[i.id] == "theory"}


def leave_one_out(engine: Engine, types: tuple[str, ...] = ("case", "theory", "script"),
                  hold_out: str = "item") -> dict:
    """Per group (`cases`, `all`) and field: n, precision and recall at 3 and 5; and type accuracy.

    With `hold_out="source"` links to hidden items cannot be suggested, so recall counts only the
    curated links still in the library, and an item with none is left out of that field. With
    `hold_out="import"` the source is hidden too, but imported along with the item: its theory
    drafts can be linked (by their items' ids), so recall counts every curated theory link."""
    if hold_out not in HOLD_OUT:
        raise ValueError(f"hold_out must be one of {', '.join(HOLD_OUT)}")
    rows, vocabulary, centroids = [], engine.library.vocabulary, TypeCentroids(engine)
    document_types: dict[str, dict[str, str]] = {}
    for item in engine.items:
        if item.type not in types:
            continue
        hidden = hidden_with(engine, item, hold_out)
        suggester = Suggester(engine, exclude=hidden, types=centroids)
        imported = (co_imported_theories(engine, item, suggester, document_types)
                    if hold_out == "import" and item.type == "case" else {})
        ranked = suggester.rank(draft_of(item), imported)
        unlinkable = hidden - set(imported)
        row = {"id": item.id, "type": item.type, "type_ok": ranked.type == item.type}
        for name in FIELDS:
            key = _key(vocabulary, KIND_OF_FIELD.get(name))
            gold = {key(v) for v in getattr(item, name)} - unlinkable
            if not gold:
                continue
            suggested = list(dict.fromkeys(key(v) for v in ranked.values(name)))
            for k in CUTS:
                hits = len(set(suggested[:k]) & gold)
                row[f"{name}.p@{k}"] = hits / k
                row[f"{name}.r@{k}"] = hits / len(gold)
        rows.append(row)
    return {"cases": _summary([r for r in rows if r["type"] == "case"]), "all": _summary(rows), "items": rows}


def _summary(rows: list[dict]) -> dict:
    out: dict = {"n": len(rows), "type_accuracy": round(sum(r["type_ok"] for r in rows) / max(len(rows), 1), 3)}
    for name in FIELDS:
        have = [r for r in rows if f"{name}.p@3" in r]
        out[name] = {"n": len(have), **{metric: round(sum(r[f"{name}.{metric}"] for r in have) / len(have), 3)
                                        for k in CUTS for metric in (f"p@{k}", f"r@{k}") if have}}
    return out


def format_table(report: dict) -> str:
    lines = ["| items | field | n | P@3 | R@3 | P@5 | R@5 |", "|---|---|---|---|---|---|---|"]
    for group in ("cases", "all"):
        for name in FIELDS:
            m = report[group][name]
            if m["n"]:
                lines.append(f"| {group} | {name} | {m['n']} | {m['p@3']:.3f} | {m['r@3']:.3f} | "
                             f"{m['p@5']:.3f} | {m['r@5']:.3f} |")
    lines.append(f"\ntype suggested right: cases {report['cases']['type_accuracy']:.3f}, "
                 f"all {report['all']['type_accuracy']:.3f}")
    return "\n".join(lines)
