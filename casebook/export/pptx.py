"""A session pack as a PowerPoint deck (python-pptx): title, agenda, and per item its situation, the
verbatim story over as many slides as it needs, discussion prompts, the theory and script lines it
links, the trainer's note in the speaker notes and the source under every slide.

What goes on a slide is decided before it is drawn (casebook.export.flow): every text frame holds
only what the estimate says fits, at a fixed size, so nothing runs off a slide in any viewer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Pt

from casebook.export import pptx_kit as kit
from casebook.export.content import body_blocks, script_lines
from casebook.export.fit import Frame, Style
from casebook.export.flow import Para, fits, flow_story, flow_units
from casebook.model import CHANNEL_LABELS, OUTCOME_LABELS, SEGMENT_LABELS
from casebook.pack import Pack, PackItem, source_line

# The pages' colours (api/pages/static/style.css).
NAVY, GOLD, INK, INK_2, MUTED, LINE = "14304F", "F2B544", "1C2430", "4A5568", "718096", "E2E8F0"
PRIMARY, PRIMARY_SOFT, PALE, WHITE = "1F5FAE", "E8F0FB", "C9D6E8", "FFFFFF"
TYPE_COLOR = {"case": ("0F766E", "E6F4F2"), "theory": ("4C51BF", "ECEDFB"), "script": ("B45309", "FDF3E4")}
TYPE_LABEL = {"case": "案例 CASE", "theory": "理论 THEORY", "script": "话术 SCRIPT"}

# 16:9, in points. Item slides: a header band, the body frame, a footer with the source.
WIDTH, HEIGHT, MARGIN = 960.0, 540.0, 48.0
HEADER = 84.0
BODY = (MARGIN, 104.0, WIDTH - 2 * MARGIN, 376.0)
FOOTER_Y = 494.0

STORY = {
    "text": Style(20, 30, space_before=10),
    "bold": Style(20, 30, space_before=10, bold=True),
    "bullet": Style(19, 28, space_before=6),
    "heading": Style(16, 24, space_before=16, bold=True, color=PRIMARY),
}
PROMPT = Style(18, 27, space_before=14)
LABEL = Style(13, 20, space_before=16, bold=True, color=PRIMARY)
LINK_TITLE = Style(17, 25, space_before=10, bold=True)
LINK_TEXT = Style(14, 21, space_before=2, color=INK_2)
SCRIPT_LINE = Style(15, 22, space_before=4)
KICKER = Style(11, 16, bold=True, color=GOLD)
TINY = 6.0  # points: the floor for a title or summary too long for its frame at any readable size


def _sized(style: Style, size: float) -> Style:
    return Style(size, style.pitch * size / style.size, style.space_before, style.bold, style.italic, style.color)


def fitted(text: str, style: Style, frame: Frame) -> Para:
    """The text in one frame at the largest size at which it fits (a title, a summary: a very long
    one is set small rather than run off the slide)."""
    size = style.size
    while size > TINY and not fits([Para(text, _sized(style, size))], frame):
        size -= 0.5
    return Para(text, _sized(style, size))


@dataclass
class Deck:
    """The presentation being built and its slide count (for the page numbers)."""

    prs: object
    number: int = 0

    def slide(self, note: str = ""):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])  # blank
        self.number += 1
        kit.speaker_notes(slide, note)
        return slide


def _box(slide, x: float, y: float, w: float, h: float, name: str, paras: list[Para],
         lead_color: str = PRIMARY, anchor=MSO_ANCHOR.TOP, align=None):
    box = kit.text_box(slide, x, y, w, h, name, anchor)
    kit.write(box, paras, lead_color)
    if align is not None:
        for paragraph in box.text_frame.paragraphs:
            paragraph.alignment = align
    return box


def _header(slide, p: PackItem, number: int, part: str) -> None:
    """The band on top of an item's slides: the item's number, type and part, and its title."""
    color = TYPE_COLOR[p.item.type][0]
    kit.rect(slide, 0, 0, WIDTH, HEADER, NAVY, "band")
    kit.rect(slide, 0, 0, 10, HEADER, color, "type-strip")
    kicker = f"{number:02d} · {TYPE_LABEL[p.item.type]} · {part}"
    _box(slide, MARGIN, 10, WIDTH - 2 * MARGIN, 20, "kicker", [fitted(kicker, KICKER, kit.inner(WIDTH - 2 * MARGIN, 20))])
    title = fitted(p.item.title, Style(24, 29, bold=True, color=WHITE), kit.inner(WIDTH - 2 * MARGIN, 50))
    _box(slide, MARGIN, 30, WIDTH - 2 * MARGIN, 50, "title", [title], anchor=MSO_ANCHOR.MIDDLE)


def _footer(deck: Deck, slide, source: str) -> None:
    """The source under every item slide, and the slide number."""
    kit.rect(slide, MARGIN, FOOTER_Y, WIDTH - 2 * MARGIN, 0.75, LINE, "rule")
    text = fitted(f"出处 Source：{source}", Style(10, 13, color=MUTED), kit.inner(WIDTH - 2 * MARGIN - 80, 34))
    _box(slide, MARGIN, FOOTER_Y + 4, WIDTH - 2 * MARGIN - 80, 34, "source", [text])
    _box(slide, WIDTH - MARGIN - 80, FOOTER_Y + 4, 80, 20, "page-number",
         [Para(str(deck.number), Style(10, 13, color=MUTED))], align=PP_ALIGN.RIGHT)


def title_slide(deck: Deck, pack: Pack) -> None:
    slide = deck.slide()
    kit.rect(slide, 0, 0, WIDTH, HEIGHT, NAVY, "background")
    kit.rect(slide, MARGIN, 150, 72, 6, GOLD, "accent")
    _box(slide, MARGIN, 108, 864, 30, "kicker", [Para("casebook · 培训讨论包 SESSION PACK", Style(14, 20, bold=True, color=GOLD))])
    title = fitted(pack.title, Style(40, 50, bold=True, color=WHITE), kit.inner(864, 170))
    _box(slide, MARGIN, 172, 864, 170, "title", [title])
    dated = Para(f"{pack.day.isoformat()} · {len(pack.items)} 项 items", Style(16, 24, space_before=8, color=PALE))
    meta = [dated]
    if pack.audience:  # up to 200 characters: set smaller when it is long
        room = kit.inner(864, 130 - dated.style.pitch - dated.style.space_before)
        meta.insert(0, fitted(f"对象 Audience：{pack.audience}", Style(20, 28, color=PALE), room))
    _box(slide, MARGIN, 350, 864, 130, "meta", meta)


def agenda_slides(deck: Deck, pack: Pack) -> None:
    rows: list[Para] = []
    for n, p in enumerate(pack.items, start=1):
        rows.append(Para(p.item.title, Style(19, 27, space_before=12, bold=True), lead=f"{n:02d}  ", keep_with_next=True))
        rows.append(Para(f"{TYPE_LABEL[p.item.type]} · {p.item.title_en}", Style(12, 17, space_before=2, color=MUTED)))
    pages = flow_units(rows, kit.inner(*BODY[2:]))
    for n, page in enumerate(pages, start=1):
        slide = deck.slide()
        kit.rect(slide, 0, 0, WIDTH, HEADER, NAVY, "band")
        count = f" {n}/{len(pages)}" if len(pages) > 1 else ""
        _box(slide, MARGIN, 10, 864, 20, "kicker", [Para(f"目录 AGENDA{count}", KICKER)])
        title = fitted(pack.title, Style(24, 29, bold=True, color=WHITE), kit.inner(864, 50))
        _box(slide, MARGIN, 30, 864, 50, "title", [title], anchor=MSO_ANCHOR.MIDDLE)
        _box(slide, *BODY, "agenda", page)


def _annotations(p: PackItem) -> str:
    item = p.item
    rows = [("情境", item.situations), ("客户群", [SEGMENT_LABELS.get(s, s) for s in item.segments]),
            ("渠道", [CHANNEL_LABELS.get(c, c) for c in item.channels]), ("产品", item.products),
            ("结果", [OUTCOME_LABELS[item.outcome]] if item.outcome else [])]
    return "    ".join(f"{label}：{'、'.join(values)}" for label, values in rows if values)


def situation_slide(deck: Deck, p: PackItem, number: int) -> None:
    """The item's opener: its English title, the situation (summary) and its annotations."""
    item, (color, soft) = p.item, TYPE_COLOR[p.item.type]
    slide = deck.slide(p.note)
    _header(slide, p, number, "情境 SITUATION")
    title_en = fitted(item.title_en, Style(15, 20, italic=True, color=INK_2), kit.inner(864, 58))
    _box(slide, MARGIN, 98, 864, 58, "title-en", [title_en])
    kit.rect(slide, MARGIN, 166, 864, 206, soft, "situation-panel", rounded=True)
    kit.rect(slide, MARGIN, 166, 6, 206, color, "situation-strip")
    label = Para("情境 Situation", Style(13, 20, bold=True, color=color))
    summary = fitted(item.summary, Style(24, 36, space_before=8, color=INK), kit.inner(816, 150))
    _box(slide, MARGIN + 24, 178, 816, 182, "situation", [label, summary])
    notes = fitted(_annotations(p), Style(13, 20, color=INK_2), kit.inner(864, 96))
    _box(slide, MARGIN, 384, 864, 96, "annotations", [notes])
    _footer(deck, slide, source_line(item))


