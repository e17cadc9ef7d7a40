"""Which items a search may return: by type, segment, channel, tag, situation or any other test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from casebook.model import Item
from casebook.search.concepts import ConceptKey, ItemConcepts, key, resolve
from casebook.vocabulary import Vocabulary


@dataclass
class Filters:
    """Restrict results by type and annotations; empty means no restriction.

    `situations` and `tags` are concept ids (or any term of a concept) when the library has a
    vocabulary; the engine resolves them (`Engine.allowed`). `allows` compares them as strings.
    """

    types: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    situations: list[str] = field(default_factory=list)
    where: Callable[[Item], bool] | None = None  # any other test (a knowledge view, metadata conditions)

    def allows(self, item: Item, concepts: bool = False) -> bool:
        """True when the item passes; with `concepts`, tags and situations are left to the engine."""
        return ((not self.types or item.type in self.types)
                and (not self.segments or bool(set(self.segments) & set(item.segments)))
                and (not self.channels or bool(set(self.channels) & set(item.channels)))
                and (concepts or not self.tags or bool(set(self.tags) & set(item.tags)))
                and (concepts or not self.situations or bool(set(self.situations) & set(item.situations)))
                and (self.where is None or self.where(item)))


def row_test(filters: Filters, items: list[Item], vocabulary: Vocabulary,
             concepts: ItemConcepts) -> Callable[[int], bool]:
    """The filters as a test of an item row; tag and situation filters by concept when the
    library has a vocabulary (an unknown concept is a BadQuery naming the closest ones)."""
    if not len(vocabulary):
        return lambda row: filters.allows(items[row])
    wanted: list[set[ConceptKey]] = [
        {key(c) for c in resolve(vocabulary, values, kind)}
        for kind, values in (("tag", filters.tags), ("situation", filters.situations)) if values]

    def test(row: int) -> bool:
        carried = concepts.of_row[row]
        return filters.allows(items[row], concepts=True) and all(w & carried.keys() for w in wanted)
    return test
