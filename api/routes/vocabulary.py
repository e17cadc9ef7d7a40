"""`GET /v1/vocabulary`: the concepts of the library's controlled vocabulary, with their synonyms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from casebook.api import examples
from casebook.api.deps import ApiKey, EngineDep
from casebook.api.schemas import VocabularyListing, error_responses, example_response
from casebook.vocabulary import Kind
from casebook.vocabulary_doc import listing

router = APIRouter(prefix="/v1", tags=["vocabulary"], dependencies=[ApiKey])


@router.get("/vocabulary", response_model=VocabularyListing,
            responses={**example_response(examples.VOCABULARY), **error_responses(401, 422, 503)})
def get_vocabulary(
    engine: EngineDep,
    kind: Annotated[Kind | None, Query(description="Only concepts of this kind.", examples=["situation"])] = None,
) -> VocabularyListing:
    """Families and concepts (ids, Chinese and English labels, synonyms, family, items using each), so a
    CRM can build pickers and map its own codes; empty lists when the library has no vocabulary."""
    return VocabularyListing.model_validate(listing(engine.library, kind))
