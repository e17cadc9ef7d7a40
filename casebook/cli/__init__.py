"""The `casebook` command: parse options, call one library function, print. Heavy parts load lazily.

This module holds the typer app, the options and helpers every command shares, and the list of commands;
each command lives in the module of its job: library.py (keep the library), search.py (search and
measure), reports.py (packs and insights), serve.py (run it for others).
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from casebook.errors import CasebookError

app = typer.Typer(help="casebook: a searchable library of telecom marketing cases, theories and scripts.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

LibraryOpt = Annotated[Optional[Path], typer.Option(
    "--library", help="Library folder (default: $CASEBOOK_LIBRARY, else the built-in library).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def checked(option: str, values: list[str] | None, allowed: Collection[str]) -> list[str]:
    """The values given for an option that takes only `allowed` ones; any other is a usage error
    (exit 2) that lists them, where a filter would silently match nothing."""
    for value in values or []:
        if value not in allowed:
            fail(f"{option} {value!r} is not one of: {', '.join(allowed)}", 2)
    return list(values or [])


def item_filters_allowed() -> dict[str, list[str]]:
    """What `--type`, `--segment` and `--channel` accept: the item model's values."""
    from typing import get_args

    from casebook.model import Channel, ItemType, Segment

    return {"--type": list(get_args(ItemType)), "--segment": [s.value for s in Segment],
            "--channel": [c.value for c in Channel]}


def settings_for(library: Path | None):
    from casebook.settings import get_settings

    return get_settings(library)


def open_library(library: Path | None):
    from casebook.loader import load_library

    return load_library(settings_for(library).library)


@contextmanager
def cli_recorder(library: Path | None) -> Iterator[tuple[object, str]]:
    """The event recorder of one command and a request id; what it recorded is written on the way out."""
    import uuid

    from casebook.events import open_recorder

    recorder = open_recorder(settings_for(library))
    try:
        yield recorder, uuid.uuid4().hex
    finally:
        recorder.close(timeout=5)


def open_engine(library: Path | None, quiet: bool = False):
    """The search engine over a library, building or refreshing its index when needed."""
    from casebook.search import Engine

    return Engine.open(settings_for(library), progress=not quiet)


def _register_commands() -> None:
    """Every command, in the order `casebook --help` lists them.

    Registered here rather than by decorators in each module, so the order stays one list across modules."""
    from casebook.cli import library, reports, search, serve

    app.command()(library.lint)
    app.command()(library.init)
    app.command("list")(library.list_items)
    app.command()(library.show)
    app.command("import")(library.import_)
    app.command()(library.coverage)
    app.command()(library.schema)
    app.command()(library.vocabulary)
    app.command()(search.index)
    app.command("prepare-models")(serve.prepare_models)
    app.command()(search.search)
    app.command("eval")(search.eval_)
    app.command("eval-suggest")(search.eval_suggest)
    app.command()(search.bench)
    app.command()(search.recommend)
    app.command("pack")(reports.pack_)
    app.command("editor-user")(serve.editor_user)
    app.command()(reports.insights)
    app.command()(serve.serve)
    app.command()(serve.mcp)


_register_commands()


def main() -> None:
    try:
        app()
    except CasebookError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
