"""wait: its title from the rendered until, and the timeout's mismatch."""

from __future__ import annotations

from typing import Any

from juo_flowtest.base.position import Position
from juo_flowtest.expect.checks import Expect, FieldCheck
from juo_flowtest.expect.matchers import compile_matcher
from juo_flowtest.flowfile.kinds.wait import KIND, WaitAction, timeout_mismatch, wait_title
from juo_flowtest.flowfile.scope import Scope
from juo_flowtest.target.client import ApiResponse, Exchange

POS = Position("flows/t.flow.yaml", 9, 3)


def check(label: str, raw: Any) -> FieldCheck:
    return FieldCheck(label, (label,), compile_matcher(raw, POS, lambda c, k: None), POS)


def test_wait_titles_show_short_expected_values_or_labels() -> None:
    until = Expect(fields=(check("status", "completed"), check("pending", {"a": "x" * 50})),
                   http=compile_matcher(200, POS, lambda c, k: None))
    title = wait_title(until, Scope({}, None, {}))
    assert title == 'wait until status=completed, pending={"a": "' + "x" * 32 + "…, http=200"
    unknown = Expect(fields=(check("status", "${later}"),))
    assert wait_title(unknown, Scope({}, None, {})) == "wait until status"
    assert wait_title(Expect(), Scope({}, None, {})) == "wait until a 2xx"


def test_the_title_is_what_render_produced() -> None:
    action = WaitAction(Expect())
    rendered = KIND.render(action, Scope({}, None, {}))
    assert KIND.title(action, rendered) == "wait until a 2xx"


def _response(status: int, body: object) -> ApiResponse:
    exchange = Exchange("GET", "http://t/workflows/r-1", {}, None, status, {}, body, 1.0)
    return ApiResponse(status, {}, body, True, 1.0, exchange)


def test_a_timeout_names_the_last_state_seen() -> None:
    wait = WaitAction(Expect(position=POS), timeout_s=1.5)
    state = {"status": "completed", "runVersion": 2, "pendingInteraction": {"stepId": "offer"}}
    mismatch = timeout_mismatch(wait, 4, _response(200, state))
    assert mismatch.message == ("timed out after 1.5s and 4 polls; last state: "
                                "status=completed, runVersion=2, pending=offer; "
                                "what did not match:")
    assert mismatch.position == POS
    assert "last state: HTTP 404" in timeout_mismatch(wait, 1, _response(404, None)).message
