"""Steps: a plain step (``respond: TYPE`` with an ``expect`` of literals) is built on a fast
path; it must build exactly what the general path builds for the same step."""

from __future__ import annotations

from typing import Any

import pytest

from juo_flowtest.base.errors import FlowFileError
from juo_flowtest.expect.matchcore import Matcher
from juo_flowtest.flowfile.loader import load_text
from juo_flowtest.flowfile.model import Step

HEAD = """\
flow: plain steps
start: {flowType: subscription_cancellation_requested}
steps:
"""

EXPECTS = [
    "{http: 200}",
    "{http: 201, status: waiting_interaction}",
    "{pending: {stepId: reason_poll, actionType: poll}, status: waiting_interaction, http: 200}",
    "{outcome: null, endStep: {id: done, nested: {deep: 1.5, flag: true}}, body: {n: 3}}",
    "{status: completed, completion: {reason: too_expensive}, error: null}",
]


def shape(value: Any) -> Any:
    """A matcher tree as plain data (matchers compare by identity): class, fields, position."""
    if isinstance(value, Matcher):
        slots = [s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ())]
        return (type(value).__name__, {s: shape(getattr(value, s)) for s in slots})
    if isinstance(value, tuple):
        return tuple(shape(v) for v in value)
    return value


def step_shape(step: Step) -> Any:
    expect = step.expect
    fields = None if expect is None else (
        shape(expect.http), [(f.label, f.path, shape(f.matcher), f.position) for f in expect.fields],
        expect.jsonpath, expect.headers, expect.max_ms, expect.schema, expect.position)
    return (step.action, step.name, fields, step.save, step.headers, step.position)


def steps_of(respond: str, expect: str | None) -> list[Any]:
    body = f"  - respond: {respond}\n" + (f"    expect: {expect}\n" if expect is not None else "")
    flow = load_text(HEAD + body, "t.flow.yaml").flows[0]
    return [step_shape(step) for step in flow.steps[1:]]


@pytest.mark.parametrize("expect", [*EXPECTS, None])
def test_a_plain_step_is_built_as_the_general_path_builds_it(expect: str | None) -> None:
    # `respond: {type: next}` is not a shorthand: that step takes the general path, and its
    # action is the same record; the expect is written on the same line in both files.
    assert steps_of("next", expect) == steps_of("{type: next}", expect)


def test_an_expect_the_fast_path_declines_is_still_checked() -> None:
    with pytest.raises(FlowFileError) as failure:
        load_text(HEAD + "  - respond: next\n    expect: {http: 99, stauts: x}\n", "t.flow.yaml")
    text = str(failure.value)
    assert "t.flow.yaml:5:20: error: 'http' in expect: 99 is not an HTTP status code" in text
    assert "unknown key 'stauts' in expect" in text


@pytest.mark.parametrize("step", ["{}", "{expect: {http: 200}}", "{name: x, respond: next, expect: {}}"])
def test_a_step_the_fast_path_cannot_take_gets_the_general_checks(step: str) -> None:
    """An empty step, one with no action, or with a key more, is no plain step: the general
    path reports it (an empty step once crashed the fast path with a traceback)."""
    text = HEAD + f"  - {step}\n"
    try:
        load_text(text, "t.flow.yaml")
    except FlowFileError as failure:
        assert "t.flow.yaml:4:" in str(failure)
    else:
        assert step.startswith("{name"), "only the step with a name and an action is valid"
