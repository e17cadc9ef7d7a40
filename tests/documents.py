"""Real Word, PowerPoint and PDF documents written from the seed texts, for the intake tests.

Each document holds two or more cases copied verbatim from `../shared/seeds/`, with the furniture
a real document carries: a title, a table of contents, headings, a table, a figure, a running
header and page numbers (Word, PDF), slide numbers and a footer (PowerPoint), a "下转" line (PDF).
The PDF is LibreOffice's rendering of a generated .docx (one `soffice` run for every PDF).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from helpers import SEEDS

RUNNING_HEADER = "广东电信社区经理营销案例集·内部培训资料"
PPT_FOOTER = "直销渠道建设培训"
CONTINUED = "（下转第2页）"
SOFFICE_TIMEOUT = 240  # seconds for one LibreOffice conversion of every PDF


@dataclass
class SeedCase:
    """One case: its heading and its paragraphs, each a verbatim piece of a seed document."""

    heading: str
    paragraphs: list[str]
    theory: str = ""  # the case's own [营销理论] text, under a sub-heading
    table: list[list[str]] = field(default_factory=list)


def _seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    begin = text.index(start) + len(start)
    return text[begin:text.index(end, begin)].strip()


def _halves(paragraph: str) -> list[str]:
    """A long paragraph as two verbatim paragraphs, cut after the sentence nearest its middle."""
    cut = paragraph.find("。", len(paragraph) // 2)
    return [paragraph] if cut < 0 or cut == len(paragraph) - 1 else [paragraph[:cut + 1], paragraph[cut + 1:]]


def collection_cases() -> list[SeedCase]:
    """Cases 2-5 of the Guangdong case collection (seed 000): story and marketing theory."""
    text = _seed("000")
    found = []
    for marker, title in (("[案例]3----进攻性竞争策略", "进攻性竞争策略"),
                          ("[案例]4-----数据库营销为本,有效沟通解决难题", "数据库营销为本,有效沟通解决难题"),
                          ("[案例]5-----真诚营销", "真诚营销"), ("[案例]2------解决方案营销", "解决方案营销")):
        start = text.index(marker + ("今年" if title == "解决方案营销" else "")) + len(marker)
        story = text[start:text.index("[营销理论]", start)].strip()
        theory = _between(text[start:], "[营销理论]", "[点评]")
        found.append(SeedCase(heading=title, paragraphs=_halves(story), theory=theory))
    found[1].table = [["项目", "情况"], ["欠费时长", "长达19个月未缴话费"], ["社区经理反馈", "上门几次,人去房空"]]
    found[3].table = [["业务", "好处"], ["市话家家乐", "节约话费"]]
    return found


def direct_sales_cases() -> list[SeedCase]:
    """Three team-selling cases of the direct-sales chapter (seed 004)."""
    text = _seed("004")
    titles = ["徐州电信建立政企客户助销团队", "江苏东台电信建立“翼企行”助销团队", "益阳电信中层干部担任第二客户经理"]
    found = []
    for title in titles:
        body = _between(text, title, "案例")
        found.append(SeedCase(heading=title, paragraphs=_halves(body.split("\n")[0].strip())))
    found[0].table = [["团队", "职责"], ["政企客户经理", "负责政企客户对公需求"], ["助销团队", "负责政企客户的个性化要求"]]
    return found


def handbook_chapters() -> list[tuple[str, str]]:
    """A handbook's chapters as (numbered heading, verbatim seed text): the marketing theories of
    cases 5 and 4 of the Guangdong collection (seed 000) as chapters of their own, then the two
    stories. The first story's heading names no theory; the second's is the seed's own, naming 数据库营销."""
    text = _seed("000")

    def story_and_theory(marker: str) -> tuple[str, str]:
        start = text.index(marker) + len(marker)
        return text[start:text.index("[营销理论]", start)].strip(), _between(text[start:], "[营销理论]", "[点评]")

    story5, theory5 = story_and_theory("[案例]5-----真诚营销")
    story4, theory4 = story_and_theory("[案例]4-----数据库营销为本,有效沟通解决难题")
    return [("一、真诚营销", theory5), ("二、数据库营销", theory4),
            ("三、租户搬走、房东难找", story5), ("四、数据库营销为本,有效沟通解决难题", story4)]


