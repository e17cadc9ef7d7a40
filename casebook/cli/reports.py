"""Commands that produce something for people: a session pack as slides, handout or Markdown,
and the insights report on what was asked and used.
Registered with the app, in help order, by casebook/cli/__init__.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from casebook.cli import JsonOpt, LibraryOpt, fail, open_engine, open_library, settings_for


def pack_(
    file: Annotated[Path, typer.Argument(help="A pack file (JSON), as saved from the /pack page.")],
    to: Annotated[Path, typer.Option("--to", help="Output file, its extension picks the format: .pptx slides, "
                                                  ".docx handout, .md Markdown; or a folder, where the file is "
                                                  "named after the pack's title and date (with --format).")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="pptx, docx or md (needed when --to is a folder).")] = None,
    library: LibraryOpt = None,
) -> None:
    """Export a session pack file as PowerPoint slides, a Word handout or Markdown."""
    from casebook.errors import BadQuery
    from casebook.export import export_file, target_format, target_path

    try:
        fmt = target_format(to, fmt)
    except BadQuery as exc:
        fail(str(exc), 2)
    pack, data = export_file(file, open_library(library), fmt)
    to = target_path(to, pack, fmt)
    partial = to.with_name(f".{to.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(to)  # a crash mid-write leaves any earlier export whole
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {to}: {exc.strerror}")
    typer.echo(f"{to}: {len(pack.items)} item(s), {len(data):,} bytes")


def insights(
    days: Annotated[float, typer.Option(min=0.001, max=3650, help="The window: the last this many days.")] = 30,
    csv_dir: Annotated[Optional[Path], typer.Option(
        "--csv", help="Also write each table as <DIR>/<table>.csv (UTF-8 with BOM).")] = None,
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What was asked, the gaps (questions the library answered badly, grouped), what was used."""
    from casebook.search.insights import TABLES, insights_for, insights_text, table_csv

    settings = settings_for(library)
    result = insights_for(open_engine(library), settings, days)
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            (csv_dir / f"{table}.csv").write_text("\ufeff" + table_csv(result, table), encoding="utf-8")
        typer.echo(f"wrote {len(TABLES)} tables to {csv_dir}", err=True)
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) if as_json else insights_text(result))
