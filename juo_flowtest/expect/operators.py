"""The ``$op`` nodes of the expectation language (compiled by ``matchers.compile_matcher``).

A missing key (``MISSING``) fails every operator except ``$exists: false`` and a ``$not``
whose inner operator fails on it.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

from juo_flowtest.base.outcome import Mismatch
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import Template, Value, render
from juo_flowtest.expect.matchcore import (
    MISSING,
    Matcher,
    Path,
    Resolve,
    is_number,
    show,
    type_name,
    typed,
    values_equal,
)

TYPE_NAMES = ("string", "number", "integer", "boolean", "object", "array", "null")

_ORDER: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "$gt": (operator.gt, ">"),
    "$gte": (operator.ge, ">="),
    "$lt": (operator.lt, "<"),
    "$lte": (operator.le, "<="),
}


class Op(Matcher):
    """Base of ``$op`` nodes: ``name`` and ``arg`` as written (rendered for messages)."""

    __slots__ = ("arg", "name")

    def __init__(self, name: str, arg: Any, position: Position | None) -> None:
        super().__init__(position)
        self.name = name
        self.arg = arg

    def expected(self, resolve: Resolve) -> Any:
        arg = self.arg.expected(resolve) if isinstance(self.arg, Matcher) else self.arg
        if isinstance(arg, (list, tuple)):
            arg = [a.expected(resolve) if isinstance(a, Matcher) else a for a in arg]
        return {self.name: render(arg, resolve)}

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        if actual is MISSING:
            return self.fail(path, self.expected(resolve), actual,
                             f"expected {self.describe(resolve)}, but the key is missing")
        problem = self.check(actual, resolve)
        if problem is None:
            return []
        return self.fail(path, self.shown(resolve), actual, problem)

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        return actual is not MISSING and self.check(actual, resolve) is None

    def shown(self, resolve: Resolve) -> Any:
        """The expected value a mismatch reports (and diffs against the actual)."""
        return self.expected(resolve)

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        """None when ``actual`` (present) satisfies the operator, else the message."""
        raise NotImplementedError  # abstract: every operator class implements it

    def describe(self, resolve: Resolve) -> str:
        return show(self.expected(resolve))


class Compare(Op):
    """``$eq`` (exact, deep), ``$ne``, and the orderings on numbers or on strings."""

    __slots__ = ()

    def shown(self, resolve: Resolve) -> Any:
        return render(self.arg, resolve) if self.name == "$eq" else self.expected(resolve)

    def describe(self, resolve: Resolve) -> str:
        value = render(self.arg, resolve)
        if self.name == "$eq":
            return show(value)
        if self.name == "$ne":
            return f"anything but {show(value)}"
        return f"a value {_ORDER[self.name][1]} {show(value)}"

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        value = render(self.arg, resolve)
        if self.name in ("$eq", "$ne"):
            if values_equal(value, actual) == (self.name == "$eq"):
                return None
            got = typed(actual) if type_name(value) != type_name(actual) else show(actual)
            return f"expected {self.describe(resolve)}, got {got}"
        comparable = (is_number(value) and is_number(actual)) or (
            isinstance(value, str) and isinstance(actual, str)
        )
        if comparable and _ORDER[self.name][0](actual, value):
            return None
        return f"expected {self.describe(resolve)}, got {typed(actual) if not comparable else show(actual)}"


class Membership(Op):
    """``$in`` / ``$nin``: the value is (not) one of a list."""

    __slots__ = ()

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        options = render(self.arg, resolve)
        found = any(values_equal(o, actual) for o in options)
        if found == (self.name == "$in"):
            return None
        word = "one of" if self.name == "$in" else "none of"
        return f"expected {word} {show(options)}, got {show(actual)}"


class Regex(Op):
    """``$regex``: ``re.search`` on a string (anchor with ``^``/``$`` for a full match)."""

    __slots__ = ("compiled",)

    def __init__(self, arg: Value, compiled: re.Pattern[str] | None, position: Position | None):
        super().__init__("$regex", arg, position)
        self.compiled = compiled

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        pattern = self.compiled or re.compile(str(render(self.arg, resolve)))
        if isinstance(actual, str) and pattern.search(actual):
            return None
        return f"expected a string matching /{pattern.pattern}/, got {typed(actual)}"


class TypeIs(Op):
    """``$type``: one type name or a list of them."""

    __slots__ = ()

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        wanted = [self.arg] if isinstance(self.arg, str) else list(self.arg)
        if any(_has_type(actual, name) for name in wanted):
            return None
        return f"expected type {' or '.join(wanted)}, got {typed(actual)}"


class Length(Op):
    """``$len``: the length of a string, array or object, matched by an inner matcher."""

    __slots__ = ()

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        if not isinstance(actual, (str, list, dict)):
            return f"expected something with a length, got {typed(actual)}"
        if self.arg.holds(len(actual), resolve):
            return None
        inner = self.arg.match(len(actual), "", resolve)
        return f"length: {inner[0].message} (value {show(actual)})"


class Contains(Op):
    """``$contains``: a list holds items matching each given one; a string holds a substring."""

    __slots__ = ("items",)

    def __init__(self, arg: Any, items: tuple[Matcher, ...], position: Position | None) -> None:
        super().__init__("$contains", arg, position)
        self.items = items

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        if isinstance(self.arg, (str, Template)) and isinstance(actual, str):
            sub = str(render(self.arg, resolve))
            if sub in actual:
                return []
            return self.fail(path, {"$contains": sub}, actual,
                             f"expected a string containing {show(sub)}, got {show(actual)}")
        if not isinstance(actual, list):
            return super().match(actual, path, resolve) if actual is MISSING else self.fail(
                path, self.expected(resolve), actual,
                f"expected an array or string to search, got {typed(actual)}")
        out: list[Mismatch] = []
        for item in self.items:
            if not _any_holds(item, actual, resolve):
                exp = item.expected(resolve)
                out += item.fail(path, {"$contains": exp}, actual,
                                 f"expected the array to contain an item matching {show(exp)}, "
                                 f"none of its {len(actual)} items does")
        return out


    def holds(self, actual: Any, resolve: Resolve) -> bool:
        if isinstance(self.arg, (str, Template)) and isinstance(actual, str):
            return str(render(self.arg, resolve)) in actual
        if not isinstance(actual, list):
            return False
        return all(_any_holds(item, actual, resolve) for item in self.items)


class Unordered(Op):
    """``$unordered``: the same number of items, each matched once, in any order."""

    __slots__ = ("items",)

    def __init__(self, arg: Any, items: tuple[Matcher, ...], position: Position | None) -> None:
        super().__init__("$unordered", arg, position)
        self.items = items

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        if not isinstance(actual, list):
            return f"expected an array, got {typed(actual)}"
        if len(actual) != len(self.items):
            return f"expected {len(self.items)} items in any order, got {len(actual)}"
        unmatched = _unmatched(self.items, actual, resolve)
        if not unmatched:
            return None
        shown = [self.items[i].expected(resolve) for i in unmatched]
        return f"expected the same items in any order; no match for {show(shown)}"


class Exists(Op):
    """``$exists: true|false``: the key is (not) present."""

    __slots__ = ()

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        if (actual is not MISSING) == self.arg:
            return []
        if self.arg:
            return self.fail(path, {"$exists": True}, actual, "expected the key to exist, it is missing")
        return self.fail(path, {"$exists": False}, actual, f"expected no such key, got {show(actual)}")

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        return (actual is not MISSING) is bool(self.arg)


class AnyValue(Op):
    """``$any``: any value that is there, ``null`` included."""

    __slots__ = ()

    def check(self, actual: Any, resolve: Resolve) -> str | None:
        return None

    def describe(self, resolve: Resolve) -> str:
        return "any value"


class Not(Op):
    """``$not``: the inner operator does not hold."""

    __slots__ = ()

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        if not self.arg.holds(actual, resolve):
            return []
        return self.fail(path, self.expected(resolve), actual,
                         f"expected not {show(self.arg.expected(resolve))}, got {show(actual)}")

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        return not self.arg.holds(actual, resolve)


class All(Op):
    """``$all``: every inner operator holds; all their mismatches are reported."""

    __slots__ = ()

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        return [m for inner in self.arg for m in inner.match(actual, path, resolve)]

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        return all(inner.holds(actual, resolve) for inner in self.arg)


def _any_holds(item: Matcher, actual: list[Any], resolve: Resolve) -> bool:
    for a in actual:
        if item.holds(a, resolve):
            return True
    return False


def _has_type(value: Any, name: str) -> bool:
    if name == "number":
        return is_number(value)
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    return type_name(value) == name


def _unmatched(items: tuple[Matcher, ...], actual: list[Any], resolve: Resolve) -> list[int]:
    """Indexes of expected items left without a partner by a maximum bipartite matching."""
    fits = [[j for j, a in enumerate(actual) if m.holds(a, resolve)] for m in items]
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j in fits[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or place(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return [i for i in range(len(items)) if not place(i, set())]