def build_handbook_docx(path: Path) -> Path:
    """A Word handbook of theory chapters and case chapters (`handbook_chapters`), one Heading 1 each."""
    from docx import Document

    doc = Document()
    doc.add_heading("社区经理营销手册", level=0)
    for heading, text in handbook_chapters():
        doc.add_heading(heading, level=1)
        for paragraph in text.split("\n"):
            if paragraph.strip():
                doc.add_paragraph(paragraph.strip())
    doc.save(path)
    return path


# --- figures ---------------------------------------------------------------------------------

def chart_png() -> bytes:
    """A small bar chart with no text in it (the kind of figure a case document carries)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(image)
    for number, height in enumerate((60, 120, 90, 150)):
        draw.rectangle((30 + number * 70, 190 - height, 80 + number * 70, 190), fill=(40, 90, 160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- Word ------------------------------------------------------------------------------------

def _page_field(paragraph) -> None:
    """Append a PAGE field to a paragraph (Word and LibreOffice render it as the page number)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def build_docx(path: Path, title: str, cases: list[SeedCase], numbering: str = "chinese",
               figure: bool = True, continued: bool = False) -> Path:
    """A Word document: title, table of contents, one Heading 1 per case, a table and a figure,
    the running header and `第 N 页` footer on every page, each case on its own page."""
    from docx import Document
    from docx.shared import Inches

    names = "一二三四五六七八九"
    label = (lambda n: f"案例{names[n]}：") if numbering == "chinese" else (lambda n: f"案例{n + 1} ")
    doc = Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    footer = section.footer.paragraphs[0]
    footer.add_run("第 ")
    _page_field(footer)
    footer.add_run(" 页")
    doc.add_heading(title, level=0)
    doc.add_paragraph("目录")
    for number, case in enumerate(cases):
        doc.add_paragraph(f"{label(number)}{case.heading}........{number + 2}")
    for number, case in enumerate(cases):
        doc.add_page_break()
        doc.add_heading(f"{label(number)}{case.heading}", level=1)
        doc.add_paragraph(case.paragraphs[0])
        if figure and number == 0:
            doc.add_picture(io.BytesIO(chart_png()), width=Inches(2.5))
        for paragraph in case.paragraphs[1:]:
            doc.add_paragraph(paragraph)
        if case.table:
            table = doc.add_table(rows=len(case.table), cols=len(case.table[0]))
            table.style = "Table Grid"
            for row, values in zip(table.rows, case.table):
                for cell, value in zip(row.cells, values):
                    cell.text = value
        if case.theory:
            doc.add_heading("营销理论", level=2)
            doc.add_paragraph(case.theory)
        if continued and number == 0:
            doc.add_paragraph(CONTINUED)
    doc.save(path)
    return path


def build_table_only_docx(path: Path) -> Path:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=3, cols=2)
    for row, values in zip(table.rows, direct_sales_cases()[0].table):
        for cell, value in zip(row.cells, values):
            cell.text = value
    doc.save(path)
    return path


# --- PowerPoint ------------------------------------------------------------------------------

