"""Drawing on a slide with python-pptx: text frames that keep their size, runs with a Chinese font.

python-pptx's `font.name` sets only the Latin typeface (`<a:latin>`); a viewer then picks a Chinese
font by itself, and LibreOffice or a Mac may show boxes. Every run here also names the East Asian
typeface (`<a:ea>`) and the theme names it for text typed later. The typeface is Microsoft YaHei,
which Windows PowerPoint has; LibreOffice on Debian substitutes Noto Sans CJK (fonts-noto-cjk).
"""

from __future__ import annotations

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.opc.constants import RELATIONSHIP_TYPE
from pptx.oxml.ns import qn
from pptx.util import Pt

from casebook.export.fit import Frame
from casebook.export.flow import Para

FONT = "Microsoft YaHei"
LANG = "zh-CN"
INSET = 4.0  # points, left and right inside a text frame (top and bottom: half)
CHARSET_GB2312 = "-122"  # tells PowerPoint the East Asian typeface is a Chinese one


def chinese_theme(prs) -> None:
    """Name the typeface in the theme too (heading and body fonts, Latin, East Asian and Simplified)."""
    theme = prs.slide_master.part.part_related_by(RELATIONSHIP_TYPE.THEME)
    root = etree.fromstring(theme.blob)
    for scheme in root.iter(qn("a:majorFont"), qn("a:minorFont")):
        for tag in ("a:latin", "a:ea"):
            scheme.find(qn(tag)).set("typeface", FONT)
        for script_font in scheme.findall(qn("a:font")):
            if script_font.get("script") == "Hans":
                script_font.set("typeface", FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def chinese_font(rpr) -> None:
    """Latin, East Asian and complex-script typefaces on one run's properties (`a:rPr`), in schema order."""
    rpr.set("lang", LANG)
    rpr.set("altLang", "en-US")
    latin = rpr.get_or_add_latin()
    latin.set("typeface", FONT)
    for tag in ("a:cs", "a:ea"):  # inserted right after <a:latin>: ea, then cs
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
        font = etree.SubElement(rpr, qn(tag))
        font.set("typeface", FONT)
        if tag == "a:ea":
            font.set("charset", CHARSET_GB2312)
        latin.addnext(font)


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color)


def rect(slide, x: float, y: float, w: float, h: float, fill: str, name: str, rounded: bool = False):
    """A filled shape without outline (positions in points)."""
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE,
                                   Pt(x), Pt(y), Pt(w), Pt(h))
    shape.name = name
    shape.fill.solid()
    shape.fill.fore_color.rgb = rgb(fill)
    shape.line.fill.background()
    shape.shadow.inherit = False
    if rounded:
        shape.adjustments[0] = 0.06
    return shape


def text_box(slide, x: float, y: float, w: float, h: float, name: str, anchor=MSO_ANCHOR.TOP):
    """A text frame of fixed size that wraps (no auto-fit: what fits was decided before)."""
    box = slide.shapes.add_textbox(Pt(x), Pt(y), Pt(w), Pt(h))
    box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Pt(INSET)
    frame.margin_top = frame.margin_bottom = Pt(INSET / 2)
    return box


def inner(w: float, h: float) -> Frame:
    """The text area of a text box `w` x `h` points."""
    return Frame(w - 2 * INSET, h - INSET)


def _run(paragraph, text: str, size: float, color: str, bold: bool, italic: bool) -> None:
    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = rgb(color)
    chinese_font(run._r.get_or_add_rPr())


def _bullet(paragraph, size: float) -> None:
    """A hanging `•` for a list item, as PowerPoint's own bullets (not a character in the text)."""
    ppr = paragraph._p.get_or_add_pPr()
    indent = Pt(size * 1.2)
    ppr.set("marL", str(indent))
    ppr.set("indent", str(-indent))
    for tag in ("a:buNone", "a:buChar"):
        old = ppr.find(qn(tag))
        if old is not None:
            ppr.remove(old)
    bullet = etree.SubElement(ppr, qn("a:buChar"))
    bullet.set("char", "•")


def write(box, paras: list[Para], lead_color: str = "1F5FAE") -> None:
    """Set paragraphs in a text box: exact line pitch, space before, lead-in then text."""
    frame = box.text_frame
    for n, para in enumerate(paras):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        style = para.style
        paragraph.line_spacing = Pt(style.pitch)
        paragraph.space_before = Pt(0 if n == 0 else style.space_before)
        paragraph.space_after = Pt(0)
        # No punctuation hanging past the frame's edge (LibreOffice hangs a line-end full stop by default).
        paragraph._p.get_or_add_pPr().set("hangingPunct", "0")
        if para.kind == "bullet":
            _bullet(paragraph, style.size)
        if para.lead:
            _run(paragraph, para.lead, style.size, lead_color, True, False)
        _run(paragraph, para.text, style.size, style.color, style.bold, style.italic)
        chinese_font(paragraph._p.get_or_add_endParaRPr())


def speaker_notes(slide, text: str) -> None:
    """The trainer's note under the slide (PowerPoint's presenter view shows it)."""
    if not text:
        return
    frame = slide.notes_slide.notes_text_frame
    for n, line in enumerate(text.splitlines() or [text]):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(14)
        chinese_font(run._r.get_or_add_rPr())
