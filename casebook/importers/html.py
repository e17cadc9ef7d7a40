"""Web pages (.html, .htm): the page's main text as Markdown. Navigation, headers, footers, side bars,
forms and scripts are dropped before conversion; the cleaner then drops chrome phrases
(上一篇/下一篇, 推荐访问 ...) that sites put inside the text."""

from __future__ import annotations

import re

from casebook.importers.base import SourceFile, UnreadableDocument
from casebook.importers.html_markdown import html_to_markdown
from casebook.importers.text import decode_text

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "button",
         "select", "svg", "template")
# Class or id words of page furniture on sites that use plain <div>s.
_FURNITURE = re.compile(r"(^|[-_ ])(nav|menu|breadcrumb|sidebar|footer|header|comment|share|login|"
                        r"related|recommend|pager|pagination|ad|ads|banner)([-_ ]|$)", re.I)


class HtmlReader:
    name = "html"

    def accepts(self, head: bytes, name: str) -> bool:
        return bool(_HTML_START.match(head))

    def read(self, source: SourceFile) -> str:
        from bs4 import BeautifulSoup

        text = decode_text(source.data)
        if text is None:
            raise UnreadableDocument("not-a-document", "the web page is not UTF-8 or GB18030 text")
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup.find_all(_DROP):
            tag.decompose()
        for tag in soup.find_all(True):
            if tag.decomposed or tag.attrs is None:
                continue
            words = " ".join([*tag.get("class", []), tag.get("id", "") or "", tag.get("role", "") or ""])
            if words.strip() and _FURNITURE.search(words) and tag.name not in ("body", "html", "main", "article"):
                tag.decompose()
        for image in soup.find_all("img"):
            image.replace_with(soup.new_string(f"\n\n![{(image.get('alt') or '').strip()}](figure)\n\n"))
        main = soup.find("article") or soup.find("main") or soup.body or soup
        title = soup.title.get_text(strip=True) if soup.title else ""
        markdown = html_to_markdown(str(main))
        if title and not markdown.lstrip().startswith("#"):
            markdown = f"# {title}\n\n{markdown}"
        return markdown
