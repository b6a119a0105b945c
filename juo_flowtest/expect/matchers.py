"""The expectation language: what a flow writes under ``expect``, compiled once at load.

Semantics (also in ``docs/flow-format.md``):

- a mapping matches when each of its keys matches (extra keys in the response are fine);
- a list matches item by item, in order, and must have the same length;
- scalars compare by JSON value: ``1 == 1.0``, but ``"1" != 1`` and ``true != 1``;
- ``null`` matches an actual ``null`` or a missing key (``pending: null`` = no pending
  interaction);
- an operator is a one-key mapping whose key starts with ``$``; it replaces a value anywhere:
  ``$eq`` (deep, exact: no subset matching inside), ``$ne``, ``$gt`` ``$gte`` ``$lt``
  ``$lte`` (numbers with numbers, strings with strings), ``$in``/``$nin`` (a list),
  ``$regex`` (``re.search``; compiled at load), ``$type`` (a name or a list of names among
  string, number, integer, boolean, object, array, null; ``integer`` accepts ``2.0``),
  ``$len`` (a number or an operator mapping), ``$contains`` (a list: each given item matches
  some item of the actual array, by this same language; a string: substring of an actual
  string, or an item of an actual array; any other value: one item), ``$unordered`` (same
  number of items, each paired with a distinct actual item), ``$exists`` (true/false),
  ``$any`` (``true``: any value that is there, ``null`` included), ``$not`` (an operator
  mapping), ``$all`` (a list of operator mappings);
- a missing key fails every operator except ``$exists: false`` and a ``$not`` whose inner
  operator fails; use ``$exists`` to talk about presence;
- under a key ``availableResponses``, a string item ``accept`` means ``{type: accept}``
  (also inside ``$contains``/``$unordered`` there): the response's ``{type, label}`` items are
  compared by type;
- expected strings may hold ``${var}`` (rendered through ``resolve`` at match time); a whole
  ``${var}`` that renders to an object or array is compared exactly, like ``$eq``.

Every mismatch carries its path (``pending.actionConfig.percentage``), the expected and actual
values, a one-line message naming both types when they differ, the position of the expectation
in the flow file, and a unified diff when a value is long. All mismatches are returned.

Example::

    >>> m = compile_matcher({"status": "completed", "n": {"$gt": 1}}, None, lambda c, k: None)
    >>> [x.message for x in m.match({"status": "failed", "n": 1}, "body", {}.__getitem__)]
    ['expected "completed", got "failed"', 'expected a value > 1, got 1']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from juo_flowtest.base.diagnostics import did_you_mean
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.base.templating import (
    Template,
    TemplateSyntaxError,
    compile_string,
    compile_value,
)
from juo_flowtest.expect.literals import Equal, ListOf, MappingOf, Null
from juo_flowtest.expect.matchcore import MISSING, Matcher, typed
from juo_flowtest.expect.operators import (
    TYPE_NAMES,
    All,
    AnyValue,
    Compare,
    Contains,
    Exists,
    Length,
    Membership,
    Not,
    Regex,
    TypeIs,
    Unordered,
)

__all__ = ["MISSING", "OPERATORS", "Matcher", "MatcherSyntaxError", "Problem", "compile_matcher"]

#: (container, key or index) -> the source position of that child value, if known.
PositionOf = Callable[[Any, Any], "Position | None"]

OPERATORS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$regex", "$type",
             "$len", "$contains", "$unordered", "$exists", "$any", "$not", "$all")


@record
class Problem:
    """One thing wrong with an expectation as written."""

    position: Position | None
    message: str
    hint: str | None = None


class MatcherSyntaxError(ValueError):
    """An expectation could not be compiled; ``problems`` lists every issue found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


def compile_matcher(raw: Any, at: Position | None, position_of: PositionOf) -> Matcher:
    """Compile an expectation as written; raises ``MatcherSyntaxError`` listing every problem.

    ``at`` is the position of ``raw`` itself; ``position_of(container, key)`` gives the
    position of a child value (``yamlsource.child_position`` for loaded YAML).
    """
    compiler = _Compiler(position_of)
    matcher = compiler.node(raw, at, False)
    if compiler.problems:
        raise MatcherSyntaxError(compiler.problems)
    return matcher


def is_operator(raw: Any) -> bool:
    """True for a mapping whose keys start with ``$`` (an operator mapping)."""
    return isinstance(raw, dict) and bool(raw) and all(
        isinstance(k, str) and k.startswith("$") for k in raw)


