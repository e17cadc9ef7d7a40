"""One request and response example per endpoint, shown in `/openapi.json` and the docs (real library data)."""

from __future__ import annotations

from typing import Any

CUSTOMER: dict[str, Any] = {
    "segment": "household",
    "products": ["固定电话"],
    "arrears_months": 3,
    "events": ["欠费催缴"],
    "channel": "community_manager",
}

RECOMMEND_REQUEST: dict[str, Any] = {"text": "房东联系不上,租户已经搬走", "customer": CUSTOMER, "limit": 1}

_CASE = {
    "id": "case-05-sincere-marketing-arrears-landlord",
    "type": "case",
    "title": "真诚营销：租户搬走、房东难找，恳谈并修好ADSL追回欠费",
    "title_en": "Sincere marketing: tracing an absent landlord, fixing his ADSL and recovering three months of arrears",
    "summary": "出租屋电话连续3个月欠费，租户搬走、房东不见，社区经理通过客户登记资料找到房东另一部电话，上门恳谈不责备，"
               "并主动修好房东家掉线的ADSL，追回欠费并赢得尊敬。",
    "summary_en": "A rented home was three months in arrears with the tenant gone; the manager found the landlord's "
                  "other number in the customer records, visited and asked politely without blame, fixed the "
                  "landlord's slow, dropping ADSL, and recovered the debt.",
    "path": "cases/case-05-sincere-marketing-arrears-landlord.md",
}

REQUEST_ID = "6f1c0e6c9b2d4d7f8a3e2b1c0d9e8f7a"

RECOMMEND_RESPONSE: dict[str, Any] = {
    "request_id": REQUEST_ID,
    "query": "房东联系不上,租户已经搬走；家庭客户；固定电话；欠费3个月；欠费催缴；社区经理",
    "low_confidence": False,
    "cases": [{**_CASE, "score": 6.9624, "relevance": 0.9651, "why": {
        "fields": {"segment": [{"id": "household", "label": "家庭客户"}],
                   "channel": [{"id": "community_manager", "label": "社区经理"}],
                   "products": [{"id": "landline", "label": "固定电话"}],
                   "events": [{"id": "unpaid-bills", "label": "欠费催缴"}],
                   "arrears_months": [{"id": "unpaid-bills", "label": "欠费催缴"}],
                   "text": [{"id": "customer-unreachable", "label": "联系不上客户"}]},
        "matched_terms": ["房东", "联系", "租户", "搬走", "欠费", "催缴", "社区经理"],
        "matched_annotations": ["联系不上客户", "固定电话", "欠费催缴", "arrears"],
        "linked_from": [], "search_rank": 1}}],
    "theories": [{
        "id": "theory-database-marketing", "type": "theory", "title": "数据库营销",
        "title_en": "Database marketing: a customer information system used for targeted marketing",
        "summary": "把有效客户信息建成客户信息系统（数据库），按营销标准分类筛选，有目的地向客户提供针对性的营销服务（解决方案）。",
        "summary_en": "Building collected customer information into a customer database, filtering it by marketing "
                      "criteria and offering each group targeted services and solutions.",
        "score": 2.0129, "relevance": 0.9651, "path": "playbook/theories/theory-database-marketing.md",
        "why": {"fields": {}, "matched_terms": [], "matched_annotations": [],
                "linked_from": ["case-05-sincere-marketing-arrears-landlord"], "search_rank": None}}],
    "scripts": [],
}

SEARCH_RESPONSE: dict[str, Any] = {
    "request_id": REQUEST_ID,
    "query": "客户要销号怎么挽留",
    "low_confidence": False,
    "results": [{
        "id": "script-retention-probing-questions", "type": "script", "title": "客户挽留专业问话的方法",
        "title_en": "Retention probing questions: four ways to ask why a customer wants to leave before you respond",
        "summary": "个人服务挽留第一步“知彼解己”：先知道对方离网原因才能有效应对，挽留问话是关键。",
        "summary_en": "First step of one-to-one retention, know the reason before you respond.",
        "score": 3.6582, "relevance": 0.8149, "path": "playbook/scripts/script-retention-probing-questions.md",
        "snippet": "<mark>客户</mark><mark>挽留</mark>问话是关键;",
        "why": {"signals": {"bm25": {"rank": 3, "score": 3.6722}, "use": {"rank": 2, "score": 0.5537},
                            "e5": {"rank": 2, "score": 0.9075}},
                "matched_terms": ["客户", "挽留"], "matched_annotations": ["申请销号"]}}],
}

ITEM_PAGE: dict[str, Any] = {
    "total": 4, "offset": 0, "limit": 1,
    "items": [{**_CASE, "kind": "story", "tags": ["arrears", "landlord", "rental", "adsl"]}],
}

