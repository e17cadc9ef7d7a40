"""A small vocabulary for tests, and a copy of real items that speaks it."""

from __future__ import annotations

from pathlib import Path

import yaml
from helpers import copy_library, write_item

from casebook.loader import read_library
from casebook.vocabulary import SECTIONS, VOCABULARY_FILE
from casebook.vocabulary_file import vocabulary_from_text

VOCABULARY = """\
families:
  - {id: churn, label: 销号与流失, label_en: Cancellation and churn}
  - {id: spend, label: 消费升降, label_en: Falling or rising spend}
situations:
  - id: cancellation-request
    label: 申请销号
    label_en: Customer asks to cancel
    family: churn
    synonyms: [销号, 消号, 销户, 拆机, 要求销号, cancel the line, cancellation, terminate]
  - id: long-distance-spend-falls
    label: 长途话费下降
    label_en: Long-distance spend falls
    family: spend
    synonyms:
      - 长途电话费减少
      - long-distance spend falls
  - id: spend-falls
    label: 话费下降
    label_en: Spend falls
    family: spend
    synonyms: [消费下降, spending less]
products:
  - {id: gotone, label: 全球通, label_en: GoTone, family: null, synonyms: [GlobalTong, Global Tong]}
  - {id: fixed-line, label: 固定电话, label_en: fixed line, synonyms: [固话, 座机, landline]}
tags:
  - {id: retention, label: 客户挽留, label_en: retention, synonyms: [customer-retention]}
"""


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first `needle` (after the first `after`) in `text`."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def vocabulary_covering(root: Path, base: str = VOCABULARY) -> str:
    """`base` plus one concept for every term the library's items use that `base` does not name,
    so a copy of real items lints clean against it."""
    known = vocabulary_from_text(base)
    data = yaml.safe_load(base)
    items = read_library(root).items
    for kind, section in SECTIONS.items():
        terms = sorted({term for item in items for term in getattr(item, section)})
        data[section] += [{"id": term if kind == "tag" else f"{kind}-{number}", "label": term,
                           "label_en": f"{kind} {number}", "family": "spend" if kind == "situation" else None}
                          for number, term in enumerate(terms) if known.lookup(term, kind) is None]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def speaking_library(target: Path, ids: list[str]) -> Path:
    """A copy of real items (and what they link to) with a small vocabulary that covers them."""
    root = copy_library(target, ids)
    write_item(root, VOCABULARY_FILE, vocabulary_covering(root))
    return root
