"""The public contract of the HTTP API: request and response bodies, separate from the internal types.

Every model here appears in `/openapi.json`; a CRM developer generates a client from it. The
limits on the request fields are part of the contract: a request outside them gets a 422 that
names the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casebook.api import examples
from casebook.model import Channel, FrontMatter, ItemType, Segment

Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class ErrorDetail(BaseModel):
    field: str = Field(description=(
        "Where the problem is, e.g. `customer.arpu` or `k (query)`; for an item: a front-matter key "
        "(`source.section`), `body`, `front_matter` (the YAML as a whole) or `file`."))
    message: str
    line: int | None = Field(default=None, description="Item problems: the line in the item file.")
    body_line: int | None = Field(default=None, description="Item problems in `body`: the line in the body.")
    code: str | None = Field(default=None, description=(
        "Item and import problems: a stable code (`link-missing`, `fields-to-review`, `encrypted` ...) a "
        "client can word in its own language; `message` stays English."))
    facts: dict[str, Any] | None = Field(default=None, description=(
        "Item problems: what `message` states, by name (`target`, `fields` ...), for a client that "
        "words the problem itself."))


class ErrorBody(BaseModel):
    """Every 4xx and 5xx answer of the JSON API has this shape."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.ERROR]})

    status: int = Field(description="The HTTP status code, repeated.")
    error: str = Field(description="Short machine-readable kind: `bad_request`, `unauthorized`, "
                                   "`not_found`, `payload_too_large`, `invalid`, `not_ready`, `internal`.")
    message: str = Field(description="What went wrong and what to do next, for a developer.")
    request_id: str | None = Field(default=None, description="Also in the `X-Request-ID` header; quote it.")
    details: list[ErrorDetail] = Field(default_factory=list, description="One entry per invalid field.")


# --- recommend --------------------------------------------------------------------------------

class CustomerFields(BaseModel):
    """What the CRM knows about the customer; every field is optional."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.CUSTOMER]})

    segment: Segment | None = Field(default=None, description="Customer segment (客户群).")
    products: list[Phrase] = Field(default_factory=list, max_length=10,
                                   description="Products the customer has or asks about (固定电话, ADSL, e8).")
    arpu: float | None = Field(default=None, ge=0, le=1_000_000,
                               description="Average monthly spend in yuan; 150 or more counts as high-value.")
    tenure_months: int | None = Field(default=None, ge=0, le=1200,
                                      description="Months as a customer; 24 or more counts as an old customer.")
    arrears_months: int | None = Field(default=None, ge=0, le=600, description="Months in arrears (欠费).")
    events: list[Phrase] = Field(default_factory=list, max_length=10, description=(
        "Recent events or situations, short Chinese phrases: 申请销号, 长途话费下降, 投诉, 欠费停机."))
    competitor: Phrase | None = Field(default=None, description="Competitor involved, e.g. 中国移动.")
    channel: Channel | None = Field(default=None, description="Role of the person who will act (渠道/角色).")
    notes: str = Field(default="", max_length=500, description="Free notes from the CRM record.")


class RecommendRequest(BaseModel):
    """A customer's situation: free text, structured fields, or both (not neither)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.RECOMMEND_REQUEST]})

    text: str = Field(default="", max_length=1000, description="The situation in free text (Chinese or English).")
    customer: CustomerFields = Field(default_factory=CustomerFields)
    limit: int = Field(default=3, ge=1, le=10, description="Most items per group.")


class FieldMatch(BaseModel):
    id: str | None = Field(description=(
        "The concept matched: a concept id of `GET /v1/vocabulary` (products, events, notes, text and the "
        "states), or the `segment` / `channel` value; null for a value the vocabulary does not know, "
        "matched as a string."))
    label: str = Field(description="The concept's canonical Chinese label (or the value itself when `id` is null).")


class RecommendWhy(BaseModel):
    fields: dict[str, list[FieldMatch]] = Field(description=(
        "Customer fields that matched the item's annotations, field name -> the concepts matched. Products, "
        "events, notes and text are matched by concept, whatever synonym (Chinese or English) the CRM sent; "
        "`arrears_months`, `tenure_months`, `arpu` and `competitor` give the situation they stand for."))
    matched_terms: list[str] = Field(description="Words of the situation found in the item's text.")
    matched_annotations: list[str] = Field(description="The item's situations, products or tags the text names.")
    linked_from: list[str] = Field(description="Top cases that link this theory or script.")
    search_rank: int | None = Field(description="Rank in the underlying search; null when only a link brought it.")


