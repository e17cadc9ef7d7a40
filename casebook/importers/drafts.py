"""A split section -> a draft item: front matter pre-filled with suggestions, every suggested field
listed in `review:` (lint refuses the item until an editor has checked each), body verbatim."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Protocol

import yaml

from casebook.importers.clean import FIGURE_MARK
from casebook.importers.collection import incomplete
from casebook.model import FrontMatter

TODO = "TODO"
# The order fields appear in `review:`: what the editor checks first comes first.
REVIEW_ORDER = ("type", "kind", "title", "summary", "situations", "segments", "channels", "products",
                "outcome", "tags", "theories", "scripts", "title_en", "summary_en")
ANNOTATIONS = ("situations", "segments", "channels", "products", "tags", "theories", "scripts")
KIND_DEFAULT = {"case": "story", "theory": "concept", "script": "dialogue"}
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”’」』）)]*")
SUMMARY_MIN, SUMMARY_MAX = 30, 160


@dataclass
class Draft:
    """One case cut from a document, before any annotation."""

    document: str  # the file name it came from
    document_title: str
    section: str  # the heading it started at
    title: str
    body: str  # cleaned Markdown, wording as in the document
    number: int  # 1-based position in its document


class Suggester(Protocol):
    """Suggested front-matter values for a draft (the engine's `casebook.search.suggest`);
    `imported` (id -> draft) are theory drafts of the same import it may link."""

    def __call__(self, draft: Draft, imported: Mapping[str, Draft] | None = None) -> dict[str, Any]: ...


def prose(body: str) -> list[str]:
    """The body's paragraphs of running text (no headings, tables, lists of links or figure lines)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body)]
    return [p for p in paragraphs if p and not p.startswith(("#", "|", FIGURE_MARK, "![", "<!--"))]


def first_sentences(body: str) -> str:
    """The body's first sentences, verbatim, about one line long (the summary to edit)."""
    paragraphs = prose(body)
    if not paragraphs:
        return TODO
    text = paragraphs[0].replace("\n", "")
    summary = ""
    for sentence in _SENTENCE.findall(text) or [text]:
        if summary and len(summary) + len(sentence) > SUMMARY_MAX:
            break
        summary += sentence
        if len(summary) >= SUMMARY_MIN:
            break
    if len(summary) > SUMMARY_MAX:  # one long sentence: cut after a comma, still the source's words
        cut = max(summary.rfind(mark, 0, SUMMARY_MAX) for mark in "，,；;")
        summary = summary[:cut + 1] if cut > SUMMARY_MIN else summary[:SUMMARY_MAX]
    return summary.strip() or TODO


def slug_of(name: str, data: bytes) -> str:
    """An ASCII id stem for a document: its file name's Latin letters, else a short content hash."""
    stem = re.sub(r"[^a-z0-9]+", "-", PurePath(name).stem.lower()).strip("-")
    return stem[:40].strip("-") or "doc-" + hashlib.sha1(data).hexdigest()[:6]


def front_matter(draft: Draft, item_id: str, suggested: dict[str, Any]) -> dict[str, Any]:
    """The draft's front matter: suggestions where there are some, TODO where a person must write."""
    item_type = suggested.get("type") or "case"
    front: dict[str, Any] = {
        "id": item_id, "type": item_type, "kind": suggested.get("kind") or KIND_DEFAULT[item_type],
        "title": draft.title or TODO, "title_en": TODO,
        "summary": first_sentences(draft.body), "summary_en": TODO,
        "source": {"document": draft.document, "title": draft.document_title or PurePath(draft.document).stem,
                   "section": draft.section or draft.title},
    }
    for name in ANNOTATIONS:
        front[name] = list(suggested.get(name) or [])
    if item_type == "case":
        front["outcome"] = suggested.get("outcome") or "unknown"
    else:  # only a case has an outcome and scripts; a theory links nothing (lint)
        front.pop("scripts")
        if item_type == "theory":
            front.pop("theories")
    if incomplete(draft.body):
        front["tags"] = ["incomplete", *front["tags"]]
    front["review"] = [name for name in REVIEW_ORDER if name in front]
    return {name: front[name] for name in FrontMatter.model_fields if name in front}


def draft_markdown(front: dict[str, Any], body: str) -> str:
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\n{body.strip()}\n"
