"""Item pages in a real browser: the rendered Markdown, labels, links, backlinks and 404 pages."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

import yaml
from browser import navigate
from helpers import ROOT, item_text
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from casebook.vocabulary import load_vocabulary


def test_open_an_item_from_the_search_results(page):
    page.get(page.base + "/")
    navigate(page, lambda: page.find_element(By.ID, "q").send_keys("合家欢 小灵通 老客户 话费下降", Keys.ENTER))
    link = page.find_element(By.CSS_SELECTOR, '#results .card[data-id="case-01-crm-hejiahuan-upsell"] .card-title')
    navigate(page, link.click)
    assert urlsplit(page.current_url).path == "/items/case-01-crm-hejiahuan-upsell"  # ?rid= the answer's id
    assert "合家欢" in page.find_element(By.ID, "item-title").text
    headings = [h.text for h in page.find_elements(By.CSS_SELECTOR, "#item-body h2")]
    assert headings[:2] == ["案例", "营销理论"]  # Markdown rendered, not shown as `## 案例`
    assert "## " not in page.find_element(By.ID, "item-body").text


def front_matter(item_id: str) -> dict:
    return yaml.safe_load(item_text(ROOT, item_id).split("---\n")[1])


def test_item_shows_its_annotations_as_labels(page):
    page.get(page.base + "/items/case-01-crm-hejiahuan-upsell")
    labels = page.find_element(By.ID, "annotations").text
    front = front_matter("case-01-crm-hejiahuan-upsell")
    assert "家庭客户" in labels and "社区经理" in labels
    assert all(term in labels for term in front["situations"] + front["products"])
    kicker = page.find_element(By.CSS_SELECTOR, ".item-kicker").text
    assert "成功" in kicker and "故事" in kicker  # outcome and kind (story) in the reader's language


def test_item_shows_its_tags_by_their_chinese_labels_linking_to_the_tag(page):
    vocabulary = load_vocabulary(ROOT)
    page.get(page.base + "/items/case-01-crm-hejiahuan-upsell")
    chips = page.find_elements(By.CSS_SELECTOR, "#annotations .chip-tag")
    tags = front_matter("case-01-crm-hejiahuan-upsell")["tags"]
    assert [chip.text for chip in chips] == [vocabulary.concept(tag, "tag").label for tag in tags]  # 客户忠诚, not loyalty
    assert [chip.get_attribute("href").rsplit("/", 1)[1] for chip in chips] == tags


def test_english_item_page_shows_situations_and_products_by_their_english_labels(page):
    item_id = "case-01-crm-hejiahuan-upsell"
    vocabulary, front = load_vocabulary(ROOT), front_matter(item_id)
    page.get(page.base + f"/lang/en?next=/items/{item_id}")
    situations = page.find_elements(By.CSS_SELECTOR, "#annotations .chip-situation")
    assert [chip.text for chip in situations] == [vocabulary.lookup(s, "situation").label_en for s in front["situations"]]
    assert [chip.get_attribute("href").rsplit("/", 1)[1] for chip in situations] == [
        quote(s) for s in front["situations"]]  # the links still name what the item writes
    products = page.find_elements(By.CSS_SELECTOR, "#annotations .chip-product")
    assert front["products"] and [chip.text for chip in products] == [
        vocabulary.lookup(p, "product").label_en for p in front["products"]]


def test_case_links_to_its_theories_and_shows_prompts_from_its_commentary(page):
    page.get(page.base + "/items/case-01-crm-hejiahuan-upsell")
    cited = [a.get_attribute("href").rsplit("/", 1)[1] for a in page.find_elements(By.CSS_SELECTOR, "#cites-theories a")]
    assert cited == front_matter("case-01-crm-hejiahuan-upsell")["theories"]  # in the case's own order
    prompts = page.find_element(By.ID, "prompts").text
    assert "点评" in prompts and "以小博大" in prompts  # quoted from the case's own 点评


def test_theory_page_lists_the_cases_that_illustrate_it(page):
    page.get(page.base + "/items/case-01-crm-hejiahuan-upsell")
    navigate(page, page.find_element(By.CSS_SELECTOR, '#cites-theories a[href="/items/theory-crm"]').click)
    assert page.current_url.endswith("/items/theory-crm")
    backlinks = [a.get_attribute("href").rsplit("/", 1)[1] for a in page.find_elements(By.CSS_SELECTOR, "#backlinks a")]
    assert "case-01-crm-hejiahuan-upsell" in backlinks
    navigate(page, page.find_element(By.CSS_SELECTOR, '#backlinks a[href="/items/case-01-crm-hejiahuan-upsell"]').click)
    assert page.current_url.endswith("/items/case-01-crm-hejiahuan-upsell")  # and back along the link


def test_script_page_lists_the_cases_it_fits(page):
    page.get(page.base + "/items/script-e8-speedup-telephone-sales")
    assert "适用这段话术的案例" in page.find_element(By.ID, "backlinks").text
    backlinks = [a.get_attribute("href").rsplit("/", 1)[1] for a in page.find_elements(By.CSS_SELECTOR, "#backlinks a")]
    assert backlinks == ["case-e8-broadband-speedup-telemarketing"]


def test_unknown_item_is_a_404_page(page):
    page.get(page.base + "/items/no-such-item")
    assert page.find_element(By.CSS_SELECTOR, ".error-code").text == "404"
    assert "no-such-item" in page.find_element(By.CSS_SELECTOR, ".error-message").text
    assert "Traceback" not in page.page_source


def test_unknown_pages_answer_404_in_html_never_a_traceback(pages_server):
    for path in ("/items/no-such-item", "/browse?type=novel", "/browse/tags/no-such-tag", "/assets/missing.css",
                 "/lang/fr"):
        try:
            urllib.request.urlopen(pages_server + path)
        except urllib.error.HTTPError as err:
            body = err.read().decode("utf-8")
            assert err.code == 404, path
            assert err.headers["content-type"].startswith("text/html"), path
            assert "<h1>" in body and "Traceback" not in body, path
        else:
            raise AssertionError(f"{path} answered 200")
