"""The public contract of feedback (`POST /v1/feedback`) and insights (`GET /v1/insights`).

The insights models repeat the field names of the engine's records (search/insights.py) on purpose:
the contract carries descriptions and examples and stays apart from internal types, as every
`/v1` model does. tests/test_api_openapi.py checks that both name the same fields.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from casebook.api import examples
from casebook.model import ID_PATTERN

REQUEST_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"  # what the server accepts as X-Request-ID


class FeedbackRequest(BaseModel):
    """What a user did with one item of one answer."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.FEEDBACK_REQUEST]})

    request_id: str = Field(pattern=REQUEST_ID_PATTERN, description=(
        "The `request_id` of the search or recommend answer (also its `X-Request-ID` header)."))
    item_id: str = Field(pattern=ID_PATTERN, max_length=80, description="An item that answer held.")
    action: Literal["opened", "used", "dismissed"] = Field(description=(
        "`opened`: the user opened the item; `used`: used it (sent it, added it to a plan or pack); "
        "`dismissed`: marked it not helpful."))
    user: str = Field(default="", max_length=64, description=(
        "An opaque id of the user (not a name or phone number); one user's feedback on an item counts "
        "once however often it is sent."))


class FeedbackAccepted(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.FEEDBACK_ACCEPTED]})

    request_id: str
    item_id: str
    action: str
    recorded: bool = Field(description="False when the server records no events (CASEBOOK_EVENTS=off).")


class InsightsWindow(BaseModel):
    days: float
    since: float = Field(description="Start of the window, Unix seconds.")
    until: float = Field(description="End of the window, Unix seconds.")


class SituationCount(BaseModel):
    situation_id: str = Field(description="The situation concept's id; empty for questions naming no known situation.")
    situation: str
    asks: int
    api: int
    pages: int
    mcp: int
    cli: int


class ChannelCount(BaseModel):
    channel: str = Field(description="`api`, `pages`, `mcp` or `cli`.")
    kind: str = Field(description="`search` or `recommend`.")
    asks: int
    low_confidence: int


class NearItem(BaseModel):
    id: str
    type: str
    title: str
    title_en: str


class Gap(BaseModel):
    label: str = Field(description="The group's most typical question.")
    asks: int = Field(description="Times any question of the group was asked.")
    questions: int = Field(description="Distinct questions in the group.")
    low_confidence: int = Field(description="Asks answered without confidence.")
    dismissed: int = Field(description="Items of its answers users dismissed.")
    examples: list[str]
    nearest: list[NearItem] = Field(description="What the library has closest to it today.")


class ItemUse(BaseModel):
    situation_id: str
    situation: str
    item_id: str
    type: str
    title: str
    used: int
    dismissed: int
    opened: int


class UncoveredTheory(BaseModel):
    theory_id: str
    title: str
    title_en: str
    asks: int = Field(description="Confident answers that held it among their first three items.")
    used: int


class Insights(BaseModel):
    """What was asked, what the library lacks and what was used, over a time window."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.INSIGHTS]})

    window: InsightsWindow
    totals: dict[str, int] = Field(description=(
        "`asks`, `search`, `recommend`, `low_confidence`, and feedback `opened`, `used`, `dismissed`."))
    asked_by_situation: list[SituationCount]
    asked_by_channel: list[ChannelCount]
    gaps: list[Gap] = Field(description="Not-confident and dismissed questions grouped by meaning, largest first.")
    items: list[ItemUse] = Field(description="Per situation, the items users used, dismissed and opened.")
    uncovered_theories: list[UncoveredTheory] = Field(description="Theories that answered questions but no case illustrates.")
