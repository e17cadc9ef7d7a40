"""Read `playbook/vocabulary.yaml` into a Vocabulary, reporting every problem at path:line.

The file is composed into YAML nodes once: the nodes give the line of every entry, key and synonym,
and each section's values are constructed from its node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from casebook.loader import Problem
from casebook.vocabulary import (
    KINDS,
    SECTIONS,
    VOCABULARY_FILE,
    YAML_LOADER,
    Concept,
    ConceptEntry,
    Family,
    Kind,
    Vocabulary,
    VocabularyFile,
    term_key,
)

_KIND_OF_SECTION: dict[str, Kind] = {section: kind for kind, section in SECTIONS.items()}


@dataclass
class _Entry:
    """One list entry of the file: its values and where they are."""

    section: str
    data: object
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    synonym_lines: list[int] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _entry(section: str, data: object, node: yaml.Node) -> _Entry:
    entry = _Entry(section, data, _line(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            entry.key_lines.setdefault(str(key.value), _line(key))
            if key.value == "synonyms" and isinstance(value, yaml.SequenceNode):
                entry.synonym_lines = [_line(child) for child in value.value]
    return entry


def _yaml_problem(exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(VOCABULARY_FILE, mark.line + 1 if mark else 1, f"not valid YAML: {reason}",
                   code="vocabulary-yaml", facts={"reason": reason})


def _entries(text: str) -> tuple[list[_Entry], list[Problem]]:
    """The entries of every section, or why the file cannot be read as the vocabulary's shape."""
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        return [], [_yaml_problem(exc)]
    if root is None:
        return [], [Problem(VOCABULARY_FILE, 1, "the vocabulary file is empty", code="vocabulary-empty")]
    if not isinstance(root, yaml.MappingNode):
        sections = list(VocabularyFile.model_fields)
        return [], [Problem(VOCABULARY_FILE, _line(root), "the vocabulary must be a mapping of sections: "
                            + ", ".join(sections), code="vocabulary-shape", facts={"sections": sections})]
    entries, problems, seen = [], [], set()
    for key, value in root.value:
        section = str(key.value)
        if section not in VocabularyFile.model_fields:
            problems.append(Problem(VOCABULARY_FILE, _line(key), f"unknown section {section!r}; the sections "
                                    f"are {', '.join(VocabularyFile.model_fields)}", code="vocabulary-section-unknown",
                                    facts={"section": section, "sections": list(VocabularyFile.model_fields)}))
            continue
        if section in seen:
            problems.append(Problem(VOCABULARY_FILE, _line(key), f"section {section!r} appears twice",
                                    code="vocabulary-section-twice", facts={"section": section}))
            continue
        seen.add(section)
        if value.tag == "tag:yaml.org,2002:null":
            continue  # an empty section
        if not isinstance(value, yaml.SequenceNode):
            problems.append(Problem(VOCABULARY_FILE, _line(value), f"{section} must be a list of entries",
                                    code="vocabulary-section-not-list", facts={"section": section}))
            continue
        try:
            values = yaml.constructor.SafeConstructor().construct_document(value)
        except yaml.YAMLError as exc:
            problems.append(_yaml_problem(exc))
            continue
        entries += [_entry(section, item, node) for item, node in zip(values, value.value)]
    return entries, problems


