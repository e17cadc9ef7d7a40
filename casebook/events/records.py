"""What the event store records: a question and its answer (`Ask`), and what a user did with it
(`Feedback`). Plain records; `casebook.events.store` is the only code that knows the tables."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["search", "recommend"]
Channel = Literal["api", "pages", "mcp", "cli"]
Action = Literal["opened", "used", "dismissed"]
KINDS: tuple[str, ...] = ("search", "recommend")
CHANNELS: tuple[str, ...] = ("api", "pages", "mcp", "cli")
ACTIONS: tuple[str, ...] = ("opened", "used", "dismissed")


@dataclass(frozen=True)
class Returned:
    """One item of an answer: where it stood, in which group, with its score."""

    item_id: str
    rank: int  # 1-based within its group
    group: str  # `results` for a search; `cases`, `theories` or `scripts` for a recommendation
    score: float


@dataclass
class Ask:
    """One search or recommend: the question as asked (masked when stored) and what was returned."""

    request_id: str
    kind: Kind
    channel: Channel
    query: str  # what the engine searched for (a recommendation's query is built from the fields)
    returned: list[Returned]
    low_confidence: bool
    latency_ms: float
    text: str = ""  # the free text as the user gave it (a search's query; a recommendation's `text`)
    customer: dict[str, Any] | None = None  # a recommendation's customer fields
    filters: dict[str, Any] | None = None
    ts: float = field(default_factory=time.time)
    id: int | None = None  # the store's row id once read back


@dataclass
class Feedback:
    """A user opened, used or dismissed one item of one answer."""

    request_id: str
    item_id: str
    action: Action
    channel: Channel
    user: str = ""  # an opaque id from the client; empty when not given
    ts: float = field(default_factory=time.time)
    ask_id: int | None = None  # the answer it refers to, filled in once checked


@dataclass(frozen=True)
class Answer:
    """A recorded answer as the feedback check needs it."""

    ask_id: int
    request_id: str
    item_ids: frozenset[str]


@dataclass(frozen=True)
class FeedbackRow:
    """A feedback event joined with the question it answered (for insights and the ranking prior)."""

    ask_id: int
    item_id: str
    action: str
    user: str
    request_id: str
    query: str
    channel: str
    ts: float
