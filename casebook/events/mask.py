"""Mask personal numbers and addresses in free text before the event store keeps it.

Customer text from a CRM holds phone numbers, ID-card numbers, bank card numbers and e-mail
addresses. Each is replaced by a bracketed token (`[手机号]`, `[身份证号]` ...), so a stored
question keeps its meaning (and clusters with others like it) but not the person. What a personal
number looks like is defined once, in casebook/personal_numbers.py (the intake and lint use it too).
"""

from __future__ import annotations

from casebook.personal_numbers import BANK_CARD, EMAIL, ID_CARD, LANDLINE, MOBILE, luhn_valid, mask_tokens

__all__ = ["BANK_CARD", "EMAIL", "ID_CARD", "LANDLINE", "MOBILE", "luhn_valid", "mask", "mask_value"]


def mask(text: str) -> str:
    """`text` with every phone, ID-card, bank card number and e-mail address replaced by a token."""
    return mask_tokens(text)


def mask_value(value: object) -> object:
    """Every string inside a JSON-like value masked (customer fields: notes, events, products ...)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    return value
