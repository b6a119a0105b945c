"""The text of one exchange in the report (``juo_flowtest.report.exchanges``): bodies, the HTTP
view of one call, one call on its own."""

from __future__ import annotations

import json

from report_calls import TOKEN, call, state

from juo_flowtest.base.redaction import REDACTED
from juo_flowtest.report import exchanges


def test_a_run_state_shows_status_and_pending_first_and_interactive_steps_last() -> None:
    body = state(1, "offer", result={"effects": []})
    assert list(exchanges.ordered(body)) == [
        "status", "pendingInteraction", "result", "workflowId", "runId", "runVersion",
        "interactiveSteps"]
    other = {"b": 1, "a": 2}
    assert exchanges.ordered(other) is other


def test_bodies_are_compact_and_scrubbed() -> None:
    assert exchanges.body_text({"a": [1, "é"]}, ()) == '{"a":[1,"é"]}'
    assert exchanges.body_text({"echo": TOKEN, "apiKey": "k"}, (TOKEN,)) == (
        f'{{"echo":"{REDACTED}","apiKey":"{REDACTED}"}}')
    assert exchanges.body_text({"a": 1}, (), indent=True) == '{\n  "a": 1\n}'


def test_the_http_view_holds_one_whole_call_and_why_it_did_not_pass() -> None:
    data = json.loads(exchanges.http_attachment(
        call(state(2, "offer"), sent={"X-Delegated-Token": TOKEN}), (TOKEN,),
        ("Expectation mismatch", "status: expected a, got b")))
    request, response = data["request"], data["response"]
    assert (request["method"], request["url"]) == ("POST", "http://h/workflows/r-1/respond")
    assert request["headers"] == [{"name": "X-Delegated-Token", "value": REDACTED}]
    assert request["body"] == {"contentType": "application/json",
                               "value": '{\n  "responseType": "next"\n}'}
    assert response["status"] == "200"
    assert list(json.loads(response["body"]["value"]))[:2] == ["status", "pendingInteraction"]
    assert (data["start"], data["stop"]) == (0, 2)
    assert data["error"] == {"name": "Expectation mismatch",
                             "message": "status: expected a, got b"}
    lost = json.loads(exchanges.http_attachment(call(None, status=None), ()))
    assert "response" not in lost and "error" not in lost


def test_a_call_alone_shows_its_url_and_bodies_without_headers_or_the_steps() -> None:
    text = exchanges.call_alone(3, "respond next", call(state(2, "offer"), sent={"a": TOKEN}),
                                (TOKEN,))
    assert text.splitlines() == [
        "── 3 respond next", "POST http://h/workflows/r-1/respond",
        '  body {"responseType":"next"}', "← 200 in 2.2 ms", "  body {",
        '    "status": "waiting_interaction"', '    "pendingInteraction": {"stepId":"offer"}',
        '    "workflowId": "cancellation"', '    "runId": "r-1"', '    "runVersion": 2',
        '    "interactiveSteps": "… 1 steps (in Request and response)"', "  }"]
    assert exchanges.call_alone(1, "get", None, ()).endswith("no request was sent")
