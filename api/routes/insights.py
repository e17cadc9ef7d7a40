"""`GET /v1/insights` (what was asked, the library's gaps, what was used) and each table as CSV."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from casebook.api import examples
from casebook.api.deps import ApiKey, EngineDep, SettingsDep
from casebook.api.schemas import error_responses, example_response
from casebook.api.usage_schemas import Insights
from casebook.search.insights import TABLES, insights_for, table_csv

router = APIRouter(prefix="/v1", tags=["insights"], dependencies=[ApiKey])

Days = Annotated[float, Query(gt=0, le=3650, description="The window: the last this many days.")]


@router.get("/insights", response_model=Insights,
            responses={**example_response(examples.INSIGHTS), **error_responses(401, 422, 503)})
def get_insights(engine: EngineDep, settings: SettingsDep, days: Days = 30) -> Insights:
    """What was asked (by situation, by channel), the gaps (questions answered badly, grouped by
    meaning, with the nearest items), the items used and dismissed per situation, and the theories
    asked about that no case illustrates."""
    return Insights.model_validate(insights_for(engine, settings, days).as_dict())


@router.get("/insights/{table}.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {"example": "label,asks,questions,...\n"}}, "description": "UTF-8 CSV with a header."},
    **error_responses(401, 422, 503)})
def get_insights_csv(
    engine: EngineDep, settings: SettingsDep,
    table: Annotated[Literal[TABLES], Path(description="Which table.")],  # type: ignore[valid-type]
    days: Days = 30,
) -> Response:
    """One table of the insights as CSV (UTF-8 with a byte-order mark, so spreadsheets read the Chinese)."""
    text = table_csv(insights_for(engine, settings, days), table)
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="casebook-{table}-{days:g}d.csv"'})
