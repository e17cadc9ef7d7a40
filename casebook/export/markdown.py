"""A session pack as one Markdown file: contents, then each item with its note, prompts and source."""

from __future__ import annotations

import re

from casebook.pack import TYPE_NAMES, Pack, source_line


def _demote(markdown: str) -> str:
    """Push the body's headings two levels down so they sit under the pack's own headings."""
    return re.sub(r"^(#{1,4}) ", lambda m: "##" + m.group(1) + " ", markdown, flags=re.MULTILINE)


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def pack_markdown(pack: Pack) -> str:
    """The whole pack as one Markdown file."""
    meta = " · ".join(part for part in (pack.day.isoformat(), pack.audience, f"{len(pack.items)} 项 items") if part)
    out = [f"# {pack.title}", "", meta, "", "## 目录 Contents", ""]
    out += [f"{n}. {p.item.title} — {p.item.title_en}" for n, p in enumerate(pack.items, start=1)]
    for n, p in enumerate(pack.items, start=1):
        item = p.item
        out += ["", "---", "", f"## {n}. {item.title}", "", f"*{item.title_en}*", "",
                f"{TYPE_NAMES[item.type]} · `{item.id}`", "", _quote(item.summary), ""]
        if p.note:
            out += ["**培训师备注 Trainer notes**", "", p.note, ""]
        out += [_demote(item.body.strip()), ""]
        if p.prompts:
            out += ["### 讨论题 Discussion prompts", ""]
            out += [f"{i}. {prompt}" for i, prompt in enumerate(p.prompts, start=1)]
            out.append("")
        out.append(f"出处 Source: {source_line(item)}")
    if pack.missing:
        out += ["", "---", "", "不在资料库中的条目 Items no longer in the library: " + ", ".join(pack.missing)]
    return "\n".join(out).rstrip() + "\n"