def build_pptx(path: Path, title: str, cases: list[SeedCase]) -> Path:
    """A deck: a title slide, then per case a slide whose title names the case and whose two text
    boxes were added bottom one first (so the XML order is not the reading order), a table slide
    for the first case, a chart picture; a footer and a slide number on every slide."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    deck = Presentation()
    width, height = deck.slide_width, deck.slide_height
    slides = []
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = title
    cover.placeholders[1].text = "培训材料"
    slides.append(cover)

    def text_box(slide, top: int, text: str, size: int = 14) -> None:
        box = slide.shapes.add_textbox(Inches(0.5), Emu(top), width - Inches(1), Inches(2.2))
        box.text_frame.word_wrap = True
        box.text_frame.text = text
        for paragraph in box.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(size)

    for case in cases:
        slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
        slide.shapes.title.text = f"【案例】{case.heading}"
        first, *rest = case.paragraphs
        if rest:
            text_box(slide, Inches(4.2), "".join(rest))  # the lower box goes in first
        text_box(slide, Inches(1.6), first)
        slides.append(slide)
        if case.table:
            extra = deck.slides.add_slide(deck.slide_layouts[6])  # blank
            rows, cols = len(case.table), len(case.table[0])
            shape = extra.shapes.add_table(rows, cols, Inches(0.5), Inches(1.5), width - Inches(1), Inches(1.5))
            for r, values in enumerate(case.table):
                for c, value in enumerate(values):
                    shape.table.cell(r, c).text = value
            extra.shapes.add_picture(io.BytesIO(chart_png()), Inches(3), Inches(3.6), height=Inches(2))
            slides.append(extra)
    for number, slide in enumerate(slides, start=1):
        footer = slide.shapes.add_textbox(Inches(0.3), height - Inches(0.6), Inches(4), Inches(0.4))
        footer.text_frame.text = PPT_FOOTER
        count = slide.shapes.add_textbox(width - Inches(1), height - Inches(0.6), Inches(0.6), Inches(0.4))
        count.text_frame.text = str(number)
    deck.save(path)
    return path


# --- PDF -------------------------------------------------------------------------------------

def convert_to_pdf(sources: list[Path], out: Path) -> list[Path]:
    """Every .docx in `sources` rendered to PDF by one headless LibreOffice run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice is not installed: `python3 tasks.py test` installs libreoffice-writer")
    profile = out / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, sources)],
                   check=True, capture_output=True, timeout=SOFFICE_TIMEOUT)
    return [out / f"{source.stem}.pdf" for source in sources]


def image_only_pdf(path: Path) -> Path:
    """A scan: one page that is a picture, no text layer."""
    from PIL import Image

    Image.open(io.BytesIO(chart_png())).convert("RGB").save(path, format="PDF")
    return path


def encrypted_pdf(source: Path, path: Path, password: str = "secret") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=password, owner_password=password)
    writer.write(path)
    return path


@dataclass
class Documents:
    """The documents of one test session and the cases each was written from."""

    docx: Path
    pptx: Path
    pdf: Path
    cases: dict[str, list[SeedCase]]
    image_pdf: Path
    encrypted: Path
    empty: Path
    table_only: Path


def build_documents(folder: Path) -> Documents:
    """Every document the intake tests import (about 10 s, most of it LibreOffice)."""
    collection = collection_cases()
    word_cases, pdf_cases = collection[:2], collection[2:]
    sales = direct_sales_cases()
    docx = build_docx(folder / "社区经理案例.docx", "社区经理营销案例", word_cases)
    pptx = build_pptx(folder / "直销团队案例.pptx", "直销渠道团队营销案例", sales)
    (folder / "pdf-source").mkdir(parents=True, exist_ok=True)
    pdf_source = build_docx(folder / "pdf-source" / "营销案例选编.docx", "营销案例选编", pdf_cases,
                            numbering="arabic", continued=True)
    (pdf,) = convert_to_pdf([pdf_source], folder)
    empty = folder / "empty.docx"
    empty.write_bytes(b"")
    return Documents(
        docx=docx, pptx=pptx, pdf=pdf,
        cases={"docx": word_cases, "pptx": sales, "pdf": pdf_cases},
        image_pdf=image_only_pdf(folder / "scan.pdf"),
        encrypted=encrypted_pdf(pdf, folder / "locked.pdf"),
        empty=empty,
        table_only=build_table_only_docx(folder / "table-only.docx"),
    )

