"""Words for workflow parts: durations and condition summaries, for names and diagrams.

    >>> duration(86_400_000), duration(300)
    ('24h', '300ms')
"""

from __future__ import annotations

import json
from typing import Any

from juo_flowtest.sandbox.definitions import Conditions

_OPERATORS = {
    "equals": "=", "is": "=", "not_equals": "≠", "is_not": "≠", "greater_than": ">",
    "greater_than_or_equal": "≥", "less_than": "<", "less_than_or_equal": "≤",
}


def duration(ms: float) -> str:
    """The shortest exact way to write ``ms`` as a flow duration."""
    ms = int(ms)
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def describe_conditions(conditions: Conditions | None) -> str:
    """A one-line summary of a transition's conditions, for names and labels."""
    if conditions is None:
        return "always"
    groups = []
    for g in conditions.groups:
        items = []
        for i in g.items:
            left = i.left.params.get("path") or i.left.params.get("stepId") or i.left.resolver
            right = "" if i.right is None else _value(i.right.params.get(
                "value", i.right.params.get("path", i.right.resolver)))
            op = _OPERATORS.get(i.operator, i.operator.replace("_", " "))
            items.append(f"{left} {op} {right}".strip())
        groups.append(f" {g.logic} ".join(items))
    joined = f" {conditions.root_logic} ".join(
        f"({g})" if len(conditions.groups) > 1 and " " in g else g for g in groups)
    return joined or "always"
