"""The search page in a real browser: Chinese and English queries, filters, the why, nothing relevant."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from browser import navigate
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from casebook.loader import load_library
from casebook.settings import get_settings


def search(page, query: str) -> list[str]:
    """Type a query in the box, press Enter; the ids of the result cards."""
    page.get(page.base + "/")
    box = page.find_element(By.ID, "q")
    navigate(page, lambda: box.send_keys(query, Keys.ENTER))
    return result_ids(page)


def result_ids(page) -> list[str]:
    return [card.get_attribute("data-id") for card in page.find_elements(By.CSS_SELECTOR, "#results .card")]


def test_search_in_chinese_shows_highlighted_snippets_and_why(page):
    ids = search(page, "客户要销号怎么挽留")
    assert "script-retention-probing-questions" in ids[:3]
    first = page.find_element(By.CSS_SELECTOR, "#results .card")
    marks = [m.text for m in first.find_elements(By.CSS_SELECTOR, ".snippet mark")]
    assert "挽留" in marks
    why = first.find_element(By.CSS_SELECTOR, ".why").text
    assert "含有词语" in why and "挽留" in why


def test_search_in_english_finds_the_chinese_case(page):
    ids = search(page, "bank private line upgrade for a key account")
    assert "case-bank-private-line-mstp-upgrade" in ids[:3]
    assert page.find_element(By.CSS_SELECTOR, "#results .card-title").text  # titles shown


def test_english_switch_shows_english_titles_and_words(page):
    search(page, "客户要销号怎么挽留")
    navigate(page, page.find_element(By.ID, "lang-switch").click)
    assert page.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "en"
    assert page.find_element(By.ID, "q").get_attribute("value") == "客户要销号怎么挽留"
    titles = [t.text for t in page.find_elements(By.CSS_SELECTOR, "#results .card-title")]
    assert "Retention probing questions" in " ".join(titles)
    assert "contains the words" in page.find_element(By.CSS_SELECTOR, "#results .why").text
    navigate(page, page.find_element(By.ID, "lang-switch").click)  # and back to Chinese
    assert page.find_element(By.ID, "lang-switch").text == "English"


def test_the_language_switch_goes_back_to_a_page_of_this_site_only(pages_server):
    def target(next_path: str) -> str:
        answer = httpx.get(f"{pages_server}/lang/en", params={"next": next_path}, timeout=30)
        assert answer.status_code == 303 and answer.cookies["casebook_lang"] == "en"
        return answer.headers["location"]

    assert target("/browse?type=case") == "/browse?type=case"
    assert target("//evil.example.com/") == target("/\\evil.example.com/") == target("https://evil.example.com/") == "/"


def test_type_filter_keeps_only_that_type(page):
    search(page, "欠费催缴")
    Select(page.find_element(By.ID, "filter-type")).select_by_value("case")
    navigate(page, page.find_element(By.CSS_SELECTOR, ".search-box button").click)
    badges = {b.text for b in page.find_elements(By.CSS_SELECTOR, "#results .card .badge")}
    assert badges == {"案例"}


def test_theory_filter_keeps_the_theory_and_the_items_citing_it(page):
    library = load_library(get_settings().library)
    page.get(page.base + "/?q=" + quote("老客户") + "&theory=theory-crm")
    ids = result_ids(page)
    assert "case-01-crm-hejiahuan-upsell" in ids
    assert all(i == "theory-crm" or "theory-crm" in library.get(i).theories for i in ids)
    assert Select(page.find_element(By.ID, "filter-theory")).first_selected_option.get_attribute("value") == "theory-crm"


def test_tag_filter_names_tags_in_chinese_and_filters_by_the_tag(page):
    library = load_library(get_settings().library)
    page.get(page.base + "/?q=" + quote("老客户"))
    options = {o.get_attribute("value"): o.text for o in Select(page.find_element(By.ID, "filter-tag")).options}
    assert options["retention"].startswith(library.vocabulary.concept("retention", "tag").label + " (")  # 客户挽留 (n)
    Select(page.find_element(By.ID, "filter-tag")).select_by_value("retention")
    navigate(page, page.find_element(By.CSS_SELECTOR, ".search-box button").click)
    ids = result_ids(page)
    assert ids and all("retention" in library.get(i).tags for i in ids)


def test_nothing_relevant_is_said_plainly(page):
    search(page, "如何做红烧肉")
    assert "没有与此相关的内容" in page.find_element(By.ID, "nothing-relevant").text
    closest = page.find_element(By.CSS_SELECTOR, "details.closest")
    assert closest.get_attribute("open") is None  # the closest items are folded away


def test_empty_query_shows_the_form_and_examples(page):
    page.get(page.base + "/")
    assert page.find_elements(By.CSS_SELECTOR, ".examples a")
    assert not page.find_elements(By.ID, "results")
