"""Runner unit tests against a tiny in-process Juo (served through ``httpx.MockTransport``).

Two interactive steps: ``value_reminder`` (show_content, ``next``) then ``discount_offer``
(offer_discount, ``accept``/``decline``), then completed. Every request is kept in
``requests``; ``override`` lets a test answer one call its own way (a fault, a bad body).
Flow objects for tests are built with the helpers below, as the loader would build them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import jsonpath_ng.ext
import pytest

from juo_flowtest.base import templating
from juo_flowtest.base.outcome import Verdict
from juo_flowtest.base.position import Position
from juo_flowtest.expect.checks import Expect, FieldCheck, JsonPathCheck
from juo_flowtest.expect.matchers import compile_matcher
from juo_flowtest.flowfile import model
from juo_flowtest.flowfile.kinds.attach import AttachAction
from juo_flowtest.flowfile.kinds.get import GetAction
from juo_flowtest.flowfile.kinds.respond import RespondAction
from juo_flowtest.flowfile.kinds.start import StartAction
from juo_flowtest.flowfile.kinds.wait import WaitAction
from juo_flowtest.run.result import CallRecord, StepResult
from juo_flowtest.run.runner import run_flow
from juo_flowtest.target.client import Auth, JuoClient

TOKEN = "tok-3f9a-secret"
BASE = "http://juo.test/customer/v1"
STEPS = {
    "value_reminder": ("show_content", ["next"]),
    "discount_offer": ("offer_discount", ["accept", "decline"]),
}
INTERACTIVE = [
    {"stepId": sid, "actionType": at, "actionConfig": {},
     "availableResponses": [{"type": r, "label": r.title()} for r in rs]}
    for sid, (at, rs) in STEPS.items()
]


class FakeJuo:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.runs: dict[str, dict[str, Any]] = {}
        self.override: Callable[[httpx.Request], httpx.Response | None] | None = None
        self.transport = httpx.MockTransport(self.handle)

    def client(self, **kw: Any) -> JuoClient:
        http = httpx.Client(transport=self.transport)
        return JuoClient(http, BASE, "shop.test", Auth("delegated", TOKEN),
                         sleep=lambda s: None, **kw)

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.override is not None:
            answer = self.override(request)
            if answer is not None:
                return answer
        parts = request.url.path.split("/")[3:]  # after /customer/v1
        if parts == ["workflows", "start"]:
            return self.start()
        run = self.runs.get(parts[1])
        if run is None:
            return error(404, "run_not_found", "no such run")
        if request.method == "GET":
            return httpx.Response(200, json=run, headers={"X-Run-Version": str(run["runVersion"])})
        return self.respond(run, json.loads(request.content))

    def start(self) -> httpx.Response:
        run_id = f"run-{len(self.runs) + 1}"
        run = {"workflowId": "wf-cancel", "workflowVersion": 3, "runId": run_id,
               "runVersion": 1, "status": "waiting_interaction",
               "interactiveSteps": INTERACTIVE}
        self.runs[run_id] = run
        self.present(run, "value_reminder", 1)
        return httpx.Response(200, json=run)

    def present(self, run: dict[str, Any], step_id: str, n: int) -> None:
        action, responses = STEPS[step_id]
        run["pendingInteraction"] = {
            "interactionId": f"int-{n}", "stepId": step_id, "actionType": action,
            "actionBehavior": "input", "actionConfig": {"percentage": 20},
            "availableResponses": [{"type": r, "label": r.title()} for r in responses],
            "presentedAt": "2025-03-01T10:00:00Z"}

    def respond(self, run: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        pending = run.get("pendingInteraction")
        if "expectedRunVersion" in body and body["expectedRunVersion"] != run["runVersion"]:
            return error(409, "run_version_conflict",
                         f"expected {body['expectedRunVersion']}, run is at {run['runVersion']}")
        if pending is None:
            return error(409, "run_not_waiting", "run is not waiting")
        if body.get("interactionId") != pending["interactionId"]:
            return error(409, "interaction_mismatch", "not the pending interaction")
        run["runVersion"] += 1
        if pending["stepId"] == "value_reminder":
            self.present(run, "discount_offer", 2)
        else:
            del run["pendingInteraction"]
            run["status"] = "completed"
            run["completionData"] = {"endStep": {"id": "saved", "category": "retained"}}
        return httpx.Response(200, json=run)


def error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"statusCode": status, "error": "Error", "code": code,
                                        "message": message})


# -- building flow objects as the loader would ---------------------------------------------

POS = Position("flows/t.flow.yaml", 3, 1)
LABELS = {"status": ("status",), "pending": ("pendingInteraction",), "outcome": ("outcome",),
          "endStep": ("completionData", "endStep"), "error": ("error",), "body": (),
          "result": ("result",)}


def matcher(raw: Any) -> Any:
    return compile_matcher(raw, POS, lambda container, key: None)


def expect(http: Any = None, jsonpath: dict[str, Any] | None = None, headers: Any = None,
           max_ms: float | None = None, schema: bool = True, **fields: Any) -> Expect:
    return Expect(
        http=None if http is None else matcher(http),
        fields=tuple(FieldCheck(k, LABELS[k], matcher(v), POS) for k, v in fields.items()),
        jsonpath=tuple(JsonPathCheck(e, jsonpath_ng.ext.parse(e), matcher(v), POS)
                       for e, v in (jsonpath or {}).items()),
        headers=None if headers is None else matcher(headers),
        max_ms=max_ms, schema=schema, position=POS)


def at(line: int) -> Position:
    return Position("flows/t.flow.yaml", line, 3)


def start(flow_type: str = "subscription_cancellation_requested", **kw: Any) -> model.Step:
    body = templating.compile_value({"flowType": flow_type, "context": {}})
    return model.Step(StartAction(body), position=at(1), **kw)


def respond(rtype: str, line: int = 10, data: Any = None, interaction_id: Any = model.UNSET,
            version: Any = model.UNSET, **kw: Any) -> model.Step:
    action = RespondAction(templating.compile_value(rtype), templating.compile_value(data),
                                 templating.compile_value(interaction_id),
                                 templating.compile_value(version))
    return model.Step(action, position=at(line), **kw)


def save(name: str, path: str | None = None, header: str | None = None) -> model.SaveSpec:
    parsed = jsonpath_ng.ext.parse(path) if path else None
    return model.SaveSpec(name, path, parsed, header, at(20))


def headers(**values: Any) -> model.Headers:
    return model.Headers(tuple((k.replace("_", "-"), templating.compile_value(v))
                               for k, v in values.items()))


def flow(*steps: model.Step, vars: dict[str, Any] | None = None,
         flow_headers: model.Headers | None = None) -> model.Flow:
    return model.Flow("Fake flow", tuple(steps), POS,
                      vars={k: templating.compile_value(v) for k, v in (vars or {}).items()},
                      headers=flow_headers or model.Headers())


# -- the tests -------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def step_started(self, index: int, title: str) -> None:
        self.events.append(("started", (index, title)))

    def call_finished(self, record: CallRecord) -> None:
        self.events.append(("call", record.title))

    def step_finished(self, result: StepResult) -> None:
        self.events.append(("finished", (result.index, result.verdict)))


def run(fake: FakeJuo, f: model.Flow, case: model.Case | None = None, **kw: Any) -> Any:
    return run_flow(f, case, fake.client(), env={"SHOP": "shop.env"}, **kw)


def test_a_flow_threads_interaction_and_version_and_passes() -> None:
    fake = FakeJuo()
    f = flow(start(expect=expect(status="waiting_interaction",
                                 pending={"stepId": "value_reminder"})),
             respond("next", expect=expect(pending={"actionType": "offer_discount",
                                                    "availableResponses": ["accept", "decline"]})),
             respond("accept", data={"note": "hi"},
                     expect=expect(status="completed", endStep={"category": "retained"})))
    result = run(fake, f)
    assert result.verdict is Verdict.PASSED, result.message
    assert result.message == ""
    _, first, second = fake.bodies()
    assert first == {"interactionId": "int-1", "responseType": "next", "expectedRunVersion": 1}
    assert second == {"interactionId": "int-2", "responseType": "accept",
                      "responseData": {"note": "hi"}, "expectedRunVersion": 2}
    assert [r.url.path for r in fake.requests] == [
        "/customer/v1/workflows/start", "/customer/v1/workflows/run-1/respond",
        "/customer/v1/workflows/run-1/respond"]
    titles = [c.title for s in result.steps for c in s.calls]
    assert titles == ["start subscription_cancellation_requested",
                      "respond next to show_content (step value_reminder)",
                      "respond accept to offer_discount (step discount_offer)"]
    assert [s.title for s in result.steps] == [
        "start subscription_cancellation_requested", "respond next", "respond accept"]
    assert [c.kind for s in result.steps for c in s.calls] == ["start", "respond", "respond"]


def test_coverage_sample_knows_offered_pairs_and_exercised_ones() -> None:
    result = run(FakeJuo(), flow(start(), respond("next")))
    key = "wf-cancel@3"
    assert result.coverage.known == {key: frozenset(
        {("value_reminder", "next"), ("discount_offer", "accept"),
         ("discount_offer", "decline")})}
    assert result.coverage.exercised == {key: frozenset({("value_reminder", "next")})}


def test_a_rejected_respond_is_not_counted_as_exercised() -> None:
    f = flow(start(), respond("next", version=7, expect=expect(http=409)))
    result = run(FakeJuo(), f)
    assert result.verdict is Verdict.PASSED, result.message
    assert result.coverage.exercised == {}


def test_explicit_version_and_interaction_override_and_null_sends_none() -> None:
    fake = FakeJuo()
    f = flow(start(),
             respond("next", version=None),
             respond("accept", interaction_id="int-9", version=5,
                     expect=expect(http=409, error={"code": "run_version_conflict"})))
    result = run(fake, f)
    assert result.verdict is Verdict.PASSED, result.message
    assert fake.bodies()[1] == {"interactionId": "int-1", "responseType": "next"}
    assert fake.bodies()[2] == {"interactionId": "int-9", "responseType": "accept",
                                "expectedRunVersion": 5}


def test_a_non_2xx_fails_unless_http_names_it_and_stops_the_flow() -> None:
    fake = FakeJuo()
    f = flow(start(), respond("next", line=12, version=4), respond("accept"), respond("x"))
    result = run(fake, f)
    assert result.verdict is Verdict.FAILED
    assert len(result.steps) == 2 and len(fake.requests) == 2
    assert result.message == (
        'step 2 "respond next" (flows/t.flow.yaml:12) failed:\n'
        "  http: expected a 2xx, got 409 run_version_conflict: expected 4, run is at 1\n"
        "(2 later steps were not run)")


def test_every_mismatch_of_a_step_is_reported_at_once() -> None:
    f = flow(start(), respond("next", line=14, expect=expect(
        status="completed",
        pending={"actionType": "offer_skip", "actionConfig": {"percentage": 15}},
        jsonpath={"$.runVersion": 9, "$.nothing": 1},
        headers={"content-type": {"$regex": "xml"}})))
    result = run(FakeJuo(), f)
    assert result.verdict is Verdict.FAILED
    lines = result.message.splitlines()
    assert lines[0] == 'step 2 "respond next" (flows/t.flow.yaml:14) failed:'
    assert lines[1:] == [
        '  status: expected "completed", got "waiting_interaction"',
        '  pending.actionType: expected "offer_skip", got "offer_discount"',
        "  pending.actionConfig.percentage: expected 15, got 20",
        "  jsonpath $.runVersion: expected 9, got 2",
        "  jsonpath $.nothing: expected 1, but the key is missing",
        lines[6]]
    assert lines[6].startswith("  headers.content-type: ")
    assert len(result.steps[1].mismatches) == 6


def test_long_values_show_their_diff_under_the_mismatch() -> None:
    big = {f"k{i}": i for i in range(20)}
    f = flow(start(expect=expect(body={"result": big})))
    fake = FakeJuo()
    state_with_result = {}

    def answer(request: httpx.Request) -> httpx.Response | None:
        state = fake.start().json()
        state["result"] = dict(big, k3=-3)
        state_with_result.update(state)
        return httpx.Response(200, json=state)

    fake.override = answer
    result = run(fake, f)
    assert "  body.result.k3: expected 3, got -3" in result.message.splitlines()
    whole = flow(start(expect=expect(result={"$eq": big})))
    message = run(fake, whole).message
    assert "\n    --- expected\n    +++ actual\n" in message
    assert '\n    -  "k3": 3,\n    +  "k3": -3,' in message


def test_builtins_in_expect_describe_the_state_before_the_call() -> None:
    f = flow(start(), respond("next", expect=expect(
        body={"runVersion": {"$gt": "${run.version}"}},
        jsonpath={"$.pendingInteraction.interactionId": {"$ne": "${pending.interactionId}"}})))
    result = run(FakeJuo(), f)
    assert result.verdict is Verdict.PASSED, result.message


def test_variables_vars_env_case_save_and_uuid() -> None:
    fake = FakeJuo()
    case = model.Case("c1", templating.compile_value(
        {"reason": "too_expensive", "who": "case", "home": "${env:SHOP}"}), POS)
    f = flow(start(save=(save("first_version", "$.runVersion"),)),
             model.Step(GetAction(), save=(save("rv", header="X-Run-Version"),)),
             respond("next", data={"r": "${reason}", "v": "${first_version}", "rv": "${rv}",
                                   "tenant": "${tenant}", "who": "${who}", "u": "${uuid}",
                                   "u2": "${uuid}", "run": "${run.id}", "l": "${label}"}),
             vars={"tenant": "${env:SHOP}", "label": "t=${tenant} h=${home}", "who": "flow"})
    result = run(fake, f, case)
    assert result.verdict is Verdict.PASSED, result.message
    data = fake.bodies()[2]["responseData"]
    assert (data["r"], data["v"], data["rv"], data["tenant"], data["who"], data["run"]) == (
        "too_expensive", 1, "1", "shop.env", "case", "run-1")
    assert data["u"] != data["u2"] and len(data["u"]) == 36
    assert data["l"] == "t=shop.env h=shop.env"
    assert result.variables == {"first_version": 1, "rv": "1"}
    assert result.case_id == "c1"


def test_a_save_that_matches_nothing_fails_with_its_name() -> None:
    f = flow(start(save=(save("x", "$.foo"), save("h", header="X-Nope"))), respond("next"))
    result = run(FakeJuo(), f)
    assert result.verdict is Verdict.FAILED
    assert result.message.splitlines()[1:] == [
        "  save x: save 'x': $.foo matched nothing",
        "  save h: save 'h': header X-Nope matched nothing",
        "(1 later step was not run)"]


def test_an_unknown_or_unset_variable_at_run_time_is_broken_and_clear() -> None:
    result = run(FakeJuo(), flow(start(), respond("${nope}")))
    assert result.verdict is Verdict.BROKEN
    assert result.message.startswith(
        'step 2 "respond" (flows/t.flow.yaml:10) is broken: unknown variable ${nope}; known: ')
    env = run(FakeJuo(), flow(start(), respond("${env:NOT_SET_ANYWHERE}")))
    assert "the environment variable NOT_SET_ANYWHERE is not set" in env.message
    bad_vars = run(FakeJuo(), flow(start(), vars={"a": "${b}"}))
    assert bad_vars.verdict is Verdict.BROKEN and bad_vars.steps == ()
    assert bad_vars.message.startswith("vars: unknown variable ${b}")


def test_respond_or_builtins_without_a_run_are_broken() -> None:
    fake = FakeJuo()
    result = run(fake, flow(respond("next", line=2)))
    assert result.verdict is Verdict.BROKEN and fake.requests == []
    assert result.message == ('step 1 "respond next" (flows/t.flow.yaml:2) is broken: respond '
                              "needs a current run, and there is none: the flow must start or "
                              "attach a run first")
    builtin = run(fake, flow(model.Step(AttachAction(templating.compile_value("${run.id}")))))
    assert "${run.id} has no value yet: no run has been started or attached" in builtin.message


def test_respond_on_a_completed_run_reuses_the_last_interaction() -> None:
    fake = FakeJuo()
    f = flow(start(), respond("next"), respond("accept"),
             respond("accept", expect=expect(http=409, error={"code": "run_not_waiting"})))
    result = run(fake, f)
    assert result.verdict is Verdict.PASSED, result.message
    assert fake.bodies()[3]["interactionId"] == "int-2"
    assert result.steps[3].calls[0].title == "respond accept (no pending interaction)"


def test_headers_merge_flow_action_step_and_none_removes() -> None:
    fake = FakeJuo()
    f = flow(start(), model.Step(GetAction(),
                                 headers=headers(X_Delegated_Token=None, X_Trace="s-${run.id}")),
             model.Step(GetAction(), headers=headers(X_Tenant="step")),
             flow_headers=headers(X_Tenant="flow", X_Trace="f"))
    result = run(fake, f)
    assert result.verdict is Verdict.PASSED, result.message
    start_req, removed, plain = fake.requests
    assert start_req.headers["x-tenant"] == "flow" and start_req.headers["x-trace"] == "f"
    assert "x-delegated-token" not in removed.headers
    assert removed.headers["x-trace"] == "s-run-1"
    assert plain.headers["x-tenant"] == "step" and plain.headers["x-delegated-token"] == TOKEN
    exchange = result.steps[0].calls[0].exchange
    assert exchange is not None and exchange.request_headers["x-delegated-token"] == "<redacted>"


def test_an_attach_picks_up_a_run_that_becomes_current() -> None:
    fake = FakeJuo()
    fake.start()
    attach = model.Step(AttachAction(templating.compile_value("${existing}")))
    result = run(fake, flow(attach, respond("next"), vars={"existing": "run-1"}))
    assert result.verdict is Verdict.PASSED, result.message
    assert result.steps[0].title == "attach run-1"
    assert fake.bodies()[1]["interactionId"] == "int-1"


def test_a_second_start_becomes_the_current_run() -> None:
    fake = FakeJuo()
    result = run(fake, flow(start(), start(), respond("next")))
    assert result.verdict is Verdict.PASSED, result.message
    assert fake.requests[2].url.path.endswith("/run-2/respond")


@pytest.mark.parametrize("answer, verdict, text", [
    (httpx.Response(500, json={"code": "internal", "message": "db down"}), Verdict.BROKEN,
     ("unexpected HTTP 500 from POST http://juo.test/customer/v1/workflows/run-1/respond "
      "internal: db down — the target failed; check its logs")),
    (httpx.Response(200, content=b'{"runId": "run-1", '), Verdict.BROKEN,
     "is not valid JSON: '{\"runId\": \"run-1\", '"),
    (httpx.Response(400, text="<html>proxy</html>"), Verdict.BROKEN, "is not valid JSON"),
])
def test_target_faults_are_broken_not_failed(answer: httpx.Response, verdict: Verdict,
                                             text: str) -> None:
    fake = FakeJuo()
    fake.override = lambda r: answer if r.method == "POST" and "respond" in r.url.path else None
    result = run(fake, flow(start(), respond("next"), respond("accept")))
    assert result.verdict is verdict
    assert text in result.message
    assert result.message.endswith("(1 later step was not run)")


def test_a_5xx_the_step_expects_is_judged_normally() -> None:
    fake = FakeJuo()
    fake.override = lambda r: (httpx.Response(503, json={"message": "maintenance"})
                               if "respond" in r.url.path else None)
    result = run(fake, flow(start(), respond("next", expect=expect(
        http=503, error={"message": "maintenance"}))))
    assert result.verdict is Verdict.PASSED, result.message


def test_a_transport_error_on_respond_is_broken_and_not_retried() -> None:
    fake = FakeJuo()

    def drop(request: httpx.Request) -> httpx.Response | None:
        if "respond" in request.url.path:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return None

    fake.override = drop
    result = run(fake, flow(start(), respond("next")))
    assert result.verdict is Verdict.BROKEN and len(fake.requests) == 2
    assert "the connection was dropped during POST" in result.message
    assert "may or may not have been applied" in result.message
    record = result.steps[1].calls[0]
    assert record.exchange is not None and record.exchange.status is None
    assert record.broken is not None


def test_a_contract_violation_on_a_2xx_is_broken_unless_schema_is_off() -> None:
    fake = FakeJuo()

    def no_version(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET":
            state = dict(fake.runs[request.url.path.rsplit("/", 1)[-1]])
            del state["runVersion"]
            state["status"] = "paused"
            return httpx.Response(200, json=state)
        return None

    fake.override = no_version
    get = model.Step(GetAction(), position=at(7))
    result = run(fake, flow(start(), get))
    assert result.verdict is Verdict.BROKEN
    assert result.message.splitlines() == [
        ('step 2 "get" (flows/t.flow.yaml:7) is broken: the 2xx body of GET '
         "http://juo.test/customer/v1/workflows/run-1 breaks the documented run-state schema "
         "(contract violation)"),
        "  schema runVersion: contract violation: required field missing",
        ("  schema status: contract violation: 'paused' is not one of ['running', "
         "'waiting_interaction', 'completed', 'failed', 'cancelled']")]
    relaxed = model.Step(GetAction(), expect=expect(schema=False, status="paused"))
    assert run(fake, flow(start(), relaxed)).verdict is Verdict.PASSED


def test_error_reads_the_run_state_error_on_2xx_and_the_body_otherwise() -> None:
    fake = FakeJuo()
    fake.runs["r-failed"] = {"workflowId": "w", "workflowVersion": 1, "runId": "r-failed",
                             "runVersion": 4, "status": "failed",
                             "error": {"message": "payment failed", "code": "exec"}}
    attach = model.Step(AttachAction("r-failed"), expect=expect(
        status="failed", error={"message": {"$contains": "payment"}}))
    missing = model.Step(AttachAction("nope"), expect=expect(
        http=404, error={"code": "run_not_found", "statusCode": 404}))
    result = run(fake, flow(attach, missing))
    assert result.verdict is Verdict.PASSED, result.message


def test_max_ms_budget_is_a_mismatch() -> None:
    result = run(FakeJuo(), flow(start(expect=expect(max_ms=0.000001))))
    assert result.verdict is Verdict.FAILED
    assert result.steps[0].mismatches[0].path == "maxMs"
    assert "over the budget of 1e-06 ms" in result.message


def test_jsonpath_several_matches_compare_as_a_list() -> None:
    f = flow(start(expect=expect(jsonpath={
        "$.interactiveSteps[*].stepId": ["value_reminder", "discount_offer"]})))
    assert run(FakeJuo(), f).verdict is Verdict.PASSED


def test_the_listener_follows_the_run_live() -> None:
    rec = Recorder()
    result = run(FakeJuo(), flow(start(), respond("next", version=3)), listener=rec)
    assert result.verdict is Verdict.FAILED
    assert rec.events == [
        ("started", (0, "start subscription_cancellation_requested")),
        ("call", "start subscription_cancellation_requested"),
        ("finished", (0, Verdict.PASSED)),
        ("started", (1, "respond next")),
        ("call", "respond next to show_content (step value_reminder)"),
        ("finished", (1, Verdict.FAILED))]


def test_the_token_never_reaches_the_message() -> None:
    fake = FakeJuo()
    fake.override = lambda r: (error(409, "bad", f"token {TOKEN} refused")
                               if "respond" in r.url.path else None)
    result = run(fake, flow(start(), respond("next")))
    assert result.verdict is Verdict.FAILED
    assert TOKEN not in result.message and "<redacted>" in result.message
    assert TOKEN not in repr(result)


# -- wait ------------------------------------------------------------------------------------

def slow_run(fake: FakeJuo, ready_after_polls: int) -> None:
    """GET shows ``running`` until the n-th GET, then ``completed``."""
    gets = []

    def answer(request: httpx.Request) -> httpx.Response | None:
        if request.method != "GET":
            return None
        gets.append(1)
        state = dict(fake.runs["run-1"], status="running")
        state.pop("pendingInteraction")
        if len(gets) >= ready_after_polls:
            state["status"] = "completed"
        return httpx.Response(200, json=state)

    fake.override = answer


def wait(timeout: float = 10.0, interval: float = 0.25, **until: Any) -> model.Step:
    return model.Step(WaitAction(expect(**until), timeout, interval), position=at(30))


def test_wait_polls_with_backoff_until_the_state_matches() -> None:
    fake, clock = FakeJuo(), FakeClock()
    slow_run(fake, ready_after_polls=4)
    result = run(fake, flow(start(), wait(status="completed"), respond("next")),
                 clock=clock, sleep=clock.sleep)
    assert result.verdict is Verdict.PASSED, result.message
    assert clock.sleeps == [0.25, 0.375, 0.5625]
    polls = result.steps[1].calls
    assert [c.title for c in polls] == [f"poll {n} of wait until status=completed"
                                        for n in (1, 2, 3, 4)]
    assert {c.kind for c in polls} == {"poll"}
    assert result.steps[1].title == "wait until status=completed"
    # the current run follows the polls: no pending interaction any more
    assert result.steps[2].calls[0].title == "respond next (no pending interaction)"


def test_wait_backoff_is_capped_and_never_passes_the_deadline() -> None:
    fake, clock = FakeJuo(), FakeClock()
    slow_run(fake, ready_after_polls=10**6)
    result = run(fake, flow(start(), wait(timeout=6.0, interval=1.0, status="completed")),
                 clock=clock, sleep=clock.sleep)
    assert result.verdict is Verdict.FAILED
    assert clock.sleeps == [1.0, 1.5, 2.0, 1.5]  # 1.5 cut to the deadline, not 2.0
    assert clock.now == 106.0
    assert len(result.steps[1].calls) == 5  # the last poll happened at the deadline
    lines = result.message.splitlines()
    assert lines[0] == 'step 2 "wait until status=completed" (flows/t.flow.yaml:30) failed:'
    assert lines[1] == ("  wait: timed out after 6s and 5 polls; last state: status=running, "
                        "runVersion=1, pending=none; what did not match:")
    assert lines[2] == '  status: expected "completed", got "running"'


def test_a_5xx_while_waiting_is_broken_at_once() -> None:
    fake, clock = FakeJuo(), FakeClock()
    fake.override = lambda r: httpx.Response(502, text="bad gateway") if r.method == "GET" else None
    result = run(fake, flow(start(), wait(status="completed")), clock=clock, sleep=clock.sleep)
    assert result.verdict is Verdict.BROKEN
    assert "poll 1 of wait until status=completed: unexpected HTTP 502" in result.message
    assert clock.sleeps == []


def test_get_transport_errors_are_retried_during_a_wait() -> None:
    fake, clock = FakeJuo(), FakeClock()
    failures = []

    def flaky(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET" and len(failures) < 2:
            failures.append(1)
            raise httpx.ConnectError("refused", request=request)
        return None

    fake.override = flaky
    result = run(fake, flow(start(), wait(status="waiting_interaction")), clock=clock,
                 sleep=clock.sleep)
    assert result.verdict is Verdict.PASSED, result.message
    assert len(result.steps[1].calls) == 1 and len(fake.requests) == 4


def test_an_unreachable_target_is_broken_with_what_to_check() -> None:
    from juo_flowtest.target.client import make_http_client

    with make_http_client(2.0) as http:
        client = JuoClient(http, "http://127.0.0.1:9/customer/v1", "t", Auth("bearer", TOKEN),
                           get_retries=0)
        result = run_flow(flow(start(), respond("next")), None, client)
    assert result.verdict is Verdict.BROKEN
    assert result.message == (
        'step 1 "start subscription_cancellation_requested" (flows/t.flow.yaml:1) is broken: '
        "target unreachable at http://127.0.0.1:9/customer/v1: connection refused — is the "
        "environment up? check --juo-base-url\n(1 later step was not run)")


def test_each_poll_reaches_the_listener_as_it_happens() -> None:
    fake, clock, rec = FakeJuo(), FakeClock(), Recorder()
    slow_run(fake, ready_after_polls=2)
    run(fake, flow(start(), wait(status="completed")), clock=clock, sleep=clock.sleep,
        listener=rec)
    assert rec.events[3:] == [
        ("started", (1, "wait until status=completed")),
        ("call", "poll 1 of wait until status=completed"),
        ("call", "poll 2 of wait until status=completed"),
        ("finished", (1, Verdict.PASSED))]


def test_a_step_renders_its_templates_once_for_its_title_and_its_call() -> None:
    # ${uuid} differs on every render: the title must show what was actually sent.
    fake = FakeJuo()
    f = flow(start("type-${uuid}"), respond("r-${uuid}"))
    result = run(fake, f)
    assert result.verdict is Verdict.PASSED, result.message
    start_body, respond_body = fake.bodies()
    assert result.steps[0].title == f"start {start_body['flowType']}"
    assert result.steps[0].calls[0].title == result.steps[0].title
    assert result.steps[1].title == f"respond {respond_body['responseType']}"


@pytest.mark.parametrize(("step", "why"), [
    (start(headers=headers(**{"X-Note": "café ☕"})),
     "a header holds a character that is not ASCII ('é'); HTTP headers carry ASCII only"),
    (start(headers=headers(**{"X-Delegated-Token": "tøken"})),
     "a header holds a character that is not ASCII ('ø')"),
    (model.Step(StartAction(templating.compile_value({"flowType": "x", "context": {
        "a": float("-inf")}})), position=at(1)), "the body holds a number JSON cannot carry"),
])
def test_a_request_that_cannot_be_built_is_broken_in_one_scrubbed_line(
        step: model.Step, why: str) -> None:
    fake = FakeJuo()
    result = run(fake, flow(step))
    assert result.verdict is Verdict.BROKEN and fake.requests == []
    first = result.message.splitlines()[0]
    assert "could not be built: " in first and why in first
    assert TOKEN not in result.message and "tøken" not in result.message


def test_an_exception_inside_a_step_becomes_a_broken_step_not_a_crash() -> None:
    fake = FakeJuo()

    class Exploding(JuoClient):
        def start(self, body: Any, headers: Any = None) -> Any:
            raise RuntimeError(f"boom with {TOKEN} inside\nand a second line")

    client = Exploding(httpx.Client(transport=fake.transport), BASE, "shop.test",
                       Auth("delegated", TOKEN))
    result = run_flow(flow(start()), None, client)
    assert result.verdict is Verdict.BROKEN
    assert result.steps[0].broken == ("the step could not run: RuntimeError: boom with "
                                      "<redacted> inside and a second line")
