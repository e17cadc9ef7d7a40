"""Customers' personal numbers: the one definition of what they look like, and the two ways of masking them.

Customer text holds phone numbers, ID-card numbers, bank card numbers and e-mail addresses
(`KINDS`). Two places keep such text, and each masks it from these same patterns:

- The intake writes drafts for the library and replaces the middle digits of a phone or ID number
  with X (`mask_numbers`), as the seed sources already write (8337XX69, 138XXXX1234): the kind of
  number stays readable, the person does not. Lint reports exactly what `mask_numbers` would
  change (`personal_numbers`), so a draft the intake wrote never trips lint's rule, and any number
  lint reports is one the intake would have masked. A number the source already masked in part
  (8337XX69) is left as it is, and so are bank card numbers and e-mail addresses (`NumberKind`).
- The event store replaces every one of them, masked in part or not, by a bracketed token
  (`mask_tokens`: `[手机号]`, `[身份证号]` ...), so a stored question keeps its meaning (and
  clusters with others like it) but not the person (casebook/events/mask.py).

Chinese runs digits straight into Chinese characters ("手机13812345678联系"), where `\\b` finds
no boundary, so every pattern is bounded by "no digit (or letter) on either side" instead.
Patterns run from the most specific to the least, each on the text the previous ones left. The
patterns of phones and ID numbers name their parts: `head` and `tail` stay, `hidden` becomes X.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

EMAIL, ID_CARD, BANK_CARD, MOBILE, LANDLINE = "[邮箱]", "[身份证号]", "[银行卡号]", "[手机号]", "[电话]"
MASKED_EXAMPLE = "138XXXX1234"  # the form lint's hint shows

_NOT_DIGIT_BEFORE = r"(?<![0-9])"
_NOT_DIGIT_AFTER = r"(?![0-9])"
_DATE = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_SHORT_DATE = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_MASK_CHARS = re.compile(r"[Xx*]")
_DIGIT = re.compile(r"[0-9]")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# 18 digits (the last may be X): 6-digit region, birth date, 3-digit sequence, check digit;
# the old 15-digit form has a 2-digit year. Not followed by a letter either (…1234X is whole).
_ID_18 = re.compile(_NOT_DIGIT_BEFORE + r"(?P<head>[1-9]\d{5})(?P<hidden>" + _DATE + r")(?P<tail>\d{3}[0-9Xx])"
                    + r"(?![0-9A-Za-z])")
_ID_15 = re.compile(_NOT_DIGIT_BEFORE + r"(?P<head>[1-9]\d{5})(?P<hidden>" + _SHORT_DATE + r")(?P<tail>\d{3})"
                    + _NOT_DIGIT_AFTER)
# 16-19 digits, alone or in groups of four, kept only when the Luhn check passes; masked the way
# banks print them, the first six and the last four digits shown.
_CARD = re.compile(_NOT_DIGIT_BEFORE + r"(?P<head>\d(?:[ -]?\d){5})(?P<hidden>(?:[ -]?\d){6,9})(?P<tail>(?:[ -]?\d){4})"
                   + _NOT_DIGIT_AFTER)
# Mainland mobile: 1[3-9] and 9 more digits, optionally +86/0086 and 3-4-4 separators.
_MOBILE = re.compile(_NOT_DIGIT_BEFORE + r"(?P<head>(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?)(?P<hidden>\d{4})"
                     + r"(?P<tail>[ -]?\d{4})" + _NOT_DIGIT_AFTER)
# Landline with its area code (010, 0755 ...): 0755-83371269, (020)87654321, 0755 8337XX69. A
# number already partly masked in the source (8337XX69) still carries digits that identify a line.
# A local number has 7-8 characters: two that stay, three or four that become X, two that stay.
_MIDDLE, _END = r"(?P<hidden>[0-9Xx*]{3,4})", r"[0-9Xx*]{2}"
_LANDLINE = re.compile(_NOT_DIGIT_BEFORE + r"(?P<head>(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[ \-－]?[0-9Xx*]{2})"
                       + _MIDDLE + r"(?P<tail>" + _END + r"(?:[-转]\d{1,5})?)" + _NOT_DIGIT_AFTER)
# A bare 7-8 digit number is a phone only when the text says so just before it.
_NAMED_LOCAL = re.compile(r"(?:电话|手机|座机|固话|号码|联系方式|致电|tel|phone)[^0-9A-Za-z\n]{0,4}"
                          + _NOT_DIGIT_BEFORE + r"(?P<head>[0-9][0-9Xx*])" + _MIDDLE + r"(?P<tail>" + _END + ")"
                          + _NOT_DIGIT_AFTER, re.IGNORECASE)


def luhn_valid(digits: str) -> bool:
    """The Luhn check every bank card number passes (and few other long numbers do)."""
    total = 0
    for n, char in enumerate(reversed(digits)):
        d = int(char)
        if n % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_card(match: re.Match[str]) -> bool:
    return luhn_valid(re.sub(r"\D", "", match.group()))


@dataclass(frozen=True)
class NumberKind:
    """One kind of personal number: its pattern, the token the event store writes in its place,
    and whether the intake masks it (and lint checks for it). The intake keeps source wording, so
    it leaves bank cards alone: a questionnaire's row of spaced digits passes the Luhn check
    (theory-salesperson-willpower-self-assessment); e-mail addresses have no middle digits."""

    name: str
    pattern: re.Pattern[str]
    token: str
    intake: bool = True
    valid: Callable[[re.Match[str]], bool] = lambda match: True  # a further test than the pattern


KINDS: tuple[NumberKind, ...] = (
    NumberKind("email", _EMAIL, EMAIL, intake=False),
    NumberKind("id", _ID_18, ID_CARD),
    NumberKind("bank card", _CARD, BANK_CARD, intake=False, valid=_is_card),
    NumberKind("old id", _ID_15, ID_CARD),
    NumberKind("mobile", _MOBILE, MOBILE),
    NumberKind("landline", _LANDLINE, LANDLINE),
    NumberKind("named local number", _NAMED_LOCAL, LANDLINE),
)


def _said(match: re.Match[str]) -> str:
    """What the match holds before the number itself (电话： before a bare local number)."""
    return match.group()[:match.start("head") - match.start()] if "head" in match.re.groupindex else ""


def mask_tokens(text: str) -> str:
    """`text` with every phone, ID-card, bank card number and e-mail address replaced by a token."""
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return text  # most questions hold no number at all
    for kind in KINDS:
        text = kind.pattern.sub(lambda m, k=kind: _said(m) + k.token if k.valid(m) else m.group(), text)
    return text


def _hidden(kind: NumberKind, match: re.Match[str]) -> str:
    """The match with its middle digits as X; as it is when the source already masked it in part."""
    said = _said(match)
    number = match.group()[len(said):]
    if not kind.valid(match) or _MASK_CHARS.search(number[:-1]):  # the last may be an ID's check digit X
        return match.group()
    return said + match.group("head") + _DIGIT.sub("X", match.group("hidden")) + match.group("tail")


def _intake_masking(text: str) -> tuple[str, list[re.Match[str]]]:
    """The text as the intake masks it, and the matches that masking changed."""
    changed: list[re.Match[str]] = []
    for kind in KINDS:
        if kind.intake:
            changed += [m for m in kind.pattern.finditer(text) if _hidden(kind, m) != m.group()]
            text = kind.pattern.sub(lambda m, k=kind: _hidden(k, m), text)
    return text, changed


def mask_numbers(text: str) -> str:
    """Phone and ID numbers with their middle digits replaced by X."""
    return _intake_masking(text)[0]


def personal_numbers(text: str) -> list[str]:
    """Every unmasked phone or ID number in `text`, in order (what `mask_numbers` would change)."""
    # X replaces digits one for one, so a number's place is the same after every pattern's pass.
    found = sorted((m.start("head"), m.group()[len(_said(m)):]) for m in _intake_masking(text)[1])
    return [number for _, number in found]
