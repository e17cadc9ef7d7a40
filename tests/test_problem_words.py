"""Every problem lint reports has a stable code, and the editor pages have words for each code (and
each reason an upload fails) in Chinese and in English, stating the same facts as the message."""

from __future__ import annotations

import re
import string

import pytest
from helpers import copy_library, item_text, write_item

from casebook.api.editor.i18n import EditorWords
from casebook.importers import UnreadableDocument
from casebook.lint import lint
from casebook.loader import Problem
from casebook.problem_codes import PROBLEM_CODES

CHINESE = re.compile(r"[\u4e00-\u9fff]")
WHERE = {"field", "line"}  # every problem has them besides its facts
CASE = "case-05-sincere-marketing-arrears-landlord"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(PROBLEM_CODES))
def test_every_problem_code_has_chinese_and_english_words_with_its_facts(code):
    chinese, english = EditorWords("zh")(f"problem.{code}"), EditorWords("en")(f"problem.{code}")
    assert CHINESE.search(chinese) and not CHINESE.search(english)
    for words in (chinese, english):
        assert placeholders(words) <= set(PROBLEM_CODES[code]) | WHERE, words


@pytest.mark.parametrize("reason", [*UnreadableDocument.REASONS, "exists"])
def test_every_import_reason_has_chinese_and_english_words(reason):
    chinese, english = EditorWords("zh")(f"import.reason.{reason}"), EditorWords("en")(f"import.reason.{reason}")
    assert CHINESE.search(chinese) and english != f"import.reason.{reason}" and not CHINESE.search(english)


def test_a_problem_without_a_known_code_or_with_other_facts_is_refused():
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem("cases/x.md", 1, "something", code="no-such-code")
    with pytest.raises(ValueError, match="carries"):
        Problem("cases/x.md", 1, "no item has id 'x'", code="link-missing", facts={"id": "x"})


def test_lint_gives_each_problem_its_code_and_facts_beside_the_english_message(tmp_path):
    lib = copy_library(tmp_path / "lib", [CASE])
    text = item_text(lib, CASE).replace("- theory-sincere-marketing", "- theory-no-such-thing", 1)
    write_item(lib, f"cases/{CASE}.md", text.replace("\n---\n", "\nreview: [situations]\n---\n", 1))
    found = {p.code: p for p in lint(lib)}
    assert found["link-missing"].facts == {"target": "theory-no-such-thing"}
    assert found["link-missing"].message == "theories: no item has id 'theory-no-such-thing'"
    assert found["fields-to-review"].facts == {"fields": ["situations"]}
