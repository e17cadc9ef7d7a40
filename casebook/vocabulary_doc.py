"""The vocabulary as people and programs read it: a listing with usage counts (CLI, API), a
terminal table, and docs/VOCABULARY.md, generated from the file so the doc is never a second truth."""

from __future__ import annotations

from typing import Any

from casebook.catalog import concept_usage
from casebook.loader import Library
from casebook.vocabulary import KINDS, SECTIONS, VOCABULARY_FILE, Concept, Kind, Vocabulary


def listing(library: Library, kind: Kind | None = None) -> dict[str, Any]:
    """Families and concepts (of one kind, or all), each concept with how many items use it."""
    vocabulary = library.vocabulary
    usage = concept_usage(library)
    concepts = [c for c in vocabulary if kind is None or c.kind == kind]
    return {
        "families": [f.model_dump() for f in vocabulary.families],
        "concepts": [{**c.model_dump(), "synonyms": list(c.synonyms), "items": usage[(c.kind, c.id)]}
                     for c in concepts],
    }


def table(data: dict[str, Any]) -> str:
    """The listing as aligned text: one concept a line, synonyms last."""
    rows = [("kind", "id", "label", "label_en", "family", "items", "synonyms")]
    rows += [(c["kind"], c["id"], c["label"], c["label_en"], c["family"] or "-", str(c["items"]),
              ", ".join(c["synonyms"])) for c in data["concepts"]]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths)) + "  " + row[-1]
                     for row in rows)


def _width(text: str) -> int:
    """Terminal columns: a CJK character takes two."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _concept_table(concepts: list[Concept], english: str = "English") -> list[str]:
    rows = [f"| id | 中文 | {english} | synonyms |", "|---|---|---|---|"]
    rows += [f"| `{c.id}` | {_cell(c.label)} | {_cell(c.label_en)} | {_cell(', '.join(c.synonyms))} |"
             for c in concepts]
    return rows


def markdown(vocabulary: Vocabulary) -> str:
    """docs/VOCABULARY.md: families, the situations of each family, the products glossary, the tags."""
    situations = vocabulary.of_kind("situation")
    counts = ", ".join(f"{len(vocabulary.of_kind(k))} {SECTIONS[k]}" for k in KINDS)
    out = [
        "# Vocabulary",
        "",
        f"<!-- generated from {VOCABULARY_FILE} by `casebook vocabulary --markdown`; do not edit -->",
        "",
        f"The library's controlled vocabulary, `{VOCABULARY_FILE}`: {counts}, "
        f"{len(vocabulary.families)} families. Items write a situation's or product's Chinese label "
        "in `situations:` / `products:` and a tag's id in `tags:`; `casebook lint` reports any other "
        "term (a synonym with its canonical term, which `casebook lint --fix` writes for you). "
        "Search and recommend map what a query or a CRM field says onto these concepts through "
        "their synonyms, in any case and full- or half-width.",
        "",
        "## Families",
        "",
        "| id | 中文 | English | situations |",
        "|---|---|---|---|",
    ]
    out += [f"| `{f.id}` | {_cell(f.label)} | {_cell(f.label_en)} | "
            f"{sum(1 for c in situations if c.family == f.id)} |" for f in vocabulary.families]
    out += ["", "## Situations", ""]
    for family in vocabulary.families:
        members = [c for c in situations if c.family == family.id]
        if members:
            out += [f"### {family.label} · {family.label_en} (`{family.id}`)", "", *_concept_table(members), ""]
    homeless = [c for c in situations if vocabulary.family(c.family) is None]
    if homeless:
        out += ["### No family", "", *_concept_table(homeless), ""]
    out += ["## Products and brands", "",
            "The glossary: `English` is the one English rendering of each name, used in every English field.",
            "", *_concept_table(vocabulary.of_kind("product")), ""]
    out += ["## Tags", "", "Items write the tag's id.", "", *_concept_table(vocabulary.of_kind("tag"))]
    return "\n".join(out).rstrip() + "\n"
