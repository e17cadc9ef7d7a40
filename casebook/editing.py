"""Writing items: compose an item file, check it with the rules of `casebook lint` in the context
of its library, and save or delete it atomically, conflict-safe and with an audit trail.

Every change to the library's files goes through one exclusive lock (`.casebook/edit.lock`),
so the compare-and-swap on an item's ETag (the SHA-256 of its file bytes) and the checks that
look at other items (links, duplicate ids) see a library no other save is changing. Two editors
saving the same item from the same ETag: the first wins, the second gets `EditConflict`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import Any

import yaml

from casebook.audit import AuditMode, Change, record
from casebook.durable import exclusive_lock, remove_durable, remove_stale_temps, write_atomic
from casebook.errors import CasebookError, ItemNotFound
from casebook.lint import check_item, front_and_offset
from casebook.loader import Library, Problem, parse_text, read_library
from casebook.model import ID_PATTERN, TYPE_FOLDERS, FrontMatter, Item
from casebook.problem_codes import check_code

EDIT_LOCK = Path(".casebook") / "edit.lock"
ANY = "*"  # If-Match: * (the item exists, whatever its version)


class InvalidItem(CasebookError):
    """The item would not pass `casebook lint`; nothing was written."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        listing = "; ".join(f"{p.field} (line {p.line}): {p.message}" for p in problems[:5])
        super().__init__(f"the item has {len(problems)} problem(s), nothing was saved: {listing}")


class EditConflict(CasebookError):
    """The item is not in the state the editor's precondition names (a stale ETag)."""


class PreconditionRequired(CasebookError):
    """A change that could overwrite another editor's work came without the ETag it was based on."""


class ItemInUse(CasebookError):
    """Other items link to the item, so deleting it would break them."""


@dataclass(frozen=True)
class FieldProblem:
    """One lint problem of an item, by field: a front-matter key (`source.section`), `body`,
    `front_matter` (the YAML as a whole) or `file` (the bytes)."""

    field: str
    message: str
    line: int  # in the item file
    body_line: int | None = None  # for `body`: the line within the body
    _: KW_ONLY
    code: str  # one of casebook.problem_codes, as lint's Problem
    facts: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        check_code(self.code, self.facts)


@dataclass(frozen=True)
class SavedItem:
    id: str
    path: str  # relative to the library root
    etag: str
    created: bool
    audit: str  # `git <commit>`, `log <file>`, or `unchanged`


def etag_of(data: bytes) -> str:
    """The version of an item file: the SHA-256 of its bytes (hex)."""
    return hashlib.sha256(data).hexdigest()


# Keys a library file carries only when they say something (`also_from: []` is in no file, and a
# reviewed item drops its emptied `review:` list, which only drafts carry).
WRITTEN_WHEN_SET = frozenset({"also_from", "review"})


def compose(front_matter: Mapping[str, Any], body: str) -> str:
    """The file text of an item: YAML front matter (schema order, unset optional keys left out)
    and the Markdown body, in the layout every library file has."""
    order = list(FrontMatter.model_fields)
    keys = sorted(front_matter, key=lambda k: order.index(k) if k in order else len(order))
    front = {k: front_matter[k] for k in keys
             if front_matter[k] is not None and not (k in WRITTEN_WHEN_SET and not front_matter[k])}
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n{body.strip(chr(10))}\n"


def locate(root: Path, item_id: str, hint: str | None = None) -> Path | None:
    """The file of item `item_id`: `hint` (where it was last seen), `<type folder>/<id>.md`, or
    anywhere below cases/ and playbook/."""
    if hint is not None and Path(hint).stem == item_id and (root / hint).is_file():
        return root / hint
    for folder in TYPE_FOLDERS.values():
        if (root / folder / f"{item_id}.md").is_file():
            return root / folder / f"{item_id}.md"
    for folder in ("cases", "playbook"):
        for path in sorted((root / folder).rglob(f"{item_id}.md")):
            return path
    return None


def read_item_file(root: Path, item_id: str, hint: str | None = None) -> tuple[str, bytes]:
    """(path relative to the root, bytes) of an item's file as it is on disk now."""
    path = locate(root, item_id, hint) if _valid_id(item_id) else None
    if path is None:
        raise ItemNotFound(f"no item has id {item_id!r}; GET /v1/items lists the ids")
    return path.relative_to(root).as_posix(), path.read_bytes()


def parse_item_file(data: bytes, path: str) -> Item:
    """The item in an item file's bytes; InvalidItem when the file does not parse."""
    item, problems = parse_text(data, path)
    if item is None:
        raise InvalidItem(_by_field(problems, ""))
    return item


def check(root: Path, item_id: str, data: bytes) -> list[FieldProblem]:
    """Every problem `casebook lint` would report for item `item_id` with file bytes `data`,
    among the library's other items as they are on disk. Writes nothing."""
    existing = locate(root, item_id)
    return _checked(root, item_id, data, existing)[1]


