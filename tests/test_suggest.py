"""Suggested annotations measured the way README reports them: each curated case hidden in turn
from the built-in library, its body suggested from the rest, compared with what its curator wrote
(leave-one-out over the 33 cases, about 15 s with the session's engine)."""

from __future__ import annotations

import pytest

from casebook.search.closeness import ConceptCloseness
from casebook.search.suggest import Suggester
from casebook.search.suggest_eval import draft_of, hidden_with, leave_one_out

# A sentence of case-01 that describes falling local call spend without any of the words the
# vocabulary lists for it (本地话费下降, 话费下降, …).
FALLING_SPEND = ("他翻阅客户资料,发现该客户于2003年4—6月本地通话费平均值在80元以上,"
                 "而近几个月的本地通话费平均值在70元左右")


@pytest.fixture(scope="module")
def cases_report(engine) -> dict:
    return leave_one_out(engine, types=("case",))["cases"]


def test_leave_one_out_finds_at_least_sixty_percent_of_a_cases_situations_in_five(cases_report):
    assert cases_report["situations"]["n"] == 33
    assert cases_report["situations"]["r@5"] >= 0.6


def test_leave_one_out_theory_links_stay_at_their_measured_level(cases_report):
    # The target is 0.7 at 3; 0.671 is what the suggester reaches (README): guard it.
    assert cases_report["theories"]["r@3"] >= 0.65


def test_a_case_imported_with_its_whole_source_links_the_theories_imported_with_it(engine):
    # each source document hidden from the library and imported in one go (README: 0.602; 0.172
    # when the imported theory drafts are not candidates, as links to them are then impossible)
    report = leave_one_out(engine, types=("case",), hold_out="import")["cases"]
    assert report["theories"]["n"] == 33 and report["theories"]["r@3"] >= 0.55


def test_hidden_cases_are_suggested_as_cases(cases_report):
    assert cases_report["type_accuracy"] >= 0.85


def test_a_situation_described_in_other_words_stands_out_by_closeness(engine):
    vocabulary = engine.library.vocabulary
    assert not vocabulary.find_in_text(FALLING_SPEND, kinds=["situation"])
    closeness = ConceptCloseness(engine, vocabulary).closeness(FALLING_SPEND, "situation")
    assert max(closeness, key=closeness.get) == "本地话费下降"


def test_with_its_source_held_out_no_item_of_that_source_is_suggested(engine):
    case = engine.library.get("case-05-sincere-marketing-arrears-landlord")
    hidden = hidden_with(engine, case, "source")
    assert len(hidden) > 10 and all(engine.library.get(i).source.document == case.source.document for i in hidden)
    ranked = Suggester(engine, exclude=hidden).rank(draft_of(case))
    assert not set(ranked.values("theories")) & hidden
    assert not set(ranked.values("scripts")) & hidden
    assert ranked.values("situations", 5)  # the text and the other sources still speak
