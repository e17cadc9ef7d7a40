"""`casebook import` still reads the case-collection text format: draft cases, without page chrome."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from helpers import SEEDS

RAW = SEEDS / "000_de215c6a59c0f009.txt"
pytestmark = pytest.mark.skipif(not RAW.exists(), reason="the source documents live in ../shared/seeds")


@pytest.fixture(scope="module")
def drafts(tmp_path_factory):
    out = tmp_path_factory.mktemp("drafts")
    raw = out / "raw.txt"
    # The real collection wrapped in real page chrome of the kind saved web pages carry.
    raw.write_text("您现在的位置：首页 > 营销案例\n" + RAW.read_text(encoding="utf-8")
                   + "\n上一篇：电信营销方案\n下一篇：客户服务技巧\n推荐访问：营销案例大全\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "casebook", "import", str(raw), "--out", str(out / "cases"),
                          "--slug", "gd", "--no-suggest"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return sorted((out / "cases").glob("*.md"))


def parse(path):
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def test_import_finds_five_full_cases_and_the_partial_sixth(drafts):
    assert [p.name for p in drafts] == [f"case-gd-{n:02d}.md" for n in range(1, 7)]


def test_full_cases_have_their_four_parts(drafts):
    for path in drafts[:5]:
        _, body = parse(path)
        assert [line for line in body.splitlines() if line.startswith("## ")] == \
            ["## 案例", "## 营销理论", "## 点评", "## 营销兵法"], path.name


def test_partial_sixth_case_keeps_its_text_and_is_marked(drafts):
    front, body = parse(drafts[5])
    assert front["title"] == "销售5步理论“AIDAS”" and "incomplete" in front["tags"]
    assert "社区经理小王辖区内有一银行营业部" in body


def test_drafts_keep_source_wording_and_titles(drafts):
    front, body = parse(drafts[4])
    assert front["title"] == "真诚营销" and front["summary"] == "某区一住宅的电话连续3个月欠费,社区经理陈某多方查探发现该住宅是一出租房,租户已搬走,连续几天上门又不见房东,这追缴欠费一时不知从何下手。"
    assert "首先通过分局客户登记资料系统找到房东郑某的另一个住宅电话" in body


def test_no_page_chrome_in_drafts(drafts):
    text = "".join(p.read_text(encoding="utf-8") for p in drafts)
    for chrome in ("上一篇", "下一篇", "推荐访问", "您现在的位置"):
        assert chrome not in text
