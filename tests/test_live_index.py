"""Live reloading in one process (search/live.py): a replaced engine leaves memory."""

from __future__ import annotations

import gc
import weakref

from casebook.search import Engine
from casebook.search.live import warm_up


def test_an_engine_replaced_by_a_reload_is_freed(engine):
    # a reload opens a new engine with the loaded encoders and the query cache, and warms it up
    new = Engine.open(engine.settings, encoders=list(engine.encoders.items()), cache=engine.cache)
    warm_up(new)  # recommend keeps per-engine state: it must not keep the engine alive
    replaced = weakref.ref(new)
    del new
    gc.collect()
    assert replaced() is None
