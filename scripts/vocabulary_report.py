#!/usr/bin/env python3
"""How consistent are the library's annotations? Figures for issue 9 (one vocabulary).

Reads the library with casebook's loader and prints: distinct situation phrases, tags and
products and how many are used by one item only; theories that no case links; cases that link no
script; and, once `playbook/vocabulary.yaml` exists, the situation, product and tag CONCEPTS the
items' terms map to (through labels and synonyms) and how many of those one item only uses, the
terms no concept knows, and the vocabulary's size.

    .venv/bin/python scripts/vocabulary_report.py [--library DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from casebook.loader import Library, load_library
from casebook.settings import get_settings

FIELDS = {"situation": "situations", "product": "products", "tag": "tags"}


def phrase_figures(library: Library) -> dict[str, dict[str, int]]:
    """Per annotation field: distinct values, uses, and values on one item only."""
    out = {}
    for field in FIELDS.values():
        per_value = Counter(v for item in library.items for v in set(getattr(item, field)))
        out[field] = {"distinct": len(per_value), "uses": sum(per_value.values()),
                      "one_item_only": sum(1 for n in per_value.values() if n == 1)}
    return out


def link_figures(library: Library) -> dict[str, object]:
    """Theories no case links (and no item at all), cases that link no script, scripts no case links."""
    cases = library.of_type("case")
    by_cases = {t for c in cases for t in c.theories}
    by_anything = {t for i in library.items for t in i.theories}
    scripts_used = {s for c in cases for s in c.scripts}
    theories = [t.id for t in library.of_type("theory")]
    return {
        "theories": len(theories),
        "theories_linked_by_no_case": sorted(t for t in theories if t not in by_cases),
        "theories_linked_by_nothing": sorted(t for t in theories if t not in by_anything),
        "cases": len(cases),
        "cases_linking_no_script": sorted(c.id for c in cases if not c.scripts),
        "cases_linking_no_theory": sorted(c.id for c in cases if not c.theories),
        "scripts_linked_by_no_case": sorted(s.id for s in library.of_type("script") if s.id not in scripts_used),
        "case_theory_links": sum(len(c.theories) for c in cases),
        "case_script_links": sum(len(c.scripts) for c in cases),
    }


def _vocabulary(root: Path):
    """casebook's vocabulary of the library, or None when the library has no vocabulary file."""
    if not (root / "playbook" / "vocabulary.yaml").exists():
        return None
    from casebook.vocabulary import load_vocabulary

    return load_vocabulary(root)


def concept_figures(library: Library, vocabulary) -> dict[str, object]:
    """Per kind: concepts the items use, how many by one item only, unused ones, unknown terms."""
    out: dict[str, object] = {}
    for kind, field in FIELDS.items():
        users: Counter[str] = Counter()
        unknown: Counter[str] = Counter()
        for item in library.items:
            ids = set()
            for term in getattr(item, field):
                concept = vocabulary.lookup(term, kind)
                if concept is None:
                    unknown[term] += 1
                else:
                    ids.add(concept.id)
            users.update(ids)
        defined = [c.id for c in vocabulary.of_kind(kind)]
        out[field] = {"concepts": len(defined), "used": len(users),
                      "one_item_only": sorted(c for c, n in users.items() if n == 1),
                      "unused": sorted(c for c in defined if c not in users),
                      "unknown_terms": dict(unknown.most_common())}
    families = Counter(vocabulary.concept(c, "situation").family
                       for item in library.items for c in {
                           getattr(vocabulary.lookup(t, "situation"), "id", None) for t in item.situations} if c)
    out["items_per_family"] = dict(sorted(families.items()))
    return out


def vocabulary_size(vocabulary) -> dict[str, int]:
    concepts = list(vocabulary)
    return {"families": len(vocabulary.families),
            **{field: len(vocabulary.of_kind(kind)) for kind, field in FIELDS.items()},
            "synonyms": sum(len(c.synonyms) for c in concepts)}


def report(root: Path) -> dict[str, object]:
    library = load_library(root)
    out: dict[str, object] = {"items": len(library), "phrases": phrase_figures(library),
                              "links": link_figures(library)}
    vocabulary = _vocabulary(root)
    if vocabulary is not None:
        out["vocabulary"] = vocabulary_size(vocabulary)
        out["concepts"] = concept_figures(library, vocabulary)
    return out


def print_report(data: dict) -> None:
    print(f"items: {data['items']}")
    for field, f in data["phrases"].items():
        print(f"{field}: {f['distinct']} distinct over {f['uses']} uses; "
              f"{f['one_item_only']} on one item only")
    links = data["links"]
    for key in ("theories_linked_by_no_case", "theories_linked_by_nothing"):
        print(f"{key.replace('_', ' ')}: {len(links[key])} of {links['theories']}")
    for key in ("cases_linking_no_script", "cases_linking_no_theory"):
        print(f"{key.replace('_', ' ')}: {len(links[key])} of {links['cases']}")
    print(f"scripts linked by no case: {len(links['scripts_linked_by_no_case'])}")
    print(f"links from cases: {links['case_theory_links']} to theories, {links['case_script_links']} to scripts")
    if "vocabulary" in data:
        size = data["vocabulary"]
        print("vocabulary: " + ", ".join(f"{n} {k}" for k, n in size.items()))
        for field, f in data["concepts"].items():
            if field == "items_per_family":
                continue
            print(f"{field} concepts: {f['used']} of {f['concepts']} used; "
                  f"{len(f['one_item_only'])} by one item only; {len(f['unused'])} unused; "
                  f"{sum(f['unknown_terms'].values())} uses of {len(f['unknown_terms'])} unknown terms")
        print("items per situation family: " + ", ".join(
            f"{k} {n}" for k, n in data["concepts"]["items_per_family"].items()))
    print()
    print("theories linked by no case: " + ", ".join(links["theories_linked_by_no_case"]))
    print("cases linking no script: " + ", ".join(links["cases_linking_no_script"]))
    if "concepts" in data:
        for field in FIELDS.values():
            f = data["concepts"][field]
            print(f"{field} concepts used by one item only: " + ", ".join(f["one_item_only"]))
            if f["unused"]:
                print(f"{field} concepts used by no item: " + ", ".join(f["unused"]))
            if f["unknown_terms"]:
                print(f"{field} terms no concept knows: " + ", ".join(f["unknown_terms"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=None, help="library folder (default: the built-in one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    data = report(get_settings(args.library).library)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print_report(data)


if __name__ == "__main__":
    main()
