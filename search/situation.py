"""A customer's situation as a CRM sends it, and what its fields mean in the library's vocabulary.

Every field is normalised through the vocabulary before it is matched against item annotations:
products to product concepts, events (and the notes and free text) to situation concepts, by any
synonym in Chinese or English, so "要求销户", "申请消号" and "wants to cancel the line" are the
same event. A value no concept covers is kept as a phrase and matched as a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from casebook.model import CHANNEL_LABELS, SEGMENT_LABELS, Channel, Segment
from casebook.search.concepts import ValueMatcher, named_in
from casebook.vocabulary import Concept, Kind

HIGH_ARPU = 150.0  # yuan a month; from here on a high-value customer (高价值客户)
LONG_TENURE = 24  # months; from here on an old customer (老客户)
NEW_TENURE = 6  # months; below it a new customer (新客户)
FREE_TEXT = ("text", "notes")  # fields of free text: every concept they name counts, at a lower weight


class CustomerSituation(BaseModel):
    """What the CRM knows about one customer; every field is optional, but not all can be empty."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    text: str = ""
    segment: Segment | None = None
    products: list[str] = Field(default_factory=list)
    arpu: float | None = Field(default=None, ge=0)
    tenure_months: int | None = Field(default=None, ge=0)
    arrears_months: int | None = Field(default=None, ge=0)
    events: list[str] = Field(default_factory=list)
    competitor: str | None = None
    channel: Channel | None = None
    notes: str = ""

    def states(self) -> dict[str, str]:
        """Field name -> the situation phrase its value stands for (欠费, 老客户, 高价值客户, 竞争对手)."""
        out = {}
        if self.arrears_months:
            out["arrears_months"] = "欠费"
        if self.tenure_months is not None and self.tenure_months >= LONG_TENURE:
            out["tenure_months"] = "老客户"
        elif self.tenure_months is not None and self.tenure_months < NEW_TENURE:
            out["tenure_months"] = "新客户"
        if self.arpu is not None and self.arpu >= HIGH_ARPU:
            out["arpu"] = "高价值客户"
        if self.competitor:
            out["competitor"] = "竞争对手"
        return out

    def query(self) -> str:
        """The search query: the free text, then the value of each field, in plain words.

        Values, not `field:value` pairs: field labels (客户类型:, 事件:) made the encoders read a form,
        not a situation (on the CRM dev records the relevant case fell from 1st to 18th in e5's
        ranking). Segment and channel enter as their Chinese labels, a competitor as 竞争对手<name>.
        Numbers enter only as the states they stand for, never as digits (which pull the encoders
        towards unrelated items): arrears as `欠费3个月`; tenure and ARPU (老客户, 高价值客户) only
        when nothing else describes the situation, since in a fuller query they drew the search
        to generic old-customer items and away from the event that matters.
        """
        states = self.states()
        described = any(s.strip() for s in (self.text, self.notes, *self.events, *self.products))
        state_words = [f"欠费{self.arrears_months}个月" if field == "arrears_months" else phrase
                       for field, phrase in states.items()
                       if field == "arrears_months" or (field != "competitor" and not described)]
        parts = [
            self.text.strip(),
            SEGMENT_LABELS[self.segment] if self.segment else "",
            "，".join(self.products),
            "，".join(state_words),
            "，".join(self.events),
            f"竞争对手{self.competitor}" if self.competitor else "",
            CHANNEL_LABELS[self.channel] if self.channel else "",
            self.notes.strip(),
        ]
        return "；".join(p for p in parts if p)


@dataclass(frozen=True)
class FieldMatch:
    """One value of a customer field that an item's annotations share: the concept (id and
    canonical label), or for a value no concept covers, the value itself (`id` is None)."""

    id: str | None
    label: str


@dataclass
class Wanted:
    """The structured part of a situation, ready to match annotations."""

    segment: str | None
    channel: str | None
    concepts: list[tuple[str, Concept]] = field(default_factory=list)  # (customer field, concept)
    phrases: list[tuple[str, str]] = field(default_factory=list)  # (field, value) outside the vocabulary


def wanted(situation: CustomerSituation, matcher: ValueMatcher) -> Wanted:
    """What the situation asks of an item's annotations, in concepts where the vocabulary has them."""
    vocabulary = matcher.vocabulary
    out = Wanted(situation.segment, situation.channel)
    values: list[tuple[str, str, tuple[Kind, ...]]] = (
        [("products", p, ("product",)) for p in dict.fromkeys(situation.products)]
        + [("events", e, ("situation",)) for e in dict.fromkeys(situation.events)]
        + [(name, phrase, ("situation",)) for name, phrase in situation.states().items()])
    for name, value, kinds in values:
        found = matcher.concepts(value, kinds)
        out.concepts += [(name, c) for c in found]
        if not found:
            out.phrases.append((name, value))
    for name in FREE_TEXT:
        text = getattr(situation, name).strip()
        if text and len(vocabulary):
            out.concepts += [(name, c) for c in named_in(vocabulary, text, ("situation", "product"))]
    return out
