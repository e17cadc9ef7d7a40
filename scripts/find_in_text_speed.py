"""How long `Vocabulary.find_in_text` takes on a 200-character text, per language, and how long the
vocabulary takes to load. It runs per query in search and recommend, so it must stay well under 1 ms.

    python scripts/find_in_text_speed.py [--library DIR] [--runs 2000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from casebook.settings import get_settings
from casebook.vocabulary import load_vocabulary

# Customer situations as a CRM or a trainer writes them (not from the eval sets), cut to 200 characters.
TEXTS = {
    "zh": "房东联系不上,租户已经搬走,电话欠了三个月费,老客户说移动的套餐更便宜要求销号,家里还有宽带和固定电话,月消费下降",
    "en": "The landlord cannot be reached, the tenant moved out and the line is three months in arrears; "
          "an old customer wants to cancel because the competitor offers cheaper broadband",
    "mixed": "客户是全球通用户,wants to cancel the line,ADSL掉线,投诉处理不满意,e8套餐续约 ",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    root = get_settings(args.library).library
    start = time.perf_counter()
    vocabulary = load_vocabulary(root)
    loaded = time.perf_counter() - start
    terms = sum(len(c.terms) for c in vocabulary)
    print(f"{len(vocabulary)} concepts, {terms} terms; loaded in {loaded * 1e3:.0f} ms")
    for name, sentence in TEXTS.items():
        text = (sentence * (200 // len(sentence) + 1))[:200]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            found = vocabulary.find_in_text(text)
            times.append(time.perf_counter() - start)
        times.sort()
        print(f"{name:5} {len(text)} chars, {len(found)} concepts: median {statistics.median(times) * 1e3:.3f} ms, "
              f"p90 {times[int(len(times) * 0.9)] * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
