"""The stable code of every problem lint (and an editor's save) reports, with the facts it carries.

The English `message` of a problem stays what the CLI prints and the API returns; the code and
its facts let a page say the same thing in its own language and words (api/editor/i18n.py has a
Chinese and an English wording for each code). A problem with a code not listed here, or with
other facts than its code names, is refused when it is made, so no problem goes untranslated.
"""

from __future__ import annotations

from typing import Any

# code -> the names of the facts a problem with that code carries (besides its field and line).
PROBLEM_CODES: dict[str, tuple[str, ...]] = {
    # An item file that does not parse into an item (loader).
    "not-utf8": ("byte",),
    "no-front-matter": (),
    "front-matter-yaml": ("reason",),
    "front-matter-empty": (),
    "field-missing": (),
    "field-empty": (),
    "field-unknown": (),
    "field-choice": ("expected",),
    "field-invalid": ("detail",),
    "duplicate-id": ("id", "other"),
    # An item's own rules (lint.check_item).
    "wrong-folder": ("type", "folder"),
    "file-name-not-id": ("id",),
    "body-empty": (),
    "link-missing": ("target",),
    "link-wrong-type": ("target", "type", "wanted"),
    "link-to-draft": ("target",),
    "theory-links": (),
    "outcome-not-case": (),
    "scripts-not-case": (),
    "fields-to-review": ("fields",),
    "placeholder": ("placeholder",),
    "personal-number": ("example",),
    "page-chrome": ("phrase",),
    "broken-chars": (),
    "stub-tag-alone": ("tag", "heading"),
    "stub-section-alone": ("tag", "heading"),
    "misnamed-product": ("name", "product", "write"),
    "not-fixed": ("reason",),
    # Terms of situations, products and tags (vocabulary_lint).
    "term-unknown": ("field", "term", "closest"),
    "term-repeated": ("field", "term", "concept"),
    "term-synonym": ("field", "term", "concept", "canonical"),
    # An editor's save (editing): the id in the URL.
    "id-not-valid": ("id",),
    "id-not-url": ("id",),
    # The vocabulary file itself (vocabulary_file).
    "vocabulary-missing": (),
    "vocabulary-not-utf8": (),
    "vocabulary-yaml": ("reason",),
    "vocabulary-empty": (),
    "vocabulary-shape": ("sections",),
    "vocabulary-section-unknown": ("section", "sections"),
    "vocabulary-section-twice": ("section",),
    "vocabulary-section-not-list": ("section",),
    "vocabulary-entry-invalid": ("entry", "detail"),
    "vocabulary-id-twice": ("id",),
    "vocabulary-family-unknown": ("id", "family"),
    "vocabulary-family-missing": ("id", "families"),
    "vocabulary-term-empty": ("id",),
    "vocabulary-term-twice": ("term", "owners"),
}


def check_code(code: str, facts: dict[str, Any]) -> None:
    """Refuse a problem whose code is unknown or whose facts are not the ones its code names."""
    if code not in PROBLEM_CODES:
        raise ValueError(f"unknown problem code {code!r}: add it to casebook/problem_codes.py")
    if set(facts) != set(PROBLEM_CODES[code]):
        raise ValueError(f"problem {code!r} carries {sorted(facts)}, not {sorted(PROBLEM_CODES[code])}")
