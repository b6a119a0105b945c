"""``base.jsonread``: orjson's speed, ``json.loads``'s answers, on any JSON text."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juo_flowtest.base.jsonread import read

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children,
                                                                      max_size=4),
    max_leaves=20,
)


@given(values, st.booleans())
def test_any_json_text_reads_as_json_reads_it(value: object, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")
    assert read(raw)[0] == json.loads(raw)


@pytest.mark.parametrize("raw", [
    b'{"big": 123456789012345678901234567890}', b"[-9223372036854775809]",
    b'{"a": NaN, "b": -Infinity}', b'"\\ud800"', '{"é": 1}'.encode("utf-16"),
])
def test_what_orjson_would_read_otherwise_is_read_by_json(raw: bytes) -> None:
    value, by_json = read(raw)
    assert by_json
    expected = json.loads(raw)
    assert repr(value) == repr(expected) or (isinstance(value, dict) and math.isnan(value["a"]))


def test_a_plain_run_state_is_read_by_orjson() -> None:
    assert read(b'{"runId": "r-1", "runVersion": 3, "ids": [12345678901234567]}')[1] is False


@pytest.mark.parametrize("raw", [b"", b"{", b"{'a': 1}", b"\xff", b"[1,]", b"01"])
def test_not_json_is_a_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError):
        read(raw)


@pytest.mark.parametrize("raw", [b'{"a": NaN}', b"[Infinity]", b"-Infinity"])
def test_strict_refuses_what_json_has_not(raw: bytes) -> None:
    with pytest.raises(ValueError, match="is not JSON"):
        read(raw, strict=True)
    assert read(raw)[1]  # the lenient read lets json.loads answer
