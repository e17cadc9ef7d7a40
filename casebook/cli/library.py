"""Commands that keep the library itself: start one, check it, list and show items, the vocabulary,
the front-matter schema, import documents as drafts, and what a source document still lacks.
Registered with the app, in help order, by casebook/cli/__init__.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from casebook.cli import (
    JsonOpt,
    LibraryOpt,
    checked,
    fail,
    item_filters_allowed,
    open_engine,
    open_library,
    settings_for,
)

# Measured: a first build of the built-in library's 90 items (1,060 passages) on two cores (README).
FIRST_BUILD = "about 1.5 minutes on two idle cores, 3.5 on busy ones"


def lint(
    library: LibraryOpt = None,
    fix: Annotated[bool, typer.Option("--fix", help=(
        "First rewrite synonyms in situations, products and tags to their canonical terms "
        "(only those entries change) and print each change."))] = False,
) -> None:
    """Check every item file and the vocabulary; print each problem as `path:line: message`."""
    from casebook.lint import fix as run_fix
    from casebook.lint import lint as run_lint

    root = settings_for(library).library
    if fix:
        changes, refused = run_fix(root)
        for change in changes:
            typer.echo(f"fixed {change}")
        for problem in refused:
            typer.echo(str(problem), err=True)
        typer.echo(f"{len(changes)} entr{'y' if len(changes) == 1 else 'ies'} fixed", err=True)
    problems = run_lint(root)
    for problem in problems:
        typer.echo(str(problem))
    count = len(list(root.glob("cases/**/*.md"))) + len(list(root.glob("playbook/**/*.md")))
    typer.echo(f"{count} files checked, {len(problems)} problem(s)", err=True)
    if problems:
        raise typer.Exit(1)


def init(folder: Annotated[Path, typer.Argument(help="A new or empty folder for the library.")]) -> None:
    """Start a library of your own from the built-in one: items, a README, .gitignore, a git repository."""
    from casebook.library import builtin_library
    from casebook.new_library import create_library
    from casebook.search.seed import seed_library_index

    made = create_library(folder, builtin_library())
    typer.echo(f"{folder}: {len(made.files)} library files, README.md, .gitignore")
    if made.commit:
        typer.echo(f"git repository with a first commit {made.commit[:12]}")
    elif made.git_problem:
        typer.echo(f"warning: no git repository: {made.git_problem}", err=True)
    seeded = seed_library_index(settings_for(builtin_library()), settings_for(folder))
    if seeded.seeded:
        typer.echo(f"search index: the built-in library's, copied ({seeded.passages} passages): "
                   "the first search encodes nothing")
    elif seeded.shared:
        typer.echo(f"search index: {seeded.reason}")
    else:
        typer.echo(f"search index: not copied, {seeded.reason}; the first search builds it, encoding every "
                   f"passage ({FIRST_BUILD}), or build it now: casebook index --library {folder}")
    typer.echo(f"next: casebook lint --library {folder}   (or export CASEBOOK_LIBRARY={folder.resolve()})")


def list_items(
    library: LibraryOpt = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="case, theory or script.")] = None,
    tag: Annotated[Optional[str], typer.Option(help=(
        "Only items with this tag: a tag concept id, or any of its words (`casebook vocabulary --kind tag`)."))] = None,
    as_json: JsonOpt = False,
) -> None:
    """List items: id, type and title."""
    from casebook.catalog import with_tag
    from casebook.errors import UnknownConcept
    from casebook.present import item_summary

    if type_ is not None:
        checked("--type", [type_], item_filters_allowed()["--type"])
    lib = open_library(library)
    if tag is not None and len(lib.vocabulary):
        try:  # as search resolves --tag: a synonym or label is its concept, an unknown tag a usage error
            lib.vocabulary.resolve(tag, "tag")
        except UnknownConcept as exc:
            fail(str(exc), 2)
    items = [i for i in (lib.items if tag is None else with_tag(lib, tag)) if type_ is None or i.type == type_]
    if as_json:
        typer.echo(json.dumps([item_summary(i) for i in items], ensure_ascii=False, indent=1))
        return
    for item in items:
        draft = f"  [draft: to review {', '.join(item.review)}]" if item.review else ""
        typer.echo(f"{item.id:<55} {item.type:<7} {item.title}{draft}")
    drafts = sum(1 for item in items if item.review)
    typer.echo(f"{len(items)} item(s)" + (f", {drafts} of them drafts not yet searchable" if drafts else ""), err=True)


def show(item_id: str, library: LibraryOpt = None, as_json: JsonOpt = False) -> None:
    """Print one item for a person (or as JSON)."""
    from casebook.present import item_detail, item_text

    lib = open_library(library)
    item = lib.get(item_id)
    if item is None:
        fail(f"no item has id {item_id!r}; `casebook list` shows the ids")
    if as_json:
        typer.echo(json.dumps(item_detail(item, lib), ensure_ascii=False, indent=1))
    else:
        typer.echo(item_text(item, lib))


def import_(
    files: Annotated[list[Path], typer.Argument(help="Word, PowerPoint, PDF, HTML, Markdown or text files.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the drafts: cases/, or a library root.")],
    slug: Annotated[Optional[str], typer.Option(help="Id stem for the drafts (case-<slug>-NN).")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite drafts that exist.")] = False,
    suggest: Annotated[bool, typer.Option(help="Suggest annotations from the library (loads the index).")] = True,
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Turn documents into draft items with suggested annotations; each lists the fields to review."""
    from casebook.importers import import_documents
    from casebook.importers.intake import report_text

    lib = open_library(library)
    suggester = None
    if suggest and not lib.items:
        typer.echo(f"{lib.root} has no items yet: drafts get no suggestions (every field is still "
                   "listed for review)", err=True)
    elif suggest:
        from casebook.search.suggest import Suggester

        suggester = Suggester(open_engine(library, quiet=as_json))
    report = import_documents(files, lib, out, suggester=suggester, slug=slug, force=force)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        for line in report_text(report):
            typer.echo(line)
        todo = ("; check each field under `review:`, remove it from the list, replace every TODO, then run "
                "`casebook lint`") if report.drafts else ""
        typer.echo(f"{len(report.drafts)} draft(s) from {len(files)} file(s){todo}", err=True)
    if not report.imported:
        raise typer.Exit(1)


