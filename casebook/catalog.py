"""Views of a library for browsing: links resolved, backlinks, tag indexes and the theory x case matrix."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from casebook.loader import Library
from casebook.model import Item
from casebook.sentences import split_sentences
from casebook.vocabulary import Concept, Family, Kind

# Body headings that hold a case's commentary: the source's 点评 / 营销兵法, or a plan's 评析 / 评述.
COMMENTARY_MARKERS: tuple[str, ...] = ("点评", "兵法", "评析", "评述")


@dataclass
class Links:
    """What an item cites and what cites it, each resolved to items (unknown ids are dropped)."""

    theories: list[Item] = field(default_factory=list)
    scripts: list[Item] = field(default_factory=list)
    cited_by_cases: list[Item] = field(default_factory=list)
    cited_by_scripts: list[Item] = field(default_factory=list)


def links(item: Item, library: Library) -> Links:
    """The theories and scripts `item` names, and the cases and scripts that name it."""
    found = Links(
        theories=[t for t in map(library.get, item.theories) if t is not None],
        scripts=[s for s in map(library.get, item.scripts) if s is not None],
    )
    for other in library.linking_to(item.id):
        (found.cited_by_cases if other.type == "case" else found.cited_by_scripts).append(other)
    return found


@dataclass
class Matrix:
    """Which cases illustrate which theories: rows are theories, columns are cases."""

    theories: list[Item]
    cases: list[Item]
    cells: set[tuple[str, str]]  # (theory id, case id)

    def has(self, theory_id: str, case_id: str) -> bool:
        return (theory_id, case_id) in self.cells

    def row_count(self, theory_id: str) -> int:
        return sum(1 for c in self.cases if (theory_id, c.id) in self.cells)

    def column_count(self, case_id: str) -> int:
        return sum(1 for t in self.theories if (t.id, case_id) in self.cells)

    @property
    def gaps(self) -> list[Item]:
        """Theories no case illustrates yet."""
        return [t for t in self.theories if self.row_count(t.id) == 0]


def theory_matrix(library: Library) -> Matrix:
    """The theory x case matrix, theories with most cases first so the gaps sink to the bottom."""
    cases = library.of_type("case")
    cells = {(t, c.id) for c in cases for t in c.theories if t in library}
    theories = library.of_type("theory")
    theories.sort(key=lambda t: (-sum(1 for c in cases if (t.id, c.id) in cells), t.id))
    return Matrix(theories=theories, cases=cases, cells=cells)


def by_theory(library: Library) -> list[tuple[Item, list[Item]]]:
    """Every theory with the cases and scripts that cite it, in library order."""
    return [(theory, library.linking_to(theory.id)) for theory in library.of_type("theory")]


def tag_counts(library: Library) -> list[tuple[str, int]]:
    """Every tag with how many items carry it, most used first."""
    counts = Counter(tag for item in library.items for tag in item.tags)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def situation_counts(library: Library) -> list[tuple[str, int]]:
    """Every customer situation phrase with how many items name it, most used first."""
    counts = Counter(s for item in library.items for s in item.situations)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# The front-matter field that holds each kind of concept.
KIND_FIELDS: dict[Kind, str] = {"situation": "situations", "product": "products", "tag": "tags"}


def concepts_of(library: Library, item: Item, kind: Kind) -> list[Concept]:
    """The concepts an item's situations, products or tags name (a synonym counts as its concept)."""
    found = (library.vocabulary.lookup(term, kind) for term in getattr(item, KIND_FIELDS[kind]))
    return list({c.id: c for c in found if c is not None}.values())


def concept_usage(library: Library) -> Counter[tuple[Kind, str]]:
    """How many items name each concept, keyed by (kind, id)."""
    return Counter((kind, c.id) for item in library.items for kind in KIND_FIELDS
                   for c in concepts_of(library, item, kind))


