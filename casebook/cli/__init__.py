"""The `casebook` command: parse options, call one library function, print. Heavy parts load lazily."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
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


@app.command()
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


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="A new or empty folder for the library.")]) -> None:
    """Start a library of your own from the built-in one: items, a README, .gitignore, a git repository."""
    from casebook.library import builtin_library
    from casebook.new_library import create_library

    made = create_library(folder, builtin_library())
    typer.echo(f"{folder}: {len(made.files)} library files, README.md, .gitignore")
    if made.commit:
        typer.echo(f"git repository with a first commit {made.commit[:12]}")
    elif made.git_problem:
        typer.echo(f"warning: no git repository: {made.git_problem}", err=True)
    typer.echo(f"next: casebook lint --library {folder}   (or export CASEBOOK_LIBRARY={folder.resolve()})")


@app.command("list")
def list_items(
    library: LibraryOpt = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="case, theory or script.")] = None,
    tag: Annotated[Optional[str], typer.Option(help="Only items with this tag.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List items: id, type and title."""
    from casebook.present import item_summary

    items = [i for i in open_library(library).items
             if (type_ is None or i.type == type_) and (tag is None or tag in i.tags)]
    if as_json:
        typer.echo(json.dumps([item_summary(i) for i in items], ensure_ascii=False, indent=1))
        return
    for item in items:
        typer.echo(f"{item.id:<55} {item.type:<7} {item.title}")
    typer.echo(f"{len(items)} item(s)", err=True)


@app.command()
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


@app.command("import")
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
    if suggest:
        from casebook.search.suggest import Suggester

        suggester = Suggester(open_engine(library, quiet=as_json))
    report = import_documents(files, lib, out, suggester=suggester, slug=slug, force=force)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        for line in report_text(report):
            typer.echo(line)
        typer.echo(f"{len(report.drafts)} draft(s) from {len(files)} file(s); check each field under `review:`, "
                   "remove it from the list, replace every TODO, then run `casebook lint`", err=True)
    if not report.imported:
        raise typer.Exit(1)


@app.command()
def coverage(source: Path, library: LibraryOpt = None) -> None:
    """Print the passages of a source document that no item contains yet."""
    from casebook.coverage import gaps, passages

    found = gaps(source, settings_for(library).library)
    for gap in found:
        typer.echo(f"{source.name}:{gap.line}: {gap.text[:100]}")
    total = len(passages(source.read_text(encoding="utf-8", errors="replace")))
    typer.echo(f"{total - len(found)}/{total} passages covered", err=True)
    if found:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the front-matter field table (the source of docs/SCHEMA.md)."""
    from casebook.schema_doc import field_table

    typer.echo(field_table())


@app.command()
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


@app.command()
def index(
    library: LibraryOpt = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Publish the index and the library as an artifact in this folder, for replicas "
                      "that load it read-only (CASEBOOK_INDEX_DIR); incremental against its last version.")] = None,
) -> None:
    """Build or refresh the search index beside the library (only changed passages are re-encoded)."""
    from casebook.search import artifact, store
    from casebook.search.embed import encoders_for

    settings = settings_for(library)
    if out is None and artifact.is_artifact(settings.index_path):
        fail(f"{settings.index_path} is an artifact: publish to it with `casebook index --out {settings.index_path}`")
    if out is not None:
        report = artifact.build_artifact(settings.library, out, encoders_for(settings), seed=settings.index_path,
                                         progress=not quiet)
    else:
        _, report = store.build_library(settings.library, settings.index_path, encoders_for(settings),
                                        progress=not quiet)
    encoded = ", ".join(f"{name} {n}" for name, n in report.encoded.items()) or "none"
    typer.echo(f"indexed {report.items} items, {report.passages} passages (encoded: {encoded}) "
               f"in {report.seconds:.1f} s -> {report.folder}")


@app.command("prepare-models")
def prepare_models(library: LibraryOpt = None) -> None:
    """Prepare the encoders' models in CASEBOOK_MODEL_DIR, so a server (or an image) starts without it."""
    from casebook.search.embed import encoders_for

    settings = settings_for(library)
    names = [encoder.name for _, encoder in encoders_for(settings)]
    typer.echo(f"prepared {', '.join(names) or 'no encoders'} for {settings.threads} thread(s) "
               f"in {settings.model_cache}")


