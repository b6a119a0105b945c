"""The sandbox's JSON codec answers as the stdlib did: same text, same verdicts on bad bodies."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juo_flowtest.sandbox.jsoncodec import JsonCodec, fragment

_stdlib = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# Everything JSON can carry except floats (whose exponent form is written 1e16, not 1e+16).
scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text()
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children,
                                                                      max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_the_text_is_the_stdlib_s(value: object) -> None:
    assert JsonCodec().dumps(value) == _stdlib(value).encode("utf-8")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_read_back_as_the_same_number(value: float) -> None:
    assert json.loads(JsonCodec().dumps({"x": value})) == {"x": value}


@given(json_values)
def test_a_body_reads_as_the_stdlib_reads_it(value: object) -> None:
    raw = _stdlib(value).encode("utf-8")
    assert JsonCodec().loads(raw) == json.loads(raw)


@pytest.mark.parametrize("raw", [b"", b"{", b"{'a': 1}", b"\xff", b"[1,]"])
def test_what_the_stdlib_refuses_is_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        JsonCodec().loads(raw)


def test_values_only_the_stdlib_reads_come_back_as_the_stdlib_wrote_them() -> None:
    codec = JsonCodec()
    value = codec.loads(b'{"a": NaN, "b": Infinity, "big": 123456789012345678901234567890}')
    assert math.isnan(value["a"]) and value["big"] == 123456789012345678901234567890
    assert codec.dumps(value) == b'{"a":NaN,"b":Infinity,"big":123456789012345678901234567890}'


def test_what_orjson_cannot_write_is_written_by_the_stdlib() -> None:
    codec = JsonCodec()
    assert codec.dumps({"big": 2**70, 1: "int key"}) == _stdlib({"big": 2**70, 1: "int key"}
                                                                ).encode()
    assert not codec.exotic  # one value at a time: the next body is fast again


@given(json_values)
def test_a_fragment_reads_as_its_value_wherever_it_is_put(value: object) -> None:
    part = fragment(value)
    if part is not None:  # every value of json_values is written alike by both encoders
        assert JsonCodec().dumps({"a": [part, 1]}) == _stdlib({"a": [value, 1]}).encode()


@pytest.mark.parametrize("value", [math.nan, math.inf, 2**70, {1: "int key"}, 1e-7, "\ud800"])
def test_what_orjson_writes_otherwise_is_not_pre_encoded(value: object) -> None:
    assert fragment(value) is None


def test_a_body_with_fragments_is_written_by_orjson_even_after_an_exotic_body() -> None:
    codec = JsonCodec()
    codec.loads(b'{"a": NaN}')
    assert codec.exotic
    part = fragment({"b": [1, "é"]})
    assert codec.dumps({"x": part, "n": None}) == '{"x":{"b":[1,"é"]},"n":null}'.encode()
    assert codec.dumps({"n": math.nan}) == b'{"n":NaN}'  # without fragments: the stdlib