@dataclass
class FamilyGroup:
    """The situations of one family that items name, most used first; `family` None: the phrases
    no concept of the vocabulary covers (all of them in a library without a vocabulary)."""

    family: Family | None
    concepts: list[tuple[Concept, int]] = field(default_factory=list)
    phrases: list[tuple[str, int]] = field(default_factory=list)


def situation_groups(library: Library) -> list[FamilyGroup]:
    """Situations for browsing: the vocabulary's families in file order, each with its concepts
    that items name and their counts, then a last group for phrases outside the vocabulary."""
    vocabulary = library.vocabulary
    usage = concept_usage(library)
    groups = [FamilyGroup(family) for family in vocabulary.families]
    by_family = {group.family.id: group for group in groups}
    for concept in vocabulary.of_kind("situation"):
        count = usage[("situation", concept.id)]
        group = by_family.get(concept.family or "")
        if count and group is not None:
            group.concepts.append((concept, count))
    unknown = Counter(s for item in library.items for s in set(item.situations)
                      if vocabulary.lookup(s, "situation") is None)
    other = FamilyGroup(None, phrases=sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])))
    for group in groups:
        group.concepts.sort(key=lambda pair: -pair[1])  # stable: file order among equals
    return [group for group in [*groups, other] if group.concepts or group.phrases]


def concept_named(library: Library, key: str, kind: Kind) -> Concept | None:
    """The concept of `kind` a browse key or filter value stands for: its id, or any way of saying it."""
    return library.vocabulary.concept(key, kind) or library.vocabulary.lookup(key, kind)


def with_concept(library: Library, key: str, kind: Kind) -> list[Item]:
    """Items naming the concept `key` stands for in any of its words (a synonym counts), or, when
    no concept does, those naming the phrase `key` itself."""
    concept = concept_named(library, key, kind)
    if concept is None:
        return [item for item in library.items if key in getattr(item, KIND_FIELDS[kind])]
    return [item for item in library.items if any(c.id == concept.id for c in concepts_of(library, item, kind))]


def with_tag(library: Library, key: str) -> list[Item]:
    return with_concept(library, key, "tag")


def situation_named(library: Library, key: str) -> Concept | None:
    return concept_named(library, key, "situation")


def with_situation(library: Library, key: str) -> list[Item]:
    return with_concept(library, key, "situation")


def commentary(item: Item) -> list[tuple[str, str]]:
    """The commentary sections of an item (heading, text): 点评, 营销兵法, 方案评析 ..."""
    return [(heading, text) for heading, text in item.sections.items()
            if text and any(marker in heading for marker in COMMENTARY_MARKERS)]


def _sentences(text: str) -> list[str]:
    """Sentences of a commentary, verbatim; fragments too short to discuss join the next one."""
    out: list[str] = []
    carry = ""
    for part in split_sentences(" ".join(text.split())):
        part = (carry + part).strip()
        if len(part) < 12:
            carry = part
            continue
        out.append(part)
        carry = ""
    if carry:
        out.append(carry)
    return out


# Follow-up questions: a judgement (点评, 评析) is discussed, a piece of advice (兵法) is applied.
_JUDGEMENT_QUESTIONS = ("你同意这个判断吗？为什么？", "案例中哪一步体现了这一点？", "换成你的客户，结果会一样吗？")
_ADVICE_QUESTIONS = ("在你负责的客户中，该怎么落实？", "落实时会遇到什么阻力，怎么应对？")


def discussion_prompts(item: Item, limit: int = 5) -> list[str]:
    """Discussion prompts built from the item's commentary: a quoted sentence and a question.

    The quoted words are the source's own; an item without commentary has no prompts.
    """
    prompts: list[str] = []
    for heading, text in commentary(item):
        questions = _ADVICE_QUESTIONS if "兵法" in heading else _JUDGEMENT_QUESTIONS
        for n, sentence in enumerate(_sentences(text)[:3]):
            prompts.append(f"{heading}：“{sentence}” {questions[n % len(questions)]}")
    return prompts[:limit]
