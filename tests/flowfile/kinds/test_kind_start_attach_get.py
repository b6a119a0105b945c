"""start, attach, get: what each renders first, its title and its own headers."""

from __future__ import annotations

import pytest

from juo_flowtest.base import templating
from juo_flowtest.flowfile.kinds import attach, get, start
from juo_flowtest.flowfile.model import Headers
from juo_flowtest.flowfile.scope import NoValue, Scope

SCOPE = Scope({"reason": "too_expensive", "ver": 7}, None, {})


def v(raw: object) -> object:
    return templating.compile_value(raw)


def test_start_renders_its_body_and_is_titled_by_its_flow_type() -> None:
    action = start.StartAction(v({"flowType": "skip", "context": {"why": "${reason}"}}),
                               Headers((("X-A", "start"),)))
    rendered = start.KIND.render(action, SCOPE)
    assert rendered == {"flowType": "skip", "context": {"why": "too_expensive"}}
    assert start.KIND.title(action, rendered) == "start skip"
    assert start.KIND.title(action, [1]) == "start null"
    assert start.KIND.headers(action).values == (("X-A", "start"),)


def test_attach_renders_its_run_id_as_text() -> None:
    action = attach.AttachAction(v("${ver}"))
    assert attach.KIND.render(action, SCOPE) == "7"
    assert attach.KIND.title(action, "r-9") == "attach r-9"


def test_get_renders_nothing_and_is_titled_get() -> None:
    assert get.KIND.render(get.GetAction(), SCOPE) is None
    assert get.KIND.title(get.GetAction(), None) == "get"


def test_a_value_that_cannot_render_raises_for_the_runner_to_report() -> None:
    with pytest.raises(NoValue):
        attach.KIND.render(attach.AttachAction(v("${env:NOPE}")), SCOPE)
