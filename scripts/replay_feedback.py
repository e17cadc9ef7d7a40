#!/usr/bin/env python3
"""Offline replay of the feedback prior: does feedback help where users agree, and do no harm where they do not?

    .venv/bin/python scripts/replay_feedback.py            # the table for docs/LEARNING.md
    .venv/bin/python scripts/replay_feedback.py --json     # every number

Simulated users ask the dev questions and CRM records of ../shared/eval/ (dev.jsonl, crm_dev.jsonl)
through the real engine; each answer and each `used` event goes through the real recorder into a
temporary event store. Then the held-out set is scored (MRR@10, hit@1) with the prior built from
that store: `scripts/replay_paraphrases.jsonl`, two new phrasings of every in-domain dev question
and a variant of every CRM record, written for this replay and never used to generate feedback.

Scenarios (each user uses one item of each answer they get):
- none:         no prior (what casebook does with the setting off);
- relevant:     users use the first relevant item shown (if any is shown);
- random:       users use an item of the answer at random (mean over several seeds);
- other only:   `relevant`, minus the feedback of the paraphrase's own source question: the prior
                then only holds other situations' feedback, which must not hurt;
- one gamer:    one user sends `used` 20 times for a wrong item of every answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/eval beside the checkout (a worktree under wt/ finds it one level further up)
EVAL = next((p for p in (ROOT.parent / "shared" / "eval", ROOT.parent.parent / "shared" / "eval") if p.is_dir()),
            ROOT.parent / "shared" / "eval")
HELD_OUT = Path(__file__).resolve().parent / "replay_paraphrases.jsonl"
USERS = 3  # simulated users per question
SEEDS = 5  # random-user runs averaged


@dataclass
class Shown:
    """One answer to one generating question: its request id and the items it showed, in order."""

    source: str
    request_id: str
    items: list[str]
    relevant: list[str]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def relevant_ids(engine, strings: list[str]) -> set[str]:
    """Items whose file contains one of the strings (the eval set's definition of relevant)."""
    return {item.id for item in engine.library.items
            if any(s in (engine.library.root / item.path).read_text(encoding="utf-8") for s in strings)}


def ask_all(engine, recorder, rows: list[dict]) -> list[Shown]:
    """Ask every generating question once through the engine and the recorder."""
    from casebook.search.recommend import CustomerSituation, recommend
    from casebook.search.usage import record_recommendation, record_search

    shown = []
    for n, row in enumerate(rows):
        request_id = f"replay-{row['id']}-{n}"
        started = time.perf_counter()
        if "customer" in row:
            situation = CustomerSituation(**row["customer"])
            result = recommend(engine, situation)
            record_recommendation(recorder, result, situation, request_id=request_id, channel="api", started=started)
            items = [r.id for r in result.cases + result.theories + result.scripts]
        else:
            response = engine.search(row["query"], k=10, snippets=False)
            record_search(recorder, response, request_id=request_id, channel="api", started=started)
            items = [h.id for h in response.results]
        wanted = relevant_ids(engine, row["relevant_if_contains"])
        shown.append(Shown(row["id"], request_id, items, [i for i in items if i in wanted]))
    recorder.flush(30)
    return shown


def send_uses(recorder, uses: list[tuple[str, str, str]]) -> None:
    """(request id, item id, user) -> `used` feedback through the real check."""
    from casebook.events import Feedback, take_feedback

    async def send() -> None:
        for request_id, item_id, user in uses:
            await take_feedback(recorder, Feedback(request_id=request_id, item_id=item_id, action="used",
                                                   channel="api", user=user))

    asyncio.run(send())
    recorder.flush(30)


def scenario_uses(name: str, shown: list[Shown], rng: random.Random) -> list[tuple[str, str, str]]:
    uses = []
    for answer in shown:
        for u in range(USERS):
            user = f"{name}-{answer.source}-{u}"
            if name == "relevant" and answer.relevant:
                uses.append((answer.request_id, answer.relevant[0], user))
            elif name == "random" and answer.items:
                uses.append((answer.request_id, rng.choice(answer.items), user))
        wrong = [i for i in answer.items if i not in answer.relevant]
        if name == "gamer" and wrong:
            uses += [(answer.request_id, wrong[0], "gamer")] * 20
    return uses


def rank_of(engine, row: dict, expect: str, relevant: set[str]) -> int | None:
    """1-based rank of the first relevant item (search: the top 10; recommend: within the expected group)."""
    from casebook.search.recommend import CustomerSituation, recommend

    if "customer" in row:
        result = recommend(engine, CustomerSituation(**row["customer"]), cases=10, theories=10, scripts=10)
        groups = [result.cases] if expect == "case" else [result.cases, result.theories, result.scripts]
        ranks = [n for group in groups for n, r in enumerate(group, start=1) if r.id in relevant]
        return min(ranks) if ranks else None
    response = engine.search(row["query"], k=10, snippets=False)
    return next((n for n, h in enumerate(response.results, start=1) if h.id in relevant), None)


def score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"n": len(ranks), "mrr@10": round(sum(1 / r for r in ranks if r) / n, 3),
            "hit@1": round(sum(r == 1 for r in ranks) / n, 3)}


