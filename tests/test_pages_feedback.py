"""The trainer pages send feedback: opening an item from a result is `opened`, adding it to the pack
from a result is `used`, each tied to the answer the page showed (driven in headless Chromium)."""

from __future__ import annotations

import time
from urllib.parse import quote

from browser import navigate
from selenium.webdriver.common.by import By

from casebook.events import EventStore


def feedback_on(api, request_id: str, count: int, timeout: float = 15) -> list[tuple[str, str, str]]:
    """(item, action, channel) of the feedback on one answer, once `count` have been recorded."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [(f.item_id, f.action, f.channel) for f in EventStore(api.events).feedback() if f.request_id == request_id]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_opening_an_item_from_a_search_result_records_opened(page, api):
    page.get(page.base + "/?q=" + quote("房东联系不上,租户已经搬走"))
    first = page.find_element(By.CSS_SELECTOR, "#results .card .card-title")
    request_id = first.get_attribute("href").split("rid=")[1]
    item = first.get_attribute("href").split("/items/")[1].split("?")[0]
    navigate(page, first.click)
    assert page.find_element(By.ID, "item-title").is_displayed()
    assert feedback_on(api, request_id, 1) == [(item, "opened", "pages")]
    [ask] = [a for a in EventStore(api.events).asks() if a.request_id == request_id]
    assert (ask.channel, ask.kind, ask.text) == ("pages", "search", "房东联系不上,租户已经搬走")


def test_adding_a_recommended_item_to_the_pack_records_used_and_removing_it_does_not(page, api):
    page.get(page.base + "/recommend?text=" + quote("客户来营业厅要求销号"))
    button = page.find_element(By.CSS_SELECTOR, "#rec-case .card .pack-add")
    request_id, item = button.get_attribute("data-rid"), button.get_attribute("data-id")
    button.click()
    button.click()  # taken out of the pack again
    assert feedback_on(api, request_id, 1) == [(item, "used", "pages")]
    time.sleep(0.5)
    assert feedback_on(api, request_id, 1) == [(item, "used", "pages")]


def test_items_reached_by_browsing_send_no_feedback(page):
    page.get(page.base + "/browse?type=case")
    assert not page.find_elements(By.CSS_SELECTOR, "#listing .pack-add[data-rid]")
    assert "rid=" not in page.find_element(By.CSS_SELECTOR, "#listing .card-title").get_attribute("href")
