"""The recommend form in a real browser: the customer's fields in, cases, theories and scripts out."""

from __future__ import annotations

from browser import navigate
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def test_fill_the_form_and_get_grouped_recommendations(page):
    page.get(page.base + "/recommend")
    page.find_element(By.ID, "rec-text").send_keys("老客户打电话要求销号，说移动的资费更便宜")
    Select(page.find_element(By.ID, "rec-segment")).select_by_value("individual")
    Select(page.find_element(By.ID, "rec-channel")).select_by_value("store")
    page.find_element(By.ID, "rec-tenure_months").send_keys("60")
    page.find_element(By.ID, "rec-events").send_keys("申请销号")
    page.find_element(By.ID, "rec-competitor").send_keys("中国移动")
    navigate(page, page.find_element(By.CSS_SELECTOR, "#recommend-form button[type=submit]").click)

    groups = {key: [c.get_attribute("data-id") for c in page.find_elements(By.CSS_SELECTOR, f"#rec-{key} .card")]
              for key in ("case", "theory", "script")}
    assert groups["case"] and all(i.startswith("case-") for i in groups["case"])
    assert groups["theory"] and all(i.startswith("theory-") for i in groups["theory"])
    assert "script-retention-probing-questions" in groups["script"]
    assert page.find_element(By.ID, "rec-tenure_months").get_attribute("value") == "60"  # the form keeps its values
    navigate(page, page.find_element(By.CSS_SELECTOR, "#rec-script .card-title").click)
    assert "/items/script-" in page.current_url


def test_a_wrong_field_is_shown_on_the_form(page):
    page.get(page.base + "/recommend?text=%E6%AC%A0%E8%B4%B9&arpu=-5")
    assert page.find_element(By.CSS_SELECTOR, ".field-error")
    assert not page.find_elements(By.CSS_SELECTOR, "#rec-case .card")


def test_a_bad_number_is_named_with_its_allowed_range_in_the_pages_language(page):
    page.get(page.base + "/recommend?text=%E6%AC%A0%E8%B4%B9&tenure_months=-3&arrears_months=1.5")
    errors = [e.text for e in page.find_elements(By.CSS_SELECTOR, ".field-error")]
    assert errors == ["在网月数须是不小于 0 的整数。", "欠费月数须是不小于 0 的整数。"]
    page.get(page.base + "/recommend?text=arrears&arpu=-5&lang=en")
    assert page.find_element(By.CSS_SELECTOR, ".field-error").text == "ARPU (¥/month) must be a number of 0 or more."
