"""The editor pages in a real browser (issue 11, "Done when"): sign in, create an item with the
pickers, see a lint problem appear as the trainer types, fix it, save, and find the item on the
search page; and (point 3) upload a Word file on the import page and open one of its drafts; and
the problems the form and the import page show are in the page's language, in the form's words.

One `casebook serve` for the module on a copy of the library and of its built index (the save
re-encodes only the new item's passages), with a read key set, so the page's calls to the API pass
on the session alone, and a user list with one trainer. Time: about 30 s on 2 cores (measured: 27 s with the upload test's 5 s, with other helpers busy on the same machine;
60 s with the upload test's 26 s on a busier machine, the two wording tests 2-3 s each).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import yaml
from browser import casebook_server, navigate
from documents import build_docx, collection_cases
from helpers import copy_library_and_index
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from casebook.accounts import set_user
from casebook.lint import lint
from casebook.search import store
from casebook.settings import get_settings

USER, PASSWORD = "trainer-li", "a long enough password"
ITEM = "case-editor-test-camel-store"
TITLE = "骆驼营业厅的挽留测试案例"
THEORY = "theory-sincere-marketing"
SCRIPT = "script-retention-probing-questions"
PHONE, MASKED = "13812345678", "138XXXX5678"
IMPORT_TIMEOUT = 60  # seconds: reading the document and suggesting annotations on a busy machine
SAVE_TIMEOUT = 90  # seconds: the save waits until the server searches the new item (CASEBOOK_SAVE_WAIT)


@dataclass
class Site:
    url: str
    library: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    if store.current_version(get_settings().index_path) is None:
        request.getfixturevalue("api")  # the session server builds the built-in library's index
    library = copy_library_and_index(tmp_path_factory.mktemp("editor") / "library")
    users = library / ".casebook" / "editor-users"
    set_user(users, USER, PASSWORD)
    env = {"CASEBOOK_API_KEYS": "editor-test-read-key", "CASEBOOK_EDITOR_KEYS": "",
           "CASEBOOK_EDITOR_USERS": str(users), "CASEBOOK_INDEX_DIR": str(library / ".casebook" / "index"),
           "CASEBOOK_SAVE_WAIT": "60"}
    with casebook_server(env, library) as url:
        yield Site(url, library)


@pytest.fixture
def editor(browser, site):
    browser.get(site.url + "/assets/style.css")
    browser.delete_all_cookies()
    return browser


def wait(driver, condition, timeout: float = 20):
    return WebDriverWait(driver, timeout).until(condition)


def type_into(driver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def pick(driver, field: str, query: str, value: str) -> None:
    """Filter a picker by `query` and tick the option holding `value`."""
    picker = driver.find_element(By.ID, f"picker-{field}")
    picker.find_element(By.CSS_SELECTOR, ".picker-filter").send_keys(query)
    picker.find_element(By.CSS_SELECTOR, f'.opt input[value="{value}"]').click()
    chips = [c.get_attribute("data-value") for c in picker.find_elements(By.CSS_SELECTOR, ".chosen .chip-chosen")]
    assert value in chips


def body_problems(driver) -> list[str]:
    """The problems shown under the body, read in one go (the page replaces them after each check)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('[data-problems-for=\"body\"] li'), li => li.textContent)")


def check_status(driver) -> str:
    return driver.find_element(By.ID, "check-status").get_attribute("class")


def sign_in(editor, site: Site, path: str) -> None:
    """Open `path`, which sends the visitor to the sign-in first, and sign in with a password."""
    editor.get(site.url + path)
    assert "/editor/sign-in" in editor.current_url
    type_into(editor, "sign-in-name", USER)
    type_into(editor, "sign-in-password-field", PASSWORD)
    navigate(editor, lambda: editor.find_element(By.CSS_SELECTOR, "#sign-in-password button").click())
    assert editor.find_element(By.ID, "editor-name").text == USER