def coverage(
    source: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                           help="A source document (text).")],
    library: LibraryOpt = None,
) -> None:
    """Print the passages of a source document that no item contains yet."""
    from casebook.coverage import gaps, passages

    found = gaps(source, settings_for(library).library)
    for gap in found:
        typer.echo(f"{source.name}:{gap.line}: {gap.text[:100]}")
    total = len(passages(source.read_text(encoding="utf-8", errors="replace")))
    typer.echo(f"{total - len(found)}/{total} passages covered", err=True)
    if found:
        raise typer.Exit(1)


def schema() -> None:
    """Print the front-matter field table (the source of docs/SCHEMA.md)."""
    from casebook.schema_doc import field_table

    typer.echo(field_table())


def vocabulary(
    library: LibraryOpt = None,
    kind: Annotated[Optional[str], typer.Option(help="Only concepts of this kind: situation, product or tag.")] = None,
    as_json: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print docs/VOCABULARY.md (families, "
                                                              "situations, products glossary, tags).")] = False,
) -> None:
    """The controlled vocabulary: concepts with ids, labels, synonyms, families and how many items use each."""
    from casebook.vocabulary import KINDS, load_vocabulary
    from casebook.vocabulary_doc import listing, table
    from casebook.vocabulary_doc import markdown as vocabulary_markdown

    if kind is not None and kind not in KINDS:
        fail(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}", 2)
    root = settings_for(library).library
    vocab = load_vocabulary(root)
    if not vocab.exists:
        fail(vocab.problems[0].message)
    if vocab.problems:
        typer.echo(f"warning: the vocabulary file has {len(vocab.problems)} problem(s); run `casebook lint`",
                   err=True)
    if markdown:
        typer.echo(vocabulary_markdown(vocab), nl=False)
        return
    data = listing(open_library(library), kind)  # type: ignore[arg-type]
    typer.echo(json.dumps(data, ensure_ascii=False, indent=1) if as_json else table(data))
