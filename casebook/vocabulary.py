"""The controlled vocabulary: customer situations, products and tags, each a concept with synonyms.

One reviewed file, `playbook/vocabulary.yaml`, says which words mean the same thing. Items write a
concept's canonical term (a situation's or product's Chinese `label`, a tag's `id`); queries and
CRM fields are mapped onto concepts with `lookup` and `find_in_text`, which ignore case and
full/half width, so 要求消号, 申请销户 and "cancel the line" all reach the same concept.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from casebook.errors import UnknownConcept
from casebook.loader import Problem

Kind = Literal["situation", "product", "tag"]
KINDS: tuple[Kind, ...] = ("situation", "product", "tag")
# The file's section of each kind (a YAML list of concepts).
SECTIONS: dict[Kind, str] = {"situation": "situations", "product": "products", "tag": "tags"}
VOCABULARY_FILE = "playbook/vocabulary.yaml"
# Concept ids are also what items write in `tags:`, so they follow the tag rule.
CONCEPT_ID_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"


class Family(BaseModel):
    """A group of situations a trainer recognises (arrears and collection, churn ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=CONCEPT_ID_PATTERN, description="Stable ASCII id, e.g. `churn`.")
    label: str = Field(min_length=1, description="Chinese name, e.g. 销号与流失.")
    label_en: str = Field(min_length=1, description="English name, e.g. Cancellation and churn.")


class ConceptEntry(BaseModel):
    """One concept as the vocabulary file writes it."""

    # A number written bare in YAML (a hotline such as 10000) is a term like any other.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)

    id: str = Field(pattern=CONCEPT_ID_PATTERN, description=(
        "Stable ASCII id, unique within its kind; a tag's id is what items write."))
    label: str = Field(min_length=1, description=(
        "Canonical Chinese label; what items write in `situations:` and `products:`."))
    label_en: str = Field(min_length=1, description=(
        "English label; for a product or brand, its one English rendering (the glossary)."))
    synonyms: tuple[str, ...] = Field(default=(), description=(
        "Other ways to say it, Chinese and English (消号, 销户, cancel the line)."))
    family: str | None = Field(default=None, description="Id of its family; every situation has one.")


class Concept(ConceptEntry):
    """A concept of the vocabulary, with the kind of annotation it is."""

    kind: Kind = Field(description="`situation`, `product` or `tag`.")

    @property
    def canonical(self) -> str:
        """What an item writes for this concept: a tag's id, otherwise the Chinese label."""
        return self.id if self.kind == "tag" else self.label

    @property
    def terms(self) -> tuple[str, ...]:
        """Every way to say the concept: id, labels and synonyms."""
        return (self.id, self.label, self.label_en, *self.synonyms)


class VocabularyFile(BaseModel):
    """The shape of `playbook/vocabulary.yaml` (each section a list; every section is optional)."""

    model_config = ConfigDict(extra="forbid")

    families: list[Family] = Field(default_factory=list, description="The families situations belong to.")
    situations: list[ConceptEntry] = Field(default_factory=list, description="Customer situations.")
    products: list[ConceptEntry] = Field(default_factory=list, description="Products, programmes and brands.")
    tags: list[ConceptEntry] = Field(default_factory=list, description="Tags; items write the tag's id.")


# libyaml's loader when PyYAML has it: the vocabulary composes in 10 ms instead of 250.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEPARATORS = re.compile(r"[\s\-_]+")


