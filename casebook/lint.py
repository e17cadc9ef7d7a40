"""`casebook lint`: every rule of docs/SCHEMA.md, checked over a whole library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casebook.chrome import BROKEN_CHARS_RE, find_chrome
from casebook.loader import Library, Problem, duplicate_ids, key_line, read_library
from casebook.model import TYPE_FOLDERS, Item
from casebook.personal_numbers import MASKED_EXAMPLE, personal_numbers
from casebook.vocabulary_lint import Fix, check_terms, fix_file

_PLACEHOLDER = "TODO"
# A case whose source breaks off says so twice, in step: this tag and an editor's section.
STUB_TAG, STUB_HEADING = "incomplete", "## 编者按：原文残缺"


def front_and_offset(text: str) -> tuple[str, int]:
    """The raw front matter of an item file's text and the file line its body starts on."""
    head, _, _ = text.lstrip("\ufeff")[3:].partition("\n---")
    return "---" + head, head.count("\n") + 3


def check_item(library: Library, item: Item, text: str | None = None) -> list[Problem]:
    """Rules about one item that need the rest of the library (links) or its raw text.

    `text` is the item's file text when it is not (yet) on disk, as when an editor saves it.
    """
    if text is None:
        text = (library.root / item.path).read_text(encoding="utf-8")
    front, body_line = front_and_offset(text)
    problems: list[Problem] = []

    def report(key: str, message: str, code: str, **facts: Any) -> None:
        problems.append(Problem(item.path, key_line(front, key), message, key, code=code, facts=facts))

    def report_body(line: int, message: str, code: str, **facts: Any) -> None:
        problems.append(Problem(item.path, line, message, "body", code=code, facts=facts))

    folder = TYPE_FOLDERS[item.type]
    if not item.path.startswith(folder + "/"):
        report("type", f"a {item.type} belongs in {folder}/, not {item.path.rsplit('/', 1)[0]}/",
               "wrong-folder", type=item.type, folder=folder)
    if Path(item.path).stem != item.id:
        report("id", f"file name must be the id: rename to {item.id}.md", "file-name-not-id", id=item.id)
    if not item.body.strip():
        report_body(body_line, "body is empty", "body-empty")
    for field, wanted in (("theories", "theory"), ("scripts", "script")):
        for target in getattr(item, field):
            linked = library.get(target)
            if linked is None:
                report(field, f"{field}: no item has id {target!r}", "link-missing", target=target)
            elif linked.type != wanted:
                report(field, f"{field}: {target!r} is a {linked.type}, not a {wanted}", "link-wrong-type",
                       target=target, type=linked.type, wanted=wanted)
            elif linked.review and not item.review:  # it would be served linking an item that is not
                report(field, f"{field}: {target!r} is a draft still to review; review it first or drop the link",
                       "link-to-draft", target=target)
    if item.type == "theory" and (item.theories or item.scripts):
        report("theories" if item.theories else "scripts",
               "a theory lists no links: cases and scripts point to it and backlinks are derived", "theory-links")
    if item.type != "case" and item.outcome is not None:
        report("outcome", "only a case has an outcome", "outcome-not-case")
    if item.type != "case" and item.scripts:
        report("scripts", "only a case lists scripts", "scripts-not-case")
    if item.review:
        report("review", f"fields still to review: {', '.join(item.review)}; "
                         "remove each from `review:` once checked", "fields-to-review", fields=list(item.review))
    for key, value in item.model_dump(exclude={"body", "path", "review"}).items():
        if _PLACEHOLDER in str(value):
            report(key, f"{key}: still holds the {_PLACEHOLDER} placeholder of a draft", "placeholder",
                   placeholder=_PLACEHOLDER)
        if personal_numbers(str(value)):
            report(key, f"{key}: holds a phone or ID number; mask it ({MASKED_EXAMPLE})", "personal-number",
                   example=MASKED_EXAMPLE)
    for number, phrase in find_chrome(item.body):
        report_body(body_line + number - 1, f"page chrome left in the body: {phrase!r}", "page-chrome", phrase=phrase)
    for number, line in enumerate(item.body.splitlines(), start=body_line):
        if BROKEN_CHARS_RE.search(line):
            report_body(number, "broken characters (e.g. U+FFFD) in the body", "broken-chars")
        if personal_numbers(line):
            report_body(number, f"a phone or ID number in the body; mask it ({MASKED_EXAMPLE})", "personal-number",
                        example=MASKED_EXAMPLE)
    problems += _stub_marks(item, front, body_line)
    if len(library.vocabulary):  # an unreadable vocabulary is one problem, not one per term
        problems += check_terms(library.vocabulary, item.path, text)
        for key in ("title_en", "summary_en"):
            for name, product in library.vocabulary.misnamed_products(getattr(item, key)):
                report(key, f"{key}: {name} is another English name of {product.label} ({product.id}): "
                            f"write {product.label_en}", "misnamed-product",
                       name=name, product=product.label, write=product.label_en)
    return problems


def _stub_marks(item: Item, front: str, body_line: int) -> list[Problem]:
    """A cut-off source is marked both ways or not at all: the `incomplete` tag and the section."""
    heading = next((n for n, line in enumerate(item.body.splitlines(), start=body_line)
                    if line.startswith(STUB_HEADING)), None)
    if STUB_TAG in item.tags and heading is None:
        return [Problem(item.path, key_line(front, "tags"), f"tags: {STUB_TAG!r} needs a `{STUB_HEADING}` "
                        "section at the end of the body saying where the source breaks off",
                        code="stub-tag-alone", facts={"tag": STUB_TAG, "heading": STUB_HEADING})]
    if STUB_TAG not in item.tags and heading is not None:
        return [Problem(item.path, heading, f"`{STUB_HEADING}` marks a cut-off source: add the tag {STUB_TAG!r}",
                        code="stub-section-alone", facts={"tag": STUB_TAG, "heading": STUB_HEADING})]
    return []


def lint(root: Path) -> list[Problem]:
    """Every problem in the library at `root`, in file order (the vocabulary file's too)."""
    library = read_library(root)
    problems = list(library.problems) + duplicate_ids(library) + library.vocabulary.problems
    for item in library.items:
        problems.extend(check_item(library, item))
    return sorted(problems, key=lambda p: (p.path, p.line))


def fix(root: Path) -> tuple[list[Fix], list[Problem]]:
    """Rewrite synonyms in items' situations, products and tags to canonical terms, file by file:
    the changes made, and the files that could not be fixed safely (left as they were)."""
    library = read_library(root)
    changes: list[Fix] = []
    refused: list[Problem] = []
    if not len(library.vocabulary):
        return changes, refused
    for item in library.items:
        try:
            changes += fix_file(library.vocabulary, root, item.path)
        except (ValueError, FileExistsError) as exc:
            refused.append(Problem(item.path, 1, f"not fixed: {exc}", code="not-fixed", facts={"reason": str(exc)}))
    return changes, refused