def story_slides(deck: Deck, p: PackItem, number: int) -> None:
    """The body, verbatim, over as many slides as it takes; cut between sentences only."""
    pages = flow_story(body_blocks(p.item.body), STORY, kit.inner(*BODY[2:]))
    _body_slides(deck, p, number, pages, "原文 STORY", "story", count_one=True)


def _body_slides(deck: Deck, p: PackItem, number: int, pages: list, heading: str, box: str,
                 count_one: bool = False) -> None:
    """One slide per page of flowed text under `heading`, numbered n/N (a lone page only with
    `count_one`), the pack item's header and source footer on each."""
    for n, page in enumerate(pages, start=1):
        slide = deck.slide(p.note)
        count = f" {n}/{len(pages)}" if len(pages) > 1 or count_one else ""
        _header(slide, p, number, heading + count)
        _box(slide, *BODY, box, page)
        _footer(deck, slide, source_line(p.item))


def prompt_slides(deck: Deck, p: PackItem, number: int) -> None:
    units = [Para(prompt, PROMPT, lead=f"{n}. ") for n, prompt in enumerate(p.prompts, start=1)]
    _body_slides(deck, p, number, flow_units(units, kit.inner(*BODY[2:])), "讨论 DISCUSSION", "prompts")


def _link_units(p: PackItem) -> list[Para]:
    """The theory an item illustrates (with its summary) and the script lines that fit; or, for a
    theory or a script, the items that cite it."""
    links, units = p.links, []

    def group(label: str, items, summaries: bool) -> None:
        if not items:
            return
        units.append(Para(label, LABEL, keep_with_next=True))
        for other in items:
            units.append(Para(other.title, LINK_TITLE, keep_with_next=summaries))
            if summaries:
                units.append(Para(other.summary, LINK_TEXT))

    group("理论 The theory it illustrates" if p.item.type == "case" else "理论 Theories it applies",
          links.theories, summaries=True)
    if links.scripts:
        units.append(Para("话术 Script lines that fit", LABEL, keep_with_next=True))
        for script in links.scripts:
            units.append(Para(script.title, LINK_TITLE, keep_with_next=True))
            units += [Para(line, SCRIPT_LINE, "bullet") for line in script_lines(script)]
    group("案例 Cases that illustrate it" if p.item.type == "theory" else "案例 Cases it fits",
          links.cited_by_cases, summaries=False)
    group("话术 Scripts that apply it", links.cited_by_scripts, summaries=False)
    return units


def link_slides(deck: Deck, p: PackItem, number: int) -> None:
    units = _link_units(p)
    if not units:
        return
    _body_slides(deck, p, number, flow_units(units, kit.inner(*BODY[2:])), "理论与话术 THEORY & SCRIPTS", "links")


def pack_pptx(pack: Pack) -> bytes:
    """The whole deck as the bytes of a .pptx file."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(WIDTH), Pt(HEIGHT)
    kit.chinese_theme(prs)
    deck = Deck(prs)
    title_slide(deck, pack)
    if pack.items:
        agenda_slides(deck, pack)
    for number, p in enumerate(pack.items, start=1):
        situation_slide(deck, p, number)
        story_slides(deck, p, number)
        prompt_slides(deck, p, number)
        link_slides(deck, p, number)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
