"""The cleaner: drop what a document carries around its text (page numbers, "下转xx页", tables of
contents, web-page chrome, broken characters), mark where figures stood and mask customers' phone
and ID numbers. Every other character is kept exactly as the reader gave it."""

from __future__ import annotations

import re

from casebook.chrome import CHROME_RE, strip_broken
from casebook.personal_numbers import mask_numbers

FIGURE_MARK = "> 编者按：原文此处有图"  # every figure line starts so; lint and tests look for it
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_FILE_NAME = re.compile(r"^[\w.\- ]+\.(png|jpe?g|gif|bmp|emf|wmf|svg|tiff?)$", re.I)

_PAGE_NUMBER = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]|\d+\s*/\s*\d+"
    r"|(?:page|p\.)\s*\d+(?:\s*of\s*\d+)?|\d{1,4})\s*$", re.I)
_CONTINUED_LINE = re.compile(r"^\s*[（(]?\s*(?:(?:下转|上接|下接|转|接)\s*第?\s*\d+\s*[页版]"
                            r"|转下页|接上页|续上页|续前页)\s*[)）]?\s*$")
_TOC_HEADING = re.compile(r"^\s*#*\s*(目\s*录|contents|table of contents)\s*$", re.I)
_TOC_ENTRY = re.compile(r"^\s*[-*]?\s*\S.{0,80}?(?:\.{3,}|…{2,}|·{3,}|-{4,}|_{4,}|\t)\s*\d{1,4}\s*$")


def figure_line(caption: str = "") -> str:
    """The editor's line that stands where the source had a figure or chart."""
    caption = caption.strip()
    if _FILE_NAME.match(caption):
        caption = ""
    return f"{FIGURE_MARK}（{caption}），未导入。" if caption else f"{FIGURE_MARK}，未导入。"


def _figure_lines(line: str) -> list[str]:
    """A line holding Markdown images: its text (if any) and one figure line per image."""
    images = _IMAGE.findall(line)
    rest = _IMAGE.sub("", line).strip()
    return ([rest] if rest else []) + [figure_line(caption) for caption in images]


def clean(markdown: str) -> str:
    """Markdown without page furniture; paragraphs and their wording unchanged."""
    out: list[str] = []
    for line in strip_broken(markdown).splitlines():
        if _PAGE_NUMBER.match(line) or _CONTINUED_LINE.match(line) or CHROME_RE.search(line):
            continue
        if _TOC_HEADING.match(line) or _TOC_ENTRY.match(line):
            continue
        if _IMAGE.search(line):
            out.extend(_figure_lines(line))
            continue
        out.append(mask_numbers(line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"

