"""Commands that run the library for others: the HTTP API and pages, MCP for assistants, the models a
server needs, and the editor pages' users.
Registered with the app, in help order, by casebook/cli/__init__.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from casebook.cli import LibraryOpt, settings_for
from casebook.cli.search import index


def prepare_models(library: LibraryOpt = None) -> None:
    """Prepare the encoders' models in CASEBOOK_MODEL_DIR, so a server (or an image) starts without it."""
    from casebook.search.embed import encoders_for

    settings = settings_for(library)
    names = [encoder.name for _, encoder in encoders_for(settings)]
    typer.echo(f"prepared {', '.join(names) or 'no encoders'} for {settings.threads} thread(s) "
               f"in {settings.model_cache}")


def editor_user(
    name: Annotated[str, typer.Argument(help="The user's name, as the audit trail will show it.")],
    users_file: Annotated[Optional[Path], typer.Option(
        "--users-file", help="User list (default: $CASEBOOK_EDITOR_USERS, else .casebook/editor-users).")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin instead of asking.")] = False,
    library: LibraryOpt = None,
) -> None:
    """Add a user who may sign in to the editor pages, or change a user's password."""
    from casebook.accounts import set_user

    path = users_file or settings_for(library).editor_users_path
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    created = set_user(path, name, password)
    typer.echo(f"{'added' if created else 'changed the password of'} {name} in {path}")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on; 0.0.0.0 for every one.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=0, help=(
        "Worker processes; each loads the index once. 0: one per CPU this process may use."))] = 1,
    library: LibraryOpt = None,
) -> None:
    """Start the HTTP API (/v1, docs at /docs) and the pages with uvicorn; builds the index first if needed."""
    from casebook.api.server import check_port_free, run
    from casebook.search import artifact, store
    from casebook.search.embed import encoder_specs

    settings = settings_for(library)
    check_port_free(host, port)  # before an index build a taken port would waste
    if (not artifact.is_read_only(settings.index_path)  # an artifact is served as it is, never built here
            and store.staleness(settings.index_path, settings.library, encoder_specs(settings.encoders))):
        index(library=library, quiet=False, out=None)  # once here, not once per worker
    run(host, port, workers, library)


def mcp(library: LibraryOpt = None) -> None:
    """Serve the library to an assistant over MCP on stdin/stdout (a desktop client starts this command)."""
    from casebook.api.mcp import run_stdio

    run_stdio(settings_for(library))
