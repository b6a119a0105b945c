"""literals: the plain-data nodes (scalar, null, mapping, list), built directly."""

from __future__ import annotations

from typing import Any

from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import compile_string
from juo_flowtest.expect.literals import Equal, ListOf, MappingOf, Null
from juo_flowtest.expect.matchers import MISSING

AT = Position("f.flow.yaml", 2, 5)


def resolve(name: str) -> Any:
    return {"pct": 20, "cfg": {"a": [1, 2]}}[name]


def test_equal_renders_its_template_and_keeps_the_variable_type() -> None:
    assert Equal(compile_string("${pct}"), AT).match(20, "n", resolve) == []
    assert Equal(compile_string("${cfg}"), AT).holds({"a": [1, 2]}, resolve)
    (m,) = Equal(compile_string("${pct}"), AT).match("20", "n", resolve)
    assert (m.path, m.message, m.position) == ("n", 'expected integer 20, got string "20"', AT)
    assert not Equal(None, AT).holds(MISSING, resolve)


def test_null_accepts_null_or_missing_only() -> None:
    assert Null(AT).holds(None, resolve) and Null(AT).holds(MISSING, resolve)
    (m,) = Null(AT).match(0, "x", resolve)
    assert m.message == "expected null, got integer 0"


def test_nested_paths_are_built_only_for_the_mismatches() -> None:
    node = MappingOf((("cfg", ListOf((Equal(1, AT), Equal(3, AT)), AT)), ("id", Equal("a", AT))),
                     AT)
    found = node.match({"cfg": [1, 2], "id": "a", "extra": True}, "pending", resolve)
    assert [(m.path, m.message) for m in found] == [("pending.cfg[1]", "expected 3, got 2")]
    assert not node.holds({"cfg": [1, 2], "id": "a"}, resolve)
    assert node.holds({"cfg": [1, 3], "id": "a"}, resolve)
    assert ListOf((Equal(1, AT),), AT).match([1, 1], "l", resolve)[0].message == (
        "expected an array of 1 items, got 2")
