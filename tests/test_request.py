"""request: a step's values rendered once, its headers, and the respond body's threading."""

from __future__ import annotations

import pytest

from juo_flowtest.base import templating
from juo_flowtest.base.position import Position
from juo_flowtest.flowfile import model
from juo_flowtest.flowfile.request import first_value, request_headers, respond_body
from juo_flowtest.flowfile.scope import CurrentRun, NoValue, Scope

RUN = CurrentRun("r-1", 2, "wf@1", "waiting_interaction", "i-2", "offer", "offer_discount", "i-2")
SCOPE = Scope({"reason": "too_expensive", "ver": 7, "token": "abc"}, RUN, {"SHOP": "s.test"})


def v(raw: object) -> object:
    return templating.compile_value(raw)


def test_first_values_are_the_rendered_start_body_run_id_and_respond_type() -> None:
    start = model.StartAction(v({"flowType": "skip", "context": {"why": "${reason}"}}))
    assert first_value(start, SCOPE) == {"flowType": "skip", "context": {"why": "too_expensive"}}
    assert first_value(model.AttachAction(v("${ver}")), SCOPE) == "7"
    assert first_value(model.RespondAction(v("${reason}")), SCOPE) == "too_expensive"
    assert first_value(model.WaitAction(model.Expect()), SCOPE) == "wait until a 2xx"
    assert first_value(model.GetAction(), SCOPE) is None


def test_headers_merge_flow_action_step_in_order_and_none_removes() -> None:
    flow = model.Flow("f", (), Position("f", 1, 1),
                      headers=model.Headers((("X-A", "flow"), ("X-Shop", v("${env:SHOP}")))))
    step = model.Step(model.StartAction({}, model.Headers((("X-A", "start"),))),
                      headers=model.Headers((("X-Shop", None), ("X-N", v("${ver}")))))
    assert request_headers(flow, step, SCOPE) == {"X-A": "start", "X-Shop": None, "X-N": "7"}
    bare = model.Flow("f", (), Position("f", 1, 1))
    assert request_headers(bare, model.Step(model.GetAction()), SCOPE) is None


def test_respond_threads_interaction_and_version_unless_written() -> None:
    assert respond_body(model.RespondAction("accept"), "accept", RUN, SCOPE) == {
        "interactionId": "i-2", "responseType": "accept", "expectedRunVersion": 2}
    written = model.RespondAction("accept", v({"note": "${reason}"}), v("i-9"), None)
    assert respond_body(written, "accept", RUN, SCOPE) == {
        "interactionId": "i-9", "responseType": "accept", "responseData": {"note": "too_expensive"}}


def test_respond_on_a_finished_run_reuses_its_last_interaction_or_says_why_not() -> None:
    finished = RUN._replace(interaction_id=None, step_id=None, status="completed")
    assert respond_body(model.RespondAction("x"), "x", finished, SCOPE)["interactionId"] == "i-2"
    never = finished._replace(last_interaction_id=None)
    assert respond_body(model.RespondAction("x"), "x", never, SCOPE) == (
        "respond: the run r-1 has no pending interaction to answer (status completed); "
        "write interactionId explicitly")


def test_a_value_that_cannot_render_raises_for_the_runner_to_report() -> None:
    with pytest.raises(NoValue):
        first_value(model.AttachAction(v("${env:NOPE}")), SCOPE)
