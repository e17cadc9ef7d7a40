"""`import_documents`: files -> draft items with suggested annotations, and a report of what happened.

The one function the CLI (`casebook import`) and the editing API (`POST /v1/imports`) call. Each
file is read by the reader that recognises its content, cleaned, split into cases; each case
becomes a draft whose front matter the suggester (the engine's, when given) pre-fills. A file that
cannot be read is reported with the reason, never raised.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from casebook.importers.base import SourceFile, UnreadableDocument
from casebook.importers.clean import clean
from casebook.importers.drafts import Draft, Suggester, draft_markdown, front_matter, prose, slug_of
from casebook.importers.registry import read_markdown
from casebook.importers.repeats import Repeats
from casebook.importers.split import split
from casebook.loader import Library
from casebook.model import TYPE_FOLDERS


@dataclass
class DraftReport:
    id: str
    title: str
    document: str
    review: list[str]  # fields still to review
    path: str | None = None  # where it was written (None when not written)
    markdown: str | None = None  # the draft itself, when it was not written to a file
    repeats: list[str] = field(default_factory=list)  # items whose text it repeats (Repeats.items_repeated)


@dataclass
class Unplaced:
    """Text of a document that belongs to no case (before the first one, or a heading with no text)."""

    document: str
    text: str


@dataclass
class FileProblem:
    document: str
    reason: str  # empty, encrypted, image-only, not-a-document, no-text, damaged, exists
    message: str


@dataclass
class ImportReport:
    drafts: list[DraftReport] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return bool(self.drafts)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _source(item: Path | SourceFile) -> SourceFile:
    return item if isinstance(item, SourceFile) else SourceFile.from_path(Path(item))


def document_drafts(source: SourceFile) -> tuple[list[Draft], list[str]]:
    """The drafts of one file and its text that fits no case; UnreadableDocument when it has none."""
    reader, markdown = read_markdown(source)
    document = split(clean(markdown), fallback_title=Path(source.name).stem)
    drafts = [Draft(document=source.name, document_title=document.title, section=section.heading,
                    title=section.title, body=section.body, number=number)
              for number, section in enumerate((s for s in document.sections if prose(s.body)), start=1)]
    unplaced = document.unplaced + [s.body for s in document.sections if not prose(s.body)]
    if not drafts:
        tables = "|" in markdown and not prose(clean(markdown))
        raise UnreadableDocument("no-text", "the document holds only a table and no running text to make a case of"
                                 if tables else f"no text found in the {reader} file")
    return drafts, unplaced


def _target(out: Path, front: dict[str, Any]) -> Path:
    """`out/<type folder>/<id>.md` when `out` is a library, else `out/<id>.md`."""
    is_library = (out / "cases").is_dir() or (out / "playbook").is_dir()
    folder = out / TYPE_FOLDERS[front["type"]] if is_library else out
    return folder / f"{front['id']}.md"


def import_documents(sources: list[Path | SourceFile], library: Library, out: Path | None = None, *,
                     suggester: Suggester | None = None, slug: str | None = None,
                     force: bool = False) -> ImportReport:
    """Read every source, write one draft per case into `out` (or return them in the report when
    `out` is None), never overwriting a file unless `force`. `library` is where ids must be new.

    Suggestions come in two passes: each draft on its own (which types it), then each case again
    with the theory drafts of the same import as candidate links, since a handbook's cases mostly
    illustrate the handbook's own theories, which the library cannot know yet."""
    report = ImportReport()
    numbers: dict[str, int] = {}  # drafts per id stem, so one --slug over several files stays unique
    pending: list[tuple[str, Draft, dict[str, Any]]] = []  # file name, draft, suggested front matter
    # Ids a draft never takes: a published item's (--force overwrites drafts, never an item), and,
    # when drafts are only returned, a draft's too, as nothing on disk can be overwritten then.
    taken = {item.id for item in library.items if out is None or not item.review}
    for given in sources:
        name = given.name if isinstance(given, SourceFile) else Path(given).name
        try:
            source = _source(given)
            drafts, unplaced = document_drafts(source)
        except UnreadableDocument as exc:
            report.problems.append(FileProblem(name, exc.reason, str(exc)))
            continue
        except OSError as exc:
            report.problems.append(FileProblem(name, "not-a-document", f"cannot be opened: {exc.strerror or exc}"))
            continue
        except Exception as exc:  # a reader library choking on a damaged file: report, never a traceback
            report.problems.append(FileProblem(name, "damaged", f"cannot be read ({type(exc).__name__}: {exc})"))
            continue
        report.unplaced += [Unplaced(name, text) for text in unplaced]
        stem = slug or slug_of(source.name, source.data)
        for draft in drafts:
            suggested = suggester(draft) if suggester else {}
            item_id = _next_id(suggested.get("type") or "case", stem, numbers, taken)
            pending.append((name, draft, front_matter(draft, item_id, suggested)))
    if suggester:
        _link_imported_theories(pending, suggester)
    repeats = Repeats(library)
    for name, draft, front in pending:
        _write(report, library, out, name, draft, front, force, repeats)
    return report


def _next_id(item_type: str, stem: str, numbers: dict[str, int], taken: set[str]) -> str:
    """`<type>-<stem>-NN`, numbered on from the stem's last draft and past the `taken` ids: importing
    a document again after one of its drafts was published must not offer (or overwrite) that id."""
    while True:
        numbers[stem] = numbers.get(stem, 0) + 1
        item_id = f"{item_type}-{stem}-{numbers[stem]:02d}"
        if item_id not in taken:
            return item_id


def _link_imported_theories(pending: list[tuple[str, Draft, dict[str, Any]]], suggester: Suggester) -> None:
    """Each case draft's theory links, suggested again with the import's theory drafts as candidates."""
    theories = {front["id"]: draft for _, draft, front in pending if front["type"] == "theory"}
    if not theories:
        return
    for _, draft, front in pending:
        if front["type"] == "case":
            front["theories"] = list(suggester(draft, theories).get("theories") or [])


def _write(report: ImportReport, library: Library, out: Path | None, name: str, draft: Draft,
           front: dict[str, Any], force: bool, repeats: Repeats) -> None:
    """One draft into `out` (or into the report), unless its file or id exists and not `force`."""
    text = draft_markdown(front, draft.body)
    entry = DraftReport(id=front["id"], title=front["title"], document=name, review=front["review"],
                        repeats=repeats.items_repeated(draft.body))
    if out is None:
        entry.markdown = text
    else:
        target = _target(out, front)
        if (target.exists() or front["id"] in library) and not force:
            report.problems.append(FileProblem(name, "exists", f"{target} (or the id {front['id']}) "
                                               "exists already; pass --force to overwrite it"))
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        entry.path = str(target)
    report.drafts.append(entry)


def report_text(report: ImportReport) -> list[str]:
    """The report for a person: each draft and its fields to review, then what was left out."""
    lines = []
    for entry in report.drafts:
        lines.append(f"{entry.path or entry.id}  {entry.title}  (from {entry.document})")
        lines.append(f"  to review: {', '.join(entry.review)}")
        if entry.repeats:
            lines.append(f"  already in the library: most of its text is in {', '.join(entry.repeats)}; "
                         "delete the draft unless it is meant as a new item")
    for piece in report.unplaced:
        text = " ".join(piece.text.split())
        lines.append(f"not placed in any case ({piece.document}): {text[:120]}{'…' if len(text) > 120 else ''}")
    for problem in report.problems:
        lines.append(f"not imported: {problem.document}: {problem.message}")
    return lines
