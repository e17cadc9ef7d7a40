"""A session pack as a Word handout (python-docx): a cover with the contents, then per item its
situation, the verbatim story under its own headings, the theory and script lines it links,
discussion questions with ruled lines to write on, and the source.

The trainer's notes stay out: the handout is for the people in the room. Every style and every run
names the East Asian font (`w:eastAsia`), not only the Latin one python-docx's `font.name` sets.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from casebook.export.content import body_blocks, script_lines
from casebook.model import KIND_LABELS, KIND_LABELS_EN
from casebook.pack import Pack, PackItem, source_line

FONT = "Microsoft YaHei"  # Windows has it; LibreOffice on Debian substitutes Noto Sans CJK
NAVY, PRIMARY, INK_2, MUTED, RULE = "14304F", "1F5FAE", "4A5568", "718096", "A0AEC0"
TYPE_NAME = {"case": "案例 Case", "theory": "理论 Theory", "script": "话术 Script"}
STYLE_SIZES = {"Normal": 10.5, "Title": 24, "Subtitle": 12, "Heading 1": 16, "Heading 2": 13,
               "Heading 3": 11.5, "Heading 4": 10.5, "List Bullet": 10.5, "List Number": 10.5}
STYLE_COLORS = {"Title": NAVY, "Subtitle": INK_2, "Heading 1": NAVY, "Heading 2": PRIMARY,
                "Heading 3": PRIMARY, "Heading 4": INK_2}
WRITING_LINES = 4


def chinese_font(rpr) -> None:
    """One font for Latin, East Asian and complex script on a run or style's `w:rPr` (theme fonts off)."""
    fonts = rpr.get_or_add_rFonts()
    for name in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(name), None)
    for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(name), FONT)


def _styles(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    chinese_font(defaults)
    lang = defaults.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    for name, size in STYLE_SIZES.items():
        style = doc.styles[name]
        chinese_font(style.element.get_or_add_rPr())
        style.font.size = Pt(size)
        if name in STYLE_COLORS:
            style.font.color.rgb = RGBColor.from_string(STYLE_COLORS[name])
    doc.styles["Normal"].paragraph_format.line_spacing = 1.4
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)


def _page(doc, pack: Pack) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    footer = section.footer.paragraphs[0]
    _run(footer, f"{pack.title} · ", size=8.5, color=MUTED)
    _page_number(footer)


def _page_number(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
    run = OxmlElement("w:r")
    field.append(run)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)


def _run(paragraph, text: str, size: float | None = None, color: str | None = None, bold: bool = False,
         italic: bool = False):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    chinese_font(run._r.get_or_add_rPr())
    return run


def _para(doc, text: str = "", style: str | None = None, **look):
    paragraph = doc.add_paragraph(style=style)
    if text:
        _run(paragraph, text, **look)
    return paragraph


def _shade(paragraph, fill: str) -> None:
    """A tinted background behind a paragraph (the situation box)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().append(shading)


def _ruled(doc) -> None:
    """A line to write on: a tab to the right margin, drawn as an underscore leader (a bottom border
    would merge with the next ruled paragraph's into one box)."""
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.LINES)
    paragraph.paragraph_format.space_before = Pt(10)
    _run(paragraph, "\t", color=RULE)


def _heading(doc, text: str, level: int):
    heading = doc.add_heading(level=level)
    _run(heading, text)
    return heading


def cover(doc, pack: Pack) -> None:
    _para(doc, "casebook · 培训讨论包 Session pack", size=10, color=PRIMARY, bold=True)
    title = doc.add_paragraph(style="Title")
    _run(title, pack.title)
    meta = " · ".join(part for part in (pack.audience, pack.day.isoformat(), f"{len(pack.items)} 项 items") if part)
    _para(doc, meta, style="Subtitle")
    _heading(doc, "目录 Contents", 2)
    for n, p in enumerate(pack.items, start=1):
        row = _para(doc)
        _run(row, f"{n}. ", bold=True, color=PRIMARY)
        _run(row, p.item.title, bold=True)
        _run(row, f"  {TYPE_NAME[p.item.type]} · {p.item.title_en}", size=9, color=MUTED)


def story(doc, p: PackItem) -> None:
    """The body verbatim: its headings one level under the item's, list items as bullets."""
    for block in body_blocks(p.item.body):
        if block.kind == "heading":
            _heading(doc, block.text, min(block.level + 1, 4))
        elif block.kind == "bullet":
            _para(doc, block.text, style="List Bullet")
        else:
            _para(doc, block.text, bold=block.bold)


def links(doc, p: PackItem) -> None:
    theories, scripts = p.links.theories, p.links.scripts
    if not theories and not scripts:
        return
    _heading(doc, "理论与话术 Theory and script lines", 2)
    for theory in theories:
        row = _para(doc)
        _run(row, theory.title, bold=True)
        _run(row, f"：{theory.summary}", color=INK_2)
    for script in scripts:
        _para(doc, script.title, bold=True)
        for line in script_lines(script):
            _para(doc, line, style="List Bullet")


def questions(doc, p: PackItem) -> None:
    """The discussion prompts, each with ruled lines below it; an item without prompts gets a notes area."""
    if p.prompts:
        _heading(doc, "讨论题 Discussion questions", 2)
        for n, prompt in enumerate(p.prompts, start=1):
            row = _para(doc)
            _run(row, f"{n}. ", bold=True, color=PRIMARY)
            _run(row, prompt)
            for _ in range(WRITING_LINES):
                _ruled(doc)
    else:
        _heading(doc, "笔记 Notes", 2)
        for _ in range(WRITING_LINES + 2):
            _ruled(doc)


def item_section(doc, p: PackItem, number: int) -> None:
    item = p.item
    _heading(doc, f"{number}. {item.title}", 1).paragraph_format.page_break_before = True
    _para(doc, item.title_en, italic=True, color=INK_2)
    kind = f" · {KIND_LABELS[item.kind]} {KIND_LABELS_EN[item.kind]}" if item.kind else ""  # 故事 Story, as 案例 Case
    _para(doc, f"{TYPE_NAME[item.type]}{kind} · {item.id}", size=9, color=MUTED)
    situation = _para(doc)
    _shade(situation, "E8F0FB")
    _run(situation, "情境 Situation  ", bold=True, color=PRIMARY)
    _run(situation, item.summary)
    story(doc, p)
    links(doc, p)
    questions(doc, p)
    _para(doc, f"出处 Source：{source_line(item)}", size=9, color=MUTED).paragraph_format.space_before = Pt(12)


def pack_docx(pack: Pack) -> bytes:
    """The handout as the bytes of a .docx file."""
    doc = Document()
    _styles(doc)
    _page(doc, pack)
    cover(doc, pack)
    for number, p in enumerate(pack.items, start=1):
        item_section(doc, p, number)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
