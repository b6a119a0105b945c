"""``record``: value classes that compare, hash and replace like frozen dataclasses, are slotted,
and are read-only to the type checker (the guard frozen dataclasses paid for at run time)."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest
from mypy import api

from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record


@record
class Pair:
    name: str
    count: int = 0


def test_value_equality_and_hash_like_a_frozen_dataclass() -> None:
    assert Pair("a") == Pair("a", 0)
    assert Pair("a") != Pair("a", 1)
    assert {Pair("a"): 1}[Pair("a", 0)] == 1
    assert len({Position("f", 1, 2), Position("f", 1, 2), Position("f", 2, 1)}) == 2


def test_slotted_and_replaced_with_dataclasses_replace() -> None:
    p = Pair("a")
    assert not hasattr(p, "__dict__")
    with pytest.raises(AttributeError):
        p.other = 1  # type: ignore[attr-defined]
    assert dataclasses.replace(p, count=2) == Pair("a", 2)
    assert p == Pair("a")


def test_the_type_checker_reports_an_assignment_to_a_field(tmp_path: Path) -> None:
    source = tmp_path / "uses_record.py"
    source.write_text(textwrap.dedent("""
        from juo_flowtest.base.position import Position
        p = Position("f", 1, 2)
        p.line = 3
    """))
    out, _, status = api.run([str(source), "--no-incremental", "--follow-imports=silent",
                              "--cache-dir=/dev/null"])
    assert status == 1, out
    assert 'Property "line" defined in "Position" is read-only' in out
