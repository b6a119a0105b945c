"""Words for workflow parts: durations and condition summaries, for names and diagrams.

    >>> duration(86_400_000), duration(300)
    ('1d', '300ms')
    >>> phrase("customer.flag", "not_equals", "fraud", want=False)
    'customer.flag = fraud'
    >>> phrase("items", "contains_where", {"path": "price", "operator": "greater_than", "value": 5})
    'items contains an item with price > 5'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from juo_flowtest.sandbox.definitions import ConditionItem, Conditions

_OPERATORS = {
    "equals": "=", "is": "=", "not_equals": "≠", "is_not": "≠", "greater_than": ">",
    "greater_than_or_equal": "≥", "less_than": "<", "less_than_or_equal": "≤",
}

#: Operators whose negation is (for the values a flow is given) another operator: a negated
#: item reads as that one. Orders and dates are not: ``not (a > 5)`` also holds when ``a`` is
#: missing, which ``a ≤ 5`` would hide.
_COMPLEMENTS = {
    "equals": "not_equals", "is": "is_not", "is_one_of": "is_not_one_of",
    "is_empty": "is_not_empty", "contains": "does_not_contain",
    "contains_where": "does_not_contain_where",
}
_COMPLEMENTS.update({v: k for k, v in list(_COMPLEMENTS.items())})


def duration(ms: float) -> str:
    """The shortest exact way to write ``ms`` as a flow duration."""
    ms = int(ms)
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)


def _where(spec: Any) -> str:
    """``an item with price > 5``, ``an item with {"status": "done"}``."""
    if isinstance(spec, dict) and "operator" in spec:
        inner = phrase(str(spec.get("path") or "it"), str(spec["operator"]), spec.get("value"))
        return f"an item with {inner}" if spec.get("path") else f"an item where {inner}"
    return f"an item with {_value(spec)}"


def phrase(name: str, operator: str, value: Any, want: bool = True,
           swapped: bool = False) -> str:
    """One condition item in words (``want=False``: the item must not hold)."""
    if not want and operator in _COMPLEMENTS:
        operator, want = _COMPLEMENTS[operator], True
    op = _OPERATORS.get(operator, operator.replace("_", " "))
    if operator in ("is_empty", "is_not_empty"):
        text = f"{name} {op}"
    elif operator in ("contains_where", "does_not_contain_where"):
        text = f"{name} {op.replace(' where', '')} {_where(value)}"
    elif swapped:
        text = f"{_value(value)} {op} {name}"
    else:
        text = f"{name} {op} {_value(value)}"
    return text if want else f"not ({text})"


def _item(item: ConditionItem) -> str:
    left = str(item.left.params.get("path") or item.left.params.get("stepId")
               or item.left.resolver)
    if item.right is None:
        return phrase(left, item.operator, None)
    right = item.right.params.get("value", item.right.params.get("path", item.right.resolver))
    return phrase(left, item.operator, right)


def describe_conditions(conditions: Conditions | None,
                        holds: Callable[[ConditionItem], bool] | None = None) -> str:
    """A one-line summary of a transition's conditions, for names and labels.

    With ``holds`` (whether an item is true for the run at hand), only the ``or`` branches
    that held are told: the way the run took, not every way there is.
    """
    if conditions is None:
        return "always"

    def kept(items: list[Any], logic: str, true: Callable[[Any], bool]) -> list[Any]:
        if holds is None or logic != "or":
            return items
        return [x for x in items if true(x)] or items

    groups = []
    for g in conditions.groups:
        items = kept(list(g.items), g.logic, lambda i: holds is not None and holds(i))
        groups.append((g, f" {g.logic} ".join(_item(i) for i in items), len(items)))
    chosen = kept(groups, conditions.root_logic, lambda entry: holds is not None and (
        all if entry[0].logic == "and" else any)(holds(i) for i in entry[0].items))
    joined = f" {conditions.root_logic} ".join(
        f"({text})" if len(chosen) > 1 and count > 1 else text for _, text, count in chosen)
    return joined or "always"
