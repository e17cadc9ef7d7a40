"""`POST /v1/recommend`: the cases, theories and scripts that fit a customer's situation."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Body

from casebook.api import examples
from casebook.api.deps import ApiKey, EngineDep, RecorderDep, RequestIdDep
from casebook.api.schemas import RecommendRequest, RecommendResponse, error_responses, example_response
from casebook.search.recommend import CustomerSituation, recommend
from casebook.search.usage import record_recommendation

router = APIRouter(prefix="/v1", tags=["recommend"], dependencies=[ApiKey])


@router.post("/recommend", response_model=RecommendResponse,
             responses={**example_response(examples.RECOMMEND_RESPONSE), **error_responses(400, 401, 413, 422, 503)})
def recommend_items(
    body: Annotated[RecommendRequest, Body(openapi_examples={"arrears": {
        "summary": "A household three months in arrears, landlord unreachable",
        "value": examples.RECOMMEND_REQUEST}})],
    engine: EngineDep,
    recorder: RecorderDep,
    request_id: RequestIdDep,
) -> RecommendResponse:
    """Give free text, customer fields, or both; get the best cases, the theories that explain them
    (a theory the top case links is always among them) and scripts to use, each with why.
    `low_confidence` is true when nothing in the library fits; `request_id` identifies the answer
    for `POST /v1/feedback`."""
    situation = CustomerSituation(text=body.text, **body.customer.model_dump())
    started = time.perf_counter()
    result = recommend(engine, situation, cases=body.limit, theories=body.limit, scripts=body.limit)
    record_recommendation(recorder, result, situation, request_id=request_id, channel="api", started=started)
    return RecommendResponse.model_validate({**result.as_dict(), "request_id": request_id})
