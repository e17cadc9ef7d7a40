"""`POST /v1/feedback`: a user opened, used or dismissed an item of a search or recommend answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from casebook.api import examples
from casebook.api.deps import ApiKey, RecorderDep
from casebook.api.schemas import ErrorBody, error_responses
from casebook.api.usage_schemas import FeedbackAccepted, FeedbackRequest
from casebook.events import Feedback, take_feedback

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[ApiKey])


@router.post("/feedback", status_code=202, response_model=FeedbackAccepted, responses={
    202: {"content": {"application/json": {"example": examples.FEEDBACK_ACCEPTED}}},
    404: {"model": ErrorBody, "description": "No recorded answer has this `request_id`."},
    422: {"model": ErrorBody, "description": "The item was not in that answer, or a field is invalid."},
    **error_responses(400, 401, 413, 503)})
async def send_feedback(
    body: Annotated[FeedbackRequest, Body(openapi_examples={"used": {
        "summary": "The CRM user used a recommended case", "value": examples.FEEDBACK_REQUEST}})],
    recorder: RecorderDep,
) -> FeedbackAccepted:
    """Tell casebook what the user did with an item of an answer: `opened`, `used` or `dismissed`.
    The same event sent twice counts once. Feedback is what the insights report and, when the
    server turns it on, the ranking prior learn from."""
    event = Feedback(request_id=body.request_id, item_id=body.item_id, action=body.action, channel="api",
                     user=body.user)
    recorded = await take_feedback(recorder, event)
    return FeedbackAccepted(request_id=body.request_id, item_id=body.item_id, action=body.action, recorded=recorded)
