"""The built-in library: it loads, lints clean, and covers the source documents."""

from __future__ import annotations

import json

import pytest
from helpers import EVAL, ROOT, SEEDS

from casebook.coverage import gaps
from casebook.lint import lint
from casebook.loader import load_library


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT)


def test_builtin_library_lints_clean():
    assert [str(p) for p in lint(ROOT)] == []


def test_library_has_every_type(library):
    counts = {t: len(library.of_type(t)) for t in ("case", "theory", "script")}
    assert counts["case"] >= 20 and counts["theory"] >= 20 and counts["script"] >= 3, counts
    assert len(library) >= 60


def test_case_collection_cases_keep_their_four_parts(library):
    cases = [i for i in library.of_type("case") if i.source.document.startswith("000_")]
    complete = [c for c in cases if "incomplete" not in c.tags]
    assert len(complete) == 5
    for case in complete:
        assert list(case.sections)[:4] == ["案例", "营销理论", "点评", "营销兵法"], case.id


def test_titles_without_text_are_not_cases(library):
    titles = " ".join(i.title for i in library.items)
    for title_only in ("市场空白点", "亲和力营销", "顺势营销", "示范营销", "转机营销"):
        assert title_only not in titles


@pytest.mark.skipif(not EVAL.exists(), reason="the eval set lives in ../shared/eval")
def test_every_eval_answer_string_is_in_some_item():
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("[cp]*/**/*.md"))
    wanted = {s for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()
              for s in json.loads(line)["relevant_if_contains"]}
    assert sorted(s for s in wanted if s not in corpus) == []


# Source lines deliberately not carried into items, each with its reason.
DROPPED = {
    ("002_d7c17e642b9f3040.txt", 55): "page title with the site's SEO phrase appended; the title is in source.title",
    ("003_3ee85d70cdac9d12.txt", 1): "the site's related-question link, not part of the document",
    ("003_3ee85d70cdac9d12.txt", 3): "the site's related-question link, not part of the document",
    ("003_3ee85d70cdac9d12.txt", 604): "running header printing the article title twice; kept once as a heading",
    ("003_3ee85d70cdac9d12.txt", 609): "label printed twice (案例一案例一); kept once in the case's source.section",
    ("003_3ee85d70cdac9d12.txt", 450): "slide table: its bullet glyphs (C) and wrap spaces removed, the words kept in theory-customer-segmentation",
    ("003_3ee85d70cdac9d12.txt", 451): "slide table: its bullet glyphs (C) and wrap spaces removed, the words kept in theory-customer-segmentation",
    ("003_3ee85d70cdac9d12.txt", 452): "slide table: its bullet glyphs (C) and wrap spaces removed, the words kept in theory-customer-segmentation",
    ("003_3ee85d70cdac9d12.txt", 601): "axis ticks of a bar chart; case-yili-churn-prediction-early-retention says so in an 编者按",
}


@pytest.mark.skipif(not SEEDS.exists(), reason="the source documents live in ../shared/seeds")
@pytest.mark.parametrize("source", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.exists() else [])
def test_every_passage_of_the_sources_is_in_the_library(source):
    missing = [f"{g.line}: {g.text[:60]}" for g in gaps(SEEDS / source, ROOT) if (source, g.line) not in DROPPED]
    assert missing == []


def test_coverage_of_a_missing_file_is_a_usage_error_not_a_traceback(tmp_path):
    from typer.testing import CliRunner

    from casebook.cli import app

    run = CliRunner().invoke(app, ["coverage", str(tmp_path / "missing.txt")])
    assert run.exit_code == 2
    assert "does not exist" in run.output and "Traceback" not in run.output
