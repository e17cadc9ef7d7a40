"""Feedback as a ranking prior: an item users used for a situation ranks up a little for similar ones.

Off by default (setting `feedback_prior`); `scripts/replay_feedback.py` measures it. For a query,
every past `used` event whose question is similar (USE cosine, the measure `gaps.py` groups
questions by) lends its item some evidence, more the more alike the two questions are:

    evidence(item) = sum over users of the best likeness of one of that user's uses of the item
    boost(item)    = MAX_BOOST * evidence(item) / (sum of all items' evidence + SHRINK)

- one user counts at most once per item, however often they send it, so one client cannot game it;
- SHRINK is pseudo-evidence for "no preference": with few events every boost stays near zero, and
  users who use items at random spread their evidence thin, so no item stands out;
- the boost is at most MAX_BOOST of fused score, so an item never passes one that the text alone
  ranks more than MAX_BOOST higher (fused scores are z-scores; the best item is usually 3-6).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from casebook.events import EventStore
from casebook.search.engine import Engine

log = logging.getLogger("casebook.search")

ENCODER = "use"
ALIKE_FROM = 0.4  # cosine below which two questions are not about the same situation (gaps.DISTANCE)
ALIKE_FULL = 0.7  # cosine from which a past question counts in full
SHRINK = 4.0  # "four users' worth of no preference": one user alone moves an item by at most MAX_BOOST / 5
MAX_BOOST = 0.5
MAX_EVENTS = 20_000  # the most recent `used` events a prior holds
REFRESH_SECONDS = 300.0


@dataclass(frozen=True)
class Use:
    """One user used one item for one question."""

    question: str
    item_id: str
    user: str


class FeedbackPrior:
    """The prior of a fixed set of uses; `boost(query)` is what each item gains for that query."""

    def __init__(self, engine: Engine, uses: list[Use], vectors: dict[str, np.ndarray] | None = None) -> None:
        self.engine = engine
        self.encoder = engine.encoders.get(ENCODER) or next(iter(engine.encoders.values()), None)
        known = [u for u in uses if u.item_id in engine.row_of]
        self.vectors = vectors if vectors is not None else {}
        self.questions = {u.question for u in known}
        if self.encoder is None or not known:
            self.size = 0
            return
        for question in {u.question for u in known} - set(self.vectors):
            self.vectors[question] = _unit(self.engine.cache.get(self.encoder, question))
        self.size = len(known)
        self.matrix = np.vstack([self.vectors[u.question] for u in known])
        self.rows = np.array([engine.row_of[u.item_id] for u in known])
        users = {user: n for n, user in enumerate(dict.fromkeys(u.user for u in known))}
        # one key per (user, item): a user's evidence for an item is the best of their uses of it
        self.pairs = np.array([users[u.user] for u in known]) * len(engine.items) + self.rows

    @classmethod
    def from_store(cls, engine: Engine, store: EventStore, days: float,
                   vectors: dict[str, np.ndarray] | None = None) -> FeedbackPrior:
        """The prior of the `used` events of the last `days` days (at most MAX_EVENTS, the newest)."""
        if not store.path.exists():  # nothing recorded yet; reading must not create the file
            return cls(engine, [], vectors)
        rows = store.feedback(since=time.time() - days * 86400, actions=("used",))[-MAX_EVENTS:]
        # feedback without a user id stands alone: it cannot be tied to earlier feedback of the same person
        uses = [Use(r.query, r.item_id, r.user or f"request:{r.request_id}") for r in rows]
        return cls(engine, uses, vectors)

    def boost(self, query: str) -> np.ndarray | None:
        """What each item's fused score gains for this query (None when there is nothing to add)."""
        if not self.size:
            return None
        likeness = self.matrix @ _unit(self.engine.cache.get(self.encoder, query))
        weight = np.clip((likeness - ALIKE_FROM) / (ALIKE_FULL - ALIKE_FROM), 0.0, 1.0)
        if not weight.any():
            return None
        best: dict[int, float] = {}
        for pair, w in zip(self.pairs[weight > 0].tolist(), weight[weight > 0].tolist()):
            best[pair] = max(best.get(pair, 0.0), w)
        evidence = np.zeros(len(self.engine.items))
        items = len(self.engine.items)
        np.add.at(evidence, [pair % items for pair in best], list(best.values()))
        return MAX_BOOST * evidence / (evidence.sum() + SHRINK)


class LivePrior:
    """The prior of an event store, rebuilt in the background every REFRESH_SECONDS as feedback comes in."""

    def __init__(self, engine: Engine, store: EventStore, days: float, refresh: float = REFRESH_SECONDS) -> None:
        self.engine, self.store, self.days, self.refresh = engine, store, days, refresh
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._building = False
        self.current = FeedbackPrior(engine, [])
        self.built = 0.0
        self._rebuild()

    def boost(self, query: str) -> np.ndarray | None:
        if time.monotonic() - self.built > self.refresh:
            self._rebuild_later()
        return self.current.boost(query)

    def _rebuild_later(self) -> None:
        with self._lock:
            if self._building:
                return
            self._building = True
        threading.Thread(target=self._rebuild, name="casebook-prior", daemon=True).start()

    def _rebuild(self) -> None:
        try:
            self.current = FeedbackPrior.from_store(self.engine, self.store, self.days, self._vectors)
            self._vectors = {q: v for q, v in self._vectors.items() if q in self.current.questions}
        except Exception:
            log.exception("could not rebuild the feedback prior; keeping the previous one")
        finally:
            self.built = time.monotonic()
            self._building = False


def _unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float64)
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector
