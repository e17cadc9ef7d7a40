#!/usr/bin/env python3
"""Screenshots of the real trainer pages for README.md and docs/: docs/img/search.png, pack.png, pack-print.png,
pack-slide.png: a slide of the pack's PowerPoint export as LibreOffice renders it, editor.png:
the editor's form for a case, with a problem the checks found as the trainer typed, and
insights.png: the insights page.

    .venv/bin/python scripts/screenshots.py            # starts `casebook serve` on a free port
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000 --editor-key KEY   # or uses a running one
    .venv/bin/python scripts/screenshots.py --only editor    # only some (search, pack, editor, insights)

Needs Debian's chromium and chromium-driver, a CJK font for the Chinese text, and LibreOffice and
poppler for the slide (`apt-get install -y chromium chromium-driver fonts-noto-cjk libreoffice-impress
poppler-utils`).

For the insights page the script first plays simulated traffic (TRAFFIC: CRM questions, a few
on subjects the library does not cover, with `opened`, `used` and `dismissed` feedback) into the
event store of the server it started; against `--url` it shows whatever that server has recorded.
"""

from __future__ import annotations

import argparse
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import (  # noqa: E402 (tests/ on the path first)
    casebook_server,
    chrome,
    navigate,
    new_window,
    quit_chrome,
    wait_for_file,
)

OUT = ROOT / "docs" / "img"
QUERY = "客户要销号怎么挽留"
PACK = {
    "title": "老客户维系与挽留 · 社区经理培训",
    "audience": "新入职社区经理",
    "items": [
        ("case-01-crm-hejiahuan-upsell", "开场：请学员先猜结局，再读点评。这一元钱值不值？"),
        ("script-retention-probing-questions", "两人一组演练四种问话，各 5 分钟。"),
        ("theory-customer-retention-steps", ""),
    ],
}
EDITED = "case-05-sincere-marketing-arrears-landlord"
SHOTS = {"search": ["search.png"], "pack": ["pack.png", "pack-print.png", "pack-slide.png"], "editor": ["editor.png"],
         "insights": ["insights.png"]}


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
    driver.find_element(By.ID, "pack-audience").send_keys(PACK["audience"])
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


def shoot_slide(driver, downloads: Path) -> None:
    """The pack (as shoot_pack left it) exported by its PowerPoint button, rendered to PDF by
    LibreOffice, and the first slide of the case's story as a PNG (pdftoppm)."""
    from pptx import Presentation
    from selenium.webdriver.common.by import By

    driver.switch_to.window(driver.window_handles[0])
    driver.find_element(By.CSS_SELECTOR, "#export-pptx button").click()
    deck_file = wait_for_file(downloads, "*.pptx", 60)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{downloads}/libreoffice-profile", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(downloads), str(deck_file)],
                   check=True, capture_output=True, timeout=300)
    deck = Presentation(str(deck_file))
    page = next(n for n, slide in enumerate(deck.slides, start=1) if any(s.name == "story" for s in slide.shapes))
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "96", "-png", "-singlefile",
                    str(deck_file.with_suffix(".pdf")), str(OUT / "pack-slide")], check=True)


def shoot_editor(driver, base: str, key: str) -> None:
    """A real case in the editor, its English title just cleared: the API's check shows the problem
    beside the field and in the side panel. Nothing is saved."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/lang/zh?next=/editor/sign-in")
    driver.find_element(By.ID, "sign-in-key-field").send_keys(key)
    navigate(driver, driver.find_element(By.CSS_SELECTOR, "#sign-in-key button").click)
    driver.set_window_size(1280, 1400)
    driver.get(f"{base}/editor/items/{EDITED}")
    driver.find_element(By.ID, "f-title_en").clear()
    driver.find_element(By.ID, "f-title_en").send_keys(" ")
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-problems-for="title_en"] li'))
    driver.execute_script("document.activeElement.blur()")
    driver.save_screenshot(str(OUT / "editor.png"))
    driver.execute_script("window.onbeforeunload = null")
    driver.set_window_size(1280, 1000)


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
                user = f"crm-{turn % 4}"
                if action == "used" and items:  # read it before using it
                    client.post("/v1/feedback", json={"request_id": body["request_id"], "item_id": items[0]["id"],
                                                      "action": "opened", "user": user})
                if action and items:
                    client.post("/v1/feedback", json={"request_id": body["request_id"], "item_id": items[0]["id"],
                                                      "action": action, "user": user})


def shoot_insights(driver, base: str) -> None:
    driver.set_window_size(1280, 1700)  # the gaps and the first tables
    driver.get(f"{base}/insights?days=7")
    driver.execute_script("return document.fonts.ready")
    time.sleep(0.5)
    driver.save_screenshot(str(OUT / "insights.png"))
    driver.set_window_size(1280, 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running casebook service (default: start one)")
    parser.add_argument("--editor-key", help="an editor key of the running service (for editor.png)")
    parser.add_argument("--only", choices=list(SHOTS), action="append", help="take only these (repeatable)")
    args = parser.parse_args()
    shots = args.only or list(SHOTS)
    key = args.editor_key or (None if args.url else secrets.token_urlsafe(16))
    if "editor" in shots and key is None:
        parser.error("--url needs --editor-key for the editor screenshot (or leave it out with --only)")
    OUT.mkdir(parents=True, exist_ok=True)
    server = casebook_server({"CASEBOOK_EDITOR_KEYS": f"screenshots:{key}"})
    with (nullcontext(args.url.rstrip("/")) if args.url else server) as base:
        downloads = Path(tempfile.mkdtemp())
        driver = chrome(downloads, width=1280, height=1000)
        try:
            if "search" in shots:
                shoot_search(driver, base)
            if "pack" in shots:
                shoot_pack(driver, base)
                shoot_slide(driver, downloads)
            if "editor" in shots:
                shoot_editor(driver, base, key)
            if "insights" in shots:
                if not args.url:
                    play_traffic(base)
                shoot_insights(driver, base)
        finally:
            quit_chrome(driver)
    for shot in shots:
        for name in SHOTS[shot]:
            print(OUT / name)


if __name__ == "__main__":
    main()
