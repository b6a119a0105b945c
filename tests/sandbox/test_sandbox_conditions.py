"""The 21 condition operators and the four resolvers, at unit level."""

from __future__ import annotations

from typing import Any

import pytest

from juo_flowtest.sandbox.conditions import OPERATORS, Scope, dig, met, resolve
from juo_flowtest.sandbox.definitions import (
    ConditionGroup,
    ConditionItem,
    Conditions,
    Operand,
)

ITEMS = [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 5}]
CASES: list[tuple[str, Any, Any, bool]] = [
    ("equals", 6, 6.0, True), ("equals", "6", 6, False), ("equals", True, 1, False),
    ("not_equals", "a", "b", True), ("not_equals", 1, 1, False),
    ("greater_than", 7, 6, True), ("greater_than", 6, 6, False), ("greater_than", "7", 6, False),
    ("greater_than_or_equal", 6, 6, True), ("greater_than_or_equal", None, 6, False),
    ("less_than", 1.5, 2, True), ("less_than", 2, 2, False),
    ("less_than_or_equal", 2, 2, True), ("less_than_or_equal", 3, 2, False),
    ("is", True, True, True), ("is", "active", "paused", False),
    ("is_not", "active", "paused", True), ("is_not", False, False, False),
    ("is_one_of", "b", ["a", "b"], True), ("is_one_of", "c", ["a", "b"], False),
    ("is_one_of", "a", "a", False),
    ("is_not_one_of", "c", ["a", "b"], True), ("is_not_one_of", "a", ["a"], False),
    ("contains", ["vip", "eu"], "vip", True), ("contains", ["vip"], ["vip", "eu"], False),
    ("contains", "premium plan", "plan", True), ("contains", 5, 5, False),
    ("does_not_contain", ["eu"], "vip", True), ("does_not_contain", "abc", "b", False),
    ("is_before", "2024-01-01", "2024-01-02T00:00:00Z", True),
    ("is_before", "2024-01-02", "2024-01-01", False), ("is_before", "nonsense", "2024", False),
    ("is_after", "2024-03-01T10:00:00+02:00", "2024-03-01T07:59:00Z", True),
    ("is_after", "2024-01-01", "2024-01-01", False),
    ("is_on", "2024-05-05T23:00:00Z", "2024-05-05", True),
    ("is_on", "2024-05-06T00:00:01Z", "2024-05-05", False),
    ("is_on_or_before", "2024-05-05T12:00:00Z", "2024-05-05", True),
    ("is_on_or_before", "2024-05-06", "2024-05-05", False),
    ("is_on_or_after", "2024-05-05", "2024-05-05T18:00:00Z", True),
    ("is_on_or_after", "2024-05-04", "2024-05-05", False),
    ("is_empty", [], None, True), ("is_empty", None, None, True), ("is_empty", "x", None, False),
    ("is_not_empty", {"a": 1}, None, True), ("is_not_empty", "", None, False),
    ("contains_where", ITEMS, {"sku": "B"}, True), ("contains_where", ITEMS, {"sku": "C"}, False),
    ("contains_where", ITEMS, {"path": "qty", "operator": "greater_than", "value": 4}, True),
    ("contains_where", ITEMS, {"path": "qty", "operator": "greater_than", "value": 5}, False),
    ("does_not_contain_where", ITEMS, {"sku": "C"}, True),
    ("does_not_contain_where", ITEMS, {"sku": "A"}, False),
]


def test_every_documented_operator_is_implemented() -> None:
    documented = """equals, not_equals, greater_than, greater_than_or_equal, less_than,
    less_than_or_equal, is, is_not, is_one_of, is_not_one_of, contains, does_not_contain,
    is_before, is_after, is_on, is_on_or_before, is_on_or_after, is_empty, is_not_empty,
    contains_where, does_not_contain_where"""
    names = {n.strip() for n in documented.split(",")}
    assert set(OPERATORS) == names and len(names) == 21
    assert {case[0] for case in CASES} == names


@pytest.mark.parametrize(("operator", "left", "right", "expected"), CASES)
def test_operator(operator: str, left: Any, right: Any, expected: bool) -> None:
    assert OPERATORS[operator](left, right) is expected


def test_dig_paths() -> None:
    data = {"subscription": {"items": [{"sku": "A"}], "cycle_count": 7}}
    assert dig(data, "subscription.cycle_count") == 7
    assert dig(data, "subscription.items.0.sku") == "A"
    assert dig(data, "subscription.items.3.sku") is None
    assert dig(data, "subscription.missing.deeper") is None


def test_resolvers() -> None:
    scope = Scope({"customer": {"tags": ["vip"]}}, "too_expensive", {"note": "hi"},
                  {"price_experiment": "discount_20"})
    assert resolve(Operand("context", {"path": "customer.tags"}), scope) == ["vip"]
    assert resolve(Operand("response", {}), scope) == "too_expensive"
    assert resolve(Operand("response", {"path": "note"}), scope) == "hi"
    assert resolve(Operand("variant", {"stepId": "price_experiment"}), scope) == "discount_20"
    assert resolve(Operand("variant", {"stepId": "other"}), scope) is None
    assert resolve(Operand("value", {"value": 3}), scope) == 3


def _item(path: str, operator: str, value: Any) -> ConditionItem:
    return ConditionItem("i", Operand("context", {"path": path}), operator,
                         Operand("value", {"value": value}))


@pytest.mark.parametrize(("root", "logic", "expected"), [
    ("and", "and", False), ("and", "or", True), ("or", "and", True), ("or", "or", True)])
def test_root_logic_and_group_logic(root: str, logic: str, expected: bool) -> None:
    scope = Scope({"n": 5, "tag": "vip"})
    mixed = ConditionGroup("g1", logic, (_item("n", "greater_than", 9), _item("n", "equals", 5)))
    true = ConditionGroup("g2", "and", (_item("tag", "equals", "vip"),))
    assert met(Conditions(root, (mixed, true)), scope) is expected


def test_no_conditions_hold() -> None:
    assert met(None, Scope({})) and met(Conditions("and", ()), Scope({}))
