"""`casebook lint` reports real broken files as path:line: message, all of them, without crashing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import copy_library, item_text, write_item
from vocabulary_helpers import speaking_library

from casebook.lint import fix, lint
from casebook.loader import load_library

CASE = "case-05-sincere-marketing-arrears-landlord"


@pytest.fixture
def lib(tmp_path):
    return copy_library(tmp_path / "lib", [CASE])


def messages(root):
    return [str(p) for p in lint(root)]


def test_clean_copy_has_no_problems(lib):
    assert messages(lib) == []


def test_bad_yaml_is_reported_with_its_line(lib):
    text = item_text(lib, CASE).replace("type: case", "type: [case", 1)
    write_item(lib, f"cases/{CASE}.md", text)
    found = messages(lib)
    assert len(found) == 1 and found[0].startswith(f"cases/{CASE}.md:3: front matter is not valid YAML")


def test_duplicate_id_names_both_files(lib):
    write_item(lib, "cases/copy.md", item_text(lib, CASE))
    found = messages(lib)
    assert any(f"id {CASE!r} is also used by" in m for m in found)
    assert any(m.startswith("cases/copy.md:") and "file name must be the id" in m for m in found)


def test_dangling_link_is_reported_on_its_line(lib):
    text = item_text(lib, CASE).replace("theories: [", "theories: [theory-no-such-thing, ", 1)
    if "theory-no-such-thing" not in text:
        text = item_text(lib, CASE).replace("theories:\n", "theories:\n- theory-no-such-thing\n", 1)
    write_item(lib, f"cases/{CASE}.md", text)
    found = messages(lib)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("theories:"))
    assert f"cases/{CASE}.md:{line}: theories: no item has id 'theory-no-such-thing'" in found


def test_a_reviewed_case_may_not_link_a_draft_still_to_review(lib):
    theory = "theory-sincere-marketing"
    write_item(lib, f"playbook/theories/{theory}.md",
               item_text(lib, theory).replace("\n---\n", "\nreview: [summary]\n---\n", 1))
    found = messages(lib)
    assert any(m.startswith(f"cases/{CASE}.md:") and
               f"theories: {theory!r} is a draft still to review" in m for m in found)


def test_missing_title_is_reported(lib):
    text = "\n".join(row for row in item_text(lib, CASE).splitlines() if not row.startswith("title:"))
    write_item(lib, f"cases/{CASE}.md", text)
    assert any("title: Field required" in m for m in messages(lib))


def test_page_chrome_left_in_is_reported_on_its_line(lib):
    text = item_text(lib, CASE).rstrip() + "\n\n上一篇：电信营销方案 下一篇：推荐访问\n"
    write_item(lib, f"cases/{CASE}.md", text)
    last = len(text.splitlines())
    assert any(m.startswith(f"cases/{CASE}.md:{last}: page chrome left in the body") for m in messages(lib))


def test_non_utf8_and_missing_front_matter_are_reported_not_raised(lib):
    (lib / "cases" / "gbk.md").write_bytes("---\nid: x\n---\n案例".encode("gbk"))
    write_item(lib, "cases/plain.md", "# 没有 front matter\n")
    found = messages(lib)
    assert any(m.startswith("cases/gbk.md:") and "not UTF-8" in m for m in found)
    assert "cases/plain.md:1: no YAML front matter: the file must start with a `---` line" in found


def test_type_must_match_folder(lib):
    text = item_text(lib, CASE)
    (lib / "cases" / f"{CASE}.md").unlink()
    write_item(lib, f"playbook/scripts/{CASE}.md", text)
    assert any("a case belongs in cases/" in m for m in messages(lib))


def test_lint_command_prints_every_problem_and_exits_non_zero(lib):
    write_item(lib, "cases/plain.md", "no front matter\n")
    write_item(lib, "cases/empty.md", "---\n---\n")
    run = subprocess.run([sys.executable, "-m", "casebook", "lint", "--library", str(lib)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "cases/plain.md:1:" in run.stdout and "cases/empty.md:1:" in run.stdout
    assert "Traceback" not in run.stderr


def test_unmasked_phone_number_is_reported_on_its_line_and_a_masked_one_is_not(lib):
    text = item_text(lib, CASE).rstrip() + "\n\n客户电话13812345678，身份证号440101199001011234。\n\n回访电话138XXXX5678。\n"
    write_item(lib, f"cases/{CASE}.md", text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "13812345678" in row)
    assert [m for m in messages(lib) if "phone or ID" in m] == [
        f"cases/{CASE}.md:{line}: a phone or ID number in the body; mask it (138XXXX1234)"]


# --- the vocabulary rules: items write canonical terms (tests/vocabulary_helpers.py) ------------

@pytest.fixture
def spoken(tmp_path):
    return speaking_library(tmp_path / "lib", [CASE])


def add_entry(text: str, field: str, value: str) -> str:
    """The item text with `value` first in its `field` list, block or flow style."""
    if f"\n{field}:\n" in text:
        return text.replace(f"\n{field}:\n", f"\n{field}:\n- {value}\n", 1)
    assert f"\n{field}: [" in text, field
    return text.replace(f"\n{field}: [", f"\n{field}: [{value}, ", 1)


def entry_line(text: str, field: str, value: str) -> int:
    lines = text.splitlines()
    start = next(n for n, row in enumerate(lines) if row.startswith(f"{field}:"))
    return next(n for n, row in enumerate(lines[start:], start) if value in row) + 1


def test_a_copy_that_speaks_the_vocabulary_is_clean(spoken):
    assert messages(spoken) == []


def test_unknown_situation_is_reported_on_its_entry_with_the_closest_concepts(spoken):
    text = add_entry(item_text(spoken, CASE), "situations", "客户上门要求消号")
    write_item(spoken, f"cases/{CASE}.md", text)
    assert messages(spoken) == [
        f"cases/{CASE}.md:{entry_line(text, 'situations', '客户上门要求消号')}: situations: unknown situation "
        "'客户上门要求消号': closest: 申请销号 (cancellation-request); or add it to playbook/vocabulary.yaml"]


def test_a_synonym_is_reported_with_its_canonical_term(spoken):
    text = add_entry(item_text(spoken, CASE), "situations", "消号")
    write_item(spoken, f"cases/{CASE}.md", text)
    assert messages(spoken) == [f"cases/{CASE}.md:{entry_line(text, 'situations', '消号')}: situations: 消号 is a "
                                "synonym of 申请销号 (cancellation-request): write 申请销号"]


def test_a_product_synonym_and_a_tag_synonym_are_reported(spoken):
    text = add_entry(add_entry(item_text(spoken, CASE), "products", "GlobalTong"), "tags", "customer-retention")
    write_item(spoken, f"cases/{CASE}.md", text)
    assert messages(spoken) == [
        f"cases/{CASE}.md:{entry_line(text, 'products', 'GlobalTong')}: products: GlobalTong is a synonym of "
        "全球通 (gotone): write 全球通",
        f"cases/{CASE}.md:{entry_line(text, 'tags', 'customer-retention')}: tags: customer-retention is a synonym "
        "of retention (客户挽留): write retention"]


def test_unknown_tag_concept_id_is_reported_on_its_entry(spoken):
    text = add_entry(item_text(spoken, CASE), "tags", "customer-retentions")
    write_item(spoken, f"cases/{CASE}.md", text)
    assert messages(spoken) == [f"cases/{CASE}.md:{entry_line(text, 'tags', 'customer-retentions')}: tags: unknown "
                                "tag 'customer-retentions': closest: retention (客户挽留); or add it to "
                                "playbook/vocabulary.yaml"]


def test_fix_rewrites_only_the_synonyms_and_the_file_then_lints_clean(spoken):
    original = item_text(spoken, CASE)

    def with_terms(situation: str, product: str, tag: str) -> str:
        return add_entry(add_entry(add_entry(original, "situations", situation), "products", product), "tags", tag)

    write_item(spoken, f"cases/{CASE}.md", with_terms("要求销号", "Global Tong", "customer-retention"))
    changes, refused = fix(spoken)
    assert [(c.field, c.entry.value, c.new) for c in changes] == [
        ("situations", "要求销号", "申请销号"), ("products", "Global Tong", "全球通"),
        ("tags", "customer-retention", "retention")]
    assert refused == []
    assert (spoken / "cases" / f"{CASE}.md").read_bytes() == with_terms("申请销号", "全球通", "retention").encode()
    assert messages(spoken) == []


def test_fix_drops_a_synonym_of_a_term_already_listed_in_a_flow_list(spoken):
    text = item_text(spoken, CASE)
    products = load_library(spoken).get(CASE).products
    block = "products:\n" + "".join(f"- {p}\n" for p in products) if products else "products: []\n"
    assert block in text
    kept = list(dict.fromkeys([*products, "固定电话"]))
    write_item(spoken, f"cases/{CASE}.md", text.replace(block, f"products: [{', '.join([*kept, '座机'])}]\n", 1))
    changes, _ = fix(spoken)
    assert [(c.entry.value, c.new) for c in changes] == [("座机", None)]
    assert f"products: [{', '.join(kept)}]\n" in item_text(spoken, CASE)
    assert messages(spoken) == []


def test_lint_fix_command_prints_each_change_and_exits_clean(spoken):
    text = add_entry(item_text(spoken, CASE), "situations", "消号")
    write_item(spoken, f"cases/{CASE}.md", text)
    run = subprocess.run([sys.executable, "-m", "casebook", "lint", "--fix", "--library", str(spoken)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == f"fixed cases/{CASE}.md:{entry_line(text, 'situations', '消号')}: situations: 消号 -> 申请销号\n"


def with_line(text: str, key: str, line: str) -> str:
    """The item text with its `key:` line replaced by `line`."""
    rows = text.splitlines(keepends=True)
    number = next(n for n, row in enumerate(rows) if row.startswith(f"{key}:"))
    return "".join([*rows[:number], line + "\n", *rows[number + 1:]])


def test_another_english_name_of_a_product_is_reported_in_english_fields(spoken):
    text = with_line(item_text(spoken, CASE), "title_en", 'title_en: "A GlobalTong user keeps his landline"')
    write_item(spoken, f"cases/{CASE}.md", text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("title_en:"))
    assert messages(spoken) == [f"cases/{CASE}.md:{line}: title_en: GlobalTong is another English name of 全球通 "
                                "(gotone): write GoTone"]  # "landline" is a lower-case synonym: a plain word


def test_a_cut_off_source_needs_both_the_tag_and_the_editors_section(spoken):
    original = item_text(spoken, CASE)
    text = add_entry(original, "tags", "incomplete")
    write_item(spoken, f"cases/{CASE}.md", text)
    tags_line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("tags:"))
    assert any(m.startswith(f"cases/{CASE}.md:{tags_line}: tags: 'incomplete' needs a `## 编者按：原文残缺`")
               for m in messages(spoken))
    text = original.rstrip() + "\n\n## 编者按：原文残缺\n\n原文到此为止。\n"
    write_item(spoken, f"cases/{CASE}.md", text)
    heading = len(text.splitlines()) - 2
    assert messages(spoken) == [f"cases/{CASE}.md:{heading}: `## 编者按：原文残缺` marks a cut-off source: "
                                "add the tag 'incomplete'"]
