"""`casebook lint` reports real broken files as path:line: message, all of them, without crashing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import copy_library, item_text, write_item

from casebook.lint import lint

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
