"""Session packs as PowerPoint and Word files: made by `casebook pack`, rendered by LibreOffice to PDF,
read back with python-pptx, pdftotext and pdffonts.

Both files are converted in one LibreOffice run for the module (about 5-15 s); everything else reads
what it made.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from pptx.util import Emu

from casebook.export.fit import line_count
from casebook.loader import load_library
from casebook.settings import get_settings

CASE = "case-01-crm-hejiahuan-upsell"
THEORY = "theory-customer-retention-steps"
SCRIPT = "script-retention-probing-questions"
NOTE = "开场：请学员先猜结局，再读点评。这一元钱值不值？"
PACK = {"title": "老客户维系与挽留 · 社区经理培训", "audience": "新入职社区经理", "date": "2025-03-01",
        "items": [{"id": CASE, "note": NOTE}, {"id": THEORY, "note": ""}, {"id": SCRIPT, "note": "两人一组演练"}]}
RENDER_TIMEOUT = 240  # seconds: LibreOffice's first start on a slow, busy machine
TOLERANCE = 3.0  # points a rendered word may stand outside its frame (glyph overhang, rounding)
TERMINAL = "。！？!?；;"
CLOSERS = "”’」』）)]》"


@dataclass
class Rendered:
    pptx: Path
    docx: Path
    slides_pdf: Path
    handout_pdf: Path


def casebook(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casebook", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def library():
    return load_library(get_settings().library)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Rendered:
    """The pack exported by the CLI to both formats, and both rendered to PDF in one LibreOffice run."""
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        pytest.fail("LibreOffice or poppler-utils is missing: run `python3 tasks.py test` (it installs them)")
    folder = tmp_path_factory.mktemp("pack-export")
    (folder / "pack.json").write_text(json.dumps(PACK, ensure_ascii=False), encoding="utf-8")
    for out in ("slides.pptx", "handout.docx"):
        done = casebook("pack", "pack.json", "--to", out, cwd=folder)
        assert done.returncode == 0, done.stderr
    convert = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder}/libreoffice-profile", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), "slides.pptx", "handout.docx"],
        cwd=folder, capture_output=True, text=True, timeout=RENDER_TIMEOUT)
    made = Rendered(folder / "slides.pptx", folder / "handout.docx", folder / "slides.pdf", folder / "handout.pdf")
    assert made.slides_pdf.exists() and made.handout_pdf.exists(), convert.stdout + convert.stderr
    return made


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text without white space or bullets (Word's list bullet is a private-use Symbol character), the
    way a layout can re-flow it."""
    return re.sub(r"[\s•\ue000-\uf8ff]", "", text)


def plain_lines(markdown: str) -> list[str]:
    """A body's lines (headings, paragraphs, list items) without Markdown markers and white space."""
    lines = [squeeze(re.sub(r"^\s*(#+|[-*+])\s+", "", line).replace("**", "")) for line in markdown.splitlines()]
    return [line for line in lines if line]


def plain_body(markdown: str) -> str:
    return "".join(plain_lines(markdown))


def source_sentences(markdown: str) -> list[str]:
    """A body's sentences: each line up to a full stop, question or exclamation mark or semicolon, with
    the closing quotes after it."""
    ends, closers = re.escape(TERMINAL), re.escape(CLOSERS)
    found = [s for line in plain_lines(markdown) for s in re.findall(rf"[^{ends}]+[{ends}]*[{closers}]*|.+", line)]
    assert "".join(found) == plain_body(markdown)
    return found


def without_page_footers(text: str) -> str:
    """pdftotext's text with the last line of every page (the handout's running footer) left out."""
    return "\n".join(page.rstrip().rsplit("\n", 1)[0] for page in text.split("\f"))


def slides_of(deck, library, item_id: str) -> list:
    """The slides of one item: those whose header names its title."""
    title = library.get(item_id).title
    return [s for s in deck.slides if any(sh.name == "title" and sh.text_frame.text == title for sh in s.shapes)]


def test_every_item_title_is_on_the_slides_and_in_the_handout(rendered, library):
    for pdf in (rendered.slides_pdf, rendered.handout_pdf):
        text = squeeze(pdf_text(pdf))
        for item_id in (CASE, THEORY, SCRIPT):
            assert squeeze(library.get(item_id).title) in text, (pdf.name, item_id)


