"""No passage twice: choose the snippets of a result list so that no two show the same source text.

The library holds passages more than once on purpose: the case collection's theories repeat their
case's 营销理论 section, and the e8 case is half of a theory's text. Two passages are near-duplicates
when at least half of the shorter one's character 4-grams (punctuation and spaces removed) occur in
the other: the copies differ by a comma, a typo or a clause, not by what they say. To keep this
cheap at query time only a content-chosen sample of the 4-grams is compared (those whose hash
falls in one of SAMPLE buckets), so two copies sample the same 4-grams.

A duplicated passage belongs to the item it is most central to: the one with fewer passages (a
theory that is only that section, rather than the case that quotes it). So each result, best first,
shows its best passage (snippet.ranked_passages) that no result above shows and no smaller result
below owns; failing that, its best passage no result above shows; failing that, an editor's passage
that does not match the query. A result none of whose passages is new (all shown above) is moved
below the results that show something new.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from casebook.search.snippet import body_of, plain

GRAM = 4  # characters per shingle
SHARED = 0.5  # share of the shorter passage's shingles the other must hold to be its duplicate
SAMPLE = 4  # keep one 4-gram in SAMPLE (chosen by content); a passage too short to keep 3 keeps all
_NOT_WORD = re.compile(r"[\W_]+")


def shingles(passage: str) -> frozenset[str]:
    """A content-chosen sample of the passage's character 4-grams, punctuation, spaces and case ignored."""
    text = _NOT_WORD.sub("", plain(body_of(passage))).lower()
    grams = {text[i:i + GRAM] for i in range(len(text) - GRAM + 1)}
    sample = {g for g in grams if hash(g) % SAMPLE == 0}
    return frozenset(sample if len(sample) >= 3 else grams)


def alike(a: frozenset[str], b: frozenset[str]) -> bool:
    """Near-duplicates: at least half the shingles of the shorter passage are in the other."""
    if not a or not b:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) >= SHARED * len(small)


@dataclass
class Choice:
    """The passage chosen for one result, and whether it shows anything not shown above it."""

    passage: int | None
    new: bool


def choose(count: int, order_of: Callable[[int], tuple[list[int], list[int]]],
           shingles_of: Callable[[int], list[frozenset[str]]], wanted: int) -> list[Choice]:
    """For `count` results in rank order, the passage each shows, until `wanted` show something new.

    `order_of(result)` gives a result's passage indexes, best first, in two tiers (`ranked_passages`:
    the passages it may show, then editors' passages shown only when none of those is left);
    `shingles_of(result)` the shingles of all its passages. Both are asked only for the results
    looked at.
    """
    sizes: dict[int, int] = {}

    def size(result: int) -> int:
        if result not in sizes:
            sizes[result] = len(shingles_of(result))
        return sizes[result]

    shown: list[frozenset[str]] = []
    out: list[Choice] = []
    for result in range(count):
        if sum(c.new for c in out) == wanted:
            break
        sets = shingles_of(result)
        source, editorial = order_of(result)  # mostly source passages, then editors' passages
        below = [s for r in range(result + 1, count) if size(r) < size(result) for s in shingles_of(r)]
        pick = _first_new(source, sets, shown, below)  # passage indexes start at 0: test for None
        if pick is None:
            pick = _first_new(source, sets, shown)
        if pick is None:
            pick = _first_new(editorial, sets, shown)
        new = pick is not None
        if pick is None:
            pick = next(iter(source + editorial), None)
        out.append(Choice(pick, new))
        if pick is not None:
            shown.append(sets[pick])
    return out


def _first_new(order: list[int], sets: list[frozenset[str]], shown: list[frozenset[str]],
               owned: list[frozenset[str]] | None = None) -> int | None:
    """The first passage in `order` like none shown and none of the `owned` ones (lazily: the first
    usually passes)."""
    for p in order:
        if not any(alike(sets[p], s) for s in shown) and not any(alike(sets[p], s) for s in owned or ()):
            return p
    return None
