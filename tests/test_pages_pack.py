"""The session pack in a real browser: add from any page, reorder, notes, reload, export every format,
save the pack file and open it again."""

from __future__ import annotations

import json
from urllib.parse import quote

from browser import new_window, wait_for_file
from docx import Document
from pptx import Presentation
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CASE = "case-01-crm-hejiahuan-upsell"
THEORY = "theory-crm"
SCRIPT = "script-retention-probing-questions"


def pack_ids(page) -> list[str]:
    return [row.get_attribute("data-id") for row in page.find_elements(By.CSS_SELECTOR, "#pack-list .pack-row")]


def build_pack(page) -> None:
    """Three items from three kinds of page: a search result, an item page, a browse listing."""
    page.get(page.base + "/?q=" + quote("客户要销号怎么挽留"))
    page.find_element(By.CSS_SELECTOR, f'#results .card[data-id="{SCRIPT}"] .pack-add').click()
    page.get(page.base + f"/items/{CASE}")
    button = page.find_element(By.CSS_SELECTOR, ".item-actions .pack-add")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    page.get(page.base + "/browse?type=theory")
    page.find_element(By.CSS_SELECTOR, f'#listing .card[data-id="{THEORY}"] .pack-add').click()
    assert page.find_element(By.ID, "pack-count").text == "3"


def test_build_reorder_annotate_and_reload_the_pack(page):
    build_pack(page)
    page.get(page.base + "/pack")
    assert pack_ids(page) == [SCRIPT, CASE, THEORY]
    page.find_element(By.ID, "pack-title").send_keys("老客户维系培训")
    page.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{CASE}"] .up').click()
    assert pack_ids(page) == [CASE, SCRIPT, THEORY]
    page.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{CASE}"] textarea').send_keys("先问学员：这一元钱值不值？")
    page.refresh()
    assert pack_ids(page) == [CASE, SCRIPT, THEORY]
    assert page.find_element(By.ID, "pack-title").get_attribute("value") == "老客户维系培训"
    notes = page.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{CASE}"] textarea').get_attribute("value")
    assert notes == "先问学员：这一元钱值不值？"
    page.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{SCRIPT}"] .remove').click()
    assert pack_ids(page) == [CASE, THEORY]
    assert page.find_element(By.ID, "pack-count").text == "2"


def test_add_button_toggles_and_the_pack_starts_empty(page):
    page.get(page.base + "/pack")
    assert page.find_element(By.ID, "pack-empty").is_displayed()
    page.get(page.base + f"/items/{CASE}")
    button = page.find_element(By.CSS_SELECTOR, ".item-actions .pack-add")
    button.click()
    button.click()
    assert button.get_attribute("aria-pressed") == "false"
    assert page.find_element(By.ID, "pack-count").text == "0"


