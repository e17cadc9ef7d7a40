"""The case-collection text format of the seed sources: `[案例]N----title` followed by the story and
the parts `[营销理论]`, `[点评]`, `[营销兵法]` (brackets half- or full-width, or round). A table of
contents repeats the markers with titles only; a title with no text is no case.

Recognised by its markers; read as one `#` heading per case and `##` headings for its parts, so
the splitter treats it like any other document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from casebook.chrome import CHROME_RE, strip_broken
from casebook.importers.base import SourceFile, UnreadableDocument
from casebook.importers.text import decode_text, sniff_text

PARTS = ("案例", "营销理论", "点评", "营销兵法")
CASE_MARKER = re.compile(r"[\[【]案例[\]】]\s*(\d+)\s*[-—－]+")
_PART_RE = re.compile(r"[\[【(（](营销理论|点评|营销兵法)[\]】)）]")


@dataclass
class CollectionCase:
    """A case found in a case collection."""

    number: int
    title: str
    parts: dict[str, str] = field(default_factory=dict)


def _split_parts(text: str) -> dict[str, str]:
    pieces = _PART_RE.split(text)
    parts = {"案例": pieces[0].strip()}
    for name, part in zip(pieces[1::2], pieces[2::2]):
        parts[name] = (parts.get(name, "") + part).strip()
    return parts


def parse_cases(raw: str) -> list[CollectionCase]:
    """Cases with text in a case collection, in order; title-only entries are skipped."""
    text = "\n".join(line for line in strip_broken(raw).splitlines() if not CHROME_RE.search(line))
    markers = list(CASE_MARKER.finditer(text))
    chunks: dict[int, list[str]] = {}
    for marker, following in zip(markers, markers[1:] + [None]):
        end = following.start() if following else len(text)
        chunks.setdefault(int(marker.group(1)), []).append(text[marker.end():end].strip())
    cases = []
    for number, found in chunks.items():
        title = found[0] if len(found) > 1 else ""
        body = found[-1]
        if title and body.startswith(title):
            body = body[len(title):].strip()
        elif not title and not _PART_RE.search(body):
            continue  # a lone title in the table of contents: not a case
        if len(found) > 1 and not body:
            continue
        cases.append(CollectionCase(number=number, title=title, parts=_split_parts(body)))
    return [case for case in cases if case.parts.get("案例")]


class CollectionReader:
    name = "collection"

    def accepts(self, head: bytes, name: str) -> bool:
        text = sniff_text(head)
        return text is not None and CASE_MARKER.search(text) is not None

    def read(self, source: SourceFile) -> str:
        text = decode_text(source.data)
        if text is None:
            raise UnreadableDocument("not-a-document", "not UTF-8 or GB18030 text")
        blocks = []
        for case in parse_cases(text):
            blocks.append(f"# [案例]{case.number} {case.title}".rstrip())
            blocks += [f"## {name}\n\n{case.parts[name]}" for name in PARTS if case.parts.get(name)]
        return "\n\n".join(blocks)


def incomplete(body: str) -> bool:
    """A case of this format that lacks one of its four parts (the source broke off)."""
    headings = {line[3:].strip() for line in body.splitlines() if line.startswith("## ")}
    return "案例" in headings and not set(PARTS) <= headings
