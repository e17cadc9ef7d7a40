#!/usr/bin/env python3
"""Refit the relevance calibration (search/data/calibration.json) and print its held-out report.

    .venv/bin/python scripts/calibrate.py            # refit, write the JSON, print the report
    .venv/bin/python scripts/calibrate.py --check    # only measure the calibration in place

Refit whenever the ranking, the encoders or the library change: the features are the engine's
own scores. Labelled queries (see tests/data/relevance/README.md):
- in the domain: ../shared/eval/dev.jsonl and crm_dev.jsonl, tests/data/relevance/in_domain.jsonl;
- out of it: dev.jsonl's `ood` rows, tests/data/relevance/ood_written.jsonl (general questions and
  telecom-operations near-misses), and questions sampled from two PyPI data packages, installed
  here when missing and never committed: `insuranceqa-data==1.2` (GPL-3.0 package; InsuranceQA-zh
  data, research use only) and `chatterbot-corpus==1.3.3` (BSD-3-Clause).
scikit-learn (the `calibrate` extra) is installed the same way when missing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import yaml

from casebook.search import Engine
from casebook.search.calibration import DEFAULT_PATH, load_calibration
from casebook.search.calibration_fit import (
    HELD_OUT,
    LabelledQuery,
    fit,
    format_report,
    labelled_query,
    measure,
    observe,
    read_labelled,
    split,
)
from casebook.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
# ../shared/eval beside the checkout (a git worktree may sit one folder deeper)
EVAL = next((p / "shared" / "eval" for p in ROOT.parents if (p / "shared" / "eval").is_dir()),
            ROOT.parent / "shared" / "eval")
DATA = ROOT / "tests" / "data" / "relevance"
PACKAGES = {"insuranceqa_data": "insuranceqa-data==1.2", "chatterbot_corpus": "chatterbot-corpus==1.3.3",
            "sklearn": "scikit-learn>=1.3"}
PER_LANGUAGE = 100  # questions taken from each outside data set, per language
# Chatterbot's topics that hold questions a person might type into a search box (not chit-chat with a bot).
CHATTERBOT_TOPICS = {
    "chinese": ["conversations", "food", "history", "literature", "money", "movies", "politics", "science",
                "sports", "trivia"],
    "english": ["computers", "coding", "conversations", "food", "health", "history", "literature", "money",
                "movies", "politics", "science", "sports", "trivia", "tech_support"],
}
QUESTION = {"chinese": re.compile(r"[？?]|什么|怎么|吗|为什么|如何|多少|哪|谁"),
            "english": re.compile(r"\?\s*$|^(what|who|why|how|when|where|which|can|do|does|is|are)\b", re.I)}


def module(name: str):
    """Import a module, installing its PyPI package into this environment first when it is missing."""
    try:
        return importlib.import_module(name)
    except ImportError:
        print(f"installing {PACKAGES[name]} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", PACKAGES[name]], check=True)
        return importlib.import_module(name)


def insurance_questions(n: int = PER_LANGUAGE) -> list[LabelledQuery]:
    """InsuranceQA test questions: n asked in Chinese and n others in English."""
    test = module("insuranceqa_data").load_test()
    keys = sorted(test)
    random.Random(0).shuffle(keys)
    rows = [{"id": f"iqa-{key}", "kind": "ood", "source": "insuranceqa", "query": " ".join(test[key][lang].split())}
            for lang, chosen in (("zh", keys[:n]), ("en", keys[n:2 * n])) for key in chosen]
    return [labelled_query(row, "insuranceqa") for row in rows]


def chatterbot_questions(n: int = PER_LANGUAGE) -> list[LabelledQuery]:
    """Questions that open chatterbot-corpus conversations on general topics, n per language at most."""
    data = Path(module("chatterbot_corpus").__file__).parent / "data"
    out = []
    for lang, topics in CHATTERBOT_TOPICS.items():
        found = set()
        for topic in topics:
            corpus = yaml.safe_load((data / lang / f"{topic}.yml").read_text(encoding="utf-8"))
            for conversation in corpus.get("conversations") or []:
                first = conversation[0].strip() if conversation and isinstance(conversation[0], str) else ""
                if len(first) >= 4 and QUESTION[lang].search(first):
                    found.add(first)
        picked = sorted(found)
        random.Random(1).shuffle(picked)
        out += [labelled_query({"id": f"chatterbot-{lang}-{i}", "kind": "ood", "source": "chatterbot", "query": q},
                               "chatterbot") for i, q in enumerate(picked[:n])]
    return out


def labelled_queries() -> list[LabelledQuery]:
    return (read_labelled(EVAL / "dev.jsonl", "dev") + read_labelled(EVAL / "crm_dev.jsonl", "crm_dev")
            + read_labelled(DATA / "in_domain.jsonl", "in_domain") + read_labelled(DATA / "ood_written.jsonl")
            + insurance_questions() + chatterbot_questions())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Measure the calibration in place; write nothing.")
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="Where to write the calibration.")
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    queries = labelled_queries()
    train, held = split(queries, HELD_OUT)
    engine = Engine.open(get_settings(), progress=True)
    started = time.perf_counter()
    observed_train, observed_held = observe(engine, train), observe(engine, held)
    print(f"observed {len(queries)} queries in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.check:
        calibration = load_calibration(args.out)
    else:
        module("sklearn")
        calibration = fit(observed_train)
    report = {"held_out": measure(calibration, observed_held), "training": measure(calibration, observed_train),
              "data": data_counts(queries, held)}
    if not args.check:
        calibration = replace(calibration, report=report)
        calibration.save(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    thresholds = ", ".join(f"{lang} {t:.3f}" for lang, t in calibration.thresholds.items())
    print(f"thresholds {thresholds}\n\nheld out:\n{format_report(report['held_out'])}"
          f"\n\ntraining:\n{format_report(report['training'])}")


def data_counts(queries: list[LabelledQuery], held: list[LabelledQuery]) -> dict[str, dict[str, int]]:
    """Queries per source and language, and how many of them are held out."""
    held_ids = {(q.source, q.id) for q in held}
    counts: dict[str, dict[str, int]] = {}
    for q in queries:
        key = f"{q.source} {'ood' if q.ood else 'in'} {q.lang}"
        entry = counts.setdefault(key, {"n": 0, "held_out": 0})
        entry["n"] += 1
        entry["held_out"] += (q.source, q.id) in held_ids
    return dict(sorted(counts.items()))


if __name__ == "__main__":
    main()