TypeOpt = Annotated[Optional[list[str]], typer.Option("--type", help="case, theory or script (repeatable).")]


@app.command()
def search(
    query: Annotated[Optional[str], typer.Argument(help="What to look for, in Chinese or English.")] = None,
    k: Annotated[int, typer.Option("-k", help="How many results.")] = 5,
    type_: TypeOpt = None,
    segment: Annotated[Optional[list[str]], typer.Option(help="Only items for this customer segment.")] = None,
    channel: Annotated[Optional[list[str]], typer.Option(help="Only items for this channel/role.")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="Only items with this tag (a tag concept id).")] = None,
    situation: Annotated[Optional[list[str]], typer.Option(
        help="Only items for this customer situation (a situation concept id, e.g. cancellation-request).")] = None,
    queries: Annotated[Optional[Path], typer.Option(help="File of queries (one a line, or JSONL); prints JSON lines.")] = None,
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Search the library; results are items with a snippet and why they matched."""
    from casebook.search import Filters
    from casebook.search.evaluate import read_queries
    from casebook.search.present import response_text
    from casebook.search.usage import record_search

    if (query is None) == (queries is None):
        fail("give a QUERY or --queries FILE", 2)
    engine = open_engine(library)
    filters = Filters(types=type_ or [], segments=segment or [], channels=channel or [], tags=tag or [],
                      situations=situation or [])
    if queries is not None:
        for row in read_queries(queries):
            typer.echo(json.dumps(engine.search(row["query"], k=k, filters=filters).as_dict(), ensure_ascii=False))
        return
    with cli_recorder(library) as (recorder, request_id):
        started = time.perf_counter()
        response = engine.search(query, k=k, filters=filters)
        record_search(recorder, response, request_id=request_id, channel="cli", started=started, filters=filters)
    typer.echo(json.dumps(response.as_dict(), ensure_ascii=False, indent=1) if as_json else response_text(response))


@app.command("eval")
def eval_(
    files: Annotated[list[Path], typer.Argument(help=(
        "Eval JSONL file(s) (see ../shared/eval/README.md); give a file of `kind: ood` questions too "
        "to measure the relevance calibration."))],
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Retrieval quality: hit@1, hit@3, MRR@10 overall and per kind; out-of-domain flagging and relevance."""
    from casebook.search.evaluate import format_table, judge, metrics, read_queries

    for file in files:
        if not file.is_file():
            fail(f"{file} is not a file", 2)
    engine = open_engine(library)
    report = metrics([judge(engine, row) for file in files for row in read_queries(file)])
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for miss in report["misses"]:
        typer.echo(f"  not first: {miss['id']} ({miss['kind']}) rank={miss['rank']} top={miss['top']}")
    typer.echo(format_table(report))


@app.command("eval-suggest")
def eval_suggest(library: LibraryOpt = None, as_json: JsonOpt = False) -> None:
    """Leave-one-out quality of import suggestions: precision and recall at 3 and 5 per field
    (situations and products compared as vocabulary concepts)."""
    from casebook.search.suggest_eval import format_table, leave_one_out

    report = leave_one_out(open_engine(library, quiet=as_json))
    typer.echo(json.dumps(report, ensure_ascii=False, indent=1) if as_json else format_table(report))


