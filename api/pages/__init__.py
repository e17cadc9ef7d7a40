"""Trainer pages: server-rendered HTML for people, served at `/` beside the JSON API.

`router` holds every page route (one module per page type); `error_page` is what the app's
exception handler returns for an error on any non-API path.
"""

from __future__ import annotations

from fastapi import APIRouter

from casebook.api.pages import browse, feedback, insights, items, pack, pack_files, recommend, search, web
from casebook.api.pages.web import error_page

router = APIRouter(include_in_schema=False)
for module in (web, search, items, browse, recommend, pack, pack_files, insights, feedback):
    router.include_router(module.router)

__all__ = ["error_page", "router"]
