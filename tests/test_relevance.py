"""Calibrated relevance and low confidence on the real library, its real index and the shipped calibration."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from casebook.search.calibration import DEFAULT_PATH, load_calibration
from casebook.search.calibration_fit import measure, observe, read_labelled, split
from casebook.search.recommend import CustomerSituation, recommend

DATA = Path(__file__).parent / "data" / "relevance"
ROOT = Path(__file__).resolve().parent.parent
# ../shared/eval beside the checkout (a git worktree may sit one folder deeper)
EVAL = next((p / "shared" / "eval" for p in ROOT.parents if (p / "shared" / "eval").is_dir()),
            ROOT.parent / "shared" / "eval")
HELD_OUT_SECONDS = 600  # 213 queries, encoded in batches: 50 s while other jobs loaded the 2 cores


def test_every_search_hit_has_a_relevance_between_0_and_1(engine):
    for query in ("客户要销号怎么挽留", "how to handle arrears with absent landlord", "红烧肉怎么做"):
        hits = engine.search(query, k=20).results
        assert len(hits) == 20
        assert all(0.0 <= hit.relevance <= 1.0 for hit in hits)


def test_the_answering_item_is_more_relevant_than_the_tenth(engine):
    hits = engine.search("房东联系不上,租户已经搬走,电话欠了三个月费", k=10).results
    assert hits[0].relevance > 0.5 > hits[9].relevance


def test_every_recommended_item_has_a_relevance_between_0_and_1(engine):
    result = recommend(engine, CustomerSituation(text="客户来营业厅要求销号", events=["申请销号"]))
    items = result.cases + result.theories + result.scripts
    assert items and all(0.0 <= item.relevance <= 1.0 for item in items)
    assert not result.low_confidence


def test_a_theory_a_returned_case_links_is_at_least_as_relevant_as_that_case(engine):
    result = recommend(engine, CustomerSituation(text="房东联系不上,租户已经搬走,电话欠了三个月费"))
    cases = {case.id: case.relevance for case in result.cases}
    linked = [(item, [cases[c] for c in item.why.linked_from if c in cases and item.id in
                      (*engine.library.get(c).theories, *engine.library.get(c).scripts)])
              for item in result.theories + result.scripts]
    linked = [(item, chances) for item, chances in linked if chances]
    assert linked  # the landlord cases link the theories they illustrate
    assert all(item.relevance >= max(chances) for item, chances in linked)


def test_recommended_theories_and_scripts_come_most_relevant_first(engine):
    # the README's CRM example: the theory case-05 illustrates was listed after an unlinked one at 0.04
    result = recommend(engine, CustomerSituation(text="房东联系不上,租户已经搬走", segment="household",
                                                 products=["固定电话"], arrears_months=3, events=["欠费催缴"],
                                                 channel="community_manager"))
    for group in (result.theories, result.scripts):
        assert [item.relevance for item in group] == sorted((item.relevance for item in group), reverse=True)
    assert "theory-sincere-marketing" in [item.id for item in result.theories[:2]]


@pytest.mark.parametrize("query", ["宝宝发烧三天了还不退,需要去医院吗", "how do I write a CV for my first job"])
def test_an_out_of_domain_question_is_flagged(engine, query):
    assert engine.search(query, k=5).low_confidence


@pytest.mark.parametrize("query", ["客户说话费太贵要销号,怎么留住他", "a key account is about to switch to a competitor"])
def test_an_in_domain_question_is_not_flagged(engine, query):
    assert not engine.search(query, k=5).low_confidence


def test_an_out_of_domain_situation_gets_a_low_confidence_recommendation(engine):
    assert recommend(engine, CustomerSituation(text="孩子咳嗽发烧,晚上睡不好")).low_confidence


def test_the_shipped_calibration_loads_with_a_threshold_and_a_report():
    calibration = load_calibration(DEFAULT_PATH)
    for model in (calibration.domain, calibration.item):
        assert len(model.coef) == len(model.features) == len(model.mean) == len(model.scale)
    assert set(calibration.thresholds) == {"zh", "en"} and all(0 < t < 1 for t in calibration.thresholds.values())
    held = calibration.report["held_out"]["flags"]
    assert held["ood_zh"]["n"] >= 50 and held["ood_en"]["n"] >= 50


@pytest.mark.skipif(not (EVAL / "dev.jsonl").exists(), reason="the eval set lives in ../shared/eval")
def test_recomputed_held_out_flag_rates_meet_the_targets_and_match_the_report(engine):
    """The held-out questions of the files in this repository and ../shared/eval, run again: their
    flag counts agree with those the calibration file records (a calibration fitted before a
    ranking change would not), and with the recorded counts of the outside data sets (installed
    only by scripts/calibrate.py) >= 95% of out-of-domain questions are flagged in each language
    and <= 5% of in-domain ones."""
    queries = (read_labelled(EVAL / "dev.jsonl", "dev") + read_labelled(EVAL / "crm_dev.jsonl", "crm_dev")
               + read_labelled(DATA / "in_domain.jsonl", "in_domain") + read_labelled(DATA / "ood_written.jsonl"))
    _, held = split(queries)
    started = time.monotonic()
    recomputed = measure(engine.calibration, observe(engine, held))["by_source"]
    assert time.monotonic() - started < HELD_OUT_SECONDS
    recorded = engine.calibration.report["held_out"]["by_source"]
    for source, counts in recomputed.items():
        assert recorded[source]["n"] == counts["n"], source
        assert abs(recorded[source]["flagged"] - counts["flagged"]) <= 1, source
    merged = {**recorded, **recomputed}  # keys are "<source> <ood|in> <zh|en>"

    def rate(side: str, *langs: str) -> float:
        members = [c for key, c in merged.items() if key.split()[1] == side and key.split()[2] in langs]
        return sum(c["flagged"] for c in members) / sum(c["n"] for c in members)

    assert rate("ood", "zh") >= 0.95 and rate("ood", "en") >= 0.95
    assert rate("in", "zh", "en") <= 0.05


def test_recorded_held_out_report_meets_the_targets():
    flags = load_calibration(DEFAULT_PATH).report["held_out"]["flags"]
    assert flags["ood_zh"]["rate"] >= 0.95 and flags["ood_en"]["rate"] >= 0.95
    assert flags["ood"]["n"] >= 100
    assert flags["in_domain"]["rate"] <= 0.05


def test_reliability_bins_predict_close_to_what_is_observed():
    held = load_calibration(DEFAULT_PATH).report["held_out"]
    hits = sum(b["n"] for b in held["reliability"])
    gap = sum(b["n"] * abs(b["predicted"] - b["observed"]) for b in held["reliability"]) / hits
    assert gap < 0.05  # expected calibration error
    assert held["brier"] < 0.05


@pytest.mark.skipif(not (EVAL / "dev.jsonl").exists(), reason="the eval set lives in ../shared/eval")
def test_eval_flags_every_dev_out_of_domain_query_and_no_in_domain_one():
    run = subprocess.run([sys.executable, "-m", "casebook", "eval", str(EVAL / "dev.jsonl"), "--json"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["ood"]["flagged"] == report["ood"]["n"] > 0
    assert report["ood"]["in_domain_flagged"] == 0
    assert 0 <= report["relevance"]["brier"] < 0.1


def test_relevance_is_in_the_search_and_recommend_api(client):
    search = client.get("/v1/search", params={"q": "客户要销号怎么挽留", "k": 3})
    assert search.status_code == 200
    assert all(0 <= hit["relevance"] <= 1 for hit in search.json()["results"])
    rec = client.post("/v1/recommend", json={"text": "房东联系不上,租户已经搬走", "limit": 2})
    assert rec.status_code == 200
    body = rec.json()
    items = body["cases"] + body["theories"] + body["scripts"]
    assert items and all(0 <= item["relevance"] <= 1 for item in items)
    assert body["low_confidence"] is (max(item["relevance"] for item in items) < load_calibration().thresholds["zh"])


def test_low_confidence_is_the_best_relevance_below_the_threshold_of_the_query_language(engine):
    thresholds = engine.calibration.thresholds
    for query, lang in (("客户要销号怎么挽留", "zh"), ("红烧肉怎么做才好吃", "zh"), ("what is the capital of Australia", "en"),
                        ("how to keep a customer who wants to cancel", "en")):
        response = engine.search(query, k=5)
        assert response.low_confidence is bool(np.max([h.relevance for h in response.results]) < thresholds[lang])
