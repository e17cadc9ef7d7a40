"""Browse pages in a real browser: by type, by theory, by situation and tag, the theory x case matrix."""

from __future__ import annotations

from browser import navigate
from selenium.webdriver.common.by import By

from casebook.loader import load_library
from casebook.settings import get_settings


def test_browse_by_type_lists_every_item_of_the_type(page):
    library = load_library(get_settings().library)
    page.get(page.base + "/browse")
    assert len(page.find_elements(By.CSS_SELECTOR, "#listing .card")) == len(library.of_type("case"))
    navigate(page, page.find_element(By.CSS_SELECTOR, '.tabs a[href="/browse?type=script"]').click)
    ids = {c.get_attribute("data-id") for c in page.find_elements(By.CSS_SELECTOR, "#listing .card")}
    assert ids == {s.id for s in library.of_type("script")}


def test_browse_by_theory_groups_cases_under_each_theory(page):
    page.get(page.base + "/browse/theories")
    group = page.find_element(By.ID, "theory-theory-crm")
    assert "case-01-crm-hejiahuan-upsell" in group.get_attribute("innerHTML")
    assert page.find_elements(By.CSS_SELECTOR, ".theory-group.is-gap .gap-flag")  # theories with no case stand out


def test_browse_by_situation_groups_concepts_by_family_then_opens_a_listing(page):
    library = load_library(get_settings().library)
    page.get(page.base + "/browse/tags")
    families = [g.get_attribute("id") for g in page.find_elements(By.CSS_SELECTOR, "#situations .family-group")]
    assert families and {f.removeprefix("family-") for f in families} - {"other"} <= {
        f.id for f in library.vocabulary.families}
    chip = page.find_element(By.CSS_SELECTOR, "#situations a[data-concept]")  # the first family's most used
    concept, count = chip.get_attribute("data-concept"), int(chip.find_element(By.TAG_NAME, "b").text)
    navigate(page, chip.click)
    assert page.current_url.endswith(f"/browse/situations/{concept}")
    ids = [c.get_attribute("data-id") for c in page.find_elements(By.CSS_SELECTOR, "#listing .card")]
    assert len(ids) == count
    for item_id in ids:
        named = [library.vocabulary.lookup(s, "situation") for s in library.get(item_id).situations]
        assert concept in [c.id for c in named if c is not None], item_id
    page.get(page.base + "/browse/tags/retention")
    assert len(page.find_elements(By.CSS_SELECTOR, "#listing .card")) >= 3
    assert library.vocabulary.concept("retention", "tag").label in page.find_element(By.CSS_SELECTOR, ".list-heading").text


def test_matrix_marks_which_cases_illustrate_which_theories(page):
    library = load_library(get_settings().library)
    page.get(page.base + "/matrix")
    rows = page.find_elements(By.CSS_SELECTOR, "#matrix tbody tr")
    assert len(rows) == len(library.of_type("theory"))
    crm = page.find_element(By.CSS_SELECTOR, '#matrix tr[data-theory="theory-crm"]')
    cases = library.of_type("case")
    dots = [cases[i].id for i, td in enumerate(crm.find_elements(By.CSS_SELECTOR, "td")[:len(cases)])
            if td.get_attribute("class") == "hit"]
    assert sorted(dots) == sorted(c.id for c in cases if "theory-crm" in c.theories)
    gaps = page.find_elements(By.CSS_SELECTOR, "#matrix tr.gap-row")
    assert len(gaps) == sum(1 for t in library.of_type("theory") if not any(t.id in c.theories for c in cases))
