"""PDF (text layer): pdfplumber's characters grouped into lines by position, so words in a fallback
font (curly quotes, Latin) stay where they are printed and no space is invented between Chinese
and digits; lines joined into paragraphs, larger type as headings, ruled tables as Markdown
tables, pictures as figure marks. Running headers and footers (lines near the top or bottom edge
that repeat on most pages, page numbers included) are dropped."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from casebook.importers.base import SourceFile, UnreadableDocument, markdown_table

_MARGIN = 0.1  # top and bottom tenth of a page: where running headers and footers live
_SENTENCE_END = tuple("。！？!?；;：:）)”」』")
_MIN_FIGURE_PT = 24  # smaller pictures are bullets and rules, not figures


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float


@dataclass
class _Block:
    """A table or figure placed at a height of its page."""

    top: float
    markdown: str


class PdfReader:
    name = "pdf"

    def accepts(self, head: bytes, name: str) -> bool:
        return head.lstrip()[:5] == b"%PDF-"

    def read(self, source: SourceFile) -> str:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
        from pdfplumber.utils.exceptions import PdfminerException

        try:
            with pdfplumber.open(source.stream()) as pdf:
                pages = [_read_page(page) for page in pdf.pages]
        except PdfminerException as exc:  # pdfplumber wraps pdfminer's errors
            cause = exc.args[0] if exc.args else exc
            if isinstance(cause, PDFPasswordIncorrect):
                raise UnreadableDocument("encrypted", "the PDF is protected by a password: "
                                         "save an unprotected copy and import that") from exc
            raise UnreadableDocument("damaged", f"the PDF cannot be parsed ({type(cause).__name__})") from exc
        if not any(lines for lines, _ in pages):
            if any(blocks for _, blocks in pages):
                raise UnreadableDocument("image-only", "the PDF has no text layer, only images (a scan?): "
                                         "run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and import the result")
            raise UnreadableDocument("no-text", "the PDF has no text")
        running = _running_lines(pages)
        return _markdown(pages, running)


def _read_page(page) -> tuple[list[_Line], list[_Block]]:
    height = float(page.height)
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        mid_x, mid_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= mid_x <= x1 and top <= mid_y <= bottom for x0, top, x1, bottom in boxes)

    lines = []
    for raw in page.filter(outside_tables).extract_text_lines(return_chars=True, strip=True):
        if not raw["text"].strip():
            continue
        sizes = Counter(round(float(c["size"]), 1) for c in raw["chars"])
        lines.append(_Line(float(raw["top"]), float(raw["bottom"]), float(raw["x0"]), float(raw["x1"]),
                           raw["text"], sizes.most_common(1)[0][0]))
    blocks = [_Block(float(t.bbox[1]), markdown_table([[_cell(c) for c in row] for row in t.extract()]))
              for t in tables if t.extract()]
    for image in page.images:
        big = image["x1"] - image["x0"] >= _MIN_FIGURE_PT and image["bottom"] - image["top"] >= _MIN_FIGURE_PT
        in_margin = image["bottom"] < height * _MARGIN or image["top"] > height * (1 - _MARGIN)
        if big and not in_margin:
            blocks.append(_Block(float(image["top"]), "![](figure)"))
    for line in lines:
        line.top, line.bottom = line.top / height, line.bottom / height  # fractions of the page
    for block in blocks:
        block.top = block.top / height
    return lines, blocks


def _cell(text: str | None) -> str:
    return _join_lines((text or "").splitlines())


def _key(line: _Line) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))


def _in_margin(line: _Line) -> bool:
    return line.bottom < _MARGIN or line.top > 1 - _MARGIN


def _running_lines(pages: list[tuple[list[_Line], list[_Block]]]) -> set[str]:
    """Margin lines (digits ignored) that repeat on at least half of the pages."""
    if len(pages) < 2:
        return set()
    counts: Counter = Counter()
    for lines, _ in pages:
        counts.update({_key(line) for line in lines if _in_margin(line)})
    return {key for key, seen in counts.items() if seen >= max(2, len(pages) / 2)}


def _join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one: a space only between two Latin letters or digits."""
    out = ""
    for line in (line.strip() for line in lines):
        if out and line and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def _markdown(pages: list[tuple[list[_Line], list[_Block]]], running: set[str]) -> str:
    body = [line for lines, _ in pages for line in lines if not (_in_margin(line) and _key(line) in running)]
    sizes: Counter = Counter()
    for line in body:
        sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    heading_sizes = sorted({line.size for line in body if line.size >= body_size * 1.15}, reverse=True)
    right = max(line.x1 for line in body)
    left = min(line.x0 for line in body)
    out: list[str] = []
    paragraph: list[str] = []
    previous: _Line | None = None

    def flush() -> None:
        if paragraph:
            out.append(_join_lines(paragraph))
            paragraph.clear()

    for lines, blocks in pages:
        kept = [line for line in lines if not (_in_margin(line) and _key(line) in running)]
        items = sorted([(line.top, line) for line in kept] + [(block.top, block) for block in blocks],
                       key=lambda pair: pair[0])
        page_start = True
        for _, item in items:
            if isinstance(item, _Block):
                flush()
                out.append(item.markdown)
                previous = None
                continue
            line = item
            if line.size in heading_sizes:
                flush()
                out.append("#" * (heading_sizes.index(line.size) + 1) + " " + line.text.strip())
                previous = None
                continue
            if previous is not None and _starts_paragraph(previous, line, page_start, left, right, body_size):
                flush()
            paragraph.append(line.text)
            previous = line
            page_start = False
    flush()
    return "\n\n".join(out)


def _starts_paragraph(previous: _Line, line: _Line, page_start: bool, left: float, right: float,
                      size: float) -> bool:
    """Whether `line` begins a new paragraph after `previous` (same page or the page before)."""
    ended_short = previous.x1 < right - 2 * size and previous.text.rstrip().endswith(_SENTENCE_END)
    indented = line.x0 > left + size
    if page_start:
        return ended_short or indented or (previous.text.rstrip().endswith(_SENTENCE_END) and previous.x1 < right - size)
    line_height = previous.bottom - previous.top
    gap = line.top - previous.bottom
    return ended_short or indented or gap > line_height * 0.8
