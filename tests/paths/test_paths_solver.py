"""Values that make conditions hold, for every operator, both ways, and for and/or trees."""

from __future__ import annotations

from typing import Any

import pytest

from juo_flowtest.paths.solver import Known, Literal, Ref, alternatives, literal, solve
from juo_flowtest.sandbox.conditions import OPERATORS, Scope, met
from juo_flowtest.sandbox.definitions import ConditionGroup, ConditionItem, Conditions, Operand

RIGHT: dict[str, Any] = {
    "equals": "active", "is": 3, "not_equals": "active", "is_not": True,
    "greater_than": 5, "greater_than_or_equal": 6, "less_than": 2.5, "less_than_or_equal": "m",
    "is_one_of": ["a", "b"], "is_not_one_of": ["a", "b"], "contains": "vip",
    "does_not_contain": "vip", "is_before": "2025-01-01", "is_after": "2025-01-01T10:00:00Z",
    "is_on": "2025-03-01", "is_on_or_before": "2025-03-01", "is_on_or_after": "2025-03-01",
    "is_empty": None, "is_not_empty": None,
    "contains_where": {"path": "price", "operator": "greater_than", "value": 50},
    "does_not_contain_where": {"type": "loyalty", "active": True},
}


def test_every_operator_of_the_schema_has_a_right_hand_side_here() -> None:
    assert set(RIGHT) == set(OPERATORS)


@pytest.mark.parametrize("operator", sorted(RIGHT))
@pytest.mark.parametrize("want", [True, False])
def test_each_operator_is_solved_both_ways(operator: str, want: bool) -> None:
    var = ("context", "x.y")
    found = solve([Literal(var, operator, RIGHT[operator], want)], {})
    assert found is not None
    assert OPERATORS[operator](found[var], RIGHT[operator]) is want


def test_bounds_meet_in_the_middle_and_contradictions_fail() -> None:
    var = ("context", "n")
    both = solve([Literal(var, "greater_than", 5, True), Literal(var, "less_than", 6, True)], {})
    assert both == {var: 5.5}
    assert solve([Literal(var, "equals", 1, True), Literal(var, "equals", 2, True)], {}) is None


def _item(path: str, op: str, value: Any) -> ConditionItem:
    return ConditionItem(path, Operand("context", {"path": path}), op,
                         Operand("value", {"value": value}))


def test_and_or_trees_and_their_negations_are_satisfied_exactly() -> None:
    tree = Conditions("or", (
        ConditionGroup("a", "and", (_item("s", "equals", "active"),
                                    _item("n", "greater_than", 3))),
        ConditionGroup("b", "and", (_item("tags", "contains", "vip"),)),
    ))
    for want in (True, False):
        count = 0
        for lits in alternatives(tree, want, Known()):
            found = solve(lits, {})
            if found is None:
                continue
            context: dict[str, Any] = {k[1]: v for k, v in found.items()}
            assert met(tree, Scope(context)) is want
            count += 1
        assert count >= 2  # two ways to hold (either group), two ways to fail (per item)


def test_a_variant_is_chosen_among_the_steps_own() -> None:
    var = ("variant", "ab")
    lit = Literal(var, "is_one_of", ["b", "c"], True)
    assert solve([lit], {var: ["a", "b", "c"]}) == {var: "b"}
    assert solve([Literal(var, "equals", "z", True)], {var: ["a", "b"]}) is None


@pytest.mark.parametrize("operator", sorted(RIGHT))
@pytest.mark.parametrize("want", [True, False])
def test_two_unknowns_compared_with_each_other_are_solved_together(operator: str,
                                                                   want: bool) -> None:
    # order.total > customer.limit: both sides come from the context
    item = ConditionItem("cmp", Operand("context", {"path": "order.total"}), operator,
                         Operand("context", {"path": "customer.limit"}))
    lit = literal(item, want, Known())
    assert isinstance(lit, Literal)
    found = solve([lit], {})
    assert found is not None, operator
    context: dict[str, Any] = {}
    for var, value in found.items():
        if value is not None:
            context.setdefault(var[1].split(".")[0], {})[var[1].split(".")[1]] = value
    assert met(Conditions("and", (ConditionGroup("g", "and", (item,)),)),
               Scope(context)) is want


def test_a_bound_on_the_compared_unknown_is_kept() -> None:
    total, limit = ("context", "order.total"), ("context", "customer.limit")
    found = solve([Literal(total, "greater_than", Ref(limit), True),
                   Literal(limit, "greater_than_or_equal", 100, True)], {})
    assert found == {limit: 100, total: 101}
