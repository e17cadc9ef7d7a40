"""The terms intake finds in a document's text, in the shape of the shared vocabulary (issue 9).

Until `casebook/vocabulary.py` (`Library.vocabulary`) is on main, the concepts are the situations
and products the library's items already use, each its own concept (label = id, no synonyms).
`vocabulary_of` is the one place to switch: return `library.vocabulary` there once it lands.
Segments and channels are the model's enums; their words (Chinese labels and common synonyms)
are listed here because the vocabulary does not cover them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from casebook.loader import Library

SEGMENT_WORDS: dict[str, tuple[str, ...]] = {
    "household": ("家庭客户", "住宅", "家庭", "居民", "出租屋", "出租房", "住户", "家里"),
    "individual": ("个人客户", "手机用户", "个人用户", "学生", "流动人口"),
    "sme": ("中小企业", "商铺", "商业客户", "商户", "店铺", "小企业", "门店老板"),
    "enterprise": ("企业客户", "集团客户", "政企客户", "企业", "公司", "工厂", "厂"),
    "government": ("政府", "党政军", "机关", "政务"),
    "finance": ("银行", "金融", "保险", "证券"),
    "education": ("学校", "高校", "大学", "教师", "校园"),
    "key_account": ("大客户", "VIP", "重点客户", "高价值客户", "集团大客户"),
}
CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "community_manager": ("社区经理",),
    "account_manager": ("客户经理", "大客户经理", "政企经理", "服务经理"),
    "direct_sales": ("直销", "助销团队", "销售团队", "营销团队", "上门拜访", "扫楼"),
    "store": ("营业厅", "门店", "营业员", "柜台"),
    "telesales": ("电话营销", "客服", "外呼", "热线", "10000号"),
    "online": ("网站", "网店", "短信", "网上", "微信"),
    "management": ("管理层", "方案", "策划", "领导", "分公司", "总经理"),
}


def normalise(text: str) -> str:
    """Width- and case-insensitive form (full-width letters and digits become ASCII)."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class Concept:
    """A term of the vocabulary, as issue 9 defines it."""

    id: str
    kind: str  # "situation" | "product" | "tag"
    label: str
    label_en: str = ""
    synonyms: tuple[str, ...] = ()
    family: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *( [self.label_en] if self.label_en else []), *self.synonyms)


class Vocabulary(Protocol):
    """The part of issue 9's `Vocabulary` that intake uses."""

    def lookup(self, term: str, kind: str | None = None) -> Concept | None: ...

    def find_in_text(self, text: str, kinds: list[str] | None = None) -> list[Concept]: ...


@dataclass
class LibraryTerms:
    """A stand-in vocabulary: every situation and product label the library's items use."""

    concepts: list[Concept] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name = {}
        for concept in self.concepts:
            for name in (concept.id, *concept.names):
                self._by_name.setdefault((normalise(name), concept.kind), concept)

    def lookup(self, term: str, kind: str | None = None) -> Concept | None:
        kinds = [kind] if kind else ["situation", "product", "tag"]
        return next((self._by_name[(normalise(term), k)] for k in kinds if (normalise(term), k) in self._by_name),
                    None)

    def find_in_text(self, text: str, kinds: list[str] | None = None) -> list[Concept]:
        """Every concept one of whose names occurs in the text, longest name first."""
        haystack = normalise(text)
        found: dict[str, tuple[int, Concept]] = {}
        for concept in self.concepts:
            if kinds and concept.kind not in kinds:
                continue
            for name in concept.names:
                if _occurs(normalise(name), haystack):
                    found[concept.id] = (max(len(name), found.get(concept.id, (0, concept))[0]), concept)
        return [concept for _, concept in sorted(found.values(), key=lambda pair: -pair[0])]


def _occurs(name: str, haystack: str) -> bool:
    if not name:
        return False
    if name.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", haystack) is not None
    return name in haystack


def vocabulary_of(library: Library, exclude: set[str] | frozenset[str] = frozenset()) -> Vocabulary:
    """The vocabulary intake matches text against. SWITCH to `library.vocabulary` when issue 9 lands
    (`exclude`, the items left out in the leave-one-out measurement, then no longer applies)."""
    concepts: dict[tuple[str, str], Concept] = {}
    for item in library.items:
        if item.id in exclude:
            continue
        for kind, labels in (("situation", item.situations), ("product", item.products)):
            for label in labels:
                concepts.setdefault((kind, label), Concept(id=label, kind=kind, label=label))
    return LibraryTerms(list(concepts.values()))


def words_found(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """Keys of `table` (segments or channels) whose words occur in the text, most mentions first."""
    haystack = normalise(text)
    counts = {key: sum(haystack.count(normalise(word)) for word in words) for key, words in table.items()}
    return [key for key, count in sorted(counts.items(), key=lambda pair: -pair[1]) if count]


def load_vocabulary_file(path) -> LibraryTerms:
    """A vocabulary file in issue 9's shape (`situations:`, `products:`, `tags:` lists of concepts),
    read into the stand-in; for measuring suggestions against a vocabulary before it is on main."""
    import yaml

    data = yaml.safe_load(open(path, encoding="utf-8")) or {}
    concepts = []
    for key, kind in (("situations", "situation"), ("products", "product"), ("tags", "tag")):
        for entry in data.get(key) or []:
            concepts.append(Concept(id=str(entry["id"]), kind=kind, label=str(entry.get("label") or entry["id"]),
                                    label_en=str(entry.get("label_en") or ""),
                                    synonyms=tuple(str(s) for s in entry.get("synonyms") or ()),
                                    family=entry.get("family")))
    return LibraryTerms(concepts)