def test_sign_in_create_with_pickers_fix_a_live_problem_save_and_find_it(editor, site):
    sign_in(editor, site, "/editor")

    navigate(editor, lambda: editor.find_element(By.ID, "new-case").click())
    type_into(editor, "f-id", ITEM)
    type_into(editor, "f-title", TITLE)
    type_into(editor, "f-title_en", "The camel store: a retention test case")
    type_into(editor, "f-summary", "营业厅用真诚沟通挽留了要求销号的老客户。")
    type_into(editor, "f-summary_en", "A store kept a long-standing customer who asked to cancel.")
    type_into(editor, "f-source-document", "editor-test.txt")
    type_into(editor, "f-source-title", "编辑页面测试")
    type_into(editor, "f-source-section", "案例一")
    pick(editor, "situations", "销号", "申请销号")
    pick(editor, "segments", "家庭", "household")
    pick(editor, "channels", "营业厅", "store")
    pick(editor, "theories", "真诚", THEORY)
    type_into(editor, "f-body", f"## 案例\n\n骆驼营业厅的客户来电{PHONE}，要求销号。营业员耐心询问原因，真诚沟通，客户最终留了下来。")

    # The API's lint, as the trainer types: the unmasked number, on the body's third line (a check
    # that ran before the body was typed reported an empty body instead).
    wait(editor, lambda d: [p for p in body_problems(d) if p.startswith("第 3 行：") and "138XXXX1234" in p])
    assert "bad" in check_status(editor)
    body = editor.find_element(By.ID, "f-body")
    body.send_keys(Keys.CONTROL, "a")
    body.send_keys(f"## 案例\n\n骆驼营业厅的客户来电{MASKED}，要求销号。营业员耐心询问原因，真诚沟通，客户最终留了下来。")
    wait(editor, lambda d: not body_problems(d) and "ok" in check_status(d))

    editor.find_element(By.ID, "save").click()
    wait(editor, lambda d: "ok" in d.find_element(By.ID, "save-result").get_attribute("class"), SAVE_TIMEOUT)
    assert editor.current_url.endswith(f"/editor/items/{ITEM}")

    saved = site.library / "cases" / f"{ITEM}.md"
    front = yaml.safe_load(saved.read_text(encoding="utf-8").split("---\n")[1])
    assert (front["situations"], front["segments"], front["channels"], front["theories"]) == (
        ["申请销号"], ["household"], ["store"], [THEORY])
    assert lint(site.library) == []
    audit = [json.loads(line) for line in (site.library / ".casebook" / "audit.jsonl").read_text().splitlines()]
    assert (audit[-1]["action"], audit[-1]["item_id"], audit[-1]["editor"]) == ("create", ITEM, USER)

    def first_result(driver) -> str | None:  # the save waited until the server searched it; poll in case not
        driver.get(site.url + "/?q=" + quote(TITLE))
        cards = driver.find_elements(By.CSS_SELECTOR, "#results .card")
        return cards[0].get_attribute("data-id") if cards else None

    assert wait(editor, lambda d: first_result(d) == ITEM, SAVE_TIMEOUT)


def test_save_over_someone_elses_change_is_refused_and_keeps_the_trainers_text(editor, site):
    sign_in(editor, site, f"/editor/items/{SCRIPT}")
    title = editor.find_element(By.ID, "f-title")
    title.send_keys("（修订）")
    editor.find_element(By.ID, "save").click()  # replaces the version the page was opened on
    wait(editor, lambda d: "ok" in d.find_element(By.ID, "save-result").get_attribute("class"), SAVE_TIMEOUT)
    path = site.library / "playbook" / "scripts" / f"{SCRIPT}.md"
    theirs = path.read_text(encoding="utf-8").replace("（修订）", "（他人修订）")  # another editor saves meanwhile
    path.write_text(theirs, encoding="utf-8")
    title.send_keys("二")
    editor.find_element(By.ID, "save").click()
    wait(editor, lambda d: "conflict" in d.find_element(By.ID, "save-result").get_attribute("class"))
    assert editor.find_element(By.ID, "conflict-open").get_attribute("target") == "_blank"
    assert title.get_attribute("value").endswith("（修订）二")
    assert path.read_text(encoding="utf-8") == theirs


def test_upload_a_word_file_lists_its_drafts_and_opens_one_in_the_form(editor, site, tmp_path):
    cases = collection_cases()[:2]
    document = build_docx(tmp_path / "社区经理案例.docx", "社区经理营销案例", cases)
    sign_in(editor, site, "/editor")
    navigate(editor, lambda: editor.find_element(By.ID, "import-documents").click())
    assert editor.current_url.endswith("/editor/import")

    editor.find_element(By.ID, "import-files").send_keys(str(document))
    editor.find_element(By.ID, "import-submit").click()
    drafts = wait(editor, lambda d: d.find_elements(By.CSS_SELECTOR, "#import-drafts .import-draft"), IMPORT_TIMEOUT)
    assert len(drafts) >= 2
    titles = [d.find_element(By.CSS_SELECTOR, ".import-draft-title").text for d in drafts]
    assert any(case.heading in title for case in cases for title in titles)
    reviews = [d.find_element(By.CSS_SELECTOR, ".import-draft-review").text for d in drafts]
    assert all("标题（英文）" in review and "title_en" not in review for review in reviews)  # the form's labels
    # The seed cases are in the library already: each draft links the item that holds its text.
    repeats = [d.find_element(By.CSS_SELECTOR, ".import-draft-repeats a").get_attribute("href") for d in drafts]
    assert all("/items/case-" in href for href in repeats)
    draft_id = drafts[0].get_attribute("data-id")

    navigate(editor, lambda: editor.find_element(By.ID, "open-draft-1").click())
    assert editor.find_element(By.ID, "f-title").get_attribute("value") == titles[0]
    assert editor.find_element(By.ID, "f-id").get_attribute("value") == draft_id
    assert editor.find_elements(By.CSS_SELECTOR, "#review .review-row input")  # fields to tick off first
    assert "类型" in [row.text.split()[0] for row in editor.find_elements(By.CSS_SELECTOR, "#review .review-row")]
    kinds = [option.text for option in editor.find_elements(By.CSS_SELECTOR, "#f-kind option")]
    assert "故事" in kinds and "story" not in kinds
    assert any(case.paragraphs[0][:20] in editor.find_element(By.ID, "f-body").get_attribute("value") for case in cases)
    assert not (site.library / "cases" / f"{draft_id}.md").exists()  # nothing written until saved


