"""Condition evaluation: the 21 documented operators over the four resolvers (Part B 9).

Operator semantics (assumptions where Juo publishes names only): comparisons never raise —
a value of the wrong type makes the item false. Numbers compare as numbers (booleans are not
numbers), dates as ISO-8601 strings (a date alone is midnight UTC), ``is_on*`` compare UTC
calendar days. ``contains`` works on lists (item, or every item of a list) and strings
(substring). ``contains_where`` takes a mapping: ``{path, operator, value}`` tests each list
element with that operator, any other mapping is a subset match on each element.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from juo_flowtest.sandbox.definitions import ConditionItem, Conditions, Operand

_MISSING: Any = None


class Values(Protocol):
    """What resolvers read: the start context, the last response, the chosen variants. A
    ``Scope``, or a run itself (``engine.Run`` has these fields: no scope is made per step)."""

    @property
    def context(self) -> Mapping[str, Any]: ...
    @property
    def response_type(self) -> str | None: ...
    @property
    def response_data(self) -> Mapping[str, Any] | None: ...
    @property
    def variants(self) -> Mapping[str, str] | None: ...


@dataclass(frozen=True, slots=True)
class Scope:
    """``Values`` given one by one."""

    context: Mapping[str, Any]
    response_type: str | None = None
    response_data: Mapping[str, Any] | None = None
    variants: Mapping[str, str] | None = None


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path (``a.b.0.c``); ``None`` when any part is missing."""
    for part in path.split(".") if path else []:
        if isinstance(data, Mapping):
            data = data.get(part, _MISSING)
        elif isinstance(data, list) and part.lstrip("-").isdigit():
            index = int(part)
            data = data[index] if -len(data) <= index < len(data) else _MISSING
        else:
            return _MISSING
    return data


def resolve(operand: Operand | None, scope: Values) -> Any:
    """The operand's value in ``scope``."""
    if operand is None:
        return None
    params = operand.params
    if operand.resolver == "value":
        return params.get("value")
    if operand.resolver == "context":
        return dig(scope.context, str(params.get("path", "")))
    if operand.resolver == "variant":
        return (scope.variants or {}).get(str(params.get("stepId")))
    if "path" not in params:  # response without path: the last responseType
        return scope.response_type
    return dig(scope.response_data or {}, str(params["path"]))


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _equals(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


def _order(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        if (_number(a) and _number(b)) or (isinstance(a, str) and isinstance(b, str)):
            return test(a, b)
        return False
    return compare


def _instant(x: Any) -> datetime | None:
    if isinstance(x, datetime):
        value = x
    elif isinstance(x, date):
        value = datetime(x.year, x.month, x.day)
    elif isinstance(x, str):
        try:
            value = datetime.fromisoformat(x)  # 3.11 reads a trailing "Z"
        except ValueError:
            return None
    else:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _dates(test: Callable[[datetime, datetime], bool], day: bool = False
           ) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        x, y = _instant(a), _instant(b)
        if x is None or y is None:
            return False
        if day:
            x, y = (v.astimezone(UTC).replace(hour=0, minute=0, second=0,
                                                       microsecond=0) for v in (x, y))
        return test(x, y)
    return compare


def _one_of(a: Any, b: Any) -> bool:
    return isinstance(b, list) and any(_equals(a, item) for item in b)


def _contains(a: Any, b: Any) -> bool:
    if isinstance(a, list):
        wanted = b if isinstance(b, list) else [b]
        return all(any(_equals(x, w) for x in a) for w in wanted)
    if isinstance(a, str) and isinstance(b, str):
        return b in a
    return False


def _empty(a: Any, _b: Any = None) -> bool:
    return a is None or (isinstance(a, (str, list, dict)) and len(a) == 0)


def _where(a: Any, b: Any) -> bool:
    if not isinstance(a, list) or not isinstance(b, Mapping):
        return False
    if "operator" in b:
        test = OPERATORS.get(str(b["operator"]))
        if test is None or test in (_where, _not_where):
            return False
        path = str(b.get("path", ""))
        return any(test(dig(el, path), b.get("value")) for el in a)
    return any(isinstance(el, Mapping) and all(_equals(el.get(k), v) for k, v in b.items())
               for el in a)


def _not_where(a: Any, b: Any) -> bool:
    return isinstance(a, list) and isinstance(b, Mapping) and not _where(a, b)


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": _equals,
    "not_equals": lambda a, b: not _equals(a, b),
    "greater_than": _order(lambda a, b: a > b),
    "greater_than_or_equal": _order(lambda a, b: a >= b),
    "less_than": _order(lambda a, b: a < b),
    "less_than_or_equal": _order(lambda a, b: a <= b),
    "is": _equals,
    "is_not": lambda a, b: not _equals(a, b),
    "is_one_of": _one_of,
    "is_not_one_of": lambda a, b: isinstance(b, list) and not _one_of(a, b),
    "contains": _contains,
    "does_not_contain": lambda a, b: isinstance(a, (list, str)) and not _contains(a, b),
    "is_before": _dates(lambda a, b: a < b),
    "is_after": _dates(lambda a, b: a > b),
    "is_on": _dates(lambda a, b: a == b, day=True),
    "is_on_or_before": _dates(lambda a, b: a <= b, day=True),
    "is_on_or_after": _dates(lambda a, b: a >= b, day=True),
    "is_empty": _empty,
    "is_not_empty": lambda a, b: not _empty(a),
    "contains_where": _where,
    "does_not_contain_where": _not_where,
}


def holds(item: ConditionItem, scope: Values) -> bool:
    """Whether one condition item is true in ``scope``."""
    return OPERATORS[item.operator](resolve(item.left, scope), resolve(item.right, scope))


def met(conditions: Conditions | None, scope: Values) -> bool:
    """Whether ``rootLogic`` over the groups (each by its ``logic``) holds; none = true."""
    if conditions is None or not conditions.groups:
        return True
    results = (
        (all if g.logic == "and" else any)(holds(i, scope) for i in g.items)
        for g in conditions.groups
    )
    return all(results) if conditions.root_logic == "and" else any(results)
