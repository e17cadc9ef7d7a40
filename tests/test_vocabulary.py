"""The vocabulary: lookups in any case, width and language, matching in text, and its file linted at path:line."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

import pytest
from helpers import ROOT, copy_library, write_item
from vocabulary_helpers import VOCABULARY, line_of, speaking_library

from casebook.lint import lint
from casebook.loader import load_library
from casebook.vocabulary import VOCABULARY_FILE, load_vocabulary
from casebook.vocabulary_file import vocabulary_from_text

CASE = "case-05-sincere-marketing-arrears-landlord"


@pytest.fixture(scope="module")
def vocab():
    found = vocabulary_from_text(VOCABULARY)
    assert found.problems == []
    return found


def problems_of(text: str) -> list[str]:
    return [str(p) for p in vocabulary_from_text(text).problems]


# --- lookups ---------------------------------------------------------------------------------

def test_lookup_finds_a_concept_by_id_label_english_label_or_synonym(vocab):
    for term in ("cancellation-request", "申请销号", "Customer asks to cancel", "消号", "cancel the line"):
        assert vocab.lookup(term).id == "cancellation-request", term


def test_lookup_ignores_case_width_and_hyphens(vocab):
    assert vocab.lookup("ＧＬＯＢＡＬＴＯＮＧ").id == "gotone"
    assert vocab.lookup("CANCEL  THE LINE").id == "cancellation-request"
    assert vocab.lookup("customer retention", "tag").id == "retention"


def test_lookup_keeps_kinds_apart(vocab):
    assert vocab.lookup("固话", "product").id == "fixed-line"
    assert vocab.lookup("固话", "situation") is None
    assert vocab.lookup("要求退款") is None


def test_concept_by_id_has_its_kind_family_and_canonical_term(vocab):
    concept = vocab.concept("cancellation-request")
    assert (concept.kind, concept.family, concept.canonical) == ("situation", "churn", "申请销号")
    assert vocab.concept("retention").canonical == "retention"  # items write a tag's id
    assert vocab.concept("no-such-concept") is None


def test_of_kind_and_families_follow_the_file(vocab):
    assert [c.id for c in vocab.of_kind("product")] == ["gotone", "fixed-line"]
    assert [f.id for f in vocab.families] == ["churn", "spend"]


def test_glossary_gives_each_product_one_english_name(vocab):
    assert vocab.glossary() == {"全球通": "GoTone", "固定电话": "fixed line"}


def test_misnamed_products_are_other_renderings_of_a_brand_name(vocab):
    assert [(name, c.id) for name, c in vocab.misnamed_products("Two Global Tong users and a GoTone one")] == [
        ("Global Tong", "gotone")]
    assert vocab.misnamed_products("a GoTone user with a landline") == []  # landline: a plain word


def test_a_part_of_the_glossary_name_is_not_a_misname():
    text = "products:\n  - {id: tianyi, label: 天翼, label_en: e-Surfing (Tianyi), synonyms: [Tianyi, Surfing]}\n"
    vocabulary = vocabulary_from_text(text)
    assert vocabulary.misnamed_products("an e-Surfing (Tianyi) phone") == []
    assert vocabulary.misnamed_products("a Tianyi phone") == []


# --- find_in_text ----------------------------------------------------------------------------

def test_find_in_text_names_every_concept_in_chinese_text(vocab):
    found = vocab.find_in_text("老客户要求消号，家里的座机长途话费下降了")
    assert {c.id for c in found} == {"cancellation-request", "fixed-line", "long-distance-spend-falls"}


def test_find_in_text_prefers_the_longest_term_where_terms_overlap(vocab):
    found = vocab.find_in_text("长途话费下降", kinds=["situation"])
    assert [c.id for c in found] == ["long-distance-spend-falls"]  # not also 话费下降
    assert [c.id for c in vocab.find_in_text("他要求销号，话费下降")] == ["cancellation-request", "spend-falls"]


def test_find_in_text_matches_english_on_word_boundaries_in_any_case(vocab):
    found = vocab.find_in_text("The customer wants to CANCEL THE LINE; a GlobalTong user.")
    assert [c.id for c in found] == ["cancellation-request", "gotone"]
    assert vocab.find_in_text("he terminated the landlines") == []


def test_find_in_text_can_be_limited_to_kinds(vocab):
    text = "全球通客户要销户"
    assert [c.id for c in vocab.find_in_text(text, kinds="product")] == ["gotone"]
    assert [c.kind for c in vocab.find_in_text(text)] == ["product", "situation"]


def test_find_in_text_takes_well_under_a_millisecond_for_200_characters():
    families = "families:\n  - {id: f, label: 家族, label_en: family}\n"
    rows = [f"  - {{id: s{n}, label: 情境{n:04d}, label_en: situation {n}, family: f, "
            f"synonyms: [同义词{n:04d}, other way {n}]}}" for n in range(1000)]
    big = vocabulary_from_text(families + "situations:\n" + "\n".join(rows) + "\n")
    assert big.problems == [] and len(big) == 1000
    text = ("客户说话费太高要求销号，情境0420 出现了，other way 77 too; " * 6)[:200]
    times = []
    for _ in range(50):
        start = time.perf_counter()
        found = big.find_in_text(text)
        times.append(time.perf_counter() - start)
    assert {c.id for c in found} == {"s420", "s77"}
    assert statistics.median(times) < 0.001  # measured ~0.1 ms on the 2-core machine


# --- the vocabulary file, linted at path:line -------------------------------------------------

def test_duplicate_id_is_reported_on_the_second_entry():
    text = VOCABULARY.replace("products:\n", "  - {id: spend-falls, label: 客户抱怨, label_en: complaint, family: spend}\n"
                                              "products:\n")
    assert problems_of(text) == [f"{VOCABULARY_FILE}:{line_of(text, 'id: spend-falls, label: 客户抱怨')}: id "
                                 f"'spend-falls' is also the id of the situation at line {line_of(text, 'id: spend-falls')}"]


def test_a_tag_may_share_an_id_with_a_situation():
    text = VOCABULARY + "  - {id: spend-falls, label: 话费减少, label_en: spend falls}\n"
    vocabulary = vocabulary_from_text(text)
    assert vocabulary.problems == []
    assert vocabulary.concept("spend-falls").kind == "situation"
    assert vocabulary.concept("spend-falls", "tag").label == "话费减少"


def test_a_synonym_claimed_by_two_concepts_is_reported_on_its_line():
    text = VOCABULARY.replace("synonyms: [消费下降, spending less]", "synonyms: [消费下降, 消号]")
    found = problems_of(text)
    assert found == [f"{VOCABULARY_FILE}:{line_of(text, '消号]')}: '消号' is claimed by two situations: "
                     f"cancellation-request (line {line_of(text, '消号,')}) and spend-falls; "
                     "a term belongs to one concept"]


def test_a_block_list_synonym_claimed_twice_is_reported_on_its_own_line():
    text = VOCABULARY.replace("      - long-distance spend falls\n", "      - long-distance spend falls\n      - 销户\n")
    assert [p.split(": ", 1)[0] for p in problems_of(text)] == [f"{VOCABULARY_FILE}:{line_of(text, '- 销户')}"]


def test_a_family_that_does_not_exist_is_reported_on_the_family_line():
    text = VOCABULARY.replace("family: spend\n    synonyms: [消费下降", "family: spending\n    synonyms: [消费下降")
    assert problems_of(text) == [f"{VOCABULARY_FILE}:{line_of(text, 'family: spending')}: spend-falls: family "
                                 "'spending' does not exist (the families are: churn, spend)"]


def test_a_missing_field_is_reported_on_its_entry():
    text = VOCABULARY.replace("    label_en: Spend falls\n", "")
    assert problems_of(text) == [f"{VOCABULARY_FILE}:{line_of(text, 'id: spend-falls')}: situations entry "
                                 "'spend-falls': label_en: Field required"]


def test_bad_yaml_is_reported_at_its_line():
    text = VOCABULARY.replace("synonyms: [消费下降, spending less]", "synonyms: [消费下降, spending less")
    found = problems_of(text)
    assert len(found) == 1 and found[0].startswith(f"{VOCABULARY_FILE}:") and "not valid YAML" in found[0]
    assert int(found[0].split(":")[1]) >= line_of(text, "[消费下降")


def test_an_unknown_section_is_reported():
    text = VOCABULARY + "situation:\n  - {id: x, label: 某, label_en: x}\n"
    assert problems_of(text) == [f"{VOCABULARY_FILE}:{line_of(text, 'situation:', 'tags:')}: unknown section "
                                 "'situation'; the sections are families, situations, products, tags"]


def test_broken_vocabulary_problems_reach_lint_and_lint_exits_non_zero(tmp_path):
    root = speaking_library(tmp_path / "lib", [CASE])
    text = (root / VOCABULARY_FILE).read_text(encoding="utf-8").replace("family: churn", "family: nowhere", 1)
    write_item(root, VOCABULARY_FILE, text)
    run = subprocess.run([sys.executable, "-m", "casebook", "lint", "--library", str(root)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert f"{VOCABULARY_FILE}:{line_of(text, 'family: nowhere')}: cancellation-request: family 'nowhere'" in run.stdout


def test_a_library_without_vocabulary_is_one_problem_and_still_loads(tmp_path):
    root = copy_library(tmp_path / "lib", [CASE])
    (root / VOCABULARY_FILE).unlink(missing_ok=True)
    found = [str(p) for p in lint(root)]
    assert found == [f"{VOCABULARY_FILE}:1: no vocabulary file: situations, products and tags are not checked; "
                     "write one (see docs/VOCABULARY.md) to give them one meaning each"]
    library = load_library(root)
    assert len(library.vocabulary) == 0 and library.vocabulary.lookup("消号") is None


def test_the_builtin_vocabulary_loads_without_problems():
    vocabulary = load_vocabulary(ROOT)
    assert vocabulary.exists and vocabulary.problems == []
    assert len(vocabulary.of_kind("situation")) <= 150  # a hundred-odd concepts, not 350 phrases


# --- casebook vocabulary -----------------------------------------------------------------------

def test_vocabulary_command_lists_concepts_with_how_many_items_use_them(tmp_path):
    root = speaking_library(tmp_path / "lib", [CASE])
    run = subprocess.run([sys.executable, "-m", "casebook", "vocabulary", "--json", "--kind", "situation",
                          "--library", str(root)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    library = load_library(root)
    assert {c["kind"] for c in data["concepts"]} == {"situation"}
    for concept in data["concepts"]:
        assert concept["items"] == sum(1 for i in library.items if concept["label"] in i.situations)
    assert [f["id"] for f in data["families"]] == ["churn", "spend"]