def test_chinese_text_is_extracted_with_an_embedded_cjk_font(rendered, library):
    for pdf in (rendered.slides_pdf, rendered.handout_pdf):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        cjk = [row.split() for row in fonts.splitlines() if "CJK" in row]
        assert cjk and all(row[-5] == "yes" for row in cjk), fonts  # the `emb` column
        text = pdf_text(pdf)
        assert "\ufffd" not in text and "□" not in text
        assert squeeze(library.get(CASE).summary) in squeeze(text)


def test_the_verbatim_story_is_complete_across_slides(rendered, library):
    deck = Presentation(str(rendered.pptx))
    for item_id in (CASE, THEORY, SCRIPT):
        stories = [sh.text_frame.text for s in slides_of(deck, library, item_id) for sh in s.shapes if sh.name == "story"]
        assert squeeze("".join(stories)) == plain_body(library.get(item_id).body), item_id


def test_no_sentence_is_cut_between_slides_in_the_rendered_pdf(rendered, library):
    text = squeeze(pdf_text(rendered.slides_pdf))  # a sentence cut over two slides has a header inside it
    for item_id in (CASE, THEORY, SCRIPT):
        missing = [s for s in source_sentences(library.get(item_id).body) if s not in text]
        assert not missing, (item_id, missing[:3])


def test_the_handout_holds_each_story_and_the_discussion_questions(rendered, library):
    text = squeeze(without_page_footers(pdf_text(rendered.handout_pdf)))
    for item_id in (CASE, THEORY, SCRIPT):
        assert plain_body(library.get(item_id).body) in text, item_id
    from casebook.catalog import discussion_prompts

    assert all(squeeze(p) in text for p in discussion_prompts(library.get(CASE)))
    assert NOTE not in text  # the trainer's note is for the trainer


def test_the_trainer_note_is_in_the_speaker_notes(rendered, library):
    deck = Presentation(str(rendered.pptx))
    case_slides = slides_of(deck, library, CASE)
    assert case_slides and all(s.notes_slide.notes_text_frame.text == NOTE for s in case_slides)
    theory_slides = slides_of(deck, library, THEORY)
    assert not any(s.has_notes_slide and s.notes_slide.notes_text_frame.text for s in theory_slides)


def test_every_run_names_the_east_asian_font(rendered):
    deck = Presentation(str(rendered.pptx))
    ns = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    runs = [r for s in deck.slides for sh in s.shapes if sh.has_text_frame
            for p in sh.text_frame.paragraphs for r in p.runs]
    assert runs and all(r._r.find(f"{ns}rPr/{ns}ea") is not None for r in runs)
    handout = Document(str(rendered.docx))
    wns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    word_runs = [r for p in handout.paragraphs for r in p.runs]
    assert word_runs and all(r._r.find(f"{wns}rPr/{wns}rFonts").get(f"{wns}eastAsia") for r in word_runs)


def frame_overflow(shape) -> float:
    """How far (points) the estimated text of a shape, as written in the file, runs past its frame."""
    frame = shape.text_frame
    width = Emu(shape.width - frame.margin_left - frame.margin_right).pt
    room = Emu(shape.height - frame.margin_top - frame.margin_bottom).pt
    used = 0.0
    for n, paragraph in enumerate(frame.paragraphs):
        size = max(r.font.size.pt for r in paragraph.runs)
        indent = int(paragraph._p.pPr.get("marL", "0")) / 12700 if paragraph._p.pPr is not None else 0.0
        used += (paragraph.space_before.pt if n and paragraph.space_before else 0.0)
        used += line_count(paragraph.text, size, width - indent) * paragraph.line_spacing.pt
    return used - room


def test_no_slide_text_overflows_its_frame_by_the_estimate(rendered):
    deck = Presentation(str(rendered.pptx))
    over = [(n, sh.name, round(frame_overflow(sh), 1)) for n, s in enumerate(deck.slides, start=1)
            for sh in s.shapes if sh.has_text_frame and sh.text_frame.text and frame_overflow(sh) > 0]
    assert not over


