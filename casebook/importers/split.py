"""The splitter: one document's Markdown -> its cases, one section each.

A case starts at a heading or line such as 案例一 / 案例1 / 【案例】 / [案例]3 (or a line `案例` followed by
a short title line); failing that, at each PowerPoint section; failing that, at numbered headings
(一、 / 1. / 第一章 / （一）) when there are two or more. A document without any of these is one case.
Between case headings, a chapter heading (第一章 / 第二篇 / 第三讲 ...) at the case headings' level or
above starts a section of its own: a handbook's theory chapter, not more of the case before it.
Text before the first case that is not the document's title is reported as not placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from casebook.importers.pptx import SECTION_BREAK

_NUMERAL = r"[\d一二三四五六七八九十百零〇]+"
CASE_HEADING = re.compile(
    rf"^(?:[\[【]\s*案例\s*(?:{_NUMERAL})?\s*[\]】]\s*(?:{_NUMERAL})?|案例\s*{_NUMERAL}(?![\d%％个元年月日次]))"
    r"\s*[-—－:：.、．\s]*(?P<title>.*)$")
_NUMBER = rf"(?:第{_NUMERAL}[章节篇部讲课]|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[（(]{_NUMERAL}[)）])"
NUMBERED_HEADING = re.compile(rf"^{_NUMBER}\s*\S")
CHAPTER_HEADING = re.compile(rf"^第{_NUMERAL}[章篇部讲课]\s*\S")
_NUMBER_PREFIX = re.compile(rf"^{_NUMBER}\s*[:：]?\s*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MAX_HEADING_CHARS = 80
_MAX_TITLE_LINE = 40


@dataclass
class Section:
    """One case of a document: its own title, the heading it started at, its Markdown body."""

    title: str
    heading: str
    body: str


@dataclass
class SplitDocument:
    title: str
    sections: list[Section] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


def _plain(line: str) -> str:
    """A line without Markdown heading marks and bold stars."""
    match = _HEADING.match(line)
    text = match.group(2) if match else line
    return text.strip().strip("*").strip()


def _heading_level(line: str) -> int:
    match = _HEADING.match(line)
    return len(match.group(1)) if match else 0


def _is_title_line(line: str) -> bool:
    text = _plain(line)
    return 0 < len(text) <= _MAX_TITLE_LINE and not text.endswith(("。", "！", "？", "；", ".", "|"))


def _next_text(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def case_starts(lines: list[str]) -> list[tuple[int, str, int]]:
    """(line index, case title, index of the last line the heading uses) of every case heading."""
    starts = []
    for index, line in enumerate(lines):
        text = _plain(line)
        if not text or len(text) > _MAX_HEADING_CHARS or line.lstrip().startswith(("|", ">")):
            continue
        match = CASE_HEADING.match(text)
        if match:
            title, last = match.group("title").strip(), index
            if not title:  # 【案例】 alone: the title is on the next line
                following = _next_text(lines, index + 1)
                if following is not None and _is_title_line(lines[following]):
                    title, last = _plain(lines[following]), following
            starts.append((index, title, last))
        elif text == "案例" and _heading_level(line) != 2:  # `## 案例` is the story part of a collection case
            following = _next_text(lines, index + 1)
            if following is not None and _is_title_line(lines[following]):
                starts.append((index, _plain(lines[following]), following))
    return starts


def _unnumbered(heading: str) -> str:
    """A numbered heading's title without its number (二、益阳电信… -> 益阳电信…); the section keeps
    the heading as the source has it."""
    return _NUMBER_PREFIX.sub("", heading) or heading


def _numbered_starts(lines: list[str]) -> list[tuple[int, str, int]]:
    headings = [(i, _heading_level(line), _plain(line)) for i, line in enumerate(lines) if _heading_level(line)]
    numbered = [(i, level, text) for i, level, text in headings if NUMBERED_HEADING.match(text)]
    if not numbered:
        return []
    top = min(level for _, level, _ in numbered)
    picked = [(i, _unnumbered(text), i) for i, level, text in numbered if level == top]
    return picked if len(picked) >= 2 else []


def _chapter_starts(lines: list[str], cases: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
    """Chapter headings among case headings: a handbook's theory chapters between (or before) its
    cases. Only when the cases start at Markdown headings, and only chapters at their level or above,
    so a case's own sub-headings (一、背景) stay in the case."""
    levels = [_heading_level(lines[index]) for index, _, _ in cases]
    if not all(levels):
        return []
    taken = {index for index, _, _ in cases}
    return [(i, _unnumbered(_plain(line)), i) for i, line in enumerate(lines)
            if i not in taken and 0 < _heading_level(line) <= max(levels) and CHAPTER_HEADING.match(_plain(line))]


def _section_starts(lines: list[str]) -> list[tuple[int, str, int]]:
    breaks = [i for i, line in enumerate(lines) if line.strip() == SECTION_BREAK]
    if not breaks:
        return []
    starts = []
    for index in breaks:
        following = _next_text(lines, index + 1)
        title = _plain(lines[following]) if following is not None and _heading_level(lines[following]) else ""
        starts.append((index, title, following if title else index))
    return starts


def shift_headings(body: str) -> str:
    """Body headings moved so the shallowest is `##` (an item's sections), their order kept."""
    lines = body.splitlines()
    levels = [_heading_level(line) for line in lines if _heading_level(line)]
    if not levels:
        return body
    shift = 2 - min(levels)
    out = []
    for line in lines:
        level = _heading_level(line)
        out.append("#" * min(6, level + shift) + " " + _plain(line) if level else line)
    return "\n".join(out)


def _body(lines: list[str]) -> str:
    kept = [line for line in lines if line.strip() != SECTION_BREAK]
    return shift_headings("\n".join(kept).strip())


def _paragraphs(lines: list[str]) -> list[str]:
    text = "\n".join(line for line in lines if line.strip() != SECTION_BREAK)
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def split(markdown: str, fallback_title: str = "") -> SplitDocument:
    """The cases of a cleaned document, its title, and the text before its first case."""
    lines = markdown.splitlines()
    cases = case_starts(lines)
    starts = sorted(cases + _chapter_starts(lines, cases)) if cases else _section_starts(lines) or _numbered_starts(lines)
    preamble = lines[:starts[0][0]] if starts else lines
    title_at = next((i for i, line in enumerate(preamble) if _heading_level(line)), None)
    if title_at is None and not starts:
        title_at = _next_text(lines, 0)
        if title_at is not None and not _is_title_line(lines[title_at]):
            title_at = None
    title = _plain(preamble[title_at]) if title_at is not None else fallback_title
    if not starts:
        rest = lines[title_at + 1:] if title_at is not None else lines
        body = _body(rest)
        sections = [Section(title=title, heading=title, body=body)] if body else []
        return SplitDocument(title=title, sections=sections)
    unplaced = _paragraphs([line for i, line in enumerate(preamble) if i != title_at])
    sections = []
    for (start, case_title, last), following in zip(starts, [*starts[1:], None]):
        end = following[0] if following else len(lines)
        heading = " ".join(_plain(lines[i]) for i in range(start, last + 1) if lines[i].strip())
        body = _body(lines[last + 1:end])
        if body:
            sections.append(Section(title=case_title or heading, heading=heading, body=body))
        else:
            unplaced.append(heading)
    return SplitDocument(title=title, sections=sections, unplaced=unplaced)
