"""Word (.docx): mammoth turns the document body into HTML (running headers and footers are not
part of it), then Markdown. Headings keep their level, tables become Markdown tables, each picture
becomes a figure mark."""

from __future__ import annotations

from casebook.importers.base import SourceFile, accepts_office, check_office
from casebook.importers.html_markdown import html_to_markdown

# Word's built-in styles by their English and Chinese names; the title becomes the `#` heading.
STYLE_MAP = "\n".join([
    "p[style-name='Title'] => h1:fresh", "p[style-name='标题'] => h1:fresh",
    *(f"p[style-name='Heading {n}'] => h{n + 1}:fresh" for n in range(1, 6)),
    *(f"p[style-name='标题 {n}'] => h{n + 1}:fresh" for n in range(1, 6)),
])


class DocxReader:
    name = "docx"

    def accepts(self, head: bytes, name: str) -> bool:
        return accepts_office(head, name, ".docx", "word/document.xml")

    def read(self, source: SourceFile) -> str:
        import mammoth

        check_office(source, "word/document.xml",
                     encrypted="the Word document is protected by a password: save an unprotected copy and import that",
                     damaged="not a readable Word document (no word/document.xml inside)")

        def figure(image) -> dict[str, str]:
            return {"src": "figure", "alt": (image.alt_text or "").strip()}

        result = mammoth.convert_to_html(source.stream(), style_map=STYLE_MAP,
                                         convert_image=mammoth.images.img_element(figure))
        return html_to_markdown(result.value)