def evaluate(engine, held_out: list[dict], expects: dict[str, str], relevant: dict[str, set[str]],
             prior_for: Callable[[dict], object]) -> dict[str, dict[str, float]]:
    ranks: dict[str, list[int | None]] = {"search": [], "recommend": []}
    for row in held_out:
        engine.prior = prior_for(row)
        group = "recommend" if "customer" in row else "search"
        ranks[group].append(rank_of(engine, row, expects[row["source"]], relevant[row["id"]]))
    engine.prior = None
    return {"all": score(ranks["search"] + ranks["recommend"]), **{k: score(v) for k, v in ranks.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print every number as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from casebook.events import EventStore, Recorder
    from casebook.search import Engine
    from casebook.search.prior import FeedbackPrior
    from casebook.settings import get_settings

    engine = Engine.open(get_settings().model_copy(update={"feedback_prior": False}))
    generating = [r for r in read_jsonl(EVAL / "dev.jsonl") if r["kind"] != "ood"] + read_jsonl(EVAL / "crm_dev.jsonl")
    expects = {r["id"]: r["expect_type"] for r in generating}
    held_out = read_jsonl(HELD_OUT)
    relevant = {row["id"]: relevant_ids(engine, row["relevant_if_contains"]) for row in held_out}
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="casebook-replay-") as folder:
        def fresh_store(name: str) -> tuple[EventStore, Recorder, list[Shown]]:
            store = EventStore(Path(folder) / f"{name}.sqlite3")
            recorder = Recorder(store, retention_days=3650).start()
            return store, recorder, ask_all(engine, recorder, generating)

        results["none"] = evaluate(engine, held_out, expects, relevant, lambda row: None)
        store, recorder, shown = fresh_store("relevant")
        send_uses(recorder, scenario_uses("relevant", shown, random.Random(0)))
        prior = FeedbackPrior.from_store(engine, store, days=3650)
        results["relevant"] = evaluate(engine, held_out, expects, relevant, lambda row: prior)
        source_of = {answer.request_id: answer.source for answer in shown}
        rows = store.feedback(actions=("used",))
        from casebook.search.prior import Use

        def without_own(row: dict) -> FeedbackPrior:
            uses = [Use(r.query, r.item_id, r.user) for r in rows if source_of[r.request_id] != row["source"]]
            return FeedbackPrior(engine, uses, prior.vectors)

        results["other only"] = evaluate(engine, held_out, expects, relevant, without_own)
        recorder.close()
        runs = []
        for seed in range(SEEDS):
            store, recorder, shown = fresh_store(f"random-{seed}")
            send_uses(recorder, scenario_uses("random", shown, random.Random(seed)))
            random_prior = FeedbackPrior.from_store(engine, store, days=3650)
            runs.append(evaluate(engine, held_out, expects, relevant, lambda row, p=random_prior: p))
            recorder.close()
        results["random"] = {group: {key: round(sum(r[group][key] for r in runs) / SEEDS, 3) for key in runs[0][group]}
                             for group in runs[0]}
        store, recorder, shown = fresh_store("gamer")
        send_uses(recorder, scenario_uses("gamer", shown, random.Random(0)))
        gamer = FeedbackPrior.from_store(engine, store, days=3650)
        results["one gamer"] = evaluate(engine, held_out, expects, relevant, lambda row: gamer)
        recorder.close()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    print(f"held-out: {len(held_out)} ({results['none']['search']['n']} search paraphrases, "
          f"{results['none']['recommend']['n']} CRM variants); feedback from {len(generating)} questions, "
          f"{USERS} users each; random = mean of {SEEDS} seeds")
    print(f"{'scenario':<12} {'MRR@10':>7} {'hit@1':>6}   {'search MRR':>10} {'hit@1':>6}   {'CRM MRR':>8} {'hit@1':>6}")
    for name, r in results.items():
        print(f"{name:<12} {r['all']['mrr@10']:>7.3f} {r['all']['hit@1']:>6.3f}   {r['search']['mrr@10']:>10.3f} "
              f"{r['search']['hit@1']:>6.3f}   {r['recommend']['mrr@10']:>8.3f} {r['recommend']['hit@1']:>6.3f}")


if __name__ == "__main__":
    main()
