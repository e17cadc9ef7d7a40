"""Feedback as a ranking prior, on the real engine: a used item ranks up a little for similar
questions, shrunk when feedback is scarce, one user counting once, never past an item the text
alone ranks much higher. Off unless the setting turns it on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from casebook.search.prior import MAX_BOOST, SHRINK, FeedbackPrior, Use
from casebook.settings import Settings

ASKED = "客户要销号怎么挽留"
SIMILAR = "用户坚持要注销号码，怎么劝他留下"
UNRELATED = "糖醋排骨怎么做"


@contextmanager
def prior_on(engine, uses: list[Use]) -> Iterator[FeedbackPrior]:
    """The shared engine with a prior of these uses, for the length of one test."""
    engine.prior = FeedbackPrior(engine, uses)
    try:
        yield engine.prior
    finally:
        engine.prior = None


def scores(engine, query: str) -> dict[str, float]:
    return {hit.id: hit.score for hit in engine.search(query, k=100, snippets=False).results}


def test_the_prior_is_off_unless_the_setting_turns_it_on(engine):
    assert Settings().feedback_prior is False
    assert engine.prior is None


def test_an_item_used_for_a_question_ranks_up_for_a_similar_one(engine):
    before = scores(engine, SIMILAR)
    item = list(before)[4]
    with prior_on(engine, [Use(ASKED, item, f"user-{n}") for n in range(10)]) as prior:
        after = scores(engine, SIMILAR)
        gained = prior.boost(SIMILAR)[engine.row_of[item]]
    assert 0.1 < gained <= MAX_BOOST
    assert after[item] == pytest.approx(before[item] + gained, abs=1e-3)
    assert list(after).index(item) < 4


def test_one_use_moves_an_item_only_a_little(engine):
    item = list(scores(engine, ASKED))[3]
    with prior_on(engine, [Use(ASKED, item, "user-1")]) as prior:
        boost = prior.boost(ASKED)
    assert 0 < boost[engine.row_of[item]] <= MAX_BOOST / (1 + SHRINK)
    assert np.count_nonzero(boost) == 1


def test_one_user_counts_once_per_item_however_often_they_send_it(engine):
    item = list(scores(engine, ASKED))[3]
    with prior_on(engine, [Use(ASKED, item, "user-1")]) as once:
        single = once.boost(ASKED)
    with prior_on(engine, [Use(ASKED, item, "user-1")] * 50) as repeated:
        assert np.allclose(repeated.boost(ASKED), single)


def test_feedback_on_other_situations_leaves_an_unrelated_question_alone(engine):
    item = next(iter(scores(engine, ASKED)))
    with prior_on(engine, [Use(ASKED, item, f"user-{n}") for n in range(10)]) as prior:
        assert prior.boost(UNRELATED) is None


def test_no_amount_of_feedback_lifts_an_item_past_one_the_text_ranks_much_higher(engine):
    text = scores(engine, ASKED)
    top, top_score = next(iter(text.items()))
    far = next(i for i, s in text.items() if s < top_score - MAX_BOOST)
    with prior_on(engine, [Use(ASKED, far, f"user-{n}") for n in range(500)]):
        after = scores(engine, ASKED)
    assert after[far] < after[top]
    assert max(after[i] - text[i] for i in text) <= MAX_BOOST + 1e-6
