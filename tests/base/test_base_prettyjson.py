"""Indented JSON for report attachments: the stdlib's ``indent=2`` text, written faster."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from juo_flowtest.base import prettyjson

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                    st.binary(max_size=4))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.lists(inner, max_size=3).map(tuple),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=25,
)


def stdlib(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_the_text_is_what_json_dumps_indent_2_writes(value: Any) -> None:
    assert prettyjson.dumps(value) == stdlib(value)


def test_special_floats_escapes_and_mapping_subclasses_are_written_as_the_stdlib_does() -> None:
    value = OrderedDict(nan=float("nan"), inf=[float("inf"), -float("inf"), 1e300, -0.0],
                        text='q"uote \\ \n\t\x00 \u2028 é ✓', empty=({}, [], ()))
    assert prettyjson.dumps(value) == stdlib(value)


def test_keys_that_are_not_strings_are_written_as_their_str() -> None:
    # As redaction.scrub names them, so a value and its scrubbed copy render alike.
    assert json.loads(prettyjson.dumps({True: 1, None: 2, 3: 4})) == {"True": 1, "None": 2,
                                                                       "3": 4}


@given(VALUES, st.integers(0, 4))
def test_a_level_indents_every_line_after_the_first(value: Any, level: int) -> None:
    assert prettyjson.dumps(value, level) == stdlib(value).replace("\n", "\n" + "  " * level)


def test_members_builds_an_object_from_written_values() -> None:
    value = {"request": {"method": "POST", "body": {"a": [1]}}, "empty": {}}
    request = prettyjson.members(
        ((k, prettyjson.dumps(v, 2)) for k, v in value["request"].items()), 1)
    text = prettyjson.members([("request", request), ("empty", prettyjson.dumps({}, 1))])
    assert text == stdlib(value)
    assert prettyjson.members([]) == "{}"
