"""The pages on a phone (375 px wide, emulated in the real browser): every entry of the navigation
bar in reach, in both languages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser import navigate
from selenium.webdriver.common.by import By

PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}
NAV_ENTRIES = 7  # search, browse, matrix, recommend, insights, pack, edit


@pytest.fixture
def phone(page):
    page.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield page
    page.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def reachable(page, link) -> bool:
    """Inside the window's width, and what a tap at its centre lands on."""
    return page.execute_script("""
        const link = arguments[0], box = link.getBoundingClientRect();
        const width = document.documentElement.clientWidth;
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return box.width > 0 && box.left >= 0 && box.right <= width && hit !== null && hit.closest('a') === link;
    """, link)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_nav_entry_is_visible_and_tappable_at_phone_width(phone, lang):
    phone.get(phone.base + f"/lang/{lang}?next=/")
    assert phone.execute_script("return document.documentElement.clientWidth") == PHONE["width"]
    links = phone.find_elements(By.CSS_SELECTOR, "header .nav a")
    assert len(links) == NAV_ENTRIES
    assert [link.text for link in links if not reachable(phone, link)] == []
    assert phone.execute_script("return document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll


def test_the_last_nav_entries_open_their_pages_at_phone_width(phone):
    for entry, path in (("nav-pack", "/pack"), ("nav-editor", "/editor")):
        phone.get(phone.base + "/")
        navigate(phone, phone.find_element(By.ID, entry).click)
        assert urlsplit(phone.current_url).path.startswith(path)
