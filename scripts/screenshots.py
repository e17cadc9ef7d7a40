#!/usr/bin/env python3
"""Screenshots of the real trainer pages for the README: docs/img/search.png, pack.png, pack-print.png,
insights.png.

    .venv/bin/python scripts/screenshots.py            # starts `casebook serve` on a free port
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000   # or uses a running one

Needs Debian's chromium and chromium-driver, and a CJK font for the Chinese text
(`apt-get install -y chromium chromium-driver fonts-noto-cjk`).

For the insights page the script first plays simulated traffic (TRAFFIC: CRM questions, a few
on subjects the library does not cover, with `used` and `dismissed` feedback) into the event store
of the server it started; against `--url` it shows whatever that server has recorded.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import casebook_server, chrome, new_window, quit_chrome  # noqa: E402 (tests/ on the path first)

OUT = ROOT / "docs" / "img"
QUERY = "客户要销号怎么挽留"
PACK = {
    "title": "老客户维系与挽留 · 社区经理培训",
    "items": [
        ("case-01-crm-hejiahuan-upsell", "开场：请学员先猜结局，再读点评。这一元钱值不值？"),
        ("script-retention-probing-questions", "两人一组演练四种问话，各 5 分钟。"),
        ("theory-customer-retention-steps", ""),
    ],
}


def shoot_search(driver, base: str) -> None:
    driver.get(f"{base}/?q={quote(QUERY)}")
    driver.save_screenshot(str(OUT / "search.png"))


def shoot_pack(driver, base: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/pack")
    driver.execute_script("localStorage.clear()")
    for item_id, _ in PACK["items"]:
        driver.get(f"{base}/items/{item_id}")
        driver.find_element(By.CSS_SELECTOR, ".item-actions .pack-add").click()
    driver.get(f"{base}/pack")
    driver.find_element(By.ID, "pack-title").send_keys(PACK["title"])
    for item_id, notes in PACK["items"]:
        if notes:
            driver.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{item_id}"] textarea').send_keys(notes)
    driver.execute_script("document.activeElement.blur()")
    driver.save_screenshot(str(OUT / "pack.png"))
    new_window(driver, driver.find_element(By.CSS_SELECTOR, "#export-print button").click)
    driver.execute_script("return document.fonts.ready")
    driver.execute_script("window.scrollTo(0, document.getElementById('pack-item-1').offsetTop - 72)")
    time.sleep(0.5)
    driver.save_screenshot(str(OUT / "pack-print.png"))


# (question, times asked, how the asker answers: `used` the first item, `dismissed` it, or nothing)
TRAFFIC: list[tuple[str | dict, int, str]] = [
    ("客户要销号怎么挽留", 9, "used"), ("老客户话费下降怎么办", 6, "used"), ("房东联系不上欠费怎么催", 5, "used"),
    ("大客户在两家运营商之间犹豫不决", 4, "used"), ("how to keep a customer who wants to cancel", 3, "used"),
    ({"segment": "household", "arrears_months": 3, "events": ["欠费催缴"]}, 7, "used"),
    ({"segment": "individual", "events": ["申请销号"], "channel": "store"}, 6, "used"),
    ({"segment": "household", "products": ["ADSL"], "events": ["宽带提速"], "channel": "telesales"}, 4, ""),
    ("携号转网怎么办理", 6, "dismissed"), ("客户要携号转网到别家怎么办", 4, "dismissed"),
    ("携号转出需要什么条件", 3, "dismissed"), ("how does number portability work", 2, ""),
    ("客户被骚扰电话打扰要求拦截", 4, "dismissed"), ("骚扰电话怎么屏蔽", 3, "dismissed"), ("诈骗电话防范怎么宣传", 2, "dismissed"),
    ("国际漫游怎么开通", 3, "dismissed"), ("出国旅行手机怎么开通漫游", 2, "dismissed"),
    ("宽带安装要等几天", 2, "dismissed"), ("装宽带多久能上门", 2, "dismissed"),
]


def play_traffic(base: str) -> None:
    """Ask TRAFFIC through the API (and a few questions through the search page), with feedback."""
    import httpx

    with httpx.Client(base_url=base, timeout=60) as client:
        for n, (question, times, action) in enumerate(TRAFFIC):
            for turn in range(times):
                if isinstance(question, dict):
                    body = client.post("/v1/recommend", json={"customer": question}).json()
                    items = body["cases"]
                elif turn == 0 and n % 3 == 0:  # some trainers search on the pages
                    client.get("/", params={"q": question})
                    continue
                else:
                    body = client.get("/v1/search", params={"q": question, "k": 5}).json()
                    items = body["results"]
                if action == "used" and items:  # read it before using it
                    client.post("/v1/feedback", json={"request_id": body["request_id"], "item_id": items[0]["id"],
                                                      "action": "opened", "user": f"crm-{turn % 4}"})
                if action and items:
                    client.post("/v1/feedback", json={"request_id": body["request_id"], "item_id": items[0]["id"],
                                                      "action": action, "user": f"crm-{turn % 4}"})


def shoot_insights(driver, base: str) -> None:
    driver.set_window_size(1280, 1700)  # the gaps and the first tables
    driver.get(f"{base}/insights?days=7")
    driver.execute_script("return document.fonts.ready")
    time.sleep(0.5)
    driver.save_screenshot(str(OUT / "insights.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running casebook service (default: start one)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with (nullcontext(args.url.rstrip("/")) if args.url else casebook_server()) as base:
        if not args.url:
            play_traffic(base)
        driver = chrome(Path(tempfile.mkdtemp()), width=1280, height=1000)
        try:
            shoot_search(driver, base)
            shoot_pack(driver, base)
            shoot_insights(driver, base)
        finally:
            quit_chrome(driver)
    for name in ("search.png", "pack.png", "pack-print.png", "insights.png"):
        print(OUT / name)


if __name__ == "__main__":
    main()
