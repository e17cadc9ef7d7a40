"""Read a library folder into typed items; every problem is reported as path:line, never raised."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import KW_ONLY, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import frontmatter
import yaml
from pydantic import ValidationError

from casebook.errors import LibraryError
from casebook.model import TYPE_FOLDERS, Item
from casebook.problem_codes import check_code

if TYPE_CHECKING:
    from casebook.vocabulary import Vocabulary


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, printed as `path:line: message`."""

    path: str
    line: int
    message: str
    field: str | None = None  # the front-matter key (`source.section`), `body`, `front_matter` or None
    _: KW_ONLY
    code: str  # stable, one of casebook.problem_codes: a page words the problem in its language from it
    facts: dict[str, Any] = dataclasses.field(default_factory=dict)  # what the message states, by name

    def __post_init__(self) -> None:
        check_code(self.code, self.facts)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Library:
    """The items of one library folder, with lookups by id and by link."""

    root: Path
    items: list[Item]
    problems: list[Problem] = field(default_factory=list)
    drafts: list[Item] = field(default_factory=list)  # set aside by `reviewed()`: fields still to review

    def __post_init__(self) -> None:
        self._by_id = {item.id: item for item in self.items}

    def get(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def __contains__(self, item_id: str) -> bool:
        return item_id in self._by_id

    def __len__(self) -> int:
        return len(self.items)

    def reviewed(self) -> Library:
        """The library as it is served (searched, recommended, listed): items whose `review:` still
        lists fields are set aside in `drafts`. An imported draft lies in the library folder until
        its editor has checked it, and nothing unreviewed may reach a reader meanwhile."""
        served = Library(self.root, [i for i in self.items if not i.review], self.problems,
                         drafts=[i for i in self.items if i.review])
        if "vocabulary" in self.__dict__:  # already read: share it rather than parse the file again
            served.__dict__["vocabulary"] = self.vocabulary
        return served

    def of_type(self, item_type: str) -> list[Item]:
        return [item for item in self.items if item.type == item_type]

    def linking_to(self, item_id: str) -> list[Item]:
        """Items whose `theories` or `scripts` name `item_id` (backlinks)."""
        return [i for i in self.items if item_id in i.theories or item_id in i.scripts]

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The library's controlled vocabulary (`playbook/vocabulary.yaml`), read once; empty when
        the library has none, and its file's problems in `.problems` (never raised)."""
        from casebook.vocabulary import load_vocabulary

        return load_vocabulary(self.root)


def item_files(root: Path) -> list[Path]:
    """Every Markdown file of a library, in a stable order."""
    files = [p for folder in ("cases", "playbook") for p in (root / folder).rglob("*.md")]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def key_line(front: str, key: str) -> int:
    """File line of `key:` in the raw front matter (which begins with the opening `---` line)."""
    for number, line in enumerate(front.splitlines(), start=1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return 1


def parse_item(path: Path, root: Path) -> tuple[Item | None, list[Problem]]:
    """Parse one file into an Item, or report why it cannot be one."""
    return parse_text(path.read_bytes(), path.relative_to(root).as_posix())


def parse_text(raw: bytes, rel: str) -> tuple[Item | None, list[Problem]]:
    """Parse the bytes of an item file that lives (or would live) at `rel` in the library."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                              "file", code="not-utf8", facts={"byte": f"0x{raw[exc.start]:02x}"})]
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        return None, [Problem(rel, 1, "no YAML front matter: the file must start with a `---` line", "front_matter",
                              code="no-front-matter")]
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct began (an unclosed `[`), which is
        # where an editor has to look; the problem mark is where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1  # the YAML text starts with the newline after `---`
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(rel, line, f"front matter is not valid YAML: {reason}", "front_matter",
                              code="front-matter-yaml", facts={"reason": reason})]
    front = text.split("\n---", 1)[0]
    if not post.metadata:
        return None, [Problem(rel, 1, "front matter is empty or not closed by a `---` line", "front_matter",
                              code="front-matter-empty")]
    try:
        item = Item.model_validate({**post.metadata, "body": post.content, "path": rel})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            where = ".".join(str(part) for part in err["loc"]) or "front matter"
            problems.append(Problem(rel, key_line(front, key), f"{where}: {err['msg']}",
                                    where if err["loc"] else "front_matter", **field_error_code(err)))
        return None, problems
    return item, []


def field_error_code(err: Any) -> dict[str, Any]:
    """The code and facts of one pydantic error of the front matter: the common kinds by name, the
    rest with pydantic's own words as the detail."""
    kind = err["type"]
    if kind == "missing":
        return {"code": "field-missing"}
    if kind == "extra_forbidden":
        return {"code": "field-unknown"}
    if kind == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
        return {"code": "field-empty"}
    if kind in ("literal_error", "enum"):
        return {"code": "field-choice", "facts": {"expected": str(err.get("ctx", {}).get("expected", ""))}}
    return {"code": "field-invalid", "facts": {"detail": err["msg"].removeprefix("Value error, ")}}


def expected_folder(item: Item) -> str:
    return TYPE_FOLDERS[item.type]


def duplicate_ids(library: Library) -> list[Problem]:
    seen: dict[str, list[Item]] = defaultdict(list)
    for item in library.items:
        seen[item.id].append(item)
    return [Problem(dup.path, 2, f"id {item_id!r} is also used by {others[0].path}", "id",
                    code="duplicate-id", facts={"id": item_id, "other": others[0].path})
            for item_id, others in seen.items() if len(others) > 1 for dup in others[1:]]


def read_library(root: Path) -> Library:
    """Load every item that parses; collect the problems of the rest (for lint)."""
    if not (root / "cases").is_dir() and not (root / "playbook").is_dir():
        raise LibraryError(f"{root} is not a library: it has no cases/ or playbook/ folder "
                           "(set --library or CASEBOOK_LIBRARY)")
    items, problems = [], []
    for path in item_files(root):
        item, found = parse_item(path, root)
        problems.extend(found)
        if item is not None:
            items.append(item)
    return Library(root=root, items=items, problems=problems)


def load_library(root: Path) -> Library:
    """Load a library for use; fail with every problem listed when a file does not parse."""
    library = read_library(root)
    problems = library.problems + duplicate_ids(library)
    if problems:
        listing = "\n".join(str(p) for p in problems[:20])
        raise LibraryError(f"the library has {len(problems)} broken file(s); "
                           f"run `casebook lint`:\n{listing}")
    return library