class _Compiler:
    def __init__(self, position_of: PositionOf) -> None:
        self.position_of = position_of
        self.problems: list[Problem] = []

    def error(self, at: Position | None, message: str, hint: str | None = None) -> Matcher:
        self.problems.append(Problem(at, message, hint))
        return AnyValue("$any", True, at)

    def child(self, container: Any, key: Any, default: Position | None) -> Position | None:
        return self.position_of(container, key) or default

    def node(self, raw: Any, at: Position | None, responses: bool) -> Matcher:
        if raw is None:
            return Null(at)
        if isinstance(raw, dict):
            if any(isinstance(k, str) and k.startswith("$") for k in raw):
                return self.operator(raw, at, responses)
            return MappingOf(tuple(
                (str(k), self.node(v, self.child(raw, k, at), k == "availableResponses"))
                for k, v in raw.items()), at)
        if isinstance(raw, list):
            return ListOf(self.items(raw, at, responses), at)
        if isinstance(raw, str):
            return Equal(self.template(raw, at), at)
        return Equal(raw, at)

    def items(self, raw: list[Any], at: Position | None, responses: bool) -> tuple[Matcher, ...]:
        """Item matchers; under ``availableResponses`` a string item is ``{type: item}``."""
        out = []
        for index, item in enumerate(raw):
            pos = self.child(raw, index, at)
            if responses and isinstance(item, str):
                item = {"type": item}
            out.append(self.node(item, pos, False))
        return tuple(out)

    def template(self, text: str, at: Position | None) -> str | Template:
        try:
            return compile_string(text)
        except TemplateSyntaxError as exc:
            self.problems.append(Problem(at, exc.message))
            return text

    def value(self, raw: Any, at: Position | None) -> Any:
        try:
            return compile_value(raw)
        except TemplateSyntaxError as exc:
            self.problems.append(Problem(at, exc.message))
            return raw

    def operator(self, raw: dict[Any, Any], at: Position | None, responses: bool) -> Matcher:
        if len(raw) != 1:
            return self.error(at, f"an operator mapping has exactly one key, got {len(raw)}: "
                              + ", ".join(map(str, raw)),
                              "combine operators with $all: [{$gte: 1}, {$lte: 5}]; a key "
                              "starting with '$' cannot sit beside ordinary keys")
        ((name, arg),) = raw.items()
        build = _BUILDERS.get(name)
        if build is None:
            suggestion = did_you_mean(name, OPERATORS)
            return self.error(at, f"unknown operator '{name}'{suggestion}",
                              "operators: " + ", ".join(OPERATORS))
        return build(self, name, arg, self.child(raw, name, at), responses)

    def operator_arg(self, name: str, raw: Any, at: Position | None,
                     responses: bool = False) -> Matcher:
        """An operator's operator argument; ``responses`` carries the ``availableResponses``
        shorthand through ``$not``/``$all`` (``{$not: {$contains: [accept]}}``)."""
        if not is_operator(raw):
            return self.error(at, f"{name} takes an operator mapping such as {{$eq: 1}}, got "
                              f"{typed(raw)}")
        return self.node(raw, at, responses)


_Builder = Callable[[_Compiler, str, Any, "Position | None", bool], Matcher]


def _compare(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if name not in ("$eq", "$ne") and not (
        isinstance(arg, (int, float, str)) and not isinstance(arg, bool)
    ):
        return c.error(at, f"{name} takes a number or a string, got {typed(arg)}")
    return Compare(name, c.value(arg, at), at)


def _membership(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if not isinstance(arg, list):
        return c.error(at, f"{name} takes a list of values, got {typed(arg)}")
    return Membership(name, c.value(arg, at), at)


def _regex(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if not isinstance(arg, str):
        return c.error(at, f"$regex takes a string pattern, got {typed(arg)}")
    pattern = c.template(arg, at)
    if isinstance(pattern, Template):
        return Regex(pattern, None, at)
    try:
        return Regex(pattern, re.compile(pattern), at)
    except re.error as exc:
        return c.error(at, f"bad regular expression {pattern!r}: {exc}",
                       "the pattern is a Python regular expression, searched anywhere in the "
                       "string; quote it in YAML ('...') so backslashes stay as written")


def _type(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    wanted = arg if isinstance(arg, list) and arg else [arg]
    for item in wanted:
        if item not in TYPE_NAMES:
            suggestion = did_you_mean(str(item), TYPE_NAMES)
            return c.error(at, f"unknown $type {show_arg(item)}{suggestion}",
                           "types: " + ", ".join(TYPE_NAMES))
    return TypeIs(name, arg if isinstance(arg, str) else tuple(arg), at)


def _len(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if isinstance(arg, int) and not isinstance(arg, bool) and arg >= 0:
        return Length(name, Equal(arg, at), at)
    if isinstance(arg, dict):
        return Length(name, c.operator_arg(name, arg, at), at)
    return c.error(at, f"$len takes a non-negative integer or an operator mapping, got {typed(arg)}")


def _contains(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if isinstance(arg, list):
        items = c.items(arg, at, r)
        return Contains(items, items, at)
    if isinstance(arg, str):
        text = c.template(arg, at)
        item = c.node({"type": arg} if r else arg, at, False)
        return Contains(text, (item,), at)
    item = c.node(arg, at, False)
    return Contains((item,), (item,), at)


def _unordered(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if not isinstance(arg, list):
        return c.error(at, f"$unordered takes a list of items, got {typed(arg)}")
    items = c.items(arg, at, r)
    return Unordered(items, items, at)


def _exists(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if not isinstance(arg, bool):
        return c.error(at, f"$exists takes true or false, got {typed(arg)}")
    return Exists(name, arg, at)


def _any(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if arg is not True and arg is not None:
        return c.error(at, f"$any takes true (or nothing), got {typed(arg)}",
                       "to check that a key is absent write {$exists: false}")
    return AnyValue(name, True, at)


def _not(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    return Not(name, c.operator_arg(name, arg, at, r), at)


def _all(c: _Compiler, name: str, arg: Any, at: Position | None, r: bool) -> Matcher:
    if not isinstance(arg, list) or not arg:
        return c.error(at, f"$all takes a non-empty list of operator mappings, got {typed(arg)}")
    inner = tuple(c.operator_arg(name, item, c.child(arg, i, at), r) for i, item in enumerate(arg))
    return All(name, inner, at)


def show_arg(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


_BUILDERS: dict[str, _Builder] = {
    **dict.fromkeys(("$eq", "$ne", "$gt", "$gte", "$lt", "$lte"), _compare),
    "$in": _membership, "$nin": _membership, "$regex": _regex, "$type": _type, "$len": _len,
    "$contains": _contains, "$unordered": _unordered, "$exists": _exists, "$any": _any,
    "$not": _not, "$all": _all,
}
