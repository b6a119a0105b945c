"""templating: compile once, render through a resolve callable, escapes, names."""

from __future__ import annotations

from typing import Any

import pytest

from juo_flowtest.base import templating
from juo_flowtest.base.templating import (
    BUILTINS,
    Template,
    TemplateSyntaxError,
    UnknownVariable,
    compile_string,
    compile_value,
    names,
    render,
)

SCOPE: dict[str, Any] = {
    "sub": "gid://1",
    "version": 3,
    "flag": True,
    "nothing": None,
    "obj": {"a": 1},
    "run.id": "r-1",
    "env:HOME": "/home/qa",
}


def resolve(name: str) -> Any:
    try:
        return SCOPE[name]
    except KeyError:
        raise UnknownVariable(name) from None


def test_whole_placeholder_keeps_type() -> None:
    assert render(compile_value("${version}"), resolve) == 3
    assert render(compile_value("${obj}"), resolve) == {"a": 1}
    assert render(compile_value("${nothing}"), resolve) is None


def test_interpolation_uses_json_words_for_non_strings() -> None:
    value = compile_value("v${version} f=${flag} n=${nothing} o=${obj} s=${sub}")
    assert render(value, resolve) == 'v3 f=true n=null o={"a": 1} s=gid://1'


def test_dotted_env_and_spaced_names() -> None:
    assert render(compile_value("${run.id}/${ env:HOME }"), resolve) == "r-1//home/qa"


def test_escape_gives_literal_placeholder_text() -> None:
    assert compile_string("$${sub}") == "${sub}"
    assert render(compile_value("a $${sub} b ${sub}"), resolve) == "a ${sub} b gid://1"


def test_plain_data_is_returned_unchanged_and_same_object() -> None:
    raw = {"a": [1, "x", {"b": None}], "c": "no placeholder"}
    assert compile_value(raw) is raw


def test_changed_data_is_copied_not_mutated() -> None:
    raw = {"a": ["${sub}"], "b": 1}
    compiled = compile_value(raw)
    assert raw == {"a": ["${sub}"], "b": 1}
    assert isinstance(compiled["a"][0], Template)
    assert render(compiled, resolve) == {"a": ["gid://1"], "b": 1}


def test_names_collects_every_reference() -> None:
    value = compile_value({"x": "${a}-${b.c}", "y": ["${env:X}"], "z": 4})
    assert names(value) == {"a", "b.c", "env:X"}
    assert names("plain") == set()


def test_unknown_variable_propagates_from_resolve() -> None:
    with pytest.raises(UnknownVariable) as info:
        render(compile_value({"k": "${subscriptoin}"}), resolve)
    assert info.value.name == "subscriptoin"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("${", "unclosed"), ("a ${b", "unclosed"), ("${}", "invalid"), ("${a b}", "invalid"),
     ("${1x}", "invalid"), ("${env:}", "invalid")],
)
def test_malformed_placeholders_are_errors(text: str, fragment: str) -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        compile_string(text)
    assert fragment in info.value.message
    assert text[info.value.offset] == "$"


def test_builtins_and_env_are_always_known() -> None:
    assert BUILTINS == {"run.id", "run.version", "pending.interactionId", "pending.stepId", "uuid"}
    assert templating.is_always_known("env:ANYTHING")
    assert templating.is_always_known("uuid")
    assert not templating.is_always_known("subscription")


def test_whole_is_none_for_mixed_templates() -> None:
    t = compile_string("x${a}")
    assert isinstance(t, Template)
    assert t.whole is None
    assert str(t) == "x${a}"
