"""Conditions in words: negations read as their opposite where it is exact, contains_where as
an item, and only the or-branches a run took."""

from __future__ import annotations

from typing import Any

from juo_flowtest.paths.words import describe_conditions, duration, phrase
from juo_flowtest.sandbox.conditions import Scope, holds
from juo_flowtest.sandbox.definitions import ConditionGroup, ConditionItem, Conditions, Operand


def test_negations_read_as_the_opposite_operator_where_it_is_exact() -> None:
    assert phrase("customer.flag", "not_equals", "fraud", want=False) == "customer.flag = fraud"
    assert phrase("s", "is_one_of", ["a", "b"], want=False) == 's is not one of ["a", "b"]'
    assert phrase("tags", "contains", "vip", want=False) == "tags does not contain vip"
    assert phrase("note", "is_empty", None, want=False) == "note is not empty"
    # an order is not: a missing value is neither above nor below
    assert phrase("n", "greater_than", 5, want=False) == "not (n > 5)"


def test_contains_where_reads_as_an_item() -> None:
    spec = {"path": "price", "operator": "greater_than_or_equal", "value": 40}
    assert phrase("items", "contains_where", spec) == "items contains an item with price ≥ 40"
    assert phrase("refunds", "does_not_contain_where", {"status": "done"}) == \
        'refunds does not contain an item with {"status": "done"}'


def _item(path: str, op: str, value: Any) -> ConditionItem:
    return ConditionItem(path, Operand("context", {"path": path}), op,
                         Operand("value", {"value": value}))


def test_only_the_or_branch_taken_is_told_when_the_run_is_known() -> None:
    tree = Conditions("or", (ConditionGroup("a", "and", (_item("d", "is_after", "2025-01-01"),)),
                             ConditionGroup("b", "and", (_item("n", "greater_than", 3),
                                                         _item("s", "equals", "x")))))
    assert describe_conditions(tree) == "d is after 2025-01-01 or (n > 3 and s = x)"
    scope = Scope({"n": 4, "s": "x"})
    assert describe_conditions(tree, lambda i: holds(i, scope)) == "n > 3 and s = x"


def test_durations_are_written_the_shortest_exact_way() -> None:
    assert [duration(ms) for ms in (86_400_000, 60_000, 90_061, 300)] == \
        ["1d", "1m", "90061ms", "300ms"]