@app.command()
def bench(
    sizes: Annotated[str, typer.Option(help="Synthetic library sizes, comma-separated.")] = "1000,10000,100000",
    no_build: Annotated[bool, typer.Option("--no-build", help="Skip timing a full index build.")] = False,
    queries: Annotated[Optional[Path], typer.Option(help="Extra queries (one a line, or JSONL).")] = None,
    library: LibraryOpt = None,
) -> None:
    """Benchmark: build time, encoder throughput, query latency (BM25, dense, hybrid) and memory."""
    from casebook.search.bench import run
    from casebook.search.evaluate import read_queries

    extra = [row["query"] for row in read_queries(queries)] if queries else []
    run(settings_for(library), [int(s) for s in sizes.split(",") if s.strip()], extra,
        build=not no_build, echo=typer.echo)


@app.command()
def recommend(
    text: Annotated[str, typer.Option("--text", help="The customer's situation in free text.")] = "",
    customer: Annotated[Optional[Path], typer.Option(
        "--customer", help="JSON file of customer fields: segment, products, arpu, tenure_months, "
                           "arrears_months, events, competitor, channel, notes.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10, help="Most items per group.")] = 3,
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cases, the theories behind them and scripts that fit a customer's situation."""
    from pydantic import ValidationError

    from casebook.search.recommend import CustomerSituation, recommendation_text
    from casebook.search.recommend import recommend as run
    from casebook.search.usage import record_recommendation

    fields = {}
    if customer is not None:
        try:
            fields = json.loads(customer.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            fail(f"cannot read {customer} as UTF-8 JSON: {exc}", 2)
    try:
        situation = CustomerSituation.model_validate({**fields, "text": text} if isinstance(fields, dict) else fields)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()), 2)
    engine = open_engine(library)
    with cli_recorder(library) as (recorder, request_id):
        started = time.perf_counter()
        result = run(engine, situation, cases=limit, theories=limit, scripts=limit)
        record_recommendation(recorder, result, situation, request_id=request_id, channel="cli", started=started)
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1) if as_json else recommendation_text(result))


@app.command("pack")
def pack_(
    file: Annotated[Path, typer.Argument(help="A pack file (JSON), as saved from the /pack page.")],
    to: Annotated[Path, typer.Option("--to", help="Output file; its extension picks the format: "
                                                  ".pptx slides, .docx handout, .md Markdown.")],
    library: LibraryOpt = None,
) -> None:
    """Export a session pack file as PowerPoint slides, a Word handout or Markdown."""
    from casebook.errors import BadQuery
    from casebook.export import export_file, format_of

    try:
        fmt = format_of(to)
    except BadQuery as exc:
        fail(str(exc), 2)
    pack, data = export_file(file, open_library(library), fmt)
    partial = to.with_name(f".{to.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(to)  # a crash mid-write leaves any earlier export whole
    except OSError as exc:
        partial.unlink(missing_ok=True)
        fail(f"cannot write {to}: {exc.strerror}")
    typer.echo(f"{to}: {len(pack.items)} item(s), {len(data):,} bytes")


@app.command("editor-user")
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


@app.command()
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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on; 0.0.0.0 for every one.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=0, help=(
        "Worker processes; each loads the index once. 0: one per CPU this process may use."))] = 1,
    library: LibraryOpt = None,
) -> None:
    """Start the HTTP API (/v1, docs at /docs) and the pages with uvicorn; builds the index first if needed."""
    from casebook.api.server import run
    from casebook.search import artifact, store
    from casebook.search.embed import encoder_specs

    settings = settings_for(library)
    if (not artifact.is_read_only(settings.index_path)  # an artifact is served as it is, never built here
            and store.staleness(settings.index_path, settings.library, encoder_specs(settings.encoders))):
        index(library=library, quiet=False, out=None)  # once here, not once per worker
    run(host, port, workers, library)


@app.command()
def mcp(library: LibraryOpt = None) -> None:
    """Serve the library to an assistant over MCP on stdin/stdout (a desktop client starts this command)."""
    from casebook.api.mcp import run_stdio

    run_stdio(settings_for(library))


def main() -> None:
    try:
        app()
    except CasebookError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
