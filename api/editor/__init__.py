"""Editor pages for trainers: sign in, then create and edit items with pickers for the vocabulary,
a Markdown preview and the checks of `casebook lint` as they type; saving publishes.

The pages are a client of the editing API (`/v1/items/...`): their script sends the changes with
the session cookie and its CSRF token (auth.py), and the API checks, writes and records them.
"""

from __future__ import annotations

from fastapi import APIRouter

from casebook.api.editor import import_page, pages, sign_in, web

router = APIRouter(include_in_schema=False)
for module in (web, sign_in, pages, import_page):
    router.include_router(module.router)
