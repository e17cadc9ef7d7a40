"""What the editor's pickers offer: the vocabulary's concepts (situations grouped by family,
products, tags), segments and channels, and the theories and scripts an item can link."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from casebook.api.editor.i18n import EditorWords
from casebook.loader import Library
from casebook.model import Channel, Segment

FIELD_OF_KIND = {"situation": "situations", "product": "products", "tag": "tags"}


@dataclass(frozen=True)
class Option:
    value: str  # what the item's front matter holds
    label: str
    alt: str = ""  # the other language, shown small
    terms: str = ""  # other ways to say it (synonyms, the id), for the picker's filter


@dataclass
class Group:
    label: str
    options: list[Option] = field(default_factory=list)


@dataclass(frozen=True)
class TermInUse:
    """A term the library's items already use, in the shape of the vocabulary's Concept (issue 9)."""

    id: str
    kind: str
    label: str
    label_en: str = ""
    synonyms: tuple[str, ...] = ()
    family: str | None = None

    @property
    def canonical(self) -> str:
        return self.id if self.kind == "tag" else self.label


def concepts(library: Library, kind: str) -> tuple[list[Any], list[Any]]:
    """(concepts of one kind, families) for a picker: the library's controlled vocabulary
    (`Library.vocabulary`, issue 9) when it has one; until then every term its items already use,
    most used first, with no families."""
    vocabulary = getattr(library, "vocabulary", None)
    if vocabulary is not None:
        return list(vocabulary.of_kind(kind)), list(vocabulary.families)
    counts = Counter(term for item in library.items for term in getattr(item, FIELD_OF_KIND[kind]))
    return [TermInUse(term, kind, term) for term, _ in counts.most_common()], []


def concept_groups(library: Library, kind: str, w: EditorWords) -> list[Group]:
    """A picker's options: grouped by family where the vocabulary has families."""
    found, families = concepts(library, kind)
    english = w.lang == "en"
    groups = {f.id: Group(f.label_en if english else f.label) for f in families}
    loose = Group(w("picker.in_use") if not families else "")
    for concept in found:
        label, alt = (concept.label_en or concept.label, concept.label) if english else (
            concept.label, concept.label_en)
        option = Option(concept.canonical, label, alt if alt != label else "",
                        other_terms([concept.id, *concept.synonyms], label, alt))
        groups.get(concept.family or "", loose).options.append(option)
    return [g for g in [*groups.values(), loose] if g.options]


def other_terms(terms: list[str], *shown: str) -> str:
    """The terms a picker's filter also matches, beyond the words the option shows."""
    seen = set(shown)
    return " ".join(t for t in dict.fromkeys(terms) if t and t not in seen)


def enum_groups(kind: str, values: list[str], w: EditorWords) -> list[Group]:
    other = EditorWords("zh" if w.lang == "en" else "en")
    return [Group("", [Option(v, w.label(kind, v), other.label(kind, v), other_terms([v], w.label(kind, v)))
                       for v in values])]


def item_groups(library: Library, item_type: str, w: EditorWords) -> list[Group]:
    """Theories (or scripts) to link, grouped by their kind, titles in both languages."""
    groups: dict[str, Group] = {}
    for item in sorted(library.of_type(item_type), key=lambda i: (i.kind or "", w.title(i))):
        group = groups.setdefault(item.kind or "", Group(w.label("kind", item.kind) if item.kind else ""))
        group.options.append(Option(item.id, w.title(item), w.alt_title(item), item.id))
    return list(groups.values())


def picker_groups(library: Library, w: EditorWords) -> dict[str, list[Group]]:
    """Every picker of the form, by front-matter field."""
    return {
        "situations": concept_groups(library, "situation", w),
        "products": concept_groups(library, "product", w),
        "tags": concept_groups(library, "tag", w),
        "segments": enum_groups("segment", [s.value for s in Segment], w),
        "channels": enum_groups("channel", [c.value for c in Channel], w),
        "theories": item_groups(library, "theory", w),
        "scripts": item_groups(library, "script", w),
    }
