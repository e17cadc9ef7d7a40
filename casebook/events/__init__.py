"""The event store: what was asked, what was answered, and what users did with the answers.

A store, neither core model nor engine: SQLite beside the index, written in the background so a
request never waits for it. `store` is the only module that knows the tables.
"""

from casebook.events.feedback import take_feedback
from casebook.events.mask import mask
from casebook.events.recorder import NullRecorder, Recorder, open_recorder
from casebook.events.records import ACTIONS, CHANNELS, Answer, Ask, Feedback, FeedbackRow, Returned
from casebook.events.store import EventStore, EventStoreError

__all__ = ["ACTIONS", "CHANNELS", "Answer", "Ask", "EventStore", "EventStoreError", "Feedback", "FeedbackRow",
           "NullRecorder", "Recorder", "Returned", "mask", "open_recorder", "take_feedback"]
