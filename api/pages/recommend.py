"""The recommend form (`/recommend`): the customer fields of the recommend API, results grouped."""

from __future__ import annotations

import re
import time
from typing import get_args

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from casebook.api.deps import current_recorder, request_id_of
from casebook.api.pages.i18n import Words
from casebook.api.pages.web import engine_of, page_router, render, words
from casebook.catalog import situation_counts
from casebook.loader import Library
from casebook.model import Channel, Segment
from casebook.search.recommend import CustomerSituation, FieldMatch, Recommended, recommend
from casebook.search.usage import record_recommendation

router = page_router()

FIELDS = ("text", "segment", "products", "arpu", "tenure_months", "arrears_months", "events", "competitor",
          "channel", "notes")
LISTS = ("products", "events")
COMPETITORS = ("中国移动", "中国联通", "中国电信", "广电", "IP 电话")
_SPLIT = re.compile(r"[,，、;；\n]+")
# pydantic's error types for a value that is not a number in the field's range.
NUMBER_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "int_parsing",
                 "float_parsing", "int_from_float", "finite_number", "int_type", "float_type"}


def read_form(form: dict[str, str]) -> tuple[dict[str, object], bool]:
    """Form strings -> the fields of a CustomerSituation (lists split, blanks dropped); any given?"""
    data: dict[str, object] = {}
    for name in FIELDS:
        value = form.get(name, "").strip()
        if not value:
            continue
        data[name] = [v.strip() for v in _SPLIT.split(value) if v.strip()] if name in LISTS else value
    return data, bool(data)


def field_errors(exc: ValidationError, w: Words) -> dict[str, str]:
    """Validation errors by form field, in the page's language, shown beside the field."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "text"
        errors.setdefault(name, field_error(name, err["type"], w))
    return errors


def field_error(name: str, kind: str, w: Words) -> str:
    """What a field takes, said for the trainer: a number's range (from the model's own limits, so
    the words never drift from the check), a choice from the list, or that it is not valid."""
    label = w(f"rec.{name}") if name in FIELDS else name
    model_field = CustomerSituation.model_fields.get(name)
    if model_field is not None and kind in NUMBER_ERRORS:
        whole = int in get_args(model_field.annotation) or model_field.annotation is int
        number = w("rec.err.whole" if whole else "rec.err.number")
        low = next((limit.ge for limit in model_field.metadata if hasattr(limit, "ge")), None)
        high = next((limit.le for limit in model_field.metadata if hasattr(limit, "le")), None)
        if low is not None and high is not None:
            return w("rec.err.range", field=label, low=low, high=high, number=number)
        if low is not None:
            return w("rec.err.at_least", field=label, low=low, number=number)
    if kind in ("enum", "literal_error"):
        return w("rec.err.choice", field=label)
    return w("rec.err.invalid", field=label)


def concept_label(match: FieldMatch, kind: str, w: Words, library: Library) -> str:
    """A matched concept in the page's language (its English label on the English page)."""
    concept = library.vocabulary.concept(match.id, kind) if match.id and w.lang != "zh" else None
    return concept.label_en if concept is not None else match.label


def why_words(rec: Recommended, w: Words, library: Library) -> list[str]:
    """Why an item is recommended, in plain words."""
    parts = []
    fields = rec.why.fields
    if "segment" in fields:
        parts.append(f"{w('rec.segment')}: " + w.join([w.label("segment", m.id) for m in fields["segment"]]))
    if "channel" in fields:
        parts.append(f"{w('rec.channel')}: " + w.join([w.label("channel", m.id) for m in fields["channel"]]))
    if "products" in fields:
        parts.append(f"{w('ann.products')}: " + w.join([concept_label(m, "product", w, library) for m in fields["products"]]))
    # Every other customer field matched one of the item's situations (`recommend.Why.fields`).
    situations = [concept_label(m, "situation", w, library)
                  for key in ("events", "notes", "text", "arrears_months", "tenure_months", "arpu", "competitor")
                  for m in fields.get(key, [])]
    if situations:
        parts.append(f"{w('ann.situations')}: " + w.join(list(dict.fromkeys(situations))))
    if rec.why.matched_terms:
        parts.append(f"{w('why.words')} " + w.join([f"“{t}”" for t in rec.why.matched_terms[:5]]))
    linked = [library.get(i) for i in rec.why.linked_from]
    if any(linked):
        parts.append(w("rec.linked") + " " + w.join([f"《{w.title(i)}》" for i in linked if i]))
    return parts


@router.get("/recommend", response_class=HTMLResponse)
def recommend_page(request: Request) -> HTMLResponse:
    """The form; once any field is filled, the cases, theories and scripts that fit, grouped."""
    engine = engine_of(request)
    w = words(request)
    form = {name: request.query_params.get(name, "") for name in FIELDS}
    data, given = read_form(form)
    result, errors, feedback_rid = None, {}, ""
    if given:
        try:
            situation = CustomerSituation.model_validate(data)
        except ValidationError as exc:
            errors = field_errors(exc, w)
        else:
            started = time.perf_counter()
            result = recommend(engine, situation)
            feedback_rid = request_id_of(request)
            record_recommendation(current_recorder(request), result, situation, request_id=feedback_rid, channel="pages",
                                  started=started)
    why = {}
    if result is not None:
        why = {r.id: why_words(r, w, engine.library) for r in result.cases + result.theories + result.scripts}
    return render(request, "recommend.html", status_code=400 if errors else 200, form=form, errors=errors,
                  result=result, why=why, library=engine.library,
                  segments=[(s.value, w.label("segment", s.value)) for s in Segment],
                  channels=[(c.value, w.label("channel", c.value)) for c in Channel],
                  situations=list(dict.fromkeys(w.concept(engine.library.vocabulary, name, "situation")
                                                for name, _ in situation_counts(engine.library)[:80])),
                  competitors=COMPETITORS, feedback_rid=feedback_rid)
