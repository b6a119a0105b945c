"""A flow's log of calls (``juo_flowtest.report.calllog``), with what did not change left out."""

from __future__ import annotations

import json

from report_calls import STEPS, TOKEN, call, state

from juo_flowtest.base.redaction import REDACTED
from juo_flowtest.report import calllog
from juo_flowtest.report.calllog import CallLog, Commons


def test_the_first_call_is_logged_whole() -> None:
    log = CallLog(())
    text = log.add("start x", call(state(1, "offer"), sent={"a": "1"}))
    lines = text.splitlines()
    assert lines[:4] == ["── 1 start x", "POST http://h/workflows/r-1/respond", "  a: 1",
                         '  body {"responseType":"next"}']
    assert lines[4:7] == ["← 200 in 2.2 ms", "  content-length: 99", "  body {"]
    steps = json.dumps(STEPS, separators=(",", ":"))
    assert lines[-3:] == ['    "runVersion": 1', f'    "interactiveSteps": {steps}', "  }"]
    assert "…" not in text


def test_a_later_call_names_what_did_not_change_instead_of_repeating_it() -> None:
    log = CallLog(())
    log.add("first", call(state(1, "offer", result={"visited": ["a"]})))
    text = log.add("second", call(state(2, "confirm", result={"visited": ["a", "b"]}),
                                  sent={"x-tenant-id": "t", "accept": "json"},
                                  received={"content-length": "98"}))
    lines = text.splitlines()
    # Headers: only those that changed; content-length and date are never repeated.
    assert lines[:4] == ["── 2 second", "POST (same URL as before)", "  accept: json",
                         '  body {"responseType":"next"}']
    assert lines[4:6] == ["← 200 in 2.2 ms", "  body {"]
    assert '    "status": "waiting_interaction"' in lines  # never left out
    assert '    "pendingInteraction": {"stepId":"confirm"}' in lines
    assert '    "result": {"visited":["… 1 as before","b"]}' in lines
    assert lines[-2:] == ["    … unchanged: workflowId, runId, interactiveSteps", "  }"]
    third = log.add("third", call(state(3, "offer", result={"visited": ["a", "b"]}),
                                  sent={"x-tenant-id": "t"}))
    assert "  (no longer: accept)" in third
    assert "    … unchanged: result, workflowId, runId, interactiveSteps" in third
    assert log.text().startswith(calllog.LOG_HEAD)
    assert "\n\n── 2 second\n" in log.text() and len(log) == 3


def test_a_part_written_out_before_is_referred_to() -> None:
    config = {"question": "Why do you want to cancel? Tell us, please."}
    log = CallLog(())
    log.add("one", call(state(1, "poll", pendingInteraction={"id": 1, "actionConfig": config})))
    log.add("two", call(state(2, "offer")))
    text = log.add("three", call(state(3, "poll", pendingInteraction={
        "id": 3, "actionConfig": config})))
    assert '"pendingInteraction": {"id":3,"actionConfig":"… as in call 1"}' in text
    assert "    … unchanged: as before" in text  # the same members as call 2 left out


def test_a_runs_interactive_steps_are_written_once_for_all_flows() -> None:
    commons = Commons({"cancellation": "Cancellation flow"})
    first = CallLog((), commons).add("start", call(state(1, "offer")))
    assert ('    "interactiveSteps": "… 1 steps: global attachment '
            'interactiveSteps of Cancellation flow (cancellation@None)"') in first
    assert Commons().common_name("c@2") == "interactiveSteps of c@2"
    assert commons.new == [("cancellation@None", STEPS)]
    commons.new.clear()
    CallLog((), commons).add("start", call(state(1, "offer")))
    assert commons.new == []  # another flow: already written
    changed = [{"stepId": "other"}]
    other = CallLog((), commons).add("start", call(state(1, "offer", interactiveSteps=changed)))
    assert '"interactiveSteps": [{"stepId":"other"}]' in other  # not the run's copy: written out


def test_a_call_without_response_or_request_says_so() -> None:
    log = CallLog(())
    lost = log.add("respond", call(None, status=None))
    assert lost.endswith("← no response in 2.2 ms")
    assert log.add("get", None).endswith("  no request was sent")
    text = log.add("text", call("plain text, not JSON"))
    assert text.endswith("  body plain text, not JSON")


def test_the_log_hides_secrets_in_urls_headers_and_bodies() -> None:
    log = CallLog((TOKEN,))
    text = log.add(f"start {TOKEN}", call(
        {"status": "x", "echo": TOKEN}, url=f"http://h/s?access_token={TOKEN}",
        sent={"Authorization": f"Bearer {TOKEN}", "X-Echo": TOKEN}, request={"apiKey": "k"}))
    assert TOKEN not in text
    assert f"  Authorization: {REDACTED}" in text and f"  X-Echo: {REDACTED}" in text
    assert f'"apiKey":"{REDACTED}"' in text and f'"echo": "{REDACTED}"' in text


def test_each_member_is_scrubbed_as_the_whole_body_would_be() -> None:
    """The log looks for secrets member by member: its text is the text of the same calls
    with every body scrubbed whole beforehand (sensitive keys, secrets deep inside, credential
    words, a key holding the token), and members without any stay as they are."""
    from juo_flowtest.base.redaction import scrub

    bodies = [
        state(1, "offer", result={"visited": ["a"], "note": "plain"}),
        state(2, "offer", result={"visited": ["a", "b"], "note": f"has {TOKEN}"},
              accessToken="abc", outcome={"message": "Bearer eyJhbGciOi.x.y"}),
        state(3, "confirm", result={"visited": ["a", "b", "c"], "note": f"has {TOKEN}"},
              **{f"k-{TOKEN}": 1}),
    ]
    raw, pre = CallLog((TOKEN,)), CallLog((TOKEN,))
    for body in bodies:
        raw.add("respond", call(body))
        pre.add("respond", call(scrub(body, (TOKEN,))))
    assert raw.text() == pre.text()
    assert TOKEN not in raw.text() and "eyJhbGciOi" not in raw.text()
    assert f'"accessToken": "{REDACTED}"' in raw.text()
    assert '"note":"plain"' in raw.text()