def test_export_markdown_and_print_view(page, downloads):
    build_pack(page)
    page.get(page.base + "/pack")
    page.find_element(By.ID, "pack-title").send_keys("Retention workshop")
    page.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{CASE}"] textarea').send_keys("Ask: was 1 yuan worth it?")
    page.refresh()  # the export reads the saved pack

    page.find_element(By.CSS_SELECTOR, "#export-md button").click()
    markdown = wait_for_file(downloads, "Retention workshop *.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Retention workshop\n")
    order = [markdown.index(f"`{i}`") for i in (SCRIPT, CASE, THEORY)]
    assert order == sorted(order)
    assert "Ask: was 1 yuan worth it?" in markdown
    assert "### 案例" in markdown  # the case's own headings, verbatim, under the pack's
    assert "讨论题" in markdown and "以小博大" in markdown  # prompts from the case's 点评
    assert "出处 Source: 广东电信社区经理营销案例集 · [案例]1 客户关系管理" in markdown

    new_window(page, page.find_element(By.CSS_SELECTOR, "#export-print button").click)
    assert page.find_element(By.ID, "pack-doc-title").text == "Retention workshop"
    articles = page.find_elements(By.CSS_SELECTOR, "article.pack-item")
    assert [a.get_attribute("data-id") for a in articles] == [SCRIPT, CASE, THEORY]
    case = articles[1]
    assert "Ask: was 1 yuan worth it?" in case.find_element(By.CSS_SELECTOR, ".notes").text
    assert "以小博大" in case.find_element(By.CSS_SELECTOR, ".prompts").text
    assert "广东电信社区经理营销案例集" in case.find_element(By.CSS_SELECTOR, ".source").text
    assert case.find_elements(By.CSS_SELECTOR, ".body h2")  # Markdown rendered
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    breaks = page.execute_script(
        "return [...document.querySelectorAll('article.pack-item')].map(a => getComputedStyle(a).breakBefore)")
    assert breaks == ["page"] * 3
    assert not page.find_element(By.CSS_SELECTOR, ".toolbar").is_displayed()
    pdf = page.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    assert len(pdf["data"]) > 10_000  # it prints
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_export_powerpoint_and_word_then_save_and_reopen_the_pack_file(page, downloads):
    build_pack(page)
    page.get(page.base + "/pack")
    page.find_element(By.ID, "pack-title").send_keys("老客户维系专题培训")  # each file is named after it
    page.find_element(By.ID, "pack-audience").send_keys("新入职社区经理")
    page.execute_script("var d = document.getElementById('pack-date'); d.value = '2025-03-01';"
                        "d.dispatchEvent(new Event('input'));")
    page.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{CASE}"] textarea').send_keys("先问学员")
    page.refresh()

    page.find_element(By.CSS_SELECTOR, "#export-pptx button").click()
    deck = Presentation(str(wait_for_file(downloads, "老客户维系专题培训 2025-03-01.pptx", 60)))
    titles = [sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.name == "title"]
    assert titles[0] == "老客户维系专题培训"
    assert "新入职社区经理" in "".join(sh.text_frame.text for sh in deck.slides[0].shapes if sh.has_text_frame)
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide]
    assert "先问学员" in notes
    page.find_element(By.CSS_SELECTOR, "#export-docx button").click()
    handout = Document(str(wait_for_file(downloads, "老客户维系专题培训 2025-03-01.docx", 60)))
    headings = [p.text for p in handout.paragraphs if p.style.name == "Heading 1"]
    assert [h.split(". ", 1)[0] for h in headings] == ["1", "2", "3"]

    page.find_element(By.CSS_SELECTOR, "#pack-save button").click()
    saved = wait_for_file(downloads, "老客户维系专题培训 2025-03-01.json")
    pack_file = json.loads(saved.read_text(encoding="utf-8"))
    assert [e["id"] for e in pack_file["items"]] == [SCRIPT, CASE, THEORY]
    assert pack_file["audience"] == "新入职社区经理" and pack_file["date"] == "2025-03-01"

    page.execute_script("localStorage.clear()")
    page.refresh()
    assert pack_ids(page) == []
    page.find_element(By.ID, "pack-open").send_keys(str(saved))
    WebDriverWait(page, 20).until(lambda d: len(pack_ids(d)) == 3)
    assert pack_ids(page) == [SCRIPT, CASE, THEORY]
    assert page.find_element(By.ID, "pack-title").get_attribute("value") == "老客户维系专题培训"
    assert page.find_element(By.ID, "pack-date").get_attribute("value") == "2025-03-01"
    note = page.find_element(By.CSS_SELECTOR, f'.pack-row[data-id="{CASE}"] textarea').get_attribute("value")
    assert note == "先问学员"


def test_opening_a_pack_file_with_an_unknown_item_says_which(page, tmp_path):
    bad = tmp_path / "old-pack.json"
    bad.write_text(json.dumps({"title": "old", "items": [{"id": CASE}, {"id": "case-removed-long-ago"}]}),
                   encoding="utf-8")
    page.get(page.base + "/pack")
    page.find_element(By.ID, "pack-open").send_keys(str(bad))
    error = page.find_element(By.ID, "pack-file-error")
    WebDriverWait(page, 20).until(lambda d: error.is_displayed())
    assert "case-removed-long-ago" in error.text and "items[1].id" in error.text
    assert pack_ids(page) == []
