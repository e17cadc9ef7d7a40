"""Customers' phone and ID numbers: the one definition the intake masks by and lint checks by.

A number is masked by replacing its middle digits with X, as the seed sources already write
(8337XX69, 138XXXX1234): the kind of number stays readable, the person does not. What
`mask_numbers` changes is exactly what `personal_numbers` finds, so a draft the intake wrote
never trips lint's rule, and any number lint reports is one the intake would have masked.
(The event store masks questions by another rule: it replaces a whole number with a token,
see casebook/events/mask.py.)
"""

from __future__ import annotations

import re

# Resident ID (18 characters, the last may be X), mainland mobile, landline with its area code.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}[-－])(\d{2})\d{3,4}(\d{2})(?!\d)")
_PATTERNS = (_ID_NUMBER, _MOBILE, _LANDLINE)
MASKED_EXAMPLE = "138XXXX1234"  # the form lint's hint shows


def _mask_landline(match: re.Match[str]) -> str:
    area, head, tail = match.group(1), match.group(2), match.group(3)
    return area + head + "X" * (len(match.group(0)) - len(area) - 4) + tail


def mask_numbers(text: str) -> str:
    """Phone and ID numbers with their middle digits replaced by X."""
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "X" * 8 + m.group(2), text)
    text = _MOBILE.sub(lambda m: m.group(1) + "XXXX" + m.group(2), text)
    return _LANDLINE.sub(_mask_landline, text)


def personal_numbers(text: str) -> list[str]:
    """Every unmasked phone or ID number in `text`, in order (what `mask_numbers` would change)."""
    found = [(m.start(), m.group()) for pattern in _PATTERNS for m in pattern.finditer(text)]
    return [number for _, number in sorted(found)]
