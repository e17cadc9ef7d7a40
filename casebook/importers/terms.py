"""The words intake finds in a document's text: vocabulary concepts (issue 9's shared vocabulary,
`Library.vocabulary`) and the words of segments and channels, which are the model's enums and
not in the vocabulary, so their Chinese labels and common synonyms are listed here.
"""

from __future__ import annotations

import unicodedata

from casebook.loader import Library
from casebook.vocabulary import Vocabulary

SEGMENT_WORDS: dict[str, tuple[str, ...]] = {
    "household": ("家庭客户", "住宅", "家庭", "居民", "出租屋", "出租房", "住户", "家里"),
    "individual": ("个人客户", "手机用户", "个人用户", "学生", "流动人口"),
    "sme": ("中小企业", "商铺", "商业客户", "商户", "店铺", "小企业", "门店老板"),
    "enterprise": ("企业客户", "集团客户", "政企客户", "企业", "公司", "工厂", "厂"),
    "government": ("政府", "党政军", "机关", "政务"),
    "finance": ("银行", "金融", "保险", "证券"),
    "education": ("学校", "高校", "大学", "教师", "校园"),
    "key_account": ("大客户", "VIP", "重点客户", "高价值客户", "集团大客户"),
}
CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "community_manager": ("社区经理",),
    "account_manager": ("客户经理", "大客户经理", "政企经理", "服务经理"),
    "direct_sales": ("直销", "助销团队", "销售团队", "营销团队", "上门拜访", "扫楼"),
    "store": ("营业厅", "门店", "营业员", "柜台"),
    "telesales": ("电话营销", "客服", "外呼", "热线", "10000号"),
    "online": ("网站", "网店", "短信", "网上", "微信"),
    "management": ("管理层", "方案", "策划", "领导", "分公司", "总经理"),
}


def normalise(text: str) -> str:
    """Width- and case-insensitive form (full-width letters and digits become ASCII)."""
    return unicodedata.normalize("NFKC", text).lower()


def vocabulary_of(library: Library) -> Vocabulary:
    """The vocabulary intake matches text against and writes suggestions in."""
    return library.vocabulary


def words_found(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """Keys of `table` (segments or channels) whose words occur in the text, most mentions first."""
    haystack = normalise(text)
    counts = {key: sum(haystack.count(normalise(word)) for word in words) for key, words in table.items()}
    return [key for key, count in sorted(counts.items(), key=lambda pair: -pair[1]) if count]