def test_a_failed_upload_says_why_and_takes_the_earlier_list_away(editor, site, tmp_path):
    old = tmp_path / "旧版手册.doc"
    old.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1024))  # an old binary Word file
    big = tmp_path / "扫描合集.pdf"
    with big.open("wb") as file:
        file.truncate(21 * 1024 * 1024)  # over the server's 20 MB upload limit
    sign_in(editor, site, "/editor/import")
    editor.find_element(By.ID, "import-files").send_keys(str(old))
    editor.find_element(By.ID, "import-submit").click()
    problems = wait(editor, lambda d: d.find_element(By.ID, "import-problem-list").text, IMPORT_TIMEOUT)
    assert old.name in problems and ".docx" in problems
    assert "无法识别为可以导入的文档" in problems and "binary" not in problems  # the page's words, not the API's

    editor.find_element(By.ID, "import-files").clear()
    editor.find_element(By.ID, "import-files").send_keys(str(big))
    editor.find_element(By.ID, "import-submit").click()
    status = wait(editor, lambda d: "MB" in d.find_element(By.ID, "import-status").text
                  and d.find_element(By.ID, "import-status").text)
    assert "21.0 MB" in status and "20.0 MB" in status
    assert not editor.find_element(By.ID, "import-result").is_displayed()  # not the .doc's reason under it


def test_a_draft_written_by_casebook_import_is_listed_to_review_and_not_served(editor, site):
    case = "case-05-sincere-marketing-arrears-landlord"
    draft = "case-imported-landlord-draft-01"
    text = (site.library / "cases" / f"{case}.md").read_text(encoding="utf-8")
    path = site.library / "cases" / f"{draft}.md"
    path.write_text(text.replace(f"id: {case}", f"id: {draft}", 1)
                    .replace("\n---\n", "\nreview: [situations, theories]\n---\n", 1), encoding="utf-8")
    try:
        sign_in(editor, site, "/editor")
        deadline = time.monotonic() + SAVE_TIMEOUT  # until the server has reloaded the library
        while not editor.find_elements(By.CSS_SELECTOR, f'#drafts a[href="/editor/items/{draft}"]'):
            assert time.monotonic() < deadline, "the draft never appeared under the drafts to review"
            time.sleep(1)
            editor.get(site.url + "/editor")
        assert "情境, 运用的理论" in editor.find_element(By.ID, "drafts").text  # the form's labels, not YAML keys
        assert httpx.get(f"{site.url}/items/{draft}", timeout=30).status_code == 404
    finally:
        path.unlink()


def problems_of(driver, field: str) -> list[str]:
    """The problems the form shows beside one field (or the review tick boxes), read in one go."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('[data-problems-for=\"' + arguments[0] + '\"] li'), "
        "li => li.textContent)", field)


def open_draft(editor, site: Site, lang: str) -> None:
    """Open, in the form, a draft as the import page opens one: a library case under a new id with
    two suggested fields to review and a link to a theory the library does not have."""
    case = "case-05-sincere-marketing-arrears-landlord"
    text = (site.library / "cases" / f"{case}.md").read_text(encoding="utf-8")
    draft = (text.replace(f"id: {case}", "id: case-draft-words-01", 1)
             .replace("- theory-sincere-marketing", "- theory-no-such-thing", 1)
             .replace("\n---\n", "\nreview: [situations, theories]\n---\n", 1))
    sign_in(editor, site, "/editor/import")
    navigate(editor, lambda: editor.execute_script(
        "const form = document.getElementById('draft-form'); form.action = '/editor/draft?lang=' + arguments[1];"
        "document.getElementById('draft-markdown').value = arguments[0]; form.submit();", draft, lang))


def test_the_form_says_a_field_to_review_and_a_missing_link_in_chinese(editor, site):
    open_draft(editor, site, "zh")
    review = wait(editor, lambda d: problems_of(d, "review"))
    assert "情境、运用的理论" in review[0] and "已核对" in review[0]  # the form's labels and its tick box
    assert "review" not in review[0] and "`" not in review[0]
    theories = wait(editor, lambda d: problems_of(d, "theories"))
    assert "theory-no-such-thing" in theories[0] and "没有编号为" in theories[0]
    assert "no item has id" not in theories[0]


def test_the_english_form_says_them_in_the_forms_words_too(editor, site):
    open_draft(editor, site, "en")
    review = wait(editor, lambda d: problems_of(d, "review"))
    assert "Situations, Theories it illustrates" in review[0] and "tick" in review[0]
    assert "`review:`" not in review[0]
    assert "No item has the id theory-no-such-thing" in wait(editor, lambda d: problems_of(d, "theories"))[0]
