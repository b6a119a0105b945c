"""judgement: when a response is BROKEN, and every mismatch of an expectation against it."""

from __future__ import annotations

from typing import Any

import jsonpath_ng.ext
import pytest

from juo_flowtest.base.position import Position
from juo_flowtest.expect.checks import Expect, FieldCheck
from juo_flowtest.expect.matchers import MISSING, compile_matcher
from juo_flowtest.run.judgement import error_summary, expectations, find, judge
from juo_flowtest.target.client import ApiResponse, Exchange

POS = Position("t.flow.yaml", 4, 3)
STATE = {"workflowId": "wf", "workflowVersion": 1, "runId": "r-1", "runVersion": 2,
         "status": "completed", "completionData": {"endStep": {"id": "saved"}}}


def response(status: int | None = 200, body: Any = STATE, is_json: bool = True,
             failure: str | None = None, elapsed_ms: float = 5.0) -> ApiResponse:
    exchange = Exchange("GET", "http://juo.test/workflows/r-1", {}, None, status, {}, body,
                        elapsed_ms)
    return ApiResponse(status, {"x-trace": "t-1"}, body, is_json, elapsed_ms, exchange, failure)


def matcher(raw: Any) -> Any:
    return compile_matcher(raw, POS, lambda container, key: None)


def expect(http: Any = None, **fields: tuple[tuple[str, ...], Any]) -> Expect:
    return Expect(
        http=None if http is None else matcher(http),
        fields=tuple(FieldCheck(k, path, matcher(raw), POS)
                     for k, (path, raw) in fields.items()),
        position=POS)


def resolve(name: str) -> Any:
    return {"who": "saved"}[name]


def test_a_passing_call_is_recorded_without_mismatches() -> None:
    record = judge("get", "get", response(), expect(endStep=(("completionData", "endStep"),
                                                             {"id": "${who}"})), resolve)
    assert (record.kind, record.title, record.broken, record.mismatches) == ("get", "get", None, ())
    assert record.stopped_at - record.started_at == pytest.approx(0.005, abs=1e-6)


def test_target_faults_are_broken_unless_http_names_the_status() -> None:
    assert judge("get", "get", response(failure="connection refused"), None,
                 resolve).broken == "connection refused"
    broken = judge("get", "get", response(503, {"code": "down", "message": "later"}), None,
                   resolve).broken
    assert broken == ("unexpected HTTP 503 from GET http://juo.test/workflows/r-1 down: later"
                      " — the target failed; check its logs")
    assert judge("get", "get", response(503, None), expect(http=503), resolve).broken is None
    html = judge("get", "get", response(200, "<html>", is_json=False), None, resolve).broken
    assert html == ("the response to GET http://juo.test/workflows/r-1 (HTTP 200) is not valid "
                    "JSON: '<html>'")


def test_a_2xx_breaking_the_run_state_schema_is_broken_unless_schema_is_off() -> None:
    bad = {**STATE, "runVersion": "two"}
    record = judge("get", "get", response(body=bad), None, resolve)
    assert record.broken is not None and "contract violation" in record.broken
    assert record.mismatches
    off = Expect(schema=False)
    assert judge("get", "get", response(body=bad), off, resolve).broken is None


def test_every_mismatch_is_returned_and_a_missing_expect_means_a_2xx() -> None:
    found = expectations(expect(status=(("status",), "failed"), outcome=(("outcome",), 1)),
                         response(404, {"code": "run_not_found"}), resolve)
    assert [(m.path, m.message) for m in found] == [
        ("http", "expected a 2xx, got 404 run_not_found"),
        ("status", 'expected "failed", but the key is missing'),
        ("outcome", "expected 1, but the key is missing")]
    assert expectations(None, response(), resolve) == []


def test_error_reads_the_whole_body_of_a_non_2xx_and_max_ms_is_a_budget() -> None:
    body = {"code": "run_version_conflict"}
    check = expect(http=409, error=(("error",), {"code": "run_version_conflict"}))
    assert expectations(check, response(409, body), resolve) == []
    slow = Expect(max_ms=2.0, position=POS)
    (over,) = expectations(slow, response(elapsed_ms=12.34), resolve)
    assert (over.path, over.actual, over.message) == (
        "maxMs", 12.3, "took 12 ms, over the budget of 2 ms")


def test_find_gives_missing_one_value_or_a_list() -> None:
    assert find(jsonpath_ng.ext.parse("$.nope"), STATE) is MISSING
    assert find(jsonpath_ng.ext.parse("$.runId"), None) is MISSING
    assert find(jsonpath_ng.ext.parse("$.runId"), STATE) == "r-1"
    assert find(jsonpath_ng.ext.parse("$.a[*]"), {"a": [1, 2]}) == [1, 2]


def test_error_summary_wording() -> None:
    assert error_summary({"error": "Conflict", "message": "m"}) == " Conflict: m"
    assert error_summary("x" * 100) == " " + "x" * 80 and error_summary(None) == ""


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_any_redirect_is_broken_even_when_expected(status: int) -> None:
    exchange = Exchange("GET", "http://juo.test/workflows/r-1", {}, None, status, {}, None, 1.0)
    moved = ApiResponse(status, {"location": "http://elsewhere.test/x"}, None, False, 1.0,
                        exchange)
    broken = judge("get", "get", moved, expect(http=status), resolve).broken
    assert broken == (f"HTTP {status} redirect from GET http://juo.test/workflows/r-1 to "
                      "'http://elsewhere.test/x' — the Juo API does not redirect (contract "
                      "violation); it was not followed, so no credentials went there; check "
                      "--juo-base-url")


def test_a_run_state_of_another_run_is_a_contract_violation() -> None:
    exchange = Exchange("GET", "http://juo.test/workflows/r-1", {}, None, 200, {}, STATE, 1.0)
    asked = ApiResponse(200, {}, dict(STATE, runId="r-other"), True, 1.0, exchange, None, 1,
                        "r-1")
    assert judge("get", "get", asked, None, resolve).broken == (
        "the run state from GET http://juo.test/workflows/r-1 is of run 'r-other', not of the "
        "run asked about ('r-1') — contract violation")
    same = ApiResponse(200, {}, STATE, True, 1.0, exchange, None, 1, "r-1")
    assert judge("get", "get", same, None, resolve).broken is None
    # start asks about no run; an error body (not a run state) is judged by expectations
    assert judge("start", "start", response(), None, resolve).broken is None
    error = ApiResponse(404, {}, {"code": "run_not_found", "runId": "x"}, True, 1.0, exchange,
                        None, 1, "r-1")
    assert judge("get", "get", error, expect(http=404), resolve).broken is None
