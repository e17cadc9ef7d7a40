"""The insights page (`/insights`): what is asked, the library's gaps, what is used; CSV of each table."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from casebook.api.pages.web import engine_of, page_router, render
from casebook.errors import BadQuery, ItemNotFound
from casebook.search.insights import TABLES, insights_for, table_csv

router = page_router()

WINDOWS = (7, 30, 90, 180)  # days the page offers


def window_days(days: str) -> float:
    try:
        value = float(days)
    except ValueError:
        value = -1
    if not 0 < value <= 3650:
        raise BadQuery("days must be a number of days between 1 and 3650")
    return value


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, days: str = "30") -> HTMLResponse:
    """The five tables over the window, gaps first: what to write next."""
    engine = engine_of(request)
    window = window_days(days)
    result = insights_for(engine, request.app.state.settings, window)
    return render(request, "insights.html", result=result, days=window, days_text=f"{window:g}", windows=WINDOWS,
                  library=engine.library)


@router.get("/insights/{table}.csv")
def insights_csv(request: Request, table: str, days: str = "30") -> Response:
    """One table as CSV for a spreadsheet."""
    if table not in TABLES:
        raise ItemNotFound(f"no insights table {table!r}; the tables are {', '.join(TABLES)}")
    window = window_days(days)
    text = table_csv(insights_for(engine_of(request), request.app.state.settings, window), table)
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="casebook-{table}-{window:g}d.csv"'})