def save(root: Path, item_id: str, data: bytes, editor: str, if_match: list[str] | None = None,
         message: str | None = None, audit: AuditMode = "auto",
         before_replace: Callable[[Path], None] | None = None) -> SavedItem:
    """Create or replace an item's file with `data`, if it passes lint and the precondition holds.

    `if_match` lists the ETags the editor's change was based on (`["*"]`: any version); without
    it the save only creates: an existing item is never replaced blindly.
    """
    with exclusive_lock(root / EDIT_LOCK):
        existing = locate(root, item_id)
        before = existing.read_bytes() if existing else None
        _require(if_match, before, item_id, creating_allowed=True)
        item, problems = _checked(root, item_id, data, existing)
        if problems or item is None:
            raise InvalidItem(problems)
        target = root / item.path
        if before == data:
            return SavedItem(item_id, item.path, etag_of(data), created=False, audit="unchanged")
        remove_stale_temps(target.parent)
        write_atomic(target, data, before_replace)
        created = before is None
        change = Change("create" if created else "update", item_id, item.path, editor,
                        message or f"{'Create' if created else 'Update'} {item_id}: {item.title}",
                        etag_of(before) if before is not None else None, etag_of(data))
        return SavedItem(item_id, item.path, etag_of(data), created, record(root, change, audit))


def delete(root: Path, item_id: str, editor: str, if_match: list[str] | None,
           message: str | None = None, audit: AuditMode = "auto") -> str:
    """Remove an item's file when the precondition holds and no other item links to it; return
    where the change was recorded."""
    with exclusive_lock(root / EDIT_LOCK):
        existing = locate(root, item_id) if _valid_id(item_id) else None
        if existing is None:
            raise ItemNotFound(f"no item has id {item_id!r}; GET /v1/items lists the ids")
        before = existing.read_bytes()
        _require(if_match, before, item_id, creating_allowed=False)
        linking = [i.id for i in read_library(root).linking_to(item_id) if i.id != item_id]
        if linking:
            raise ItemInUse(f"{', '.join(linking)} link to {item_id}; remove those links first")
        rel = existing.relative_to(root).as_posix()
        remove_durable(existing)
        change = Change("delete", item_id, rel, editor, message or f"Delete {item_id}", etag_of(before), None)
        return record(root, change, audit)


def _valid_id(item_id: str) -> bool:
    return bool(re.fullmatch(ID_PATTERN, item_id))


def _require(if_match: list[str] | None, before: bytes | None, item_id: str, creating_allowed: bool) -> None:
    """Check the editor's precondition against the file as it is now (under the edit lock)."""
    if if_match is None:
        if not creating_allowed:
            raise PreconditionRequired(f"send If-Match with the ETag of {item_id} (GET /v1/items/{item_id}), "
                                       "so a change made since you read it is not lost")
        if before is not None:
            raise EditConflict(f"{item_id} already exists: to replace it, send If-Match with its ETag "
                               f"(GET /v1/items/{item_id})")
        return
    if before is None:
        raise EditConflict(f"{item_id} does not exist (any more): to create it, send no If-Match")
    if ANY not in if_match and etag_of(before) not in if_match:
        raise EditConflict(f"{item_id} was changed since you read it: GET it again, redo your change "
                           "on the new version and send its ETag")


def _checked(root: Path, item_id: str, data: bytes, existing: Path | None) -> tuple[Item | None, list[FieldProblem]]:
    """The item `data` parses to (placed at its path) and its lint problems among the library's items."""
    if not _valid_id(item_id):
        return None, [FieldProblem("id", f"{item_id!r} is not an id: lower-case ASCII words joined by `-`", 1,
                                   code="id-not-valid", facts={"id": item_id})]
    rel = existing.relative_to(root).as_posix() if existing else f"cases/{item_id}.md"
    item, found = parse_text(data, rel)
    if item is None:
        return None, _by_field(found, "")
    if existing is None:  # a new item goes into its type's folder
        item = item.model_copy(update={"path": f"{TYPE_FOLDERS[item.type]}/{item_id}.md"})
    text = data.decode("utf-8")
    library = read_library(root)
    others = [i for i in library.items if i.path != item.path]
    found = check_item(Library(root=root, items=[*others, item]), item, text)
    problems = _by_field(found, text)
    if item.id != item_id:
        problems = [p for p in problems if p.code != "file-name-not-id"]
        problems.insert(0, FieldProblem("id", f"the id must be {item_id!r}, the id in the URL", 2,
                                        code="id-not-url", facts={"id": item_id}))
    clash = next((i for i in others if i.id == item.id), None)
    if clash is not None:
        problems.insert(0, FieldProblem("id", f"id {item.id!r} is also used by {clash.path}", 2,
                                        code="duplicate-id", facts={"id": item.id, "other": clash.path}))
    return item, problems


def _by_field(problems: list[Problem], text: str) -> list[FieldProblem]:
    body_start = front_and_offset(text)[1] if text else None
    out = []
    for problem in problems:
        field = problem.field or "file"
        message = problem.message.removeprefix(f"{field}: ")
        body_line = problem.line - body_start + 1 if field == "body" and body_start else None
        out.append(FieldProblem(field, message, problem.line, body_line, code=problem.code, facts=problem.facts))
    return out
