"""Values that make conditions hold (or not): the context, the response data, the variants.

A path through a workflow asks some conditions to hold and others (earlier transitions of the
same step) not to. Each condition item becomes a ``Literal`` on one unknown — a context path,
a path in one respond's ``responseData``, or the variant of an experiment step — compared with
a known value. ``solve`` picks, per unknown, a value satisfying all its literals: candidates
are drawn from the literals themselves (``equals`` -> that value, ``greater_than`` -> just
above, ``is_one_of`` -> a member, dates -> a day before or after, ``contains_where`` -> a list
holding a matching item...) and each is checked with the sandbox's own operators, so what is
returned is right by construction. and/or groups and negations expand into alternatives
(``alternatives``), tried in order.

    >>> solve([Literal(("context", "subscription.cycle_count"), "greater_than_or_equal", 6,
    ...                True)], {})
    {('context', 'subscription.cycle_count'): 6}
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from juo_flowtest.sandbox.conditions import OPERATORS, _instant
from juo_flowtest.sandbox.definitions import ConditionItem, Conditions, Operand

#: An unknown: ("context", path), ("data", respond index, path) or ("variant", stepId).
Var = tuple[Any, ...]
MISSING: Any = None
#: At most this many alternatives are expanded per condition tree.
MAX_ALTERNATIVES = 64


@dataclass(frozen=True, slots=True)
class Literal:
    """``var <operator> value`` must be ``want``; ``swapped``: the unknown is on the right."""

    var: Var
    operator: str
    value: Any
    want: bool
    swapped: bool = False

    def __hash__(self) -> int:  # values may be lists or mappings
        return hash((self.var, self.operator, json.dumps(self.value, sort_keys=True, default=str),
                     self.want, self.swapped))

    def holds(self, candidate: Any) -> bool:
        a, b = (self.value, candidate) if self.swapped else (candidate, self.value)
        return OPERATORS[self.operator](a, b) == self.want


@dataclass(frozen=True, slots=True)
class Ref:
    """Another unknown as the value compared with (``order.total > customer.limit``)."""

    var: Var

    def __str__(self) -> str:
        return str(self.var[-1])


@dataclass(frozen=True, slots=True)
class Known:
    """What is known where a condition is evaluated: the response being handled (or the last
    one) and the index of its respond, for ``response`` operands."""

    response_type: str | None = None
    respond_index: int | None = None


class Constant(Exception):
    """A condition item with no unknown at all that has the wrong value: the branch is dead."""


def _operand(op: Operand | None, known: Known) -> tuple[str, Any]:
    """``("var", Var)`` for an unknown, ``("value", v)`` for something known."""
    if op is None:
        return ("value", None)
    if op.resolver == "value":
        return ("value", op.params.get("value"))
    if op.resolver == "context":
        return ("var", ("context", str(op.params.get("path", ""))))
    if op.resolver == "variant":
        return ("var", ("variant", str(op.params.get("stepId"))))
    if "path" not in op.params:
        return ("value", known.response_type)
    if known.respond_index is None:
        return ("value", None)
    return ("var", ("data", known.respond_index, str(op.params["path"])))


def literal(item: ConditionItem, want: bool, known: Known) -> Literal | bool:
    """The item as a literal; a bool when it reads nothing unknown (its value vs ``want``)."""
    left, right = _operand(item.left, known), _operand(item.right, known)
    if left[0] == "var" and right[0] == "var":
        return Literal(left[1], item.operator, Ref(right[1]), want)
    if left[0] == "var":
        return Literal(left[1], item.operator, right[1], want)
    if right[0] == "var":
        return Literal(right[1], item.operator, left[1], want, swapped=True)
    return OPERATORS[item.operator](left[1], right[1]) == want


def alternatives(conditions: Conditions | None, want: bool, known: Known
                 ) -> Iterator[tuple[Literal, ...]]:
    """Ways to make ``conditions`` evaluate to ``want``, each a set of literals to satisfy."""
    if conditions is None or not conditions.groups:
        if want:
            yield ()
        return
    # all(groups) under "and", any under "or"; negation swaps them (De Morgan).
    every = (conditions.root_logic == "and") == want
    per_group = [list(_group(g.items, g.logic, want, known)) for g in conditions.groups]
    yield from _combine(per_group, every)


def _group(items: Sequence[ConditionItem], logic: str, want: bool, known: Known
           ) -> Iterator[tuple[Literal, ...]]:
    every = (logic == "and") == want
    per_item: list[list[tuple[Literal, ...]]] = []
    for item in items:
        lit = literal(item, want, known)
        per_item.append([(lit,)] if isinstance(lit, Literal) else ([()] if lit else []))
    yield from _combine(per_item, every)


def _combine(parts: list[list[tuple[Literal, ...]]], every: bool
             ) -> Iterator[tuple[Literal, ...]]:
    if every:  # all parts: one alternative of each
        for combo in itertools.islice(itertools.product(*parts), MAX_ALTERNATIVES):
            yield tuple(lit for part in combo for lit in part)
    else:  # any part: one alternative of one of them
        seen = 0
        for part in parts:
            for alt in part:
                yield alt
                seen += 1
                if seen >= MAX_ALTERNATIVES:
                    return


def solve(literals: Sequence[Literal], domains: Mapping[Var, Sequence[Any]]
          ) -> dict[Var, Any] | None:
    """A value per unknown satisfying every literal on it, or None when none is found.

    ``domains`` restricts an unknown to given values (a variant to the step's variants). An
    unknown compared with another one (``Ref``) is solved after it, with its value.
    """
    by_var: dict[Var, list[Literal]] = {}
    for lit in literals:
        by_var.setdefault(lit.var, []).append(lit)
    for lit in literals:
        if isinstance(lit.value, Ref):
            by_var.setdefault(lit.value.var, [])
    return _assign(list(by_var), by_var, domains, {})


def _assign(todo: list[Var], by_var: dict[Var, list[Literal]],
            domains: Mapping[Var, Sequence[Any]], out: dict[Var, Any]) -> dict[Var, Any] | None:
    if not todo:
        return out
    ready = next((v for v in todo if all(
        lit.value.var in out for lit in by_var[v] if isinstance(lit.value, Ref))), None)
    if ready is None:  # unknowns compared with each other in a circle: not attempted
        return None
    rest = [v for v in todo if v != ready]
    lits = [_bound(lit, out) for lit in by_var[ready]]
    compared = [lit for v in rest for lit in by_var[v]
                if isinstance(lit.value, Ref) and lit.value.var == ready]
    pool = list(domains[ready]) if ready in domains else _seeds(compared) + candidates(lits)
    for value in pool:
        if all(lit.holds(value) for lit in lits):
            found = _assign(rest, by_var, domains, {**out, ready: value})
            if found is not None or not compared:
                return found  # the others do not depend on this value: no other will do
    return None


def _bound(lit: Literal, values: Mapping[Var, Any]) -> Literal:
    if not isinstance(lit.value, Ref):
        return lit
    return Literal(lit.var, lit.operator, values[lit.value.var], lit.want, lit.swapped)


def _seeds(compared: Sequence[Literal]) -> list[Any]:
    """Values for an unknown others are compared with: one of the kind each operator reads."""
    out: list[Any] = []
    for lit in compared:
        if lit.operator in ("is_before", "is_after", "is_on", "is_on_or_before",
                            "is_on_or_after"):
            out.append("2026-01-01")
        elif lit.operator in ("is_one_of", "is_not_one_of"):
            out.append(["x"])
        elif lit.operator in ("contains_where", "does_not_contain_where"):
            out.append({"id": "x"})
        elif lit.operator in ("greater_than", "greater_than_or_equal", "less_than",
                              "less_than_or_equal"):
            out.append(10)
    return out


_NONE = object()


def candidates(lits: Sequence[Literal]) -> list[Any]:
    """Values worth trying for an unknown constrained by ``lits``, most natural first."""
    pool: list[Any] = []
    for lit in lits:
        if lit.swapped:
            pool.extend(_mirrored(lit))
        else:
            pool.extend(_for(lit.operator, lit.value, lit.want))
    numbers = sorted({v for lit in lits for v in _numbers(lit.value)})
    for a, b in itertools.pairwise(numbers):
        pool.append((a + b) / 2)
    pool += [MISSING, "x", 0, [], {}, True]
    unique: list[Any] = []
    for value in pool:
        if not any(_same(value, seen) for seen in unique):
            unique.append(value)
    return unique


_MIRROR = {"greater_than": "less_than", "less_than": "greater_than",
           "greater_than_or_equal": "less_than_or_equal",
           "less_than_or_equal": "greater_than_or_equal", "is_before": "is_after",
           "is_after": "is_before", "is_on_or_before": "is_on_or_after",
           "is_on_or_after": "is_on_or_before"}


def _mirrored(lit: Literal) -> list[Any]:
    """Candidates for ``value <op> unknown``: the mirrored operator, or membership."""
    if lit.operator in ("contains", "does_not_contain"):
        members = lit.value if isinstance(lit.value, list) else [lit.value]
        return list(members) + [_other(members[0]) if members else "x"]
    if lit.operator in ("is_one_of", "is_not_one_of", "contains_where",
                        "does_not_contain_where"):
        return []
    return _for(_MIRROR.get(lit.operator, lit.operator), lit.value, lit.want)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return []


def _other(value: Any) -> Any:
    """A value that differs from ``value``, of the same kind when possible."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return f"not_{value}" if value else "x"
    if isinstance(value, list):
        return []
    return "x"


def _step(value: Any, up: bool) -> list[Any]:
    """Just above (or below) ``value``: numbers by 1 and by a half, strings by a letter."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [value + 1, value + 0.5] if up else [value - 1, value - 0.5]
    if isinstance(value, str):
        return [value + "z"] if up else ([value[:-1]] if value else [])
    return []


def _day(value: Any, days: int) -> list[Any]:
    """``value`` moved by ``days``, written the way it was (a date, or a date-time)."""
    moment = _instant(value)
    if moment is None:
        return []
    moved = moment + timedelta(days=days)
    if isinstance(value, str) and len(value) == 10:
        return [moved.date().isoformat()]
    return [moved.isoformat().replace("+00:00", "Z")]


def _item_matching(spec: Any) -> list[Any]:
    """An element a ``contains_where`` mapping matches."""
    if not isinstance(spec, Mapping):
        return []
    if "operator" not in spec:
        return [dict(spec)]
    inner = [c for c in _for(str(spec["operator"]), spec.get("value"), True)
             if OPERATORS.get(str(spec["operator"]), lambda a, b: False)(c, spec.get("value"))]
    path = str(spec.get("path", ""))
    return [_nest(path, c) if path else c for c in inner[:1]]


def _nest(path: str, value: Any) -> Any:
    out = value
    for part in reversed(path.split(".")):
        out = {part: out}
    return out


def _for(op: str, value: Any, want: bool) -> list[Any]:
    """Candidates for one ``candidate <op> value`` that should be ``want``."""
    if op in ("is_not", "not_equals", "is_not_one_of", "does_not_contain", "is_not_empty",
              "does_not_contain_where"):
        positive = {"is_not": "is", "not_equals": "equals", "is_not_one_of": "is_one_of",
                    "does_not_contain": "contains", "is_not_empty": "is_empty",
                    "does_not_contain_where": "contains_where"}[op]
        return _for(positive, value, not want)
    if op in ("equals", "is"):
        return [value] if want else [_other(value)]
    if op == "is_one_of":
        members = list(value) if isinstance(value, list) else []
        return members[:1] if want else [_other(members[0]) if members else "x", "x"]
    orders = {"greater_than": (True, False), "greater_than_or_equal": (True, True),
              "less_than": (False, False), "less_than_or_equal": (False, True)}
    if op in orders:
        up, inclusive = orders[op]
        if not want:
            up, inclusive = not up, not inclusive
        return ([value] if inclusive else []) + _step(value, up)
    if op == "contains":
        wanted = value if isinstance(value, list) else [value]
        if want:
            return [list(wanted), f"x{value}x" if isinstance(value, str) else list(wanted)]
        return [[], [_other(wanted[0])] if wanted else ["x"]]
    dates = {"is_before": (-1, 0), "is_after": (1, 0), "is_on": (0, 1),
             "is_on_or_before": (0, 1), "is_on_or_after": (0, -1)}
    if op in dates:
        yes, no = dates[op]
        if op in ("is_before", "is_after"):
            return _day(value, yes) if want else _day(value, 0) + _day(value, -yes)
        return _day(value, 0) if want else _day(value, no)
    if op == "is_empty":
        return [MISSING, "", []] if want else ["x", ["x"]]
    if op == "contains_where":
        return [_item_matching(value)] if want else [[]]
    return []
