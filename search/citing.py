"""A search restricted to one theory and the items that cite it (the search page's theory filter)."""

from __future__ import annotations

from casebook.search.engine import MAX_K, Engine
from casebook.search.filters import Filters
from casebook.search.hits import SearchResponse


def search_citing(engine: Engine, query: str, k: int, filters: Filters, theory: str | None) -> SearchResponse:
    """The k best items among `theory` and the items that link it (no theory: a plain search)."""
    if not theory:
        return engine.search(query, k=k, filters=filters)
    response = engine.search(query, k=MAX_K, filters=filters)
    library = engine.library

    def cites(hit_id: str) -> bool:
        item = library.get(hit_id)
        return hit_id == theory or (item is not None and theory in item.theories)

    response.results = [hit for hit in response.results if cites(hit.id)][:k]
    return response
