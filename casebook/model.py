"""The item model: one pydantic class is both the validator and the schema documentation."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ItemType = Literal["case", "theory", "script"]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Where each type lives, relative to the library root.
TYPE_FOLDERS: dict[str, str] = {
    "case": "cases",
    "theory": "playbook/theories",
    "script": "playbook/scripts",
}


class Segment(str, Enum):
    """Customer segment (客户群)."""

    household = "household"  # 家庭/住宅客户
    individual = "individual"  # 个人/手机客户
    sme = "sme"  # 中小企业、商铺、商业客户
    enterprise = "enterprise"  # 企业、集团客户
    government = "government"  # 政府、党政军
    finance = "finance"  # 银行、金融
    education = "education"  # 学校、高校
    key_account = "key_account"  # 大客户、VIP
    general = "general"  # 不限客户群


class Channel(str, Enum):
    """Channel or role of the person who acts (渠道/角色)."""

    community_manager = "community_manager"  # 社区经理
    account_manager = "account_manager"  # 客户经理、大客户经理
    direct_sales = "direct_sales"  # 直销队伍
    store = "store"  # 营业厅、门店
    telesales = "telesales"  # 电话营销、客服
    online = "online"  # 网站、网店、短信
    management = "management"  # 管理层、方案策划


class Outcome(str, Enum):
    """How a case ended."""

    success = "success"
    partial = "partial"
    failure = "failure"
    unknown = "unknown"


SEGMENT_LABELS: dict[str, str] = {
    "household": "家庭客户", "individual": "个人客户", "sme": "中小商户", "enterprise": "企业客户",
    "government": "政府客户", "finance": "金融客户", "education": "教育客户",
    "key_account": "大客户", "general": "通用",
}
CHANNEL_LABELS: dict[str, str] = {
    "community_manager": "社区经理", "account_manager": "客户经理", "direct_sales": "直销",
    "store": "营业厅", "telesales": "电话营销", "online": "网络渠道", "management": "管理策划",
}
OUTCOME_LABELS: dict[str, str] = {
    "success": "成功", "partial": "部分成功", "failure": "失败", "unknown": "未说明",
}
KINDS: dict[str, tuple[str, ...]] = {
    "case": ("story", "plan"),
    "theory": ("concept", "principle", "model", "method"),
    "script": ("dialogue", "questions", "lines"),
}
# What a reader calls each kind: the pages show one language, the pack exports (bilingual) both.
KIND_LABELS: dict[str, str] = {"story": "故事", "plan": "方案", "concept": "概念", "principle": "原则", "model": "模型",
                               "method": "方法", "dialogue": "对话", "questions": "问话", "lines": "话术句"}
KIND_LABELS_EN: dict[str, str] = {"story": "Story", "plan": "Plan", "concept": "Concept", "principle": "Principle",
                                  "model": "Model", "method": "Method", "dialogue": "Dialogue",
                                  "questions": "Questions", "lines": "Lines"}


class Source(BaseModel):
    """Where the wording of an item comes from."""

    model_config = ConfigDict(extra="forbid")

    document: str = Field(description="Source file name, e.g. `000_de215c6a59c0f009.txt`.")
    title: str = Field(description="Title of the source document.")
    section: str = Field(description="Section inside the document, e.g. `[案例]1 客户关系管理` or `篇7`.")


class FrontMatter(BaseModel):
    """The YAML front matter of every item file."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    id: str = Field(pattern=ID_PATTERN, max_length=80,
                    description="Stable ASCII id, lower-case words joined by `-`; the file is `<id>.md`.")
    type: ItemType = Field(description="`case`, `theory` or `script`; decides the folder.")
    kind: str | None = Field(default=None, description=(
        "Sub-kind: case `story`|`plan`; theory `concept`|`principle`|`model`|`method`; "
        "script `dialogue`|`questions`|`lines`."))
    title: str = Field(min_length=1, description="Chinese title (the source's own where it has one).")
    title_en: str = Field(min_length=1, description="English title.")
    summary: str = Field(min_length=1, description="One-line Chinese summary.")
    summary_en: str = Field(min_length=1, description="One-line English summary.")
    source: Source = Field(description="Source document and section (the one its main text comes from).")
    also_from: list[Source] = Field(default_factory=list, description=(
        "Other documents part of its text comes from, when it joins passages of two sources."))
    situations: list[str] = Field(default_factory=list, description=(
        "Customer situations it applies to: canonical Chinese labels of situation concepts in "
        "`playbook/vocabulary.yaml` (欠费催缴, 申请销号); see docs/VOCABULARY.md."))
    segments: list[Segment] = Field(default_factory=list, description=(
        "Customer segments: " + ", ".join(s.value for s in Segment) + "."))
    channels: list[Channel] = Field(default_factory=list, description=(
        "Channel / role of the actor: " + ", ".join(c.value for c in Channel) + "."))
    products: list[str] = Field(default_factory=list, description=(
        "Products and programmes named: canonical labels of product concepts in the vocabulary (合家欢, e8, ADSL)."))
    outcome: Outcome | None = Field(default=None, description=(
        "Cases only: " + ", ".join(o.value for o in Outcome) + "."))
    tags: list[str] = Field(default_factory=list, description=(
        "Ids of tag concepts in the vocabulary, lower-case English words (`arrears`, `retention`)."))
    theories: list[str] = Field(default_factory=list, description=(
        "Cases and scripts: ids of the theories it illustrates or applies."))
    scripts: list[str] = Field(default_factory=list, description="Cases: ids of scripts that fit it.")
    review: list[str] = Field(default_factory=list, description=(
        "Fields whose values were suggested by `casebook import` and not yet checked by an editor "
        "(e.g. `[situations, theories, title_en]`). `casebook lint` refuses an item while this list "
        "is non-empty: check each field, correct it, then remove its name from `review`."))

    @field_validator("tags")
    @classmethod
    def _tags_are_slugs(cls, tags: list[str]) -> list[str]:
        import re

        bad = [t for t in tags if not re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", t)]
        if bad:
            raise ValueError(f"tags must be lower-case ASCII words, not {bad}")
        return tags

    @field_validator("review")
    @classmethod
    def _review_names_fields(cls, review: list[str]) -> list[str]:
        unknown = [name for name in review if name not in cls.model_fields or name in ("id", "review")]
        if unknown:
            raise ValueError(f"review lists field names; {unknown} is not a field to review")
        return review

    @field_validator("kind")
    @classmethod
    def _kind_known(cls, kind: str | None, info) -> str | None:
        item_type = info.data.get("type")
        if kind is not None and item_type in KINDS and kind not in KINDS[item_type]:
            raise ValueError(f"kind of a {item_type} must be one of {list(KINDS[item_type])}")
        return kind


class Item(FrontMatter):
    """A loaded item: front matter plus its Markdown body and where it lives."""

    body: str = Field(description="Markdown body (source wording verbatim).")
    path: str = Field(description="Path relative to the library root.")

    @property
    def tag_words(self) -> list[str]:
        """Tags as words (`unpaid-bills` -> `unpaid bills`), for matching text and queries."""
        return [t.replace("-", " ") for t in self.tags]

    @property
    def sections(self) -> dict[str, str]:
        """Body split on `## ` headings, heading -> text ('' for text before the first)."""
        out: dict[str, str] = {}
        name, lines = "", []
        for line in self.body.splitlines():
            if line.startswith("## "):
                out[name] = "\n".join(lines).strip()
                name, lines = line[3:].strip(), []
            else:
                lines.append(line)
        out[name] = "\n".join(lines).strip()
        return {k: v for k, v in out.items() if v or k}

    def file_path(self, root: Path) -> Path:
        return root / self.path
