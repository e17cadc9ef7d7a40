"""HTML -> Markdown with the options every reader wants (shared by the Word and web-page readers)."""

from __future__ import annotations

import re

# Characters markdownify escapes that Chinese text uses as plain punctuation; escaping them would
# change the wording, and none of them starts Markdown syntax inside a paragraph.
_UNESCAPE = re.compile(r"\\([*_\[\]#+\-.!()>`|~])")


def html_to_markdown(html: str) -> str:
    """Markdown of an HTML fragment: ATX headings, `-` bullets, tables with a header row."""
    from markdownify import markdownify

    text = markdownify(html, heading_style="ATX", bullets="-", table_infer_header=True,
                       escape_asterisks=False, escape_underscores=False, escape_misc=False)
    return _UNESCAPE.sub(r"\1", text)
