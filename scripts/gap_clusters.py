#!/usr/bin/env python3
"""How well gap questions are grouped: pairwise F1 of the clustering on hand-labelled questions.

    .venv/bin/python scripts/gap_clusters.py

GROUPS are questions a CRM might send that the library answers badly, each group one need in
several phrasings (Chinese and English). `search/gaps.py` groups questions by average-linkage
clustering over cosine distance; this prints, per way of embedding them, the pairwise precision,
recall and F1 (two questions in one cluster / in one labelled group) at several cut distances.
The first eleven groups chose the encoder (USE) and the distance (0.6); the last four (telecom
needs) were added afterwards as a check.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

GROUPS = [
    ["护照过期了怎么续办", "去香港要办什么证件", "出国签证需要哪些材料", "how do I renew my passport", "办理港澳通行证要多久"],
    ["手机屏幕碎了去哪里修", "iPhone摔坏了能修吗", "手机进水开不了机怎么办", "my phone screen is cracked, where to fix it"],
    ["公司年会节目有什么推荐", "年会抽奖环节怎么设计", "年终晚会怎么策划"],
    ["宽带网速太慢怎么测速", "路由器怎么设置WiFi密码", "家里WiFi老掉线怎么回事", "how to reset my router"],
    ["员工请假制度怎么定", "加班费怎么算", "年假有几天"],
    ["红烧肉怎么做", "番茄炒蛋的做法"],
    ["今天天气怎么样"], ["股票怎么开户"], ["携号转网要多少钱"],
    ["客户要销号怎么挽留", "用户坚持要拆机怎么劝", "customer wants to cancel the line, how to keep them"],
    ["房东联系不上欠费怎么催", "租户搬走了欠的话费找谁要"],
    # added after the choice, as a check
    ["携号转网怎么办理", "客户要携号转网到别家怎么办", "携号转出需要什么条件", "how does number portability work"],
    ["客户被骚扰电话打扰要求拦截", "骚扰电话怎么屏蔽", "how to block spam calls"],
    ["国际漫游怎么开通", "出国旅行手机怎么开通漫游", "how to turn on international roaming"],
    ["宽带安装要等几天", "装宽带多久能上门", "how long does broadband installation take"],
]
CHOSEN_ON = 11
DISTANCES = (0.4, 0.5, 0.55, 0.6, 0.65, 0.7)


def pairwise(predicted: np.ndarray, labels: list[int]) -> tuple[float, float, float]:
    """(precision, recall, F1) over all pairs of questions."""
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(labels)), 2):
        same, truly = predicted[i] == predicted[j], labels[i] == labels[j]
        tp, fp, fn = tp + (same and truly), fp + (same and not truly), fn + (truly and not same)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from scipy.cluster.hierarchy import fcluster, linkage

    from casebook.search import Engine
    from casebook.settings import get_settings

    engine = Engine.open(get_settings())

    def unit(vectors: np.ndarray) -> np.ndarray:
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    for name, groups in (("chosen on (11 groups)", GROUPS[:CHOSEN_ON]), ("all 15 groups", GROUPS)):
        questions = [q for group in groups for q in group]
        labels = [n for n, group in enumerate(groups) for _ in group]
        ways = {name: unit(encoder.encode_queries(questions)) for name, encoder in engine.encoders.items()}
        if {"use", "e5"} <= set(ways):
            ways["use+e5"] = unit(np.hstack([ways["use"], ways["e5"]]))
        print(f"\n{name}: {len(questions)} questions")
        print(f"{'embedding':<10} " + " ".join(f"d={d:<14}" for d in DISTANCES))
        for way, vectors in ways.items():
            tree = linkage(vectors, method="average", metric="cosine")
            cells = [pairwise(fcluster(tree, t=d, criterion="distance"), labels) for d in DISTANCES]
            print(f"{way:<10} " + " ".join(f"F1 {f:.2f} p{p:.2f} r{r:.2f}" for p, r, f in cells))


if __name__ == "__main__":
    main()
