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

from collections.abc import Callable, Mapping

import numpy as np

from casebook.importers.drafts import Draft
from casebook.importers.terms import normalise
from casebook.search.engine import Engine


class ImportedTheories:
    """Scores the theory drafts of one import (`drafts`: id -> draft) as links of a case's text."""

    def __init__(self, engine: Engine, library_theories: list[str], drafts: Mapping[str, Draft],
                 text_of: Callable[[str, str], str], names_of: Callable[[str], list[str]]) -> None:
        """`library_theories`: the library's theories as texts; `text_of(title, body)`: a draft's text."""
        self.engine = engine
        self.ids = list(drafts)
        self.names = {item_id: [normalise(n) for n in names_of(draft.title)] for item_id, draft in drafts.items()}
        self.encoder = next(reversed(engine.encoders.values()), None)  # the strongest is listed last
        self.matrix = np.zeros((0, 0))
        texts = [*library_theories, *(text_of(draft.title, draft.body) for draft in drafts.values())]
        if self.encoder is not None and texts:
            engine.cache.prefetch(self.encoder, texts)  # one batch; kept in the engine's query cache
            self.matrix = np.vstack([engine.cache.get(self.encoder, text) for text in texts])

    def named(self, text: str) -> list[str]:
        """Imported theories whose name the text uses."""
        haystack = normalise(text)
        return [item_id for item_id in self.ids if any(name in haystack for name in self.names[item_id])]

    def closeness(self, query: str) -> dict[str, float]:
        """Imported theory id -> how many standard deviations closer to the text than the average
        theory (library and imported together); empty without an encoder."""
        if self.encoder is None or len(self.matrix) < 2:
            return {}
        cosines = self.matrix @ self.engine.cache.get(self.encoder, query)
        spread = float(cosines.std())
        if spread < 1e-9:
            return {}
        z = (cosines - cosines.mean()) / spread
        return {item_id: float(score) for item_id, score in zip(self.ids, z[len(z) - len(self.ids):])}
