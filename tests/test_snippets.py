"""Snippets: the source's own words, no editor's note while the source matches, no Markdown, and no
passage twice in one result list. On the real library and index."""

from __future__ import annotations

import html
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from casebook.search.duplicates import choose
from casebook.search.snippet import ranked_passages, words_pattern

DEV = next((p / "shared" / "eval" / "dev.jsonl" for p in Path(__file__).resolve().parents
            if (p / "shared" / "eval" / "dev.jsonl").is_file()), None)
LONGEST_SHARED = 20  # characters two snippets of one result list may have in common


def text_of(snippet: str) -> str:
    """A snippet as plain text: marks removed, entities unescaped, the ellipses cut off."""
    return html.unescape(re.sub(r"</?mark>", "", snippet)).strip("…")


@pytest.fixture(scope="module")
def answers(engine) -> dict[str, list]:
    """The top 10 for the title of every theory and script (each finds its own text and the cases
    that repeat it) and for the dev queries: about 95 searches, 25-40 s on 2 cores."""
    queries = ["客户要销号怎么挽留", *(item.title for item in engine.items if item.type != "case")]
    if DEV is not None:
        queries += [json.loads(line)["query"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {query: engine.search(query, k=10).results for query in dict.fromkeys(queries)}


def editorial_text(item) -> str:
    return "\n".join(text for heading, text in item.sections.items() if heading.startswith("编者按"))


def test_no_passage_is_shown_twice_in_a_result_list(answers):
    repeated = []
    for query, results in answers.items():
        texts = [text_of(hit.snippet) for hit in results]
        for a in range(len(texts)):
            for b in range(a + 1, len(texts)):
                match = SequenceMatcher(None, texts[a], texts[b], autojunk=False).find_longest_match()
                if match.size > LONGEST_SHARED:
                    repeated.append((query, texts[a][match.a:match.a + match.size]))
    assert not repeated


def test_a_case_and_the_theory_that_repeats_its_section_each_show_their_own_text(engine):
    """真诚营销: the theory is its case's 营销理论 section; the case shows its story instead."""
    theory = engine.library.get("theory-sincere-marketing")
    response = engine.search(theory.title, k=10)
    shown = {hit.id: text_of(hit.snippet) for hit in response.results}
    assert {"theory-sincere-marketing", "case-05-sincere-marketing-arrears-landlord"} <= set(shown)
    assert shown["theory-sincere-marketing"] in theory.body
    assert shown["case-05-sincere-marketing-arrears-landlord"] not in theory.body


def test_a_result_with_nothing_new_to_show_moves_below_those_that_have(engine):
    """The second result's one passage is the first one's: it is marked as bringing nothing new."""
    same = engine._item_passages("case-05-sincere-marketing-arrears-landlord").shingles
    other = engine._item_passages("case-01-crm-hejiahuan-upsell").shingles
    choices = choose(3, lambda n: ([0], []), lambda n: other if n == 2 else same, wanted=3)
    assert [c.new for c in choices] == [True, False, True]


def test_an_editors_note_is_not_the_snippet_while_the_source_matches(engine, answers):
    for query, results in answers.items():
        for hit in results:
            item = engine.library.get(hit.id)
            notes, snippet = editorial_text(item), text_of(hit.snippet)
            source = "\n".join(t for h, t in item.sections.items() if not h.startswith("编者按"))
            if snippet in notes and snippet not in source:  # the editor's words, not the source's
                assert not any(w.lower() in source.lower() for w in hit.why.matched_terms), (query, hit.id)


def test_an_editors_note_is_the_snippet_when_only_it_holds_the_query_words(engine):
    item = engine.library.get("theory-customer-retention-steps")
    view = engine._item_passages(item.id)
    note = next(i for i, text in enumerate(view.texts) if "· 编者按" in text.split("\n", 1)[0])
    word = "本条目收录"  # the editor's words; the source never says them
    assert word in view.texts[note] and word not in "".join(t for h, t in item.sections.items() if "编者按" not in h)
    first, _ = ranked_passages(view, words_pattern([word]))
    assert first[0] == note


def test_the_snippet_of_the_retention_question_is_the_sources_text(engine):
    hit = engine.search("客户要销号怎么挽留", k=1).results[0]
    assert text_of(hit.snippet) not in editorial_text(engine.library.get(hit.id))


@pytest.mark.parametrize("query", ["数据库营销为本,有效沟通解决难题", "老客户升级与新客户开发力"])
def test_markdown_markup_never_shows_in_a_snippet(engine, query):
    snippets = [hit.snippet for hit in engine.search(query, k=10).results]
    assert snippets and not any(mark in s for s in snippets for mark in ("**", "__", "`", "]("))


def test_a_snippet_keeps_the_numbers_a_source_line_starts_with(engine):
    hit = engine.search("2004年深圳移动营业厅挽留申请消号用户", k=1).results[0]
    assert "2004年" in text_of(hit.snippet)
