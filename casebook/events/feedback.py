"""Taking feedback: check that it refers to an item of a recorded answer, then record it.

Answers are written by a background thread, perhaps in another worker process, so an answer given
a moment ago may not be in the file yet: the check looks again for a short while before it says
the request is unknown. It waits with `asyncio.sleep`, holding no thread while it does.
"""

from __future__ import annotations

import asyncio
import time

from casebook.errors import NotInAnswer, UnknownRequest
from casebook.events.recorder import NullRecorder, Recorder
from casebook.events.records import Answer, Feedback

WAIT_FOR_ANSWER = 2.0  # seconds an unknown request id is looked for before it is refused
POLL = 0.02


async def find_answer(recorder: Recorder, request_id: str, wait: float = WAIT_FOR_ANSWER) -> Answer | None:
    """The recorded answer of `request_id`, looked for again until `wait` seconds have passed."""
    assert recorder.store is not None
    deadline = time.monotonic() + wait
    while True:
        answer = recorder.store.answer(request_id)
        if answer is not None or time.monotonic() >= deadline:
            return answer
        await asyncio.sleep(POLL)


async def take_feedback(recorder: Recorder | NullRecorder, feedback: Feedback,
                        wait: float = WAIT_FOR_ANSWER) -> bool:
    """Record `feedback` once it is checked; False when events are off (nothing is recorded).

    Raises UnknownRequest when no answer has that request id, NotInAnswer when the item was not in it.
    """
    if not recorder.enabled:
        return False
    answer = await find_answer(recorder, feedback.request_id, wait)  # type: ignore[arg-type]
    if answer is None:
        raise UnknownRequest(f"no recorded answer has request id {feedback.request_id!r}: send the "
                             "`request_id` of a search or recommend answer (events older than the "
                             "retention period are deleted)")
    if feedback.item_id not in answer.item_ids:
        raise NotInAnswer(f"item {feedback.item_id!r} was not in the answer to request {feedback.request_id!r}; "
                          f"that answer held: {', '.join(sorted(answer.item_ids)) or 'nothing'}")
    feedback.ask_id = answer.ask_id
    recorder.record(feedback)
    return True
