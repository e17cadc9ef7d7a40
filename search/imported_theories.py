"""Theory drafts imported together with a case draft, as candidate links for it.

A training department's handbook holds theory chapters and the cases that illustrate them; two
thirds of the library's curated case -> theory links (59 of 86) go to a theory of the case's own
source document. When such a document is imported, its theories are not in the library yet (they
are drafts of the same import), so the library's items cannot suggest them. This module gives the
suggester two kinds of evidence about them for a case's text: which of them the text names (the
names `theory_names` reads from a title), and how much closer each stands to the text than the
average theory, the library's and the imported ones together, in the engine's strongest
encoder's space (a z-score, so the caller needs no knowledge of the encoder's cosine scale).
The library's theories enter as their titles and summaries: short to encode (the first import
after a start pays for them once), and as good a baseline as their first 500 characters
(`--hold-out import` gives theory recall@3 0.602 with either, and with titles alone).

Measured by `casebook eval-suggest --hold-out import` (each source document hidden and imported
whole): README and docs/INTAKE.md.
"""

from __future__ import annotations

import numpy as np

from casebook.importers.terms import normalise
from casebook.search.closeness import standing_out
from casebook.search.engine import Engine


class ImportedTheories:
    """Evidence about the theory drafts of one import as links of a case's text."""

    def __init__(self, engine: Engine, library_texts: list[str], texts: dict[str, str],
                 names: dict[str, list[str]]) -> None:
        """`library_texts`: the library's theories; `texts` and `names`: each theory draft's text and
        the names it goes by, by the draft's id."""
        self.engine = engine
        self.ids = list(texts)
        self.names = {item_id: [normalise(name) for name in names[item_id]] for item_id in self.ids}
        self.encoder = engine.encoders[engine.strongest] if engine.strongest else None
        self.matrix = (engine.cache.rows(self.encoder, [*library_texts, *texts.values()])
                       if self.encoder is not None else np.zeros((0, 0)))

    def named(self, text: str) -> list[str]:
        """Imported theories whose name the text uses."""
        haystack = normalise(text)
        return [item_id for item_id in self.ids if any(name in haystack for name in self.names[item_id])]

    def closeness(self, query: str) -> dict[str, float]:
        """Imported theory id -> how many standard deviations closer to the text than the average
        theory (library and imported together); empty without an encoder."""
        if self.encoder is None or len(self.matrix) < 2:
            return {}
        z = standing_out(self.matrix, self.engine.cache.get(self.encoder, query))
        return {} if z is None else {item_id: float(s) for item_id, s in zip(self.ids, z[len(z) - len(self.ids):])}
