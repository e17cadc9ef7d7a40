"""Browse pages: items by type, by theory, by situation and tag, and the theory x case matrix."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from casebook.api.pages.web import engine_of, page_router, render
from casebook.catalog import (
    by_theory,
    situation_groups,
    situation_named,
    tag_counts,
    theory_matrix,
    with_situation,
    with_tag,
)
from casebook.errors import ItemNotFound

router = page_router()

TYPES = ("case", "theory", "script")


@router.get("/browse", response_class=HTMLResponse)
def browse_type(request: Request, type: str = "case") -> HTMLResponse:
    """Every item of one type."""
    if type not in TYPES:
        raise ItemNotFound(f"no item type {type!r}; use case, theory or script")
    library = engine_of(request).library
    counts = {t: len(library.of_type(t)) for t in TYPES}
    return render(request, "browse.html", tab=type, items=library.of_type(type), counts=counts)


@router.get("/browse/theories", response_class=HTMLResponse)
def browse_theories(request: Request) -> HTMLResponse:
    """Every theory with the cases and scripts that cite it."""
    library = engine_of(request).library
    return render(request, "browse_theories.html", tab="theories", groups=by_theory(library),
                  counts={t: len(library.of_type(t)) for t in TYPES})


@router.get("/browse/tags", response_class=HTMLResponse)
def browse_tags(request: Request) -> HTMLResponse:
    """Customer situations grouped by concept and family, and the tags, with how many items carry each."""
    library = engine_of(request).library
    return render(request, "browse_tags.html", tab="tags", groups=situation_groups(library),
                  tags=tag_counts(library), vocabulary=library.vocabulary,
                  counts={t: len(library.of_type(t)) for t in TYPES})


@router.get("/browse/tags/{tag:path}", response_class=HTMLResponse)
def browse_tag(request: Request, tag: str) -> HTMLResponse:
    """The items that carry one tag."""
    library = engine_of(request).library
    return _listing(request, tag, with_tag(library, tag), concept=library.vocabulary.concept(tag, "tag"))


@router.get("/browse/situations/{situation:path}", response_class=HTMLResponse)
def browse_situation(request: Request, situation: str) -> HTMLResponse:
    """The items for one situation concept (by id, or any of its words), or for a phrase outside the vocabulary."""
    library = engine_of(request).library
    concept = situation_named(library, situation)
    return _listing(request, situation, with_situation(library, situation), concept=concept)


def _listing(request: Request, name: str, items: list, concept=None) -> HTMLResponse:
    if not items:
        raise ItemNotFound(f"no item is tagged {name!r}; see /browse/tags for the tags in use")
    library = engine_of(request).library
    return render(request, "browse.html", tab="tags", heading=name, concept=concept, items=items,
                  counts={t: len(library.of_type(t)) for t in TYPES})


@router.get("/matrix", response_class=HTMLResponse)
def matrix_page(request: Request) -> HTMLResponse:
    """Which cases illustrate which theories, at a glance; the empty rows are the gaps."""
    return render(request, "matrix.html", matrix=theory_matrix(engine_of(request).library))
