"""Measure document converters on the intake test documents (docs/INTAKE.md has the results).

    pip install 'markitdown[docx,pptx,pdf]' pypdf python-docx   # the candidates that are not dependencies
    python scripts/intake_compare.py

For each converter and format it reports: the share of the seed paragraphs found verbatim
(lines joined first, so only changed characters count), whether they come in reading order,
whether each table came out as a Markdown table row, the running header/footer/page-number lines
left, and the time. The documents are those of tests/documents.py (LibreOffice renders the PDF).
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from documents import PPT_FOOTER, RUNNING_HEADER, build_documents

from casebook.importers.base import SourceFile
from casebook.importers.clean import clean
from casebook.importers.registry import read_markdown


def markitdown(path: Path) -> str:
    from markitdown import MarkItDown

    return MarkItDown().convert(str(path)).text_content


def mammoth_raw(path: Path) -> str:
    import mammoth

    return mammoth.convert_to_markdown(io.BytesIO(path.read_bytes())).value


def python_docx(path: Path) -> str:
    from docx import Document

    return "\n\n".join(p.text for p in Document(str(path)).paragraphs)


def pptx_xml_order(path: Path) -> str:
    from pptx import Presentation

    return "\n\n".join(shape.text_frame.text for slide in Presentation(str(path)).slides
                       for shape in slide.shapes if shape.has_text_frame)


def pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def pypdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def pdfplumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def casebook_reader(path: Path) -> str:
    return clean(read_markdown(SourceFile.from_path(path))[1])


CANDIDATES = {
    "docx": {"markitdown": markitdown, "mammoth (its own Markdown)": mammoth_raw, "python-docx paragraphs": python_docx,
             "casebook: mammoth HTML + markdownify": casebook_reader},
    "pptx": {"markitdown": markitdown, "python-pptx, shapes in file order": pptx_xml_order,
             "casebook: python-pptx, shapes by position": casebook_reader},
    "pdf": {"markitdown": markitdown, "pdfminer.six extract_text": pdfminer, "pypdf extract_text": pypdf,
            "pdfplumber extract_text": pdfplumber_text, "casebook: pdfplumber lines": casebook_reader},
}
_DEBRIS = re.compile(rf"^\s*({re.escape(RUNNING_HEADER)}|{re.escape(PPT_FOOTER)}|第\s*\d+\s*页|\d{{1,3}})\s*$", re.M)


def measure(text: str, cases) -> dict[str, str]:
    joined = text.replace("\n", "")
    paragraphs = [p for case in cases for p in case.paragraphs + ([case.theory] if case.theory else [])]
    found = [joined.find(p) for p in paragraphs]
    hits = [at for at in found if at >= 0]
    rows = [f"| {' | '.join(row)} |" for case in cases for row in case.table[1:]]
    return {
        "verbatim": f"{len(hits)}/{len(paragraphs)}",
        "in order": "yes" if hits == sorted(hits) and hits else "no",
        "tables": f"{sum(row in text for row in rows)}/{len(rows)}",
        "debris lines": str(len(_DEBRIS.findall(text))),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        docs = build_documents(Path(folder))
        print("| format | converter | paragraphs verbatim | in order | tables as Markdown | header/footer/page-number lines | ms |")
        print("|---|---|---|---|---|---|---|")
        for kind, candidates in CANDIDATES.items():
            path = getattr(docs, kind)
            for name, convert in candidates.items():
                start = time.perf_counter()
                try:
                    text = convert(path)
                except ImportError as exc:
                    print(f"| {kind} | {name} | not installed ({exc.name}) | | | | |")
                    continue
                ms = (time.perf_counter() - start) * 1000
                m = measure(text, docs.cases[kind])
                print(f"| {kind} | {name} | {m['verbatim']} | {m['in order']} | {m['tables']} | "
                      f"{m['debris lines']} | {ms:.0f} |")


if __name__ == "__main__":
    main()