def term_key(text: str) -> str:
    """The form terms are compared in: NFKC (full-width to half-width), case-folded, and `-`, `_`
    and runs of spaces as one space (so `unpaid-bills` is "unpaid bills")."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _is_word_char(char: str) -> bool:
    """English terms match on word boundaries; Chinese has none, so only ASCII letters count."""
    return char.isascii() and char.isalnum()


class _TermTrie:
    """Every term of one kind in a character trie, for leftmost-longest matching in a text.

    A walk from each start position is a few dict lookups per character, so a 200-character text
    is scanned in well under a millisecond, and a word boundary is checked at each candidate end
    (an automaton that only reports the longest match would lose a shorter valid one).
    """

    _END = ""  # the key of a node's concept; no term character is the empty string

    def __init__(self) -> None:
        self.root: dict = {}

    def add(self, key: str, concept: Concept) -> None:
        node = self.root
        for char in key:
            node = node.setdefault(char, {})
        node.setdefault(self._END, concept)

    def matches(self, text: str) -> list[tuple[int, int, Concept]]:
        """Non-overlapping (start, end, concept) matches, the longest at each leftmost start."""
        found: list[tuple[int, int, Concept]] = []
        start, size = 0, len(text)
        while start < size:
            if _is_word_char(text[start]) and start > 0 and _is_word_char(text[start - 1]):
                start += 1  # inside an English word: no term starts here
                continue
            best, node, pos = None, self.root, start
            while pos < size:
                node = node.get(text[pos])
                if node is None:
                    break
                pos += 1
                if self._END in node and not (_is_word_char(text[pos - 1]) and pos < size
                                              and _is_word_char(text[pos])):
                    best = (start, pos, node[self._END])
            if best is None:
                start += 1
            else:
                found.append(best)
                start = best[1]
        return found


class Vocabulary:
    """The concepts of one library, with lookups by id and by any way of saying them."""

    def __init__(self, families: Iterable[Family] = (), concepts: Iterable[Concept] = (),
                 problems: Iterable[Problem] = (), exists: bool = True) -> None:
        self.exists = exists  # False: the library has no vocabulary file
        self.problems = list(problems)  # what is wrong with the file, for lint
        self._families = list(families)
        self._concepts = list(concepts)
        self._by_id: dict[tuple[Kind, str], Concept] = {}
        self._by_term: dict[Kind, dict[str, Concept]] = {kind: {} for kind in KINDS}
        self._tries: dict[Kind, _TermTrie] = {kind: _TermTrie() for kind in KINDS}
        self._misnames: tuple[re.Pattern | None, dict[str, tuple[str, Concept]]] | None = None  # on first use
        for concept in self._concepts:
            self._by_id.setdefault((concept.kind, concept.id), concept)
            for term in concept.terms:
                key = term_key(term)
                if key:  # the first concept to claim a term keeps it; lint reports the clash
                    self._by_term[concept.kind].setdefault(key, concept)
                    self._tries[concept.kind].add(key, concept)

    def __len__(self) -> int:
        return len(self._concepts)

    def __iter__(self):
        return iter(self._concepts)

    @property
    def families(self) -> list[Family]:
        return list(self._families)

    def family(self, family_id: str | None) -> Family | None:
        return next((f for f in self._families if f.id == family_id), None)

    def of_kind(self, kind: Kind) -> list[Concept]:
        """The concepts of one kind, in file order."""
        return [c for c in self._concepts if c.kind == kind]

    def concept(self, concept_id: str, kind: Kind | None = None) -> Concept | None:
        """The concept with this id; ids are unique within a kind (a tag and a situation may share
        one), so without `kind` a situation comes first, then a product, then a tag."""
        for each in (kind,) if kind else KINDS:
            found = self._by_id.get((each, concept_id))
            if found is not None:
                return found
        return None

    def lookup(self, term: str, kind: Kind | None = None) -> Concept | None:
        """The concept whose id, label, English label or synonym is `term` (any case or width)."""
        key = term_key(term)
        for each in (kind,) if kind else KINDS:
            found = self._by_term[each].get(key)
            if found is not None:
                return found
        return None

    def resolve(self, value: str, kind: Kind) -> Concept:
        """The concept a filter value (an id, label or synonym) stands for; an unknown value is an
        UnknownConcept (a BadQuery: 422 over HTTP, a usage error in the CLI) naming the closest."""
        concept = self.concept(value, kind) or self.lookup(value, kind)
        if concept is None:
            closest = [c.id for c in self.closest(value, kind)]
            raise UnknownConcept(f"unknown {kind} {value!r}; closest concepts: {', '.join(closest) or 'none'} "
                                 f"(GET /v1/vocabulary or `casebook vocabulary` lists them all)",
                                 kind=kind, value=value, closest=closest)
        return concept

    def find_in_text(self, text: str, kinds: Iterable[Kind] | Kind | None = None) -> list[Concept]:
        """Every concept named in `text`, the one named by the longest words first.

        Within a kind the longest term wins where terms overlap (长途话费下降 over 话费下降);
        English terms only match whole words ("cancel" is not found in "cancelled").
        """
        wanted = KINDS if kinds is None else ((kinds,) if isinstance(kinds, str) else tuple(kinds))
        key = term_key(text)
        hits = [hit for kind in wanted for hit in self._tries[kind].matches(key)]
        hits.sort(key=lambda hit: (hit[0] - hit[1], hit[0]))
        seen: dict[tuple[str, str], Concept] = {}
        for _, _, concept in hits:
            seen.setdefault((concept.kind, concept.id), concept)
        return list(seen.values())

    def closest(self, term: str, kind: Kind, n: int = 3) -> list[Concept]:
        """Concepts an unknown term may mean: those it names, those whose terms hold it, then
        the most alike by spelling (difflib), at most `n`."""
        key = term_key(term)
        terms = self._by_term[kind]
        found = self.find_in_text(term, kind)
        if len(key) >= 2:
            found += [concept for other, concept in terms.items() if key in other]
        found += [terms[other] for other in difflib.get_close_matches(key, list(terms), n=n * 3, cutoff=0.75)]
        return list({c.id: c for c in found}.values())[:n]

    def glossary(self) -> dict[str, str]:
        """Products and brands: Chinese label -> the one English rendering every English field uses."""
        return {c.label: c.label_en for c in self.of_kind("product")}

    def misnamed_products(self, english: str) -> list[tuple[str, Concept]]:
        """Other English names of a product found in `english` where its glossary name belongs
        (GlobalTong for GoTone). Only name-like synonyms count (Latin letters, capitalised, not
        all capitals): a lower-case synonym is a generic word, an acronym a name of its own, and a
        part of the glossary name (Tianyi in "e-Surfing (Tianyi)") is that name."""
        if self._misnames is None:
            names = {term_key(s): (s, c) for c in self.of_kind("product") for s in c.synonyms
                     if s.isascii() and s[:1].isupper() and not s.isupper()
                     and not re.search(rf"(?<![a-z0-9]){re.escape(term_key(s))}(?![a-z0-9])", term_key(c.label_en))}
            pattern = "|".join(re.escape(key) for key in sorted(names, key=len, reverse=True))
            self._misnames = (re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])") if names else None, names)
        regex, names = self._misnames
        return [names[m.group(0)] for m in regex.finditer(term_key(english))] if regex else []


def load_vocabulary(root: Path) -> Vocabulary:
    """The vocabulary of the library at `root`, with the problems of its file in `.problems`.

    Never raises: a missing file gives an empty vocabulary (a library without one can still be
    searched), a broken one every concept that could be read.
    """
    from casebook.vocabulary_file import read_vocabulary

    return read_vocabulary(root)