def pdf_words(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Every page of a PDF as (width, height, words with their boxes), from `pdftotext -bbox`."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for size, body in re.findall(r'<page ([^>]*)>(.*?)</page>', xhtml, re.S):
        width, height = (float(v) for v in re.findall(r'"([\d.]+)"', size))
        words = [(float(a), float(b), float(c), float(d), html.unescape(text)) for a, b, c, d, text in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
        pages.append((width, height, words))
    return pages


def test_no_slide_text_runs_off_its_frame_in_the_rendered_pdf(rendered):
    """Every word LibreOffice drew lies inside the page and inside a text frame that holds it."""
    deck = Presentation(str(rendered.pptx))
    pages = pdf_words(rendered.slides_pdf)
    assert len(pages) == len(deck.slides)
    for number, ((width, height, words), slide) in enumerate(zip(pages, deck.slides), start=1):
        frames = [(Emu(sh.left).pt, Emu(sh.top).pt, Emu(sh.left + sh.width).pt, Emu(sh.top + sh.height).pt,
                   squeeze(sh.text_frame.text)) for sh in slide.shapes if sh.has_text_frame]
        for x0, y0, x1, y1, text in words:
            assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, (number, text)
            holders = [f for f in frames if f[0] - TOLERANCE <= x0 and x1 <= f[2] + TOLERANCE
                       and f[1] - TOLERANCE <= y0 and y1 <= f[3] + TOLERANCE and squeeze(text) in f[4]]
            assert holders, f"slide {number}: {text!r} at y {y0:.0f}-{y1:.0f} is outside its frame"


def test_a_case_that_links_a_script_shows_the_script_lines(library, tmp_path):
    from casebook.export import export_pack
    from casebook.export.content import script_lines
    from casebook.pack import PackFile, resolve

    case = next(c for c in library.of_type("case") if c.scripts)
    pack = resolve(PackFile.model_validate({"items": [{"id": case.id}]}), library, strict=True)
    (tmp_path / "one.pptx").write_bytes(export_pack(pack, "pptx"))
    deck = Presentation(str(tmp_path / "one.pptx"))
    linked = squeeze("".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.name == "links"))
    lines = script_lines(library.get(case.scripts[0]))
    assert lines and all(squeeze(line) in linked for line in lines)


def test_an_unknown_item_id_is_an_error_naming_file_line_and_id(tmp_path):
    pack = {"title": "x", "items": [{"id": CASE}, {"id": "case-that-is-not-there"}]}
    (tmp_path / "pack.json").write_text(json.dumps(pack, indent=1), encoding="utf-8")
    done = casebook("pack", "pack.json", "--to", "out.pptx", cwd=tmp_path)
    assert done.returncode == 1
    assert "pack.json:" in done.stderr and "items[1].id" in done.stderr and "case-that-is-not-there" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out.pptx").exists()


def test_a_folder_as_target_gets_the_file_named_after_the_pack_title(tmp_path):
    pack = {"title": "老客户维系专题培训", "date": "2025-03-01", "items": [{"id": CASE}]}
    (tmp_path / "pack.json").write_text(json.dumps(pack, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "out").mkdir()
    done = casebook("pack", "pack.json", "--to", "out", "--format", "md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["老客户维系专题培训 2025-03-01.md"]
    done = casebook("pack", "pack.json", "--to", "out", cwd=tmp_path)  # which format, in a folder?
    assert done.returncode == 2 and "--format" in done.stderr and "Traceback" not in done.stderr


def test_a_malformed_pack_file_is_an_error_naming_the_field(tmp_path):
    (tmp_path / "broken.json").write_text('{"title": "x", "items": [{"note": "no id"}]}', encoding="utf-8")
    (tmp_path / "not-json.json").write_text('{"title": "x",\n "items": [}', encoding="utf-8")
    done = casebook("pack", "broken.json", "--to", "out.docx", cwd=tmp_path)
    assert done.returncode == 1 and "broken.json: items[0].id: Field required" in done.stderr
    done = casebook("pack", "not-json.json", "--to", "out.docx", cwd=tmp_path)
    assert done.returncode == 1 and "not-json.json:2:" in done.stderr and "not JSON" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_longest_titles_and_summaries_stay_in_their_frames(library, tmp_path):
    from casebook.export import export_pack
    from casebook.pack import PackFile, resolve

    longest = {max(library.items, key=lambda i: len(getattr(i, name))).id
               for name in ("title", "title_en", "summary", "body")}
    request = PackFile.model_validate({"title": "长" * 200, "audience": "x" * 200,
                                       "items": [{"id": i, "note": "n"} for i in sorted(longest)]})
    (tmp_path / "long.pptx").write_bytes(export_pack(resolve(request, library, strict=True), "pptx"))
    deck = Presentation(str(tmp_path / "long.pptx"))
    over = [(n, sh.name) for n, s in enumerate(deck.slides, start=1)
            for sh in s.shapes if sh.has_text_frame and sh.text_frame.text and frame_overflow(sh) > 0]
    assert not over
