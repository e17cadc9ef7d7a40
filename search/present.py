"""Search responses as a person reads them in a terminal."""

from __future__ import annotations

import re

from casebook.search.hits import SearchResponse


def plain_snippet(snippet: str) -> str:
    """Terminal form of an HTML snippet: marks become 【】, entities are unescaped."""
    import html

    return html.unescape(re.sub(r"</?mark>", lambda m: "】" if m.group(0)[1] == "/" else "【", snippet))


def response_text(response: SearchResponse) -> str:
    lines = []
    if response.low_confidence:
        lines.append("(nothing in the library looks relevant; the closest items are below)")
    for n, hit in enumerate(response.results, start=1):
        signals = ", ".join(f"{name} #{s['rank']}" for name, s in hit.why.signals.items())
        lines += [f"{n}. {hit.title}  [{hit.type}] {hit.id}  relevance {hit.relevance:.2f}", f"   {hit.title_en}",
                  f"   {plain_snippet(hit.snippet)}", f"   why: {signals}"
                  + (f"; words: {', '.join(hit.why.matched_terms)}" if hit.why.matched_terms else "")
                  + (f"; annotations: {', '.join(hit.why.matched_annotations)}" if hit.why.matched_annotations else "")]
    return "\n".join(lines) if lines else "no results"
