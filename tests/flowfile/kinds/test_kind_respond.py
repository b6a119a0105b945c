"""respond: rendering, titles, and the body's threading of interaction and version."""

from __future__ import annotations

from juo_flowtest.base import templating
from juo_flowtest.flowfile.kinds.respond import KIND, RespondAction, respond_body, respond_title
from juo_flowtest.flowfile.scope import CurrentRun, Scope

RUN = CurrentRun("r-1", 2, "wf@1", "waiting_interaction", "i-2", "offer", "offer_discount", "i-2")
SCOPE = Scope({"reason": "too_expensive", "ver": 7}, RUN, {})


def v(raw: object) -> object:
    return templating.compile_value(raw)


def test_the_response_type_renders_once_and_titles_the_step() -> None:
    action = RespondAction(v("${reason}"))
    assert KIND.render(action, SCOPE) == "too_expensive"
    assert KIND.title(action, "too_expensive") == "respond too_expensive"
    assert KIND.title(action, {"a": 1}) == 'respond {"a": 1}'


def test_respond_threads_interaction_and_version_unless_written() -> None:
    assert respond_body(RespondAction("accept"), "accept", RUN, SCOPE) == {
        "interactionId": "i-2", "responseType": "accept", "expectedRunVersion": 2}
    written = RespondAction("accept", v({"note": "${reason}"}), v("i-9"), None)
    assert respond_body(written, "accept", RUN, SCOPE) == {
        "interactionId": "i-9", "responseType": "accept", "responseData": {"note": "too_expensive"}}


def test_respond_on_a_finished_run_reuses_its_last_interaction_or_says_why_not() -> None:
    finished = RUN._replace(interaction_id=None, step_id=None, status="completed")
    assert respond_body(RespondAction("x"), "x", finished, SCOPE)["interactionId"] == "i-2"
    never = finished._replace(last_interaction_id=None)
    assert respond_body(RespondAction("x"), "x", never, SCOPE) == (
        "respond: the run r-1 has no pending interaction to answer (status completed); "
        "write interactionId explicitly")


def test_respond_titles_say_what_was_answered() -> None:
    assert respond_title("accept", RUN) == "respond accept to offer_discount (step offer)"
    assert respond_title("accept", None) == "respond accept (no pending interaction)"
