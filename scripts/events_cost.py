#!/usr/bin/env python3
"""What recording costs: a request's share (queueing one event), the writer's throughput, and the
time to compute insights over a busy month.

    .venv/bin/python scripts/events_cost.py [--asks 20000]

Everything runs in process against a temporary event store: `record()` is timed per call; the
writer is timed writing the same answers (ten items each) in its batches; insights are timed on a
store filled with `--asks` questions over 30 days (CRM-like questions the library answers; a tenth
of the rest from 300 distinct ones it does not, which the gap clustering has to embed and group)
and feedback on a fifth of them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERED = ["客户要销号怎么挽留", "老客户话费下降怎么办", "房东联系不上欠费怎么催", "大客户在两家运营商之间犹豫不决",
            "社区经理怎么向老用户推荐宽带", "客户嫌月租太高想换运营商", "how to keep a customer who wants to cancel"]
GAP_STEMS = ["携号转网", "国际漫游", "骚扰电话拦截", "宽带安装", "5G套餐", "物联网卡", "光猫更换", "发票开具", "积分兑换",
             "副卡办理"]
GAP_FORMS = ["{}怎么办理", "{}需要什么条件", "客户问{}的流程", "{}要多久", "{}收费标准是什么", "客户投诉{}太慢",
             "{}在哪里办", "{}有什么优惠", "{}能不能线上办", "{}出了问题找谁", "{}的注意事项", "怎么向客户解释{}",
             "{}被拒绝了怎么办", "{}可以取消吗", "{}和以前有什么不同", "{}有没有年龄限制", "{}需要带什么证件",
             "{}会不会影响套餐", "{}多少钱", "{}常见问题", "老人怎么办{}", "企业客户{}怎么处理", "{}失败怎么处理",
             "{}的规定变了吗", "{}怎么查进度", "{}要本人去吗", "{}对积分有影响吗", "{}客服电话", "{}可以代办吗",
             "{}能退吗"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asks", type=int, default=20_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from casebook.events import Ask, EventStore, Feedback, Recorder, Returned
    from casebook.events.recorder import BATCH
    from casebook.search import Engine
    from casebook.search.insights import insights
    from casebook.settings import get_settings

    engine = Engine.open(get_settings())
    engine.search("客户要销号怎么挽留")  # load the encoders, as a server does before its first request
    items = [item.id for item in engine.library.items]
    rng = random.Random(0)
    gaps = [form.format(stem) for stem in GAP_STEMS for form in GAP_FORMS]
    now = time.time()

    def ask(n: int, question: str, low: bool) -> Ask:
        return Ask(request_id=f"r{n}", kind="search", channel=rng.choice(["api", "api", "pages"]), query=question,
                   text=question, returned=[Returned(i, k, "results", 3.0 - k / 10) for k, i in
                                            enumerate(rng.sample(items, 10), start=1)],
                   low_confidence=low, latency_ms=30.0, ts=now - rng.random() * 29 * 86400)

    with tempfile.TemporaryDirectory() as folder:
        store = EventStore(Path(folder) / "events.sqlite3")
        recorder = Recorder(store, retention_days=180, queue_size=args.asks + 10).start()
        batch = [ask(n, rng.choice(ANSWERED), False) for n in range(5000)]
        costs = []
        for event in batch:
            started = time.perf_counter_ns()
            recorder.record(event)
            costs.append(time.perf_counter_ns() - started)
        recorder.flush(120)
        recorder.close()
        print(f"record(): median {statistics.median(costs) / 1000:.1f} us, p99 "
              f"{sorted(costs)[int(len(costs) * 0.99)] / 1000:.1f} us per event (queueing only)")
        again = [ask(n, rng.choice(ANSWERED), False) for n in range(5000, 10000)]
        started = time.perf_counter()
        for first in range(0, len(again), BATCH):
            store.write(again[first:first + BATCH])
        written = time.perf_counter() - started
        print(f"writer: {len(again)} answers of 10 items in batches of {BATCH}: {written:.2f} s, "
              f"{len(again) / written:.0f} answers/s")

        rest = [ask(n, rng.choice(gaps), True) if rng.random() < 0.1 else ask(n, rng.choice(ANSWERED), False)
                for n in range(10000, args.asks)]
        store.write(rest)
        feedback = []
        for event in rng.sample(batch + again + rest, (len(batch) + len(again) + len(rest)) // 5):
            answer = store.answer(event.request_id)
            action = "dismissed" if event.low_confidence else rng.choice(["opened", "used", "used"])
            feedback.append(Feedback(event.request_id, event.returned[0].item_id, action, "api",
                                     user=f"u{rng.randrange(50)}", ts=event.ts + 5, ask_id=answer.ask_id))
        store.write(feedback)
        for attempt in ("the first time", "a second time (the nearest-item searches' query vectors cached)"):
            started = time.perf_counter()
            result = insights(engine, store, days=30)
            print(f"insights over {result.totals['asks']} questions, {len(gaps)} distinct unanswered, "
                  f"{len(feedback)} feedback: {time.perf_counter() - started:.2f} s {attempt}; "
                  f"{len(result.gaps)} gap groups")


if __name__ == "__main__":
    main()
