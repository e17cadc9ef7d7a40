"""Mask personal numbers and addresses in free text before it is stored.

Customer text from a CRM holds phone numbers, ID-card numbers, bank card numbers and e-mail
addresses. Each is replaced by a bracketed token (`[手机号]`, `[身份证号]` ...), so a stored
question keeps its meaning (and clusters with others like it) but not the person.

Chinese runs digits straight into Chinese characters ("手机13812345678联系"), where `\\b` finds
no boundary, so every pattern is bounded by "no digit (or letter) on either side" instead.
Patterns run from the most specific to the least, each on the text the previous ones left.
"""

from __future__ import annotations

import re
from collections.abc import Callable

EMAIL, ID_CARD, BANK_CARD, MOBILE, LANDLINE = "[邮箱]", "[身份证号]", "[银行卡号]", "[手机号]", "[电话]"

_NOT_DIGIT_BEFORE = r"(?<![0-9])"
_NOT_DIGIT_AFTER = r"(?![0-9])"
_DATE = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# 18 digits (the last may be X): 6-digit region, birth date, 3-digit sequence, check digit;
# the old 15-digit form has a 2-digit year. Not followed by a letter either (…1234X is whole).
_ID_18 = re.compile(_NOT_DIGIT_BEFORE + r"[1-9]\d{5}" + _DATE + r"\d{3}[0-9Xx]" + r"(?![0-9A-Za-z])")
_ID_15 = re.compile(_NOT_DIGIT_BEFORE + r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
                    + _NOT_DIGIT_AFTER)
# 16-19 digits, alone or in groups of four, kept only when the Luhn check passes.
_CARD = re.compile(_NOT_DIGIT_BEFORE + r"\d(?:[ -]?\d){15,18}" + _NOT_DIGIT_AFTER)
# Mainland mobile: 1[3-9] and 9 more digits, optionally +86/0086 and 3-4-4 separators.
_MOBILE = re.compile(_NOT_DIGIT_BEFORE + r"(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}" + _NOT_DIGIT_AFTER)
# Landline with its area code (010, 0755 ...): 0755-83371269, (020)87654321, 0755 8337XX69. A
# number already partly masked in the source (8337XX69) still carries digits that identify a line.
_LOCAL = r"[0-9Xx*]{7,8}"
_LANDLINE = re.compile(_NOT_DIGIT_BEFORE + r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[ -]?" + _LOCAL
                       + r"(?:[-转]\d{1,5})?" + _NOT_DIGIT_AFTER)
# A bare 7-8 digit number is a phone only when the text says so just before it.
_NAMED_LOCAL = re.compile(r"((?:电话|手机|座机|固话|号码|联系方式|致电|tel|phone)[^0-9A-Za-z\n]{0,4})"
                          + _NOT_DIGIT_BEFORE + r"[0-9][0-9Xx*]{6,7}" + _NOT_DIGIT_AFTER, re.IGNORECASE)


def luhn_valid(digits: str) -> bool:
    """The Luhn check every bank card number passes (and few other long numbers do)."""
    total = 0
    for n, char in enumerate(reversed(digits)):
        d = int(char)
        if n % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return BANK_CARD if luhn_valid(digits) else match.group()


_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_EMAIL, EMAIL),
    (_ID_18, ID_CARD),
    (_CARD, _card),
    (_ID_15, ID_CARD),
    (_MOBILE, MOBILE),
    (_LANDLINE, LANDLINE),
    (_NAMED_LOCAL, lambda m: m.group(1) + LANDLINE),
)


def mask(text: str) -> str:
    """`text` with every phone, ID-card, bank card number and e-mail address replaced by a token."""
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return text  # most questions hold no number at all
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def mask_value(value: object) -> object:
    """Every string inside a JSON-like value masked (customer fields: notes, events, products ...)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    return value
