"""Domain errors raised by the library and translated at each edge (CLI, API, pages)."""


class CasebookError(Exception):
    """Base of every error casebook raises on purpose; its message says what to do next."""


class LibraryError(CasebookError):
    """The library folder is missing or has files that do not parse."""


class ItemNotFound(CasebookError):
    """No item has the requested id."""


class IndexMissing(CasebookError):
    """The search index has not been built (or cannot be read)."""


class BadQuery(CasebookError):
    """A search or recommend request cannot be answered as given."""


class UnknownConcept(BadQuery):
    """A filter names a situation, tag or product the vocabulary does not know; `closest` holds the
    ids of the nearest concepts, so each face can say where its client finds the list."""

    def __init__(self, message: str, *, kind: str, value: str, closest: list[str]) -> None:
        super().__init__(message)
        self.kind, self.value, self.closest = kind, value, closest


class UnknownRequest(CasebookError):
    """Feedback names a request id that no recorded answer has."""


class NotInAnswer(CasebookError):
    """Feedback names an item that was not in the answer it refers to."""


class EventStoreError(CasebookError):
    """The event store file cannot be used (a newer schema, not a database, no permission)."""
