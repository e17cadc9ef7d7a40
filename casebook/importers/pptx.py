"""PowerPoint (.pptx): each slide's shapes in reading order (top to bottom, then left to right,
not the order they were added in), the slide title as a heading, tables as Markdown tables,
pictures and charts as figure marks. Footers, slide numbers and dates are dropped, both the
placeholders and plain text boxes that repeat at the same place on most slides."""

from __future__ import annotations

import re
from collections import Counter

from casebook.importers.base import SourceFile, accepts_office, check_office, markdown_table

SECTION_BREAK = "<!-- section -->"  # the splitter starts a new case at each PowerPoint section
_FURNITURE = {"FOOTER", "SLIDE_NUMBER", "DATE", "HEADER"}
_TOP_BAND = 0.12  # a text box in the top or bottom 12% of the slide may be a running line


class PptxReader:
    name = "pptx"

    def accepts(self, head: bytes, name: str) -> bool:
        return accepts_office(head, name, ".pptx", "ppt/presentation.xml")

    def read(self, source: SourceFile) -> str:
        from pptx import Presentation

        check_office(source, "ppt/presentation.xml",
                     encrypted="the presentation is protected by a password: save an unprotected copy and import that",
                     damaged="not a readable PowerPoint file (no ppt/presentation.xml inside)")
        deck = Presentation(source.stream())
        running = _running_boxes(deck)
        starts = _section_starts(deck)
        out = []
        for number, slide in enumerate(deck.slides):
            if number in starts and number:
                out.append(SECTION_BREAK)
            out.extend(_slide_blocks(slide, running))
        return "\n\n".join(out)


def _is_furniture(shape) -> bool:
    if not shape.is_placeholder:
        return False
    kind = getattr(shape.placeholder_format.type, "name", "") or ""
    return kind in _FURNITURE


def _box_key(shape) -> tuple[str, int, int]:
    """A text box's text (digits ignored, so slide numbers match) and rough position."""
    text = re.sub(r"\d+", "#", shape.text_frame.text.strip())
    return (text, int(shape.top or 0) // 50000, int(shape.left or 0) // 50000)


def _in_band(shape, height: int) -> bool:
    top = int(shape.top or 0)
    return top < height * _TOP_BAND or top > height * (1 - _TOP_BAND)


def _running_boxes(deck) -> set[tuple[str, int, int]]:
    """Text boxes near the top or bottom edge that repeat on at least half of the slides."""
    slides = list(deck.slides)
    counts: Counter = Counter()
    for slide in slides:
        counts.update({_box_key(s) for s in slide.shapes
                       if s.has_text_frame and s.text_frame.text.strip() and _in_band(s, deck.slide_height)})
    return {key for key, seen in counts.items() if len(slides) > 1 and seen >= max(2, len(slides) / 2)}


def _section_starts(deck) -> set[int]:
    """Indexes of the first slide of each PowerPoint section (p14:sectionLst), if it has any."""
    ns = "{http://schemas.microsoft.com/office/powerpoint/2010/main}"
    ids = [int(s.slide_id) for s in deck.slides]
    starts = set()
    for section in deck.part._element.iter(f"{ns}section"):
        first = next(section.iter(f"{ns}sldId"), None)
        if first is not None and int(first.get("id")) in ids:
            starts.add(ids.index(int(first.get("id"))))
    return starts


def _reading_order(shapes) -> list:
    """Top to bottom, then left to right; shapes whose tops are within 1/4 inch count as one row."""
    return sorted(shapes, key=lambda s: (int(s.top or 0) // 228600, int(s.left or 0)))


def _slide_blocks(slide, running: set) -> list[str]:
    title = slide.shapes.title
    blocks = []
    if title is not None and title.text_frame.text.strip():
        blocks.append("## " + " ".join(title.text_frame.text.split()))
    others = [s for s in slide.shapes if title is None or s.shape_id != title.shape_id]
    return blocks + _shape_blocks(others, running)


def _shape_blocks(shapes, running: set) -> list[str]:
    """Markdown blocks of shapes in reading order; a group's shapes are read in place."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    blocks = []
    for shape in _reading_order(shapes):
        if _is_furniture(shape):
            continue
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            blocks.extend(_shape_blocks(list(shape.shapes), running))
        elif shape.has_text_frame:
            if _box_key(shape) in running:
                continue
            text = "\n\n".join(p.text.strip() for p in shape.text_frame.paragraphs if p.text.strip())
            if text:
                blocks.append(text)
        elif getattr(shape, "has_table", False):
            rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
            if rows:
                blocks.append(markdown_table(rows))
        elif getattr(shape, "has_chart", False):
            chart = shape.chart
            caption = chart.chart_title.text_frame.text if chart.has_title else ""
            blocks.append(f"![图表 {caption}".rstrip() + "](figure)")
        elif shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            alt = shape._element.xpath("./p:nvPicPr/p:cNvPr/@descr")
            blocks.append(f"![{alt[0] if alt else ''}](figure)")
    return blocks