class RecommendedItem(BaseModel):
    id: str
    type: ItemType
    title: str
    title_en: str
    summary: str
    summary_en: str
    score: float = Field(description="Higher is better; comparable within one response only.")
    relevance: float = Field(ge=0, le=1, description=(
        "Calibrated probability that the item is relevant to the query (comparable across queries; "
        "e.g. show items above 0.5). Fitted on labelled in- and out-of-domain questions, docs/QUALITY.md "
        "\"Relevance and low confidence\". A theory or script that one of the returned cases links "
        "(`why.linked_from`) has at least that case's relevance: the link says the case illustrates or "
        "uses it."))
    path: str = Field(description="The item's file in the library.")
    why: RecommendWhy


class RecommendResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.RECOMMEND_RESPONSE]})

    request_id: str = Field(description=(
        "This answer's id, also in the `X-Request-ID` header: send it back with `POST /v1/feedback`."))
    query: str = Field(description="The search text built from the situation.")
    low_confidence: bool = Field(description=(
        "True when the best `relevance` among the results is below the calibrated threshold: nothing "
        "in the library fits, so show the items with care or not at all."))
    cases: list[RecommendedItem]
    theories: list[RecommendedItem] = Field(description="Theories explaining the cases; one the top case links is always among them.")
    scripts: list[RecommendedItem]


# --- search -----------------------------------------------------------------------------------

class SignalScore(BaseModel):
    rank: int
    score: float


class SearchWhy(BaseModel):
    signals: dict[str, SignalScore] = Field(description="Each signal's rank and score: `bm25`, `use`, `e5`.")
    matched_terms: list[str]
    matched_annotations: list[str]


class SearchHit(BaseModel):
    id: str
    type: ItemType
    title: str
    title_en: str
    summary: str
    summary_en: str
    score: float = Field(description="Fused search score; orders the results of one query, not comparable across queries.")
    relevance: float = Field(ge=0, le=1, description=(
        "Calibrated probability that the item is relevant to the query (comparable across queries; "
        "e.g. show items above 0.5). Fitted on labelled in- and out-of-domain questions, docs/QUALITY.md "
        "\"Relevance and low confidence\"."))
    path: str
    snippet: str = Field(description="HTML-escaped passage with the matched words in `<mark>`.")
    why: SearchWhy


class SearchResults(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SEARCH_RESPONSE]})

    request_id: str = Field(description=(
        "This answer's id, also in the `X-Request-ID` header: send it back with `POST /v1/feedback`."))
    query: str
    low_confidence: bool = Field(description=(
        "True when the best `relevance` among the results is below the calibrated threshold: nothing "
        "in the library fits, so show the items with care or not at all."))
    results: list[SearchHit]


# --- items ------------------------------------------------------------------------------------

class ItemSummary(BaseModel):
    id: str
    type: ItemType
    kind: str | None
    title: str
    title_en: str
    summary: str
    summary_en: str
    path: str
    tags: list[str]


class ItemPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ITEM_PAGE]})

    total: int = Field(description="Items matching the filters, over all pages.")
    offset: int
    limit: int
    items: list[ItemSummary]


class ItemDetail(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ITEM_DETAIL]})

    id: str
    type: ItemType
    front_matter: FrontMatter = Field(description="The item's YAML front matter (docs/SCHEMA.md).")
    markdown: str = Field(description="The Markdown body, source wording verbatim.")
    html: str = Field(description="The body rendered to sanitised HTML.")
    backlinks: list[str] = Field(description="Ids of the items that link this one.")
    path: str


# --- vocabulary -------------------------------------------------------------------------------

class VocabularyFamily(BaseModel):
    id: str = Field(description="Stable ASCII id of the family, e.g. `churn`.")
    label: str = Field(description="Chinese name, e.g. 销号与流失.")
    label_en: str = Field(description="English name.")


class VocabularyConcept(BaseModel):
    id: str = Field(description="Stable ASCII id; map your CRM's codes to it.")
    kind: Literal["situation", "product", "tag"]
    label: str = Field(description="Canonical Chinese label (what items write for a situation or product).")
    label_en: str = Field(description="English label; for a product or brand its one English name.")
    synonyms: list[str] = Field(description="Other ways to say it, Chinese and English; recommend understands them all.")
    family: str | None = Field(description="Id of its family (situations); null when it has none.")
    items: int = Field(description="How many items of the library use it.")


class VocabularyListing(BaseModel):
    """The library's controlled vocabulary, for building pickers and mapping a CRM's own codes."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.VOCABULARY]})

    families: list[VocabularyFamily] = Field(description="The families situations are grouped in.")
    concepts: list[VocabularyConcept] = Field(description="Situations, then products, then tags, in file order.")


# --- editing ----------------------------------------------------------------------------------

class ItemWrite(BaseModel):
    """An item as JSON; the server composes its file (front matter in schema order, then the body)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [examples.ITEM_WRITE]})

    front_matter: dict[str, Any] = Field(description="The YAML front matter as an object (docs/SCHEMA.md).")
    body: str = Field(description="The Markdown body, source wording verbatim.")
    message: str | None = Field(default=None, max_length=200, description=(
        "Why the change was made: the commit message (or audit-log note); a default names the item."))


