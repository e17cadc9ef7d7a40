"""`POST /feedback`: what a trainer did with an item of a page's answer, sent by feedback.js.

The pages' own door to the same check and record as `POST /v1/feedback`: the pages carry no API
key, and the JavaScript only ever talks to its own origin (the CSP allows nothing else).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from casebook.api.deps import current_recorder
from casebook.api.pages.web import page_router
from casebook.api.usage_schemas import FeedbackRequest
from casebook.events import Feedback, take_feedback

router = page_router()


@router.post("/feedback", status_code=202)
async def page_feedback(body: FeedbackRequest, request: Request) -> JSONResponse:
    """Record `opened` (an item page opened from a result) or `used` (added to the pack)."""
    event = Feedback(request_id=body.request_id, item_id=body.item_id, action=body.action, channel="pages",
                     user=body.user)
    recorded = await take_feedback(current_recorder(request), event)
    return JSONResponse({"recorded": recorded}, status_code=202)