ITEM_DETAIL: dict[str, Any] = {
    "id": "theory-sincere-marketing",
    "type": "theory",
    "front_matter": {
        "id": "theory-sincere-marketing", "type": "theory", "kind": "principle", "title": "真诚营销",
        "title_en": "Sincere marketing: treat customers with genuine sincerity from their point of view",
        "summary": "营销人员对客户赤诚相待，站在客户角度思考。", "summary_en": "Treat customers with complete sincerity.",
        "source": {"document": "000_de215c6a59c0f009.txt", "title": "客户关系管理案例", "section": "[案例]5"},
        "situations": ["欠费催缴", "客户沟通", "赢得客户信任"], "segments": ["general"], "channels": [],
        "products": [], "outcome": None, "tags": ["sincerity", "empathy", "trust"], "theories": [], "scripts": [],
    },
    "markdown": "## 理论\n\n真诚营销是指……\n",
    "html": "<h2>理论</h2>\n<p>真诚营销是指……</p>",
    "backlinks": ["case-05-sincere-marketing-arrears-landlord"],
    "path": "playbook/theories/theory-sincere-marketing.md",
}

ERROR: dict[str, Any] = {
    "status": 422, "error": "invalid", "message": "k (query): Input should be less than or equal to 100",
    "request_id": "6f1c0e6c9b2d4d7f8a3e2b1c0d9e8f7a",
    "details": [{"field": "k (query)", "message": "Input should be less than or equal to 100"}],
}

VOCABULARY: dict[str, Any] = {
    "families": [{"id": "churn", "label": "销号与流失", "label_en": "Cancellation and churn"}],
    "concepts": [{"id": "cancellation-request", "kind": "situation", "label": "申请销号",
                  "label_en": "Customer asks to cancel",
                  "synonyms": ["销号", "消号", "销户", "消户", "拆机", "cancel the line", "terminate"],
                  "family": "churn", "items": 7}],
}

FEEDBACK_REQUEST: dict[str, Any] = {"request_id": REQUEST_ID, "item_id": "case-05-sincere-marketing-arrears-landlord",
                                    "action": "used", "user": "crm-user-0042"}
FEEDBACK_ACCEPTED: dict[str, Any] = {"request_id": REQUEST_ID, "item_id": "case-05-sincere-marketing-arrears-landlord",
                                     "action": "used", "recorded": True}

INSIGHTS: dict[str, Any] = {
    "window": {"days": 30, "since": 1767225600.0, "until": 1769817600.0},
    "totals": {"asks": 1250, "search": 410, "recommend": 840, "low_confidence": 96, "opened": 310, "used": 122,
               "dismissed": 41},
    "asked_by_situation": [{"situation_id": "申请销号", "situation": "申请销号", "asks": 212, "api": 180, "pages": 32,
                            "mcp": 0, "cli": 0}],
    "asked_by_channel": [{"channel": "api", "kind": "recommend", "asks": 840, "low_confidence": 51}],
    "gaps": [{"label": "客户要求携号转网怎么办理", "asks": 37, "questions": 6, "low_confidence": 31, "dismissed": 9,
              "examples": ["客户要求携号转网怎么办理", "携号转网需要什么条件", "how does number portability work"],
              "nearest": [{"id": "theory-customer-retention-steps", "type": "theory", "title": "客户挽留步骤",
                           "title_en": "Customer retention steps"}]}],
    "items": [{"situation_id": "申请销号", "situation": "申请销号", "item_id": "script-retention-probing-questions",
               "type": "script", "title": "客户挽留专业问话的方法", "used": 18, "dismissed": 2, "opened": 40}],
    "uncovered_theories": [{"theory_id": "theory-price-war-vortex", "title": "价格战漩涡",
                            "title_en": "The price-war vortex", "asks": 14, "used": 1}],
}

ITEM_WRITE: dict[str, Any] = {
    "front_matter": {
        "id": "case-gd2027-01-late-fee-waiver", "type": "case", "kind": "story", "title": "减免滞纳金留住老客户",
        "title_en": "Waiving a late fee keeps a long-standing customer",
        "summary": "老客户因滞纳金投诉要求销号，社区经理核实后申请减免，客户留网。",
        "summary_en": "An old customer complained about a late fee and asked to cancel; the manager checked, "
                      "had it waived, and the customer stayed.",
        "source": {"document": "gd2027.docx", "title": "2027年社区经理案例", "section": "[案例]1"},
        "situations": ["申请销号", "投诉"], "segments": ["household"], "channels": ["community_manager"],
        "products": ["固定电话"], "outcome": "success", "tags": ["retention", "complaint"],
        "theories": ["theory-sincere-marketing"], "scripts": [],
    },
    "body": "## 案例\n\n（案例原文）\n",
    "message": "Add the late-fee case from the 2027 collection",
}

ITEM_SAVED: dict[str, Any] = {
    "id": "case-gd2027-01-late-fee-waiver", "path": "cases/case-gd2027-01-late-fee-waiver.md",
    "etag": "5d41402abc4b2a76b9719d911017c592ae3c1b2e8f0d44f6c7a8e9b0c1d2e3f4", "created": True,
    "audit": "git 3f2c9d1e0b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d", "searchable": True,
    "index_version": "v-20261130-141502-5120-402311", "reload_error": None,
}

ITEM_CHECK: dict[str, Any] = {
    "valid": False,
    "problems": [{"field": "theories", "message": "no item has id 'theory-no-such-thing'", "line": 22,
                  "code": "link-missing", "facts": {"target": "theory-no-such-thing"}},
                 {"field": "body", "message": "a phone or ID number in the body; mask it (138XXXX1234)",
                  "line": 27, "body_line": 3, "code": "personal-number", "facts": {"example": "138XXXX1234"}}],
}
