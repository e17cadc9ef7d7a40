"""Knowledge views and Dify-style metadata conditions (casebook/knowledge.py), on items of the library."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from casebook.knowledge import Condition, MetadataCondition, knowledge_views
from casebook.loader import load_library
from casebook.settings import BUILTIN_LIBRARY

LIBRARY = load_library(BUILTIN_LIBRARY)
LANDLORD = LIBRARY.get("case-05-sincere-marketing-arrears-landlord")


def holds(name, operator, value=None, item=LANDLORD) -> bool:
    return Condition(name=name, comparison_operator=operator, value=value).allows(item)


def test_views_are_all_and_one_per_type():
    views = knowledge_views(LIBRARY)
    assert {"all", "cases", "theories", "scripts"} <= set(views)
    assert [i.id for i in LIBRARY.items if views["theories"].allows(i)] == [i.id for i in LIBRARY.of_type("theory")]
    assert all(views["all"].allows(i) for i in LIBRARY.items)


@pytest.mark.parametrize(("name", "operator", "value", "expected"), [
    ("tag", "contains", "arrear", True),
    ("tag", "not contains", "arrear", False),
    ("tag", "is", "ARREARS", True),  # case-insensitive
    ("tag", "is not", "arrears", False),
    ("tag", "is not", "retention", True),
    ("situation", "start with", "欠费", True),
    ("situation", "end with", "客户", True),
    ("situation", "start with", "搬走", False),
    ("product", "in", ["ADSL", "e8"], True),
    ("product", "not in", ["e8"], True),
    ("product", "in", "e8, 合家欢", False),  # a comma-separated string is a list too
    ("segment", "is", "household", True),
    ("segment", "is", "家庭客户", True),  # or by its Chinese label
    ("channel", "is", "store", False),
    ("type", "is", "case", True),
    ("tags", "not empty", None, True),  # plural field names work
    ("situation", "empty", None, False),
])
def test_each_operator_on_a_listed_field(name, operator, value, expected):
    assert holds(name, operator, value) is expected


def test_a_field_with_no_values_is_empty():
    script = next(i for i in LIBRARY.items if not i.channels)
    assert holds("channel", "empty", item=script) and not holds("channel", "not empty", item=script)
    assert holds("channel", "not contains", "store", item=script)


def test_and_needs_every_condition_or_any_one():
    yes = {"name": "type", "comparison_operator": "is", "value": "case"}
    no = {"name": "type", "comparison_operator": "is", "value": "theory"}
    assert not MetadataCondition(logical_operator="and", conditions=[yes, no]).allows(LANDLORD)
    assert MetadataCondition(logical_operator="or", conditions=[yes, no]).allows(LANDLORD)
    assert MetadataCondition(conditions=[]).allows(LANDLORD)


def test_a_list_of_names_tests_their_values_together():
    assert holds(["tag", "product"], "is", "ADSL") and holds(["tag", "product"], "is", "arrears")


@pytest.mark.parametrize(("name", "operator", "value"), [
    ("colour", "is", "red"),  # unknown field
    ("tag", "is", None),  # value needed
    ("tag", "in", []),
    ("tag", "before", "2020-01-01"),  # Dify's date and number operators mean nothing here
])
def test_invalid_conditions_are_refused_with_a_message(name, operator, value):
    with pytest.raises(ValidationError) as refused:
        Condition(name=name, comparison_operator=operator, value=value)
    assert str(refused.value)


def test_null_operator_and_conditions_as_dify_sends_them_mean_and_and_none():
    condition = MetadataCondition.model_validate({"logical_operator": None, "conditions": None})
    assert condition.logical_operator == "and" and condition.conditions == [] and condition.allows(LANDLORD)
