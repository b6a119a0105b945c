"""The nodes of an expectation written as plain data: a scalar, ``null``, a mapping (matched as
a subset) and a list (item by item, in order). ``operators`` holds the ``$op`` nodes;
``matchers.compile_matcher`` builds both.
"""

from __future__ import annotations

from typing import Any

from juo_flowtest.base.outcome import Mismatch
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import Template, Value, render
from juo_flowtest.expect.matchcore import (
    MISSING,
    Matcher,
    Path,
    Resolve,
    mismatch_text,
    typed,
    values_equal,
)


class Equal(Matcher):
    """A literal expected value (scalar, or whatever a ``${var}`` renders to)."""

    __slots__ = ("value",)

    def __init__(self, value: Value, position: Position | None) -> None:
        # The base's one field set here, not through super().__init__: a flow file makes
        # dozens of these, and the extra call was a tenth of their cost.
        self.position = position
        self.value = value

    def expected(self, resolve: Resolve) -> Any:
        value = self.value
        if isinstance(value, Template):
            return value.render(resolve)
        return render(value, resolve) if isinstance(value, (dict, list)) else value

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        exp = self.expected(resolve)
        if actual is not MISSING and values_equal(exp, actual):
            return []
        return self.fail(path, exp, actual, mismatch_text(exp, actual))

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        return actual is not MISSING and values_equal(self.expected(resolve), actual)


class Null(Matcher):
    """Expected ``null``: an actual ``null`` or a missing key."""

    __slots__ = ()

    def expected(self, resolve: Resolve) -> Any:
        return None

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        if actual is None or actual is MISSING:
            return []
        return self.fail(path, None, actual, f"expected null, got {typed(actual)}")

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        return actual is None or actual is MISSING


class MappingOf(Matcher):
    """A subset match: each written key matches; extra actual keys are fine."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[str, Matcher], ...], position: Position | None) -> None:
        self.position = position  # as in Equal
        self.items = items

    def expected(self, resolve: Resolve) -> Any:
        return {k: m.expected(resolve) for k, m in self.items}

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        if not isinstance(actual, dict):
            return self.fail(path, self.expected(resolve), actual, mismatch_text(
                self.expected(resolve), actual))
        out: list[Mismatch] = []
        for key, matcher in self.items:
            out += matcher.match(actual.get(key, MISSING), (path, key), resolve)
        return out

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        if not isinstance(actual, dict):
            return False
        for key, matcher in self.items:
            if not matcher.holds(actual.get(key, MISSING), resolve):
                return False
        return True


class ListOf(Matcher):
    """Item by item, in order, same length."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Matcher, ...], position: Position | None) -> None:
        super().__init__(position)
        self.items = items

    def expected(self, resolve: Resolve) -> Any:
        return [m.expected(resolve) for m in self.items]

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        if not isinstance(actual, list):
            return self.fail(path, self.expected(resolve), actual, mismatch_text(
                self.expected(resolve), actual))
        if len(actual) != len(self.items):
            return self.fail(path, self.expected(resolve), actual,
                             f"expected an array of {len(self.items)} items, got {len(actual)}")
        out: list[Mismatch] = []
        for index, (matcher, item) in enumerate(zip(self.items, actual)):
            out += matcher.match(item, (path, index), resolve)
        return out

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        if not isinstance(actual, list) or len(actual) != len(self.items):
            return False
        return all(m.holds(a, resolve) for m, a in zip(self.items, actual))
