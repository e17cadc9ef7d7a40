"""Commands that search: build the index, search, recommend for a customer, and measure quality and speed.
Registered with the app, in help order, by casebook/cli/__init__.py."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from casebook.cli import (
    JsonOpt,
    LibraryOpt,
    checked,
    cli_recorder,
    fail,
    item_filters_allowed,
    open_engine,
    settings_for,
)


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


TypeOpt = Annotated[Optional[list[str]], typer.Option("--type", help="case, theory or script (repeatable).")]


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
    from casebook.errors import UnknownConcept
    from casebook.search import Filters
    from casebook.search.evaluate import read_queries
    from casebook.search.present import response_text
    from casebook.search.usage import record_search

    if (query is None) == (queries is None):
        fail("give a QUERY or --queries FILE", 2)
    allowed = item_filters_allowed()
    filters = Filters(types=checked("--type", type_, allowed["--type"]),
                      segments=checked("--segment", segment, allowed["--segment"]),
                      channels=checked("--channel", channel, allowed["--channel"]), tags=tag or [],
                      situations=situation or [])
    engine = open_engine(library)
    try:
        if queries is not None:
            for row in read_queries(queries):
                typer.echo(json.dumps(engine.search(row["query"], k=k, filters=filters).as_dict(), ensure_ascii=False))
            return
        with cli_recorder(library) as (recorder, request_id):
            started = time.perf_counter()
            response = engine.search(query, k=k, filters=filters)
            record_search(recorder, response, request_id=request_id, channel="cli", started=started, filters=filters)
    except UnknownConcept as exc:  # a --tag or --situation no concept has: a usage error, like a bad --type
        fail(str(exc), 2)
    typer.echo(json.dumps(response.as_dict(), ensure_ascii=False, indent=1) if as_json else response_text(response))


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
    rows = [row for file in files for row in read_queries(file)]  # a malformed file fails before the index loads
    engine = open_engine(library)
    report = metrics([judge(engine, row) for row in rows])
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for miss in report["misses"]:
        typer.echo(f"  not first: {miss['id']} ({miss['kind']}) rank={miss['rank']} top={miss['top']}")
    typer.echo(format_table(report))


def eval_suggest(
    library: LibraryOpt = None,
    as_json: JsonOpt = False,
    hold_out: Annotated[str, typer.Option(help=(
        "What is hidden while an item is suggested: `item` (the item alone), `source` (every item "
        "of its source document, as when a whole new collection is imported) or `import` (the "
        "source hidden but imported in one go, so a case may link the theory drafts imported with it)."))] = "item",
) -> None:
    """Leave-one-out quality of import suggestions: precision and recall at 3 and 5 per field
    (situations, products and tags compared as vocabulary concepts)."""
    from casebook.search.suggest_eval import HOLD_OUT, format_table, leave_one_out

    if hold_out not in HOLD_OUT:
        fail(f"--hold-out must be one of {', '.join(HOLD_OUT)}", code=2)
    report = leave_one_out(open_engine(library, quiet=as_json), hold_out=hold_out)
    typer.echo(json.dumps(report, ensure_ascii=False, indent=1) if as_json else format_table(report))


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
