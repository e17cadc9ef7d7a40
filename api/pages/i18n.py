"""Words of the pages in Chinese (first) and English; item text itself is never translated here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casebook.api.html_pages import LANGS
from casebook.model import CHANNEL_LABELS, KIND_LABELS, KIND_LABELS_EN, OUTCOME_LABELS, SEGMENT_LABELS
from casebook.vocabulary import Kind, Vocabulary

STRINGS: dict[str, tuple[str, str]] = {
    "site": ("营销案例库", "Casebook"),
    "tagline": ("电信营销案例、理论与话术", "Telecom marketing cases, theories and scripts"),
    "nav.search": ("搜索", "Search"),
    "nav.browse": ("浏览", "Browse"),
    "nav.matrix": ("理论×案例", "Theory × case"),
    "nav.recommend": ("推荐", "Recommend"),
    "nav.pack": ("讨论包", "Pack"),
    "nav.insights": ("使用洞察", "Insights"),
    "nav.editor": ("编辑", "Edit"),
    "switch": ("English", "中文"),
    "search.placeholder": ("输入问题或客户情况，中英文均可", "A question or a customer situation, Chinese or English"),
    "search.button": ("搜索", "Search"),
    "search.any": ("不限", "Any"),
    "search.results": ("条结果", "results"),
    "search.nothing": ("资料库里没有与此相关的内容。", "Nothing in the library is relevant to this."),
    "search.nothing.hint": ("换个说法，或到“浏览”里按理论、情境查找。",
                            "Try other words, or browse by theory or situation."),
    "search.closest": ("仍然列出最接近的条目", "Show the closest items anyway"),
    "search.none": ("没有符合筛选条件的条目。", "No item matches these filters."),
    "search.intro": ("从一个问题、一个客户情况或一个理论名称开始。",
                     "Start from a question, a customer situation or the name of a theory."),
    "search.examples": ("试试：", "Try:"),
    "filter.type": ("类型", "Type"),
    "filter.theory": ("理论", "Theory"),
    "filter.segment": ("客户群", "Segment"),
    "filter.channel": ("渠道", "Channel"),
    "filter.tag": ("标签", "Tag"),
    "filter.clear": ("清除筛选", "Clear filters"),
    "why": ("匹配原因", "Why"),
    "why.words": ("含有词语", "contains the words"),
    "why.keyword": ("关键词匹配第{rank}名", "keyword match #{rank}"),
    "why.meaning": ("语义相近第{rank}名", "close in meaning #{rank}"),
    "why.annotations": ("标注相符", "annotations match"),
    "why.weak": ("只是大致相近", "only loosely related"),
    "type.case": ("案例", "Case"),
    "type.theory": ("理论", "Theory"),
    "type.script": ("话术", "Script"),
    "types.case": ("案例", "Cases"),
    "types.theory": ("理论", "Theories"),
    "types.script": ("话术", "Scripts"),
    "ann.situations": ("情境", "Situations"),
    "ann.segments": ("客户群", "Segments"),
    "ann.channels": ("渠道", "Channels"),
    "ann.products": ("产品", "Products"),
    "ann.outcome": ("结果", "Outcome"),
    "ann.tags": ("标签", "Tags"),
    "item.source": ("出处", "Source"),
    "item.theories": ("运用的理论", "Theories it illustrates"),
    "item.scripts": ("适用的话术", "Scripts that fit"),
    "item.cases_illustrating": ("说明这一理论的案例", "Cases that illustrate this theory"),
    "item.scripts_applying": ("运用这一理论的话术", "Scripts that apply this theory"),
    "item.cases_fitting": ("适用这段话术的案例", "Cases this script fits"),
    "item.no_cases": ("还没有案例说明这一理论。", "No case illustrates this theory yet."),
    "item.no_fitting": ("还没有案例标注这段话术。", "No case lists this script yet."),
    "item.prompts": ("讨论题（来自案例点评）", "Discussion prompts (from the case's commentary)"),
    "item.body_note": ("正文为出处原文（中文）。", "The text below is the source's own (Chinese)."),
    "pack.add": ("加入讨论包", "Add to pack"),
    "pack.added": ("已在讨论包", "In pack"),
    "pack.title": ("讨论包", "Session pack"),
    "pack.title.label": ("讨论包标题", "Pack title"),
    "pack.title.placeholder": ("例如：老客户维系专题培训", "e.g. Keeping loyal customers: a workshop"),
    "pack.empty": ("讨论包是空的。在搜索结果、条目页或推荐结果上点“加入讨论包”。",
                   "The pack is empty. Use “Add to pack” on search results, item pages or recommendations."),
    "pack.notes": ("培训师备注", "Trainer notes"),
    "pack.notes.placeholder": ("讲解要点、提问顺序、时间安排……", "Points to make, questions to ask, timing…"),
    "pack.up": ("上移", "Move up"),
    "pack.down": ("下移", "Move down"),
    "pack.remove": ("移除", "Remove"),
    "pack.clear": ("清空", "Clear"),
    "pack.clear.confirm": ("清空讨论包？", "Empty the pack?"),
    "pack.export.md": ("导出 Markdown", "Export Markdown"),
    "pack.export.print": ("打印版 / PDF", "Print view / PDF"),
    "pack.export.pptx": ("PowerPoint 幻灯片", "PowerPoint"),
    "pack.export.docx": ("Word 讲义", "Word"),
    "pack.audience.label": ("培训对象", "Audience"),
    "pack.audience.placeholder": ("例如：新入职社区经理", "e.g. new community managers"),
    "pack.date.label": ("日期", "Date"),
    "pack.file.save": ("保存讨论包文件", "Save pack file"),
    "pack.file.open": ("打开讨论包文件", "Open pack file"),
    "pack.file.hint": ("讨论包文件（.json）可以发给同事，或用 casebook pack 命令导出。",
                       "A pack file (.json) can be sent to a colleague or exported with `casebook pack`."),
    "pack.file.replace": ("用文件中的讨论包替换当前讨论包？", "Replace the current pack with the one in the file?"),
    "pack.file.error": ("无法打开这个文件：", "This file cannot be opened:"),
    "pack.saved": ("保存在本浏览器中，刷新页面不会丢失。", "Kept in this browser; it survives a reload."),
    "pack.items": ("项", "items"),
    "pack.print": ("打印或存为 PDF", "Print or save as PDF"),
    "pack.back": ("返回讨论包", "Back to the pack"),
    "pack.contents": ("目录", "Contents"),
    "pack.missing": ("这些条目已不在资料库中：", "These items are no longer in the library:"),
    "browse.title": ("浏览", "Browse"),
    "browse.by_theory": ("按理论", "By theory"),
    "browse.by_tag": ("按情境与标签", "By situation and tag"),
    "browse.situations": ("客户情境", "Customer situations"),
    "browse.tags": ("标签", "Tags"),
    "browse.other_situations": ("词表以外的情境", "Situations outside the vocabulary"),
    "browse.items": ("个条目", "items"),
    "browse.gap": ("缺案例", "no case"),
    "matrix.title": ("理论 × 案例矩阵", "Theory × case matrix"),
    "matrix.intro": ("每行一个理论，每列一个案例；圆点表示该案例说明了该理论。没有圆点的行就是缺案例的理论。",
                     ("One row per theory, one column per case; a dot means the case illustrates the "
                      "theory. A row without dots is a theory no case illustrates yet.")),
    "matrix.count": ("案例数", "Cases"),
    "matrix.gaps": ("个理论还没有案例", "theories have no case yet"),
    "rec.title": ("按客户情况推荐", "Recommend for a customer"),
    "rec.intro": ("填写客户情况（至少一项），得到可参考的案例、理论和话术。",
                  "Describe the customer (at least one field) to get cases, theories and scripts."),
    "rec.text": ("客户情况描述", "Situation"),
    "rec.text.placeholder": ("例如：老客户连续三个月欠费，说要转到移动",
                             "e.g. in arrears for three months, says he will switch to the competitor"),
    "rec.segment": ("客户群", "Segment"),
    "rec.products": ("在用产品（逗号分隔）", "Products in use (comma-separated)"),
    "rec.arpu": ("月均消费（元）", "ARPU (¥/month)"),
    "rec.tenure_months": ("在网月数", "Tenure (months)"),
    "rec.arrears_months": ("欠费月数", "Months in arrears"),
    "rec.events": ("近期事件（逗号分隔）", "Recent events (comma-separated)"),
    "rec.competitor": ("竞争对手", "Competitor"),
    "rec.channel": ("接触渠道", "Channel"),
    "rec.notes": ("其他备注", "Notes"),
    "rec.submit": ("推荐", "Recommend"),
    "rec.cases": ("案例", "Cases"),
    "rec.theories": ("理论", "Theories"),
    "rec.scripts": ("话术", "Scripts"),
    "rec.linked": ("关联案例", "linked from"),
    "rec.none": ("无", "None"),
    "rec.low": ("资料库里没有与这个客户情况明显相关的内容，以下仅供参考。",
                "Nothing in the library clearly fits this customer; the items below are only the closest."),
    "rec.unavailable": ("推荐功能暂不可用。", "Recommendations are not available."),
    # A field the form cannot take, beside it: which field, and what it takes.
    "rec.err.range": ("{field}须是 {low} 到 {high} 之间的{number}。", "{field} must be a {number} from {low} to {high}."),
    "rec.err.at_least": ("{field}须是不小于 {low} 的{number}。", "{field} must be a {number} of {low} or more."),
    "rec.err.number": ("数字", "number"),
    "rec.err.whole": ("整数", "whole number"),
    "rec.err.choice": ("{field}请从列表中选择。", "Choose the {field} from the list."),
    "rec.err.invalid": ("{field}填写有误，请检查。", "{field} is not valid; please check it."),
    "ins.title": ("使用洞察", "Insights from use"),
    "ins.intro": ("一线员工问了什么、资料库答不上什么、哪些条目真正被用上。缺口按意思归组：每组就是一个值得写成案例的题目。",
                  ("What frontline staff ask, what the library cannot answer, and which items they actually "
                   "use. Gaps are grouped by meaning: each group is a case worth writing.")),
    "ins.window": ("时间范围", "Window"),
    "ins.days": ("近{n}天", "{n} days"),
    "ins.asks": ("提问", "Questions"),
    "ins.low": ("答不上", "Not answered"),
    "ins.opened": ("打开", "Opened"),
    "ins.used": ("采用", "Used"),
    "ins.dismissed": ("不采用", "Dismissed"),
    "ins.empty": ("这个时间范围内还没有记录到提问。", "No questions were recorded in this window yet."),
    "ins.gaps": ("缺口：请为这些问题写案例", "Gaps: write a case for these"),
    "ins.gaps.intro": ("资料库答不上（低置信）或答案被标为不采用的问题，按意思归组，最常问的在前。",
                       ("Questions the library answered without confidence, or whose answer was dismissed, "
                        "grouped by meaning, most asked first.")),
    "ins.gaps.none": ("这个时间范围内没有答不上的问题。", "No unanswered questions in this window."),
    "ins.gap.asks": ("被问 {n} 次", "asked {n} times"),
    "ins.gap.questions": ("{n} 种问法", "{n} phrasings"),
    "ins.gap.low": ("{n} 次答不上", "{n} not answered"),
    "ins.gap.dismissed": ("{n} 次不采用", "{n} dismissed"),
    "ins.write": ("写一个案例", "Write a case for this"),
    "ins.nearest": ("资料库里最接近的：", "Closest in the library today:"),
    "ins.by_situation": ("最常问的客户情境", "Most asked, by customer situation"),
    "ins.no_situation": ("（未识别情境）", "(no known situation)"),
    "ins.by_channel": ("按渠道", "By channel"),
    "ins.channel": ("渠道", "Channel"),
    "ins.channel.api": ("CRM 接口", "CRM API"),
    "ins.channel.pages": ("网页", "Pages"),
    "ins.channel.mcp": ("MCP 助手", "MCP assistant"),
    "ins.channel.cli": ("命令行", "Command line"),
    "ins.kind": ("方式", "Kind"),
    "ins.kind.search": ("搜索", "Search"),
    "ins.kind.recommend": ("推荐", "Recommend"),
    "ins.items": ("各情境下被采用和不采用的条目", "Items used and dismissed, per situation"),
    "ins.item": ("条目", "Item"),
    "ins.uncovered": ("被问到、却没有案例说明的理论", "Theories asked about that no case illustrates"),
    "ins.uncovered.intro": ("这些理论常出现在答案前列，但还没有一个案例说明它们。",
                            "These theories are often among the first answers, yet no case illustrates them."),
    "ins.answered": ("出现在答案前三", "In the first three answers"),
    "ins.csv": ("下载 CSV", "Download CSV"),
    "error.back": ("返回搜索", "Back to search"),
    "error.404": ("找不到这个页面", "Page not found"),
    "error.400": ("请求有误", "Bad request"),
    "error.503": ("资料库正在加载，请稍候", "The library is loading, one moment"),
    "error.other": ("出错了", "Something went wrong"),
    "footer": ("条目内容均摘自原始资料，出处见各条目。", "Item text is quoted from its sources; each item cites its own."),
}

EN_SEGMENTS: dict[str, str] = {
    "household": "Household", "individual": "Individual", "sme": "Small business", "enterprise": "Enterprise",
    "government": "Government", "finance": "Finance", "education": "Education",
    "key_account": "Key account", "general": "General",
}
EN_CHANNELS: dict[str, str] = {
    "community_manager": "Community manager", "account_manager": "Account manager",
    "direct_sales": "Direct sales", "store": "Store", "telesales": "Telesales", "online": "Online",
    "management": "Management",
}
EN_OUTCOMES: dict[str, str] = {"success": "Success", "partial": "Partial", "failure": "Failure",
                               "unknown": "Not stated"}
LABELS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "segment": (SEGMENT_LABELS, EN_SEGMENTS),
    "channel": (CHANNEL_LABELS, EN_CHANNELS),
    "outcome": (OUTCOME_LABELS, EN_OUTCOMES),
    "kind": (KIND_LABELS, KIND_LABELS_EN),  # an item's `kind`, as the item page and the editor show it
}


class Words:
    """The page words for one language; templates call it as `t("key")` and its helpers."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else "zh"
        self._index = 0 if self.lang == "zh" else 1

    def __call__(self, key: str, **values: Any) -> str:
        pair = STRINGS.get(key)
        text = pair[self._index] if pair else key
        return text.format(**values) if values else text

    def join(self, values: list[str]) -> str:
        """A list in running text: 、 between Chinese items, a comma between English ones."""
        return ("、" if self.lang == "zh" else ", ").join(values)

    def label(self, kind: str, value: str) -> str:
        """Label of an annotation value: kind is segment, channel, outcome or kind."""
        return LABELS[kind][self._index].get(value, value)

    def tag(self, vocabulary: Vocabulary, name: str) -> str:
        """A tag as the page's reader says it: its Chinese label on the Chinese pages (items write the
        tag's ASCII id), the id itself on the English ones and for a tag the vocabulary lacks."""
        concept = vocabulary.concept(name, "tag")
        return concept.label if concept is not None and self.lang == "zh" else name

    def concept(self, vocabulary: Vocabulary, name: str, kind: Kind | None = None) -> str:
        """An annotation: a situation or product (by id, or as an item writes it: its Chinese label) as the page's
        reader says it: the concept's Chinese label on the Chinese pages, its English label on the
        English ones; a term the vocabulary lacks stays as written. A tag goes through `tag`."""
        # Items write a tag's ASCII id, which some situation may also list as a synonym: the tag wins.
        found = (vocabulary.concept(name, "tag") if kind in (None, "tag") else None) or vocabulary.lookup(name, kind)
        if found is None:
            return name
        if found.kind == "tag":
            return self.tag(vocabulary, found.id)
        return found.label if self.lang == "zh" else found.label_en

    def title(self, obj: Any) -> str:
        return obj.title if self.lang == "zh" else obj.title_en

    def alt_title(self, obj: Any) -> str:
        return obj.title_en if self.lang == "zh" else obj.title

    def summary(self, obj: Any) -> str:
        return obj.summary if self.lang == "zh" else obj.summary_en

    def helpers(self) -> dict[str, Callable[..., str] | str]:
        return {"t": self, "lang": self.lang, "label": self.label, "title_of": self.title,
                "alt_title_of": self.alt_title, "summary_of": self.summary, "tag_name": self.tag,
                "concept_name": self.concept}