def _validate(entry: _Entry, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    try:
        return model.model_validate(entry.data), []
    except ValidationError as exc:
        name = entry.data.get("id") if isinstance(entry.data, dict) else None
        where = f"{entry.section} entry" + (f" {name!r}" if isinstance(name, str) else "")
        problems = []
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            loc = ".".join(str(part) for part in err["loc"])
            problems.append(Problem(VOCABULARY_FILE, entry.line_of(key),
                                    f"{where}: {loc + ': ' if loc else ''}{err['msg']}", code="vocabulary-entry-invalid",
                                    facts={"entry": where, "detail": f"{loc + ': ' if loc else ''}{err['msg']}"}))
        return None, problems


@dataclass
class _Checker:
    """Rules across entries: unique ids, families that exist, no term claimed by two concepts."""

    families: dict[str, Family] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ids: dict[tuple[Kind, str], int] = field(default_factory=dict)
    terms: dict[tuple[Kind, str], tuple[str, int]] = field(default_factory=dict)

    def report(self, line: int, message: str, code: str, **facts: Any) -> None:
        self.problems.append(Problem(VOCABULARY_FILE, line, message, code=code, facts=facts))

    def family(self, family: Family, entry: _Entry) -> bool:
        if family.id in self.families:
            self.report(entry.line_of("id"), f"family id {family.id!r} is used twice",
                        "vocabulary-id-twice", id=family.id)
            return False
        self.families[family.id] = family
        return True

    def concept(self, concept: Concept, entry: _Entry) -> bool:
        """Check one concept against those before it; False when it cannot be used at all."""
        # Ids are unique within a kind: a tag and a situation may share one (`churn`), since items
        # write them in different fields and every lookup by id names its kind.
        if (concept.kind, concept.id) in self.ids:
            line = self.ids[(concept.kind, concept.id)]
            self.report(entry.line_of("id"), f"id {concept.id!r} is also the id of the {concept.kind} at line {line}",
                        "vocabulary-id-twice", id=concept.id)
            return False
        self.ids[(concept.kind, concept.id)] = entry.line_of("id")
        known = ", ".join(self.families) or "none yet"
        if concept.family is not None and concept.family not in self.families:
            self.report(entry.line_of("family"), f"{concept.id}: family {concept.family!r} does not exist "
                        f"(the families are: {known})", "vocabulary-family-unknown", id=concept.id,
                        family=concept.family)
        elif concept.family is None and concept.kind == "situation":
            self.report(entry.line_of("family"), f"{concept.id}: a situation needs a family (one of: {known})",
                        "vocabulary-family-missing", id=concept.id, families=list(self.families))
        self._claim_terms(concept, entry)
        return True

    def _claim_terms(self, concept: Concept, entry: _Entry) -> None:
        lines = {"id": entry.line_of("id"), "label": entry.line_of("label"), "label_en": entry.line_of("label_en")}
        named = [(concept.id, lines["id"]), (concept.label, lines["label"]), (concept.label_en, lines["label_en"])]
        synonym_lines = entry.synonym_lines + [entry.line_of("synonyms")] * len(concept.synonyms)
        named += list(zip(concept.synonyms, synonym_lines))
        for term, line in named:
            key = (concept.kind, term_key(term))
            if not key[1]:
                self.report(line, f"{concept.id}: an empty term says nothing; remove it",
                            "vocabulary-term-empty", id=concept.id)
                continue
            owner = self.terms.setdefault(key, (concept.id, line))
            if owner[0] != concept.id:
                self.report(line, f"{term!r} is claimed by two {SECTIONS[concept.kind]}: {owner[0]} "
                            f"(line {owner[1]}) and {concept.id}; a term belongs to one concept",
                            "vocabulary-term-twice", term=term, owners=[owner[0], concept.id])


def vocabulary_from_text(text: str) -> Vocabulary:
    """A Vocabulary from the file's text, with every problem found in it."""
    entries, problems = _entries(text)
    checker = _Checker(problems=problems)
    for entry in (e for e in entries if e.section == "families"):
        family, found = _validate(entry, Family)
        checker.problems += found
        if family is not None:
            checker.family(family, entry)
    concepts: list[Concept] = []
    for entry in (e for e in entries if e.section != "families"):
        kind = _KIND_OF_SECTION[entry.section]
        parsed, found = _validate(entry, ConceptEntry)
        checker.problems += found
        if parsed is None:
            continue
        concept = Concept(**parsed.model_dump(), kind=kind)
        if checker.concept(concept, entry):
            concepts.append(concept)
    concepts.sort(key=lambda c: KINDS.index(c.kind))  # stable: file order within a kind
    problems = sorted(checker.problems, key=lambda p: p.line)
    return Vocabulary(checker.families.values(), concepts, problems=problems)


def read_vocabulary(root: Path) -> Vocabulary:
    """The vocabulary of a library; a missing file is one problem, not an error."""
    path = root / VOCABULARY_FILE
    if not path.is_file():
        return Vocabulary(exists=False, problems=[Problem(
            VOCABULARY_FILE, 1, "no vocabulary file: situations, products and tags are not checked; "
                                "write one (see docs/VOCABULARY.md) to give them one meaning each",
            code="vocabulary-missing")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Vocabulary(problems=[Problem(VOCABULARY_FILE, line, "not UTF-8 text; save the file as UTF-8",
                                            code="vocabulary-not-utf8")])
    return vocabulary_from_text(text)