class ItemSaved(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ITEM_SAVED]})

    id: str
    path: str = Field(description="The item's file in the library.")
    etag: str = Field(description="The new version, also in the `ETag` header: send it as `If-Match` next time.")
    created: bool = Field(description="True for a new item (status 201), false for a replaced one (200).")
    audit: str = Field(description="Where the change is recorded: `git <commit>`, `log <file>`, or `unchanged` "
                                   "(the bytes were already on disk; nothing was written).")
    searchable: bool = Field(description=(
        "True when the worker that answered already searches the change (other workers follow within "
        "CASEBOOK_RELOAD_INTERVAL plus the reload time); false when it did not within CASEBOOK_SAVE_WAIT "
        "seconds or the library could not be loaded (`reload_error`)."))
    index_version: str | None = Field(description="The index version this worker serves now.")
    reload_error: str | None = Field(default=None, description="Why the library could not be reloaded, if so.")


class ItemDeleted(BaseModel):
    id: str
    audit: str
    searchable: bool = Field(description="True when the worker that answered no longer finds the item.")
    index_version: str | None
    reload_error: str | None = None


class ItemCheck(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ITEM_CHECK]})

    valid: bool = Field(description="True when a save of this item would pass `casebook lint`.")
    problems: list[ErrorDetail] = Field(description="Every problem, by field (and line in the file and the body).")


# --- health -----------------------------------------------------------------------------------

class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "stale", "loading", "failed"] = Field(description=(
        "`ready`: serving the newest library state; `stale`: serving the last good index because a "
        "change could not be loaded (`message` says why); `loading`, `failed`: not serving (503)."))
    items: int | None = Field(default=None, description="Items in the index this worker serves.")
    message: str | None = None
    index_version: str | None = Field(default=None, description="The index version this worker serves.")
    reloads: int = Field(default=0, description="Times this worker swapped in a new index.")
    failed_reloads: int = Field(default=0, description="Times a change could not be loaded.")


# --- documentation helpers for the routes -----------------------------------------------------

ERROR_WHEN = {
    400: "The body is not JSON, or not UTF-8.",
    401: "CASEBOOK_API_KEYS is set and the `X-API-Key` header is missing or unknown.",
    403: "The key may read but not change the library (a read key), or the server has no editor keys.",
    404: "No item has this id.",
    409: "Other items link to this one; remove those links first.",
    412: "The item changed since the `If-Match` ETag was read (or, without `If-Match`, it already exists).",
    413: "The body is larger than CASEBOOK_MAX_BODY_BYTES (CASEBOOK_MAX_UPLOAD_BYTES for an upload).",
    415: "The body is neither `text/markdown` nor `application/json`.",
    422: "A field or parameter is invalid; `details` names each one.",
    428: "`If-Match` is required (the item's ETag from GET).",
    503: "The index is still loading (retry after `Retry-After` seconds) or failed to load.",
}


def error_responses(*codes: int) -> dict[int | str, dict]:
    """The `responses=` of a route for these error statuses, all with `ErrorBody`."""
    return {code: {"model": ErrorBody, "description": ERROR_WHEN[code]} for code in codes}


def example_response(example: dict) -> dict[int | str, dict]:
    """The `responses=` entry that shows one real 200 answer."""
    return {200: {"content": {"application/json": {"example": example}}}}


# --- document imports (POST /v1/imports) ------------------------------------------------------

class ImportedDraft(BaseModel):
    id: str = Field(description="The draft's new id (not yet in the library).")
    title: str
    document: str = Field(description="The uploaded file it was cut from.")
    review: list[str] = Field(description="Fields still to review; lint refuses the item until the list is empty.")
    markdown: str = Field(description=(
        "The draft item file: save it, once reviewed, with `PUT /v1/items/{id}` (`text/markdown`)."))
    repeats: list[str] = Field(default=[], description=(
        "Ids of library items that already hold most of the draft's text (its sentences verbatim): "
        "the document repeats them, so the draft is likely not a new item."))


class ImportProblem(BaseModel):
    document: str
    reason: str = Field(description="`empty`, `encrypted`, `image-only`, `not-a-document`, `no-text`, `damaged`.")
    message: str


class ImportUnplaced(BaseModel):
    document: str
    text: str = Field(description="Text that belongs to no case (before the first one), for the editor to see.")


class ImportResult(BaseModel):
    """What the intake made of the uploaded documents; nothing is written to the library."""

    drafts: list[ImportedDraft]
    unplaced: list[ImportUnplaced]
    problems: list[ImportProblem] = Field(description="Files (or parts) that could not be imported, and why.")
