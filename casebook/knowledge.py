"""Views of the library that an outside knowledge platform retrieves from, and the metadata
conditions it narrows them with (Dify's External Knowledge API: `knowledge_id`, `metadata_condition`).

Pure functions of an item: no engine, no HTTP, so each rule is testable alone. The faces
(api/dify.py) hand `View.allows` and `MetadataCondition.allows` to the engine as a filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from casebook.loader import Library
from casebook.model import CHANNEL_LABELS, SEGMENT_LABELS, Item

# --- views (knowledge ids) ---------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A named part of the library: every item, one type, or the items of one situation family."""

    id: str
    name: str
    description: str
    allows: Callable[[Item], bool]


TYPE_VIEWS = {"cases": ("case", "Cases", "Real stories and campaign plans, with the source's commentary."),
              "theories": ("theory", "Theories", "Named marketing concepts, principles, models and methods."),
              "scripts": ("script", "Scripts", "Words to use with a customer: telephone scripts, question sets.")}


def knowledge_views(library: Library) -> dict[str, View]:
    """`all`, `cases`, `theories`, `scripts`, and one view per situation family when the library
    has a vocabulary (playbook/vocabulary.yaml, `Library.vocabulary`)."""
    views = {"all": View("all", "Everything", "Every case, theory and script.", lambda item: True)}
    for view_id, (item_type, name, description) in TYPE_VIEWS.items():
        views[view_id] = View(view_id, name, description, lambda item, t=item_type: item.type == t)
    vocabulary = getattr(library, "vocabulary", None)
    for family in getattr(vocabulary, "families", None) or []:
        family_id, label, label_en = (_attr(family, key) for key in ("id", "label", "label_en"))
        if not family_id or family_id in views:
            continue
        members = frozenset(item.id for item in library.items
                            if any(_family_of(vocabulary, s) == family_id for s in item.situations))
        views[family_id] = View(family_id, f"{label_en or family_id} ({label})" if label else family_id,
                                f"Items for the customer situations of the family {label or family_id}.",
                                lambda item, ids=members: item.id in ids)
    return views


def _attr(thing: Any, key: str) -> Any:
    return thing.get(key) if isinstance(thing, dict) else getattr(thing, key, None)


def _family_of(vocabulary: Any, situation: str) -> str | None:
    concept = vocabulary.lookup(situation, kind="situation")
    return getattr(concept, "family", None) if concept is not None else None


# --- metadata conditions ---------------------------------------------------------------------

Operator = Literal["contains", "not contains", "start with", "end with", "is", "is not",
                   "empty", "not empty", "in", "not in"]
# Field name (and its plural) -> the item's values; segments and channels also by their Chinese label.
FIELDS: dict[str, Callable[[Item], list[str]]] = {
    "type": lambda item: [item.type],
    "segment": lambda item: [v for s in item.segments for v in (s, SEGMENT_LABELS.get(s, s))],
    "channel": lambda item: [v for c in item.channels for v in (c, CHANNEL_LABELS.get(c, c))],
    "situation": lambda item: list(item.situations),
    "tag": lambda item: list(item.tags),
    "product": lambda item: list(item.products),
}
ALIASES = {**{name: name for name in FIELDS}, **{name + "s": name for name in FIELDS}}
VALUELESS = ("empty", "not empty")


class Condition(BaseModel):
    """One test on an item's annotations; a field with several values passes when any value does
    (a negative operator: when none does)."""

    model_config = ConfigDict(extra="ignore")

    name: str | list[str] = Field(description="Field: type, segment, channel, situation, tag or product "
                                              "(a list of them tests their values together).")
    comparison_operator: Operator
    value: str | int | float | list[str] | None = None

    @model_validator(mode="after")
    def _known_field_and_value(self) -> Condition:
        names = [self.name] if isinstance(self.name, str) else self.name
        unknown = [n for n in names if n.strip().lower() not in ALIASES]
        if unknown or not names:
            raise ValueError(f"unknown metadata field {unknown or names}: use one of {', '.join(FIELDS)}")
        if self.comparison_operator not in VALUELESS and (self.value is None or self.value in ("", [])):
            raise ValueError(f"the operator {self.comparison_operator!r} needs a value")
        return self

    def fields(self) -> list[str]:
        names = [self.name] if isinstance(self.name, str) else self.name
        return [ALIASES[n.strip().lower()] for n in names]

    def values(self) -> list[str]:
        """The value(s) to compare with, lower-cased; `in` takes a list or a comma-separated string."""
        if isinstance(self.value, list):
            given = self.value
        elif self.comparison_operator in ("in", "not in") and isinstance(self.value, str):
            given = self.value.split(",")
        else:
            given = [] if self.value is None else [str(self.value)]
        return [v.strip().lower() for v in given if str(v).strip()]

    def allows(self, item: Item) -> bool:
        have = [v.lower() for name in self.fields() for v in FIELDS[name](item)]
        wanted = self.values()
        op = self.comparison_operator
        if op == "empty":
            return not have
        if op == "not empty":
            return bool(have)
        test: Callable[[str, str], bool] = {
            "contains": lambda v, w: w in v, "not contains": lambda v, w: w in v,
            "start with": lambda v, w: v.startswith(w), "end with": lambda v, w: v.endswith(w),
            "is": lambda v, w: v == w, "is not": lambda v, w: v == w,
            "in": lambda v, w: v == w, "not in": lambda v, w: v == w,
        }[op]
        found = any(test(v, w) for v in have for w in wanted)
        return not found if op in ("not contains", "is not", "not in") else found


class MetadataCondition(BaseModel):
    """Dify's `metadata_condition`: conditions joined by `and` (every one) or `or` (any one)."""

    model_config = ConfigDict(extra="ignore")

    logical_operator: Literal["and", "or"] = "and"
    conditions: list[Condition] = Field(default_factory=list, max_length=50)

    @field_validator("logical_operator", "conditions", mode="before")
    @classmethod
    def _null_is_the_default(cls, value: Any, info: ValidationInfo) -> Any:
        """Dify's own model declares both optional and sends `null` for an unset one; a refusal
        would reach the Dify user only as a retrieval with no records."""
        if value is None:
            return "and" if info.field_name == "logical_operator" else []
        return value

    def allows(self, item: Item) -> bool:
        if not self.conditions:
            return True
        results = (c.allows(item) for c in self.conditions)
        return all(results) if self.logical_operator == "and" else any(results)
