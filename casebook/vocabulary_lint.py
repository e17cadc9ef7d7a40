"""Items speak the vocabulary: `situations`, `products` and `tags` hold canonical terms only.

`check_terms` reports each list entry that is unknown (with the closest concepts), a synonym (with
its canonical term) or listed twice, on the entry's own line. `fix_file` rewrites synonyms to their
canonical terms and drops repeats, editing only those entries; the rest of the file stays
byte-identical, and the file is replaced atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from casebook.loader import Problem
from casebook.vocabulary import VOCABULARY_FILE, YAML_LOADER, Concept, Kind, Vocabulary

# Front-matter field -> the kind of concept its entries name.
FIELDS: dict[str, Kind] = {"situations": "situation", "products": "product", "tags": "tag"}


@dataclass(frozen=True)
class Entry:
    """One entry of a front-matter list, where it is in the file text."""

    value: str
    line: int
    start: int  # offsets of the scalar in the file text
    end: int
    flow: bool  # written inside `[ ... ]`


@dataclass(frozen=True)
class Fix:
    """A change `--fix` makes: `new` replaces the entry, or None to remove a repeat."""

    path: str
    field: str
    entry: Entry
    new: str | None

    def __str__(self) -> str:
        change = f"{self.entry.value} -> {self.new}" if self.new is not None else f"removed {self.entry.value} (listed twice)"
        return f"{self.path}:{self.entry.line}: {self.field}: {change}"


def _front_start(text: str) -> int:
    """Offset of the YAML text after the opening `---` (a BOM before it is kept as it is)."""
    return (1 if text.startswith("\ufeff") else 0) + 3


def list_entries(text: str) -> dict[str, list[Entry]]:
    """The scalar entries of every top-level list in an item's front matter, with their places."""
    start = _front_start(text)
    end = text.find("\n---", start)
    head = text[start:end if end >= 0 else len(text)]
    try:
        root = yaml.compose(head, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return {}  # the loader reports broken front matter
    if not isinstance(root, yaml.MappingNode):
        return {}
    found: dict[str, list[Entry]] = {}
    for key, value in root.value:
        if isinstance(value, yaml.SequenceNode):
            found[str(key.value)] = [
                Entry(str(node.value), node.start_mark.line + 1, start + node.start_mark.index,
                      start + node.end_mark.index, bool(value.flow_style))
                for node in value.value if isinstance(node, yaml.ScalarNode)]
    return found


def _describe(concept: Concept) -> str:
    return f"{concept.label} ({concept.id})" if concept.kind != "tag" else f"{concept.id} ({concept.label})"


@dataclass(frozen=True)
class Verdict:
    """What is wrong with one entry: the message, its code and facts, and the fix (None: remove it)."""

    message: str
    code: str
    facts: dict[str, Any]
    fix: str | None


def _judge(vocabulary: Vocabulary, field: str, kind: Kind, entries: list[Entry]) -> list[tuple[Entry, Verdict]]:
    """(entry, verdict) for each entry that is not a canonical term."""
    out: list[tuple[Entry, Verdict]] = []
    seen: set[str] = set()
    for entry in entries:
        concept = vocabulary.lookup(entry.value, kind)
        if concept is None:
            near = vocabulary.closest(entry.value, kind)
            hint = ("closest: " + ", ".join(_describe(c) for c in near) + "; or add it to " + VOCABULARY_FILE
                    if near else f"`casebook vocabulary --kind {kind}` lists them; or add it to {VOCABULARY_FILE}")
            out.append((entry, Verdict(f"{field}: unknown {kind} {entry.value!r}: {hint}", "term-unknown",
                                       {"field": field, "term": entry.value, "closest": [c.canonical for c in near]},
                                       entry.value)))  # no fix
            continue
        canonical = concept.canonical
        if canonical in seen:
            out.append((entry, Verdict(f"{field}: {entry.value} names {_describe(concept)}, which is already "
                                       "listed; remove it", "term-repeated",
                                       {"field": field, "term": entry.value, "concept": concept.label}, None)))
        elif entry.value != canonical:
            out.append((entry, Verdict(f"{field}: {entry.value} is a synonym of {_describe(concept)}: write "
                                       f"{canonical}", "term-synonym",
                                       {"field": field, "term": entry.value, "concept": concept.label, "canonical": canonical},
                                       canonical)))
        seen.add(canonical)
    return out


def check_terms(vocabulary: Vocabulary, path: str, text: str) -> list[Problem]:
    """Every entry of `situations`, `products` and `tags` that is not a canonical term, at its line."""
    entries = list_entries(text)
    return [Problem(path, entry.line, verdict.message, code=verdict.code, facts=verdict.facts)
            for field, kind in FIELDS.items()
            for entry, verdict in _judge(vocabulary, field, kind, entries.get(field, []))]


def fixes(vocabulary: Vocabulary, path: str, text: str) -> list[Fix]:
    """The changes that make an item's terms canonical (unknown terms need a person)."""
    entries = list_entries(text)
    return [Fix(path, field, entry, verdict.fix)
            for field, kind in FIELDS.items()
            for entry, verdict in _judge(vocabulary, field, kind, entries.get(field, []))
            if verdict.fix != entry.value]


def _scalar(value: str, flow: bool) -> str:
    """`value` as YAML: plain when it reads back as itself in its place, else double-quoted."""
    probe = f"[{value}]" if flow else f"- {value}"
    try:
        if yaml.safe_load(probe) == [value]:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _removal_span(text: str, entry: Entry) -> tuple[int, int]:
    """What to cut to remove an entry: its whole `- value` line, or the value and one comma."""
    if not entry.flow:
        line_start = text.rfind("\n", 0, entry.start) + 1
        line_end = text.find("\n", entry.end)
        return line_start, len(text) if line_end < 0 else line_end + 1
    after = entry.end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == ",":  # `a, b` -> `b`
        after += 1
        while after < len(text) and text[after] in " \t":
            after += 1
        return entry.start, after
    before = entry.start  # the last entry: `a, b` -> `a`
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if before > 0 and text[before - 1] == ",":
        before -= 1
    return before, entry.end


def apply_fixes(text: str, found: list[Fix]) -> str:
    """The text with every fix made, from the end backwards so earlier offsets stay true."""
    for fix in sorted(found, key=lambda f: f.entry.start, reverse=True):
        if fix.new is None:
            start, end = _removal_span(text, fix.entry)
            text = text[:start] + text[end:]
        else:
            text = text[:fix.entry.start] + _scalar(fix.new, fix.entry.flow) + text[fix.entry.end:]
    return text


def _expected(text: str, found: list[Fix]) -> dict[str, list[str]]:
    """What each list must hold after the fixes, to check the edited text before it is written."""
    change = {(fix.field, fix.entry): fix.new for fix in found}
    return {field: [change.get((field, e), e.value) for e in entries if change.get((field, e), "") is not None]
            for field, entries in list_entries(text).items()}


def write_atomically(path: Path, data: bytes, expected_old: bytes) -> None:
    """Replace `path` by `data` through a temporary file and a rename; refuse if the file changed
    since it was read (someone else's edit is never overwritten)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, path.stat().st_mode & 0o7777)
        if path.read_bytes() != expected_old:
            raise FileExistsError("the file changed while it was being fixed; run `casebook lint --fix` again")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def fix_file(vocabulary: Vocabulary, root: Path, rel: str) -> list[Fix]:
    """Make one item file's terms canonical; the fixes made (none: the file is untouched)."""
    path = root / rel
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return []  # lint reports it; nothing to fix safely
    found = fixes(vocabulary, rel, text)
    if not found:
        return []
    new_text = apply_fixes(text, found)
    after = {field: [e.value for e in entries] for field, entries in list_entries(new_text).items()}
    wanted = _expected(text, found)
    if any(after.get(field) != values for field, values in wanted.items()):
        raise ValueError("fixing its terms would change more than those entries; fix it by hand")
    write_atomically(path, new_text.encode("utf-8"), raw)
    return found
