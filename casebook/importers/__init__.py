"""Intake: documents (Word, PowerPoint, PDF, web pages, Markdown, text, case collections) -> draft items.

Readers (one module per format) turn a file into Markdown; `clean` drops page furniture; `split`
cuts it into cases; `drafts` builds each draft's front matter; `intake.import_documents` runs it all.
"""

from casebook.importers.base import NothingImported, SourceFile, UnreadableDocument
from casebook.importers.drafts import Draft, Suggester
from casebook.importers.intake import ImportReport, import_documents

__all__ = ["Draft", "ImportReport", "NothingImported", "SourceFile", "Suggester", "UnreadableDocument", "import_documents"]
