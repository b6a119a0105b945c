"""The core of the expectation language: the ``Matcher`` base, ``MISSING``, value equality,
response paths and the wording of mismatches. ``matchers`` (structure, compilation) and
``operators`` (``$op`` nodes) build on it; users import from ``juo_flowtest.expect.matchers``.

Matching is on the runner's hot path (every call of every flow), and nearly every node holds.
So the success path builds nothing: a child's path travels as a ``(parent, key)`` tuple and
becomes text (``path_text``) only when a mismatch is reported, and ``holds`` answers yes/no
without wording a message.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from typing import Any, TypeAlias

from juo_flowtest.base.outcome import Mismatch
from juo_flowtest.base.position import Position

Resolve = Callable[[str], Any]

#: Where a value sits in the response: text (``pending``), or ``(parent path, key or index)``,
#: joined into text by ``path_text`` only when a mismatch needs it.
Path: TypeAlias = "str | tuple[Path, str | int]"

_SHORT = 80


class _Missing:
    """The actual value of a key the response does not have (distinct from ``null``)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: object) -> _Missing:
        return self


MISSING: Any = _Missing()


class Matcher:
    """One node of a compiled expectation; knows where in the flow file it was written."""

    __slots__ = ("position",)

    def __init__(self, position: Position | None) -> None:
        self.position = position

    def match(self, actual: Any, path: Path, resolve: Resolve) -> list[Mismatch]:
        """Every way ``actual`` (``MISSING`` for an absent key) fails this node; [] if it holds."""
        raise NotImplementedError  # abstract: every node class implements it

    def expected(self, resolve: Resolve) -> Any:
        """Plain data showing what this node expects (for ``Mismatch.expected``)."""
        raise NotImplementedError  # abstract: every node class implements it

    def holds(self, actual: Any, resolve: Resolve) -> bool:
        """``not self.match(...)``; nodes override it to skip wording messages nobody reads."""
        return not self.match(actual, "", resolve)

    def fail(self, path: Path, expected: Any, actual: Any, message: str) -> list[Mismatch]:
        """A one-element mismatch list at this node's position, with a diff for long values."""
        return [Mismatch(path_text(path), expected, actual, message, self.position,
                         diff_of(expected, actual))]


def type_name(value: Any) -> str:
    """The flow-format type name of a JSON value (``$type`` vocabulary)."""
    if value is MISSING:
        return "nothing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def values_equal(expected: Any, actual: Any) -> bool:
    """JSON equality: 1 == 1.0, but "1" != 1 and True != 1; containers compared deeply."""
    if type(expected) is str:  # the common case, decided without the checks below
        return type(actual) is str and expected == actual
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if is_number(expected) and is_number(actual):
        return bool(expected == actual)
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(values_equal(v, actual[k]) for k, v in expected.items())
        )
    if isinstance(expected, (list, tuple)):
        return (
            isinstance(actual, (list, tuple))
            and len(expected) == len(actual)
            and all(values_equal(e, a) for e, a in zip(expected, actual))
        )
    return type(expected) is type(actual) and bool(expected == actual)


def show(value: Any) -> str:
    """A short one-line JSON rendering of a value for messages."""
    if value is MISSING:
        return "nothing (missing)"
    text = _json(value, None)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def typed(value: Any) -> str:
    """``integer 20``, ``string "20"``: a value with its type, for type mismatches."""
    if value is MISSING:
        return "nothing (the key is missing)"
    return f"{type_name(value)} {show(value)}"


def mismatch_text(expected: Any, actual: Any) -> str:
    """``expected 20, got 25`` — naming both types when they differ."""
    if actual is MISSING:
        return f"expected {show(expected)}, but the key is missing"
    same_kind = type_name(expected) == type_name(actual) or (is_number(expected) and is_number(actual))
    if same_kind:
        return f"expected {show(expected)}, got {show(actual)}"
    return f"expected {typed(expected)}, got {typed(actual)}"


def is_long(value: Any) -> bool:
    if value is MISSING:
        return False
    if isinstance(value, str):
        return "\n" in value or len(value) > _SHORT
    return len(_json(value, None)) > _SHORT


def diff_of(expected: Any, actual: Any) -> str | None:
    """A unified diff of the pretty JSON of both values when either is long, else None."""
    if not (is_long(expected) or is_long(actual)):
        return None
    lines = difflib.unified_diff(
        _pretty_lines(expected), _pretty_lines(actual), "expected", "actual", lineterm=""
    )
    return "\n".join(lines) or None


def _pretty_lines(value: Any) -> list[str]:
    if value is MISSING:
        return ["<missing>"]
    if isinstance(value, str) and "\n" in value:
        return value.splitlines()
    return _json(value, 2).splitlines()


def _json(value: Any, indent: int | None) -> str:
    try:
        return json.dumps(value, indent=indent, sort_keys=indent is not None, ensure_ascii=False,
                          default=str)
    except (TypeError, ValueError):  # e.g. keys that are not strings: fall back to repr
        return repr(value)


def path_text(path: Path) -> str:
    """The text of a path: ``(("pending", "actionConfig"), "percentage")`` ->
    ``pending.actionConfig.percentage``."""
    keys: list[str | int] = []
    while not isinstance(path, str):
        path, key = path
        keys.append(key)
    for key in reversed(keys):
        path = child_path(path, key)
    return path


def child_path(path: str, key: str | int) -> str:
    """``pending`` + ``actionConfig`` -> ``pending.actionConfig``; indexes as ``[1]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key and all(ch.isalnum() or ch in "_-$@" for ch in key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"
